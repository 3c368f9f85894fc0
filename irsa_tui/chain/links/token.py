"""Link ``token``: the projected ServiceAccount token carries the claims STS will check.

The token comes from a TokenRequest made the way the kubelet makes it (or, when that is
forbidden, from a prediction). Only the decoded header and claims are judged and shown;
the raw token and its signature never leave ``TokenFacts.raw``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from irsa_tui.chain.audience import audience_sides, odd_side
from irsa_tui.chain.facts import (
    AUDIENCE_ANNOTATION,
    DEFAULT_AUDIENCE,
    TOKEN_EXPIRATION_ANNOTATION,
    TOKEN_VOLUME,
    ClusterFacts,
    Facts,
    OidcProviderFacts,
    PodFacts,
    ServiceAccountFacts,
    SourceError,
)
from irsa_tui.chain.links import _common
from irsa_tui.chain.links.service_account import restart_command
from irsa_tui.chain.model import Evidence, Finding, LinkId, LinkResult, Status
from irsa_tui.chain.spec import LinkSpec

__all__ = ["LINK", "NEEDS", "SPEC", "check", "expected_audience"]

LINK = LinkId.TOKEN
NEEDS: tuple[str, ...] = ("token", "token_request_error", "pod", "service_account", "cluster", "provider")

MAX_SKEW_S = 300
MIN_EXPIRATION = 600
DAY_S = 86400
HOUR_S = 3600


def expected_audience(facts: Facts) -> tuple[str, str]:
    """The audience the pod's token should carry, and where that expectation comes from."""
    if isinstance(facts.pod, PodFacts):
        for volume in facts.pod.volumes:
            if volume.name == TOKEN_VOLUME and volume.token is not None and volume.token.audience:
                return volume.token.audience, f"audience of volume {TOKEN_VOLUME}"
    if isinstance(facts.service_account, ServiceAccountFacts):
        value = facts.service_account.annotations.get(AUDIENCE_ANNOTATION)
        if value:
            return value, f"annotation {AUDIENCE_ANNOTATION}"
    return DEFAULT_AUDIENCE, "IRSA default"


