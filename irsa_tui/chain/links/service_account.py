"""Link ``service-account``: the pod's ServiceAccount exists and names a well-formed, existing role.

The webhook reads ``eks.amazonaws.com/role-arn`` of the pod's ServiceAccount at pod
creation. This link judges what it would read: the ServiceAccount itself, the exact
annotation key (near misses are common), the ARN's syntax and partition, and whether IAM
knows the role.
"""

from __future__ import annotations

import difflib
import json
import re
import shlex
from collections.abc import Mapping

from irsa_tui.chain import arn
from irsa_tui.chain.facts import (
    DEFAULT_AUDIENCE,
    ROLE_ANNOTATION,
    STS_REGIONAL_ANNOTATION,
    ClusterFacts,
    Facts,
    PodFacts,
    RoleFacts,
    ServiceAccountFacts,
    SourceError,
)
from irsa_tui.chain.links import _common
from irsa_tui.chain.model import Evidence, Finding, LinkId, LinkResult
from irsa_tui.chain.spec import LinkSpec

__all__ = ["LINK", "NEEDS", "SPEC", "check", "cluster_account", "near_miss_key", "restart_command"]

LINK = LinkId.SERVICE_ACCOUNT
NEEDS: tuple[str, ...] = ("pod", "service_account", "namespace_service_accounts", "role", "cluster")

_ROLLOUT_KINDS = {"Deployment": "deployment", "StatefulSet": "statefulset", "DaemonSet": "daemonset"}
_GO_BOOLS = frozenset({"1", "t", "T", "TRUE", "true", "True", "0", "f", "F", "FALSE", "false", "False"})
_NEAR_MISS_RATIO = 0.85


def restart_command(facts: Facts) -> str:
    """The command that recreates the pod so the webhook mutates it again (it only acts on CREATE)."""
    pod = facts.pod if isinstance(facts.pod, PodFacts) else None
    namespace = pod.namespace if pod else facts.namespace
    owner = pod.owner if pod else None
    if owner is not None and owner.kind in _ROLLOUT_KINDS:
        return f"kubectl -n {namespace} rollout restart {_ROLLOUT_KINDS[owner.kind]}/{owner.name}"
    name = pod.name if pod else facts.pod_name
    if owner is not None:
        return f"kubectl -n {namespace} delete pod {name}  # its {owner.kind} {owner.name} creates a new one"
    return (
        f"kubectl -n {namespace} delete pod {name}  # no controller: re-apply the pod's manifest afterwards"
    )


def cluster_account(facts: Facts) -> str | None:
    """The cluster's AWS account, from the cluster ARN or the caller identity."""
    candidates = []
    if isinstance(facts.cluster, ClusterFacts) and facts.cluster.arn:
        candidates.append(facts.cluster.arn)
    if facts.context and facts.context.startswith("arn:"):
        candidates.append(facts.context)
    if facts.caller:
        candidates.append(facts.caller)
    for value in candidates:
        parts = value.split(":")
        if len(parts) > 4 and len(parts[4]) == 12 and parts[4].isdigit():
            return parts[4]
    return None


def _region(facts: Facts) -> str | None:
    if isinstance(facts.cluster, ClusterFacts) and facts.cluster.region:
        return facts.cluster.region
    return facts.region


def _placeholder_arn(facts: Facts) -> str:
    region = _region(facts)
    partition = arn.partition_for_region(region) if region else "aws"
    return f"arn:{partition}:iam::{cluster_account(facts) or '<account-id>'}:role/<role-name>"


def _normalise(key: str) -> str:
    return re.sub(r"[^a-z0-9]", "", key.lower())


def near_miss_key(key: str) -> str | None:
    """Why ``key`` looks like a misspelt ``eks.amazonaws.com/role-arn``, or None when it does not."""
    if key == ROLE_ANNOTATION:
        return None
    if key.strip() == ROLE_ANNOTATION:
        return "leading/trailing whitespace in the key"
    if key.lower() == ROLE_ANNOTATION:
        return "different letter case"
    target = _normalise(ROLE_ANNOTATION)
    norm = _normalise(key)
    if norm == target:
        if "_" in key:
            return "'_' instead of '-'"
        return "punctuation differs"
    if "role" not in key.lower():
        return None  # eks.amazonaws.com/audience etc. are real, different annotations
    ratio = difflib.SequenceMatcher(None, norm, target).ratio()
    if ratio >= _NEAR_MISS_RATIO:
        prefix, _, _ = key.partition("/")
        if prefix.lower() != "eks.amazonaws.com":
            return f"prefix {prefix!r} instead of 'eks.amazonaws.com'"
        return "misspelt"
    return None


