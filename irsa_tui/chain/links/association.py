"""Link ``association`` (EKS Pod Identity): an association maps the pod's namespace and ServiceAccount to
an existing role of the cluster's account, and it was in place when the pod was created.

Associations live in the EKS API only (List gives summaries, Describe the role): pod-identity.md §1.1,
failure modes F3, F4, F14, F24 (§2).
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping

from irsa_tui.chain import arn
from irsa_tui.chain.facts import Facts, PodFacts, RoleFacts, SourceError
from irsa_tui.chain.links import _common
from irsa_tui.chain.links import _pod_identity as pi
from irsa_tui.chain.links.service_account import restart_command
from irsa_tui.chain.model import Evidence, Finding, LinkId, LinkResult
from irsa_tui.chain.pod_identity_facts import AssociationFacts
from irsa_tui.chain.spec import LinkSpec

__all__ = ["LINK", "NEEDS", "SPEC", "check"]

LINK = LinkId.ASSOCIATION
NEEDS: tuple[str, ...] = ("pod", "associations", "association_role", "cluster", "caller")


def _when(value: object) -> str:
    from datetime import datetime

    return value.strftime("%Y-%m-%d %H:%M:%SZ") if isinstance(value, datetime) else "unknown"


def _closest(pod: PodFacts, found: tuple[AssociationFacts, ...]) -> AssociationFacts | None:
    """Another association of the namespace whose ServiceAccount name resembles the pod's."""
    same_ns = [a for a in found if a.namespace == pod.namespace and a.service_account != pod.sa_name]
    if not same_ns:
        return None
    return max(same_ns, key=lambda a: difflib.SequenceMatcher(None, a.service_account, pod.sa_name).ratio())


def check(facts: Facts, prior: Mapping[LinkId, LinkResult]) -> LinkResult:
    pod = _common.pod_or_result(LINK, facts)
    if isinstance(pod, LinkResult):
        return pod
    found = facts.associations
    if found is None:
        return _common.skipped(LINK, facts.gaps.get("associations", "associations were not listed"))
    if isinstance(found, SourceError):
        return _common.errored(LINK, found)
    restart = restart_command(facts)
    base = {"namespace": pod.namespace, "sa": pod.sa_name, "pod": pod.name, "cluster": pi.cluster_name(facts),
            "restart": restart, "account": pi.account(facts) or "<account-id>"}
    label = f"association for {pod.namespace}/{pod.sa_name}"
    assoc = pi.association_for(facts, pod)
    if assoc is None:
        evidence = [Evidence("association", label, "one association", "none", False)]
        other = _closest(pod, found)
        role = (other.role_arn if other else None) or pi.placeholder_role(facts)
        fix_args = {**base, "role_arn": role, "restart": restart}
        if other is not None:
            evidence.append(Evidence("association-near-miss", f"association in {pod.namespace}", None,
                                     f"{other.service_account} ({other.association_id})", None))
            finding = Finding("ASSOC-202", {**fix_args, "association": other.association_id,
                                            "other": other.service_account})
        else:
            finding = Finding("ASSOC-201", fix_args)
        return _common.from_findings(LINK, [finding], evidence)
    evidence = [Evidence("association", label, "one association", assoc.association_id, True)]
    if assoc.detail_error is not None:
        return _common.errored(LINK, assoc.detail_error, evidence)
    role_arn = assoc.role_arn or ""
    args = {**base, "association": assoc.association_id, "role_arn": role_arn}
    evidence.append(Evidence("association-role", "roleArn", "an IAM role of the cluster's account", role_arn, None))
    findings: list[Finding] = []
    parsed = arn.parse_role_arn(role_arn)
    cluster_account = pi.account(facts)
    if isinstance(parsed, arn.RoleArn) and cluster_account and parsed.account != cluster_account:
        findings.append(Finding("ASSOC-204", {**args, "role_account": parsed.account, "account": cluster_account}))
    assoc_role = facts.association_role
    if isinstance(assoc_role, RoleFacts):
        evidence.append(Evidence("association-role-exists", "IAM role", "exists", assoc_role.arn, True))
    elif isinstance(assoc_role, SourceError):
        missing = assoc_role.kind == "not-found" and assoc_role.source == "iam"
        evidence.append(Evidence("association-role-exists", "IAM role", "exists",
                                 "NoSuchEntity" if missing else f"unknown: {assoc_role.one_line()}",
                                 False if missing else None))
        if missing and not findings:
            findings.append(Finding("ASSOC-203", args))
    if assoc.target_role_arn:
        evidence.append(Evidence("target-role", "targetRoleArn", None, assoc.target_role_arn, None))
    if assoc.disable_session_tags:
        evidence.append(Evidence("session-tags", "session tags", None, "disabled (disableSessionTags)", None))
    injected = any(pi.has_pod_identity_env(c) for c in _common.app_containers(pod))
    timing = {**args, "pod_created": _when(pod.created), "assoc_created": _when(assoc.created),
              "modified": _when(assoc.modified)}
    if pod.created and assoc.created:
        after = assoc.created >= pod.created
        evidence.append(Evidence("association-created", "association created", f"before the pod ({_when(pod.created)})",
                                 _when(assoc.created), not after or injected))
        if after and not injected:
            findings.append(Finding("ASSOC-102", timing))
        elif pod.created and assoc.modified and assoc.modified > pod.created and assoc.modified != assoc.created:
            findings.append(Finding("ASSOC-101", timing))
    target = f" (then target role {assoc.target_role_arn})" if assoc.target_role_arn else ""
    if not any(f.status.rank >= 4 for f in findings):
        findings.insert(0, Finding("ASSOC-001", {**args, "target": target}))
    details = {"association_id": assoc.association_id, "role_arn": role_arn,
               "target_role_arn": assoc.target_role_arn, "disable_session_tags": assoc.disable_session_tags}
    return _common.from_findings(LINK, findings, evidence, details)


SPEC = LinkSpec(
    id=LINK,
    title="Pod Identity association",
    short="association",
    needs=NEEDS,
    check=check,
    learn="An association in the EKS API maps the pod's namespace and ServiceAccount to an IAM role.",
    learn_what="aws eks list-pod-identity-associations",
)
