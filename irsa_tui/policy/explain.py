"""Plain-words reasons for the common ways a trust policy misses an EKS web-identity token."""

from __future__ import annotations

import re
from collections.abc import Sequence

from irsa_tui.policy.errors import show
from irsa_tui.policy.operators import Operator, glob_match
from irsa_tui.policy.parse import ConditionClause, Principal

__all__ = [
    "absent_key_reason",
    "action_reason",
    "present_key_reason",
    "principal_reason",
    "strip_scheme",
]

EKS_KEY_SUFFIXES = ("sub", "aud")
_EKS_ISSUER = re.compile(
    r"^oidc\.eks\.(?P<region>[a-z0-9-]+)\.amazonaws\.com(?:\.cn)?/id/(?P<id>[^/]+)$", re.I
)
_PROVIDER_ARN = re.compile(
    r"^arn:(?P<partition>[^:]*):iam::(?P<account>[^:]*):oidc-provider/(?P<issuer>.+)$", re.DOTALL
)
SA_PREFIX = "system:serviceaccount:"


def strip_scheme(value: str) -> str:
    for scheme in ("https://", "http://"):
        if value.lower().startswith(scheme):
            return value[len(scheme) :]
    return value


def _issuer_difference(written: str, token: str) -> str:
    """Why two issuer host/paths differ, in words ('' when nothing specific can be said)."""
    a, b = _EKS_ISSUER.match(written), _EKS_ISSUER.match(token)
    if not (a and b):
        return ""
    parts = []
    if a["region"] != b["region"]:
        parts.append(f"region {a['region']} instead of {b['region']}")
    if a["id"] != b["id"]:
        if a["id"].lower() == b["id"].lower():
            parts.append("the issuer id differs only in case (it is compared case-sensitively)")
        else:
            parts.append(f"issuer id {a['id']} instead of {b['id']}: an old or another cluster")
    return "; ".join(parts)


def _issuer_mismatch(written: str, token: str, what: str) -> str:
    """``what`` names the thing that holds the wrong issuer (condition key, Federated principal)."""
    if "/id/" not in written and token.lower().startswith(written.lower().rstrip("/") + "/id/"):
        return f"{what} names issuer {written!r} without its '/id/…' path; the token's issuer is {token!r}"
    detail = _issuer_difference(written, token)
    text = f"{what} names issuer {written!r} but the token's issuer is {token!r}"
    return f"{text} ({detail})" if detail else text


def absent_key_reason(clause: ConditionClause, token_issuer: str | None) -> str:
    """The key of ``clause`` is not in the request: say why it probably is not."""
    key = clause.key
    prefix, sep, suffix = key.rpartition(":")
    if not sep:
        return f"condition key {show(key)} is not in the request (EKS keys look like '<issuer>:sub')"
    if prefix.lower() == "aws" or prefix.lower().startswith("aws:"):
        return f"condition key {show(key)} is not in this request, so the condition is false"
    issues: list[str] = []
    issuer = prefix
    if strip_scheme(prefix) != prefix:
        issuer = strip_scheme(prefix)
        issues.append(f"condition key must not start with 'https://': IAM names it {issuer + ':' + suffix!r}")
    if token_issuer and issuer.lower() != token_issuer.lower():
        issues.append(_issuer_mismatch(issuer, token_issuer, "condition key"))
    low = suffix.lower()
    if low == "amr":
        issues.append("':amr' is set only for Amazon Cognito identity pools, never for EKS tokens")
    elif low not in EKS_KEY_SUFFIXES:
        issues.append(f"':{suffix}' is never present for EKS tokens (only ':sub' and ':aud' are)")
    if not issues:
        issues.append(f"condition key {show(key)} is absent from the request")
    return "; ".join(issues) + "; so the condition is false"


def _literal_wildcard(op: Operator, values: Sequence[str]) -> str | None:
    if op.wildcards or not op.name.startswith("String"):
        return None
    for value in values:
        for ch in ("*", "?"):
            if ch in value:
                return f"{op.name} has no wildcards: {ch!r} is literal; use StringLike"
    return None