def _suggest_sa(
    pod: PodFacts, others: tuple[ServiceAccountFacts, ...]
) -> tuple[ServiceAccountFacts, str] | None:
    """Another ServiceAccount with a role, the one whose name most resembles the pod/owner/app."""
    with_role = [
        (sa, sa.annotations[ROLE_ANNOTATION].strip())
        for sa in others
        if sa.name != pod.sa_name and sa.annotations.get(ROLE_ANNOTATION, "").strip()
    ]
    if not with_role:
        return None
    names = [pod.name]
    if pod.owner is not None:
        names.append(pod.owner.name)
    names += [v for k, v in pod.labels.items() if k in ("app", "app.kubernetes.io/name")]

    def score(item: tuple[ServiceAccountFacts, str]) -> tuple[float, str]:
        best = max(difflib.SequenceMatcher(None, item[0].name, n).ratio() for n in names)
        return (-best, item[0].name)

    return min(with_role, key=score)


def _patch_command(facts: Facts, pod: PodFacts, sa_name: str) -> str:
    body = json.dumps(
        {"spec": {"template": {"spec": {"serviceAccountName": sa_name}}}}, separators=(",", ":")
    )
    if pod.owner is not None and pod.owner.kind in _ROLLOUT_KINDS:
        kind = _ROLLOUT_KINDS[pod.owner.kind]
        return f"kubectl -n {pod.namespace} patch {kind}/{pod.owner.name} -p '{body}'"
    return (
        f"# spec.serviceAccountName cannot change on a running pod: set serviceAccountName: {sa_name} in the "
        f"manifest of {pod.owner.kind + '/' + pod.owner.name if pod.owner else 'pod ' + pod.name} and recreate it\n"
        f"{restart_command(facts)}"
    )


def _trust_json(facts: Facts, role: arn.RoleArn, namespace: str, sa: str) -> str:
    issuer = facts.cluster.issuer if isinstance(facts.cluster, ClusterFacts) else None
    if not issuer:
        return "# trust.json: see the trust-policy link (the cluster's OIDC issuer is unknown here)"
    host_path = arn.issuer_host_path(issuer)
    doc = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Federated": arn.provider_arn(role.partition, role.account, issuer)},
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": {
                    "StringEquals": {
                        f"{host_path}:sub": f"system:serviceaccount:{namespace}:{sa}",
                        f"{host_path}:aud": DEFAULT_AUDIENCE,
                    }
                },
            }
        ],
    }
    return json.dumps(doc, indent=2)


def check(facts: Facts, prior: Mapping[LinkId, LinkResult]) -> LinkResult:
    pod = _common.pod_or_result(LINK, facts)
    if isinstance(pod, LinkResult):
        return pod
    namespace, sa_name = pod.namespace, pod.sa_name
    base = {"namespace": namespace, "sa": sa_name, "pod": pod.name, "restart": restart_command(facts)}
    sa_ev_label = f"ServiceAccount of pod {pod.name}"
    sa = facts.service_account
    if sa is None:
        return _common.skipped(LINK, facts.gaps.get("service_account", "the ServiceAccount was not read"))
    if isinstance(sa, SourceError):
        if sa.kind != "not-found":
            return _common.errored(LINK, sa)
        role_arn, _ = _common.effective_role_arn(facts)
        evidence = [
            Evidence("service-account", sa_ev_label, f"{namespace}/{sa_name} exists", "not found", False)
        ]
        finding = Finding("SA-202", {**base, "role_arn": role_arn or _placeholder_arn(facts)})
        return _common.from_findings(LINK, [finding], evidence)

    evidence = [
        Evidence(
            "service-account", sa_ev_label, f"{namespace}/{sa_name} exists", f"{namespace}/{sa.name}", True
        )
    ]
    findings: list[Finding] = []
    value = sa.annotations.get(ROLE_ANNOTATION)
    sts_regional = sa.annotations.get(STS_REGIONAL_ANNOTATION)
    if sts_regional is not None and sts_regional not in _GO_BOOLS:
        findings.append(Finding("SA-102", {**base, "value": repr(sts_regional)}))

    if value is None or not value.strip():
        evidence.append(
            Evidence(
                "role-arn-annotation",
                f"annotation {ROLE_ANNOTATION}",
                "a role ARN",
                "(empty)" if value is not None else "(absent)",
                False,
            )
        )
        return _common.from_findings(
            LINK, [*_no_annotation(facts, pod, sa, base, evidence), *findings], evidence
        )

    parsed = arn.parse_role_arn(value)
    if isinstance(parsed, arn.ArnProblem):
        evidence.append(
            Evidence(
                "role-arn-annotation",
                f"annotation {ROLE_ANNOTATION}",
                "a well-formed role ARN",
                repr(value),
                False,
            )
        )
        fixed = parsed.hint
        account = cluster_account(facts)
        if fixed and "<account-id>" in fixed and account:
            fixed = fixed.replace("<account-id>", account)
        finding = Finding(
            "SA-205",
            {
                **base,
                "value": repr(value),
                "problem": parsed.problem,
                "role_arn": shlex.quote(fixed or _placeholder_arn(facts)),
            },
        )
        return _common.from_findings(LINK, [finding, *findings], evidence)
    evidence.append(
        Evidence(
            "role-arn-annotation", f"annotation {ROLE_ANNOTATION}", "a well-formed role ARN", value, True
        )
    )

    region = _region(facts)
    if region:
        expected = arn.partition_for_region(region)
        ok = expected == parsed.partition
        evidence.append(
            Evidence(
                "role-arn-partition",
                f"partition of the role ARN (region {region})",
                expected,
                parsed.partition,
                ok,
            )
        )
        if not ok:
            corrected = f"arn:{expected}:iam::{parsed.account}:role{parsed.path}{parsed.name}"
            args = {
                **base,
                "value": value,
                "partition": parsed.partition,
                "region": region,
                "expected": expected,
            }
            findings.append(Finding("SA-206", {**args, "role_arn": corrected}))

    findings += _role_exists(facts, parsed, value, base, evidence)
    if not any(f.status.rank >= 4 for f in findings):
        findings.insert(0, Finding("SA-001", {**base, "role_arn": value}))
    return _common.from_findings(LINK, findings, evidence)


