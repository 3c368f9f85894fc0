"""Decide, the way STS does, whether a trust policy lets a web-identity token assume the role.

Multi-valued request keys (a Sequence in ``RequestContext.condition_keys``, e.g. a token ``aud``
array): a plain operator is satisfied when *any* request value matches *any* policy value (a negated
operator when *no* request value matches); ``ForAnyValue:`` is satisfied when some request value
satisfies the operator; ``ForAllValues:`` when every request value does (and, as in IAM, when the
key is absent or empty).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Literal, NamedTuple

from irsa_tui.policy.errors import show
from irsa_tui.policy.explain import (
    absent_key_reason,
    action_reason,
    caller_principal_reason,
    present_key_reason,
    principal_reason,
    strip_scheme,
)
from irsa_tui.policy.operators import any_match, glob_match
from irsa_tui.policy.parse import ConditionClause, PolicyDocument, Principal, Statement, parse_policy

__all__ = [
    "Evaluation",
    "Mismatch",
    "RequestContext",
    "StatementResult",
    "WeakAllow",
    "WeakReason",
    "evaluate",
    "weak_allow_statements",
]

WEB_IDENTITY_ACTION = "sts:AssumeRoleWithWebIdentity"


@dataclass(frozen=True)
class RequestContext:
    principal_federated: str
    """Provider ARN the token maps to, e.g. ``arn:aws:iam::111122223333:oidc-provider/oidc.eks.…/id/ABC``."""
    condition_keys: Mapping[str, str | Sequence[str]]
    """``{"<issuer>:sub": "system:serviceaccount:ns:sa", "<issuer>:aud": "sts.amazonaws.com"}``;
    keys absent from the mapping are absent from the request."""
    action: str = WEB_IDENTITY_ACTION
    principal_service: str | None = None
    """A service principal calling (``pods.eks.amazonaws.com`` for EKS Pod Identity): then the
    statement's ``Principal.Service`` is matched instead of ``Federated``."""
    principal_aws: str | None = None
    """A role session calling (role chaining): its role ARN, matched against ``Principal.AWS``
    (the ARN itself, or its account as ``ACCOUNT``/``arn:…:root``)."""

    @property
    def principal(self) -> str:
        """Who is calling, as the Principal element would name it."""
        return self.principal_service or self.principal_aws or self.principal_federated


@dataclass(frozen=True)
class Mismatch:
    element: Literal["Principal", "NotPrincipal", "Action", "NotAction", "Condition"]
    operator: str | None
    """Full operator as written, e.g. ``ForAnyValue:StringLike``; None for Principal/Action."""
    key: str | None
    """Condition key as written in the policy."""
    expected: tuple[str, ...]
    """The policy's values."""
    actual: tuple[str, ...] | None
    """The request's values (None: key absent)."""
    reason: str


@dataclass(frozen=True)
class StatementResult:
    index: int
    sid: str | None
    effect: Literal["Allow", "Deny"]
    applies: bool
    """Principal, Action and every Condition matched."""
    mismatches: tuple[Mismatch, ...]
    """Every reason it does not apply, not only the first."""
    notes: tuple[str, ...]


@dataclass(frozen=True)
class Evaluation:
    decision: Literal["allow", "explicit-deny", "implicit-deny"]
    allowed_by: int | None
    denied_by: int | None
    statements: tuple[StatementResult, ...]
    warnings: tuple[str, ...]


class _Request:
    """The request context with keys folded for case-insensitive lookup."""

    def __init__(self, ctx: RequestContext) -> None:
        self.ctx = ctx
        self.keys: dict[str, tuple[str, ...]] = {}
        for key, value in ctx.condition_keys.items():
            if isinstance(value, str):
                values: tuple[str, ...] = (value,)
            elif isinstance(value, Sequence):
                values = tuple(v if isinstance(v, str) else str(v) for v in value)
            else:  # tolerate a caller passing a number or bool: compare as text
                values = (str(value),)
            self.keys.setdefault(str(key).lower(), values)
        self.issuer = self._token_issuer()

    def _token_issuer(self) -> str | None:
        for key in self.ctx.condition_keys:
            prefix, sep, suffix = str(key).rpartition(":")
            if sep and suffix.lower() in ("sub", "aud") and not prefix.lower().startswith("aws"):
                return strip_scheme(prefix)
        marker = ":oidc-provider/"
        if marker in self.ctx.principal_federated:
            return self.ctx.principal_federated.split(marker, 1)[1]
        return None

    def get(self, key: str) -> tuple[str, ...] | None:
        return self.keys.get(key.lower())


def _satisfies(clause: ConditionClause, value: str) -> bool:
    matched = any_match(clause.operator.operator, clause.values, value)
    return not matched if clause.operator.operator.negated else matched


