"""Link trust-policy: one named change to the healthy trust policy per case."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest

from irsa_tui.chain.facts import Facts, RoleFacts, SourceError
from irsa_tui.chain.links import trust_policy
from irsa_tui.chain.model import Status
from tests.chain.builders import (
    ACCOUNT,
    ISSUER_HP,
    NS,
    PROVIDER_ARN,
    ROLE_ARN,
    SA,
    TRUST_POLICY,
    healthy_facts,
    healthy_token,
)

SUB_KEY = f"{ISSUER_HP}:sub"
AUD_KEY = f"{ISSUER_HP}:aud"
OUR_SUB = f"system:serviceaccount:{NS}:{SA}"
OLD_HP = "oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF"
OLD_PROVIDER = f"arn:aws:iam::{ACCOUNT}:oidc-provider/{OLD_HP}"


def policy(edit: Callable[[dict[str, Any]], None]) -> Callable[[Facts], None]:
    """A change that edits a deep copy of the healthy trust policy."""

    def change(f: Facts) -> None:
        doc = copy.deepcopy(TRUST_POLICY)
        edit(doc)
        assert isinstance(f.role, RoleFacts)
        f.role = replace(f.role, trust_policy=json.dumps(doc))

    return change


def raw_policy(text: str) -> Callable[[Facts], None]:
    def change(f: Facts) -> None:
        assert isinstance(f.role, RoleFacts)
        f.role = replace(f.role, trust_policy=text)

    return change


def _stmt(doc: dict[str, Any]) -> dict[str, Any]:
    stmt: dict[str, Any] = doc["Statement"][0]
    return stmt


def wrong_sa(doc: dict[str, Any]) -> None:
    _stmt(doc)["Condition"]["StringEquals"][SUB_KEY] = f"system:serviceaccount:{NS}:worker"


def old_cluster(doc: dict[str, Any]) -> None:
    s = _stmt(doc)
    s["Principal"]["Federated"] = OLD_PROVIDER
    s["Condition"] = {"StringEquals": {f"{OLD_HP}:sub": OUR_SUB, f"{OLD_HP}:aud": "sts.amazonaws.com"}}


def assume_role_action(doc: dict[str, Any]) -> None:
    _stmt(doc)["Action"] = "sts:AssumeRole"


def wildcard_in_string_equals(doc: dict[str, Any]) -> None:
    _stmt(doc)["Condition"]["StringEquals"][SUB_KEY] = f"system:serviceaccount:{NS}:*"


def explicit_deny(doc: dict[str, Any]) -> None:
    doc["Statement"].append(
        {
            "Sid": "NoPayments",
            "Effect": "Deny",
            "Principal": {"Federated": PROVIDER_ARN},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {"StringLike": {SUB_KEY: f"system:serviceaccount:{NS}:*"}},
        }
    )


def later_statement_matches(doc: dict[str, Any]) -> None:
    good = copy.deepcopy(_stmt(doc))
    good["Sid"] = "Api"
    wrong_sa(doc)
    doc["Statement"].append(good)


def no_sub_pin(doc: dict[str, Any]) -> None:
    del _stmt(doc)["Condition"]["StringEquals"][SUB_KEY]


def for_all_values(doc: dict[str, Any]) -> None:
    _stmt(doc)["Condition"] = {
        "ForAllValues:StringEquals": {SUB_KEY: OUR_SUB},
        "StringEquals": {AUD_KEY: "sts.amazonaws.com"},
    }


CASES = [
    pytest.param(policy(wrong_sa), Status.FAIL, "TRUST-201", id="other-service-account.fail"),
    pytest.param(policy(old_cluster), Status.FAIL, "TRUST-201", id="old-cluster-provider.fail"),
    pytest.param(policy(assume_role_action), Status.FAIL, "TRUST-201", id="action-assume-role.fail"),
    pytest.param(
        policy(wildcard_in_string_equals), Status.FAIL, "TRUST-201", id="string-equals-wildcard.fail"
    ),
    pytest.param(policy(explicit_deny), Status.FAIL, "TRUST-202", id="explicit-deny.fail"),
    pytest.param(policy(later_statement_matches), Status.PASS, "TRUST-001", id="later-statement.pass"),
    pytest.param(policy(no_sub_pin), Status.WARN, "TRUST-101", id="no-sub-pin.warn"),
    pytest.param(policy(for_all_values), Status.WARN, "TRUST-102", id="for-all-values.warn"),
    pytest.param(policy(lambda d: d.pop("Version")), Status.WARN, "TRUST-103", id="no-version.warn"),
]


def test_healthy_facts_pass() -> None:
    result = trust_policy.check(healthy_facts(), {})
    assert result.status is Status.PASS, result.summary
    assert [f.code for f in result.findings] == ["TRUST-001"]
    assert result.summary.startswith(f"statement #1 allows {OUR_SUB}")
    assert result.details["decision"] == "allow"
    assert result.details["policy"] == TRUST_POLICY


@pytest.mark.parametrize(("change", "status", "code"), CASES)
def test_cases(change: Callable[[Facts], None], status: Status, code: str) -> None:
    facts = healthy_facts()
    change(facts)
    result = trust_policy.check(facts, {})
    assert result.status is status, result.summary
    assert code in [f.code for f in result.findings]


def _run(change: Callable[[Facts], None]) -> Any:
    facts = healthy_facts()
    change(facts)
    return trust_policy.check(facts, {})


def test_wrong_sa_names_both_subjects_and_fixes_with_canonical_policy() -> None:
    result = _run(policy(wrong_sa))
    assert f"allows system:serviceaccount:{NS}:worker, not {OUR_SUB}" in result.summary
    assert result.fix is not None
    assert (
        "aws iam update-assume-role-policy --role-name payments-api --policy-document file://trust.json"
        in result.fix
    )
    corrected = json.loads(_heredoc(result.fix))
    assert {
        "Effect": "Allow",
        "Principal": {"Federated": PROVIDER_ARN},
        "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": {"StringEquals": {SUB_KEY: OUR_SUB, AUD_KEY: "sts.amazonaws.com"}},
    } in corrected["Statement"]
    mismatch = [e for e in result.evidence if e.key.startswith("statement-1/condition")]
    assert mismatch and mismatch[0].actual == OUR_SUB and mismatch[0].ok is False


def test_old_cluster_names_both_issuer_ids() -> None:
    result = _run(policy(old_cluster))
    assert "…/id/0123456789ABCDEF0123456789ABCDEF" in result.summary
    assert "…/id/8BAC0F1E2D3C4B5A69788796A5B4C3D2" in result.summary


@pytest.mark.parametrize(
    ("federated", "words"),
    [
        pytest.param(
            PROVIDER_ARN.replace(f"::{ACCOUNT}:", "::210987654321:"),
            f"provider in account 210987654321, the token's provider is in {ACCOUNT}",
            id="other-account",
        ),
        pytest.param(
            PROVIDER_ARN.replace("arn:aws:", "arn:aws-cn:"),
            "names partition aws-cn, the token's provider is in aws",
            id="other-partition",
        ),
    ],
)
def test_same_issuer_other_account_or_partition_is_named(federated: str, words: str) -> None:
    def other(doc: dict[str, Any]) -> None:
        doc["Statement"][0]["Principal"] = {"Federated": federated}

    result = _run(policy(other))
    assert result.status is Status.FAIL
    assert words in result.summary


def test_assume_role_action_is_named() -> None:
    assert (
        "Action is sts:AssumeRole, web identity needs sts:AssumeRoleWithWebIdentity"
        in _run(policy(assume_role_action)).summary
    )


def test_string_equals_wildcard_is_explained() -> None:
    assert "StringEquals has no wildcards" in _run(policy(wildcard_in_string_equals)).summary


def test_explicit_deny_names_the_statement() -> None:
    result = _run(policy(explicit_deny))
    assert "#2 (Sid NoPayments)" in result.summary
    assert result.details["denied_by"] == 1


def test_later_statement_is_named_with_a_note() -> None:
    result = _run(policy(later_statement_matches))
    assert result.summary.startswith("statement #2 (Sid Api) allows")
    assert "earlier Allow statement #1 does not match" in result.summary
    assert [s["applies"] for s in result.details["statements"]] == [False, True]


def test_for_all_values_is_reported_once_as_such() -> None:
    codes = [f.code for f in _run(policy(for_all_values)).findings]
    assert codes.count("TRUST-102") == 1 and "TRUST-101" not in codes


def test_weak_statement_fix_pins_the_sub() -> None:
    result = _run(policy(no_sub_pin))
    assert result.fix is not None
    corrected = json.loads(_heredoc(result.fix))
    assert corrected["Statement"][0]["Condition"]["StringEquals"][SUB_KEY] == OUR_SUB


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("{not json", id="not-json"),
        pytest.param('{"Version": "2012-10-17", "Statement": [{"Effect": "Maybe"}]}', id="bad-effect"),
        pytest.param(
            json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [{**TRUST_POLICY["Statement"][0], "Condition": {"StringEqual": {}}}],
                }
            ),
            id="unknown-operator",
        ),
    ],
)
def test_unreadable_policy_is_an_error_not_a_crash(text: str) -> None:
    result = _run(raw_policy(text))
    assert result.status is Status.ERROR
    assert result.summary.startswith("trust policy of payments-api cannot be evaluated: ")
    assert {e.key: e.actual for e in result.evidence}["trust-policy-text"] == text


@pytest.mark.parametrize(
    ("change", "status", "text"),
    [
        pytest.param(lambda f: setattr(f, "role", None), Status.SKIP, "no role ARN", id="no-role.skip"),
        pytest.param(
            lambda f: setattr(f, "role", SourceError("iam", "not-found", "GetRole: NoSuchEntity")),
            Status.SKIP,
            "role does not exist",
            id="role-missing.skip",
        ),
        pytest.param(
            lambda f: setattr(
                f, "role", SourceError("iam", "forbidden", "GetRole: 403", permission="iam:GetRole")
            ),
            Status.ERROR,
            "iam:GetRole",
            id="get-role-forbidden.error",
        ),
        pytest.param(lambda f: setattr(f, "token", None), Status.SKIP, "no token", id="no-token.skip"),
    ],
)
def test_skip_and_error(change: Callable[[Facts], object], status: Status, text: str) -> None:
    facts = healthy_facts()
    change(facts)
    result = trust_policy.check(facts, {})
    assert result.status is status
    assert text in result.summary


def test_request_context_from_claims() -> None:
    role = healthy_facts().role
    assert isinstance(role, RoleFacts)
    ctx = trust_policy.request_context(role, healthy_token())
    assert ctx is not None
    assert ctx.principal_federated == PROVIDER_ARN
    assert dict(ctx.condition_keys) == {SUB_KEY: OUR_SUB, AUD_KEY: "sts.amazonaws.com"}
    many = healthy_token(claims={**healthy_token().claims, "aud": ["a", "b"]})
    ctx = trust_policy.request_context(role, many)
    assert ctx is not None and list(ctx.condition_keys[AUD_KEY]) == ["a", "b"]
    gov = replace(role, arn=ROLE_ARN.replace("arn:aws:", "arn:aws-us-gov:"))
    ctx = trust_policy.request_context(gov, healthy_token())
    assert ctx is not None and ctx.principal_federated.startswith("arn:aws-us-gov:iam::")


def _heredoc(fix: str) -> str:
    """The trust.json body of a runnable fix: between `cat > trust.json <<'EOF'` and `EOF`."""
    assert "cat > trust.json <<'EOF'\n" in fix and "aws iam update-assume-role-policy" in fix
    return fix.split("cat > trust.json <<'EOF'\n", 1)[1].split("\nEOF\n", 1)[0]
