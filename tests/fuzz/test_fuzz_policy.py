"""Trust policies: hostile documents never raise anything but a one-line PolicyError.

Wider than tests/policy/test_property.py: huge and deeply nested documents, bytes, NUL and
unicode, numbers/bools/null where strings go, empty condition lists, Statement as a number.
"""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from irsa_tui.policy import (
    Evaluation,
    PolicyError,
    RequestContext,
    evaluate,
    parse_policy,
    weak_allow_statements,
)
from irsa_tui.policy.parse import MAX_DOCUMENT_CHARS
from tests.fuzz.strategies import (
    assert_clear_message,
    deep_text,
    deeply_nested,
    dumps_lenient,
    fuzz,
    huge_text,
    json_ish,
    nasty_text,
    text_like,
)
from tests.policy.helpers import AUD, AUD_KEY, ISSUER, PROVIDER, SUB, SUB_KEY, canonical, ctx

OPERATORS = [
    "StringEquals", "StringNotEquals", "StringLike", "StringNotLike", "StringEqualsIgnoreCase",
    "ForAllValues:StringLike", "ForAnyValue:StringEquals", "StringEqualsIfExists", "ForAnyValue:StringLikeIfExists",
    "Null", "Bool", "ArnLike", "ArnNotEquals", "NumericLessThan", "DateGreaterThan", "IpAddress", "NotIpAddress",
    "stringequals", "StringEqual", "ForSomeValues:StringLike", "NullIfExists",
]  # fmt: skip
KEYS = [SUB_KEY, AUD_KEY, SUB_KEY.upper(), "aws:SourceIp", "aws:CurrentTime", f"{ISSUER}:amr", ""]

hostile = json_ish(leaves=12)
str_or_hostile = st.one_of(
    text_like(SUB, AUD, "system:serviceaccount:*", "*", "2026-01-01T00:00:00Z"), hostile
)
condition_values = st.one_of(
    str_or_hostile,
    st.just([]),  # empty list: matches nothing
    st.lists(str_or_hostile, max_size=5),
    st.integers(0, 3000).map(lambda n: ["x"] * n),  # many values
)
condition_block = (
    st.dictionaries(st.sampled_from(KEYS) | nasty_text, condition_values, max_size=4) | hostile | st.just({})
)
condition = st.dictionaries(st.sampled_from(OPERATORS) | nasty_text, condition_block, max_size=4) | hostile
principal = st.one_of(
    st.just("*"),
    st.fixed_dictionaries({"Federated": st.sampled_from([PROVIDER, [PROVIDER, "x"], [], 5, None])}),
    st.dictionaries(
        st.sampled_from(["AWS", "Federated", "Service", "aws", "Other"]), str_or_hostile, max_size=3
    ),
    hostile,
)
statement = st.fixed_dictionaries(
    {},
    optional={
        "Effect": st.sampled_from(["Allow", "Deny", "allow", "", None, 1, True]) | nasty_text,
        "Principal": principal,
        "NotPrincipal": principal,
        "Action": st.sampled_from(["sts:AssumeRoleWithWebIdentity", "sts:*", "*", [], ["sts:*", 3]])
        | hostile,
        "NotAction": st.sampled_from(["sts:AssumeRole", []]) | hostile,
        "Condition": condition,
        "Sid": st.sampled_from(["a", "a", ""]) | hostile,
        "Resource": st.just("*"),
        "effect": st.just("Allow"),
    },
)
documents = st.fixed_dictionaries(
    {},
    optional={
        "Version": st.sampled_from(["2012-10-17", "2008-10-17", "2012-10-18", 2012, None]),
        "Statement": st.one_of(
            st.lists(statement, max_size=4),
            statement,
            hostile,
            st.sampled_from([0, 1.5, True, None, "Allow", []]),
        ),
        "Id": hostile,
        "Extra": hostile,
    },
)


