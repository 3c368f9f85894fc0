"""The picker can always be left: ``q`` types into the filter there, so ctrl+q is shown and works,
and escape in the first pane leaves the filter so that ``q`` quits."""

from __future__ import annotations

import pytest
from textual.widgets import Input, OptionList

from irsa_tui.ui.app import IrsaApp
from irsa_tui.ui.screens.help import HelpScreen
from irsa_tui.ui.screens.picker import PickerScreen
from irsa_tui.ui.widgets.filter_list import FilterList
from tests.chain import builders as b
from tests.ui.conftest import wait_for
from tests.ui.fakes import FakeBackend

pytestmark = pytest.mark.ui


def picker_app() -> IrsaApp:
    return IrsaApp(context="healthy", namespace=b.NS, backend=FakeBackend(), frozen=True)


async def test_q_types_into_the_filter_and_ctrl_q_quits_from_it() -> None:
    app = picker_app()
    async with app.run_test(size=(120, 36)) as pilot:
        contexts = app.screen.query_one("#contexts", FilterList)
        await wait_for(pilot, lambda: len(contexts.items) == 2)
        assert app.focused is contexts.input
        await pilot.press("q")
        assert app.is_running and isinstance(app.screen, PickerScreen)
        assert contexts.input.value == "q"
        # The footer offers the key that works here, not the one the filter takes.
        shown = {
            key: active.binding
            for key, active in app.screen.active_bindings.items()
            if active.binding.show and active.enabled
        }
        assert "ctrl+q" in shown and shown["ctrl+q"].description == "Quit"
        assert "q" not in shown
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert not app.is_running


async def test_escape_leaves_the_first_filter_then_q_quits() -> None:
    app = picker_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = app.screen
        pods = screen.query_one("#pods", FilterList)
        await wait_for(pilot, lambda: len(pods.items) == 4)
        pods.focus_filter()
        await pilot.pause()
        # From the pod pane: back through the panes, then out of the first filter.
        await pilot.press("escape", "escape")
        assert (
            isinstance(app.focused, Input) and screen.query_one("#contexts", FilterList).input is app.focused
        )
        await pilot.press("escape")
        assert isinstance(app.focused, OptionList)
        assert any(k == "q" and a.binding.show for k, a in screen.active_bindings.items())
        await pilot.press("q")
        await pilot.pause()
    assert not app.is_running


async def test_help_documents_ctrl_q() -> None:
    app = picker_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        from textual.widgets import DataTable

        table = app.screen.query_one(DataTable)
        rows = [tuple(str(c) for c in table.get_row_at(i)) for i in range(table.row_count)]
        assert any(r[1] == "ctrl+q" and r[2] == "Quit" and "filter" in r[3] for r in rows), rows
