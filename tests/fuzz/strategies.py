"""Hypothesis strategies for hostile input, shared by the fuzz properties.

Hostile means: huge, deeply nested, odd unicode (NUL, line separators, RTL, surrogate-free
astral planes), numbers/bools/null where strings are expected, empty lists and dicts.
"""

from __future__ import annotations

import json
import os
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

PROFILE = "irsa-fuzz"
EXAMPLES_ENV = "IRSA_FUZZ_EXAMPLES"
DEFAULT_EXAMPLES = 200


def examples() -> int:
    """Examples per property: ``IRSA_FUZZ_EXAMPLES`` (bench: 10,000), else 200 for ``make test``."""
    try:
        return max(1, int(os.environ.get(EXAMPLES_ENV, DEFAULT_EXAMPLES)))
    except ValueError:
        return DEFAULT_EXAMPLES


def register_profile() -> None:
    settings.register_profile(
        PROFILE,
        max_examples=examples(),
        deadline=None,
        database=None,  # keep the tree clean; failures print their reproducing example
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
        print_blob=True,
    )


def fuzz() -> settings:
    """The fuzz profile as a decorator: ``@fuzz()`` on each ``@given`` test (never loaded globally,
    so the other test packages keep their own hypothesis settings)."""
    try:
        return settings.get_profile(PROFILE)
    except Exception:  # imported outside pytest (no conftest yet): register it now
        register_profile()
        return settings.get_profile(PROFILE)


# --- text -------------------------------------------------------------------------------

NASTY_CHARS = [
    "\x00", "\n", "\r", "\t", "\x0b", "\x0c", "\x1c", "\x85", "\u2028", "\u2029", "\u200b", "\u202e",
    "\ufeff", "é", "İ", "ß", "ﬁ", "😀", "𝕒", "\U0010ffff", "/", ":", "*", "?", '"', "'", "\\", "$", "{", "}",
    "%", " ",
]  # fmt: skip

nasty_char = st.sampled_from(NASTY_CHARS)
any_text = st.text(max_size=40)
nasty_text = st.lists(st.one_of(nasty_char, st.characters(), st.text(max_size=4)), max_size=20).map("".join)


@st.composite
def huge_text(draw: st.DrawFn, max_repeat: int = 40_000) -> str:
    """A short piece repeated up to ``max_repeat`` times: megabyte-ish strings without slow generation."""
    piece = draw(st.one_of(st.text(min_size=1, max_size=6), nasty_char))
    return piece * draw(st.integers(1, max_repeat))


def text_like(*samples: str) -> st.SearchStrategy[str]:
    """Mostly plausible values, plus random, nasty and huge text."""
    return st.one_of(
        st.sampled_from(samples) if samples else st.nothing(),
        any_text,
        nasty_text,
        huge_text(),
        st.sampled_from(samples).flatmap(lambda s: nasty_text.map(lambda n: s + n))
        if samples
        else st.nothing(),
    )


# --- JSON-ish values ----------------------------------------------------------------------

scalars: st.SearchStrategy[Any] = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=10**30, max_value=10**60),
    st.floats(allow_nan=True, allow_infinity=True),
    any_text,
    nasty_text,
)


def json_ish(keys: st.SearchStrategy[Any] | None = None, leaves: int = 20) -> st.SearchStrategy[Any]:
    key_strategy = keys if keys is not None else st.one_of(any_text, nasty_text)
    return st.recursive(
        scalars,
        lambda inner: st.one_of(
            st.lists(inner, max_size=4),
            st.dictionaries(key_strategy, inner, max_size=4),
        ),
        max_leaves=leaves,
    )


def deeply_nested(depth: int, kind: str = "list") -> Any:
    """A value nested ``depth`` levels, built iteratively (no recursion in the builder)."""
    value: Any = "x"
    for _ in range(depth):
        value = [value] if kind == "list" else {"a": value}
    return value


def deep_json_text(depth: int, opener: str) -> str:
    """JSON text nested ``depth`` deep: ``[[[…]]]`` or ``{"a":{"a":…}}``; may be left unterminated."""
    if opener == "[":
        return "[" * depth + "]" * depth
    if opener == "{":
        return '{"a":' * depth + "1" + "}" * depth
    return opener * depth  # unterminated


deep_text = st.builds(deep_json_text, st.integers(1, 200_000), st.sampled_from(["[", "{", '{"a":[', '["']))


def dumps_lenient(value: Any) -> str:
    """``json.dumps`` that never fails on the values our strategies make (NaN, huge ints, odd keys)."""
    try:
        return json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError, RecursionError):
        return repr(value)


# --- message checks ---------------------------------------------------------------------

LINE_BREAKS = ("\n", "\r", "\x0b", "\x0c", "\x85", "\u2028", "\u2029")
"""What a terminal or Textual renders as a new line."""


def assert_clear_message(message: object, max_len: int = 4000) -> None:
    """A message a user reads: a non-empty string, one line, no traceback, bounded length."""
    assert isinstance(message, str), f"message is not a string: {message!r}"
    assert message.strip(), "message is empty"
    assert not any(b in message for b in LINE_BREAKS), f"message spans lines: {message[:300]!r}"
    assert "Traceback (most recent call last)" not in message
    assert len(message) <= max_len, f"message is {len(message)} characters"