@st.composite
def hostile_document(draw: st.DrawFn) -> Any:
    """A document in one of the shapes a caller can hand us: mapping, JSON text, bytes, cut text, junk."""
    doc = draw(st.one_of(documents, documents, hostile))
    shape = draw(
        st.sampled_from(["mapping", "text", "bytes", "cut", "deep", "huge", "junk", "nested-mapping"])
    )
    if shape == "mapping":
        return doc
    text = dumps_lenient(doc)
    if shape == "text":
        return text
    if shape == "bytes":
        raw = text.encode("utf-8", "surrogatepass")
        return raw + draw(st.sampled_from([b"", b"\xff", b"\x00", b"\xc3"]))
    if shape == "cut":
        return text[: draw(st.integers(0, max(0, len(text) - 1)))]
    if shape == "deep":
        return draw(deep_text)
    if shape == "huge":
        filler = draw(huge_text(max_repeat=MAX_DOCUMENT_CHARS // 2))
        return '{"Version":"2012-10-17","Id":' + dumps_lenient(filler) + ',"Statement":[]}'
    if shape == "nested-mapping":
        return {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": "*",
                    "Action": "*",
                    "Condition": deeply_nested(draw(st.integers(1, 3000)), "dict"),
                }
            ],
        }
    return draw(
        st.one_of(
            nasty_text, st.binary(max_size=200), st.sampled_from(["", " ", "null", "NaN", "[]", "1e999999"])
        )
    )


requests = st.one_of(
    st.just(ctx()),
    st.builds(
        lambda sub, aud, extra: RequestContext(
            principal_federated=PROVIDER, condition_keys={SUB_KEY: sub, AUD_KEY: aud, **extra}
        ),
        st.one_of(st.text(max_size=20), st.lists(st.text(max_size=10), max_size=3)),
        st.one_of(st.text(max_size=20), st.lists(st.text(max_size=10), max_size=3)),
        st.dictionaries(
            st.sampled_from(["aws:SourceIp", "aws:CurrentTime", "x:y"]),
            st.sampled_from(["10.0.0.1", "::1", "2026-01-01T00:00:00Z", "", "\x00"]),
            max_size=2,
        ),
    ),
)


def _evaluate(document: Any, request: RequestContext) -> Evaluation | None:
    try:
        result = evaluate(document, request)
    except PolicyError as err:
        assert_clear_message(str(err), max_len=2000)
        return None
    assert result.decision in ("allow", "explicit-deny", "implicit-deny")
    for stmt in result.statements:
        assert stmt.applies is (not stmt.mismatches)
        for mismatch in stmt.mismatches:
            assert_clear_message(mismatch.reason, max_len=4000)
    for warning in result.warnings:
        assert_clear_message(warning)
    if result.decision == "allow":
        assert result.allowed_by is not None and result.statements[result.allowed_by].effect == "Allow"
    return result


@fuzz()
@given(hostile_document(), requests)
def test_hostile_documents_raise_only_a_one_line_policy_error(document: Any, request: RequestContext) -> None:
    try:
        before = copy.deepcopy(document) if isinstance(document, dict) else None
    except RecursionError:  # the deeply nested mapping shape: too deep to copy, skip the mutation check
        before = None
    result = _evaluate(document, request)
    if result is None:
        return
    parsed = parse_policy(document)
    assert len(parsed.statements) == len(result.statements)
    for index, why, _reason in weak_allow_statements(document, ISSUER):
        assert result.statements[index].effect == "Allow"
        assert_clear_message(why)
    if before is not None:
        assert document == before  # evaluation never mutates the caller's document


@fuzz()
@given(
    st.sampled_from(["StringEquals", "StringLike", "StringEqualsIgnoreCase", "ArnLike", "Bool"]),
    st.sampled_from([SUB_KEY, AUD_KEY]),
    requests,
)
def test_empty_condition_list_never_allows(operator: str, key: str, request: RequestContext) -> None:
    """``"StringEquals": {"…:sub": []}`` matches nothing: that statement can never allow."""
    doc = canonical()
    doc["Statement"][0]["Condition"] = {operator: {key: []}}
    result = _evaluate(doc, request)
    assert result is not None and result.decision == "implicit-deny"
    # an empty pinning list on sub lets nobody in: not "weak"
    if key == SUB_KEY and operator.startswith("String"):
        assert not weak_allow_statements(doc, ISSUER)


@fuzz()
@given(st.lists(statement, max_size=3), st.booleans())
def test_an_applying_deny_always_wins(extra: list[Any], deny_first: bool) -> None:
    """Whatever other statements say, the canonical Allow plus an unconditional Deny is explicit-deny."""
    doc = canonical()
    deny = {"Effect": "Deny", "Principal": "*", "Action": "sts:*"}
    doc["Statement"] = [deny, *extra, *doc["Statement"]] if deny_first else [*doc["Statement"], *extra, deny]
    result = _evaluate(doc, ctx(sub=SUB, aud=AUD))
    if result is not None:  # the random extras may make the document invalid
        assert result.decision == "explicit-deny"
