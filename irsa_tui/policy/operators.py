"""Condition operators: names, parsing of the written form, and value matching.

Everything here works on strings: policy values arrive as their JSON text (``true`` -> ``"true"``,
``5`` -> ``"5"``), request values are strings.
"""

from __future__ import annotations

import difflib
import ipaddress
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from irsa_tui.policy.errors import PolicyError, show

__all__ = [
    "OPERATORS",
    "Operator",
    "Qualifier",
    "glob_match",
    "parse_operator",
]

Qualifier = Literal["ForAnyValue", "ForAllValues"]
Matcher = Callable[[str, str], bool]
"""``matcher(policy_value, request_value)``: does the request value satisfy this policy value?"""


def glob_match(pattern: str, text: str, ignore_case: bool = False) -> bool:
    """IAM wildcard match: ``*`` any run (also empty), ``?`` exactly one character, nothing else special.

    Iterative two-pointer algorithm: O(len(pattern) * len(text)) worst case, no regex, so hostile
    patterns like ``*a*a*a*…b`` cannot blow up.
    """
    if ignore_case:
        pattern, text = pattern.lower(), text.lower()
    p = t = 0
    star_p, star_t = -1, 0
    while t < len(text):
        if p < len(pattern) and pattern[p] == "*":
            star_p, star_t = p, t
            p += 1
        elif p < len(pattern) and (pattern[p] == "?" or pattern[p] == text[t]):
            p += 1
            t += 1
        elif star_p >= 0:
            p = star_p + 1
            star_t += 1
            t = star_t
        else:
            return False
    while p < len(pattern) and pattern[p] == "*":
        p += 1
    return p == len(pattern)


def _string_equals(policy: str, request: str) -> bool:
    return policy == request


def _string_equals_ic(policy: str, request: str) -> bool:
    return policy.lower() == request.lower()


def _string_like(policy: str, request: str) -> bool:
    return glob_match(policy, request)


def _arn_like(policy: str, request: str) -> bool:
    """ArnEquals/ArnLike: each of the six ``:``-separated parts matched with wildcards, case-sensitive."""
    p_parts = policy.split(":", 5)
    r_parts = request.split(":", 5)
    if len(p_parts) != 6 or len(r_parts) != 6:
        return False
    return all(glob_match(p, r) for p, r in zip(p_parts, r_parts, strict=True))


def _bool(policy: str, request: str) -> bool:
    return policy.lower() == request.lower()


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except (ValueError, OverflowError):
        return None
    return None if value != value else value  # NaN never compares


def _numeric(compare: Callable[[float, float], bool]) -> Matcher:
    def match(policy: str, request: str) -> bool:
        p, r = _number(policy), _number(request)
        return p is not None and r is not None and compare(r, p)

    return match


def _date(text: str) -> float | None:
    """ISO 8601 date/time or epoch seconds -> epoch seconds (naive times are UTC)."""
    number = _number(text)
    if number is not None:
        return number
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    try:
        return parsed.timestamp()
    except (OverflowError, OSError, ValueError):
        return None


def _dates(compare: Callable[[float, float], bool]) -> Matcher:
    def match(policy: str, request: str) -> bool:
        p, r = _date(policy), _date(request)
        return p is not None and r is not None and compare(r, p)

    return match


def _ip(policy: str, request: str) -> bool:
    try:
        network = ipaddress.ip_network(policy, strict=False)
        address = ipaddress.ip_address(request)
    except ValueError:
        return False
    return address.version == network.version and address in network


def _null(policy: str, request: str) -> bool:  # pragma: no cover - Null is handled by presence
    return False


@dataclass(frozen=True)
class Operator:
    """One base operator (without qualifier or ``IfExists``)."""

    name: str
    matcher: Matcher
    negated: bool = False
    """True for ``…Not…`` operators: satisfied when no request value matches (and when the key is absent)."""
    wildcards: bool = False
    """Values may use ``*`` and ``?``."""


