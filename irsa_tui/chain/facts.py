"""Facts: everything the sources gathered about one pod, as plain data.

Sources (``irsa_tui.sources``) fill these from the Kubernetes API, AWS and the OIDC
issuer; checks (``irsa_tui.chain.links``) judge them. Nothing here does I/O.

Each gathered fact is ``T | SourceError | None``:
- ``T``            the value;
- ``SourceError``  we asked and could not find out (or the object does not exist:
                   ``kind == "not-found"``); checks decide whether that is a finding
                   (SA missing => fail) or an ``error`` link;
- ``None``         not gathered: turned off (``--no-live``) or moot; the reason is in
                   ``Facts.gaps[<field name>]``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal, TypeVar, Union

from irsa_tui.chain.errors import ErrorKind, SourceError

if TYPE_CHECKING:
    from irsa_tui.chain.pod_identity_facts import (
        AddonFacts,
        AgentFacts,
        AssociationFacts,
        EksAuthFacts,
        InstanceFacts,
        InstanceProfileFacts,
        NodeFacts,
    )

__all__ = [
    "AUDIENCE_ANNOTATION",
    "DEFAULT_AUDIENCE",
    "POD_IDENTITY_FIELDS",
    "ROLE_ANNOTATION",
    "TOKEN_DIR",
    "TOKEN_PATH",
    "TOKEN_VOLUME",
    "CloudTrailFacts",
    "ClusterFacts",
    "ContainerFacts",
    "ContainerLog",
    "EnvVar",
    "ErrorKind",
    "Facts",
    "Fetched",
    "IssuerFacts",
    "LogFacts",
    "LogMatch",
    "OidcProviderFacts",
    "OwnerRef",
    "PodFacts",
    "RoleFacts",
    "S3Facts",
    "S3ObjectFacts",
    "ServiceAccountFacts",
    "SourceError",
    "StsFacts",
    "TokenFacts",
    "TokenVolume",
    "TrailSubject",
    "VolumeFacts",
    "VolumeMount",
    "WebhookFacts",
]

ROLE_ANNOTATION = "eks.amazonaws.com/role-arn"
AUDIENCE_ANNOTATION = "eks.amazonaws.com/audience"
STS_REGIONAL_ANNOTATION = "eks.amazonaws.com/sts-regional-endpoints"
TOKEN_EXPIRATION_ANNOTATION = "eks.amazonaws.com/token-expiration"
SKIP_CONTAINERS_ANNOTATION = "eks.amazonaws.com/skip-containers"
SKIP_POD_LABEL = "eks.amazonaws.com/skip-pod-identity-webhook"
DEFAULT_AUDIENCE = "sts.amazonaws.com"
TOKEN_VOLUME = "aws-iam-token"
TOKEN_DIR = "/var/run/secrets/eks.amazonaws.com/serviceaccount"
TOKEN_PATH = TOKEN_DIR + "/token"
DEFAULT_TOKEN_EXPIRATION = 86400

POD_IDENTITY_FIELDS = (
    "associations", "association_role", "target_role", "pod_identity_token", "agent_addon", "agent", "node",
    "node_instance", "node_instance_profile", "node_role", "eks_auth", "pod_identity_s3",
)
"""Facts fields that only the Pod Identity steps settle (``irsa_tui.steps_pod_identity``)."""

T = TypeVar("T")
Fetched = Union[T, SourceError, None]  # noqa: UP007 - a generic alias needs Union


@dataclass(frozen=True)
class EnvVar:
    name: str
    value: str | None
    """Literal value; None when it comes from ``valueFrom`` (see ``source``)."""
    source: str | None = None
    """``secretKeyRef secret/key``, ``configMapKeyRef ...``, ``fieldRef ...`` when not literal."""


@dataclass(frozen=True)
class VolumeMount:
    name: str
    mount_path: str
    read_only: bool = False
    sub_path: str | None = None


@dataclass(frozen=True)
class ContainerFacts:
    name: str
    kind: Literal["container", "init", "ephemeral"] = "container"
    image: str = ""
    env: tuple[EnvVar, ...] = ()
    env_from: tuple[str, ...] = ()
    """``secret/NAME`` or ``configmap/NAME`` for each envFrom source."""
    mounts: tuple[VolumeMount, ...] = ()
    run_as_user: int | None = None
    """Effective runAsUser (container overrides pod)."""
    restart_policy: str | None = None
    """``Always`` for native sidecar init containers."""

    def env_value(self, name: str) -> str | None:
        for var in self.env:
            if var.name == name:
                return var.value
        return None

    def has_env(self, name: str) -> bool:
        return any(var.name == name for var in self.env)


@dataclass(frozen=True)
class TokenVolume:
    """The serviceAccountToken source of a projected volume."""

    audience: str | None
    expiration_seconds: int | None
    path: str


@dataclass(frozen=True)
class VolumeFacts:
    name: str
    kind: str
    """The volume source type: ``projected``, ``hostPath``, ``secret``, ``emptyDir``, ..."""
    token: TokenVolume | None = None
    """The serviceAccountToken source when kind is projected and has one."""
    detail: str | None = None
    """E.g. the hostPath path or secret name, for evidence."""


@dataclass(frozen=True)
class OwnerRef:
    kind: str
    name: str


@dataclass(frozen=True)
class PodFacts:
    name: str
    namespace: str
    uid: str
    service_account_name: str | None
    """``spec.serviceAccountName`` as written; None when absent (Kubernetes then uses ``default``)."""
    created: datetime | None
    labels: Mapping[str, str] = field(default_factory=dict)
    annotations: Mapping[str, str] = field(default_factory=dict)
    containers: tuple[ContainerFacts, ...] = ()
    """Init containers first (kind ``init``), then regular ones."""
    volumes: tuple[VolumeFacts, ...] = ()
    node_name: str | None = None
    node_selector: Mapping[str, str] = field(default_factory=dict)
    host_network: bool = False
    phase: str | None = None
    fs_group: int | None = None
    run_as_user: int | None = None
    """Pod-level securityContext.runAsUser."""
    owner: OwnerRef | None = None
    """The top controller (Deployment for a ReplicaSet-owned pod), resolved when readable."""
    scheduler_name: str | None = None
    fargate: bool = False
    """Scheduled on Fargate (``eks.amazonaws.com/fargate-profile`` label or fargate- node)."""

    @property
    def sa_name(self) -> str:
        return self.service_account_name or "default"


@dataclass(frozen=True)
class ServiceAccountFacts:
    name: str
    namespace: str
    uid: str
    created: datetime | None
    annotations: Mapping[str, str] = field(default_factory=dict)
    annotations_changed: datetime | None = None
    """Latest managedFields time that touched metadata.annotations (None when unknown)."""


@dataclass(frozen=True)
class WebhookFacts:
    """MutatingWebhookConfigurations that look like the pod identity webhook."""

    names: tuple[str, ...]
    """``name/webhook`` for each matching webhook; empty when none found."""
    failure_policy: str | None = None
    service: str | None = None
    """``namespace/name`` of a self-managed webhook's Service (EKS's runs on the control plane: None)."""
    flags: Mapping[str, str] | None = None
    """A self-managed webhook's flags (``token-audience``, ``aws-default-region``, ``sts-regional-endpoint``...)
    read from its Deployment; None when not visible (EKS-managed, or the caller may not read it)."""
    flags_note: str | None = None
    """Why the flags are not known, when a self-managed webhook was found."""


@dataclass(frozen=True)
class TokenFacts:
    """A service-account token, as the kubelet would mount it, decoded (never printed)."""

    origin: Literal["token-request", "predicted"]
    """``predicted``: TokenRequest was not possible; claims are what the kubelet would produce."""
    header: Mapping[str, Any]
    claims: Mapping[str, Any]
    signature_redacted: str
    """First and last 4 characters of the signature, e.g. ``abcd…wxyz (342 chars)``."""
    fetched_at: datetime
    """When we got it (our clock)."""
    raw: str = field(default="", repr=False, compare=False)
    """The token itself, in memory only, for STS and signature checks. Never render it."""


@dataclass(frozen=True)
class ClusterFacts:
    name: str
    region: str
    issuer: str | None
    """``cluster.identity.oidc.issuer`` from EKS DescribeCluster (or the API server, see ``source``)."""
    arn: str | None = None
    version: str | None = None
    source: Literal["eks", "apiserver"] = "eks"
    """``apiserver``: no EKS API for this context; the issuer is the API server's own discovery document
    (``/.well-known/openid-configuration``, ServiceAccountIssuerDiscovery)."""
    note: str | None = None
    """Why the API server was asked instead of EKS (source ``apiserver``)."""


@dataclass(frozen=True)
class OidcProviderFacts:
    """IAM's view of OIDC providers in the role's account."""

    account: str
    providers: tuple[str, ...]
    """Every provider ARN in the account (ListOpenIDConnectProviders)."""
    arn: str | None
    """The provider matching the issuer, None when none matches."""
    url: str | None = None
    client_ids: tuple[str, ...] = ()
    thumbprints: tuple[str, ...] = ()


@dataclass(frozen=True)
class IssuerFacts:
    """What the OIDC issuer serves over HTTPS."""

    issuer: str
    discovery: Fetched[Mapping[str, Any]] = None
    jwks: Fetched[Mapping[str, Any]] = None
    top_ca_thumbprint: str | None = None
    """Lower-case hex SHA-1 of the last certificate of the JWKS host's chain."""
    signature: Literal["valid", "invalid", "no-key", "unchecked"] = "unchecked"
    signature_detail: str | None = None


