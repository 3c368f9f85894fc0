"""Facts about EKS Pod Identity and the pod's node, as the sources gather them (plain data, no I/O).

Kept apart from ``chain/facts.py`` while the mechanism-aware core reshapes it; the Pod Identity
links will read these. Source calls and permissions: pod-identity.md §4.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from irsa_tui.chain.errors import SourceError

__all__ = [
    "AGENT_ADDON",
    "AGENT_DAEMONSET",
    "AddonFacts",
    "AgentFacts",
    "AgentPodFacts",
    "AssociationFacts",
    "EksAuthFacts",
    "InstanceFacts",
    "InstanceProfileFacts",
    "NodeFacts",
]

AGENT_ADDON = "eks-pod-identity-agent"
AGENT_DAEMONSET = "eks-pod-identity-agent"
AGENT_NAMESPACE = "kube-system"


@dataclass(frozen=True)
class AssociationFacts:
    """One association: the List summary, completed by Describe (``detail_error`` when that failed)."""

    association_id: str
    association_arn: str
    namespace: str
    service_account: str
    owner_arn: str | None = None
    role_arn: str | None = None
    target_role_arn: str | None = None
    external_id: str | None = None
    disable_session_tags: bool | None = None
    policy: str | None = None
    created: datetime | None = None
    modified: datetime | None = None
    detail_error: SourceError | None = None
    """Describe failed (e.g. the caller lacks eks:DescribePodIdentityAssociation): only the summary is known."""


@dataclass(frozen=True)
class AddonFacts:
    name: str
    installed: bool
    version: str | None = None
    status: str | None = None
    issues: tuple[tuple[str, str], ...] = ()
    """(code, message) from ``health.issues``."""
    configuration_values: str | None = None


@dataclass(frozen=True)
class NodeFacts:
    name: str
    provider_id: str | None
    instance_id: str | None
    """From ``spec.providerID`` ``aws:///<zone>/i-…``; None for Fargate and non-AWS nodes."""
    zone: str | None
    os: str | None
    compute_type: str | None
    """``eks.amazonaws.com/compute-type`` (fargate, hybrid, auto) when set."""
    arch: str | None = None

    @property
    def fargate(self) -> bool:
        return self.compute_type == "fargate" or self.name.startswith("fargate-")


@dataclass(frozen=True)
class InstanceFacts:
    instance_id: str
    http_tokens: str | None
    hop_limit: int | None
    http_endpoint: str | None
    instance_profile_arn: str | None
    state: str | None = None


@dataclass(frozen=True)
class InstanceProfileFacts:
    name: str
    arn: str
    role_arns: tuple[str, ...]


@dataclass(frozen=True)
class AgentPodFacts:
    name: str
    node: str | None
    ready: bool
    phase: str | None
    restarts: int = 0


@dataclass(frozen=True)
class AgentFacts:
    """The ``kube-system/eks-pod-identity-agent`` DaemonSet and its pods."""

    daemonset: bool
    desired: int = 0
    ready: int = 0
    pods: tuple[AgentPodFacts, ...] = ()

    def on_node(self, node: str) -> AgentPodFacts | None:
        return next((p for p in self.pods if p.node == node), None)


@dataclass(frozen=True)
class EksAuthFacts:
    """What EKS Auth ``AssumeRoleForPodIdentity`` answered (an error answer is a fact too)."""

    ok: bool
    endpoint: str
    error_code: str | None = None
    error_message: str | None = None
    http_status: int | None = None
    assumed_role_arn: str | None = None
    association_id: str | None = None
    namespace: str | None = None
    service_account: str | None = None
    audience: str | None = None
    expiration: datetime | None = None
