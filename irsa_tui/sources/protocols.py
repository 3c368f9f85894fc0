"""What the fetch steps need from each source, as small protocols.

The real adapters (``Kube``, ``Aws``, ``HttpIssuer``) satisfy them over the wire; unit tests pass
fakes (tests/engine/fakes.py). Every method either answers or raises ``SourceFailure``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from irsa_tui.chain.facts import (
    ClusterFacts,
    IssuerFacts,
    OidcProviderFacts,
    OwnerRef,
    PodFacts,
    RoleFacts,
    S3Facts,
    ServiceAccountFacts,
    StsFacts,
    WebhookFacts,
)

if TYPE_CHECKING:
    from irsa_tui.sources.pod_identity import PodIdentityAwsSource, PodIdentityKubeSource

__all__ = ["AwsSource", "IssuerSource", "KubeSource", "Sources"]


class KubeSource(Protocol):
    def get_pod(self, ns: str, name: str) -> PodFacts: ...

    def get_owner(self, pod: PodFacts, raw_owner: OwnerRef | None) -> OwnerRef | None: ...

    def get_service_account(self, ns: str, name: str) -> ServiceAccountFacts: ...

    def list_service_accounts(self, ns: str) -> tuple[ServiceAccountFacts, ...]: ...

    def webhooks(self) -> WebhookFacts: ...

    def issuer_discovery(self) -> str:
        """The API server's service-account issuer (``/.well-known/openid-configuration``)."""
        ...

    def token_request(self, pod: PodFacts, audience: str) -> tuple[str, str | None]:
        """(token, expiration timestamp) — the one write irsa-tui makes."""
        ...

    def pod_log(self, ns: str, name: str, container: str, tail_lines: int) -> str:
        """The last lines of one container's log, each with its timestamp (``check --logs``)."""
        ...


class AwsSource(Protocol):
    region: str | None

    def warm(self) -> None: ...

    def caller(self) -> tuple[str, str]:
        """(account, ARN) of the identity irsa-tui acts as."""
        ...

    def describe_cluster(self, name: str) -> ClusterFacts: ...

    def get_role(self, role_name: str, arn: str, account: str) -> RoleFacts: ...

    def inline_policy_names(self, role: str) -> list[str]: ...

    def inline_policy(self, role: str, name: str) -> dict[str, Any]: ...

    def attached_policy_arns(self, role: str) -> list[str]: ...

    def managed_policy(self, arn: str) -> dict[str, Any]: ...

    def oidc_provider(self, account: str, partition: str, issuer: str) -> OidcProviderFacts: ...

    def simulate(self, role_arn: str, actions: list[str], resource: str) -> dict[str, str] | None: ...

    def assume_role_with_web_identity(
        self, role_arn: str, token: str, region: str | None, regional: bool, session_name: str
    ) -> tuple[StsFacts, Any]:
        """(what STS answered, the credentials it issued or None)."""
        ...

    def cloudtrail_events(self, event: str, since: datetime, until: datetime,
                          max_pages: int = 5) -> tuple[list[Any], bool]:
        """(events as ``chain.trail.TrailEvent``, truncated) of one event name (``check --cloudtrail``)."""
        ...

    def s3_probe(self, creds: Any, bucket: str | None, origin: str, region: str | None, key: str | None = None) -> S3Facts: ...


class IssuerSource(Protocol):
    def fetch(self, issuer: str) -> IssuerFacts:
        """Discovery, JWKS and the TLS thumbprint of the issuer."""
        ...

    def verify(self, token: str, jwks: Mapping[str, Any]) -> tuple[str, str | None]:
        """(``valid``/``invalid``/``no-key``, detail) of the token's signature."""
        ...


@dataclass(frozen=True)
class Sources:
    kube: KubeSource
    aws: AwsSource
    issuer: IssuerSource
    eks: PodIdentityAwsSource | None = None
    """EKS Pod Identity, EKS Auth, EC2 and instance-profile reads (``sources/pod_identity.py``); None: not
    available (the Pod Identity steps then record a gap)."""
    nodes: PodIdentityKubeSource | None = None
    """The pod's node and the Pod Identity agent's DaemonSet and pods."""
