"""Link s3: the assumed-role credentials reach S3, and which policy says no when they do not."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest

from irsa_tui.chain.facts import Facts, RoleFacts, S3Facts, S3ObjectFacts, SourceError, StsFacts
from irsa_tui.chain.links import s3
from irsa_tui.chain.model import LinkId, LinkResult, Status
from tests.chain.builders import BUCKET, NS, POD, REGION, ROLE_ARN, healthy_facts

BUCKET_ARN = f"arn:aws:s3:::{BUCKET}"
PREFIX = f'User: arn:aws:sts::111122223333:assumed-role/payments-api/irsa-tui is not authorized to perform: s3:ListBucket on resource: "{BUCKET_ARN}" '


def denied(message: str, code: str = "AccessDenied", http: int = 403, **kw: Any) -> Callable[[Facts], None]:
    def change(f: Facts) -> None:
        assert isinstance(f.s3, S3Facts)
        f.s3 = replace(
            f.s3, ok=False, objects_seen=None, error_code=code, error_message=message, http_status=http, **kw
        )

    return change


def role_policies(*policies: dict[str, Any]) -> Callable[[Facts], None]:
    def change(f: Facts) -> None:
        assert isinstance(f.role, RoleFacts)
        f.role = replace(f.role, policies=tuple(policies))

    return change


def both(*changes: Callable[[Facts], None]) -> Callable[[Facts], None]:
    def change(f: Facts) -> None:
        for c in changes:
            c(f)

    return change


OBJECTS_ONLY = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Action": ["s3:ListBucket", "s3:GetObject"], "Resource": f"{BUCKET_ARN}/*"}
    ],
}
NOTHING_FOR_S3 = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "sqs:*", "Resource": "*"}],
}
IDENTITY_MSG = PREFIX + "because no identity-based policy allows the s3:ListBucket action"


@pytest.mark.parametrize(
    ("message", "kind"),
    [
        (IDENTITY_MSG, "identity"),
        (PREFIX + "with an explicit deny in an identity-based policy", "identity"),
        (PREFIX + "with an explicit deny in a resource-based policy", "resource"),
        (PREFIX + "because no resource-based policy allows the s3:ListBucket action", "resource"),
        (PREFIX + "with an explicit deny in a service control policy", "scp"),
        (PREFIX + "with an explicit deny in a resource control policy", "scp"),
        (PREFIX + "because no permissions boundary allows the s3:ListBucket action", "boundary"),
        (PREFIX + "because no session policy allows the s3:ListBucket action", "session"),
        ("Access Denied", "unknown"),
        ("", "unknown"),
    ],
    ids=lambda v: v if v in ("identity", "resource", "scp", "boundary", "session", "unknown") else None,
)
def test_classify_denial(message: str, kind: str) -> None:
    assert s3.classify_denial(message) == kind


def test_healthy_facts_pass() -> None:
    result = s3.check(healthy_facts(), {})
    assert result.status is Status.PASS
    assert [f.code for f in result.findings] == ["S3-001"]
    assert result.summary == f"ListObjectsV2 on s3://{BUCKET} works (3 objects seen)"


CASES = [
    pytest.param(both(denied(IDENTITY_MSG), role_policies(OBJECTS_ONLY)), Status.FAIL, "S3-201",
                 id="list-bucket-on-objects.fail"),
    pytest.param(both(denied("Access Denied"), role_policies(OBJECTS_ONLY)), Status.FAIL, "S3-201",
                 id="list-bucket-on-objects-terse-message.fail"),
    pytest.param(both(denied(IDENTITY_MSG), role_policies(NOTHING_FOR_S3)), Status.FAIL, "S3-202",
                 id="no-s3-grant.fail"),
    pytest.param(denied(PREFIX + "with an explicit deny in an identity-based policy"), Status.FAIL, "S3-203",
                 id="identity-deny.fail"),
    pytest.param(denied(PREFIX + "with an explicit deny in a resource-based policy"), Status.FAIL, "S3-204",
                 id="bucket-policy-deny.fail"),
    pytest.param(denied(PREFIX + "with an explicit deny in a service control policy"), Status.FAIL, "S3-205",
                 id="scp-deny.fail"),
    pytest.param(denied(PREFIX + "because no permissions boundary allows the s3:ListBucket action"), Status.FAIL,
                 "S3-206", id="boundary.fail"),
    pytest.param(denied(PREFIX + "because no session policy allows the s3:ListBucket action"), Status.FAIL,
                 "S3-207", id="session-policy.fail"),
    pytest.param(denied("Access Denied"), Status.FAIL, "S3-208", id="terse-denial-policy-allows.fail"),
    pytest.param(denied("The specified bucket does not exist", "NoSuchBucket", 404), Status.FAIL, "S3-209",
                 id="no-such-bucket.fail"),
    pytest.param(denied("The bucket you are attempting to access must be addressed using the specified endpoint.",
                        "PermanentRedirect", 301, bucket_region="us-east-1"), Status.FAIL, "S3-210",
                 id="wrong-region.fail"),
    pytest.param(denied("All access to this object has been disabled", "AllAccessDisabled", 403), Status.FAIL,
                 "S3-211", id="all-access-disabled.fail"),
]  # fmt: skip


@pytest.mark.parametrize(("change", "status", "code"), CASES)
def test_cases(change: Callable[[Facts], None], status: Status, code: str) -> None:
    facts = healthy_facts()
    change(facts)
    result = s3.check(facts, {})
    assert result.status is status, result.summary
    assert [f.code for f in result.findings] == [code]
    assert {e.key: e.ok for e in result.evidence}["s3-call"] is False


def test_classic_mistake_shows_the_missing_statement_and_put_role_policy() -> None:
    facts = healthy_facts()
    both(denied(IDENTITY_MSG), role_policies(OBJECTS_ONLY))(facts)
    result = s3.check(facts, {})
    assert f"{BUCKET_ARN}/*" in result.summary and f"bucket ARN {BUCKET_ARN}" in result.summary
    assert result.fix is not None
    assert f"aws iam put-role-policy --role-name payments-api --policy-name s3-list-{BUCKET}" in result.fix
    document = result.fix.split("--policy-document '", 1)[1].rstrip("'")
    assert json.loads(document)["Statement"] == [
        {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": BUCKET_ARN}
    ]
    ev = {e.key: e for e in result.evidence}["list-bucket-resource"]
    assert (ev.expected, ev.actual) == (BUCKET_ARN, f"{BUCKET_ARN}/*")


def test_wrong_region_names_both_regions() -> None:
    facts = healthy_facts()
    denied(
        "The authorization header is malformed; the region 'eu-west-1' is wrong; expecting 'us-east-1'",
        "AuthorizationHeaderMalformed",
        400,
    )(facts)
    result = s3.check(facts, {})
    assert (
        result.summary
        == f"bucket {BUCKET} is in us-east-1, the client used {REGION} (AuthorizationHeaderMalformed)"
    )
    assert result.fix is not None and "region_name='us-east-1'" in result.fix


def test_scp_fix_points_at_the_org_admin() -> None:
    facts = healthy_facts()
    denied(PREFIX + "with an explicit deny in a service control policy")(facts)
    result = s3.check(facts, {})
    assert result.fix is not None and "Organizations administrator" in result.fix
    assert "--target-id 111122223333" in result.fix


def test_bucket_policy_deny_names_the_bucket() -> None:
    facts = healthy_facts()
    denied(PREFIX + "with an explicit deny in a resource-based policy")(facts)
    result = s3.check(facts, {})
    assert f"bucket policy of s3://{BUCKET}" in result.summary
    assert result.fix is not None and f"get-bucket-policy --bucket {BUCKET}" in result.fix


def test_list_buckets_denied_without_a_known_bucket_is_only_a_warning() -> None:
    facts = healthy_facts(
        s3=S3Facts(
            bucket=None,
            bucket_origin="list-buckets",
            operation="ListBuckets",
            ok=False,
            error_code="AccessDenied",
            error_message="Access Denied",
            http_status=403,
        )
    )
    result = s3.check(facts, {})
    assert result.status is Status.WARN
    assert [f.code for f in result.findings] == ["S3-101"]
    assert result.fix == f"irsa-tui check {NS}/{POD} --bucket <bucket-name>"


def test_simulation_goes_into_evidence() -> None:
    facts = healthy_facts()
    denied("Access Denied")(facts)
    assert isinstance(facts.s3, S3Facts)
    facts.s3 = replace(facts.s3, simulation={"s3:ListBucket": "implicitDeny"})
    result = s3.check(facts, {})
    ev = {e.key: e for e in result.evidence}["simulation/s3:ListBucket"]
    assert (ev.actual, ev.ok) == ("implicitDeny", False)
    assert result.fix is not None and f"--policy-source-arn {ROLE_ARN}" in result.fix


@pytest.mark.parametrize(
    ("change", "status", "text"),
    [
        pytest.param(denied("Please reduce your request rate.", "SlowDown", 503), Status.ERROR, "SlowDown",
                     id="slow-down.error"),
        pytest.param(denied("We encountered an internal error.", "InternalError", 500), Status.ERROR,
                     "InternalError", id="internal-error.error"),
        pytest.param(lambda f: setattr(f, "s3", SourceError("s3", "timeout", "ListObjectsV2: no answer in 5s")),
                     Status.ERROR, "no answer", id="timeout.error"),
        pytest.param(lambda f: (setattr(f, "s3", None), setattr(f, "live", False)), Status.SKIP, "live probes off",
                     id="no-live.skip"),
        pytest.param(
            lambda f: (setattr(f, "s3", None),
                       setattr(f, "sts", StsFacts(endpoint="x", ok=False, error_code="AccessDenied"))),
            Status.SKIP, "no credentials: sts failed", id="sts-failed.skip"),
    ],
)  # fmt: skip
def test_skip_and_error(change: Callable[[Facts], object], status: Status, text: str) -> None:
    facts = healthy_facts()
    change(facts)
    result = s3.check(facts, {})
    assert result.status is status
    assert text in result.summary


def test_skip_when_prior_sts_failed() -> None:
    prior = {LinkId.STS: LinkResult(id=LinkId.STS, status=Status.FAIL, summary="refused")}
    assert s3.check(healthy_facts(s3=None), prior).summary == "no credentials: sts failed"


@pytest.mark.parametrize(
    ("policy", "action", "resource", "allowed"),
    [
        pytest.param({"Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}}, "s3:ListBucket",
                     BUCKET_ARN, True, id="s3-star"),
        pytest.param({"Statement": [{"Effect": "Allow", "Action": "S3:list*", "Resource": "arn:aws:s3:::pay*"}]},
                     "s3:ListBucket", BUCKET_ARN, True, id="wildcards-action-case-insensitive"),
        pytest.param({"Statement": [{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": f"{BUCKET_ARN}/*"}]},
                     "s3:ListBucket", BUCKET_ARN, False, id="objects-only"),
        pytest.param({"Statement": [{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}]},
                     "s3:ListBucket", BUCKET_ARN, True, id="not-action"),
        pytest.param({"Statement": [{"Effect": "Deny", "Action": "s3:*", "Resource": "*"}]},
                     "s3:ListBucket", BUCKET_ARN, False, id="deny-is-no-allow"),
        pytest.param({"Statement": 5}, "s3:ListBucket", BUCKET_ARN, False, id="garbage"),
    ],
)  # fmt: skip
def test_action_allowed(policy: dict[str, Any], action: str, resource: str, allowed: bool) -> None:
    assert s3.action_allowed([policy], action, resource) is allowed


# --- GetObject probe (--object), SSE-KMS and region redirects ---------------------------------------

KEY = "2024/08/INV-0004.pdf"
KMS_ARN = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
SESSION = "arn:aws:sts::111122223333:assumed-role/payments-api/irsa-tui-1700000000"
# The shape real S3 answers for GetObject of an SSE-KMS object without kms:Decrypt (key ARN unquoted),
# e.g. ministryofjustice/modernisation-platform#11726.
KMS_IDENTITY = (
    f"User: {SESSION} is not authorized to perform: kms:Decrypt on resource: {KMS_ARN} "
    "because no identity-based policy allows the kms:Decrypt action"
)


def ev(result: LinkResult, key: str) -> str | None:
    return next(e.actual for e in result.evidence if e.key == key)


def with_object(probe: S3ObjectFacts | SourceError, **kw: Any) -> Facts:
    facts = healthy_facts()
    assert isinstance(facts.s3, S3Facts)
    facts.s3 = replace(facts.s3, object=probe, **kw)
    return facts


def heredoc_json(fix: str) -> Any:
    return json.loads(fix.split("<<'EOF'\n", 1)[1].split("\nEOF\n", 1)[0])


def test_object_readable_passes_and_names_the_key_and_encryption() -> None:
    probe = S3ObjectFacts(key=KEY, ok=True, http_status=206, sse="aws:kms", kms_key_id=KMS_ARN, bytes_read=1)
    result = s3.check(with_object(probe), {})
    assert result.status is Status.PASS
    assert [f.code for f in result.findings] == ["S3-001", "S3-002"]
    assert ev(result, "s3-object") == f"1 byte read; SSE-KMS, key {KMS_ARN}"
    assert f"s3://{BUCKET}/{KEY}" in result.findings[1].message


def test_empty_object_416_is_a_readable_object_not_a_failure() -> None:
    probe = S3ObjectFacts(key=KEY, ok=True, http_status=416, error_code="InvalidRange", bytes_read=0)
    result = s3.check(with_object(probe), {})
    assert result.status is Status.PASS
    assert [f.code for f in result.findings] == ["S3-001", "S3-002"]
    assert "empty object" in str(ev(result, "s3-object"))


def test_kms_decrypt_missing_in_role_policy_fails_with_runnable_fix() -> None:
    probe = S3ObjectFacts(
        key=KEY, ok=False, error_code="AccessDenied", error_message=KMS_IDENTITY, http_status=403
    )
    result = s3.check(with_object(probe), {})
    assert result.status is Status.FAIL
    assert result.findings[-1].code == "S3-212"
    assert KMS_ARN in result.summary and "kms:Decrypt" in result.summary
    fix = result.fix or ""
    doc = heredoc_json(fix)
    assert doc["Statement"] == [
        {"Sid": "DecryptObjectKey", "Effect": "Allow", "Action": "kms:Decrypt", "Resource": KMS_ARN}
    ]
    assert "aws iam put-role-policy --role-name payments-api " in fix
    assert "same account" in fix and "arn:aws:iam::111122223333:root" in fix
    assert ev(result, "identity-policy-allows") == "none"


def test_kms_key_in_another_account_says_the_key_policy_must_allow_the_role() -> None:
    other = KMS_ARN.replace("111122223333", "444455556666")
    probe = S3ObjectFacts(
        key=KEY, ok=False, error_code="AccessDenied", error_message=KMS_IDENTITY.replace(KMS_ARN, other)
    )
    result = s3.check(with_object(probe), {})
    assert result.findings[-1].code == "S3-212"
    assert "the key is in account 444455556666" in (result.fix or "")
    assert heredoc_json(result.fix or "")["Statement"][0]["Resource"] == other


def test_kms_key_policy_denial_points_at_the_key_policy() -> None:
    message = KMS_IDENTITY.replace("identity-based", "resource-based")
    probe = S3ObjectFacts(key=KEY, ok=False, error_code="AccessDenied", error_message=message)
    result = s3.check(with_object(probe), {})
    assert (result.status, result.findings[-1].code) == (Status.FAIL, "S3-213")
    assert "put-key-policy" in (result.fix or "") and "put-role-policy" not in (result.fix or "")
    assert json.loads((result.fix or "").split("#   ", 1)[1].split("\n", 1)[0])["Principal"] == {
        "AWS": ROLE_ARN
    }


def test_kms_denied_by_scp_is_the_scp() -> None:
    message = KMS_IDENTITY.replace(
        "because no identity-based policy allows the kms:Decrypt action",
        "with an explicit deny in a service control policy",
    )
    probe = S3ObjectFacts(key=KEY, ok=False, error_code="AccessDenied", error_message=message)
    result = s3.check(with_object(probe), {})
    assert result.findings[-1].code == "S3-205" and "kms:Decrypt" in result.summary


def test_getobject_denied_without_kms_names_s3_getobject() -> None:
    message = (
        f'User: {SESSION} is not authorized to perform: s3:GetObject on resource: "{BUCKET_ARN}/{KEY}" '
        "because no identity-based policy allows the s3:GetObject action"
    )
    facts = with_object(S3ObjectFacts(key=KEY, ok=False, error_code="AccessDenied", error_message=message))
    role_policies(NOTHING_FOR_S3)(facts)
    assert isinstance(facts.s3, S3Facts)
    facts.s3 = replace(facts.s3, ok=True)
    result = s3.check(facts, {})
    assert result.findings[-1].code == "S3-202"
    assert f"s3:GetObject on {BUCKET_ARN}/{KEY}" in result.summary


def test_missing_object_is_nosuchkey_with_a_listing_fix() -> None:
    probe = S3ObjectFacts(
        key="2024/06/INV 0009.pdf",
        ok=False,
        error_code="NoSuchKey",
        error_message="The specified key does not exist.",
        http_status=404,
    )
    result = s3.check(with_object(probe), {})
    assert (result.status, result.findings[-1].code) == (Status.FAIL, "S3-214")
    assert "2024/06/INV 0009.pdf" in result.summary
    assert f"--bucket {BUCKET} --prefix 2024/06/ " in (result.fix or "")


def test_object_probe_timeout_makes_the_link_incomplete() -> None:
    result = s3.check(with_object(SourceError("s3", "timeout", "s3 GetObject s3://b/k: timed out")), {})
    assert result.status is Status.ERROR and "timed out" in result.summary


def test_control_characters_in_keys_never_reach_the_summary() -> None:
    probe = S3ObjectFacts(key="a\x1b[31mb", ok=False, error_code="NoSuchKey", http_status=404)
    result = s3.check(with_object(probe), {})
    assert "\x1b" not in result.summary and "a?[31mb" in result.summary


@pytest.mark.parametrize("code", ["PermanentRedirect", "AuthorizationHeaderMalformed"])
def test_followed_region_redirect_is_a_warning_naming_both_regions(code: str) -> None:
    facts = healthy_facts()
    assert isinstance(facts.s3, S3Facts)
    facts.s3 = replace(facts.s3, redirect_code=code, client_region="eu-west-1", bucket_region="us-east-1")
    result = s3.check(facts, {})
    assert result.status is Status.WARN
    assert [f.code for f in result.findings] == ["S3-001", "S3-102"]
    assert "us-east-1" in result.summary and "eu-west-1" in result.summary and code in result.summary
    assert "region_name='us-east-1'" in (result.fix or "")


def test_no_redirect_no_warning() -> None:
    facts = healthy_facts()
    assert isinstance(facts.s3, S3Facts)
    facts.s3 = replace(facts.s3, client_region="eu-west-1", bucket_region="eu-west-1")
    assert s3.check(facts, {}).status is Status.PASS


@pytest.mark.parametrize(
    ("key", "problem"),
    [
        ("2024/06/INV-0001.pdf", None),
        ("dir with spaces/é.pdf", None),
        ("", "cannot be empty"),
        ("a\nb", "control characters"),
        ("x" * 1025, "at most 1024 bytes"),
        ("é" * 600, "at most 1024 bytes"),
    ],
)
def test_object_key_problem(key: str, problem: str | None) -> None:
    found = s3.object_key_problem(key)
    assert (found is None) if problem is None else (found is not None and problem in found)


def test_an_sts_error_is_not_called_a_failure_in_the_s3_skip() -> None:
    """Issue 17 #9: "no credentials: sts failed" when STS was an error (throttled), not a refusal."""
    prior = {LinkId.STS: LinkResult(LinkId.STS, Status.ERROR, "sts AssumeRoleWithWebIdentity: Throttling")}
    summary = s3.check(healthy_facts(s3=None), prior).summary
    assert summary == "no credentials: the STS call did not complete (see sts)"
