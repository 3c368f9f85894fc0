"""Fetch steps for the credentials section: the pod's node, its EC2 instance, its instance profile.

The node role a pod falls back to is found from the outside as EKS documents it: the node's
``spec.providerID`` (``aws:///<zone>/i-…``) -> ``ec2:DescribeInstances`` (metadata options, instance
profile) -> ``iam:GetInstanceProfile`` (its role). No link waits on these keys: they run beside the
chain's steps and only the credentials section reads them (``credentials_for``). A missing
permission is a value (SourceError naming the RBAC verb or IAM action), never a crash.

The steps join a mechanism's graph in one place (``irsa_tui.steps``); they reach the node and EC2
through ``sources.pod_identity`` adapters over the run's own ``Kube`` / ``Aws`` clients.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from irsa_tui.chain.credentials import (
    NOT_NEEDED,
    ContainerCredentials,
    NodeIdentity,
    falls_back,
    node_identity,
    pod_credentials,
)
from irsa_tui.chain.errors import SourceFailure
from irsa_tui.chain.facts import PodFacts
from irsa_tui.chain.mechanism import env_mechanism
from irsa_tui.chain.pod_identity_facts import AssociationFacts, InstanceFacts, NodeFacts
from irsa_tui.runner import Step, StepContext

__all__ = ["CREDENTIAL_KEYS", "CREDENTIAL_STEPS", "credentials_for"]

CREDENTIAL_KEYS = ("node", "node_instance", "node_instance_profile")
"""``node`` NodeFacts, ``node_instance`` InstanceFacts, ``node_instance_profile`` InstanceProfileFacts
(each a SourceError when it could not be read, None when moot)."""


def _node_needed(pod: PodFacts) -> bool:
    """The node and its instance are read for a Pod Identity pod (agent on the node, node role) and for
    any pod some SDK family of which may end at IMDS (the node role it falls back to); not for a pod whose
    env says IRSA everywhere."""
    return env_mechanism(pod) != "irsa" or falls_back(pod)


def _reader(ctx: StepContext, side: str, method: str) -> Any:
    """The run's node / EKS-and-EC2 source (``Sources.nodes`` / ``Sources.eks``), else the source itself
    when it has ``method`` (fakes), else the Pod Identity adapter over its client."""
    direct = getattr(ctx.env[0], "nodes" if side == "kube" else "eks", None)
    if direct is not None:
        return direct
    source = getattr(ctx.env[0], side)
    if hasattr(source, method):
        return source
    if not hasattr(source, "_call"):
        return None
    from irsa_tui.sources import pod_identity

    return pod_identity.PodIdentityKube(source) if side == "kube" else pod_identity.PodIdentityAws(source)


def _fetch(ctx: StepContext, name: str, fn: Callable[[], Any], key: tuple[str, ...]) -> Any:
    try:
        return ctx.call(name, fn, key=key)
    except SourceFailure as failure:
        return failure.error


def step_node(ctx: StepContext) -> None:
    pod = ctx.need("pod_read")
    if isinstance(pod, PodFacts) and not _node_needed(pod):
        ctx.gap("node", NOT_NEEDED)
        return
    name = pod.node_name if isinstance(pod, PodFacts) else None
    kube = _reader(ctx, "kube", "get_node")
    if not name or kube is None:
        ctx.gap("node", "pod not read or not scheduled" if not name else "no source for nodes")
        return
    ctx.settle(node=_fetch(ctx, f"kubernetes GET node {name}", lambda: kube.get_node(name), ("node", name)))


def step_node_instance(ctx: StepContext) -> None:
    node = ctx.need("node")
    aws = _reader(ctx, "aws", "describe_instance")
    if not isinstance(node, NodeFacts) or not node.instance_id or node.fargate or aws is None:
        ctx.gap("node_instance", "no EC2 instance behind the node")
        return
    pod = ctx.need("pod_read")
    if isinstance(pod, PodFacts) and not _node_needed(pod):
        ctx.gap("node_instance", NOT_NEEDED)
        return
    iid = node.instance_id
    ctx.settle(node_instance=_fetch(ctx, f"ec2 DescribeInstances {iid}", lambda: aws.describe_instance(iid),
                                    ("instance", iid)))


def step_node_instance_profile(ctx: StepContext) -> None:
    instance = ctx.need("node_instance")
    aws = _reader(ctx, "aws", "describe_instance")
    if not isinstance(instance, InstanceFacts) or not instance.instance_profile_arn or aws is None:
        ctx.gap("node_instance_profile", "no instance profile to read")
        return
    arn = instance.instance_profile_arn
    name = arn.rsplit("/", 1)[-1]
    ctx.settle(node_instance_profile=_fetch(ctx, f"iam GetInstanceProfile {name}",
                                            lambda: aws.get_instance_profile(arn), ("instance-profile", arn)))


CREDENTIAL_STEPS: tuple[Step, ...] = (
    Step("node", ("pod_read",), ("node",), None, step_node, calls=("kubernetes GET node",), scope="cluster"),
    Step("node_instance", ("node", "pod_read"), ("node_instance",), None, step_node_instance,
         calls=("ec2 DescribeInstances",), scope="cluster"),
    Step("node_instance_profile", ("node_instance",), ("node_instance_profile",), None, step_node_instance_profile,
         calls=("iam GetInstanceProfile",), scope="cluster"),
)
"""Off every link's path: the runner fetches them concurrently with the chain's steps."""


def _association_role(values: Mapping[str, Any], pod: PodFacts) -> str | None:
    """The role the Pod Identity agent hands out for this pod (the target role when chained), when read."""
    found = values.get("associations")
    if not isinstance(found, tuple):
        return None
    for a in found:
        if isinstance(a, AssociationFacts) and (a.namespace, a.service_account) == (pod.namespace, pod.sa_name):
            return a.target_role_arn or a.role_arn
    return None


def credentials_for(
    values: Mapping[str, Any], gaps: Mapping[str, str] | None = None
) -> tuple[tuple[ContainerCredentials, ...], NodeIdentity | None]:
    """The credentials section from a finished run's values and gaps (empty when the pod was not read)."""
    pod = values.get("pod_read")
    if not isinstance(pod, PodFacts):
        return (), None
    association_role = _association_role(values, pod)
    gaps = gaps or {}
    not_read = gaps.get("node") if gaps.get("node") == NOT_NEEDED else gaps.get("node_instance")
    node = node_identity(pod.node_name, values.get("node"), values.get("node_instance"),
                         values.get("node_instance_profile"), not_read)
    return pod_credentials(pod, node, association_role), node
