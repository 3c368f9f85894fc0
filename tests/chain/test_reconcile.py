"""Live over static (chain/reconcile.py): every STS answer that names an earlier link moves the verdict there."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from irsa_tui.chain.facts import EnvVar, Facts, SourceError, StsFacts, TokenVolume
from irsa_tui.chain.links import sts
from irsa_tui.chain.model import ChainResult, Finding, LinkId, LinkResult, Status, Target
from irsa_tui.chain.reconcile import reconcile
from irsa_tui.chain.walk import judge
from tests.chain.builders import (
    ISSUER,
    ISSUER_HP,
    TRUST_POLICY,
    app_container,
    healthy_facts,
    healthy_pod,
    token_volume,
)

STATIC = (LinkId.SERVICE_ACCOUNT, LinkId.INJECTION, LinkId.TOKEN, LinkId.OIDC_PROVIDER, LinkId.TRUST_POLICY)
ENDPOINT = "https://sts.amazonaws.com (global: AWS_STS_REGIONAL_ENDPOINTS unset)"
THUMBPRINT = "OpenIDConnect provider's HTTPS certificate doesn't match configured thumbprint"
NO_PROVIDER = f"No OpenIDConnect provider found in your account for {ISSUER}"
EXPIRED = "Token expired: current date/time 1624482533 must be before the expiration date/time1624482335"


def refused(code: str, message: str) -> StsFacts:
    return StsFacts(endpoint="https://sts.amazonaws.com", ok=False, error_code=code, error_message=message,
                    http_status=400, pod_endpoint=ENDPOINT)


def _static(status: Status, link: LinkId) -> LinkResult:
    if status is Status.PASS or status is Status.WARN:
        code = {LinkId.SERVICE_ACCOUNT: ("SA-001", "SA-101"), LinkId.INJECTION: ("INJ-001", "INJ-109"),
                LinkId.TOKEN: ("TOK-001", "TOK-101"), LinkId.OIDC_PROVIDER: ("OIDC-001", "OIDC-101"),
                LinkId.TRUST_POLICY: ("TRUST-001", "TRUST-101")}[link][status is Status.WARN]
        return LinkResult(link, status, f"static {link}", findings=(Finding(code, {}),), fix=f"fix {link}")
    return LinkResult(link, status, f"static {link}: caller lacks iam:Something")


def chain(facts: Facts, statuses: dict[LinkId, Status]) -> tuple[LinkResult, ...]:
    prior = {link: _static(statuses.get(link, Status.PASS), link) for link in STATIC}
    live = sts.check(facts, prior)
    return (*prior.values(), live, LinkResult(LinkId.S3, Status.SKIP, "no credentials"))


def _judgements(links: tuple[LinkResult, ...]) -> list[tuple[LinkId, Status, tuple[Finding, ...]]]:
    return [(link.id, link.status, link.findings) for link in links]


def result(links: tuple[LinkResult, ...]) -> ChainResult:
    return ChainResult(Target("payments", "api"), links)


@pytest.mark.parametrize(
    ("code", "message", "link", "static", "finding"),
    [
        pytest.param("InvalidIdentityToken", THUMBPRINT, LinkId.OIDC_PROVIDER, Status.WARN, "OIDC-211",
                     id="thumbprint-over-warn"),
        pytest.param("InvalidIdentityToken", NO_PROVIDER, LinkId.OIDC_PROVIDER, Status.ERROR, "OIDC-211",
                     id="no-provider-over-unreadable"),
        pytest.param("InvalidIdentityToken", NO_PROVIDER, LinkId.OIDC_PROVIDER, Status.PASS, "OIDC-211",
                     id="no-provider-over-pass"),
        pytest.param("InvalidIdentityToken", "Incorrect token audience", LinkId.OIDC_PROVIDER, Status.PASS,
                     "OIDC-211", id="audience-over-pass"),
        pytest.param("AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity",
                     LinkId.TRUST_POLICY, Status.PASS, "TRUST-203", id="not-authorized-over-pass"),
        pytest.param("AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity",
                     LinkId.TRUST_POLICY, Status.ERROR, "TRUST-203", id="not-authorized-over-unreadable"),
        pytest.param("ExpiredTokenException", EXPIRED, LinkId.TOKEN, Status.PASS, "TOK-206", id="expired"),
        pytest.param("InvalidIdentityToken", "Token too old: 90000", LinkId.TOKEN, Status.WARN, "TOK-206",
                     id="too-old"),
        pytest.param("IDPRejectedClaim", "Claim rejected", LinkId.TOKEN, Status.PASS, "TOK-206",
                     id="rejected-claim"),
        pytest.param("ValidationError", "Request ARN is invalid", LinkId.SERVICE_ACCOUNT, Status.WARN, "SA-208",
                     id="arn-invalid"),
    ],
)
def test_live_refusal_fails_the_link_it_names(
    code: str, message: str, link: LinkId, static: Status, finding: str
) -> None:
    facts = healthy_facts(sts=refused(code, message))
    links = chain(facts, {link: static})
    before = result(links)
    assert before.first_failure is LinkId.STS
    after = result(reconcile(facts, links))
    moved = after.link(link)
    assert after.first_failure is link
    assert moved.status is Status.FAIL and moved.findings[0].code == finding
    assert f"judged this link {static.value}" in moved.summary  # says the static check alone did not fail it
    assert code in moved.summary and "sts.amazonaws.com" in moved.summary
    assert moved.evidence[-1].key == "live-sts" and moved.evidence[-1].ok is False
    assert moved.details["live_overrules"]["static_status"] == static.value
    assert moved.fix  # a failing link always says what to do
    assert "differs from what STS sees" in moved.explanation


@pytest.mark.parametrize(
    ("code", "message"),
    [
        pytest.param("IDPCommunicationError", "could not reach IdP", id="transient"),
        pytest.param("Throttling", "Rate exceeded", id="service-side"),
        pytest.param("ValidationError", "DurationSeconds exceeds the MaxSessionDuration", id="sts-itself"),
    ],
)
def test_answers_about_sts_itself_move_nothing(code: str, message: str) -> None:
    facts = healthy_facts(sts=refused(code, message))
    links = chain(facts, {})
    assert _judgements(reconcile(facts, links)) == _judgements(links)


def test_static_fail_is_kept_when_live_agrees() -> None:
    facts = healthy_facts(sts=refused("InvalidIdentityToken", NO_PROVIDER))
    links = chain(facts, {LinkId.OIDC_PROVIDER: Status.FAIL})
    assert _judgements(reconcile(facts, links)) == _judgements(links)


def test_static_fail_is_never_softened_by_live_success() -> None:
    facts = healthy_facts()
    links = chain(facts, {LinkId.TRUST_POLICY: Status.FAIL})
    after = result(reconcile(facts, links))
    assert after.link(LinkId.TRUST_POLICY).status is Status.FAIL
    assert after.first_failure is LinkId.TRUST_POLICY
    sts_link = after.link(LinkId.STS)
    assert sts_link.status is Status.WARN and "the static failure stands" in sts_link.summary  # says so


@pytest.mark.parametrize(
    ("link", "static", "finding"),
    [
        pytest.param(LinkId.TRUST_POLICY, Status.ERROR, "TRUST-002", id="trust-unreadable.pass"),
        pytest.param(LinkId.OIDC_PROVIDER, Status.ERROR, "OIDC-003", id="provider-unreadable.pass"),
        pytest.param(LinkId.SERVICE_ACCOUNT, Status.WARN, "SA-002", id="role-unconfirmed.pass"),
    ],
)
def test_live_success_settles_what_could_not_be_read(link: LinkId, static: Status, finding: str) -> None:
    facts = healthy_facts()
    links = chain(facts, {link: static})
    after = result(reconcile(facts, links))
    settled = after.link(link)
    assert settled.status is Status.PASS and settled.findings[0].code == finding
    assert "could not read" in settled.summary and f"static {link}" in settled.summary  # what was unreadable
    assert settled.details["settled_by"] == "sts"
    assert after.verdict.value == "ok"


def test_a_warning_that_is_not_about_reading_is_not_settled() -> None:
    facts = healthy_facts()
    links = chain(facts, {LinkId.TRUST_POLICY: Status.WARN, LinkId.TOKEN: Status.ERROR})
    after = result(reconcile(facts, links))
    assert after.link(LinkId.TRUST_POLICY).status is Status.WARN
    assert after.link(LinkId.TOKEN).status is Status.ERROR  # STS does not prove what irsa-tui could not check


def _static_keys(facts: Facts) -> None:
    c = app_container()
    keys = (EnvVar("AWS_ACCESS_KEY_ID", None, "secretKeyRef legacy-aws/id"),
            EnvVar("AWS_SECRET_ACCESS_KEY", None, "secretKeyRef legacy-aws/secret"))
    facts.pod = healthy_pod(containers=(replace(c, env=keys + c.env),))


def _not_injected(facts: Facts) -> None:
    facts.pod = healthy_pod(containers=(app_container(env=(), mounts=()),), volumes=())


@pytest.mark.parametrize(
    ("change", "uses"),
    [
        pytest.param(_static_keys, "static keys", id="static-keys"),
        pytest.param(_not_injected, "IMDS", id="not-injected"),
    ],
)
def test_live_success_for_a_pod_that_does_not_use_the_role_is_not_a_pass(change: object, uses: str) -> None:
    facts = healthy_facts()
    change(facts)  # type: ignore[operator]
    after = result(judge(facts))
    for link, code in ((LinkId.STS, "STS-103"), (LinkId.S3, "S3-103")):
        got = after.link(link)
        assert got.status is Status.WARN and got.findings[0].code == code
        assert "this pod does not use it" in got.summary and uses in got.summary
    assert after.verdict.value == "broken" and after.first_failure is LinkId.INJECTION
    assert uses in (after.pod_uses or "")


def test_healthy_chain_is_unchanged_and_says_the_pod_uses_the_role() -> None:
    facts = healthy_facts()
    after = result(judge(facts))
    assert after.verdict.value == "ok" and not after.warnings
    assert after.pod_uses == "the IRSA role (web identity)"


def _audience_world(token_aud: str, client_ids: tuple[str, ...], trust_aud: str) -> Facts:
    facts = healthy_facts()
    vol = token_volume(token=TokenVolume(audience=token_aud, expiration_seconds=86400, path="token"))
    facts.pod = healthy_pod(volumes=(vol,))
    assert not isinstance(facts.token, SourceError) and facts.token is not None
    facts.token = replace(facts.token, claims={**facts.token.claims, "aud": [token_aud]})
    assert not isinstance(facts.provider, SourceError) and facts.provider is not None
    facts.provider = replace(facts.provider, client_ids=client_ids)
    policy = json.loads(json.dumps(TRUST_POLICY))
    policy["Statement"][0]["Condition"]["StringEquals"][f"{ISSUER_HP}:aud"] = trust_aud
    assert not isinstance(facts.role, SourceError) and facts.role is not None
    facts.role = replace(facts.role, trust_policy=json.dumps(policy))
    facts.sts = replace(facts.sts, audience=token_aud) if isinstance(facts.sts, StsFacts) else facts.sts
    return facts


@pytest.mark.parametrize(
    ("token_aud", "client_ids", "trust_aud", "first", "code"),
    [
        pytest.param("amazonaws.com", ("amazonaws.com",), "amazonaws.com", None, None, id="kops-all-agree.ok"),
        pytest.param("amazonaws.com", ("sts.amazonaws.com",), "sts.amazonaws.com", LinkId.INJECTION, "INJ-214",
                     id="volume-differs.injection"),
        pytest.param("amazonaws.com", ("sts.amazonaws.com",), "amazonaws.com", LinkId.OIDC_PROVIDER, "OIDC-205",
                     id="provider-differs.oidc"),
        pytest.param("amazonaws.com", ("amazonaws.com",), "sts.amazonaws.com", LinkId.TRUST_POLICY, "TRUST-201",
                     id="trust-differs.trust"),
    ],
)
def test_the_side_whose_audience_differs_is_the_finding(
    token_aud: str, client_ids: tuple[str, ...], trust_aud: str, first: LinkId | None, code: str | None
) -> None:
    facts = _audience_world(token_aud, client_ids, trust_aud)
    if first is not None:  # STS refuses what the static checks predict
        facts.sts = refused("InvalidIdentityToken", "Incorrect token audience") if first is not LinkId.TRUST_POLICY \
            else refused("AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity")
    after = result(judge(facts))
    assert after.first_failure is first, [(link.id.value, link.status.value, link.summary) for link in after.links]
    if code is not None:
        assert first is not None and code in {f.code for f in after.link(first).findings}
    else:
        assert after.verdict.value == "ok"



def test_incorrect_audience_points_at_the_token_when_provider_and_trust_agree() -> None:
    """Injection could not be judged statically (error); STS's audience answer and the evidence name it."""
    facts = _audience_world("amazonaws.com", ("sts.amazonaws.com",), "sts.amazonaws.com")
    facts.sts = refused("InvalidIdentityToken", "Incorrect token audience")
    links = chain(facts, {LinkId.INJECTION: Status.ERROR, LinkId.OIDC_PROVIDER: Status.PASS})
    after = result(reconcile(facts, links))
    assert after.first_failure is LinkId.INJECTION
    moved = after.link(LinkId.INJECTION)
    assert moved.findings[0].code == "INJ-213" and "amazonaws.com" in moved.summary
    assert after.link(LinkId.OIDC_PROVIDER).status is Status.PASS  # the provider is not the side that differs


def test_a_token_the_static_check_fails_but_sts_accepts_is_said_to_disagree() -> None:
    facts = healthy_facts()
    links = chain(facts, {LinkId.TOKEN: Status.FAIL})
    after = result(reconcile(facts, links))
    assert after.link(LinkId.TOKEN).status is Status.FAIL and after.first_failure is LinkId.TOKEN
    assert "token fails statically; the static failure stands" in after.link(LinkId.STS).summary


def test_a_crashed_check_is_not_settled_into_a_pass() -> None:
    facts = healthy_facts()
    links = list(chain(facts, {}))
    links[4] = LinkResult(LinkId.TRUST_POLICY, Status.ERROR, "internal error while judging trust-policy: KeyError")
    after = result(reconcile(facts, tuple(links)))
    assert after.link(LinkId.TRUST_POLICY).status is Status.ERROR
