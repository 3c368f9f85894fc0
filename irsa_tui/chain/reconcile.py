"""Live over static: one pure pass over the judged links, applied after every check has run.

Rules (README "Live answers overrule static guesses"):

1. A live refusal that names an earlier link (``sts`` details ``implicates``) makes that link
   ``fail`` when the static check judged it pass, warn or error, with the live evidence and why
   the two differ; ``first_failure`` then names it. A static ``fail`` is never changed.
2. A live success settles a static ``error`` (and SA-101's "could not confirm") of the links the
   success proves: service-account (the role exists), oidc-provider (the role's account trusts the
   issuer), trust-policy (the policy allows this token). They become ``pass`` with the live evidence
   and a note of what could not be read. A static ``fail`` stays (the sts link says they disagree).
3. Live successes prove the role, not the pod: when the pod's app container does not use the
   role (chain/credentials.py), a passing ``sts`` or ``s3`` becomes ``warn``: "the role works; this
   pod does not use it".
4. The audience the token, the provider's client IDs and the trust policy's :aud must share: when
   the provider and the trust policy agree and the token differs, injection fails (INJ-214).
5. What the app and AWS saw (chain/evidence.py): ``check --logs`` error lines and ``check
   --cloudtrail`` events become evidence on the link they implicate; a log showing the node role, an IAM
   user's keys or no credentials while injection passes fails injection (INJ-221); CloudTrail refusing
   the pod's latest call while sts passes (or made no call) makes sts warn (STS-104).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from irsa_tui.chain import arn, evidence
from irsa_tui.chain.audience import audience_sides, odd_side
from irsa_tui.chain.credentials import container_credentials, primary_container
from irsa_tui.chain.facts import Facts, PodFacts, StsFacts, TokenFacts
from irsa_tui.chain.links import _common
from irsa_tui.chain.links.service_account import restart_command
from irsa_tui.chain.model import Evidence, Finding, LinkId, LinkResult, Status

__all__ = ["LIVE_FAIL_CODES", "reconcile"]

LIVE_FAIL_CODES = {
    LinkId.SERVICE_ACCOUNT: "SA-208",
    LinkId.INJECTION: "INJ-213",
    LinkId.TOKEN: "TOK-206",
    LinkId.OIDC_PROVIDER: "OIDC-211",
    LinkId.TRUST_POLICY: "TRUST-203",
}
_SETTLE_CODES = {
    LinkId.SERVICE_ACCOUNT: "SA-002",
    LinkId.OIDC_PROVIDER: "OIDC-003",
    LinkId.TRUST_POLICY: "TRUST-002",
}
# Why a static check and STS can disagree, by what STS said (lower-case needle in its message).
_DIFFER: tuple[tuple[str, str], ...] = (
    (
        "thumbprint",
        "since 2023 IAM verifies an issuer's certificate against its own trusted CAs and ignores thumbprints, so "
        "the static check only warns about them; for this issuer STS used the thumbprint list, so the issuer's "
        "certificate does not chain to a CA IAM trusts and its top CA must be in the list",
    ),
    (
        "no openidconnect provider",
        "STS looks for a provider whose URL equals the token's iss, character for character, in the role's own "
        "account; the static check read another account's providers, could not read them, or saw one IAM has not "
        "made visible to STS yet (IAM is eventually consistent)",
    ),
    (
        "incorrect token audience",
        "STS compares the token's aud with the client IDs of the provider it found for the token's issuer in "
        "the role's account",
    ),
    (
        "not authorized",
        "STS evaluates the trust policy it holds for the role against this token, including conditions and "
        "policies (SCPs, RCPs) irsa-tui cannot read or does not model",
    ),
    ("expir", "STS checks exp against its own clock, allowing 5 minutes of skew"),
    ("request arn is invalid", "STS parses the ARN the pod sends (AWS_ROLE_ARN), as the webhook copied it"),
)


def _by_id(links: Sequence[LinkResult]) -> dict[LinkId, LinkResult]:
    return {link.id: link for link in links}


def _role_name(facts: Facts) -> str:
    value, _ = _common.effective_role_arn(facts)
    parsed = arn.parse_role_arn(value) if value else None
    return parsed.name if isinstance(parsed, arn.RoleArn) else (value or "the role")


def _restated(result: LinkResult, findings: Sequence[Finding], evidence: Sequence[Evidence],
              details: dict[str, Any]) -> LinkResult:
    return _common.from_findings(result.id, findings, evidence, {**result.details, **details})


def _live_evidence(sts: StsFacts) -> Evidence:
    where = sts.pod_endpoint or sts.endpoint
    if sts.ok:
        return Evidence("live-sts", f"live AssumeRoleWithWebIdentity at {where}", "credentials",
                        f"credentials for {sts.assumed_role_arn or 'the role'}", True)
    return Evidence("live-sts", f"live AssumeRoleWithWebIdentity at {where}", "credentials",
                    f"{sts.error_code}: {sts.error_message}", False)


def _overrule(facts: Facts, sts: StsFacts, by: dict[LinkId, LinkResult]) -> None:
    sts_link = by.get(LinkId.STS)
    if sts_link is None or sts_link.status is not Status.FAIL:
        return
    implicated = sts_link.details.get("implicates")
    if implicated not in LIVE_FAIL_CODES:
        return
    link = LinkId(implicated)
    message = (sts.error_message or "").lower()
    odd = odd_side(audience_sides(facts))
    if "incorrect token audience" in message and odd is not None and odd[0] == "token":
        link = LinkId.INJECTION
    target = by.get(link)
    if target is None or target.status in (Status.FAIL, Status.SKIP):
        return  # agrees already (or moot)
    differ = next((why for needle, why in _DIFFER if needle in message), "STS decides from what it holds")
    if target.status is Status.ERROR:
        differ = f"the static check could not find out ({target.summary}); {differ}"
    aud = next(iter(audience_sides(facts).token), "(unknown)")
    args = {
        "error_code": sts.error_code or "UnknownError",
        "error_message": sts.error_message or "(no message)",
        "endpoint": (sts.pod_endpoint or sts.endpoint).split(" (", 1)[0],
        "static_status": target.status.value,  # its own finding stays listed below the live one
        "differ": differ,
        "audience": aud,
        "fix": target.fix or sts_link.fix or f"# see the {link} link's evidence and the sts link",
    }
    finding = Finding(LIVE_FAIL_CODES[link], args)
    details = {"live_overrules": {"source": "sts", "static_status": target.status.value,
                                  "static_summary": target.summary, "error_code": args["error_code"]}}
    by[link] = _restated(target, (finding, *target.findings), (*target.evidence, _live_evidence(sts)), details)


def _settle(facts: Facts, sts: StsFacts, by: dict[LinkId, LinkResult]) -> None:
    iss = facts.token.claims.get("iss") if isinstance(facts.token, TokenFacts) else None
    for link, code in _SETTLE_CODES.items():
        target = by.get(link)
        if target is None or target.summary.startswith("internal error while judging"):
            continue  # a bug in a check is never settled into a pass
        caller_side_warn = target.status is Status.WARN and all(
            f.code == "SA-101" for f in target.findings if f.status is Status.WARN
        )
        if link is LinkId.SERVICE_ACCOUNT:
            # STS proves the role exists, not that the ServiceAccount (unreadable here) still names it.
            role_unread = target.status is Status.ERROR and target.details.get("source") == "iam"
            if not (caller_side_warn or role_unread):
                continue
        elif target.status is not Status.ERROR:
            continue
        permission = target.details.get("permission")
        # The missing permission first: summaries are cut at 400 characters.
        unread = f"caller lacks {permission}; {target.summary}" if permission else target.summary
        args = {"role": _role_name(facts), "issuer": str(iss or "the token's issuer"), "unread": unread}
        kept = [f for f in target.findings if f.status is Status.PASS]
        details = {"settled_by": "sts", "static_status": target.status.value, "unread": unread}
        by[link] = _restated(target, (Finding(code, args), *kept), (*target.evidence, _live_evidence(sts)), details)


def _pod_uses(facts: Facts, by: dict[LinkId, LinkResult]) -> None:
    pod = facts.pod
    injection = by.get(LinkId.INJECTION)
    if not isinstance(pod, PodFacts) or injection is None:
        return
    container = primary_container(pod)
    if container is None:
        return
    creds = container_credentials(container, pod)
    what = creds.what()
    by[LinkId.INJECTION] = replace(
        injection, details={**injection.details, "pod_uses": what, "pod_uses_role": creds.uses_role}
    )
    if creds.uses_role is not False:
        return
    for link, code in ((LinkId.STS, "STS-103"), (LinkId.S3, "S3-103")):
        target = by.get(link)
        if target is None or target.status is not Status.PASS:
            continue
        finding = Finding(code, {"what": what})
        by[link] = _restated(target, (finding, *target.findings), target.evidence, {"pod_uses_role": False})


def _audience(facts: Facts, by: dict[LinkId, LinkResult]) -> None:
    injection = by.get(LinkId.INJECTION)
    if injection is None or injection.status in (Status.FAIL, Status.SKIP, Status.ERROR):
        return
    odd = odd_side(audience_sides(facts))
    if odd is None or odd[0] != "token":
        return
    pod = facts.pod if isinstance(facts.pod, PodFacts) else None
    args = {
        "audience": ", ".join(audience_sides(facts).token),
        "expected": odd[1],
        "namespace": facts.namespace,
        "sa": pod.sa_name if pod is not None else "<serviceaccount>",
        "restart": restart_command(facts),
    }
    evidence = Evidence("audience-shared", "audience the provider's client IDs and the trust policy share",
                        odd[1], args["audience"], False)
    by[LinkId.INJECTION] = _restated(injection, (Finding("INJ-214", args), *injection.findings),
                                     (*injection.evidence, evidence), {})


def reconcile(facts: Facts, links: Sequence[LinkResult]) -> tuple[LinkResult, ...]:
    """The links after the live-over-static rules (pure; returns the same order)."""
    by = _by_id(links)
    _audience(facts, by)
    if isinstance(facts.sts, StsFacts):
        if facts.sts.ok:
            _settle(facts, facts.sts, by)
        else:
            _overrule(facts, facts.sts, by)
    _pod_uses(facts, by)
    evidence.apply(facts, by)
    return tuple(by[link.id] for link in links)