def _condition(clause: ConditionClause, req: _Request) -> tuple[Mismatch | None, str | None]:
    """Evaluate one (operator, key) pair: (mismatch when false, note when true only vacuously)."""
    parsed = clause.operator
    op = parsed.operator
    request = req.get(clause.key)
    failed_value: str | None = None
    vacuous: str | None = None
    if op.name == "Null":
        present = bool(request)
        ok = any((v.lower() == "true") != present for v in clause.values)
        if not ok and not present:
            reason = (
                f"Null 'false' requires {show(clause.key)} to be present, but the request has no such key"
            )
            return _cond_mismatch(clause, request, reason), None
    elif request is None:
        if parsed.if_exists:
            ok = True
        elif parsed.qualifier == "ForAllValues":
            ok = True
            vacuous = f"{parsed.canonical} on {show(clause.key)} passed only because the key is absent"
        elif parsed.qualifier == "ForAnyValue":
            ok = False
        else:
            ok = op.negated
    elif parsed.qualifier == "ForAllValues":
        failed = [r for r in request if not _satisfies(clause, r)]
        ok = not failed
        failed_value = failed[0] if failed else None
        if not request:
            vacuous = f"{parsed.canonical} on {show(clause.key)} passed only because the key is empty"
    elif parsed.qualifier == "ForAnyValue":
        ok = any(_satisfies(clause, r) for r in request)
    else:
        matched = any(any_match(op, clause.values, r) for r in request)
        ok = not matched if op.negated else matched
    if ok:
        return None, vacuous
    if request is None:
        reason = absent_key_reason(clause, req.issuer)
        if parsed.qualifier == "ForAnyValue":
            reason = "ForAnyValue is false when the key is absent; " + reason
    else:
        reason = present_key_reason(clause, request, failed_value)
    return _cond_mismatch(clause, request, reason), None


def _cond_mismatch(clause: ConditionClause, request: tuple[str, ...] | None, reason: str) -> Mismatch:
    return Mismatch("Condition", clause.operator.written, clause.key, clause.values, request, reason)


def _aws_principal_matches(values: tuple[str, ...], role_arn: str) -> bool:
    """``Principal.AWS`` names the role, or its account (``ACCOUNT`` / ``arn:PARTITION:iam::ACCOUNT:root``)."""
    parts = role_arn.split(":")
    account = parts[4] if len(parts) > 4 else ""
    partition = parts[1] if len(parts) > 1 else "aws"
    return any(v in ("*", role_arn, account, f"arn:{partition}:iam::{account}:root") for v in values)


def _principal_matches(p: Principal, ctx: RequestContext) -> bool:
    if p.wildcard:
        return True
    if ctx.principal_service is not None:
        return ctx.principal_service in p.values("Service")
    if ctx.principal_aws is not None:
        return _aws_principal_matches(p.values("AWS"), ctx.principal_aws)
    return p.any_web_identity or ctx.principal_federated in p.values("Federated")


def _statement(stmt: Statement, req: _Request) -> StatementResult:
    ctx = req.ctx
    mismatches: list[Mismatch] = []
    notes = list(stmt.notes)
    actual = (ctx.principal,)
    if stmt.principal is not None:
        p = stmt.principal
        if not _principal_matches(p, ctx):
            if ctx.principal_service is not None or ctx.principal_aws is not None:
                reason = caller_principal_reason(p, ctx.principal, "Service" if ctx.principal_service else "AWS")
            else:
                reason = principal_reason(p, ctx.principal_federated)
            mismatches.append(Mismatch("Principal", None, None, p.all_values(), actual, reason))
    if stmt.not_principal is not None:
        np = stmt.not_principal
        if stmt.effect == "Allow":
            reason = "NotPrincipal cannot be used in a role trust policy, and never with Allow; use Principal"
            mismatches.append(Mismatch("NotPrincipal", None, None, np.all_values(), actual, reason))
        elif _principal_matches(np, ctx):
            reason = "NotPrincipal lists the caller, so this Deny does not apply to it"
            mismatches.append(Mismatch("NotPrincipal", None, None, np.all_values(), actual, reason))
    if stmt.action is not None and not any(glob_match(a, ctx.action, ignore_case=True) for a in stmt.action):
        mismatches.append(
            Mismatch("Action", None, None, stmt.action, (ctx.action,), action_reason(stmt.action, ctx.action))
        )
    if stmt.not_action is not None:
        hits = [a for a in stmt.not_action if glob_match(a, ctx.action, ignore_case=True)]
        if hits:
            reason = f"NotAction excludes {ctx.action} (matched by {show(hits[0])})"
            mismatches.append(Mismatch("NotAction", None, None, stmt.not_action, (ctx.action,), reason))
    for clause in stmt.conditions:
        mismatch, note = _condition(clause, req)
        if mismatch is not None:
            mismatches.append(mismatch)
        if note is not None:
            notes.append(note)
    return StatementResult(
        index=stmt.index,
        sid=stmt.sid,
        effect=stmt.effect,
        applies=not mismatches,
        mismatches=tuple(mismatches),
        notes=tuple(notes),
    )