@dataclass(frozen=True)
class RoleFacts:
    arn: str
    name: str
    account: str
    trust_policy: str
    """The trust policy document as text (URL-decoded JSON); the check parses it."""
    max_session_duration: int = 3600
    policies: Fetched[tuple[Mapping[str, Any], ...]] = None
    """Identity policy documents (inline + attached), for the S3 probe."""
    permissions_boundary: str | None = None


@dataclass(frozen=True)
class StsFacts:
    """The live AssumeRoleWithWebIdentity call."""

    endpoint: str
    ok: bool
    assumed_role_arn: str | None = None
    subject: str | None = None
    audience: str | None = None
    provider: str | None = None
    expiration: datetime | None = None
    error_code: str | None = None
    error_message: str | None = None
    http_status: int | None = None
    pod_endpoint: str | None = None
    """The endpoint the pod's SDK calls (``irsa_tui.chain.endpoints``), with why; ``endpoint`` is the
    one the probe reached (the same, unless AWS_ENDPOINT_URL[_STS] points irsa-tui elsewhere)."""


@dataclass(frozen=True)
class S3ObjectFacts:
    """``GetObject`` with ``Range: bytes=0-0`` on one key (``--object``): reads at most one byte."""

    key: str
    ok: bool
    error_code: str | None = None
    error_message: str | None = None
    http_status: int | None = None
    sse: str | None = None
    """``x-amz-server-side-encryption`` of the object: ``AES256``, ``aws:kms``, ``aws:kms:dsse``."""
    kms_key_id: str | None = None
    """``x-amz-server-side-encryption-aws-kms-key-id`` (a key ARN) when SSE-KMS."""
    bytes_read: int | None = None


