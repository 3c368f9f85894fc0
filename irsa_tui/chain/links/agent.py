"""Link ``agent`` (EKS Pod Identity): the ``eks-pod-identity-agent`` runs, Ready, on this pod's node, the
node can run it (Linux EC2, not Fargate or Windows), and the node role may call EKS Auth.

Failure modes F1, F2, F6, F7, F9, F19, F23 of pod-identity.md §2; the agent's own credentials come from
the node role through IMDS (§0.9).
"""

from __future__ import annotations

from collections.abc import Mapping

from irsa_tui.chain import arn
from irsa_tui.chain.facts import Facts, RoleFacts, SourceError
from irsa_tui.chain.links import _common
from irsa_tui.chain.links import _pod_identity as pi
from irsa_tui.chain.links.s3 import action_allowed
from irsa_tui.chain.links.service_account import restart_command
from irsa_tui.chain.model import Evidence, Finding, LinkId, LinkResult
from irsa_tui.chain.pod_identity_facts import AddonFacts, AgentFacts, InstanceFacts, NodeFacts
from irsa_tui.chain.spec import LinkSpec

__all__ = ["EKS_AUTH_ACTION", "LINK", "NEEDS", "SPEC", "check"]

LINK = LinkId.AGENT
NEEDS: tuple[str, ...] = ("pod", "node", "agent_addon", "agent", "node_instance", "node_instance_profile",
                          "node_role", "cluster", "caller", "associations")
EKS_AUTH_ACTION = "eks-auth:AssumeRoleForPodIdentity"
AGENT_HOSTS = ("169.254.170.23", "fd00:ec2::23")


def _proxy(container: object) -> tuple[str, str] | None:
    """(proxy variable, value) when the container sets a proxy that the agent's address does not bypass."""
    env = {v.name: v.value or "" for v in getattr(container, "env", ())}
    proxy = next((n for n in ("HTTP_PROXY", "http_proxy") if env.get(n)), None)
    if proxy is None:
        return None
    bypass = ",".join(env.get(n, "") for n in ("NO_PROXY", "no_proxy"))
    if any(h in bypass for h in AGENT_HOSTS):
        return None
    return proxy, env[proxy]


def _node_kind(pod_fargate: bool, node: object) -> str | None:
    if pod_fargate or (isinstance(node, NodeFacts) and node.fargate):
        return "Fargate"
    if isinstance(node, NodeFacts) and (node.os or "").lower() == "windows":
        return "a Windows node"
    return None


