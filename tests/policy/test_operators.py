"""Each condition operator, its IfExists / IgnoreCase / negated forms, key present and absent."""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from irsa_tui.policy import evaluate
from irsa_tui.policy.operators import glob_match
from tests.policy.helpers import ABSENT, SUB, SUB_KEY, ctx, policy, statement

KEY = "test:key"
MULTI = "test:multi"

# (operator, policy value(s), request value for KEY or ABSENT, statement applies?)
SINGLE: list[tuple[str, Any, Any, bool]] = [
    ("StringEquals", "abc", "abc", True),
    ("StringEquals", "abc", "abd", False),
    ("StringEquals", "abc", "ABC", False),
    ("StringEquals", "abc", ABSENT, False),
    ("StringEqualsIfExists", "abc", ABSENT, True),
    ("StringEqualsIfExists", "abc", "abd", False),
    ("StringEqualsIfExists", "abc", "abc", True),
    ("StringNotEquals", "abc", "abc", False),
    ("StringNotEquals", "abc", "xyz", True),
    ("StringNotEquals", "abc", ABSENT, True),
    ("StringNotEqualsIfExists", "abc", ABSENT, True),
    ("StringNotEqualsIfExists", "abc", "abc", False),
    ("StringEqualsIgnoreCase", "abc", "ABC", True),
    ("StringEqualsIgnoreCase", "abc", "abd", False),
    ("StringEqualsIgnoreCase", "abc", ABSENT, False),
    ("StringEqualsIgnoreCaseIfExists", "abc", ABSENT, True),
    ("StringNotEqualsIgnoreCase", "abc", "ABC", False),
    ("StringNotEqualsIgnoreCase", "abc", "xyz", True),
    ("StringNotEqualsIgnoreCase", "abc", ABSENT, True),
    ("StringLike", "system:serviceaccount:payments:*", SUB, True),
    ("StringLike", "system:serviceaccount:pay?ents:api", SUB, True),
    ("StringLike", "system:serviceaccount:payments:ap", SUB, False),
    ("StringLike", "*", "", True),
    ("StringLike", "?", "", False),
    ("StringLike", "a.c", "abc", False),
    ("StringLike", "[a]bc", "abc", False),
    ("StringLike", "a+", "aa", False),
    ("StringLike", "System:*", SUB, False),
    ("StringLike", "abc", ABSENT, False),
    ("StringLikeIfExists", "abc", ABSENT, True),
    ("StringLikeIfExists", "a*", "xbc", False),
    ("StringNotLike", "a*", "abc", False),
    ("StringNotLike", "a*", "xbc", True),
    ("StringNotLike", "a*", ABSENT, True),
    ("StringNotLikeIfExists", "a*", ABSENT, True),
    ("Bool", True, "true", True),
    ("Bool", "true", "TRUE", True),
    ("Bool", False, "true", False),
    ("Bool", True, ABSENT, False),
    ("BoolIfExists", True, ABSENT, True),
    ("Null", "true", ABSENT, True),
    ("Null", "true", "x", False),
    ("Null", "false", "x", True),
    ("Null", "false", ABSENT, False),
    ("ArnLike", "arn:aws:iam::*:role/app-*", "arn:aws:iam::123456789012:role/app-x", True),
    ("ArnEquals", "arn:aws:iam::*:role/app-*", "arn:aws:iam::123456789012:role/app-x", True),
    ("ArnLike", "arn:aws:iam::*:role/app-*", "arn:aws:iam::123456789012:role/db", False),
    ("ArnLike", "arn:aws:iam::*", "arn:aws:iam::123456789012:role/db", False),
    ("ArnLike", "arn:aws:iam::*:role/*", ABSENT, False),
    ("ArnNotLike", "arn:aws:iam::*:role/app-*", "arn:aws:iam::123456789012:role/db", True),
    ("ArnNotEquals", "arn:aws:iam::*:role/*", ABSENT, True),
    ("NumericLessThan", 10, "5", True),
    ("NumericLessThan", 10, "50", False),
    ("NumericGreaterThanEquals", "5", "5", True),
    ("NumericEquals", 5, "five", False),
    ("DateLessThan", "2030-01-01T00:00:00Z", "2025-06-01T00:00:00Z", True),
    ("DateGreaterThan", "2030-01-01T00:00:00Z", "2025-06-01T00:00:00Z", False),
    ("IpAddress", "10.0.0.0/8", "10.1.2.3", True),
    ("NotIpAddress", "10.0.0.0/8", "10.1.2.3", False),
    ("StringEquals", 5, "5", True),
    ("StringEquals", True, "true", True),
    ("StringEquals", 1.5, "1.5", True),
    ("StringEquals", [], "abc", False),
    ("StringLike", [], "abc", False),
    ("StringEquals", ["x", "abc"], "abc", True),
    ("StringEquals", ["x", "y"], "abc", False),
]


@pytest.mark.parametrize(
    ("operator", "values", "request_value", "applies"),
    SINGLE,
    ids=[f"{op}-{v!r}-vs-{'absent' if r is ABSENT else repr(r)}" for op, v, r, _ in SINGLE],
)
def test_single_valued_operator(operator: str, values: Any, request_value: Any, applies: bool) -> None:
    extra = {} if request_value is ABSENT else {KEY: request_value}
    result = evaluate(policy(statement({operator: {KEY: values}})), ctx(**extra))
    assert result.statements[0].applies is applies
    assert result.decision == ("allow" if applies else "implicit-deny")
    if not applies:
        (mismatch,) = result.statements[0].mismatches
        assert (mismatch.element, mismatch.operator, mismatch.key) == ("Condition", operator, KEY)
        assert mismatch.actual == (None if request_value is ABSENT else (str(request_value),))


