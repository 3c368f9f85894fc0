"""Fixtures for the TUI tests: the lab world (module scope) and a helper to wait on the app."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
from textual.pilot import Pilot

LAB_SCENARIOS = [
    "healthy",
    "trust-sub-wrong-namespace",
    "oidc-provider-missing",
    "sa-annotation-missing",
    "rbac-no-token-request",
]


@pytest.fixture(scope="module")
def lab(lab_world: Any) -> Any:
    """The session lab world (tests/conftest.py); LAB_SCENARIOS are the ones these tests drive."""
    return lab_world


async def wait_for(pilot: Pilot[Any], predicate: Callable[[], bool], timeout: float = 20.0) -> None:
    """Let the app run until ``predicate()`` holds; fail with a clear message after ``timeout``."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        await pilot.pause(0.05)
        try:
            if predicate():
                return
        except Exception:  # widgets may not be mounted yet
            pass
    raise AssertionError(f"condition not met within {timeout}s")


@pytest.fixture(autouse=True)
def no_user_config(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """The developer's own ~/.config/irsa-tui/config.yaml must not remap keys under the tests."""
    monkeypatch.delenv("IRSA_TUI_CONFIG", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path_factory.mktemp("xdg")))
    # no real clipboard under test (the developer's tmux or X11), and files the app writes go to a temp dir
    for var in ("TMUX", "WAYLAND_DISPLAY", "DISPLAY"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("IRSA_TUI_EXPORT_DIR", str(tmp_path_factory.mktemp("out")))
