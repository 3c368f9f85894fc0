"""The EKS Pod Identity mechanism's fetch steps, as data (like ``irsa_tui.steps``), and mechanism detection.

The pod, its ServiceAccount, the caller and the cluster come from the IRSA steps (the same ``Step``
objects); the rest is Pod Identity's own: the associations of the pod's namespace (List + Describe,
from the start: never on the critical path of IRSA), ``detection`` (which mechanism the pod really uses,
``chain/mechanism.py``), the association and target roles, a token for ``pods.eks.amazonaws.com``, the
agent add-on/DaemonSet, the pod's node (EC2 instance, instance profile, node role), the live EKS Auth
``AssumeRoleForPodIdentity`` (only with live probes; credentials in memory only) and the S3 probe made
with its credentials. Every step past ``detection`` runs only for a pod diagnosed as ``pod-identity``
(the node steps also for ``none``: the node role is what such a pod falls back to).
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from irsa_tui.chain import plan
from irsa_tui.chain.arn import RoleArn, parse_role_arn
from irsa_tui.chain.errors import SourceError, SourceFailure
from irsa_tui.chain.facts import (
    POD_IDENTITY_FIELDS,
    ClusterFacts,
    Facts,
    PodFacts,
    RoleFacts,
    ServiceAccountFacts,
    TokenFacts,
)
from irsa_tui.chain.mechanism import (
    MechanismVerdict,
    association_inputs,
    detect_mechanism,
    diagnosed,
    env_mechanism,
    pod_input,
)
from irsa_tui.chain.model import LinkId
from irsa_tui.chain.pod_identity_facts import (
    AssociationFacts,
    InstanceProfileFacts,
)
from irsa_tui.runner import Step, StepContext, StepGraph
from irsa_tui.steps import STEPS as IRSA_STEPS
from irsa_tui.steps import _ctx, _fetch, _value, decode_token, predicted_token
from irsa_tui.steps_credentials import CREDENTIAL_STEPS

__all__ = ["AUDIENCE", "FIELDS", "GRAPH", "INTERNAL", "NONE_GRAPH", "STEPS"]

AUDIENCE = "pods.eks.amazonaws.com"
INTERNAL = ("pod_read", "caller_identity", "aws_region", "detection", "pod_identity_credentials",
            "association_role_arns")
"""Keys that are not Facts fields: ``detection`` the MechanismVerdict; ``pod_identity_credentials`` what EKS
Auth issued (memory only, for the S3 probe); ``association_role_arns`` (association role, target role) ARNs."""


def _diagnosed(ctx: StepContext) -> str | None:
    verdict = ctx.need("detection")
    return diagnosed(verdict) if isinstance(verdict, MechanismVerdict) else None


# --- detection -----------------------------------------------------------------------------------
def step_associations(ctx: StepContext) -> None:
    src, inputs = _ctx(ctx)
    eks = src.eks
    if eks is None or not inputs.cluster_name:
        why = "no EKS API source" if eks is None else "no EKS cluster name (not in the kube context; pass --cluster)"
        ctx.gap("associations", why)
        return
    cluster, ns = inputs.cluster_name, inputs.namespace
    ctx.settle(associations=_fetch(ctx, f"eks ListPodIdentityAssociations {cluster} {ns}",
                                   lambda: eks.associations(cluster, ns), ("associations", cluster, ns), hops=2))


def step_detection(ctx: StepContext) -> None:
    pod = _value(ctx, "pod_read", PodFacts)
    if pod is None:
        ctx.settle(detection=None)
        return
    sa = _value(ctx, "service_account", ServiceAccountFacts)
    found = ctx.need("associations")
    sa_role = sa.annotations.get("eks.amazonaws.com/role-arn") if sa else None
    assocs = association_inputs(found) if isinstance(found, tuple) else ()
    verdict = detect_mechanism(pod_input(pod), sa_role, assocs)
    if not isinstance(found, tuple):
        why = found.one_line() if isinstance(found, SourceError) else "associations not listed"
        verdict = replace(verdict, reasons=(*verdict.reasons, f"Pod Identity associations unknown: {why}"))
    ctx.settle(detection=verdict)


# --- roles ---------------------------------------------------------------------------------------
def _association(ctx: StepContext) -> AssociationFacts | None:
    pod = _value(ctx, "pod_read", PodFacts)
    found = ctx.need("associations")
    if pod is None or not isinstance(found, tuple):
        return None
    return next((a for a in found if a.namespace == pod.namespace and a.service_account == pod.sa_name), None)


def _role_with_policies(ctx: StepContext, arn: RoleArn, live: bool) -> Any:
    """GetRole and (live) the role's identity policies, the lists in parallel with GetRole."""
    src, _ = _ctx(ctx)
    aws, role = src.aws, arn.name
    try:
        calls: list[tuple[str, Any, tuple[str, ...] | None, int]] = [
            (f"iam GetRole {role}", lambda: aws.get_role(role, str(arn), arn.account), ("role", str(arn)), 1)]
        if live:
            calls += [(f"iam ListRolePolicies {role}", lambda: aws.inline_policy_names(role), ("inline-names", role), 1),
                      (f"iam ListAttachedRolePolicies {role}", lambda: aws.attached_policy_arns(role),
                       ("attached", role), 1)]
        answers = ctx.parallel(calls)
        found: RoleFacts = answers[0]
    except SourceFailure as failure:
        return failure.error
    if not live:
        return found
    names, arns = answers[1], answers[2]
    try:
        documents = ctx.parallel([
            *((f"iam GetRolePolicy {role}/{name}", functools.partial(aws.inline_policy, role, name),
               ("inline", role, name), 1) for name in names),
            *((f"iam GetPolicy + GetPolicyVersion {p}", functools.partial(aws.managed_policy, p), ("managed", p), 2)
              for p in arns),
        ])
        return replace(found, policies=tuple(documents))
    except SourceFailure as failure:
        return replace(found, policies=failure.error)


