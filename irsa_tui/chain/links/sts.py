"""Link ``sts``: the live AssumeRoleWithWebIdentity call, and which link its error points at.

The live call is the truth; the static links are a prediction. When they disagree the
result says so, and live wins.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC
from typing import Any, Literal

from irsa_tui.chain import arn
from irsa_tui.chain.facts import (
    DEFAULT_AUDIENCE,
    ClusterFacts,
    Facts,
    OidcProviderFacts,
    PodFacts,
    RoleFacts,
    ServiceAccountFacts,
    SourceError,
    StsFacts,
    TokenFacts,
)
from irsa_tui.chain.links import _common
from irsa_tui.chain.model import Evidence, Finding, LinkId, LinkResult, Status
from irsa_tui.chain.spec import LinkSpec

__all__ = ["LINK", "NEEDS", "SPEC", "check", "implicated_link", "is_transient"]

LINK = LinkId.STS
NEEDS: tuple[str, ...] = ("sts", "token", "role")

_STATIC_LINKS = (
    LinkId.SERVICE_ACCOUNT,
    LinkId.INJECTION,
    LinkId.TOKEN,
    LinkId.OIDC_PROVIDER,
    LinkId.TRUST_POLICY,
)


@dataclass(frozen=True)
class _Rule:
    codes: tuple[str, ...]
    """STS error codes this rule matches (exact)."""
    needle: str | None
    """Case-insensitive substring of the message; None matches any message."""
    link: LinkId
    cause: str
    kind: Literal["fail", "transient"] = "fail"


# First match wins: specific messages before the catch-all of the same code.
_RULES: tuple[_Rule, ...] = (
    _Rule(
        ("InvalidIdentityToken",),
        "no openidconnect provider found",
        LinkId.OIDC_PROVIDER,
        "no IAM OIDC provider for the token's issuer in the role's account",
    ),
    _Rule(
        ("InvalidIdentityToken",),
        "incorrect token audience",
        LinkId.OIDC_PROVIDER,
        "the token audience is not a client ID of the provider",
    ),
    _Rule(
        ("InvalidIdentityToken",),
        "couldn't retrieve verification key",
        LinkId.OIDC_PROVIDER,
        "STS could not get the issuer's signing key (discovery/JWKS)",
    ),
    _Rule(
        ("InvalidIdentityToken",),
        "thumbprint",
        LinkId.OIDC_PROVIDER,
        "the issuer's certificate does not match the provider's thumbprints",
    ),
    _Rule(("InvalidIdentityToken",), "expir", LinkId.TOKEN, "the token has expired"),
    _Rule(("InvalidIdentityToken",), "too old", LinkId.TOKEN, "the token is too old"),
    _Rule(("InvalidIdentityToken",), "issuer", LinkId.TOKEN, "STS does not accept the token's issuer"),
    _Rule(("InvalidIdentityToken",), None, LinkId.TOKEN, "STS rejected the token"),
    _Rule(("IDPRejectedClaim",), None, LinkId.TOKEN, "the identity provider rejected a claim of the token"),
    _Rule(
        ("IDPCommunicationError",),
        None,
        LinkId.OIDC_PROVIDER,
        "STS could not reach the identity provider (transient; retry)",
        "transient",
    ),
    _Rule(("ExpiredTokenException", "ExpiredToken"), None, LinkId.TOKEN, "the token has expired"),
    _Rule(
        ("AccessDenied", "AccessDeniedException"),
        "not authorized to perform sts:assumerolewithwebidentity",
        LinkId.TRUST_POLICY,
        "the trust policy does not allow this token, or the role does not exist",
    ),
    _Rule(
        ("AccessDenied", "AccessDeniedException"),
        None,
        LinkId.TRUST_POLICY,
        "access denied (trust policy, or an SCP/RCP)",
    ),
    _Rule(
        ("ValidationError",),
        "request arn is invalid",
        LinkId.SERVICE_ACCOUNT,
        "the role ARN (eks.amazonaws.com/role-arn) is malformed",
    ),
    _Rule(
        ("ValidationError",),
        "durationseconds",
        LinkId.STS,
        "the requested DurationSeconds exceeds the role's MaxSessionDuration",
    ),
    _Rule(("ValidationError",), "sessionname", LinkId.STS, "the role session name is invalid"),
    _Rule(("ValidationError",), None, LinkId.STS, "STS rejected a request parameter"),
    _Rule(
        ("RegionDisabledException",),
        None,
        LinkId.STS,
        "STS is not activated in this region for the role's account",
    ),
    _Rule(("PackedPolicyTooLarge",), None, LinkId.STS, "session policy and tags are too large"),
    _Rule(("MalformedPolicyDocument",), None, LinkId.STS, "the session policy is malformed"),
    _Rule(
        ("SignatureDoesNotMatch",),
        "scoped to a valid region",
        LinkId.STS,
        "the endpoint and the signing region do not match (regional vs global STS)",
    ),
    _Rule(
        ("Throttling", "ThrottlingException", "RequestLimitExceeded"),
        None,
        LinkId.STS,
        "STS throttled the call (transient; retry)",
        "transient",
    ),
    _Rule(
        ("InternalFailure", "InternalError", "ServiceUnavailable", "ServiceUnavailableException"),
        None,
        LinkId.STS,
        "STS had an internal error (transient; retry)",
        "transient",
    ),
)

_FALLBACK = _Rule((), None, LinkId.STS, "unrecognised STS error")


def _rule_for(code: str, message: str) -> _Rule:
    text = message.lower()
    for rule in _RULES:
        if code in rule.codes and (rule.needle is None or rule.needle in text):
            return rule
    return _FALLBACK


def implicated_link(code: str, message: str) -> tuple[LinkId, str]:
    """The link an STS error points at, and the cause in words (pure, table-driven)."""
    rule = _rule_for(code, message)
    return rule.link, rule.cause


def is_transient(code: str, message: str = "") -> bool:
    """Errors that say nothing about the chain (throttling, IdP unreachable): the link is ``error``."""
    return _rule_for(code, message).kind == "transient"


_CODE_FOR_LINK = {
    LinkId.OIDC_PROVIDER: "STS-201",
    LinkId.TRUST_POLICY: "STS-202",
    LinkId.TOKEN: "STS-203",
    LinkId.SERVICE_ACCOUNT: "STS-204",
    LinkId.INJECTION: "STS-204",
}


def _role_name(facts: Facts) -> str:
    if isinstance(facts.role, RoleFacts):
        return facts.role.name
    value, _ = _common.effective_role_arn(facts)
    if value:
        parsed = arn.parse_role_arn(value)
        if isinstance(parsed, arn.RoleArn):
            return parsed.name
    return "<role-name>"


def _args(facts: Facts, sts: StsFacts) -> dict[str, str]:
    pod = facts.pod if isinstance(facts.pod, PodFacts) else None
    owner = pod.owner if pod is not None else None
    sa = pod.sa_name if pod is not None else None
    if sa is None and isinstance(facts.service_account, ServiceAccountFacts):
        sa = facts.service_account.name
    cluster = facts.cluster if isinstance(facts.cluster, ClusterFacts) else None
    provider = facts.provider if isinstance(facts.provider, OidcProviderFacts) else None
    aud = DEFAULT_AUDIENCE
    if isinstance(facts.token, TokenFacts):
        claim = facts.token.claims.get("aud")
        if isinstance(claim, list) and claim:
            aud = str(claim[0])
        elif isinstance(claim, str) and claim:
            aud = claim
    return {
        "role": _role_name(facts),
        "endpoint": sts.endpoint,
        "namespace": facts.namespace,
        "pod": pod.name if pod is not None else facts.pod_name,
        "sa": sa or "<service-account>",
        "owner_kind": owner.kind.lower() if owner is not None else "deployment",
        "owner_name": owner.name if owner is not None else "<name>",
        "cluster": cluster.name if cluster is not None else "<cluster-name>",
        "region": cluster.region if cluster is not None else (facts.region or "<region>"),
        "provider_arn": (provider.arn or "<provider-arn>") if provider is not None else "<provider-arn>",
        "audience": aud,
    }


_ROLE_NOT_THERE = {
    "SA-206": "the role ARN is in another partition, where STS of this region cannot see it",
    "SA-207": "the annotated role does not exist",
}


def _fails(prior: Mapping[LinkId, LinkResult], link: LinkId) -> bool:
    return link in prior and prior[link].status is Status.FAIL


def _static_failures(prior: Mapping[LinkId, LinkResult]) -> list[LinkId]:
    return [link for link in _STATIC_LINKS if link in prior and prior[link].status is Status.FAIL]


def _success(facts: Facts, sts: StsFacts, prior: Mapping[LinkId, LinkResult]) -> LinkResult:
    args = _args(facts, sts)
    args["assumed_role_arn"] = sts.assumed_role_arn or "(not returned)"
    evidence = [
        Evidence(
            "assumed-role", "assumed role", f"a session of role {args['role']}", sts.assumed_role_arn, True
        ),
        Evidence("sts-endpoint", "STS endpoint", None, sts.endpoint, None),
    ]
    if sts.subject is not None:
        evidence.append(Evidence("sts-subject", "SubjectFromWebIdentityToken", None, sts.subject, None))
    if sts.audience is not None:
        evidence.append(Evidence("sts-audience", "Audience", None, sts.audience, None))
    if sts.provider is not None:
        evidence.append(Evidence("sts-provider", "Provider", None, sts.provider, None))
    if sts.expiration is not None:
        # The session's lifetime is DurationSeconds (SDK default 1 h) capped by MaxSessionDuration,
        # whatever the token's lifetime: show both so "24 h token = 24 h credentials" is not assumed.
        expires = sts.expiration if sts.expiration.tzinfo else sts.expiration.replace(tzinfo=UTC)
        now = facts.now if facts.now.tzinfo else facts.now.replace(tzinfo=UTC)
        left = int((expires - now).total_seconds())
        cap = facts.role.max_session_duration if isinstance(facts.role, RoleFacts) else None
        shown = f"expire {sts.expiration.isoformat()} (in {left // 60} min)"
        evidence.append(
            Evidence(
                "sts-session-expiry",
                "session credentials",
                f"<= MaxSessionDuration {cap} s" if cap else None,
                shown,
                None if cap is None else left <= cap + 60,
            )
        )
    findings = [Finding("STS-001", args)]
    disagree = [
        link
        for link in (LinkId.OIDC_PROVIDER, LinkId.TRUST_POLICY)
        if link in prior and prior[link].status is Status.FAIL
    ]
    if disagree:
        findings.append(Finding("STS-101", {"links": " and ".join(str(link) for link in disagree)}))
    details: dict[str, Any] = {
        "ok": True,
        "endpoint": sts.endpoint,
        "assumed_role_arn": sts.assumed_role_arn,
        "agrees_with_static": not disagree,
        "expiration": sts.expiration.isoformat() if sts.expiration else None,
    }
    return _common.from_findings(LINK, findings, evidence, details)


def _failure(facts: Facts, sts: StsFacts, prior: Mapping[LinkId, LinkResult]) -> LinkResult:
    code = sts.error_code or "UnknownError"
    message = (sts.error_message or "").strip() or "(no message)"
    rule = _rule_for(code, message)
    evidence = [
        Evidence(
            "sts-result",
            f"AssumeRoleWithWebIdentity at {sts.endpoint}",
            "credentials",
            f"{code}: {message}",
            False,
        )
    ]
    if sts.http_status is not None:
        evidence.append(Evidence("sts-http-status", "HTTP status", None, str(sts.http_status), None))
    if rule.kind == "transient":
        error = SourceError(
            "sts", "throttled" if "throttl" in rule.cause else "other", f"{code}: {message}", code=code
        )
        result = _common.errored(LINK, error, evidence)
        return LinkResult(
            id=result.id,
            status=result.status,
            summary=f"STS could not answer: {code}: {message} ({rule.cause})",
            evidence=result.evidence,
            explanation="A transient STS or identity-provider fault says nothing about the chain; run again.",
            details={**result.details, "implicates": rule.link.value, "error_code": code},
        )
    args = _args(facts, sts)
    args.update(error_code=code, error_message=message, cause=rule.cause)
    sa_prior = prior.get(LinkId.SERVICE_ACCOUNT)
    role_not_there = sorted(
        f.code for f in (sa_prior.findings if sa_prior is not None else ()) if f.code in _ROLE_NOT_THERE
    )
    if code == "RegionDisabledException":
        finding_code = "STS-205"
    elif rule.link is LinkId.TRUST_POLICY and role_not_there and not _fails(prior, LinkId.TRUST_POLICY):
        # "Not authorized" is also STS's answer for a role it cannot find: the service-account link
        # already showed why (missing role, ARN from another partition), so point there, not at trust.
        rule = replace(rule, link=LinkId.SERVICE_ACCOUNT, cause=_ROLE_NOT_THERE[role_not_there[0]])
        finding_code = "STS-207"
        args.update(cause=rule.cause, sa_fix=(sa_prior.fix if sa_prior is not None else None) or "")
    else:
        finding_code = _CODE_FOR_LINK.get(rule.link, "STS-206")
    findings = [Finding(finding_code, args)]
    failed = _static_failures(prior)
    implicated_prior = prior.get(rule.link)
    if implicated_prior is not None:
        agrees = implicated_prior.status is Status.FAIL
    else:
        agrees = bool(failed)
    predicted_ok = not failed and all(
        prior[link].status in (Status.PASS, Status.WARN)
        for link in (LinkId.OIDC_PROVIDER, LinkId.TRUST_POLICY)
        if link in prior
    )
    if prior and predicted_ok:
        findings.append(Finding("STS-102", {}))
    details: dict[str, Any] = {
        "ok": False,
        "endpoint": sts.endpoint,
        "implicates": rule.link.value,
        "cause": rule.cause,
        "error_code": code,
        "agrees_with_static": agrees,
        "static_failures": [link.value for link in failed],
    }
    return _common.from_findings(LINK, findings, evidence, details)


def check(facts: Facts, prior: Mapping[LinkId, LinkResult]) -> LinkResult:
    sts = facts.sts
    if sts is None:
        if not facts.live:
            return _common.skipped(LINK, facts.gaps.get("sts", "live probes off (--no-live)"))
        reason = facts.gaps.get("sts") or facts.gaps.get("token") or facts.gaps.get("role")
        if reason is None:
            if not isinstance(facts.token, TokenFacts):
                reason = "no token to present to STS"
            else:
                reason = "STS not called"
        return _common.skipped(LINK, reason)
    if isinstance(sts, SourceError):
        return _common.errored(LINK, sts)
    if sts.ok:
        return _success(facts, sts, prior)
    return _failure(facts, sts, prior)


SPEC = LinkSpec(
    id=LINK,
    title="STS AssumeRoleWithWebIdentity",
    short="STS",
    needs=NEEDS,
    check=check,
    learn=(
        "The AWS SDK in the pod trades the token for temporary credentials with STS."
    ),
    learn_what="sts:AssumeRoleWithWebIdentity",
)
