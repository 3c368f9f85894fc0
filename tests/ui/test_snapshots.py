"""SVG snapshots of the main screens, on hand-built data with time frozen (deterministic).

Update after an intended UI change: ``make snapshots-update`` and look at the SVGs.
"""

from __future__ import annotations

from typing import Any

import pytest
from textual.pilot import Pilot

from irsa_tui.ui.app import IrsaApp
from irsa_tui.ui.screens.chain import ChainScreen
from irsa_tui.ui.widgets.filter_list import FilterList
from tests.chain import builders as b
from tests.ui.conftest import wait_for
from tests.ui.fakes import FakeBackend

pytestmark = pytest.mark.ui

SIZE = (120, 36)


def chain_app(context: str) -> IrsaApp:
    return IrsaApp(context=context, namespace=b.NS, pod=b.POD, backend=FakeBackend(), frozen=True)


async def chain_done(pilot: Pilot[Any]) -> None:
    app = pilot.app
    await wait_for(pilot, lambda: isinstance(app.screen, ChainScreen) and app.screen.result is not None)
    await pilot.pause(0.2)


def test_picker(snap_compare: Any) -> None:
    app = IrsaApp(context="healthy", namespace=b.NS, backend=FakeBackend(pods=12), frozen=True)

    async def loaded(pilot: Pilot[Any]) -> None:
        await wait_for(pilot, lambda: len(app.screen.query_one("#pods", FilterList).items) == 13)
        app.screen.query_one("#pods", FilterList).focus_filter()
        await pilot.press(*"api")
        await pilot.pause(0.1)

    assert snap_compare(app, terminal_size=SIZE, run_before=loaded)


def test_healthy_chain(snap_compare: Any) -> None:
    assert snap_compare(chain_app("healthy"), terminal_size=SIZE, run_before=chain_done)


def test_chain_broken_at_trust_policy(snap_compare: Any) -> None:
    assert snap_compare(chain_app("trust-sub-wrong-namespace"), terminal_size=SIZE, run_before=chain_done)


def test_trust_policy_view(snap_compare: Any) -> None:
    async def policy(pilot: Pilot[Any]) -> None:
        await chain_done(pilot)
        await pilot.press("p")
        await pilot.pause(0.1)

    assert snap_compare(chain_app("trust-sub-wrong-namespace"), terminal_size=SIZE, run_before=policy)


def test_help(snap_compare: Any) -> None:
    async def help_(pilot: Pilot[Any]) -> None:
        await chain_done(pilot)
        await pilot.press("question_mark")
        await pilot.pause(0.1)

    assert snap_compare(chain_app("healthy"), terminal_size=SIZE, run_before=help_)


def test_learn(snap_compare: Any) -> None:
    async def learn(pilot: Pilot[Any]) -> None:
        await chain_done(pilot)
        await pilot.press("L")
        await pilot.pause(0.1)

    assert snap_compare(chain_app("trust-sub-wrong-namespace"), terminal_size=SIZE, run_before=learn)
