"""Link ``trust-policy``: the role's trust policy allows this pod's token, judged the way STS does.

The request is built from the token's claims (real or predicted): Principal.Federated is
the provider ARN of the token's issuer in the role's account; condition keys are
``<issuer host/path>:sub`` and ``:aud``. ``irsa_tui.policy`` evaluates it statement by
statement; this module turns the result into plain words and the corrected policy.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from irsa_tui.chain import arn
from irsa_tui.chain.facts import DEFAULT_AUDIENCE, ClusterFacts, Facts, RoleFacts, SourceError, TokenFacts
from irsa_tui.chain.links import _common
from irsa_tui.chain.model import Evidence, Finding, LinkId, LinkResult, Status
from irsa_tui.chain.spec import LinkSpec
from irsa_tui.policy import (
    Evaluation,
    Mismatch,
    PolicyError,
    RequestContext,
    StatementResult,
    WeakReason,
    evaluate,
    parse_policy,
    weak_allow_statements,
)

__all__ = ["LINK", "NEEDS", "SPEC", "canonical_statement", "check", "request_context"]

LINK = LinkId.TRUST_POLICY
NEEDS: tuple[str, ...] = ("role", "token", "cluster", "provider")

WEB_IDENTITY = "sts:AssumeRoleWithWebIdentity"
_SNIPPET = 400


def _audience(claims: Mapping[str, Any]) -> str | tuple[str, ...] | None:
    aud = claims.get("aud")
    if isinstance(aud, str):
        return aud
    if isinstance(aud, list) and aud:
        values = tuple(str(a) for a in aud)
        return values[0] if len(values) == 1 else values
    return None


def request_context(
    role: RoleFacts, token: TokenFacts, fallback_issuer: str | None = None
) -> RequestContext | None:
    """What STS evaluates the trust policy against; None when the token names no issuer."""
    iss = token.claims.get("iss")
    issuer = iss if isinstance(iss, str) and iss else fallback_issuer
    if not issuer:
        return None
    parsed = arn.parse_role_arn(role.arn)
    partition = parsed.partition if isinstance(parsed, arn.RoleArn) else "aws"
    host_path = arn.issuer_host_path(issuer)
    keys: dict[str, str | Sequence[str]] = {}
    sub = token.claims.get("sub")
    if isinstance(sub, str):
        keys[f"{host_path}:sub"] = sub
    aud = _audience(token.claims)
    if aud is not None:
        keys[f"{host_path}:aud"] = aud
    return RequestContext(
        principal_federated=arn.provider_arn(partition, role.account, issuer), condition_keys=keys
    )


def canonical_statement(ctx: RequestContext, sub: str, aud: str) -> dict[str, Any]:
    """The statement of the EKS user guide, with this pod's real values."""
    host_path = ctx.principal_federated.split(":oidc-provider/", 1)[-1]
    return {
        "Effect": "Allow",
        "Principal": {"Federated": ctx.principal_federated},
        "Action": WEB_IDENTITY,
        "Condition": {"StringEquals": {f"{host_path}:sub": sub, f"{host_path}:aud": aud}},
    }


def _name(stmt: StatementResult) -> str:
    return f"#{stmt.index + 1}" + (f" (Sid {stmt.sid})" if stmt.sid else "")


def _tail(value: str) -> str:
    """``…/id/ABC`` for an issuer-ish string, so two long ARNs differ visibly."""
    marker = value.rfind("/id/")
    return "…" + value[marker:] if marker >= 0 else value