def check(facts: Facts, prior: Mapping[LinkId, LinkResult]) -> LinkResult:
    pod = _common.pod_or_result(LINK, facts)
    if isinstance(pod, LinkResult):
        return pod
    node_name = pod.node_name
    if not node_name:
        return _common.skipped(LINK, f"pod {pod.name} is not scheduled on a node yet")
    restart = restart_command(facts)
    base = {"pod": pod.name, "namespace": pod.namespace, "sa": pod.sa_name, "node": node_name,
            "cluster": pi.cluster_name(facts), "restart": restart}
    evidence: list[Evidence] = []
    node = facts.node
    kind = _node_kind(pod.fargate, node)
    if kind is not None:
        evidence.append(Evidence("node-kind", f"node {node_name}", "a Linux EC2 node", kind, False))
        role = pi.association_for(facts, pod)
        role_arn = (role.role_arn if role else None) or pi.placeholder_role(facts)
        return _common.from_findings(LINK, [Finding("AGENT-204", {**base, "kind": kind, "role_arn": role_arn})],
                                     evidence)
    if isinstance(node, NodeFacts):
        evidence.append(Evidence("node-kind", f"node {node_name}", "a Linux EC2 node",
                                 f"{node.os or 'linux'} {node.compute_type or 'ec2'}", True))
    addon, agent = facts.agent_addon, facts.agent
    findings: list[Finding] = []
    if isinstance(addon, AddonFacts):
        evidence.append(Evidence("agent-addon", "add-on eks-pod-identity-agent", "installed, ACTIVE",
                                 f"{addon.status} {addon.version or ''}".strip() if addon.installed else "not installed",
                                 addon.installed and addon.status == "ACTIVE" if addon.installed else None))
        if addon.installed and (addon.status not in (None, "ACTIVE") or addon.issues):
            issues = "; ".join(f"{c}: {m}" for c, m in addon.issues) or "no issue listed"
            findings.append(Finding("AGENT-101", {**base, "status": addon.status or "unknown", "issues": issues}))
    auto = isinstance(node, NodeFacts) and node.compute_type == "auto"  # Auto Mode: the agent is built in
    addon_absent = isinstance(addon, AddonFacts) and not addon.installed
    if isinstance(agent, AgentFacts) and not agent.daemonset:
        evidence.append(Evidence("agent-daemonset", "DaemonSet kube-system/eks-pod-identity-agent", "exists",
                                 "absent", False if not auto else None))
    if not auto and (addon_absent or not isinstance(addon, AddonFacts)) and (
        (isinstance(agent, AgentFacts) and not agent.daemonset) or (addon_absent and isinstance(agent, SourceError))
    ):
        return _common.from_findings(LINK, [Finding("AGENT-201", base)], evidence)
    if isinstance(agent, SourceError):
        return _common.errored(LINK, agent, evidence)
    if isinstance(agent, AgentFacts) and not auto:
        mine = agent.on_node(node_name)
        if mine is None:
            evidence.append(Evidence("agent-pod", f"agent pod on {node_name}", "Ready", "none", False))
            findings.append(Finding("AGENT-202", {**base, "why_not": f" (the DaemonSet has {agent.ready}/"
                                                  f"{agent.desired} Ready pods elsewhere)"}))
        elif not mine.ready:
            evidence.append(Evidence("agent-pod", f"agent pod on {node_name}", "Ready", f"{mine.name} not Ready", False))
            findings.append(Finding("AGENT-203", {**base, "agent_pod": mine.name, "phase": mine.phase or "unknown",
                                                  "restarts": str(mine.restarts)}))
        else:
            evidence.append(Evidence("agent-pod", f"agent pod on {node_name}", "Ready", mine.name, True))
            base["agent_pod"] = mine.name
    instance = facts.node_instance
    if isinstance(instance, InstanceFacts):
        enabled = (instance.http_endpoint or "enabled") != "disabled"
        evidence.append(Evidence("imds-endpoint", f"IMDS of {instance.instance_id}", "enabled",
                                 instance.http_endpoint or "enabled", enabled))
        if not enabled:
            findings.append(Finding("AGENT-206", {**base, "instance": instance.instance_id}))
    findings += _node_role(facts, base, evidence)
    _unread(facts, evidence)
    for container in _common.app_containers(pod):
        proxy = _proxy(container)
        if proxy is not None:
            findings.append(Finding("AGENT-102", {**base, "container": container.name, "proxy": f"{proxy[0]}={proxy[1]}"}))
    if pod.host_network:
        findings.append(Finding("AGENT-103", base))
    if not any(f.status.rank >= 4 for f in findings):
        role_note = ""
        if isinstance(facts.node_role, RoleFacts):
            role_note = f"; node role {facts.node_role.name} may call EKS Auth"
        if "agent_pod" not in base:
            base["agent_pod"] = "(EKS Auto Mode: built in)" if auto else "(not listed)"
        findings.insert(0, Finding("AGENT-001", {**base, "role_note": role_note}))
    return _common.from_findings(LINK, findings, evidence)


def _unread(facts: Facts, evidence: list[Evidence]) -> None:
    """What the caller could not read (add-on, node, instance, instance profile), as evidence naming the
    missing permission: those parts are not judged, and the report says so rather than staying silent."""
    parts = (("agent_addon", "add-on eks-pod-identity-agent"), ("node", "the pod's node"),
             ("node_instance", "the node's EC2 instance"), ("node_instance_profile", "the node's instance profile"))
    for key, label in parts:
        value = getattr(facts, key, None)
        if isinstance(value, SourceError):
            evidence.append(Evidence(f"unread-{key.replace('_', '-')}", f"{label} (not judged)", None,
                                     f"unknown: {value.one_line()}", None))


def _node_role(facts: Facts, base: dict[str, str], evidence: list[Evidence]) -> list[Finding]:
    role = facts.node_role
    if not isinstance(role, RoleFacts):
        if isinstance(role, SourceError):
            evidence.append(Evidence("node-role-eks-auth", "node role allows " + EKS_AUTH_ACTION, "allowed",
                                     f"unknown: {role.one_line()}", None))
        return []
    policies = role.policies
    if not isinstance(policies, tuple):
        reason = policies.one_line() if isinstance(policies, SourceError) else "policies not read"
        evidence.append(Evidence("node-role-eks-auth", f"{role.name} allows {EKS_AUTH_ACTION}", "allowed",
                                 f"unknown: {reason}", None))
        return []
    allowed = action_allowed(policies, EKS_AUTH_ACTION, pi.cluster_arn(facts))
    evidence.append(Evidence("node-role-eks-auth", f"{role.name} allows {EKS_AUTH_ACTION}", "allowed",
                             "allowed" if allowed else "not allowed", allowed))
    if allowed:
        return []
    parsed = arn.parse_role_arn(role.arn)
    partition = parsed.partition if isinstance(parsed, arn.RoleArn) else "aws"
    return [Finding("AGENT-205", {**base, "node_role": role.arn, "node_role_name": role.name, "partition": partition})]


SPEC = LinkSpec(
    id=LINK,
    title="Pod Identity agent",
    short="agent",
    needs=NEEDS,
    check=check,
    learn=(
        "The eks-pod-identity-agent on the pod's node answers the SDK at 169.254.170.23 and calls EKS Auth "
        "with the node role."
    ),
    learn_what="DaemonSet kube-system/eks-pod-identity-agent",
)
