"""The lab's own judge for STS AssumeRoleWithWebIdentity and S3 authorisation.

Deliberately independent of ``irsa_tui.policy`` and ``irsa_tui.chain``: the lab plays AWS, so
it must not share the product's evaluator (a shared bug would then go unnoticed).
Messages and codes follow real STS / S3 (see irsa-chain.md §6).
"""

from __future__ import annotations

import base64
import json
import re
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import jwt

__all__ = [
    "Denied",
    "PolicyDecision",
    "WebIdentityClaims",
    "evaluate",
    "judge_s3",
    "judge_web_identity",
]

NOT_JWT = "The ID Token provided is not a valid JWT. (You may see this error if you sent an Access Token)"
NO_KEY = (
    "Couldn't retrieve verification key from your identity provider,  please reference "
    "AssumeRoleWithWebIdentity documentation for requirements"
)
NOT_AUTHORIZED = "Not authorized to perform sts:AssumeRoleWithWebIdentity"
THUMBPRINT = "OpenIDConnect provider's HTTPS certificate doesn't match configured thumbprint"
ROLE_ARN = re.compile(r"^arn:aws[a-z0-9-]*:iam::(\d{12}):role/([\w+=,.@/-]+)$")
SESSION_NAME = re.compile(r"^[\w+=,.@-]{2,64}$")
CLOCK_SKEW = 300


@dataclass(frozen=True)
class Denied(Exception):
    """An AWS error answer: HTTP status, code, message."""

    status: int
    code: str
    message: str


@dataclass(frozen=True)
class WebIdentityClaims:
    role_arn: str
    role_name: str
    account: str
    issuer: str
    subject: str
    audience: str
    provider_arn: str


# --- a small IAM policy evaluator ------------------------------------------------------------


def _glob(pattern: str, value: str, ignore_case: bool = False) -> bool:
    regex = "^" + "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern) + "$"
    return re.match(regex, value, re.IGNORECASE | re.DOTALL if ignore_case else re.DOTALL) is not None


def _list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _op_match(base: str, policy_value: str, actual: str) -> bool:
    if base in ("StringEquals", "StringNotEquals", "ArnEquals", "ArnNotEquals"):
        return policy_value == actual
    if base in ("StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase"):
        return policy_value.lower() == actual.lower()
    if base in ("StringLike", "StringNotLike", "ArnLike", "ArnNotLike"):
        return _glob(policy_value, actual)
    if base == "Bool":
        return policy_value.lower() == actual.lower()
    return False


def _condition(op: str, key: str, policy_values: list[Any], context: Mapping[str, list[str]]) -> bool:
    actual = context.get(key.lower())
    qualifier = ""
    if ":" in op and op.split(":", 1)[0] in ("ForAllValues", "ForAnyValue"):
        qualifier, op = op.split(":", 1)
    if_exists = op.endswith("IfExists")
    base = op[: -len("IfExists")] if if_exists else op
    values = [str(v).lower() if isinstance(v, bool) else str(v) for v in policy_values]
    if base == "Null":
        want_absent = any(v.lower() == "true" for v in values)
        return (not actual) == want_absent
    negated = "Not" in base
    if qualifier == "ForAllValues":
        if not actual:
            return True
        return all(any(_op_match(base, v, a) for v in values) != negated for a in actual)
    if qualifier == "ForAnyValue":
        if not actual:
            return False
        return any(any(_op_match(base, v, a) for v in values) != negated for a in actual)
    if not actual:
        return if_exists or negated
    hit = any(_op_match(base, v, a) for v in values for a in actual)
    return not hit if negated else hit


def _partition(arn: str) -> str:
    parts = arn.split(":")
    return parts[1] if len(parts) > 2 else ""


def _principal_match(spec: Any, principal: Mapping[str, set[str]]) -> bool:
    if spec == "*":
        return True
    if not isinstance(spec, dict):
        return False
    for kind, ids in spec.items():
        have = principal.get(kind, set())
        for wanted in _list(ids):
            wanted = str(wanted)
            if wanted == "*" and have:
                return True
            if kind == "AWS" and re.fullmatch(r"\d{12}", wanted):
                wanted = f"arn:aws:iam::{wanted}:root"
            if wanted in have:
                return True
    return False


def _statement_applies(
    st: Mapping[str, Any],
    action: str,
    resource: str | None,
    context: Mapping[str, list[str]],
    principal: Mapping[str, set[str]] | None,
) -> bool:
    if "Action" in st:
        if not any(_glob(str(a), action, ignore_case=True) for a in _list(st["Action"])):
            return False
    elif "NotAction" in st:
        if any(_glob(str(a), action, ignore_case=True) for a in _list(st["NotAction"])):
            return False
    else:
        return False
    if resource is not None:
        if "Resource" in st:
            if not any(_glob(str(r), resource) for r in _list(st["Resource"])):
                return False
        elif "NotResource" in st and any(_glob(str(r), resource) for r in _list(st["NotResource"])):
            return False
    if principal is not None:
        if "Principal" in st:
            if not _principal_match(st["Principal"], principal):
                return False
        elif "NotPrincipal" in st:
            if _principal_match(st["NotPrincipal"], principal):
                return False
        else:
            return False
    for op, block in (st.get("Condition") or {}).items():
        if not isinstance(block, dict):
            return False
        for key, values in block.items():
            if not _condition(str(op), str(key), _list(values), context):
                return False
    return True


