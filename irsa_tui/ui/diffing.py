"""Highlight where an actual value departs from the expected one (common prefix/suffix kept plain)."""

from __future__ import annotations

from rich.style import Style
from rich.text import Text

__all__ = ["diff_span", "highlight_actual"]


def diff_span(expected: str, actual: str) -> tuple[int, int]:
    """(start, end) of the part of ``actual`` that differs from ``expected``; (0, 0) when equal."""
    if expected == actual:
        return 0, 0
    prefix = 0
    limit = min(len(expected), len(actual))
    while prefix < limit and expected[prefix] == actual[prefix]:
        prefix += 1
    suffix = 0
    while (
        suffix < limit - prefix and expected[len(expected) - 1 - suffix] == actual[len(actual) - 1 - suffix]
    ):
        suffix += 1
    end = len(actual) - suffix
    if end <= prefix:  # actual is expected with characters removed: mark the cut point
        return max(0, prefix - 1), min(len(actual), prefix + 1)
    return prefix, end


def highlight_actual(expected: str | None, actual: str | None, ok: bool | None, style: str | Style) -> Text:
    """``actual`` as Text with the differing part styled (only when the evidence is not ok)."""
    shown = actual if actual is not None else "(absent)"
    text = Text(shown)
    if ok is False and expected is not None and actual is not None:
        start, end = diff_span(expected, actual)
        if end > start:
            text.stylize(style, start, end)
    elif ok is False:
        text.stylize(style)
    return text
