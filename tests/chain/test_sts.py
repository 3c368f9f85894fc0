"""Link sts: the live AssumeRoleWithWebIdentity result, and which link its error points at."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pytest

from irsa_tui.chain.facts import Facts, RoleFacts, SourceError, StsFacts
from irsa_tui.chain.links import sts
from irsa_tui.chain.model import LinkId, LinkResult, Status
from tests.chain.builders import ACCOUNT, ISSUER, NS, POD, REGION, SA, healthy_facts

ENDPOINT = f"https://sts.{REGION}.amazonaws.com"
NO_PROVIDER = f"No OpenIDConnect provider found in your account for {ISSUER}"
NO_KEY = (
    "Couldn't retrieve verification key from your identity provider,  please reference "
    "AssumeRoleWithWebIdentity documentation for requirements"
)


def refused(code: str, message: str, http: int = 400) -> StsFacts:
    return StsFacts(endpoint=ENDPOINT, ok=False, error_code=code, error_message=message, http_status=http)


def _passing(*links: LinkId) -> dict[LinkId, LinkResult]:
    return {link: LinkResult(id=link, status=Status.PASS, summary="ok") for link in links}


STATIC = (LinkId.SERVICE_ACCOUNT, LinkId.INJECTION, LinkId.TOKEN, LinkId.OIDC_PROVIDER, LinkId.TRUST_POLICY)


@pytest.mark.parametrize(
    ("code", "message", "link", "cause_word"),
    [
        pytest.param("InvalidIdentityToken", NO_PROVIDER, LinkId.OIDC_PROVIDER, "provider", id="no-provider"),
        pytest.param(
            "InvalidIdentityToken", "Incorrect token audience", LinkId.OIDC_PROVIDER, "audience", id="aud"
        ),
        pytest.param("InvalidIdentityToken", NO_KEY, LinkId.OIDC_PROVIDER, "signing key", id="jwks"),
        pytest.param(
            "InvalidIdentityToken",
            "OpenIDConnect provider's HTTPS certificate doesn't match configured thumbprint",
            LinkId.OIDC_PROVIDER,
            "thumbprint",
            id="thumbprint",
        ),
        pytest.param("InvalidIdentityToken", "Token too old: 90000", LinkId.TOKEN, "old", id="too-old"),
        pytest.param(
            "InvalidIdentityToken", "Issuer must be a valid URL", LinkId.TOKEN, "issuer", id="issuer"
        ),
        pytest.param("IDPRejectedClaim", "Claim rejected", LinkId.TOKEN, "claim", id="rejected-claim"),
        pytest.param(
            "ExpiredTokenException",
            "Token expired: current date/time 1624482533 must be before the expiration date/time1624482335",
            LinkId.TOKEN,
            "expired",
            id="expired",
        ),
        pytest.param(
            "AccessDenied",
            "Not authorized to perform sts:AssumeRoleWithWebIdentity",
            LinkId.TRUST_POLICY,
            "trust policy",
            id="trust",
        ),
        pytest.param(
            "ValidationError", "Request ARN is invalid", LinkId.SERVICE_ACCOUNT, "malformed", id="bad-arn"
        ),
        pytest.param(
            "ValidationError",
            "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
            LinkId.STS,
            "MaxSessionDuration",
            id="duration",
        ),
        pytest.param("RegionDisabledException", "STS is not activated", LinkId.STS, "activated", id="region"),
        pytest.param("PackedPolicyTooLarge", "too large", LinkId.STS, "too large", id="packed"),
        pytest.param("MalformedPolicyDocument", "bad", LinkId.STS, "malformed", id="malformed"),
        pytest.param("Throttling", "Rate exceeded", LinkId.STS, "throttled", id="throttling"),
        pytest.param("SomethingNew", "???", LinkId.STS, "unrecognised", id="unknown"),
    ],
)
def test_implicated_link(code: str, message: str, link: LinkId, cause_word: str) -> None:
    got_link, cause = sts.implicated_link(code, message)
    assert got_link is link
    assert cause_word.lower() in cause.lower()


@pytest.mark.parametrize(
    ("code", "transient"),
    [
        ("IDPCommunicationError", True),
        ("Throttling", False),
        ("ThrottlingException", False),
        ("RequestLimitExceeded", False),
        ("AccessDenied", False),
        ("InvalidIdentityToken", False),
    ],
)
def test_is_transient(code: str, transient: bool) -> None:
    assert sts.is_transient(code) is transient


def test_healthy_facts_pass() -> None:
    result = sts.check(healthy_facts(), _passing(*STATIC))
    assert result.status is Status.PASS
    assert [f.code for f in result.findings] == ["STS-001"]
    assert "payments-api" in result.summary and ENDPOINT in result.summary
    assert f"arn:aws:sts::{ACCOUNT}:assumed-role/payments-api/" in result.summary
    assert result.details["agrees_with_static"] is True


@pytest.mark.parametrize(
    ("minutes", "cap", "ok"),
    [
        pytest.param(60, 3600, True, id="one-hour-session-within-cap"),
        pytest.param(12 * 60, 3600, False, id="longer-than-cap-is-flagged"),
    ],
)
def test_session_expiry_is_shown_against_max_session_duration(minutes: int, cap: int, ok: bool) -> None:
    from dataclasses import replace
    from datetime import timedelta

    facts = healthy_facts()
    assert isinstance(facts.sts, StsFacts) and isinstance(facts.role, RoleFacts)
    facts.sts = replace(facts.sts, expiration=facts.now + timedelta(minutes=minutes))
    facts.role = replace(facts.role, max_session_duration=cap)
    row = {e.key: e for e in sts.check(facts, _passing(*STATIC)).evidence}["sts-session-expiry"]
    assert row.expected == f"<= MaxSessionDuration {cap} s"
    assert f"(in {minutes} min)" in str(row.actual)
    assert row.ok is ok


def _set(**kw: object) -> Callable[[Facts], None]:
    def change(f: Facts) -> None:
        for key, value in kw.items():
            setattr(f, key, value)

    return change


CASES = [
    pytest.param(_set(sts=refused("InvalidIdentityToken", NO_PROVIDER)), Status.FAIL, "STS-201", "oidc-provider",
                 id="no-provider.fail"),
    pytest.param(_set(sts=refused("AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity", 403)),
                 Status.FAIL, "STS-202", "trust-policy", id="access-denied.fail"),
    pytest.param(_set(sts=refused("ExpiredTokenException", "Token expired: current date/time 1 must be before")),
                 Status.FAIL, "STS-203", "token", id="expired-token.fail"),
    pytest.param(_set(sts=refused("ValidationError", "Request ARN is invalid")), Status.FAIL, "STS-204",
                 "service-account", id="malformed-arn.fail"),
    pytest.param(_set(sts=refused("RegionDisabledException", "STS is not activated in this region", 403)),
                 Status.FAIL, "STS-205", "sts", id="region-disabled.fail"),
    pytest.param(_set(sts=refused("PackedPolicyTooLarge", "Packed policy consumes 130% of allotted space")),
                 Status.FAIL, "STS-206", "sts", id="packed-policy.fail"),
]  # fmt: skip


@pytest.mark.parametrize(("change", "status", "code", "implicates"), CASES)
def test_failures(change: Callable[[Facts], None], status: Status, code: str, implicates: str) -> None:
    facts = healthy_facts()
    change(facts)
    result = sts.check(facts, {})
    assert result.status is status
    assert code in [f.code for f in result.findings]
    assert result.details["implicates"] == implicates
    assert result.summary.startswith("STS refused: ")
    assert f"points at {implicates}" in result.summary or code == "STS-205"
    ev = {e.key: e for e in result.evidence}["sts-result"]
    assert ev.ok is False and ev.expected == "credentials"


def test_trust_fix_names_the_role() -> None:
    facts = healthy_facts(
        sts=refused("AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity", 403)
    )
    result = sts.check(facts, {})
    assert (
        result.fix is not None and "aws iam update-assume-role-policy --role-name payments-api" in result.fix
    )


def test_malformed_arn_fix_reannotates_and_restarts() -> None:
    result = sts.check(healthy_facts(sts=refused("ValidationError", "Request ARN is invalid")), {})
    assert result.fix is not None
    assert f"kubectl -n {NS} annotate serviceaccount {SA} eks.amazonaws.com/role-arn=" in result.fix
    assert f"kubectl -n {NS} rollout restart deployment/api" in result.fix


def test_expired_token_fix_recreates_the_pod() -> None:
    result = sts.check(healthy_facts(sts=refused("ExpiredTokenException", "Token expired")), {})
    assert result.fix is not None and f"kubectl -n {NS} delete pod {POD}" in result.fix


def test_failure_agrees_with_static_prediction() -> None:
    prior = _passing(*STATIC)
    prior[LinkId.TRUST_POLICY] = LinkResult(id=LinkId.TRUST_POLICY, status=Status.FAIL, summary="no match")
    facts = healthy_facts(
        sts=refused("AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity", 403)
    )
    result = sts.check(facts, prior)
    assert result.details["agrees_with_static"] is True
    assert "STS-102" not in [f.code for f in result.findings]


@pytest.mark.parametrize(
    ("sa_code", "trust_status", "expected", "implicates"),
    [
        pytest.param("SA-206", Status.PASS, "STS-207", "service-account", id="partition.points-at-sa"),
        pytest.param("SA-207", Status.PASS, "STS-207", "service-account", id="role-missing.points-at-sa"),
        pytest.param("SA-206", Status.FAIL, "STS-202", "trust-policy", id="trust-also-fails.trust"),
        pytest.param("SA-205", Status.PASS, "STS-202", "trust-policy", id="other-sa-failure.trust"),
    ],
)
def test_not_authorized_points_at_a_role_that_is_not_there(
    sa_code: str, trust_status: Status, expected: str, implicates: str
) -> None:
    from irsa_tui.chain.model import Finding

    prior = _passing(*STATIC)
    sa_fix = "kubectl -n payments annotate serviceaccount api eks.amazonaws.com/role-arn=arn:aws:iam::1:role/x"
    prior[LinkId.SERVICE_ACCOUNT] = LinkResult(
        id=LinkId.SERVICE_ACCOUNT,
        status=Status.FAIL,
        summary="role ARN cannot be right",
        findings=(Finding(sa_code, {}),),
        fix=sa_fix,
    )
    prior[LinkId.TRUST_POLICY] = LinkResult(id=LinkId.TRUST_POLICY, status=trust_status, summary="judged")
    facts = healthy_facts(
        sts=refused("AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity", 403)
    )
    result = sts.check(facts, prior)
    assert result.findings[0].code == expected
    assert result.details["implicates"] == implicates
    assert f"points at {implicates}" in result.summary
    if expected == "STS-207":
        assert result.fix is not None and sa_fix in result.fix


def test_failure_when_static_predicted_success_says_live_wins() -> None:
    facts = healthy_facts(
        sts=refused("AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity", 403)
    )
    result = sts.check(facts, _passing(*STATIC))
    assert result.status is Status.FAIL
    assert [f.code for f in result.findings] == ["STS-202", "STS-102"]
    assert result.details["agrees_with_static"] is False
    warn = result.findings[1]
    assert "live wins" in warn.message and "SCP" in warn.spec.why


def test_success_despite_static_failure_warns() -> None:
    prior = _passing(*STATIC)
    prior[LinkId.OIDC_PROVIDER] = LinkResult(
        id=LinkId.OIDC_PROVIDER, status=Status.FAIL, summary="no provider"
    )
    result = sts.check(healthy_facts(), prior)
    assert result.status is Status.WARN
    assert [f.code for f in result.findings] == ["STS-001", "STS-101"]
    assert "oidc-provider" in result.summary and "the static failure stands" in result.summary
    assert result.details["agrees_with_static"] is False


@pytest.mark.parametrize(
    ("change", "status", "text"),
    [
        pytest.param(_set(sts=None, live=False), Status.SKIP, "live probes off", id="no-live.skip"),
        pytest.param(_set(sts=None, token=None), Status.SKIP, "no token", id="no-token.skip"),
        pytest.param(
            _set(
                sts=SourceError("sts", "timeout", f"AssumeRoleWithWebIdentity at {ENDPOINT}: no answer in 5s")
            ),
            Status.ERROR,
            "no answer",
            id="timeout.error",
        ),
        pytest.param(
            _set(sts=refused("IDPCommunicationError", "could not reach IdP")),
            Status.ERROR,
            "IDPCommunicationError",
            id="idp-unreachable.error",
        ),
    ],
)
def test_skip_and_error(change: Callable[[Facts], None], status: Status, text: str) -> None:
    facts = healthy_facts()
    change(facts)
    result = sts.check(facts, {})
    assert result.status is status
    assert text in result.summary


def test_skip_reason_from_gaps() -> None:
    facts = healthy_facts(sts=None)
    facts.gaps["sts"] = "no role to assume: service-account failed"
    assert sts.check(facts, {}).summary == "no role to assume: service-account failed"


def test_never_renders_the_token() -> None:
    facts = healthy_facts(sts=refused("InvalidIdentityToken", NO_PROVIDER))
    assert "eyJ.fake.token" not in repr(sts.check(facts, {}).to_json())


@pytest.mark.parametrize(
    ("code", "message", "http", "finding", "why_word"),
    [
        pytest.param("Throttling", "Rate exceeded", 400, "STS-208", "per account", id="throttling.fail"),
        pytest.param("ThrottlingException", "Rate exceeded", 400, "STS-208", "caching", id="throttling-exc.fail"),
        pytest.param("ServiceUnavailable", "Service unavailable", 503, "STS-209", "regional", id="unavailable.fail"),
        pytest.param("InternalFailure", "An internal error occurred", 500, "STS-209", "global", id="internal.fail"),
        pytest.param(
            "RegionDisabledException", "STS is not activated in this region", 403, "STS-205", "deactivate",
            id="region-disabled.fail",
        ),
    ],
)
def test_service_side_answers_are_findings_naming_the_endpoint(
    code: str, message: str, http: int, finding: str, why_word: str
) -> None:
    """STS's own faults on the pod's endpoint: the pod fails the same way, so the link fails."""
    facts = healthy_facts(sts=replace(refused(code, message, http), pod_endpoint="https://sts.amazonaws.com (global: x)"))
    result = sts.check(facts, _passing(*STATIC))
    assert result.status is Status.FAIL
    assert result.findings[0].code == finding
    assert "https://sts.amazonaws.com" in result.summary
    assert why_word in result.explanation
    assert sts.is_service_side(code, message)


def test_caller_side_failures_stay_error() -> None:
    facts = healthy_facts(sts=SourceError("sts", "unreachable", "sts AssumeRoleWithWebIdentity: cannot connect"))
    assert sts.check(facts, {}).status is Status.ERROR