def _no_annotation(
    facts: Facts, pod: PodFacts, sa: ServiceAccountFacts, base: dict[str, str], evidence: list[Evidence]
) -> list[Finding]:
    """No role annotation: a misspelt key, the wrong (default) ServiceAccount, or simply none."""
    for key, val in sa.annotations.items():
        why = near_miss_key(key)
        if why is None:
            continue
        evidence.append(Evidence("role-arn-near-miss", "annotation key", ROLE_ANNOTATION, repr(key), False))
        parsed = arn.parse_role_arn(val)
        role_arn = (
            str(parsed) if isinstance(parsed, arn.RoleArn) else (val.strip() or _placeholder_arn(facts))
        )
        args = {**base, "key": repr(key), "difference": why, "remove": shlex.quote(key + "-")}
        return [Finding("SA-204", {**args, "role_arn": shlex.quote(role_arn)})]
    if pod.sa_name == "default" and isinstance(facts.namespace_service_accounts, tuple):
        suggestion = _suggest_sa(pod, facts.namespace_service_accounts)
        if suggestion is not None:
            other, role_arn = suggestion
            evidence.append(
                Evidence(
                    "suggested-service-account",
                    "ServiceAccount with a role in the namespace",
                    None,
                    other.name,
                    None,
                )
            )
            args = {**base, "suggestion": other.name, "role_arn": role_arn}
            return [Finding("SA-203", {**args, "patch": _patch_command(facts, pod, other.name)})]
    return [Finding("SA-201", {**base, "role_arn": _placeholder_arn(facts)})]


def _role_exists(
    facts: Facts, parsed: arn.RoleArn, value: str, base: dict[str, str], evidence: list[Evidence]
) -> list[Finding]:
    """Judge IAM's answer about the role, when it is about the annotated role."""
    role = facts.role
    if role is None:
        return []
    effective, _ = _common.effective_role_arn(facts)
    if effective is not None and effective != value.strip():
        evidence.append(
            Evidence(
                "role-exists",
                "IAM role",
                f"{parsed.name} exists",
                f"not judged here: IAM was asked about {effective} (the pod's AWS_ROLE_ARN)",
                None,
            )
        )
        return []
    label = f"IAM role in account {parsed.account}"
    if isinstance(role, RoleFacts):
        evidence.append(Evidence("role-exists", label, f"{parsed.name} exists", role.arn, True))
        return []
    if role.kind == "not-found" and role.source == "iam":
        evidence.append(Evidence("role-exists", label, f"{parsed.name} exists", "NoSuchEntity", False))
        trust = _trust_json(facts, parsed, base["namespace"], base["sa"])
        return [Finding("SA-207", {**base, "role": parsed.name, "account": parsed.account, "trust": trust})]
    evidence.append(
        Evidence("role-exists", label, f"{parsed.name} exists", f"unknown: {role.one_line()}", None)
    )
    if role.kind == "forbidden":
        return [
            Finding("SA-101", {**base, "role": parsed.name, "permission": role.permission or "iam:GetRole"})
        ]
    return []


