"""Which clipboard programs are tried where, and that only a zero exit counts as copied."""

from __future__ import annotations

from pathlib import Path

import pytest

from irsa_tui.ui.clipboard import candidates, copy_text


@pytest.mark.parametrize(
    ("env", "first"),
    [
        ({"TMUX": "/tmp/tmux-1/default,1,0", "DISPLAY": ":0"}, "tmux"),
        ({"WAYLAND_DISPLAY": "wayland-0", "DISPLAY": ":0"}, "wl-copy"),
        ({"DISPLAY": ":0"}, "xclip"),
        ({}, "pbcopy"),
    ],
)
def test_the_most_specific_clipboard_first(env: dict[str, str], first: str) -> None:
    assert candidates(env)[0][1][0] == first


def _script(path: Path, body: str) -> None:
    path.write_text(f"#!/bin/sh\n{body}\n")
    path.chmod(0o755)


def test_a_program_that_forks_a_selection_server_does_not_hold_the_copy(tmp_path: Path) -> None:
    """wl-copy/xclip leave a child serving the selection; the copy must not wait for it."""
    out = tmp_path / "pasted"
    _script(tmp_path / "wl-copy", f"/bin/cat > '{out}'; (/bin/sleep 30 &) ; exit 0")
    copied = copy_text("aws iam …", {"WAYLAND_DISPLAY": "w", "PATH": str(tmp_path)})
    assert copied.ok and copied.where == "the clipboard (wl-copy)" and out.read_text() == "aws iam …"


def test_nothing_found_or_a_failure_is_not_copied(tmp_path: Path) -> None:
    assert copy_text("x", {"PATH": str(tmp_path)}).why.startswith("no clipboard program")
    _script(tmp_path / "xclip", "exit 1")
    _script(tmp_path / "xsel", "exit 1")
    copied = copy_text("x", {"DISPLAY": ":0", "PATH": str(tmp_path)})
    assert not copied.ok and copied.why == "xclip, xsel failed"