@dataclass(frozen=True)
class S3Facts:
    bucket: str | None
    """None for ListBuckets."""
    bucket_origin: Literal["flag", "role-policy", "list-buckets"]
    operation: str
    """``ListObjectsV2``, ``ListBuckets``, ``GetObject``."""
    ok: bool
    error_code: str | None = None
    error_message: str | None = None
    http_status: int | None = None
    bucket_region: str | None = None
    objects_seen: int | None = None
    simulation: Mapping[str, str] | None = None
    """iam:SimulatePrincipalPolicy decision per action, when the caller could run it."""
    object: S3ObjectFacts | SourceError | None = None
    """The GetObject probe when ``--object`` was given (None: not asked, or not reached)."""
    redirect_code: str | None = None
    """A region redirect the SDK followed (``PermanentRedirect``, ``AuthorizationHeaderMalformed``)."""
    client_region: str | None = None
    """The region the S3 client signed for first (the pod's ``AWS_REGION``)."""


@dataclass(frozen=True)
class LogMatch:
    """One known error shape found in a container's log (``check --logs``): only matched lines are kept."""

    code: str
    """The explain catalogue's shape code (``ERR-001``)."""
    line: str
    """The matched line, redacted and shortened (irsa_tui/redact.py), without its timestamp."""
    timestamp: str | None
    """The API server's timestamp of the first matching line (``timestamps=true``), when it gave one."""
    count: int = 1
    """How many lines of the tail hold this shape."""


@dataclass(frozen=True)
class ContainerLog:
    """What the last lines of one app container's log showed."""

    container: str
    lines_read: int = 0
    matches: tuple[LogMatch, ...] = ()
    error: SourceError | None = None
    """The log could not be read (RBAC ``get pods/log``, container not started, timeout)."""


@dataclass(frozen=True)
class LogFacts:
    tail_lines: int
    containers: tuple[ContainerLog, ...] = ()


