"""The seven checks on randomly perturbed facts: never an ``internal error`` (a crash inside a check)."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given
from hypothesis import strategies as st

from irsa_tui.chain.facts import EnvVar, Facts, S3Facts, SourceError, StsFacts
from irsa_tui.chain.model import Status
from irsa_tui.chain.walk import judge
from tests.chain import builders as b
from tests.fuzz.strategies import (
    any_text,
    assert_clear_message,
    dumps_lenient,
    fuzz,
    json_ish,
    nasty_text,
    text_like,
)

hostile = json_ish(leaves=8)
ENV_NAMES = [
    "AWS_ROLE_ARN",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "AWS_STS_REGIONAL_ENDPOINTS",
    "AWS_ACCESS_KEY_ID",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
]
ANNOTATIONS = [
    "eks.amazonaws.com/role-arn",
    "eks.amazonaws.com/audience",
    "eks.amazonaws.com/sts-regional-endpoints",
    "eks.amazonaws.com/token-expiration",
    "eks.amazonaws.com/skip-containers",
]
arns = text_like(b.ROLE_ARN, "arn:aws:iam::111122223333:role/other", " " + b.ROLE_ARN, "payments-api")
annotation_values = arns  # sources.kube coerces annotations to str: hostile strings, not other types
# sources.aws collapses messages to one line
one_line = st.one_of(nasty_text, any_text).map(lambda t: " ".join(t.split()))
claims = st.one_of(
    st.builds(
        lambda changes: b.healthy_claims(**changes),
        st.dictionaries(
            st.sampled_from(["aud", "sub", "iss", "exp", "iat", "nbf", "kubernetes.io"]), hostile, max_size=4
        ),
    ),
    st.dictionaries(any_text, hostile, max_size=5),
)
trust_policies = st.one_of(
    hostile.map(dumps_lenient),
    st.builds(lambda stmt: dumps_lenient({"Version": "2012-10-17", "Statement": stmt}), hostile),
    text_like(dumps_lenient(b.TRUST_POLICY)),
)
sts_facts = st.one_of(
    st.just(None),
    st.builds(
        StsFacts,
        endpoint=any_text,
        ok=st.booleans(),
        error_code=st.one_of(
            st.none(), st.sampled_from(["InvalidIdentityToken", "AccessDenied", "Throttling"]), any_text
        ),
        error_message=st.one_of(st.none(), one_line),
        http_status=st.one_of(st.none(), st.integers()),
    ),
    st.builds(
        SourceError,
        source=st.just("sts"),
        kind=st.sampled_from(["timeout", "forbidden", "other"]),
        message=one_line.filter(bool),
    ),
)
s3_facts = st.one_of(
    st.just(None),
    st.builds(
        S3Facts,
        bucket=st.one_of(st.none(), one_line),
        bucket_origin=st.sampled_from(["flag", "role-policy", "list-buckets"]),
        operation=st.sampled_from(["ListObjectsV2", "ListBuckets", "GetObject", "Other"]),
        ok=st.booleans(),
        error_code=st.one_of(
            st.none(), st.sampled_from(["AccessDenied", "NoSuchBucket", "SlowDown"]), any_text
        ),
        error_message=st.one_of(st.none(), one_line),
        http_status=st.one_of(st.none(), st.integers()),
    ),
)


@st.composite
def perturbed_facts(draw: st.DrawFn) -> Facts:
    facts = b.healthy_facts()
    env = draw(
        st.lists(
            st.builds(EnvVar, st.sampled_from(ENV_NAMES) | any_text, st.one_of(st.none(), arns)), max_size=6
        )
    )
    if draw(st.booleans()):
        container = (
            b.app_container(env=tuple(env))
            if draw(st.booleans())
            else b.app_container(env=b.app_container().env + tuple(env))
        )
        facts.pod = b.healthy_pod(containers=(container,))
    if draw(st.booleans()):
        facts.service_account = b.healthy_sa(
            annotations=draw(
                st.dictionaries(st.sampled_from(ANNOTATIONS) | any_text, annotation_values, max_size=4)
            )
        )
    if draw(st.booleans()):
        facts.token = b.healthy_token(
            claims=draw(claims), header=draw(st.dictionaries(any_text, hostile, max_size=3))
        )
    if draw(st.booleans()):
        facts.role = replace(facts.role, trust_policy=draw(trust_policies))  # type: ignore[arg-type]
    if draw(st.booleans()):
        facts.sts = draw(sts_facts)
    if draw(st.booleans()):
        facts.s3 = draw(s3_facts)
    for name in draw(
        st.lists(
            st.sampled_from(
                [
                    "pod",
                    "service_account",
                    "token",
                    "cluster",
                    "provider",
                    "issuer",
                    "role",
                    "webhook",
                    "namespace_service_accounts",
                ]
            ),
            max_size=3,
        )
    ):
        setattr(
            facts,
            name,
            draw(
                st.sampled_from(
                    [None, SourceError("kubernetes", "forbidden", "GET x: 403", permission="get x")]
                )
            ),
        )
    facts.live = draw(st.booleans())
    return facts


@fuzz()
@given(perturbed_facts())
def test_no_check_crashes_on_perturbed_facts(facts: Facts) -> None:
    results = judge(facts)
    assert len(results) == 7
    for result in results:
        assert not (result.status is Status.ERROR and result.summary.startswith("internal error")), (
            result.summary
        )
        assert isinstance(result.summary, str) and result.summary.strip()
        # Summaries quote raw env values, claims and error codes: the walker keeps them one short line.
        assert_clear_message(result.summary, max_len=400)