def step_pi_roles(ctx: StepContext) -> None:
    _, inputs = _ctx(ctx)
    assoc = _association(ctx)
    if assoc is None or not assoc.role_arn:
        why = "no association for the pod's ServiceAccount" if assoc is None else "association role unknown"
        ctx.gap("association_role", why, target_role=None, association_role_arns=None,
                gaps={"target_role": why})
        return
    first = parse_role_arn(assoc.role_arn)
    role: Any = first if isinstance(first, RoleArn) else SourceError(
        "eks", "invalid", f"association role {assoc.role_arn!r} is not a role ARN: {first.problem}")
    target_arn = parse_role_arn(assoc.target_role_arn) if assoc.target_role_arn else None
    if isinstance(role, RoleArn):
        role = _role_with_policies(ctx, role, inputs.live)
    target: Any = None
    if isinstance(target_arn, RoleArn):
        target = _role_with_policies(ctx, target_arn, inputs.live)
    elif target_arn is not None:
        target = SourceError("eks", "invalid", f"targetRoleArn {assoc.target_role_arn!r}: {target_arn.problem}")
    ctx.settle(association_role=role, target_role=target,
               association_role_arns=(assoc.role_arn, assoc.target_role_arn),
               gaps=None if assoc.target_role_arn else {"target_role": "the association has no targetRoleArn"})


# --- token ---------------------------------------------------------------------------------------
def step_pi_token(ctx: StepContext) -> None:
    src, inputs = _ctx(ctx)
    if _diagnosed(ctx) != "pod-identity":
        ctx.gap("pod_identity_token", "not a Pod Identity pod")
        return
    pod = _value(ctx, "pod_read", PodFacts)
    if pod is None:
        ctx.gap("pod_identity_token", "pod could not be read")
        return

    if not inputs.live:
        ctx.settle(pod_identity_token=predicted_token(pod, AUDIENCE, _value(ctx, "cluster", ClusterFacts)),
                   gaps={"pod_identity_token": "live probes off: claims predicted, no TokenRequest made"})
        return
    fetched_at = datetime.now(UTC)
    try:
        raw, _ = ctx.call(f"kubernetes TokenRequest {pod.namespace}/{pod.sa_name} aud {AUDIENCE}",
                          lambda: src.kube.token_request(pod, AUDIENCE))
    except SourceFailure as failure:
        ctx.settle(pod_identity_token=failure.error)
        return
    try:
        token: Any = decode_token(raw, fetched_at)
    except ValueError as exc:
        token = SourceError("kubernetes", "bad-response", f"TokenRequest returned something that is not a JWT: {exc}")
    ctx.settle(pod_identity_token=token)


