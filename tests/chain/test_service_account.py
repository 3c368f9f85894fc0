"""Link service-account: one named change to healthy facts per case."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pytest

from irsa_tui.chain.facts import Facts, OwnerRef, PodFacts, SourceError
from irsa_tui.chain.links import service_account
from irsa_tui.chain.model import Status
from tests.chain.builders import ACCOUNT, NS, POD, ROLE_ARN, SA, healthy_facts, healthy_pod, healthy_sa

ROLE_NAME = "payments-api"


def _annotations(f: Facts, annotations: dict[str, str]) -> None:
    f.service_account = healthy_sa(annotations=annotations)


def annotation_missing(f: Facts) -> None:
    _annotations(f, {})


def annotation_empty(f: Facts) -> None:
    _annotations(f, {"eks.amazonaws.com/role-arn": ""})


def key_underscore(f: Facts) -> None:
    _annotations(f, {"eks.amazonaws.com/role_arn": ROLE_ARN})


def key_trailing_space(f: Facts) -> None:
    _annotations(f, {"eks.amazonaws.com/role-arn ": ROLE_ARN})


def key_wrong_domain(f: Facts) -> None:
    _annotations(f, {"eks.amazon.com/role-arn": ROLE_ARN})


def key_upper_case(f: Facts) -> None:
    _annotations(f, {"EKS.amazonaws.com/Role-Arn": ROLE_ARN})


def sa_missing(f: Facts) -> None:
    f.service_account = SourceError(
        "kubernetes", "not-found", f"GET serviceaccount {NS}/{SA}: 404", status=404
    )


def pod_on_default_sa(f: Facts) -> None:
    f.pod = healthy_pod(service_account_name=None)
    f.service_account = healthy_sa(name="default", annotations={})
    f.namespace_service_accounts = (
        healthy_sa(name="default", annotations={}),
        healthy_sa(
            name="batch-worker",
            annotations={"eks.amazonaws.com/role-arn": f"arn:aws:iam::{ACCOUNT}:role/batch"},
        ),
        healthy_sa(name="api-sa", annotations={"eks.amazonaws.com/role-arn": ROLE_ARN}),
    )


def arn_user(f: Facts) -> None:
    _annotations(f, {"eks.amazonaws.com/role-arn": f"arn:aws:iam::{ACCOUNT}:user/{ROLE_NAME}"})


def arn_short_account(f: Facts) -> None:
    _annotations(f, {"eks.amazonaws.com/role-arn": f"arn:aws:iam::1111222233:role/{ROLE_NAME}"})


def arn_role_name_only(f: Facts) -> None:
    _annotations(f, {"eks.amazonaws.com/role-arn": ROLE_NAME})


def arn_quoted(f: Facts) -> None:
    _annotations(f, {"eks.amazonaws.com/role-arn": f'"{ROLE_ARN}"'})


def arn_china_partition_in_eu(f: Facts) -> None:
    _annotations(f, {"eks.amazonaws.com/role-arn": f"arn:aws-cn:iam::{ACCOUNT}:role/{ROLE_NAME}"})
    f.role = None


def role_does_not_exist(f: Facts) -> None:
    f.role = SourceError(
        "iam", "not-found", f"GetRole {ROLE_NAME}: NoSuchEntity", code="NoSuchEntity", status=404
    )


def role_forbidden(f: Facts) -> None:
    f.role = SourceError("iam", "forbidden", "GetRole: AccessDenied", permission="iam:GetRole", status=403)


def sts_regional_not_bool(f: Facts) -> None:
    _annotations(
        f, {"eks.amazonaws.com/role-arn": ROLE_ARN, "eks.amazonaws.com/sts-regional-endpoints": "yes"}
    )


CASES = [
    pytest.param(annotation_missing, Status.FAIL, "SA-201", id="annotation-missing.fail"),
    pytest.param(annotation_empty, Status.FAIL, "SA-201", id="annotation-empty.fail"),
    pytest.param(key_underscore, Status.FAIL, "SA-204", id="key-role_arn.fail"),
    pytest.param(key_trailing_space, Status.FAIL, "SA-204", id="key-trailing-space.fail"),
    pytest.param(key_wrong_domain, Status.FAIL, "SA-204", id="key-amazon.com.fail"),
    pytest.param(key_upper_case, Status.FAIL, "SA-204", id="key-upper-case.fail"),
    pytest.param(sa_missing, Status.FAIL, "SA-202", id="sa-missing.fail"),
    pytest.param(pod_on_default_sa, Status.FAIL, "SA-203", id="pod-on-default-sa.fail"),
    pytest.param(arn_user, Status.FAIL, "SA-205", id="arn-user-not-role.fail"),
    pytest.param(arn_short_account, Status.FAIL, "SA-205", id="arn-account-10-digits.fail"),
    pytest.param(arn_role_name_only, Status.FAIL, "SA-205", id="arn-role-name-only.fail"),
    pytest.param(arn_quoted, Status.FAIL, "SA-205", id="arn-quoted.fail"),
    pytest.param(arn_china_partition_in_eu, Status.FAIL, "SA-206", id="partition-aws-cn-in-eu.fail"),
    pytest.param(role_does_not_exist, Status.FAIL, "SA-207", id="role-does-not-exist.fail"),
    pytest.param(role_forbidden, Status.WARN, "SA-101", id="role-get-forbidden.warn"),
    pytest.param(sts_regional_not_bool, Status.WARN, "SA-102", id="sts-regional-not-bool.warn"),
]


def test_healthy_facts_pass() -> None:
    result = service_account.check(healthy_facts(), {})
    assert result.status is Status.PASS
    assert [f.code for f in result.findings] == ["SA-001"]
    assert result.summary == f"ServiceAccount {NS}/{SA} names role {ROLE_ARN}"
    ev = {e.key: e for e in result.evidence}
    assert ev["role-arn-annotation"].actual == ROLE_ARN and ev["role-arn-annotation"].ok is True
    assert ev["service-account"].ok is True and ev["role-exists"].ok is True


@pytest.mark.parametrize(("change", "status", "code"), CASES)
def test_cases(change: Callable[[Facts], None], status: Status, code: str) -> None:
    facts = healthy_facts()
    change(facts)
    result = service_account.check(facts, {})
    assert result.status is status, result.summary
    assert code in [f.code for f in result.findings]
    if status is Status.FAIL:
        assert "SA-001" not in [f.code for f in result.findings]


def test_missing_annotation_fix_annotates_and_restarts_the_deployment() -> None:
    facts = healthy_facts()
    annotation_missing(facts)
    result = service_account.check(facts, {})
    assert "node role" in result.summary and f"{NS}/{SA}" in result.summary
    assert result.fix is not None
    assert (
        f"kubectl -n {NS} annotate serviceaccount {SA} eks.amazonaws.com/role-arn=arn:aws:iam::{ACCOUNT}:role/"
        in result.fix
    )
    assert f"kubectl -n {NS} rollout restart deployment/api" in result.fix
    assert {e.key: e.actual for e in result.evidence}["role-arn-annotation"] == "(absent)"


def test_near_miss_names_the_exact_key_and_removes_it() -> None:
    facts = healthy_facts()
    key_trailing_space(facts)
    result = service_account.check(facts, {})
    assert "'eks.amazonaws.com/role-arn '" in result.summary
    assert "whitespace" in result.summary
    assert result.fix is not None
    assert "'eks.amazonaws.com/role-arn -'" in result.fix  # shell-quoted removal of the bad key
    assert f"eks.amazonaws.com/role-arn={ROLE_ARN}" in result.fix


def test_near_miss_says_underscore() -> None:
    facts = healthy_facts()
    key_underscore(facts)
    assert "'_' instead of '-'" in service_account.check(facts, {}).summary


@pytest.mark.parametrize(
    "key", ["eks.amazonaws.com/audience", "eks.amazonaws.com/token-expiration", "iam.amazonaws.com/role"]
)
def test_other_annotations_are_not_near_misses(key: str) -> None:
    facts = healthy_facts()
    _annotations(facts, {key: "x"})
    assert [f.code for f in service_account.check(facts, {}).findings] == ["SA-201"]


def test_missing_sa_fix_creates_it_with_the_pods_role() -> None:
    facts = healthy_facts()
    sa_missing(facts)
    result = service_account.check(facts, {})
    assert result.summary == f"ServiceAccount {NS}/{SA} used by pod {POD} does not exist"
    assert result.fix is not None
    assert f"kubectl -n {NS} create serviceaccount {SA}" in result.fix
    assert f"eks.amazonaws.com/role-arn={ROLE_ARN}" in result.fix  # taken from the pod's AWS_ROLE_ARN


def test_default_sa_suggests_the_similar_name_and_patches_the_deployment() -> None:
    facts = healthy_facts()
    pod_on_default_sa(facts)
    result = service_account.check(facts, {})
    assert "api-sa" in result.summary and "batch-worker" not in result.summary
    assert result.fix is not None
    assert result.fix.startswith(f"kubectl -n {NS} patch deployment/api -p ")
    assert '"serviceAccountName":"api-sa"' in result.fix


def test_default_sa_without_controller_explains_recreate() -> None:
    facts = healthy_facts()
    pod_on_default_sa(facts)
    assert isinstance(facts.pod, PodFacts)
    facts.pod = replace(facts.pod, owner=None)
    result = service_account.check(facts, {})
    assert result.fix is not None
    assert "serviceAccountName: api-sa" in result.fix and f"kubectl -n {NS} delete pod {POD}" in result.fix


def test_malformed_arn_says_what_is_wrong_and_quotes_sts() -> None:
    facts = healthy_facts()
    arn_user(facts)
    result = service_account.check(facts, {})
    assert "':user/' instead of ':role/'" in result.summary
    assert "ValidationError: Request ARN is invalid" in result.summary
    assert result.fix is not None and f"role-arn=arn:aws:iam::{ACCOUNT}:role/{ROLE_NAME}" in result.fix
    facts = healthy_facts()
    arn_short_account(facts)
    assert "12 digits" in service_account.check(facts, {}).summary


def test_quoted_arn_fix_uses_unquoted_value() -> None:
    facts = healthy_facts()
    arn_quoted(facts)
    result = service_account.check(facts, {})
    assert "quotes" in result.summary
    assert result.fix is not None and f"eks.amazonaws.com/role-arn={ROLE_ARN} --overwrite" in result.fix


def test_partition_mismatch_fix_uses_region_partition() -> None:
    facts = healthy_facts()
    arn_china_partition_in_eu(facts)
    result = service_account.check(facts, {})
    assert "aws-cn" in result.summary and "eu-west-1" in result.summary
    assert result.fix is not None and f"role-arn=arn:aws:iam::{ACCOUNT}:role/{ROLE_NAME}" in result.fix


def test_missing_role_names_role_and_account_and_shows_trust_policy() -> None:
    facts = healthy_facts()
    role_does_not_exist(facts)
    result = service_account.check(facts, {})
    assert result.summary.startswith(f"role {ROLE_NAME} does not exist in account {ACCOUNT}")
    assert result.fix is not None
    assert f"aws iam create-role --role-name {ROLE_NAME}" in result.fix
    assert f'"system:serviceaccount:{NS}:{SA}"' in result.fix
    assert {e.key: e.ok for e in result.evidence}["role-exists"] is False


def test_forbidden_get_role_names_the_permission() -> None:
    facts = healthy_facts()
    role_forbidden(facts)
    result = service_account.check(facts, {})
    assert "iam:GetRole" in result.summary
    assert [f.code for f in result.findings] == ["SA-001", "SA-101"]


def test_role_not_gathered_is_not_judged() -> None:
    facts = healthy_facts(role=None)
    result = service_account.check(facts, {})
    assert result.status is Status.PASS
    assert "role-exists" not in {e.key for e in result.evidence}


def test_restart_command_for_owners() -> None:
    facts = healthy_facts()
    facts.pod = healthy_pod(owner=OwnerRef("StatefulSet", "db"))
    assert service_account.restart_command(facts) == f"kubectl -n {NS} rollout restart statefulset/db"
    facts.pod = healthy_pod(owner=OwnerRef("Job", "migrate"))
    assert service_account.restart_command(facts).startswith(f"kubectl -n {NS} delete pod {POD}")


@pytest.mark.parametrize(
    ("change", "status"),
    [
        pytest.param(
            lambda f: setattr(
                f, "pod", SourceError("kubernetes", "forbidden", "GET pod: 403", permission="get pods")
            ),
            Status.ERROR,
            id="pod-forbidden.error",
        ),
        pytest.param(
            lambda f: setattr(f, "pod", SourceError("kubernetes", "not-found", "GET pod: 404")),
            Status.ERROR,
            id="pod-not-found.error",
        ),
        pytest.param(
            lambda f: setattr(
                f, "service_account", SourceError("kubernetes", "timeout", "GET sa: timed out")
            ),
            Status.ERROR,
            id="sa-timeout.error",
        ),
        pytest.param(lambda f: setattr(f, "pod", None), Status.SKIP, id="pod-not-gathered.skip"),
    ],
)
def test_error_and_skip(change: Callable[[Facts], object], status: Status) -> None:
    facts = healthy_facts()
    change(facts)
    assert service_account.check(facts, {}).status is status


def test_role_name_only_fix_builds_the_arn_with_the_cluster_account() -> None:
    facts = healthy_facts()
    arn_role_name_only(facts)
    result = service_account.check(facts, {})
    assert "is a role name, not an ARN" in result.summary
    assert result.fix is not None and f"eks.amazonaws.com/role-arn={ROLE_ARN} --overwrite" in result.fix
