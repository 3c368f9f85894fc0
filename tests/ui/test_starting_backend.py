"""`irsa-tui --lab`: the first frame does not wait for the lab world; the panes load once it is up."""

from __future__ import annotations

import threading
import time

import pytest

from irsa_tui.ui.app import IrsaApp
from irsa_tui.ui.backend import BackendError, StartingBackend
from irsa_tui.ui.widgets.filter_list import FilterList
from tests.ui.conftest import wait_for
from tests.ui.fakes import FakeBackend


async def test_first_frame_before_the_slow_start_then_the_contexts() -> None:
    gate = threading.Event()
    backend = StartingBackend(FakeBackend(), lambda: gate.wait(10))
    app = IrsaApp(backend=backend, frozen=True)
    async with app.run_test(size=(120, 36)) as pilot:
        contexts = app.screen.query_one("#contexts", FilterList)
        await pilot.pause(0.2)
        assert contexts.has_class("-loading") and contexts.items == []  # drawn, still starting
        gate.set()
        await wait_for(pilot, lambda: len(contexts.items) > 0)
        assert not contexts.has_class("-error")


async def test_a_failed_start_is_one_line_on_the_pane() -> None:
    def boom() -> None:
        raise KeyError("scenario 'nope' is not in the lab")

    app = IrsaApp(backend=StartingBackend(FakeBackend(), boom), frozen=True)
    async with app.run_test(size=(120, 36)) as pilot:
        contexts = app.screen.query_one("#contexts", FilterList)
        await wait_for(pilot, lambda: contexts.has_class("-error"))
        shown = str(contexts.query_one(".filter-error").render())
        assert "could not start: scenario 'nope' is not in the lab" in shown and "Traceback" not in shown


def test_calls_wait_for_the_start_and_time_out_clearly() -> None:
    backend = StartingBackend(FakeBackend(), lambda: time.sleep(0.3), wait_s=5)
    started = time.monotonic()
    assert backend.list_contexts()
    assert time.monotonic() - started >= 0.25
    stuck = StartingBackend(FakeBackend(), lambda: time.sleep(2), wait_s=0.1)
    with pytest.raises(BackendError, match="still starting after"):
        stuck.list_namespaces("healthy")
