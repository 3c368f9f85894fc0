"""Text helpers shared by the source adapters."""

from __future__ import annotations

__all__ = ["clip"]


def clip(text: str, limit: int) -> str:
    """First non-blank line of ``text``, whitespace collapsed, at most ``limit`` characters."""
    for raw in text.splitlines():
        line = " ".join(raw.split())
        if line:
            return line if len(line) <= limit else line[: limit - 1] + "…"
    return ""