@dataclass(frozen=True)
class TrailSubject:
    """CloudTrail's AssumeRoleWithWebIdentity / AssumeRoleForPodIdentity events of one subject for the role."""

    subject: str
    """``system:serviceaccount:NS:SA`` (the token's sub), or the principal CloudTrail names."""
    ok: int = 0
    refused: int = 0
    last_at: datetime | None = None
    last_error: str | None = None
    """The error code of the latest event, None when it succeeded."""
    last_refused_at: datetime | None = None
    last_refused_error: str | None = None


@dataclass(frozen=True)
class CloudTrailFacts:
    event: str
    """``AssumeRoleWithWebIdentity`` or ``AssumeRoleForPodIdentity``."""
    role_arn: str
    since: datetime
    until: datetime
    events_read: int = 0
    truncated: bool = False
    """More events than irsa-tui reads (pages are bounded): the counts are lower bounds."""
    subjects: tuple[TrailSubject, ...] = ()
    own_probes: int = 0
    """Events of irsa-tui's own probes (session ``irsa-tui-…``), not counted above."""


@dataclass
class Facts:
    """All facts for one pod. Mutable only while sources gather; checks treat it as read-only."""

    namespace: str
    pod_name: str
    now: datetime
    live: bool = True
    bucket: str | None = None
    """``--bucket`` when given."""
    pod: Fetched[PodFacts] = None
    service_account: Fetched[ServiceAccountFacts] = None
    namespace_service_accounts: Fetched[tuple[ServiceAccountFacts, ...]] = None
    """All SAs of the namespace, for near-miss suggestions."""
    webhook: Fetched[WebhookFacts] = None
    token: Fetched[TokenFacts] = None
    token_request_error: SourceError | None = None
    """Set when TokenRequest failed and ``token`` holds *predicted* claims instead."""
    cluster: Fetched[ClusterFacts] = None
    provider: Fetched[OidcProviderFacts] = None
    issuer: Fetched[IssuerFacts] = None
    role: Fetched[RoleFacts] = None
    sts: Fetched[StsFacts] = None
    s3: Fetched[S3Facts] = None
    logs: Fetched[LogFacts] = None
    """``check --logs``: the known error shapes in the tail of each app container's log."""
    cloudtrail: Fetched[CloudTrailFacts] = None
    """``check --cloudtrail``: the last hour of the role's web-identity events."""
    gaps: dict[str, str] = field(default_factory=dict)
    """Why a fact is None: field name -> one-line reason."""
    caller: str | None = None
    """The AWS identity we act as (sts:GetCallerIdentity ARN), when known."""
    region: str | None = None
    context: str | None = None
    cluster_name: str | None = None
    """The EKS cluster name asked for (``--cluster`` or derived from the context), even if unreadable."""
    cluster_account: str | None = None
    """The cluster's account from its ARN in the kubeconfig, even when DescribeCluster cannot read it."""
    # --- EKS Pod Identity (steps_pod_identity.py; plain data in chain/pod_identity_facts.py) ---
    associations: Fetched[tuple[AssociationFacts, ...]] = None
    """Pod Identity associations for the pod's namespace and ServiceAccount (List, each completed by Describe)."""
    association_role: Fetched[RoleFacts] = None
    """The association's role (GetRole, with its identity policies): what EKS Auth assumes."""
    target_role: Fetched[RoleFacts] = None
    """The association's ``targetRoleArn`` role (second hop), when it has one."""
    pod_identity_token: Fetched[TokenFacts] = None
    """A token for audience ``pods.eks.amazonaws.com`` (TokenRequest, or predicted with ``--no-live``)."""
    agent_addon: Fetched[AddonFacts] = None
    agent: Fetched[AgentFacts] = None
    """The ``kube-system/eks-pod-identity-agent`` DaemonSet and its pods."""
    node: Fetched[NodeFacts] = None
    node_instance: Fetched[InstanceFacts] = None
    node_instance_profile: Fetched[InstanceProfileFacts] = None
    node_role: Fetched[RoleFacts] = None
    """The node's instance role with its identity policies (does it allow eks-auth:AssumeRoleForPodIdentity?)."""
    eks_auth: Fetched[EksAuthFacts] = None
    """The live ``AssumeRoleForPodIdentity`` answer (None with ``--no-live``)."""
    pod_identity_s3: Fetched[S3Facts] = None
    """The S3 probe made with the credentials EKS Auth issued."""