def _sub_reason(values: Sequence[str], request: Sequence[str], op: Operator) -> str | None:
    """Name the part of ``system:serviceaccount:NS:SA`` that differs."""
    match = (lambda p, r: glob_match(p, r)) if op.wildcards else (lambda p, r: p == r)
    best: tuple[int, str] | None = None
    for r in request:
        r_parts = r.split(":")
        if len(r_parts) != 4 or not r.startswith(SA_PREFIX):
            continue
        for p in values:
            p_parts = p.split(":")
            if len(p_parts) != 4 or not p.startswith(SA_PREFIX):
                text = f"sub value {show(p)} is not of the form 'system:serviceaccount:NAMESPACE:NAME'"
                score = 3
            else:
                ns_ok, sa_ok = match(p_parts[2], r_parts[2]), match(p_parts[3], r_parts[3])
                if not ns_ok and not sa_ok:
                    text = (
                        f"sub names namespace {p_parts[2]!r} and service account {p_parts[3]!r} "
                        f"but the token is for {r_parts[2]!r}/{r_parts[3]!r}"
                    )
                    score = 2
                elif not ns_ok:
                    text = f"sub names namespace {p_parts[2]!r} but the token's namespace is {r_parts[2]!r}"
                    score = 1
                elif not sa_ok:
                    text = (
                        f"sub names service account {p_parts[3]!r} but the token's service account is "
                        f"{r_parts[3]!r} (namespace {r_parts[2]!r} matches)"
                    )
                    score = 1
                else:
                    continue
            if best is None or score < best[0]:
                best = (score, text)
    if best is None:
        return None
    if len(values) > 1:
        return f"none of the {len(values)} allowed subjects matches; closest: {best[1]}"
    return best[1]


def present_key_reason(
    clause: ConditionClause, request: Sequence[str], failed_value: str | None = None
) -> str:
    """The key is in the request but the condition is false."""
    parsed = clause.operator
    op = parsed.operator
    values = clause.values
    shown_request = ", ".join(show(r) for r in request) or "an empty list"
    if op.name == "Null":
        return f"Null 'true' requires {show(clause.key)} to be absent, but the request has it"
    if not request:
        return f"{show(clause.key)} is present but empty, so {parsed.canonical} matches nothing"
    if not values:
        return f"the policy lists no values for {show(clause.key)}: an empty list matches nothing"
    if op.negated:
        for r in request:
            for p in values:
                if op.matcher(p, r):
                    return f"{parsed.canonical} excludes {show(r)}: the token's value matches {show(p)}"
        return f"{parsed.canonical} on {show(clause.key)} is false for {shown_request}"
    if parsed.qualifier == "ForAllValues" and failed_value is not None:
        return f"ForAllValues: request value {show(failed_value)} is not matched by any of {list(values)!r}"
    wildcard = _literal_wildcard(op, values)
    if wildcard:
        return wildcard
    case_sensitive = op.name in ("StringEquals", "StringLike", "ArnEquals", "ArnLike")
    if case_sensitive:
        for r in request:
            for p in values:
                if glob_match(p, r, ignore_case=True) if op.wildcards else p.lower() == r.lower():
                    return (
                        f"values differ only in case and {op.name} is case-sensitive: "
                        f"policy has {show(p)}, token has {show(r)}"
                    )
    for r in request:
        for p in values:
            if p != p.strip() and op.matcher(p.strip(), r):
                return f"policy value {show(p)} has leading/trailing whitespace, which is compared literally"
    suffix = clause.key.rpartition(":")[2].lower()
    if suffix == "sub":
        sub = _sub_reason(values, request, op)
        if sub:
            return sub
    if suffix == "aud":
        expected = ", ".join(show(v) for v in values)
        return (
            f"audience differs: policy expects {expected} but the token's aud is {shown_request} "
            "(the token audience comes from the eks.amazonaws.com/audience annotation, default sts.amazonaws.com)"
        )
    if clause.key.lower().startswith(("aws:", "sts:")):  # a request key, not one from the token
        return f"{parsed.canonical} on {show(clause.key)}: the request's {shown_request} matches none of {list(values)!r}"
    return f"{parsed.canonical}: the token's {shown_request} matches none of {list(values)!r}"


