"""The console script's fast exit and the check run's collector pause keep behaviour intact."""

from __future__ import annotations

import gc
import subprocess
import sys
from collections.abc import Iterator

import pytest

from irsa_tui import cli, engine
from irsa_tui.cli import EXIT_USAGE, console, main


@pytest.fixture
def gc_restored() -> Iterator[None]:
    was = gc.isenabled()
    try:
        yield
    finally:
        gc.unfreeze()
        if was:
            gc.enable()
        else:
            gc.disable()


def test_console_pauses_the_collector_for_a_check(monkeypatch: pytest.MonkeyPatch, gc_restored: None) -> None:
    seen: list[bool] = []

    def fake_diagnose(options: engine.Options, **_: object) -> None:
        seen.append(gc.isenabled())
        raise engine.UsageError("pod payments/api not found")

    monkeypatch.setattr(engine, "diagnose", fake_diagnose)
    monkeypatch.setattr(sys, "argv", ["irsa-tui", "check", "payments/api"])
    gc.enable()
    assert console() == EXIT_USAGE
    assert seen == [False]


def test_main_leaves_the_collector_alone(monkeypatch: pytest.MonkeyPatch, gc_restored: None) -> None:
    """In-process callers (tests, embedding) keep their collector and nothing is frozen."""
    seen: list[bool] = []

    def fake_diagnose(options: engine.Options, **_: object) -> None:
        seen.append(gc.isenabled())
        raise engine.UsageError("nope")

    monkeypatch.setattr(engine, "diagnose", fake_diagnose)
    gc.enable()
    gc.unfreeze()
    assert main(["check", "payments/api"]) == EXIT_USAGE
    assert seen == [True]
    assert gc.isenabled() and gc.get_freeze_count() == 0


def test_console_keeps_the_collector_for_the_tui(monkeypatch: pytest.MonkeyPatch, gc_restored: None) -> None:
    seen: list[bool] = []
    monkeypatch.setattr(cli, "_tui", lambda argv: seen.append(gc.isenabled()) or 0)
    monkeypatch.setattr(sys, "argv", ["irsa-tui", "payments/api"])
    gc.enable()
    assert console() == 0
    assert seen == [True]


def test_console_returns_mains_exit_code_and_freezes(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], gc_restored: None
) -> None:
    monkeypatch.setattr(sys, "argv", ["irsa-tui", "check", "--bogus"])
    gc.unfreeze()
    assert console() == EXIT_USAGE
    assert gc.get_freeze_count() > 0
    assert "unrecognized arguments: --bogus" in capsys.readouterr().err


def test_console_script_exit_code_and_output_survive_the_fast_exit() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "irsa_tui", "check", "payments/x", "--timeout", "0"],
        capture_output=True, text=True, timeout=60, check=False,
    )
    assert proc.returncode == EXIT_USAGE
    assert proc.stderr.startswith("irsa-tui: irsa-tui check: argument --timeout")


@pytest.mark.parametrize("argv", [["check", "--lab", "helthy"], ["--lab", "helthy"]])
def test_an_unknown_lab_scenario_is_refused_before_the_lab_starts(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 17 #11: `check --lab nope` started the whole lab world before saying the name was unknown."""
    from irsa_tui.cli import main

    assert main(argv) == 64
    err = capsys.readouterr().err
    assert "unknown scenario 'helthy'" in err and "healthy" in err
    assert "starting the lab world" not in err
