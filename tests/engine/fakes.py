"""Fake sources for the engine's steps: the healthy world of tests/chain/builders.py, in memory.

Each fake counts the calls made to it, so tests can tell what a Session fetched once. Break one
answer with ``fail`` (raise SourceFailure) or ``answers`` (a different value).
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

import jwt

from irsa_tui.chain.errors import SourceError, SourceFailure
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
from irsa_tui.engine import Session
from irsa_tui.sources.protocols import Sources
from tests.chain import builders as b


@dataclass
class FakeWorld:
    """Answers of every source; ``fail[name]`` makes that call raise the given error."""

    pods: dict[tuple[str, str], PodFacts] = field(default_factory=dict)
    fail: dict[str, SourceError | Exception] = field(default_factory=dict)
    """A SourceError is raised as SourceFailure (a source's fault); any other exception as itself (a bug)."""
    calls: Counter[str] = field(default_factory=Counter)
    gate: dict[str, threading.Event] = field(default_factory=dict)
    """A call waits for its event (deadline tests)."""
    facts: Any = field(default_factory=b.healthy_facts)

    def answer(self, name: str, value: Callable[[], Any]) -> Any:
        self.calls[name] += 1
        if name in self.gate:
            self.gate[name].wait(10)
        if name in self.fail:
            error = self.fail[name]
            raise SourceFailure(error) if isinstance(error, SourceError) else error
        return value()


class FakeKube:
    def __init__(self, world: FakeWorld) -> None:
        self.w = world

    def get_pod(self, ns: str, name: str) -> PodFacts:
        def pod() -> PodFacts:
            if (ns, name) in self.w.pods:
                return self.w.pods[(ns, name)]
            if (ns, name) == (b.NS, b.POD) and not self.w.pods:
                return replace(b.healthy_pod(), owner=OwnerRef("ReplicaSet", "api-7d9f8c6b5"))
            raise SourceFailure(SourceError("kubernetes", "not-found", f"GET pod {ns}/{name}: 404 Not Found"))

        return self.w.answer("get_pod", pod)

    def get_owner(self, pod: PodFacts, raw_owner: OwnerRef | None) -> OwnerRef | None:
        return self.w.answer("get_owner", lambda: OwnerRef("Deployment", "api"))

    def get_service_account(self, ns: str, name: str) -> ServiceAccountFacts:
        return self.w.answer("get_service_account", lambda: self.w.facts.service_account)

    def list_service_accounts(self, ns: str) -> tuple[ServiceAccountFacts, ...]:
        return self.w.answer("list_service_accounts", lambda: self.w.facts.namespace_service_accounts)

    def webhooks(self) -> WebhookFacts:
        return self.w.answer("webhooks", lambda: self.w.facts.webhook)

    def token_request(self, pod: PodFacts, audience: str) -> tuple[str, str | None]:
        def token() -> tuple[str, str | None]:
            now = int(datetime.now(UTC).timestamp())
            sub = f"system:serviceaccount:{pod.namespace}:{pod.sa_name}"
            claims = b.healthy_claims(aud=[audience], iat=now, nbf=now, exp=now + 600, sub=sub)
            return jwt.encode(claims, "fake-signing-key-of-32-bytes-length!", algorithm="HS256"), None

        return self.w.answer("token_request", token)


class FakeAws:
    region: str | None = b.REGION

    def __init__(self, world: FakeWorld) -> None:
        self.w = world
        self.simulated: list[tuple[list[str], str]] = []

    def warm(self) -> None:
        self.w.calls["warm"] += 1

    def caller(self) -> tuple[str, str]:
        return self.w.answer("caller", lambda: (b.ACCOUNT, f"arn:aws:iam::{b.ACCOUNT}:user/sre"))

    def describe_cluster(self, name: str) -> ClusterFacts:
        return self.w.answer("describe_cluster", lambda: self.w.facts.cluster)

    def get_role(self, role_name: str, arn: str, account: str) -> RoleFacts:
        return self.w.answer("get_role", lambda: replace(self.w.facts.role, policies=None))

    def inline_policy_names(self, role: str) -> list[str]:
        return self.w.answer("inline_policy_names", lambda: ["s3"])

    def inline_policy(self, role: str, name: str) -> dict[str, Any]:
        return self.w.answer("inline_policy", lambda: b.ROLE_POLICY)

    def attached_policy_arns(self, role: str) -> list[str]:
        return self.w.answer("attached_policy_arns", lambda: [])

    def managed_policy(self, arn: str) -> dict[str, Any]:
        return self.w.answer("managed_policy", lambda: {})

    def oidc_provider(self, account: str, partition: str, issuer: str) -> OidcProviderFacts:
        return self.w.answer("oidc_provider", lambda: self.w.facts.provider)

    def simulate(self, role_arn: str, actions: list[str], resource: str) -> dict[str, str] | None:
        self.simulated.append((actions, resource))
        return self.w.answer("simulate", lambda: dict.fromkeys(actions, "implicitDeny"))

    def assume_role_with_web_identity(
        self, role_arn: str, token: str, region: str | None, regional: bool, session_name: str
    ) -> tuple[StsFacts, Any]:
        return self.w.answer("assume_role_with_web_identity", lambda: (self.w.facts.sts, object()))

    def s3_probe(self, creds: Any, bucket: str | None, origin: str, region: str | None, key: str | None = None) -> S3Facts:
        return self.w.answer("s3_probe", lambda: replace(self.w.facts.s3, bucket=bucket, bucket_origin=origin))


class FakeIssuer:
    def __init__(self, world: FakeWorld) -> None:
        self.w = world

    def fetch(self, issuer: str) -> IssuerFacts:
        return self.w.answer("issuer_fetch", lambda: replace(self.w.facts.issuer, signature="unchecked"))

    def verify(self, token: str, jwks: Mapping[str, Any]) -> tuple[str, str | None]:
        return "valid", None


def session(world: FakeWorld, shared: bool = True) -> Session:
    sources = Sources(kube=FakeKube(world), aws=FakeAws(world), issuer=FakeIssuer(world))
    return Session("prod", sources, cluster_name=b.CLUSTER,
                   region=b.REGION, cluster_account=b.ACCOUNT, shared=shared)