def _audiences(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [str(v) for v in value]
    return []


def _number(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return int(value)


def _duration(seconds: int) -> str:
    seconds = abs(seconds)
    if seconds < 120:
        return f"{seconds} s"
    if seconds < 2 * HOUR_S:
        return f"{seconds // 60} min"
    if seconds < 2 * DAY_S:
        return f"{seconds // HOUR_S} h {seconds % HOUR_S // 60} min"
    return f"{seconds // DAY_S} days"


def check(facts: Facts, prior: Mapping[LinkId, LinkResult]) -> LinkResult:
    token = facts.token
    if token is None:
        return _common.skipped(LINK, facts.gaps.get("token", "no token was requested"))
    if isinstance(token, SourceError):
        return _common.errored(LINK, token)
    pod = facts.pod if isinstance(facts.pod, PodFacts) else None
    sa = facts.service_account if isinstance(facts.service_account, ServiceAccountFacts) else None
    namespace = pod.namespace if pod else facts.namespace
    sa_name = pod.sa_name if pod else (sa.name if sa else None)
    claims = token.claims
    base = {
        "namespace": namespace,
        "pod": pod.name if pod else facts.pod_name,
        "sa": sa_name or "<serviceaccount>",
        "restart": restart_command(facts),
    }
    findings: list[Finding] = []
    evidence: list[Evidence] = []

    sub = str(claims.get("sub", ""))
    if sa_name is not None:
        expected_sub = f"system:serviceaccount:{namespace}:{sa_name}"
        ok = sub == expected_sub
        evidence.append(Evidence("token-sub", "token sub", expected_sub, sub or None, ok))
        if not ok:
            findings.append(Finding("TOK-201", {**base, "actual": sub or "(none)", "expected": expected_sub}))
    else:
        evidence.append(Evidence("token-sub", "token sub", None, sub or None, None))

    audience, source = expected_audience(facts)
    auds = _audiences(claims.get("aud"))
    ok = audience in auds
    evidence.append(Evidence("token-aud", f"token aud ({source})", audience, ", ".join(auds) or None, ok))
    if not ok:
        args = {**base, "actual": ", ".join(auds) or "(none)", "expected": audience, "source": source}
        findings.append(Finding("TOK-202", args))

    provider = facts.provider if isinstance(facts.provider, OidcProviderFacts) else None
    if ok and audience != DEFAULT_AUDIENCE and provider is not None and provider.arn and provider.client_ids:
        accepted = audience in provider.client_ids
        evidence.append(
            Evidence(
                "provider-accepts-aud",
                "OIDC provider client IDs",
                audience,
                ", ".join(provider.client_ids),
                accepted,
            )
        )
        odd = odd_side(audience_sides(facts))
        if not accepted and (odd is None or odd[0] != "provider"):  # else the provider is the side that differs
            args = {**base, "actual": audience, "source": source, "provider": provider.arn}
            findings.append(Finding("TOK-205", args))

    iss = str(claims.get("iss", ""))
    cluster = facts.cluster if isinstance(facts.cluster, ClusterFacts) else None
    if cluster is not None and cluster.issuer:
        ok = iss.rstrip("/") == cluster.issuer.rstrip("/")
        evidence.append(
            Evidence("token-iss", "token iss (EKS cluster issuer)" if cluster.source == "eks" else
                     "token iss (the API server's discovery document)", cluster.issuer, iss or None, ok)
        )
        if not ok:
            args = {**base, "actual": iss or "(none)", "expected": cluster.issuer}
            findings.append(Finding("TOK-203", {**args, "cluster": cluster.name, "region": cluster.region}))
    else:
        evidence.append(Evidence("token-iss", "token iss (cluster issuer unknown)", None, iss or None, None))

    now_s = int(facts.now.timestamp())
    exp = _number(claims.get("exp"))
    expires_in: int | None = None
    if exp is not None:
        expires_in = exp - now_s
        ok = expires_in > 0
        shown = f"in {_duration(expires_in)}" if ok else f"{_duration(expires_in)} ago"
        # a time, not an epoch number (issue 17 #9); UTC so reports read the same anywhere
        try:
            when = datetime.fromtimestamp(exp, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
        except (OverflowError, ValueError, OSError):  # an absurd claim is shown as it is
            when = str(exp)
        evidence.append(Evidence("token-exp", "token exp", "in the future", f"{when} ({shown})", ok))
        if not ok:
            findings.append(Finding("TOK-204", {**base, "ago": _duration(expires_in), "exp": str(exp)}))
    else:
        evidence.append(Evidence("token-exp", "token exp", "in the future", "(no exp claim)", None))

    iat = _number(claims.get("iat"))
    if iat is not None and token.origin == "token-request":
        skew = iat - int(token.fetched_at.timestamp())
        ok = abs(skew) <= MAX_SKEW_S
        evidence.append(
            Evidence(
                "token-iat", "token iat vs this machine's clock", f"within {MAX_SKEW_S} s", f"{skew:+d} s", ok
            )
        )
        if not ok:
            direction = "ahead of" if skew > 0 else "behind"
            findings.append(Finding("TOK-101", {**base, "seconds": str(abs(skew)), "direction": direction}))

    findings += _lifetime(pod, sa, base, evidence)
    if not any(f.status is Status.FAIL for f in findings):
        minutes = str(max(expires_in, 0) // 60) if expires_in is not None else "?"
        args = {**base, "sub": sub, "aud": ", ".join(auds), "iss": iss, "minutes": minutes}
        findings.insert(0, Finding("TOK-001", args))

    details: dict[str, Any] = {
        "origin": token.origin,
        "header": dict(token.header),
        "claims": dict(claims),
        "signature": token.signature_redacted,
        "expires_in_s": expires_in,
    }
    result = _common.from_findings(LINK, findings, evidence, details)
    if token.origin == "predicted":
        return _predicted(facts, result, namespace)
    return result


def _predicted(facts: Facts, result: LinkResult, namespace: str) -> LinkResult:
    """TokenRequest was refused: the judgement above is of predicted claims, so the link is ``error``."""
    error = facts.token_request_error
    if error is None and not facts.live:
        reason = facts.gaps.get(
            "token", "live probes off: claims predicted, no TokenRequest made"
        )
        return replace(
            result,
            status=Status.SKIP,
            summary=reason,
            fix=None,
            details={**result.details, "predicted": True},
        )
    sa_gone = isinstance(facts.service_account, SourceError) and facts.service_account.kind == "not-found"
    if error is not None and error.kind == "not-found" and sa_gone:
        sa = facts.pod.sa_name if isinstance(facts.pod, PodFacts) else "?"
        return replace(
            result,
            status=Status.SKIP,
            summary=(
                f"no token can be minted: ServiceAccount {namespace}/{sa} does not exist (see service-account); "
                "the pod's current token is no longer renewed"
            ),
            findings=tuple(f for f in result.findings if f.status is not Status.PASS),
            explanation=(
                "Projected tokens are minted for an existing ServiceAccount. Once it is deleted the kubelet "
                "cannot renew the pod's token. STS checks only the token's signature and claims, so the "
                "current token keeps working until it expires (at most 24 h after its last renewal); then "
                "every AWS call of the pod fails. Recreating the ServiceAccount and the pod fixes both."
            ),
            fix=None,
            details={**result.details, "predicted": True},
        )
    permission = (error.permission if error else None) or "create serviceaccounts/token"
    if error is not None and error.kind != "forbidden":
        summary = f"could not request a token ({error.one_line()}); claims shown are predicted"
    else:
        summary = (
            f"could not request a token: caller lacks {permission} in {namespace}; claims shown are predicted"
        )
    return replace(
        result,
        status=Status.ERROR,
        summary=summary,
        # A pass code would claim the token was checked; keep only what the predicted claims reveal.
        findings=tuple(f for f in result.findings if f.status is not Status.PASS),
        explanation=(
            f"irsa-tui asks the API server for a token exactly like the kubelet's (TokenRequest), which needs "
            f"'{permission}' on the pod's ServiceAccount. Without it the claims are predicted from the pod and "
            "ServiceAccount, so later links can still be judged, but the live STS call is not possible."
        ),
        fix=f"kubectl auth can-i create serviceaccounts/token -n {namespace}  # ask an admin for this right"
        if error is None or error.kind == "forbidden"
        else None,
        details={**result.details, "predicted": True},
    )


def _lifetime(
    pod: PodFacts | None, sa: ServiceAccountFacts | None, base: dict[str, str], evidence: list[Evidence]
) -> list[Finding]:
    """The token-expiration annotation (pod beats ServiceAccount) and the volume's expirationSeconds."""
    findings: list[Finding] = []
    sources: list[tuple[str, str, Mapping[str, str]]] = []
    if pod is not None:
        sources.append(("pod", pod.name, pod.annotations))
    if sa is not None:
        sources.append(("serviceaccount", sa.name, sa.annotations))
    for kind, name, notes in sources:
        value = notes.get(TOKEN_EXPIRATION_ANNOTATION)
        if value is None:
            continue
        args = {**base, "owner": f"{kind} {name}", "kind": kind, "name": name, "value": repr(value)}
        try:
            seconds = int(value.strip())
        except ValueError:
            findings.append(Finding("TOK-103", args))
            continue  # ignored by the webhook: the next source applies
        if seconds < MIN_EXPIRATION:
            findings.append(Finding("TOK-102", args))
        break  # the pod's valid annotation wins over the ServiceAccount's
    volume = next((v for v in pod.volumes if v.name == TOKEN_VOLUME), None) if pod else None
    lifetime = volume.token.expiration_seconds if volume and volume.token else None
    if lifetime is not None:
        seconds = lifetime
        note = None
        if seconds > DAY_S:
            note = "longer than 24 h, but the kubelet refreshes it after 24 h anyway"
        elif seconds < HOUR_S:
            note = "shorter than 1 h, so the kubelet refreshes it often (at 80 % of its lifetime)"
        evidence.append(
            Evidence(
                "token-lifetime",
                f"expirationSeconds of volume {TOKEN_VOLUME}",
                ">= 600",
                str(seconds),
                seconds >= 600,
            )
        )
        if note:
            findings.append(Finding("TOK-002", {**base, "seconds": str(seconds), "note": note}))
    return findings


SPEC = LinkSpec(
    id=LINK,
    title="Projected token",
    short="token",
    needs=NEEDS,
    check=check,
    learn=(
        "The kubelet mounts a short-lived token signed by the cluster's OIDC issuer, for audience sts.amazonaws.com."
    ),
    learn_what="projected service account token",
)


# --- EKS Pod Identity variant ----------------------------------------------------------------------
POD_IDENTITY_NEEDS: tuple[str, ...] = ("pod", "pod_identity_token")
POD_IDENTITY_AUDIENCE = "pods.eks.amazonaws.com"
POD_IDENTITY_VOLUME = "eks-pod-identity-token"


def _claims_audiences(claims: Mapping[str, Any]) -> list[str]:
    aud = claims.get("aud")
    return [aud] if isinstance(aud, str) else [a for a in aud if isinstance(a, str)] if isinstance(aud, list) else []


def check_pod_identity(facts: Facts, prior: Mapping[LinkId, LinkResult]) -> LinkResult:
    """Pod Identity: the eks-pod-identity-token volume asks for audience pods.eks.amazonaws.com, and a token
    minted for it (TokenRequest, or the predicted claims with --no-live) is valid now."""
    pod = _common.pod_or_result(LINK, facts)
    if isinstance(pod, LinkResult):
        return pod
    base = {"sa": f"{pod.namespace}/{pod.sa_name}", "restart": restart_command(facts)}
    volume = next((v for v in pod.volumes if v.name == POD_IDENTITY_VOLUME and v.token is not None), None)
    evidence: list[Evidence] = []
    if volume is not None and volume.token is not None:  # always, past the skip below; narrows the type
        audience = volume.token.audience or "(the API server's default)"
        ok = volume.token.audience == POD_IDENTITY_AUDIENCE
        evidence.append(Evidence("pi-volume-audience", f"audience of volume {POD_IDENTITY_VOLUME}",
                                 POD_IDENTITY_AUDIENCE, audience, ok))
        if not ok:
            return _common.from_findings(LINK, [Finding("TOK-207", {**base, "audience": audience})], evidence)
    if volume is None:
        return _common.skipped(LINK, f"the pod has no {POD_IDENTITY_VOLUME} volume (see injection)")
    token = facts.pod_identity_token
    if token is None:
        return _common.skipped(LINK, facts.gaps.get("pod_identity_token") or "no token requested", evidence)
    if isinstance(token, SourceError):
        return _common.errored(LINK, token, evidence)
    claims = token.claims
    audiences = _claims_audiences(claims)
    evidence.append(Evidence("pi-token-audience", "token aud", POD_IDENTITY_AUDIENCE, ", ".join(audiences) or "(none)",
                             POD_IDENTITY_AUDIENCE in audiences))
    if POD_IDENTITY_AUDIENCE not in audiences:
        return _common.from_findings(LINK, [Finding("TOK-207", {**base, "audience": ", ".join(audiences) or "(none)"})],
                                     evidence)
    now = int(facts.now.timestamp())
    exp = claims.get("exp")
    nbf = claims.get("nbf")
    problem = None
    if isinstance(exp, int) and exp <= now:
        problem = f"expired {now - exp}s ago"
    elif isinstance(nbf, int) and nbf > now + MAX_SKEW_S:
        problem = f"not valid before {datetime.fromtimestamp(nbf, UTC):%Y-%m-%d %H:%M:%SZ}"
    if problem:
        evidence.append(Evidence("pi-token-valid", "token valid now", "yes", problem, False))
        return _common.from_findings(LINK, [Finding("TOK-208", {**base, "problem": problem})], evidence)
    expiry = f"expires in {(exp - now) // 60} min" if isinstance(exp, int) else "no exp claim"
    if token.origin == "predicted":
        expiry += " (predicted: no TokenRequest made)"
    return _common.from_findings(LINK, [Finding("TOK-003", {**base, "expiry": expiry})], evidence,
                                 {"claims": {k: v for k, v in claims.items() if k in ("aud", "sub", "iss", "exp", "iat")}})


POD_IDENTITY_SPEC = LinkSpec(
    id=LINK,
    title="Projected token",
    short="token",
    needs=POD_IDENTITY_NEEDS,
    check=check_pod_identity,
    learn="The kubelet mounts a ServiceAccount token for audience pods.eks.amazonaws.com; the agent presents it.",
    learn_what="projected service account token",
)