def step_pi_warm(ctx: StepContext) -> None:
    """Load the EC2 and EKS Auth clients early for a pod whose env is not IRSA's (an optimisation only)."""
    src, _ = _ctx(ctx)
    pod = _value(ctx, "pod_read", PodFacts)
    if src.eks is not None and pod is not None and env_mechanism(pod) != "irsa":
        with contextlib.suppress(Exception):
            src.eks.warm()


# --- agent and node ------------------------------------------------------------------------------
def step_addon(ctx: StepContext) -> None:
    src, inputs = _ctx(ctx)
    if _diagnosed(ctx) != "pod-identity":
        ctx.gap("agent_addon", "not a Pod Identity pod")
        return
    eks, cluster = src.eks, inputs.cluster_name
    if eks is None or not cluster:
        ctx.gap("agent_addon", "no EKS API source" if eks is None else "no EKS cluster name")
        return
    ctx.settle(agent_addon=_fetch(ctx, f"eks DescribeAddon {cluster}", lambda: eks.describe_addon(cluster),
                                  ("addon", cluster)))


def step_agent(ctx: StepContext) -> None:
    src, _ = _ctx(ctx)
    if _diagnosed(ctx) != "pod-identity":
        ctx.gap("agent", "not a Pod Identity pod")
        return
    nodes = src.nodes
    if nodes is None:
        ctx.gap("agent", "no Kubernetes node source")
        return
    ctx.settle(agent=_fetch(ctx, "kubernetes GET daemonset kube-system/eks-pod-identity-agent + pods", nodes.agent,
                            ("agent",), hops=2))


def step_node_role(ctx: StepContext) -> None:
    if _diagnosed(ctx) != "pod-identity":
        ctx.gap("node_role", "not a Pod Identity pod")
        return
    profile = _value(ctx, "node_instance_profile", InstanceProfileFacts)
    if profile is None or not profile.role_arns:
        ctx.gap("node_role", "the node's instance profile is unknown")
        return
    arn = parse_role_arn(profile.role_arns[0])
    if not isinstance(arn, RoleArn):
        ctx.settle(node_role=SourceError("iam", "bad-response", f"instance profile role {profile.role_arns[0]!r}"))
        return
    ctx.settle(node_role=_role_with_policies(ctx, arn, True))


# --- live ----------------------------------------------------------------------------------------
def step_eks_auth(ctx: StepContext) -> None:
    src, inputs = _ctx(ctx)
    if not inputs.live:
        ctx.gap("eks_auth", "live probes off", pod_identity_credentials=None)
        return
    if _diagnosed(ctx) != "pod-identity":
        ctx.gap("eks_auth", "not a Pod Identity pod", pod_identity_credentials=None)
        return
    token = ctx.need("pod_identity_token")
    eks, cluster = src.eks, inputs.cluster_name
    if not isinstance(token, TokenFacts) or token.origin != "token-request" or not token.raw:
        ctx.gap("eks_auth", "no real token to present (see token)", pod_identity_credentials=None)
        return
    if eks is None or not cluster:
        ctx.gap("eks_auth", "no EKS cluster name" if eks else "no EKS Auth source", pod_identity_credentials=None)
        return
    try:
        answer, creds = ctx.call(f"eks-auth AssumeRoleForPodIdentity {cluster}",
                                 lambda: eks.assume_role_for_pod_identity(cluster, token.raw))
    except SourceFailure as failure:
        ctx.settle(eks_auth=failure.error, pod_identity_credentials=None)
        return
    ctx.settle(eks_auth=answer, pod_identity_credentials=creds)


def step_pi_s3(ctx: StepContext) -> None:
    src, inputs = _ctx(ctx)
    if not inputs.live:
        ctx.gap("pod_identity_s3", "live probes off")
        return
    creds = ctx.need("pod_identity_credentials")
    if creds is None:
        ctx.gap("pod_identity_s3", "no credentials: EKS Auth did not issue any (see eks-auth)")
        return
    target, role = ctx.need("target_role"), ctx.need("association_role")
    used = target if target is not None else role
    policies = used.policies if isinstance(used, RoleFacts) else None
    bucket, origin = plan.bucket_to_probe(inputs.bucket, policies if isinstance(policies, tuple) else None)
    region = plan.probe_region(_value(ctx, "pod_read", PodFacts), _value(ctx, "aws_region", str))
    key = inputs.object_key if inputs.bucket else None
    ctx.settle(pod_identity_s3=_fetch(ctx, f"s3 {'ListObjectsV2 ' + bucket if bucket else 'ListBuckets'}",
                                      lambda: src.aws.s3_probe(creds, bucket, origin, region, key)))


