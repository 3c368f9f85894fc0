"""Documents IAM would reject, and hostile input: always PolicyError with one clear line."""

from __future__ import annotations

from typing import Any

import pytest

from irsa_tui.policy import PolicyError, evaluate, parse_policy
from tests.policy.helpers import SUB, SUB_KEY, canonical, ctx, policy, statement

GOOD = canonical()["Statement"][0]

BAD_TEXT: list[tuple[str, str]] = [
    ('{"Version": "2012-10-17" "Statement": []}', "trust policy is not valid JSON: Expecting ',' delimiter"),
    ("", "trust policy is empty"),
    ("null", "must be a JSON object, got null"),
    ("[1, 2]", "must be a JSON object, got a list"),
    ('{"Statement": [], "Statement": []}', "duplicate key 'Statement'"),
    (
        '{"Statement": {"Effect": "Allow", "Principal": "*", "Action": "*",'
        ' "Condition": {"StringEquals": {"a": "1", "a": "2"}}}}',
        "duplicate key 'a'",
    ),
    (
        '{"Statement": {"Effect": "Allow", "Principal": "*", "Action": "*", "Condition": {"StringLike": {"a": NaN}}}}',
        "NaN",
    ),
    (
        '{"Statement": {"Effect": "Allow", "Principal": "*", "Action": "*", "Condition": {"StringLike": {"a": 1'
        + "0" * 5000
        + "}}}}",
        "",
    ),
    ("[" * 50_000 + "]" * 50_000, "nested too deeply"),
    ("{" + '"a":1,' * 30_000 + '"b":1}', "refusing more than"),
    ('"\\u0000"', "got a string"),
]


@pytest.mark.parametrize(("text", "message"), BAD_TEXT, ids=[f"text{i}" for i in range(len(BAD_TEXT))])
def test_bad_json_text(text: str, message: str) -> None:
    try:
        evaluate(text, ctx())
    except PolicyError as err:
        assert message in str(err)
        assert "\n" not in str(err)
    else:
        # a 5000-digit number is legal JSON: kept as text, it just matches nothing
        assert message == ""


def _with(**fields: Any) -> dict[str, Any]:
    stmt = dict(GOOD)
    for name, value in fields.items():
        if value is ...:
            stmt.pop(name, None)
        else:
            stmt[name] = value
    return stmt


BAD_DOCS: list[tuple[Any, str]] = [
    (
        {"Version": "2012-10-17", "Statement": 5},
        "Statement must be an object or a list of objects, got a number",
    ),
    ({"Version": "2012-10-17"}, "has no Statement"),
    ({"Version": "2012-10-18", "Statement": []}, "Version must be '2012-10-17'"),
    ({"Version": 2012, "Statement": []}, "Version must be"),
    ({"Statement": [], "Foo": 1}, "unknown key 'Foo'"),
    ({"statement": []}, "IAM spells it 'Statement'"),
    ({1: "x", "Statement": []}, "non-string key 1"),
    (policy(5), "Statement[0] must be an object, got a number"),
    (policy(_with(Effect="allow")), "must be exactly 'Allow' or 'Deny' (case matters)"),
    (policy(_with(Effect="Permit")), "Effect must be 'Allow' or 'Deny', got 'Permit'"),
    (policy(_with(Effect=...)), "has no Effect"),
    (policy(_with(Effect=True)), "Effect must be 'Allow' or 'Deny', got True"),
    (policy(_with(Principal=...)), "has no Principal"),
    (policy(_with(NotPrincipal={"AWS": "x"})), "both Principal and NotPrincipal"),
    (policy(_with(Principal="arn:aws:iam::1:root")), 'must be "*" or an object'),
    (policy(_with(Principal={"Federate": "x"})), "unknown key 'Federate'"),
    (policy(_with(Principal={"Federated": 5})), "must be a string or a list of strings, got a number"),
    (policy(_with(Action=...)), "has no Action"),
    (policy(_with(NotAction="s3:*")), "both Action and NotAction"),
    (policy(_with(Action=["sts:*", None])), "found null"),
    (policy(_with(Resource="*")), "trust policies may not name a Resource"),
    (policy(_with(Sid=5)), "Sid must be a string"),
    (policy(_with(Condition=[])), "Condition must be an object of operators, got a list"),
    (
        policy(_with(Condition={"StringEqual": {SUB_KEY: SUB}})),
        "unknown condition operator 'StringEqual'; did you mean 'StringEquals'?",
    ),
    (policy(_with(Condition={"ForAnyValues:StringLike": {}})), "did you mean 'ForAnyValue:StringLike'?"),
    (policy(_with(Condition={"Regex": {}})), "unknown condition operator 'Regex'"),
    (policy(_with(Condition={"NullIfExists": {SUB_KEY: "true"}})), "Null takes no IfExists"),
    (policy(_with(Condition={"Null": {SUB_KEY: "maybe"}})), "Null takes 'true' or 'false'"),
    (policy(_with(Condition={"StringEquals": []})), "must be an object of condition keys, got a list"),
    (policy(_with(Condition={"StringEquals": {SUB_KEY: None}})), "got null"),
    (policy(_with(Condition={"StringEquals": {SUB_KEY: [["nested"]]}})), "got a list"),
    (policy(_with(Condition={"StringEquals": {SUB_KEY: {"a": 1}}})), "got an object"),
    (policy(_with(Condition={"StringEquals": {SUB_KEY: float("inf")}})), "is not a JSON number"),
    (policy(_with(Condition={"StringEquals": {"": "x"}})), "empty condition key"),
    (policy(_with(Condition={"StringEquals": {7: "x"}})), "non-string condition key 7"),
    (policy(_with(Condition={5: {}})), "non-string operator 5"),
    (policy(*[GOOD] * 30_000), "too large"),
]


@pytest.mark.parametrize(("document", "message"), BAD_DOCS, ids=[m[:40] for _, m in BAD_DOCS])
def test_invalid_documents_raise_policy_error(document: Any, message: str) -> None:
    with pytest.raises(PolicyError) as info:
        evaluate(document, ctx())
    assert message in str(info.value)
    assert "\n" not in str(info.value)


def test_policy_error_is_a_value_error() -> None:
    with pytest.raises(ValueError):
        parse_policy("{")


def test_control_characters_in_messages_are_escaped() -> None:
    with pytest.raises(PolicyError) as info:
        parse_policy(policy(_with(Effect="Al\nlow\x00")))
    assert "\n" not in str(info.value) and "\\n" in str(info.value)


def test_unicode_and_nul_values_compare_literally() -> None:
    weird = "system:serviceaccount:zahlungen:äpi\x00"
    doc = policy(statement({"StringEquals": {SUB_KEY: weird}}))
    assert evaluate(doc, ctx(sub=weird)).decision == "allow"
    assert evaluate(doc, ctx()).decision == "implicit-deny"


def test_duplicate_sids_warn() -> None:
    doc = policy(statement(sid="A"), statement(sid="A"))
    assert any("'A'" in w and "unique" in w for w in parse_policy(doc).warnings)