def principal_reason(principal: Principal, actual: str) -> str:
    feds = principal.values("Federated")
    if not feds:
        services = principal.values("Service")
        if "pods.eks.amazonaws.com" in services:
            return (
                "Principal is the EKS Pod Identity service (pods.eks.amazonaws.com), not an OIDC provider: "
                "this role is set up for Pod Identity, not IRSA"
            )
        kinds = sorted({kind for kind, _ in principal.entries}) or ["no"]
        return (
            f"Principal names only {'/'.join(kinds)} principals; web identity needs "
            f'{{"Federated": {actual!r}}}'
        )
    reasons = [_federated_reason(fed, actual) for fed in feds]
    if len(reasons) == 1:
        return reasons[0]
    return (
        f"none of the {len(feds)} Federated principals is the token's provider {actual!r}; e.g. {reasons[0]}"
    )


def caller_principal_reason(principal: Principal, actual: str, kind: str) -> str:
    """Why a Principal does not name a service (``kind`` Service) or a role session (``kind`` AWS)."""
    listed = principal.values(kind)
    if kind == "Service" and principal.values("Federated"):
        return (
            f"Principal names an OIDC provider (IRSA), not the service {actual!r}: "
            "this role is set up for IRSA, not for this caller"
        )
    if listed:
        close = [v for v in listed if v.lower() == actual.lower()]
        if close:
            return f"{kind} {show(close[0])} differs from {actual!r} only in case"
        return f"{kind} principals {list(listed)!r} do not include {actual!r}"
    kinds = sorted({k for k, _ in principal.entries}) or ["no"]
    return f"Principal names only {'/'.join(kinds)} principals; this caller needs {{{kind!r}: {actual!r}}}"


def _federated_reason(fed: str, actual: str) -> str:
    if fed.lower() == actual.lower():
        return f"Federated {show(fed)} differs from {actual!r} only in case; provider ARNs compare case-sensitively"
    a = _PROVIDER_ARN.match(actual)
    if "https://" in fed.lower() or "http://" in fed.lower():
        return f"Federated {show(fed)} must not contain 'https://': write {actual!r}"
    f = _PROVIDER_ARN.match(fed)
    if f is None:
        if fed.startswith("arn:"):
            return f"Federated {show(fed)} is not an OIDC provider ARN; the token's provider is {actual!r}"
        return f"Federated must be the provider ARN {actual!r}, not {show(fed)}"
    if a is None:
        return f"Federated {show(fed)} is not the token's provider {actual!r}"
    parts: list[str] = []
    if f["partition"] != a["partition"]:
        parts.append(f"partition {f['partition']!r} instead of {a['partition']!r}")
    if f["account"] != a["account"]:
        parts.append(
            f"account {f['account']} instead of {a['account']} (the provider must exist in the role's account)"
        )
    if f["issuer"] != a["issuer"]:
        parts.append(_issuer_mismatch(f["issuer"], a["issuer"], "the provider"))
    return f"Federated {show(fed)} is not the token's provider: " + "; ".join(parts)


def action_reason(actions: Sequence[str], wanted: str) -> str:
    if (
        any(a.lower() == "sts:assumerole" for a in actions)
        and wanted.lower() == "sts:assumerolewithwebidentity"
    ):
        return "Action is sts:AssumeRole; web identity needs sts:AssumeRoleWithWebIdentity"
    if any(a.lower() == "sts:assumerolewithsaml" for a in actions):
        return f"Action is sts:AssumeRoleWithSAML (SAML federation); web identity needs {wanted}"
    listed = ", ".join(show(a) for a in actions) or "nothing (empty list)"
    return f"Action lists {listed}, which does not include {wanted}"
