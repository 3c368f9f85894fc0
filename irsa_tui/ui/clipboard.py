"""Copy text to a clipboard and know whether one took it.

Textual's ``App.copy_to_clipboard`` writes an OSC 52 escape: the terminal may ignore it (tmux without
``set-clipboard``, many SSH setups) and nothing comes back to say so. So the app first asks a clipboard
program it can hear an answer from (tmux's paste buffer inside tmux, ``wl-copy`` on Wayland, ``xclip`` or
``xsel`` on X11, ``pbcopy`` on macOS) and reports success only when one exited 0. With none, the caller
writes the text to a file and shows its path (and still sends OSC 52, without claiming it worked).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

__all__ = ["Copied", "candidates", "copy_text"]

TIMEOUT_S = 2.0


@dataclass(frozen=True)
class Copied:
    ok: bool
    where: str = ""
    """Where it went (``the clipboard (wl-copy)``…) when ``ok``."""
    why: str = ""
    """Why nothing took it, when not ``ok``."""


def candidates(environ: Mapping[str, str]) -> list[tuple[str, Sequence[str]]]:
    """(name, argv) of the clipboard programs worth trying here, most specific first."""
    out: list[tuple[str, Sequence[str]]] = []
    if environ.get("TMUX"):
        # -w also hands it to the outer terminal's clipboard when tmux's set-clipboard allows
        out.append(("the tmux paste buffer (prefix ] pastes)", ["tmux", "load-buffer", "-w", "-"]))
    if environ.get("WAYLAND_DISPLAY"):
        out.append(("the clipboard (wl-copy)", ["wl-copy"]))
    if environ.get("DISPLAY"):
        out.append(("the clipboard (xclip)", ["xclip", "-selection", "clipboard", "-in"]))
        out.append(("the clipboard (xsel)", ["xsel", "--clipboard", "--input"]))
    out.append(("the clipboard (pbcopy)", ["pbcopy"]))
    return out


def _run(argv: Sequence[str], text: str) -> bool:
    # stdout/stderr to /dev/null, not pipes: wl-copy and xclip fork a child that keeps serving the
    # selection, and a child holding our pipes would make run() wait for it until the timeout
    try:
        proc = subprocess.run(
            list(argv), input=text.encode(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            timeout=TIMEOUT_S, check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return proc.returncode == 0


def copy_text(text: str, environ: Mapping[str, str] | None = None) -> Copied:
    """Try each candidate found on PATH; blocking (call from a worker thread)."""
    env = os.environ if environ is None else environ
    tried: list[str] = []
    for name, argv in candidates(env):
        exe = shutil.which(argv[0], path=env.get("PATH"))
        if exe is None:
            continue
        tried.append(argv[0])
        if _run([exe, *argv[1:]], text):
            return Copied(True, where=name)
        if argv[0] == "tmux" and _run([exe, "load-buffer", "-"], text):  # tmux < 3.2 has no -w
            return Copied(True, where=name)
    why = f"{', '.join(tried)} failed" if tried else "no clipboard program (tmux, wl-copy, xclip, xsel, pbcopy)"
    return Copied(False, why=why)