# Request key MULTI: None (absent), [] (present, empty) or a list of values.
SETS: list[tuple[str, Any, Any, bool]] = [
    ("ForAnyValue:StringEquals", ["b", "z"], ["a", "b"], True),
    ("ForAnyValue:StringEquals", ["z"], ["a", "b"], False),
    ("ForAnyValue:StringEquals", ["a"], ABSENT, False),
    ("ForAnyValue:StringEquals", ["a"], [], False),
    ("ForAnyValue:StringEqualsIfExists", ["a"], ABSENT, True),
    ("ForAnyValue:StringLike", ["x*", "b?"], ["a", "bc"], True),
    ("ForAnyValue:StringNotEquals", ["a"], ["a", "b"], True),
    ("ForAnyValue:StringNotEquals", ["a", "b"], ["a", "b"], False),
    ("ForAllValues:StringEquals", ["a", "b", "c"], ["a", "b"], True),
    ("ForAllValues:StringEquals", ["a"], ["a", "b"], False),
    ("ForAllValues:StringEquals", ["a"], ABSENT, True),
    ("ForAllValues:StringEquals", ["a"], [], True),
    ("ForAllValues:StringLike", ["*"], ["a", "b"], True),
    ("ForAllValues:StringNotEquals", ["z"], ["a", "b"], True),
    ("ForAllValues:StringNotEquals", ["a"], ["a", "b"], False),
    ("ForAllValues:StringEqualsIgnoreCase", ["A", "B"], ["a", "b"], True),
    ("StringEquals", ["b"], ["a", "b"], True),
    ("StringEquals", ["c"], ["a", "b"], False),
    ("StringEquals", ["a"], [], False),
    ("StringNotEquals", ["b"], ["a", "b"], False),
    ("StringNotEquals", ["c"], ["a", "b"], True),
    ("StringNotEquals", ["c"], [], True),
]


@pytest.mark.parametrize(
    ("operator", "values", "request_values", "applies"),
    SETS,
    ids=[f"{op}-{v}-vs-{'absent' if r is ABSENT else r}" for op, v, r, _ in SETS],
)
def test_set_operators_and_multi_valued_keys(
    operator: str, values: Any, request_values: Any, applies: bool
) -> None:
    extra = {} if request_values is ABSENT else {MULTI: request_values}
    result = evaluate(policy(statement({operator: {MULTI: values}})), ctx(**extra))
    assert result.statements[0].applies is applies


@pytest.mark.parametrize("request_values", [ABSENT, []], ids=["absent", "empty"])
def test_for_all_values_vacuous_truth_is_noted_as_over_permissive(request_values: Any) -> None:
    extra = {} if request_values is ABSENT else {MULTI: request_values}
    result = evaluate(policy(statement({"ForAllValues:StringEquals": {MULTI: ["a"]}})), ctx(**extra))
    notes = " ".join(result.statements[0].notes)
    assert result.decision == "allow"
    assert "over-permissive" in notes
    assert "passed only because the key is" in notes


def test_statement_without_for_all_values_has_no_over_permissive_note() -> None:
    result = evaluate(policy(statement({"StringEquals": {MULTI: ["a"]}})), ctx(**{MULTI: ["a"]}))
    assert not any("over-permissive" in n for n in result.statements[0].notes)


def _reference(pattern: str, text: str) -> bool:
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, text, re.DOTALL) is not None


@settings(max_examples=300, deadline=None)
@given(st.text("ab*?.", max_size=8), st.text("ab*?.", max_size=8))
def test_glob_agrees_with_a_regex_reference(pattern: str, text: str) -> None:
    assert glob_match(pattern, text) is _reference(pattern, text)


def test_glob_is_fast_on_pathological_patterns() -> None:
    assert glob_match("*a" * 200 + "b", "a" * 5000) is False


def test_case_insensitive_key_names_but_case_sensitive_values() -> None:
    upper_key = SUB_KEY.upper()
    assert evaluate(policy(statement({"StringEquals": {upper_key: SUB}})), ctx()).decision == "allow"
    denied = evaluate(policy(statement({"StringEquals": {upper_key: SUB.upper()}})), ctx())
    assert denied.decision == "implicit-deny"
    assert "differ only in case" in denied.statements[0].mismatches[0].reason


def test_keys_within_one_operator_are_anded_and_every_failure_is_listed() -> None:
    one_wrong = {"StringEquals": {SUB_KEY: SUB, "test:a": "x", "test:b": "y"}}
    result = evaluate(policy(statement(one_wrong)), ctx(**{"test:a": "x", "test:b": "nope"}))
    assert result.decision == "implicit-deny"
    assert [m.key for m in result.statements[0].mismatches] == ["test:b"]
    result = evaluate(policy(statement(one_wrong)), ctx(**{"test:a": "nope", "test:b": "nope"}))
    assert [m.key for m in result.statements[0].mismatches] == ["test:a", "test:b"]


def test_operators_are_anded() -> None:
    cond = {"StringEquals": {SUB_KEY: SUB}, "StringLike": {"test:a": "x*"}}
    assert evaluate(policy(statement(cond)), ctx(**{"test:a": "xyz"})).decision == "allow"
    result = evaluate(policy(statement(cond)), ctx(**{"test:a": "abc"}))
    assert result.decision == "implicit-deny"
    assert [m.operator for m in result.statements[0].mismatches] == ["StringLike"]
