"""Random JSON-ish documents: evaluate returns an Evaluation or raises PolicyError, nothing else."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from irsa_tui.policy import Evaluation, PolicyError, evaluate, weak_allow_statements
from tests.policy.helpers import ISSUER, PROVIDER, SUB_KEY, ctx

NAMES = [
    "Version", "Statement", "Effect", "Allow", "Deny", "Principal", "NotPrincipal", "Federated", "AWS",
    "Action", "NotAction", "Condition", "Sid", "StringEquals", "StringLike", "ForAllValues:StringLike",
    "ForAnyValue:StringEqualsIfExists", "Null", "Bool", "ArnLike", "NumericLessThan", "DateLessThan",
    "IpAddress", "2012-10-17", "*", "sts:*", SUB_KEY, PROVIDER, "\x00", "é", "\ud800",
]  # fmt: skip

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(NAMES),
    st.text(max_size=6),
)
json_ish: st.SearchStrategy[Any] = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(
            st.one_of(st.sampled_from(NAMES), st.text(max_size=4), st.integers()), inner, max_size=4
        ),
    ),
    max_leaves=25,
)

condition = st.dictionaries(
    st.one_of(st.sampled_from(NAMES), st.text(max_size=12)),
    st.one_of(st.dictionaries(st.sampled_from(NAMES), json_ish, max_size=3), json_ish),
    max_size=3,
)
statement = st.fixed_dictionaries(
    {"Effect": st.sampled_from(["Allow", "Deny", "allow", 1])},
    optional={
        "Principal": st.one_of(
            st.just("*"), st.fixed_dictionaries({"Federated": st.sampled_from([PROVIDER, "x"])}), json_ish
        ),
        "Action": st.one_of(st.sampled_from(["sts:*", "sts:AssumeRole", "*"]), json_ish),
        "NotAction": json_ish,
        "Condition": st.one_of(condition, json_ish),
        "Sid": json_ish,
    },
)
policy_like = st.fixed_dictionaries(
    {"Statement": st.one_of(st.lists(statement, max_size=3), statement, json_ish)},
    optional={"Version": st.sampled_from(["2012-10-17", "2008-10-17", 5])},
)

requests = st.sampled_from(
    [ctx(), ctx(sub=[], aud=["a", "b"]), ctx(sub="\x00", aud="é", **{"test:x": ["1", "2"]})]
)


def _check(document: Any, request: Any) -> None:
    try:
        result = evaluate(document, request)
    except PolicyError as err:
        assert str(err) and "\n" not in str(err)
        return
    assert isinstance(result, Evaluation)
    assert result.decision in ("allow", "explicit-deny", "implicit-deny")
    assert len(result.statements) >= (result.allowed_by or 0)
    for stmt in result.statements:
        assert stmt.applies is (not stmt.mismatches)
        assert all("\n" not in m.reason for m in stmt.mismatches)
    weak = weak_allow_statements(document, ISSUER)
    assert all(result.statements[w.statement].effect == "Allow" for w in weak)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(policy_like, json_ish), requests, st.integers(0, 40))
def test_evaluate_never_raises_anything_but_policy_error(document: Any, request: Any, cut: int) -> None:
    _check(document, request)
    text = json.dumps(document)
    _check(text, request)
    _check(text[:-cut] if cut else text, request)  # truncated text must fail cleanly too
