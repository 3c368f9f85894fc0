"""Facts helpers: one-line source errors."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    ("source", "message", "line"),
    [
        ("sts", "sts AssumeRoleWithWebIdentity: Throttling: Rate exceeded", "sts AssumeRoleWithWebIdentity: Throttling: Rate exceeded"),
        ("iam", "iam GetRole payments-api: AccessDenied", "iam GetRole payments-api: AccessDenied"),
        ("kubernetes", "GET pod: 404", "kubernetes: GET pod: 404"),
    ],
)
def test_one_line_does_not_double_the_source(source: str, message: str, line: str) -> None:
    """Issue 17 #9: `sts: sts AssumeRoleWithWebIdentity: …`, `iam: iam GetRole …`."""
    from irsa_tui.chain.facts import SourceError

    assert SourceError(source, "throttled", message).one_line() == line