def _table() -> dict[str, Operator]:
    ops = [
        Operator("StringEquals", _string_equals),
        Operator("StringNotEquals", _string_equals, negated=True),
        Operator("StringEqualsIgnoreCase", _string_equals_ic),
        Operator("StringNotEqualsIgnoreCase", _string_equals_ic, negated=True),
        Operator("StringLike", _string_like, wildcards=True),
        Operator("StringNotLike", _string_like, negated=True, wildcards=True),
        Operator("ArnEquals", _arn_like, wildcards=True),
        Operator("ArnLike", _arn_like, wildcards=True),
        Operator("ArnNotEquals", _arn_like, negated=True, wildcards=True),
        Operator("ArnNotLike", _arn_like, negated=True, wildcards=True),
        Operator("Bool", _bool),
        Operator("Null", _null),
        Operator("BinaryEquals", _string_equals),
        Operator("NumericEquals", _numeric(lambda r, p: r == p)),
        Operator("NumericNotEquals", _numeric(lambda r, p: r == p), negated=True),
        Operator("NumericLessThan", _numeric(lambda r, p: r < p)),
        Operator("NumericLessThanEquals", _numeric(lambda r, p: r <= p)),
        Operator("NumericGreaterThan", _numeric(lambda r, p: r > p)),
        Operator("NumericGreaterThanEquals", _numeric(lambda r, p: r >= p)),
        Operator("DateEquals", _dates(lambda r, p: r == p)),
        Operator("DateNotEquals", _dates(lambda r, p: r == p), negated=True),
        Operator("DateLessThan", _dates(lambda r, p: r < p)),
        Operator("DateLessThanEquals", _dates(lambda r, p: r <= p)),
        Operator("DateGreaterThan", _dates(lambda r, p: r > p)),
        Operator("DateGreaterThanEquals", _dates(lambda r, p: r >= p)),
        Operator("IpAddress", _ip),
        Operator("NotIpAddress", _ip, negated=True),
    ]
    return {op.name: op for op in ops}


OPERATORS: dict[str, Operator] = _table()
_BY_LOWER = {name.lower(): op for name, op in OPERATORS.items()}
_QUALIFIERS: dict[str, Qualifier] = {"foranyvalue": "ForAnyValue", "forallvalues": "ForAllValues"}
_SUGGESTIONS = sorted(
    [*OPERATORS, *(n + "IfExists" for n in OPERATORS if n != "Null")]
    + [f"{q}:{n}" for q in ("ForAnyValue", "ForAllValues") for n in OPERATORS if n != "Null"]
)


@dataclass(frozen=True)
class ParsedOperator:
    written: str
    """As in the document, e.g. ``ForAnyValue:StringLikeIfExists``."""
    operator: Operator
    qualifier: Qualifier | None
    if_exists: bool
    canonical: str
    """The canonical spelling, e.g. ``ForAnyValue:StringLikeIfExists``."""


def _unknown(written: str) -> PolicyError:
    close = difflib.get_close_matches(written, _SUGGESTIONS, n=1, cutoff=0.75)
    if not close:  # case-insensitive second chance, e.g. 'stringequal'
        lowered = {s.lower(): s for s in _SUGGESTIONS}
        hits = difflib.get_close_matches(written.lower(), list(lowered), n=1, cutoff=0.75)
        close = [lowered[h] for h in hits]
    hint = f"; did you mean {close[0]!r}?" if close else ""
    return PolicyError(f"unknown condition operator {show(written)}{hint}")


def parse_operator(written: str) -> ParsedOperator:
    """Split ``[ForAnyValue:|ForAllValues:]Base[IfExists]``; unknown -> PolicyError with a suggestion.

    Matching of the name is case-insensitive (the canonical form is reported so callers can note it).
    """
    qualifier: Qualifier | None = None
    rest = written
    if ":" in written:
        prefix, _, rest = written.partition(":")
        if prefix.lower() not in _QUALIFIERS:
            raise _unknown(written)
        qualifier = _QUALIFIERS[prefix.lower()]
    if_exists = False
    base = _BY_LOWER.get(rest.lower())
    if base is None and rest.lower().endswith("ifexists"):
        base = _BY_LOWER.get(rest[: -len("IfExists")].lower())
        if_exists = base is not None
    if base is None:
        raise _unknown(written)
    if base.name == "Null" and (if_exists or qualifier):
        raise PolicyError(
            f"condition operator {show(written)}: Null takes no IfExists suffix or set qualifier"
        )
    canonical = (f"{qualifier}:" if qualifier else "") + base.name + ("IfExists" if if_exists else "")
    return ParsedOperator(written, base, qualifier, if_exists, canonical)


def any_match(op: Operator, policy_values: Sequence[str], request_value: str) -> bool:
    """Does one request value match any of the policy values (the OR across policy values)?"""
    return any(op.matcher(p, request_value) for p in policy_values)
