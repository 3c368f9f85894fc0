"""The one exception the policy package raises, and a helper to quote hostile text in it."""

from __future__ import annotations

__all__ = ["PolicyError", "show"]


class PolicyError(ValueError):
    """The document cannot be evaluated: not JSON, wrong shape, unknown operator...

    ``str(err)`` is one clear line, e.g.
    ``trust policy is not valid JSON: Expecting ',' delimiter at line 3 column 5``.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message.replace("\r", " ").replace("\n", " "))


def show(value: object, limit: int = 200) -> str:
    """``repr`` of a value from the document, shortened: control characters escaped, one line."""
    text = repr(value)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return text
