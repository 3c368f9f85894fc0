"""Decisions and the plain-words reasons an SRE reads for each common trust-policy mistake."""

from __future__ import annotations

import json
from typing import Any

import pytest

from irsa_tui.policy import RequestContext, evaluate, parse_policy
from tests.policy.helpers import (
    ACCOUNT,
    AUD,
    AUD_KEY,
    CLUSTER_ID,
    ISSUER,
    PROVIDER,
    REGION,
    SUB,
    SUB_KEY,
    canonical,
    ctx,
    policy,
    statement,
)

CANONICAL_TEXT = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
 "Principal":{"Federated":"arn:aws:iam::111122223333:oidc-provider/oidc.eks.REGION.amazonaws.com/id/ID"},
 "Action":"sts:AssumeRoleWithWebIdentity",
 "Condition":{"StringEquals":{
   "oidc.eks.REGION.amazonaws.com/id/ID:sub":"system:serviceaccount:NS:SA",
   "oidc.eks.REGION.amazonaws.com/id/ID:aud":"sts.amazonaws.com"}}}]}"""


def test_canonical_eks_policy_text_allows_its_service_account() -> None:
    text = CANONICAL_TEXT.replace("REGION", REGION).replace("/ID", f"/{CLUSTER_ID}")
    text = text.replace("NS:SA", "payments:api")
    result = evaluate(text, ctx())
    assert (result.decision, result.allowed_by, result.denied_by) == ("allow", 0, None)
    assert result.statements[0].mismatches == ()
    assert result.warnings == ()


def test_canonical_policy_denies_another_service_account() -> None:
    result = evaluate(canonical(), ctx(sub="system:serviceaccount:payments:worker"))
    assert result.decision == "implicit-deny"
    assert result.allowed_by is None
    (mismatch,) = result.statements[0].mismatches
    assert mismatch.key == SUB_KEY
    assert mismatch.expected == (SUB,)
    assert mismatch.actual == ("system:serviceaccount:payments:worker",)
    assert "service account 'api'" in mismatch.reason and "'worker'" in mismatch.reason


def test_evaluate_accepts_parsed_document_and_json_text_alike() -> None:
    doc = canonical()
    assert evaluate(parse_policy(doc), ctx()) == evaluate(json.dumps(doc), ctx()) == evaluate(doc, ctx())


def test_explicit_deny_beats_allow() -> None:
    deny = statement({"StringLike": {SUB_KEY: "system:serviceaccount:payments:*"}}, effect="Deny")
    result = evaluate(policy(canonical()["Statement"][0], deny), ctx())
    assert (result.decision, result.allowed_by, result.denied_by) == ("explicit-deny", 0, 1)


def test_deny_that_does_not_apply_leaves_the_allow() -> None:
    deny = statement({"StringEquals": {SUB_KEY: "system:serviceaccount:other:x"}}, effect="Deny")
    result = evaluate(policy(deny, canonical()["Statement"][0]), ctx())
    assert (result.decision, result.allowed_by, result.denied_by) == ("allow", 1, None)


def test_only_a_later_statement_matches() -> None:
    other_sa = statement({"StringEquals": {SUB_KEY: "system:serviceaccount:payments:worker"}}, sid="Worker")
    other_action = statement(action="sts:AssumeRole", sid="Old")
    good = statement({"StringEquals": {SUB_KEY: SUB}}, sid="Api")
    result = evaluate(policy(other_sa, other_action, good), ctx())
    assert (result.decision, result.allowed_by) == ("allow", 2)
    assert [s.applies for s in result.statements] == [False, False, True]
    assert [s.sid for s in result.statements] == ["Worker", "Old", "Api"]


OTHER_CLUSTER = "0123456789ABCDEF0123456789ABCDEF"


@pytest.mark.parametrize(
    ("federated", "phrase"),
    [
        (PROVIDER.replace(CLUSTER_ID, OTHER_CLUSTER), f"issuer id {OTHER_CLUSTER} instead of {CLUSTER_ID}"),
        (PROVIDER.replace(REGION, "us-east-1"), f"region us-east-1 instead of {REGION}"),
        (PROVIDER.replace(ACCOUNT, "444455556666"), f"account 444455556666 instead of {ACCOUNT}"),
        (PROVIDER.replace(ISSUER, "https://" + ISSUER), "must not contain 'https://'"),
        (PROVIDER.replace(CLUSTER_ID, CLUSTER_ID.lower()), "only in case"),
        (ISSUER, "must be the provider ARN"),
    ],
    ids=["old-cluster-id", "other-region", "other-account", "https-in-arn", "case", "issuer-not-arn"],
)
def test_principal_mismatch_names_what_differs(federated: str, phrase: str) -> None:
    result = evaluate(policy(statement(principal={"Federated": federated})), ctx())
    assert result.decision == "implicit-deny"
    (mismatch,) = result.statements[0].mismatches
    assert mismatch.element == "Principal"
    assert mismatch.actual == (PROVIDER,)
    assert phrase in mismatch.reason


def test_pod_identity_service_principal_is_explained() -> None:
    result = evaluate(policy(statement(principal={"Service": "pods.eks.amazonaws.com"})), ctx())
    assert "Pod Identity" in result.statements[0].mismatches[0].reason


@pytest.mark.parametrize("principal", ["*", {"AWS": "*"}], ids=["star", "aws-star"])
def test_wildcard_principal_matches_with_a_note(principal: Any) -> None:
    result = evaluate(policy(statement(principal=principal)), ctx())
    assert result.decision == "allow"
    assert any('Principal "*"' in n for n in result.statements[0].notes)


def test_federated_list_matches_any_entry() -> None:
    fed = {"Federated": [PROVIDER.replace(CLUSTER_ID, OTHER_CLUSTER), PROVIDER]}
    assert evaluate(policy(statement(principal=fed)), ctx()).decision == "allow"


@pytest.mark.parametrize(
    ("action", "applies"),
    [
        ("sts:AssumeRoleWithWebIdentity", True),
        ("STS:assumerolewithwebidentity", True),
        ("sts:*", True),
        ("sts:AssumeRole*", True),
        ("*", True),
        (["sts:TagSession", "sts:AssumeRoleWithWebIdentity"], True),
        ("sts:AssumeRole", False),
        (["sts:AssumeRole", "sts:TagSession"], False),
        ("sts:AssumeRoleWithSAML", False),
        ([], False),
    ],
    ids=lambda v: json.dumps(v),
)
def test_action_matching(action: Any, applies: bool) -> None:
    result = evaluate(policy(statement(action=action)), ctx())
    assert result.statements[0].applies is applies


def test_assume_role_action_reason() -> None:
    result = evaluate(policy(statement(action="sts:AssumeRole")), ctx())
    (mismatch,) = result.statements[0].mismatches
    assert mismatch.element == "Action"
    assert mismatch.reason == "Action is sts:AssumeRole; web identity needs sts:AssumeRoleWithWebIdentity"


def test_not_action() -> None:
    stmt = statement()
    del stmt["Action"]
    result = evaluate(policy({**stmt, "NotAction": "sts:AssumeRole"}), ctx())
    assert result.decision == "allow"
    assert any("NotAction with Allow" in n for n in result.statements[0].notes)
    result = evaluate(policy({**stmt, "NotAction": ["s3:*", "sts:*"]}), ctx())
    (mismatch,) = result.statements[0].mismatches
    assert (mismatch.element, mismatch.expected) == ("NotAction", ("s3:*", "sts:*"))
    assert "'sts:*'" in mismatch.reason


def test_not_principal_with_allow_never_applies_and_says_why() -> None:
    stmt = statement()
    del stmt["Principal"]
    result = evaluate(policy({**stmt, "NotPrincipal": {"AWS": "arn:aws:iam::444455556666:root"}}), ctx())
    assert result.decision == "implicit-deny"
    assert result.statements[0].mismatches[0].element == "NotPrincipal"
    assert "never with Allow; use Principal" in result.statements[0].mismatches[0].reason


def test_not_principal_deny_spares_the_listed_provider() -> None:
    deny = {"Effect": "Deny", "NotPrincipal": {"Federated": PROVIDER}, "Action": "sts:*"}
    assert evaluate(policy(canonical()["Statement"][0], deny), ctx()).decision == "allow"
    other = ctx()
    other = RequestContext(PROVIDER.replace(ACCOUNT, "444455556666"), other.condition_keys)
    assert evaluate(policy(statement(principal="*"), deny), other).decision == "explicit-deny"


@pytest.mark.parametrize("wildcard", ["*", "?"])
def test_string_equals_with_wildcard_says_use_string_like(wildcard: str) -> None:
    value = f"system:serviceaccount:payments:{wildcard}"
    result = evaluate(policy(statement({"StringEquals": {SUB_KEY: value}})), ctx())
    assert result.decision == "implicit-deny"
    assert result.statements[0].mismatches[0].reason == (
        f"StringEquals has no wildcards: '{wildcard}' is literal; use StringLike"
    )
    fixed = evaluate(policy(statement({"StringLike": {SUB_KEY: value.replace("?", "*")}})), ctx())
    assert fixed.decision == "allow"


# (condition written in the policy, phrases the reason must contain)
MISTAKES: list[tuple[dict[str, Any], tuple[str, ...]]] = [
    (
        {"StringEquals": {f"https://{SUB_KEY}": SUB}},
        ("must not start with 'https://'", f"'{SUB_KEY}'"),
    ),
    (
        {"StringEquals": {f"oidc.eks.{REGION}.amazonaws.com:sub": SUB}},
        ("without its '/id/…' path", f"the token's issuer is '{ISSUER}'"),
    ),
    (
        {"StringEquals": {SUB_KEY.replace(CLUSTER_ID, OTHER_CLUSTER): SUB}},
        ("condition key names issuer", f"but the token's issuer is '{ISSUER}'", "old or another cluster"),
    ),
    (
        {"StringEquals": {SUB_KEY.replace(REGION, "us-west-2"): SUB}},
        ("region us-west-2 instead of eu-west-1",),
    ),
    (
        {"StringEquals": {SUB_KEY: "system:serviceaccount:billing:api"}},
        ("namespace 'billing'", "namespace is 'payments'"),
    ),
    (
        {"StringEquals": {SUB_KEY: "system:serviceaccount:payments:apii"}},
        ("service account 'apii'", "service account is 'api'"),
    ),
    (
        {"StringEquals": {SUB_KEY: "system:serviceaccount:billing:job"}},
        ("namespace 'billing' and service account 'job'",),
    ),
    (
        {"StringEquals": {SUB_KEY: "payments:api"}},
        ("not of the form 'system:serviceaccount:NAMESPACE:NAME'",),
    ),
    (
        {"StringEquals": {SUB_KEY: ["system:serviceaccount:a:b", "system:serviceaccount:payments:web"]}},
        ("none of the 2 allowed subjects", "service account 'web'"),
    ),
    (
        {"StringEquals": {AUD_KEY: "sts.amazonaws.com.cn"}},
        ("audience differs", "'sts.amazonaws.com.cn'", "token's aud is 'sts.amazonaws.com'"),
    ),
    (
        {"StringEquals": {f"{ISSUER}:email": "a@example.com"}},
        ("':email' is never present for EKS tokens",),
    ),
    (
        {"StringEquals": {f"{ISSUER}:amr": "authenticated"}},
        ("Cognito",),
    ),
    (
        {"StringEquals": {SUB_KEY: SUB + " "}},
        ("leading/trailing whitespace",),
    ),
    (
        {"StringNotEquals": {SUB_KEY: SUB}},
        ("StringNotEquals excludes",),
    ),
    (
        {"ForAnyValue:StringEquals": {f"{ISSUER}:groups": "x"}},
        ("ForAnyValue is false when the key is absent", "never present for EKS tokens"),
    ),
    (
        {"Null": {SUB_KEY: "true"}},
        ("requires", "to be absent"),
    ),
    (
        {"StringEquals": {SUB_KEY: []}},
        ("an empty list matches nothing",),
    ),
]


@pytest.mark.parametrize(
    ("condition", "phrases"),
    MISTAKES,
    ids=[
        "https-prefix",
        "missing-id-path",
        "other-cluster-key",
        "other-region-key",
        "sub-other-namespace",
        "sub-other-sa",
        "sub-both-differ",
        "sub-malformed",
        "sub-several-values",
        "aud-other",
        "email-suffix",
        "amr-suffix",
        "whitespace",
        "negated",
        "for-any-value-absent",
        "null-true",
        "empty-value-list",
    ],
)
def test_common_mistakes_are_explained(condition: dict[str, Any], phrases: tuple[str, ...]) -> None:
    result = evaluate(policy(statement(condition)), ctx())
    assert result.decision == "implicit-deny"
    (mismatch,) = result.statements[0].mismatches
    for phrase in phrases:
        assert phrase in mismatch.reason
    assert "\n" not in mismatch.reason


def test_multi_valued_aud_matches_any_value() -> None:
    result = evaluate(canonical(), ctx(aud=["other", AUD]))
    assert result.decision == "allow"


def test_version_warnings() -> None:
    doc = canonical()
    del doc["Version"]
    assert any("no Version" in w for w in evaluate(doc, ctx()).warnings)
    doc["Version"] = "2008-10-17"
    assert any("2008-10-17" in w for w in evaluate(doc, ctx()).warnings)


def test_empty_statement_list_denies_with_warning() -> None:
    result = evaluate({"Version": "2012-10-17", "Statement": []}, ctx())
    assert result.decision == "implicit-deny"
    assert any("allows nothing" in w for w in result.warnings)


def test_single_statement_object_is_accepted() -> None:
    doc = {"Version": "2012-10-17", "Statement": canonical()["Statement"][0]}
    assert evaluate(doc, ctx()).decision == "allow"


def test_operator_spelling_is_case_insensitive_with_a_note() -> None:
    result = evaluate(policy(statement({"stringequals": {SUB_KEY: SUB}})), ctx())
    assert result.decision == "allow"
    assert any("'StringEquals'" in n for n in result.statements[0].notes)


def test_not_principal_is_flagged_as_unsupported_in_trust_policies() -> None:
    deny = {"Effect": "Deny", "NotPrincipal": {"Federated": PROVIDER}, "Action": "sts:*"}
    result = evaluate(policy(canonical()["Statement"][0], deny), ctx())
    assert any("does not accept NotPrincipal" in n for n in result.statements[1].notes)
