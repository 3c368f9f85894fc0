"""Link token: one named change to healthy facts per case."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta

import pytest

from irsa_tui.chain.facts import ClusterFacts, Facts, PodFacts, SourceError, TokenVolume
from irsa_tui.chain.links import token
from irsa_tui.chain.model import Status
from tests.chain.builders import (
    CLUSTER,
    ISSUER,
    NOW,
    NS,
    POD,
    REGION,
    ROLE_ARN,
    SA,
    healthy_claims,
    healthy_facts,
    healthy_pod,
    healthy_sa,
    healthy_token,
    token_volume,
)

NEW_ISSUER = "https://oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF"


def _claims(f: Facts, **changes: object) -> None:
    f.token = healthy_token(claims=healthy_claims(**changes))


def wrong_sub(f: Facts) -> None:
    _claims(f, sub=f"system:serviceaccount:{NS}:default")


def wrong_aud(f: Facts) -> None:
    _claims(f, aud=["https://kubernetes.default.svc"])


def aud_as_string(f: Facts) -> None:
    _claims(f, aud="sts.amazonaws.com")


def other_issuer(f: Facts) -> None:
    assert isinstance(f.cluster, ClusterFacts)
    f.cluster = replace(f.cluster, issuer=NEW_ISSUER)


def expired(f: Facts) -> None:
    iat = int((NOW - timedelta(days=2)).timestamp())
    f.token = healthy_token(
        claims=healthy_claims(iat=iat, nbf=iat, exp=iat + 86400), fetched_at=NOW - timedelta(days=2)
    )


def apiserver_ahead(f: Facts) -> None:
    iat = int((NOW + timedelta(minutes=12)).timestamp())
    _claims(f, iat=iat, nbf=iat, exp=iat + 86400)


def pod_expiration_annotation_low(f: Facts) -> None:
    f.pod = healthy_pod(annotations={"eks.amazonaws.com/token-expiration": "300"})


def sa_expiration_annotation_invalid(f: Facts) -> None:
    f.service_account = healthy_sa(
        annotations={"eks.amazonaws.com/role-arn": ROLE_ARN, "eks.amazonaws.com/token-expiration": "1h"}
    )


def volume_lifetime_two_days(f: Facts) -> None:
    vol = token_volume(
        token=TokenVolume(audience="sts.amazonaws.com", expiration_seconds=172800, path="token")
    )
    assert isinstance(f.pod, PodFacts)
    f.pod = replace(f.pod, volumes=(vol,))


def predicted(f: Facts) -> None:
    f.token = healthy_token(origin="predicted", raw="")
    f.token_request_error = SourceError(
        "kubernetes",
        "forbidden",
        f"POST serviceaccounts/{SA}/token: 403 Forbidden",
        permission="create serviceaccounts/token",
        status=403,
    )


CASES = [
    pytest.param(wrong_sub, Status.FAIL, "TOK-201", id="sub-other-sa.fail"),
    pytest.param(wrong_aud, Status.FAIL, "TOK-202", id="aud-apiserver-default.fail"),
    pytest.param(aud_as_string, Status.PASS, "TOK-001", id="aud-as-string.pass"),
    pytest.param(other_issuer, Status.FAIL, "TOK-203", id="issuer-differs.fail"),
    pytest.param(expired, Status.FAIL, "TOK-204", id="expired.fail"),
    pytest.param(apiserver_ahead, Status.WARN, "TOK-101", id="clock-skew-12min.warn"),
    pytest.param(pod_expiration_annotation_low, Status.WARN, "TOK-102", id="pod-token-expiration-300.warn"),
    pytest.param(
        sa_expiration_annotation_invalid, Status.WARN, "TOK-103", id="sa-token-expiration-invalid.warn"
    ),
    pytest.param(volume_lifetime_two_days, Status.PASS, "TOK-002", id="volume-lifetime-2-days.pass"),
]


def test_healthy_facts_pass() -> None:
    result = token.check(healthy_facts(), {})
    assert result.status is Status.PASS
    assert [f.code for f in result.findings] == ["TOK-001"]
    assert result.summary == (
        f"token for system:serviceaccount:{NS}:{SA}, aud sts.amazonaws.com, issuer {ISSUER}, valid 9 more minutes"
    )
    assert {e.key: e.ok for e in result.evidence} == {
        "token-sub": True,
        "token-aud": True,
        "token-iss": True,
        "token-exp": True,
        "token-iat": True,
        "token-lifetime": True,
    }
    # a time a reader can use, not an epoch number (issue 17 #9)
    exp = next(e for e in result.evidence if e.key == "token-exp").actual or ""
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC \(in 9m\d*s?\)|\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC \(in .+\)", exp), exp


@pytest.mark.parametrize(("change", "status", "code"), CASES)
def test_cases(change: Callable[[Facts], None], status: Status, code: str) -> None:
    facts = healthy_facts()
    change(facts)
    result = token.check(facts, {})
    assert result.status is status, result.summary
    assert code in [f.code for f in result.findings]


def test_details_hold_claims_but_never_the_raw_token() -> None:
    facts = healthy_facts()
    result = token.check(facts, {})
    text = json.dumps(result.to_json())
    assert "eyJ.fake.token" not in text
    assert result.details["signature"] == "Qm9v…Zz0x (342 chars)"
    assert result.details["claims"]["sub"] == f"system:serviceaccount:{NS}:{SA}"
    assert result.details["origin"] == "token-request" and result.details["expires_in_s"] == 595


def test_issuer_mismatch_names_both_and_the_cluster() -> None:
    facts = healthy_facts()
    other_issuer(facts)
    result = token.check(facts, {})
    assert result.summary == (
        f"token issuer {ISSUER} differs from the cluster's current issuer {NEW_ISSUER} (cluster re-created?)"
    )
    assert (
        result.fix is not None
        and f"aws eks describe-cluster --name {CLUSTER} --region {REGION}" in result.fix
    )


def test_expired_says_how_long_ago() -> None:
    facts = healthy_facts()
    expired(facts)
    result = token.check(facts, {})
    assert result.summary.startswith("token expired 24 h 0 min ago")
    assert "ExpiredTokenException" in result.summary
    assert result.fix is not None and f"kubectl -n {NS} delete pod {POD}" in result.fix


def test_clock_skew_says_which_way_and_how_much() -> None:
    facts = healthy_facts()
    apiserver_ahead(facts)
    assert "720 s ahead of this machine's clock" in token.check(facts, {}).summary
    facts = healthy_facts()
    iat = int((NOW - timedelta(minutes=20)).timestamp())
    _claims(facts, iat=iat, exp=iat + 86400)
    assert "1200 s behind this machine's clock" in token.check(facts, {}).summary


def test_wrong_audience_says_where_expectation_comes_from() -> None:
    facts = healthy_facts()
    wrong_aud(facts)
    result = token.check(facts, {})
    assert "expected it to contain sts.amazonaws.com (audience of volume aws-iam-token)" in result.summary
    facts = healthy_facts()
    assert isinstance(facts.pod, PodFacts)
    facts.pod = replace(facts.pod, volumes=())
    facts.service_account = healthy_sa(
        annotations={"eks.amazonaws.com/role-arn": ROLE_ARN, "eks.amazonaws.com/audience": "vault"}
    )
    assert "vault (annotation eks.amazonaws.com/audience)" in token.check(facts, {}).summary


def test_pod_annotation_beats_sa_annotation() -> None:
    facts = healthy_facts()
    facts.pod = healthy_pod(annotations={"eks.amazonaws.com/token-expiration": "3600"})
    facts.service_account = healthy_sa(
        annotations={"eks.amazonaws.com/role-arn": ROLE_ARN, "eks.amazonaws.com/token-expiration": "100"}
    )
    assert token.check(facts, {}).status is Status.PASS
    pod_expiration_annotation_low(facts)
    result = token.check(facts, {})
    assert (
        result.fix == f"kubectl -n {NS} annotate pod {POD} eks.amazonaws.com/token-expiration=600 --overwrite"
    )


def test_predicted_token_is_error_naming_the_permission_with_claims() -> None:
    facts = healthy_facts()
    predicted(facts)
    result = token.check(facts, {})
    assert "create serviceaccounts/token" in result.summary and "predicted" in result.summary
    assert result.details["predicted"] is True and result.details["origin"] == "predicted"
    assert result.details["claims"]["aud"] == ["sts.amazonaws.com"]


def token_not_requested(f: Facts) -> None:
    f.token = None
    f.gaps["token"] = "--no-token given"


@pytest.mark.parametrize(
    ("change", "status"),
    [
        pytest.param(
            token_not_requested,
            Status.SKIP,
            id="not-requested.skip",
        ),
        pytest.param(
            lambda f: setattr(f, "token", SourceError("kubernetes", "timeout", "POST token: timed out")),
            Status.ERROR,
            id="token-request-timeout.error",
        ),
    ],
)
def test_skip_and_error(change: Callable[[Facts], object], status: Status) -> None:
    facts = healthy_facts()
    change(facts)
    result = token.check(facts, {})
    assert result.status is status
    if status is Status.SKIP:
        assert result.summary == "--no-token given"


def test_unknown_cluster_issuer_is_not_judged() -> None:
    facts = healthy_facts(cluster=None)
    result = token.check(facts, {})
    assert result.status is Status.PASS
    assert {e.key: e.ok for e in result.evidence}["token-iss"] is None


def test_predicted_after_timeout_names_the_fault_not_a_permission() -> None:
    facts = healthy_facts()
    predicted(facts)
    facts.token_request_error = SourceError(
        "kubernetes", "timeout", "POST serviceaccounts/api/token: timed out"
    )
    result = token.check(facts, {})
    assert result.status is Status.ERROR
    assert "timed out" in result.summary and "lacks" not in result.summary
    assert result.fix is None


@pytest.mark.parametrize(
    ("sa_missing", "status"),
    [
        pytest.param(True, Status.SKIP, id="sa-deleted.skip-not-error"),
        pytest.param(False, Status.ERROR, id="sa-present-404.error"),
    ],
)
def test_token_request_404_for_a_deleted_service_account(sa_missing: bool, status: Status) -> None:
    facts = healthy_facts()
    predicted(facts)
    facts.token_request_error = SourceError(
        "kubernetes", "not-found", f'POST serviceaccounts/{SA}/token: 404 NotFound: serviceaccounts "{SA}" not found'
    )
    if sa_missing:
        facts.service_account = SourceError("kubernetes", "not-found", f"GET serviceaccount {SA}: 404")
    result = token.check(facts, {})
    assert result.status is status
    if sa_missing:
        assert "does not exist" in result.summary and "no longer renewed" in result.summary
        assert not any(f.status is Status.PASS for f in result.findings)


def _custom_audience(f: Facts, client_ids: tuple[str, ...]) -> None:
    from irsa_tui.chain.facts import OidcProviderFacts

    aud = "irsa.payments.example.com"
    f.pod = healthy_pod(
        volumes=(token_volume(token=TokenVolume(audience=aud, expiration_seconds=86400, path="token")),)
    )
    f.service_account = healthy_sa(
        annotations={"eks.amazonaws.com/role-arn": ROLE_ARN, "eks.amazonaws.com/audience": aud}
    )
    _claims(f, aud=[aud])
    assert isinstance(f.provider, OidcProviderFacts)
    f.provider = replace(f.provider, client_ids=client_ids)


def test_custom_audience_not_in_provider_client_ids_fails_at_token() -> None:
    facts = healthy_facts()
    _custom_audience(facts, ("sts.amazonaws.com",))
    result = token.check(facts, {})
    assert result.status is Status.FAIL
    assert [f.code for f in result.findings if f.status is Status.FAIL] == ["TOK-205"]
    assert "irsa.payments.example.com" in result.summary
    assert "eks.amazonaws.com/audience-" in (result.fix or "")


def test_custom_audience_listed_by_provider_passes() -> None:
    facts = healthy_facts()
    _custom_audience(facts, ("sts.amazonaws.com", "irsa.payments.example.com"))
    assert token.check(facts, {}).status is Status.PASS


def test_no_live_predicted_token_is_skip_not_error() -> None:
    facts = healthy_facts(live=False, token_request_error=None)
    facts.token = healthy_token(origin="predicted", raw="")
    facts.gaps["token"] = "live probes off: claims predicted, no TokenRequest made"
    result = token.check(facts, {})
    assert result.status is Status.SKIP
    assert "live probes off" in result.summary and "--no-live" not in result.summary
    assert result.details["predicted"] is True


def test_predicted_token_is_error_without_a_pass_code() -> None:
    facts = healthy_facts()
    predicted(facts)
    result = token.check(facts, {})
    assert result.status is Status.ERROR
    assert "TOK-001" not in [f.code for f in result.findings]
    assert "create serviceaccounts/token" in result.summary
