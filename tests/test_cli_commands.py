"""The command line as a new user meets it: subcommands versus pod names, the lab extra missing,
no terminal. Run as real processes where the behaviour is about the process (exit code, speed)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from irsa_tui import cli

BLOCK_LAB = '''
import sys
class _NoLab:
    """moto (the lab extra) is not installed"""
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("moto", "flask"):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None
sys.meta_path.insert(0, _NoLab())
'''


def _run(argv: list[str], env: dict[str, str] | None = None, stdin: int | None = subprocess.DEVNULL,
         timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "irsa_tui", *argv], env={**os.environ, **(env or {})},
                          stdin=stdin, capture_output=True, text=True, timeout=timeout, check=False)


@pytest.fixture
def no_lab(tmp_path: Path) -> dict[str, str]:
    """An environment where ``import moto`` fails, as after ``pip install irsa-tui`` without extras."""
    (tmp_path / "sitecustomize.py").write_text(BLOCK_LAB)
    return {"PYTHONPATH": os.pathsep.join([str(tmp_path), *filter(None, [os.environ.get("PYTHONPATH")])])}


def test_the_blocker_really_hides_moto(no_lab: dict[str, str]) -> None:
    proc = subprocess.run([sys.executable, "-c", "import moto"], env={**os.environ, **no_lab},
                          capture_output=True, text=True, check=False)
    assert proc.returncode != 0 and "No module named 'moto'" in proc.stderr


@pytest.mark.parametrize(
    "argv",
    [["--lab"], ["--lab", "healthy"], ["lab", "list"], ["lab", "serve", "healthy"],
     ["check", "--lab", "healthy", "--json"]],
)
def test_without_the_lab_extra_one_line_says_how_to_get_it(argv: list[str], no_lab: dict[str, str]) -> None:
    proc = _run(argv, no_lab)
    assert proc.returncode == cli.EXIT_USAGE
    assert proc.stdout == ""
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert "pipx install 'irsa-tui[lab]'" in lines[0] and "pip install 'irsa-tui[lab]'" in lines[0]


def test_without_a_terminal_the_tui_points_at_check(tmp_path: Path) -> None:
    """``irsa-tui --lab </dev/null >out`` (a script, a CI job): one line, exit 64, fast, nothing drawn."""
    out = tmp_path / "out"
    with out.open("w") as sink:
        proc = subprocess.run([sys.executable, "-m", "irsa_tui", "--lab"], stdin=subprocess.DEVNULL, stdout=sink,
                              stderr=subprocess.PIPE, text=True, timeout=20, check=False)
    assert proc.returncode == cli.EXIT_USAGE
    assert out.read_text() == ""  # no escape codes written to the file
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "needs a terminal" in lines[0] and "irsa-tui check" in lines[0]


@pytest.mark.parametrize("argv", [[], ["payments/api-1"], ["api-1", "-n", "payments"]])
def test_no_terminal_is_refused_for_every_tui_form(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(argv) == cli.EXIT_USAGE  # pytest's stdin is not a terminal
    assert "needs a terminal" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "suggestion"),
    [(["chekc"], "check"), (["chek", "payments/api"], "check"), (["lba"], "lab"), (["labs", "list"], "lab"),
     (["--context", "prod", "chekc"], "check"), (["replya", "incident.json"], "replay")],
)
def test_a_mistyped_command_is_not_a_pod(argv: list[str], suggestion: str,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(argv) == cli.EXIT_USAGE
    err = capsys.readouterr().err.strip()
    word = next(a for a in argv if not a.startswith("-") and a != "prod")
    assert err.startswith(f"irsa-tui: unknown command {word!r}; did you mean {suggestion}?")
    assert len(err.splitlines()) == 1


@pytest.mark.parametrize("argv", [["payments/check"], ["chekc", "-n", "payments"], ["check-api", "--namespace=x"],
                                  ["api-7d9f8c6b5-x2x4z", "-n", "payments"], ["--context", "prod", "payments/lab"]])
def test_pod_forms_are_still_pods(argv: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[tuple[str | None, str | None]] = []
    monkeypatch.setattr(cli, "_has_terminal", lambda: True)
    monkeypatch.setattr("irsa_tui.ui.app.IrsaApp.run", lambda self: opened.append((self.namespace, self.pod)))
    assert cli.main(argv) == 0
    assert opened and opened[0][1] in ("check", "chekc", "check-api", "api-7d9f8c6b5-x2x4z", "lab")


def test_every_command_is_in_the_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    out = capsys.readouterr().out
    for name in cli.COMMANDS:
        assert f"\n  {name} " in out


def test_a_bare_word_that_is_no_pod_we_can_place_lists_the_commands(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`irsa-tui scna` with no namespace to place it in: not a traceback, and the commands are named."""
    from irsa_tui.cli import main

    monkeypatch.setenv("KUBECONFIG", str(tmp_path / "none"))  # no kubeconfig: no context namespace
    assert main(["scna"]) == 64
    err = capsys.readouterr().err
    # scna is now a near miss of the scan command: the typo is named, with every command
    assert "scna" in err and "did you mean scan?" in err and "commands: check" in err and "explain" in err
