"""Helpers shared by the EKS Pod Identity link checks (pure): the pod's association, the cluster's
name and ARN, the injected env, and the fix commands with the real names."""

from __future__ import annotations

from irsa_tui.chain import arn
from irsa_tui.chain.facts import ClusterFacts, ContainerFacts, Facts, PodFacts
from irsa_tui.chain.mechanism import AUTH_TOKEN_FILE, FULL_URI, POD_IDENTITY_VOLUME, is_agent_uri
from irsa_tui.chain.pod_identity_facts import AssociationFacts
from irsa_tui.policy.pod_identity import SERVICE_PRINCIPAL, SessionTags

__all__ = [
    "AUDIENCE",
    "AUTH_TOKEN_FILE",
    "FULL_URI",
    "VOLUME",
    "account",
    "association_for",
    "cluster_arn",
    "cluster_name",
    "create_association",
    "has_pod_identity_env",
    "placeholder_role",
    "session_tags",
]

AUDIENCE = SERVICE_PRINCIPAL
VOLUME = POD_IDENTITY_VOLUME


def association_for(facts: Facts, pod: PodFacts) -> AssociationFacts | None:
    """The association for the pod's namespace and ServiceAccount (exact names), if listed."""
    found = facts.associations
    if not isinstance(found, tuple):
        return None
    return next((a for a in found if a.namespace == pod.namespace and a.service_account == pod.sa_name), None)


def cluster_name(facts: Facts) -> str:
    if isinstance(facts.cluster, ClusterFacts) and facts.cluster.source == "eks" and facts.cluster.name:
        return facts.cluster.name
    return facts.cluster_name or "<cluster-name>"


def _region(facts: Facts) -> str:
    if isinstance(facts.cluster, ClusterFacts) and facts.cluster.region:
        return facts.cluster.region
    return facts.region or "<region>"


def account(facts: Facts) -> str | None:
    """The cluster's account (its ARN, the kubeconfig, or the caller)."""
    from irsa_tui.chain.links.service_account import cluster_account

    return facts.cluster_account or cluster_account(facts)


def cluster_arn(facts: Facts) -> str:
    if isinstance(facts.cluster, ClusterFacts) and facts.cluster.arn:
        return facts.cluster.arn
    region = _region(facts)
    partition = arn.partition_for_region(region) if not region.startswith("<") else "aws"
    return f"arn:{partition}:eks:{region}:{account(facts) or '<account-id>'}:cluster/{cluster_name(facts)}"


def placeholder_role(facts: Facts) -> str:
    region = _region(facts)
    partition = arn.partition_for_region(region) if not region.startswith("<") else "aws"
    return f"arn:{partition}:iam::{account(facts) or '<account-id>'}:role/<role-name>"


def create_association(facts: Facts, namespace: str, sa: str, role_arn: str | None = None) -> str:
    return (
        f"aws eks create-pod-identity-association --cluster-name {cluster_name(facts)} --namespace {namespace} "
        f"--service-account {sa} --role-arn {role_arn or placeholder_role(facts)}"
    )


def has_pod_identity_env(container: ContainerFacts) -> bool:
    """The container has the agent's FULL_URI (what the webhook injects)."""
    env = {v.name: v.value for v in container.env}
    return is_agent_uri(env)


def session_tags(facts: Facts, pod: PodFacts) -> SessionTags:
    """The six session tags EKS Auth sets for this pod."""
    return SessionTags(
        cluster_arn=cluster_arn(facts),
        cluster_name=cluster_name(facts),
        namespace=pod.namespace,
        service_account=pod.sa_name,
        pod_name=pod.name,
        pod_uid=pod.uid,
    )
