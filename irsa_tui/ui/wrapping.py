"""Wrap identifiers (ARNs, subjects, URLs) at their separators, never mid-token when a separator fits.

Rich wraps at spaces and folds anything longer than the line, cutting ``system:serviceaccount:p`` /
``ayments:api`` exactly where two values differ. Here a value breaks after ``:`` ``/`` ``.`` ``-`` ``,``
``=`` or a space; only a single piece longer than the width is folded. Pure (Rich Text only).
"""

from __future__ import annotations

import re

from rich.text import Text
from textual.widgets import Static

__all__ = ["WrappedText", "wrap_block", "wrap_lines", "wrap_text"]

_PIECE = re.compile(r"[^:/.\-,= ]*[:/.\-,= ]?")


def wrap_lines(value: str, width: int) -> list[tuple[int, int]]:
    """(start, end) of each line of ``value`` wrapped to ``width`` (≥ 1) at separators; a space is
    preferred when one falls in the second half of the line (prose reads better broken at words)."""
    width = max(1, width)
    lines: list[tuple[int, int]] = []
    start = end = 0
    space = -1  # end of the last piece ending in a space, on the current line
    for match in _PIECE.finditer(value):
        a, b = match.span()
        if a == b:
            continue
        if b - start <= width:
            end = b
            if value[b - 1] == " ":
                space = b
            continue
        if end > start:
            cut = space if space > start + width // 2 else end
            lines.append((start, cut))
            start = cut
            if b - start > width and end > start:  # what followed the space does not fit with this piece
                lines.append((start, end))
                start = end
        while b - start > width:  # one piece longer than the line: fold it
            lines.append((start, start + width))
            start += width
        end = b
        space = b if value[b - 1] == " " and b > start else -1
    if end > start or not lines:
        lines.append((start, end))
    return lines


def wrap_text(text: Text, width: int, indent: str = "") -> Text:
    """``text`` (one line, styles kept) wrapped to lines of ``width`` characters; continuation lines are
    prefixed with ``indent`` (the caller leaves room for it, as for the first line's label)."""
    out = Text()
    first = True
    for start, end in wrap_lines(text.plain, width):
        if not first:
            out.append("\n" + indent)
        out.append_text(text[start:end])
        first = False
    return out


def wrap_block(text: str, width: int) -> Text:
    """Each line of ``text`` wrapped at separators; continuations keep the line's indent plus two."""
    out = Text()
    for n, line in enumerate(text.splitlines() or [""]):
        if n:
            out.append("\n")
        indent = " " * (len(line) - len(line.lstrip(" ")) + 2)
        indent = indent if len(indent) < width // 2 else "  "
        out.append_text(wrap_text(Text(line), width - len(indent), indent))
    return out


class WrappedText(Static):
    """Plain text shown wrapped at separators to the widget's width (re-wrapped on resize)."""

    DEFAULT_CSS = "WrappedText { height: auto; width: 1fr; }"

    def __init__(self, text: str = "", *, classes: str | None = None) -> None:
        super().__init__("", classes=classes, markup=False)
        self.raw = text
        self.width_shown = 0

    def set_text(self, text: str) -> None:
        self.raw = text
        self._wrap()

    def _wrap(self) -> None:
        width = self.content_size.width or max(20, self.app.size.width // 2)
        self.width_shown = width
        self.update(wrap_block(self.raw, width) if self.raw else "")

    def on_resize(self) -> None:
        if self.width_shown != self.content_size.width:
            self._wrap()
