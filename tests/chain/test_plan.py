"""What to ask: the planning functions the fetch steps act on, one table per decision."""

from __future__ import annotations

from typing import Any

import pytest

from irsa_tui.chain import plan
from irsa_tui.chain.arn import RoleArn, parse_role_arn
from irsa_tui.chain.facts import EnvVar, S3ObjectFacts
from tests.chain import builders as b

OTHER_ROLE = b.ROLE_ARN.replace("payments-api", "other")


def _role(text: str) -> RoleArn:
    parsed = parse_role_arn(text)
    assert isinstance(parsed, RoleArn)
    return parsed


def _pod_env(*env: EnvVar, kind: str = "container") -> Any:
    return b.healthy_pod(containers=(b.app_container(env=env, kind=kind),))


@pytest.mark.parametrize(
    ("pod", "sa", "expected"),
    [
        (b.healthy_pod(), b.healthy_sa(annotations={"eks.amazonaws.com/role-arn": OTHER_ROLE}), b.ROLE_ARN),
        (_pod_env(EnvVar("AWS_ROLE_ARN", f"  {b.ROLE_ARN} ")), None, b.ROLE_ARN),
        (_pod_env(), b.healthy_sa(annotations={"eks.amazonaws.com/role-arn": OTHER_ROLE + " "}), OTHER_ROLE),
        (_pod_env(EnvVar("AWS_ROLE_ARN", b.ROLE_ARN), kind="ephemeral"), b.healthy_sa(), b.ROLE_ARN),
        (_pod_env(EnvVar("AWS_ROLE_ARN", "arn:aws:iam::1:role/x")), b.healthy_sa(), None),
        (_pod_env(), b.healthy_sa(annotations={}), None),
        (None, None, None),
    ],
    ids=["env-wins.over-annotation", "env-stripped", "annotation-when-no-env", "ephemeral-env-ignored",
         "malformed-env-no-fallback", "nothing-named", "nothing-read"],
)
def test_role_under_test(pod: Any, sa: Any, expected: str | None) -> None:
    role = plan.role_under_test(pod, sa)
    assert (str(role) if role else None) == expected


@pytest.mark.parametrize(
    ("pod", "sa", "expected"),
    [
        (b.healthy_pod(), b.healthy_sa(annotations={"eks.amazonaws.com/audience": "other"}), "sts.amazonaws.com"),
        (b.healthy_pod(volumes=()), b.healthy_sa(annotations={"eks.amazonaws.com/audience": "other"}), "other"),
        (b.healthy_pod(volumes=()), None, "sts.amazonaws.com"),
    ],
    ids=["volume-wins", "sa-annotation", "default"],
)
def test_token_audience(pod: Any, sa: Any, expected: str) -> None:
    assert plan.token_audience(pod, sa) == expected


def test_predicted_claims_name_the_pod_and_the_cluster_issuer() -> None:
    claims = plan.predicted_claims(b.healthy_pod(service_account_name=None), "aud-x", b.healthy_facts().cluster, 100)
    assert claims["sub"] == f"system:serviceaccount:{b.NS}:default"
    assert claims["aud"] == ["aud-x"] and claims["iss"] == b.ISSUER
    assert claims["exp"] - claims["iat"] == plan.TOKEN_LIFETIME_PREDICTED
    assert "iss" not in plan.predicted_claims(b.healthy_pod(), "a", None, 100)


@pytest.mark.parametrize(
    ("caller", "region", "role", "expected"),
    [
        ("arn:aws-cn:iam::1:user/x", "eu-west-1", b.ROLE_ARN, "aws-cn"),
        (None, "cn-north-1", b.ROLE_ARN, "aws-cn"),
        (None, None, b.ROLE_ARN.replace("arn:aws:", "arn:aws-us-gov:"), "aws-us-gov"),
        (None, None, None, "aws"),
    ],
    ids=["caller-partition", "region-partition", "role-partition", "default"],
)
def test_provider_partition(caller: str | None, region: str | None, role: str | None, expected: str) -> None:
    assert plan.provider_partition(caller, region, _role(role) if role else None) == expected


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ((EnvVar("AWS_REGION", "us-east-2"), EnvVar("AWS_DEFAULT_REGION", "us-west-1")), "us-east-2"),
        ((EnvVar("AWS_DEFAULT_REGION", "us-west-1"),), "us-west-1"),
        ((), "eu-west-1"),
    ],
    ids=["aws-region", "default-region", "run-region"],
)
def test_one_region_rule_for_every_probe(env: tuple[EnvVar, ...], expected: str) -> None:
    pod = _pod_env(*env)
    assert plan.probe_region(pod, "eu-west-1") == expected
    request = plan.sts_plan(pod, _role(b.ROLE_ARN), None, "eu-west-1", 0)
    assert request is not None and request.region == expected


def test_sts_plan_uses_the_pods_role_session_name_and_legacy_endpoint() -> None:
    pod = _pod_env(EnvVar("AWS_ROLE_ARN", b.ROLE_ARN + " "), EnvVar("AWS_ROLE_SESSION_NAME", "app"),
                   EnvVar("AWS_STS_REGIONAL_ENDPOINTS", "LEGACY"))
    request = plan.sts_plan(pod, None, None, None, 42)
    assert request == plan.StsPlan(role=b.ROLE_ARN + " ", region=None, regional=False, session_name="app")
    assert plan.sts_plan(_pod_env(), None, b.healthy_sa(), None, 42) == plan.StsPlan(
        role=b.ROLE_ARN, region=None, regional=True, session_name="irsa-tui-42")
    assert plan.sts_plan(_pod_env(), None, b.healthy_sa(annotations={}), None, 42) is None


@pytest.mark.parametrize(
    ("flag", "policies", "expected"),
    [
        ("mine", (b.ROLE_POLICY,), ("mine", "flag")),
        (None, (b.ROLE_POLICY,), (b.BUCKET, "role-policy")),
        (None, ({"Statement": []},), (None, "list-buckets")),
        (None, None, (None, "list-buckets")),
    ],
    ids=["flag", "role-policy", "none-named", "no-policies"],
)
def test_bucket_to_probe(flag: str | None, policies: Any, expected: tuple[str | None, str]) -> None:
    assert plan.bucket_to_probe(flag, policies) == expected


KEY = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"


@pytest.mark.parametrize(
    ("probe", "expected"),
    [
        (S3ObjectFacts(key="a/b.pdf", ok=False, error_code="AccessDenied", error_message="Access Denied"),
         ("s3:GetObject", f"arn:aws:s3:::{b.BUCKET}/a/b.pdf")),
        (S3ObjectFacts(key="k", ok=False, error_code="AccessDenied",
                       error_message=f'User: x is not authorized to perform: kms:Decrypt on resource: "{KEY}"'),
         ("kms:Decrypt", KEY)),
        (S3ObjectFacts(key="k", ok=False, error_code="AccessDenied", kms_key_id=KEY), ("kms:Decrypt", KEY)),
    ],
    ids=["object", "kms-key-named-in-error", "kms-key-header"],
)
def test_object_denial_to_simulate(probe: S3ObjectFacts, expected: tuple[str, str]) -> None:
    assert plan.object_denial_to_simulate(probe, b.BUCKET, _role(b.ROLE_ARN)) == expected