SPEC = LinkSpec(
    id=LINK,
    title="ServiceAccount",
    short="ServiceAccount",
    needs=NEEDS,
    check=check,
    learn=(
        "The pod runs as a ServiceAccount annotated with the IAM role to assume."
    ),
    learn_what="annotation eks.amazonaws.com/role-arn",
)


# --- EKS Pod Identity and "no identity" variants ---------------------------------------------------
POD_IDENTITY_NEEDS: tuple[str, ...] = ("pod", "service_account")
NONE_NEEDS: tuple[str, ...] = (*NEEDS, "associations", "caller")


def check_pod_identity(facts: Facts, prior: Mapping[LinkId, LinkResult]) -> LinkResult:
    """Pod Identity: the ServiceAccount only has to exist (the association names the role)."""
    pod = _common.pod_or_result(LINK, facts)
    if isinstance(pod, LinkResult):
        return pod
    base = {"namespace": pod.namespace, "sa": pod.sa_name, "pod": pod.name, "restart": restart_command(facts)}
    sa = facts.service_account
    label = f"ServiceAccount of pod {pod.name}"
    if sa is None:
        return _common.skipped(LINK, facts.gaps.get("service_account", "the ServiceAccount was not read"))
    if isinstance(sa, SourceError):
        if sa.kind != "not-found":
            return _common.errored(LINK, sa)
        evidence = [Evidence("service-account", label, f"{pod.namespace}/{pod.sa_name} exists", "not found", False)]
        return _common.from_findings(LINK, [Finding("SA-210", base)], evidence)
    evidence = [Evidence("service-account", label, f"{pod.namespace}/{pod.sa_name} exists",
                         f"{sa.namespace}/{sa.name}", True)]
    return _common.from_findings(LINK, [Finding("SA-003", base)], evidence)


def check_none(facts: Facts, prior: Mapping[LinkId, LinkResult]) -> LinkResult:
    """Neither mechanism: the IRSA reading of the ServiceAccount, headed by SA-209 (no identity of its own)."""
    result = check(facts, prior)
    pod = facts.pod
    if result.status.rank < 4 or not isinstance(pod, PodFacts):
        return result
    from irsa_tui.chain.links import _pod_identity as pi

    specific = [f for f in result.findings if f.code != "SA-201"]
    restart = restart_command(facts)
    fix = ""
    if not any(f.status.rank >= 4 for f in specific):
        fix = (
            "# either IRSA:\n"
            f"kubectl -n {pod.namespace} annotate serviceaccount {pod.sa_name} "
            f"eks.amazonaws.com/role-arn={_placeholder_arn(facts)} --overwrite\n"
            "# or EKS Pod Identity:\n"
            f"{pi.create_association(facts, pod.namespace, pod.sa_name)}\n{restart}"
        )
    found = facts.associations
    note = ""
    if isinstance(found, SourceError):
        note = f" (associations could not be listed: {found.one_line()})"
    elif found is None:
        note = f" ({facts.gaps.get('associations', 'associations not listed')})"
    else:
        from irsa_tui.chain.links.association import _closest

        other = _closest(pod, found)
        if other is not None:  # F3: the association names another ServiceAccount of the namespace
            note = (f"; association {other.association_id} in {pod.namespace} is for ServiceAccount "
                    f"{other.service_account}, not {pod.sa_name}")
    args = {"namespace": pod.namespace, "sa": pod.sa_name, "pod": pod.name, "assoc_note": note, "fix": fix}
    evidence = (*result.evidence, Evidence("mechanism", "identity mechanism", "IRSA or EKS Pod Identity", "none", False))
    return _common.from_findings(LINK, [Finding("SA-209", args), *specific], evidence, result.details)


POD_IDENTITY_SPEC = LinkSpec(
    id=LINK,
    title="ServiceAccount",
    short="ServiceAccount",
    needs=POD_IDENTITY_NEEDS,
    check=check_pod_identity,
    learn="The pod runs as a ServiceAccount; with EKS Pod Identity an association names its role.",
    learn_what="the pod's ServiceAccount",
)

NONE_SPEC = LinkSpec(
    id=LINK,
    title="ServiceAccount",
    short="ServiceAccount",
    needs=NONE_NEEDS,
    check=check_none,
    learn="Neither IRSA nor EKS Pod Identity gives this pod a role: its SDK falls back to the node role.",
    learn_what="the pod's ServiceAccount",
)