def evaluate(document: str | Mapping[str, Any] | PolicyDocument, ctx: RequestContext) -> Evaluation:
    """Evaluate the trust policy for one AssumeRoleWithWebIdentity request. Raises PolicyError.

    An applying Deny wins over any Allow; otherwise the first applying Allow allows; else implicit deny.
    """
    doc = parse_policy(document)
    req = _Request(ctx)
    results = tuple(_statement(stmt, req) for stmt in doc.statements)
    denied_by = next((r.index for r in results if r.applies and r.effect == "Deny"), None)
    allowed_by = next((r.index for r in results if r.applies and r.effect == "Allow"), None)
    if denied_by is not None:
        decision: Literal["allow", "explicit-deny", "implicit-deny"] = "explicit-deny"
    elif allowed_by is not None:
        decision = "allow"
    else:
        decision = "implicit-deny"
    return Evaluation(decision, allowed_by, denied_by, results, doc.warnings)


_PINNING = ("StringEquals", "StringEqualsIgnoreCase", "StringLike")


class WeakReason(StrEnum):
    """Why an Allow statement lets more than the intended service account in."""

    PRINCIPAL_STAR = "principal-star"
    NO_SUB_CONDITION = "no-sub-condition"
    SUB_NOT_PINNED = "sub-not-pinned"
    """A condition on sub whose operator does not pin it (StringNotEquals, Null...)."""
    FOR_ALL_VALUES = "for-all-values"
    """``ForAllValues:`` on sub: true when the key is absent."""
    SUB_ANY_NAMESPACE = "sub-any-namespace"


class WeakAllow(NamedTuple):
    statement: int
    """The statement's index in the policy."""
    why: str
    """One line, for people."""
    reason: WeakReason


def _sub_pin_problem(stmt: Statement, sub_key: str) -> tuple[WeakReason, str] | None:
    """None when the statement pins ``<issuer>:sub`` to specific service accounts, else why not."""
    clauses = [c for c in stmt.conditions if c.key.lower() == sub_key.lower()]
    if any(
        c.operator.operator.name in _PINNING and not c.values and c.operator.qualifier is None
        for c in clauses
    ):
        return None  # an empty value list matches nothing: the statement never applies
    pinning = [c for c in clauses if c.operator.operator.name in _PINNING and c.values]
    if not pinning:
        if clauses:
            ops = ", ".join(sorted({c.operator.written for c in clauses}))
            return WeakReason.SUB_NOT_PINNED, (f"{ops} on {sub_key} does not pin it to a service account: any service "
                                               "account of the cluster can assume the role")
        return WeakReason.NO_SUB_CONDITION, f"no condition on {sub_key}: any service account of the cluster can assume the role"
    for c in pinning:
        if c.operator.qualifier == "ForAllValues":
            return WeakReason.FOR_ALL_VALUES, f"{c.operator.written} on {sub_key} is true when the key is absent: use plain StringEquals"
        if c.operator.operator.wildcards:
            for v in c.values:
                parts = v.split(":")
                ns = parts[2] if len(parts) >= 3 else "*"
                if len(parts) < 4 or "*" in ns or "?" in ns or not v.startswith("system:serviceaccount:"):
                    return WeakReason.SUB_ANY_NAMESPACE, (f"{c.operator.written} value {show(v)} on {sub_key} matches "
                                                          "service accounts of every namespace")
    return None


def weak_allow_statements(
    document: str | Mapping[str, Any] | PolicyDocument, issuer_host_path: str
) -> list[WeakAllow]:
    """Allow statements that let more than the intended service account assume the role.

    Flags ``Principal: "*"`` / ``{"AWS": "*"}`` and statements trusting the issuer's provider without a
    condition pinning ``<issuer>:sub`` to a namespace. Returns (statement index, one-line why, reason).
    """
    doc = parse_policy(document)
    issuer = strip_scheme(issuer_host_path.strip()).rstrip("/")
    sub_key = f"{issuer}:sub"
    weak: list[WeakAllow] = []
    for stmt in doc.statements:
        if stmt.effect != "Allow":
            continue
        if stmt.action is not None and not any(
            glob_match(a, WEB_IDENTITY_ACTION, ignore_case=True) for a in stmt.action
        ):
            continue
        if stmt.not_action is not None and any(
            glob_match(a, WEB_IDENTITY_ACTION, ignore_case=True) for a in stmt.not_action
        ):
            continue
        principal = stmt.principal
        if principal is None:
            continue
        if principal.any_web_identity:
            weak.append(WeakAllow(stmt.index, 'Principal is "*": any identity that can call STS may assume the role',
                                  WeakReason.PRINCIPAL_STAR))
            continue
        trusts_issuer = any(fed.endswith(f":oidc-provider/{issuer}") for fed in principal.values("Federated"))
        if not trusts_issuer:
            continue
        problem = _sub_pin_problem(stmt, sub_key)
        if problem:
            weak.append(WeakAllow(stmt.index, problem[1], problem[0]))
    return weak