def _plain(m: Mismatch) -> str:
    """The first mismatch of a statement in the words an SRE would use."""
    expected = " or ".join(m.expected) or "(nothing)"
    actual = ", ".join(m.actual) if m.actual is not None else None
    key = (m.key or "").lower()
    if "wildcard" in m.reason.lower():
        return m.reason
    if m.element == "Principal" and actual is not None:
        if all("oidc-provider/" in v for v in (*m.expected, actual)) and m.expected:
            if len(m.expected) == 1 and _tail(m.expected[0]) == _tail(actual):
                # Same issuer: the difference is the account or partition, which the tails would hide.
                wanted = m.expected[0].removeprefix("Federated:")
                parts = [(e, a) for e, a in zip(wanted.split(":")[:5], actual.split(":")[:5], strict=False) if e != a]
                if parts:
                    theirs, ours = parts[-1]
                    if theirs.isdigit():
                        return (
                            f"Principal.Federated names the provider in account {theirs}, the token's "
                            f"provider is in {ours} (the provider must be in the role's account)"
                        )
                    return f"Principal.Federated names partition {theirs}, the token's provider is in {ours}"
            return (
                f"Principal.Federated names provider for issuer {_tail(m.expected[0])}, "
                f"token comes from {_tail(actual)}"
            )
        return f"Principal is {expected}, the token maps to {actual}"
    if m.element in ("Action", "NotAction"):
        return f"Action is {expected}, web identity needs {WEB_IDENTITY}"
    if m.element == "Condition" and actual is not None and (m.operator or "").startswith("String"):
        if key.endswith(":sub"):
            return f"trust policy allows {expected}, not {actual}"
        if key.endswith(":aud"):
            return f"trust policy expects audience {expected}, the token has {actual}"
    return m.reason


def _closest(statements: Sequence[StatementResult]) -> StatementResult | None:
    allows = [s for s in statements if s.effect == "Allow"]
    if not allows:
        return None

    def score(s: StatementResult) -> tuple[int, int, int, int]:
        elements = {m.element for m in s.mismatches}
        return (
            int(bool(elements & {"Principal", "NotPrincipal"})),
            int(bool(elements & {"Action", "NotAction"})),
            len(s.mismatches),
            s.index,
        )

    return min(allows, key=score)


def _statement_json(s: StatementResult) -> dict[str, Any]:
    return {
        "index": s.index,
        "number": s.index + 1,
        "sid": s.sid,
        "effect": s.effect,
        "applies": s.applies,
        "mismatches": [
            {
                "element": m.element,
                "operator": m.operator,
                "key": m.key,
                "expected": list(m.expected),
                "actual": list(m.actual) if m.actual is not None else None,
                "reason": m.reason,
            }
            for m in s.mismatches
        ],
        "notes": list(s.notes),
    }