def fold(facts: Facts, values: Mapping[str, Any]) -> None:
    """Nothing to fold: every Pod Identity fact the links read is a Facts field."""


SA, ASSOC, INJ, TOK, AGENT, TRUST, EKSAUTH, S3 = (
    LinkId.SERVICE_ACCOUNT, LinkId.ASSOCIATION, LinkId.INJECTION, LinkId.TOKEN, LinkId.AGENT, LinkId.TRUST_POLICY,
    LinkId.EKS_AUTH, LinkId.S3)

_SHARED = {s.name: s for s in IRSA_STEPS}


def _shared(name: str, link: LinkId | None = None) -> Step:
    """An IRSA step reused as is (the same function and keys); ``link`` re-points it for "pending" displays
    when IRSA's link is not one of this mechanism's (a run merges by name and keeps IRSA's)."""
    step = _SHARED[name]
    return replace(step, link=link) if link is not None else step


ASSOCIATIONS = Step("associations", (), ("associations",), ASSOC, step_associations,
                    calls=("eks ListPodIdentityAssociations",), scope="namespace", round_trips=2)
DETECTION = Step("detection", ("pod_read", "service_account", "associations"), ("detection",), SA, step_detection,
                 round_trips=0)
STEPS: tuple[Step, ...] = (
    _shared("pod"),
    _shared("owner"),
    _shared("ns_sas"),
    _shared("caller", SA),
    _shared("warm"),
    _shared("cluster", ASSOC),
    _shared("sa"),
    ASSOCIATIONS,
    DETECTION,
    Step("pi_warm", ("pod_read",), (), None, step_pi_warm, round_trips=0),
    Step("pi_roles", ("associations", "pod_read"), ("association_role", "target_role", "association_role_arns"),
         ASSOC, step_pi_roles, calls=("iam GetRole", "iam ListRolePolicies", "iam ListAttachedRolePolicies",
                                      "iam GetRolePolicy", "iam GetPolicy"), scope="role", round_trips=3),
    Step("pi_token", ("detection", "pod_read", "cluster"), ("pod_identity_token",), TOK, step_pi_token,
         calls=("kubernetes TokenRequest",)),
    Step("addon", ("detection",), ("agent_addon",), AGENT, step_addon, calls=("eks DescribeAddon",), scope="cluster"),
    Step("agent", ("detection",), ("agent",), AGENT, step_agent,
         calls=("kubernetes GET daemonset kube-system/eks-pod-identity-agent",), scope="cluster", round_trips=2),
    *(replace(step, link=AGENT) for step in CREDENTIAL_STEPS),
    Step("node_role", ("detection", "node_instance_profile"), ("node_role",), AGENT, step_node_role,
         calls=("iam GetRole", "iam ListRolePolicies", "iam ListAttachedRolePolicies", "iam GetRolePolicy",
                "iam GetPolicy"), scope="role", round_trips=3),
    Step("eks_auth", ("detection", "pod_identity_token"), ("eks_auth", "pod_identity_credentials"), EKSAUTH,
         step_eks_auth, calls=("eks-auth AssumeRoleForPodIdentity",)),
    Step("pi_s3", ("pod_identity_credentials", "association_role", "target_role", "pod_read", "aws_region"),
         ("pod_identity_s3",), S3, step_pi_s3, calls=("s3 ",)),
)
"""The Pod Identity fetch steps (the first seven are IRSA's own, shared)."""

FIELDS = frozenset({"pod", "service_account", "namespace_service_accounts", "cluster", "caller",
                    *POD_IDENTITY_FIELDS})
"""The Facts fields the Pod Identity graph settles."""

GRAPH = StepGraph(STEPS, INTERNAL, fold, FIELDS)

_NONE_STEPS = (*(replace(s, link=SA) for s in STEPS[:10]), _shared("role_arn"), _shared("role"),
               *(replace(step, link=SA) for step in CREDENTIAL_STEPS))
NONE_GRAPH = StepGraph(
    _NONE_STEPS, ("pod_read", "caller_identity", "aws_region", "detection", "role_arn"), None,
    frozenset({"pod", "service_account", "namespace_service_accounts", "cluster", "caller", "associations", "role",
               "node", "node_instance", "node_instance_profile"}))
"""No mechanism: what the service-account link (and the credentials section) read."""