PolicyDecision = str  # "allow" | "deny" | "none"


def evaluate(
    doc: Any,
    action: str,
    resource: str | None,
    context: Mapping[str, list[str]],
    principal: Mapping[str, set[str]] | None = None,
) -> PolicyDecision:
    """One policy document: explicit deny wins, then allow, else none (implicit deny)."""
    if isinstance(doc, str):
        try:
            doc = json.loads(doc)
        except ValueError:
            return "none"
    if not isinstance(doc, dict):
        return "none"
    result = "none"
    for st in _list(doc.get("Statement")):
        if not isinstance(st, dict) or not _statement_applies(st, action, resource, context, principal):
            continue
        if st.get("Effect") == "Deny":
            return "deny"
        if st.get("Effect") == "Allow":
            result = "allow"
    return result


def _combine(
    docs: Iterable[Any],
    action: str,
    resource: str | None,
    context: Mapping[str, list[str]],
    principal: Mapping[str, set[str]] | None = None,
) -> PolicyDecision:
    result = "none"
    for doc in docs:
        got = evaluate(doc, action, resource, context, principal)
        if got == "deny":
            return "deny"
        if got == "allow":
            result = "allow"
    return result


# --- STS AssumeRoleWithWebIdentity -------------------------------------------------------------


def _unverified(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    parts = token.split(".")
    if len(parts) != 3:
        raise Denied(400, "InvalidIdentityToken", NOT_JWT)
    try:
        header = json.loads(base64.urlsafe_b64decode(parts[0] + "=" * (-len(parts[0]) % 4)))
        claims = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
    except ValueError:
        raise Denied(400, "InvalidIdentityToken", NOT_JWT) from None
    if not isinstance(header, dict) or not isinstance(claims, dict):
        raise Denied(400, "InvalidIdentityToken", NOT_JWT)
    return header, claims


def judge_web_identity(
    params: Mapping[str, str],
    *,
    find_provider: Callable[[str, str], Mapping[str, Any] | None],
    find_role: Callable[[str, str], Mapping[str, Any] | None],
    fetch_jwks: Callable[[str], Mapping[str, Any]],
    region_disabled: Callable[[str, str], bool] = lambda account, iss: False,
    thumbprint_ok: Callable[[list[str]], bool] = lambda thumbprints: True,
    now: float | None = None,
) -> WebIdentityClaims:
    """Judge like real STS; raise Denied with the real code/message/status, or return the claims.

    ``find_provider(account, host_path)`` -> {"client_ids": [...]} or None;
    ``find_role(account, name)`` -> {"trust_policy": doc, "arn": ...} or None;
    ``fetch_jwks(issuer)`` -> JWKS dict (raises on any failure);
    ``thumbprint_ok(thumbprints)``: whether the JWKS host's certificate passes IAM's check (trusted CA, or
    its top CA among the provider's thumbprints).
    """
    role_arn = params.get("RoleArn") or ""
    token = params.get("WebIdentityToken") or ""
    session = params.get("RoleSessionName") or ""
    if not role_arn:
        raise Denied(
            400,
            "ValidationError",
            "1 validation error detected: Value null at 'roleArn' failed to "
            "satisfy constraint: Member must not be null",
        )
    if not session or not SESSION_NAME.match(session):
        raise Denied(
            400,
            "ValidationError",
            f"1 validation error detected: Value '{session}' at "
            "'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression "
            "pattern: [\\w+=,.@-]*",
        )
    if not 4 <= len(token) <= 20000:
        raise Denied(
            400,
            "ValidationError",
            "1 validation error detected: Value at 'webIdentityToken' failed "
            "to satisfy constraint: Member must have length less than or equal to 20000",
        )
    match = ROLE_ARN.match(role_arn)
    if not match:
        raise Denied(400, "ValidationError", "Request ARN is invalid")
    account, role_name = match.group(1), match.group(2).rsplit("/", 1)[-1]
    header, claims = _unverified(token)
    iss = str(claims.get("iss") or "")
    if region_disabled(account, iss):
        raise Denied(
            403,
            "RegionDisabledException",
            f"STS is not activated in this region for account:{account}. Your account administrator "
            "can activate STS in this region using the IAM Console.",
        )
    host_path = re.sub(r"^https://", "", iss).rstrip("/")
    provider = find_provider(account, host_path) if iss else None
    if provider is None:
        raise Denied(
            400, "InvalidIdentityToken", f"No OpenIDConnect provider found in your account for {iss}"
        )
    auds = [str(a) for a in _list(claims.get("aud"))]
    client_ids = [str(c) for c in provider.get("client_ids") or []]
    if not any(a in client_ids for a in auds):
        raise Denied(400, "InvalidIdentityToken", "Incorrect token audience")
    if not thumbprint_ok([str(t) for t in provider.get("thumbprints") or []]):
        raise Denied(400, "InvalidIdentityToken", THUMBPRINT)
    try:
        jwks = fetch_jwks(iss)
        keys = [
            k for k in jwks.get("keys") or [] if isinstance(k, dict) and k.get("kid") == header.get("kid")
        ]
        if not keys or header.get("alg") != "RS256":
            raise ValueError("no key")
        public = jwt.PyJWK(keys[0]).key
        jwt.decode(
            token,
            public,
            algorithms=["RS256"],
            options={"verify_exp": False, "verify_aud": False, "verify_iat": False, "verify_nbf": False},
        )
    except Denied:
        raise
    except Exception:
        raise Denied(400, "InvalidIdentityToken", NO_KEY) from None
    current = int(now if now is not None else time.time())
    exp = claims.get("exp")
    if not isinstance(exp, int):
        raise Denied(400, "InvalidIdentityToken", NOT_JWT)
    if current > exp + CLOCK_SKEW:
        raise Denied(
            400,
            "ExpiredTokenException",
            f"Token expired: current date/time {current} must be before the expiration date/time{exp}",
        )
    role = find_role(account, role_name)
    if role is None or _partition(str(role.get("arn") or role_arn)) != _partition(role_arn):
        # A role ARN from another partition (arn:aws-cn, arn:aws-us-gov) names a role STS cannot see from
        # this one: it answers as for a missing role (AccessDenied), as AssumeRole does across partitions.
        raise Denied(403, "AccessDenied", NOT_AUTHORIZED)
    provider_arn = f"arn:aws:iam::{account}:oidc-provider/{host_path}"
    context: dict[str, list[str]] = {
        f"{host_path}:sub".lower(): [str(claims.get("sub") or "")],
        f"{host_path}:aud".lower(): auds,
    }
    decision = evaluate(
        role.get("trust_policy"),
        "sts:AssumeRoleWithWebIdentity",
        None,
        context,
        {"Federated": {provider_arn}},
    )
    if decision != "allow":
        raise Denied(403, "AccessDenied", NOT_AUTHORIZED)
    return WebIdentityClaims(
        role_arn=role_arn,
        role_name=role_name,
        account=account,
        issuer=iss,
        subject=str(claims.get("sub") or ""),
        audience=auds[0] if auds else "",
        provider_arn=provider_arn,
    )


# --- S3 -----------------------------------------------------------------------------------------


def judge_s3(
    *,
    action: str,
    resource: str,
    caller_arn: str,
    role_arn: str,
    account: str,
    identity_policies: Iterable[Any],
    bucket_policy: Any = None,
    boundary: Any = None,
    scp: Any = None,
    context: Mapping[str, list[str]] | None = None,
) -> str | None:
    """None when allowed, else the AccessDenied message real S3 gives (2021+ wording)."""
    ctx = {k.lower(): v for k, v in (context or {}).items()}
    ctx.setdefault("aws:principalarn", [role_arn])
    ctx.setdefault("aws:principalaccount", [account])
    ctx.setdefault("aws:securetransport", ["true"])
    principal = {"AWS": {caller_arn, role_arn, f"arn:aws:iam::{account}:root"}}
    on = "" if action == "s3:ListAllMyBuckets" else f' on resource: "{resource}"'
    head = f"User: {caller_arn} is not authorized to perform: {action}{on}"
    # An SCP here is deny-only on top of the implicit FullAWSAccess, as in most organisations.
    scp_d = "deny" if scp is not None and evaluate(scp, action, resource, ctx) == "deny" else "allow"
    if scp_d == "deny":
        return f"{head} with an explicit deny in a service control policy"
    res_d = evaluate(bucket_policy, action, resource, ctx, principal) if bucket_policy is not None else "none"
    if res_d == "deny":
        return f"{head} with an explicit deny in a resource-based policy"
    id_d = _combine(identity_policies, action, resource, ctx)
    if id_d == "deny":
        return f"{head} with an explicit deny in an identity-based policy"
    bnd_d = evaluate(boundary, action, resource, ctx) if boundary is not None else "allow"
    if bnd_d == "deny":
        return f"{head} with an explicit deny in a permissions boundary"
    if res_d == "allow" and bnd_d == "allow":
        return None
    if id_d != "allow":
        return f"{head} because no identity-based policy allows the {action} action"
    if bnd_d != "allow":
        return f"{head} because no permissions boundary allows the {action} action"
    return None