def _loads(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return None


def _raw_statements(text: str) -> list[Any]:
    doc = _loads(text)
    if not isinstance(doc, dict):
        return []
    stmts = doc.get("Statement")
    return stmts if isinstance(stmts, list) else [stmts] if isinstance(stmts, dict) else []


def _policy_json(statements: list[Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": statements}, indent=2)


def _for_all_values(raw: list[Any], host_path: str) -> list[tuple[int, str, str]]:
    """(index, operator, key) of ForAllValues: conditions on this issuer's :sub/:aud in Allow statements."""
    found = []
    prefix = host_path.lower() + ":"
    for index, stmt in enumerate(raw):
        if (
            not isinstance(stmt, dict)
            or stmt.get("Effect") != "Allow"
            or not isinstance(stmt.get("Condition"), dict)
        ):
            continue
        for operator, block in stmt["Condition"].items():
            if not str(operator).lower().startswith("forallvalues:") or not isinstance(block, dict):
                continue
            for key in block:
                if str(key).lower().startswith(prefix) and str(key).lower().rsplit(":", 1)[-1] in (
                    "sub",
                    "aud",
                ):
                    found.append((index, str(operator), str(key)))
    return found


def _error(role: RoleFacts, err: PolicyError) -> LinkResult:
    text = role.trust_policy
    snippet = text if len(text) <= _SNIPPET else text[:_SNIPPET] + f"… ({len(text)} chars)"
    return LinkResult(
        id=LINK,
        status=Status.ERROR,
        summary=f"trust policy of {role.name} cannot be evaluated: {err}",
        evidence=(
            Evidence("trust-policy-text", "trust policy document", "a valid IAM policy", snippet, False),
        ),
        explanation=(
            "irsa-tui could not read the role's trust policy as an IAM policy, so it cannot predict what "
            "STS will decide. IAM itself rejects such documents on update; if this one came from IAM, the "
            "evaluator may lack a feature: the live STS result decides."
        ),
        fix=f"aws iam get-role --role-name {role.name} --query Role.AssumeRolePolicyDocument",
        details={"error": str(err), "policy_text": snippet},
    )


def check(facts: Facts, prior: Mapping[LinkId, LinkResult]) -> LinkResult:
    role = facts.role
    if role is None:
        return _common.skipped(LINK, facts.gaps.get("role", "no role ARN"))
    if isinstance(role, SourceError):
        if role.kind == "not-found":
            return _common.skipped(LINK, "role does not exist (see service-account)")
        return _common.errored(LINK, role)
    token = facts.token
    if not isinstance(token, TokenFacts):
        reason = facts.gaps.get("token", "no token claims to evaluate (see token)")
        return _common.skipped(LINK, reason)
    cluster_issuer = facts.cluster.issuer if isinstance(facts.cluster, ClusterFacts) else None
    ctx = request_context(role, token, cluster_issuer)
    if ctx is None:
        return _common.skipped(LINK, "the token names no issuer (see token)")

    try:
        document = parse_policy(role.trust_policy)
        evaluation: Evaluation = evaluate(document, ctx)
        host_path = ctx.principal_federated.split(":oidc-provider/", 1)[-1]
        weak = weak_allow_statements(document, host_path)
    except PolicyError as err:
        return _error(role, err)

    sub = str(token.claims.get("sub", ""))
    aud_value = _audience(token.claims)
    aud = aud_value if isinstance(aud_value, str) else (aud_value[0] if aud_value else DEFAULT_AUDIENCE)
    raw = _raw_statements(role.trust_policy)
    canonical = canonical_statement(ctx, sub, aud)
    base = {"role": role.name, "sub": sub, "aud": aud, "provider": ctx.principal_federated}
    evidence = [
        Evidence("request-principal", "provider ARN the token maps to", None, ctx.principal_federated, None),
        Evidence("request-sub", f"{host_path}:sub (token sub)", None, sub or "(absent)", None),
        Evidence("request-aud", f"{host_path}:aud (token aud)", None, aud, None),
    ]
    by_index = {s.index: s for s in evaluation.statements}
    findings: list[Finding] = []

    if evaluation.decision == "explicit-deny" and evaluation.denied_by is not None:
        deny = by_index[evaluation.denied_by]
        evidence.append(
            Evidence(
                f"statement-{deny.index + 1}", f"statement {_name(deny)} (Deny)", "no match", "matches", False
            )
        )
        findings.append(Finding("TRUST-202", {**base, "statement": _name(deny)}))
    elif evaluation.decision == "allow" and evaluation.allowed_by is not None:
        allow = by_index[evaluation.allowed_by]
        earlier = [s for s in evaluation.statements if s.effect == "Allow" and s.index < allow.index]
        note = ""
        if earlier:
            numbers = ", ".join(f"#{s.index + 1}" for s in earlier)
            verb = "does" if len(earlier) == 1 else "do"
            note = f" (earlier Allow statement{'s' if len(earlier) > 1 else ''} {numbers} {verb} not match)"
        evidence.append(
            Evidence(
                f"statement-{allow.index + 1}",
                f"statement {_name(allow)} (Allow)",
                "matches",
                "matches",
                True,
            )
        )
        findings.append(Finding("TRUST-001", {**base, "statement": _name(allow), "note": note}))
    else:
        closest = _closest(evaluation.statements)
        if closest is None:
            statement, reason = "(none)", "it has no Allow statement"
        else:
            statement = _name(closest)
            reason = _plain(closest.mismatches[0]) if closest.mismatches else "statement does not apply"
        for s in evaluation.statements:
            if s.effect != "Allow":
                continue
            for m in s.mismatches:
                key = f"statement-{s.index + 1}/{m.element.lower()}" + (f"/{m.key}" if m.key else "")
                label = f"statement {_name(s)}: " + " ".join(p for p in (m.element, m.operator, m.key) if p)
                actual = ", ".join(m.actual) if m.actual is not None else "(absent)"
                evidence.append(Evidence(key, label, ", ".join(m.expected), actual, False))
        policy = _policy_json([*raw, canonical])
        findings.append(
            Finding("TRUST-201", {**base, "statement": statement, "reason": reason, "policy": policy})
        )

    for_all = {index: (operator, key) for index, operator, key in _for_all_values(raw, host_path)}
    flagged: set[int] = set()
    for index, why, reason in weak:
        fixed = [canonical if i == index else s for i, s in enumerate(raw)] or [canonical]
        args = {**base, "statement": f"#{index + 1}", "reason": why, "policy": _policy_json(fixed)}
        if reason is WeakReason.FOR_ALL_VALUES:
            operator, key = for_all.get(index, ("ForAllValues:…", f"{host_path}:sub"))
            findings.append(Finding("TRUST-102", {**args, "operator": operator, "key": key}))
            flagged.add(index)
        else:
            findings.append(Finding("TRUST-101", args))
    for index, (operator, key) in for_all.items():
        if index not in flagged:
            fixed = [canonical if i == index else s for i, s in enumerate(raw)]
            args = {**base, "statement": f"#{index + 1}", "operator": operator, "key": key}
            findings.append(Finding("TRUST-102", {**args, "policy": _policy_json(fixed)}))
    for warning in evaluation.warnings:
        findings.append(Finding("TRUST-103", {"warning": warning}))

    keys = {k: v if isinstance(v, str) else list(v) for k, v in ctx.condition_keys.items()}
    details: dict[str, Any] = {
        "decision": evaluation.decision,
        "allowed_by": evaluation.allowed_by,
        "denied_by": evaluation.denied_by,
        "statements": [_statement_json(s) for s in evaluation.statements],
        "warnings": list(evaluation.warnings),
        "request": {"principal_federated": ctx.principal_federated, "condition_keys": keys},
        "policy": _loads(role.trust_policy),
    }
    return _common.from_findings(LINK, findings, evidence, details)


SPEC = LinkSpec(
    id=LINK,
    title="Trust policy",
    short="trust policy",
    needs=NEEDS,
    check=check,
    learn=(
        "The role's trust policy must allow sts:AssumeRoleWithWebIdentity for that provider, "
        "with conditions on the token's sub and aud."
    ),
    learn_what="role trust policy",
)


# --- EKS Pod Identity variant ----------------------------------------------------------------------
POD_IDENTITY_NEEDS: tuple[str, ...] = ("pod", "associations", "association_role", "target_role", "cluster", "caller")


def _pi_statement(namespace: str, sa: str, tags_on: bool) -> dict[str, Any]:
    stmt: dict[str, Any] = {
        "Effect": "Allow",
        "Principal": {"Service": "pods.eks.amazonaws.com"},
        "Action": ["sts:AssumeRole", "sts:TagSession"],
    }
    if tags_on:
        stmt["Condition"] = {"StringEquals": {"aws:RequestTag/kubernetes-namespace": namespace,
                                              "aws:RequestTag/kubernetes-service-account": sa}}
    return stmt


def _target_statement(association_role: str, external_id: str | None, tags_on: bool) -> dict[str, Any]:
    stmt: dict[str, Any] = {
        "Effect": "Allow",
        "Principal": {"AWS": association_role},
        "Action": ["sts:AssumeRole", "sts:TagSession"],
    }
    if external_id and not tags_on:
        stmt["Condition"] = {"StringEquals": {"sts:ExternalId": external_id}}
    return stmt


def check_pod_identity(facts: Facts, prior: Mapping[LinkId, LinkResult]) -> LinkResult:
    """Pod Identity: the association role trusts pods.eks.amazonaws.com for sts:AssumeRole (+ sts:TagSession
    while session tags are on) with conditions true for this pod's session tags; then the target role, if any,
    trusts the association role (policy/pod_identity.py)."""
    from irsa_tui.chain.links import _pod_identity as pi
    from irsa_tui.policy.pod_identity import evaluate_pod_identity_trust, evaluate_target_trust

    pod = _common.pod_or_result(LINK, facts)
    if isinstance(pod, LinkResult):
        return pod
    assoc = pi.association_for(facts, pod)
    role = facts.association_role
    if assoc is None or role is None:
        return _common.skipped(LINK, facts.gaps.get("association_role") or "no association role (see association)")
    if isinstance(role, SourceError):
        if role.kind == "not-found" and role.source == "iam":
            return _common.skipped(LINK, f"role {assoc.role_arn} does not exist (see association)")
        return _common.errored(LINK, role)
    tags = pi.session_tags(facts, pod)
    tags_on = not assoc.disable_session_tags
    try:
        verdict = evaluate_pod_identity_trust(role.trust_policy, tags, bool(assoc.disable_session_tags))
    except PolicyError as err:
        return _error(role, err)
    actions = "sts:AssumeRole and sts:TagSession" if tags_on else "sts:AssumeRole (session tags disabled)"
    evidence = [Evidence("pi-trust", f"trust policy of {role.name}", f"pods.eks.amazonaws.com may {actions}",
                         verdict.decision, verdict.decision == "allow")]
    details: dict[str, Any] = {"decision": verdict.decision, "session_tags": tags.items() if tags_on else None}
    if verdict.decision != "allow":
        statements = [*_raw_statements(role.trust_policy), _pi_statement(pod.namespace, pod.sa_name, tags_on)]
        reason = verdict.problems[0] if verdict.problems else verdict.decision
        finding = Finding("TRUST-204", {"role": role.name, "reason": reason, "policy": _policy_json(statements)})
        return _common.from_findings(LINK, [finding], evidence, details)
    findings: list[Finding] = []
    note = ""
    target_arn = assoc.target_role_arn
    target = facts.target_role
    if target_arn:
        if isinstance(target, RoleFacts):
            try:
                second = evaluate_target_trust(target.trust_policy, role.arn, tags, bool(assoc.disable_session_tags),
                                               assoc.external_id)
            except PolicyError as err:
                return _error(target, err)
            evidence.append(Evidence("target-trust", f"trust policy of target {target.name}",
                                     f"{role.name} may assume it", second.decision, second.decision == "allow"))
            if second.decision != "allow":
                statements = [*_raw_statements(target.trust_policy),
                              _target_statement(role.arn, assoc.external_id, tags_on)]
                findings.append(Finding("TRUST-205", {
                    "target": target.arn, "target_name": target.name, "role": role.arn,
                    "reason": second.problems[0] if second.problems else second.decision,
                    "policy": _policy_json(statements)}))
            else:
                note = f"; target {target.name} trusts it for the second hop"
        else:
            reason = target.one_line() if isinstance(target, SourceError) else (
                facts.gaps.get("target_role") or "not read")
            findings.append(Finding("TRUST-104", {"target": target_arn, "reason": reason}))
    if not any(f.status.rank >= 4 for f in findings):
        findings.insert(0, Finding("TRUST-003", {"role": role.name, "actions": actions, "note": note}))
    return _common.from_findings(LINK, findings, evidence, details)


POD_IDENTITY_SPEC = LinkSpec(
    id=LINK,
    title="Trust policy",
    short="trust policy",
    needs=POD_IDENTITY_NEEDS,
    check=check_pod_identity,
    learn=(
        "The association's role must trust the service principal pods.eks.amazonaws.com for sts:AssumeRole "
        "and sts:TagSession, with conditions true for the pod's session tags."
    ),
    learn_what="role trust policy",
)
