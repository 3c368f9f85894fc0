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
from tests.ui.fakes import POD_IDENTITY_CONTEXT, FakeBackend, pod_identity_backend

pytestmark = pytest.mark.ui

SIZE = (80, 24)
"""The size a tired SRE's split terminal has: every screen must read whole here (issue 17)."""
WIDE = (120, 36)


def chain_app(context: str) -> IrsaApp:
    return IrsaApp(context=context, namespace=b.NS, pod=b.POD, backend=FakeBackend(), frozen=True)


async def chain_done(pilot: Pilot[Any]) -> None:
    app = pilot.app
    await wait_for(pilot, lambda: isinstance(app.screen, ChainScreen) and app.screen.result is not None)
    await pilot.pause(0.2)


def pressing(*keys: str) -> Any:
    async def run(pilot: Pilot[Any]) -> None:
        await chain_done(pilot)
        await pilot.press(*keys)
        await pilot.pause(0.2)

    return run


def test_picker(snap_compare: Any) -> None:
    app = IrsaApp(context="healthy", namespace=b.NS, backend=FakeBackend(pods=12), frozen=True)

    async def loaded(pilot: Pilot[Any]) -> None:
        await wait_for(pilot, lambda: len(app.screen.query_one("#pods", FilterList).items) == 13)
        await pilot.press("3", *"api")
        await pilot.pause(0.1)

    assert snap_compare(app, terminal_size=SIZE, run_before=loaded)


def test_healthy_chain_wide(snap_compare: Any) -> None:
    assert snap_compare(chain_app("healthy"), terminal_size=WIDE, run_before=chain_done)


def test_chain_broken_at_trust_policy(snap_compare: Any) -> None:
    assert snap_compare(chain_app("trust-sub-wrong-namespace"), terminal_size=SIZE, run_before=chain_done)


def test_token_view(snap_compare: Any) -> None:
    assert snap_compare(chain_app("trust-sub-wrong-namespace"), terminal_size=SIZE, run_before=pressing("t"))


def test_trust_policy_view(snap_compare: Any) -> None:
    assert snap_compare(chain_app("trust-sub-wrong-namespace"), terminal_size=SIZE, run_before=pressing("p"))


def test_help(snap_compare: Any) -> None:
    assert snap_compare(chain_app("healthy"), terminal_size=SIZE, run_before=pressing("question_mark"))


def test_learn(snap_compare: Any) -> None:
    assert snap_compare(chain_app("trust-sub-wrong-namespace"), terminal_size=SIZE, run_before=pressing("L"))


def test_bucket_dialog_says_what_is_wrong_as_you_type(snap_compare: Any) -> None:
    run = pressing("b", *"Bad_Bucket")
    assert snap_compare(chain_app("healthy"), terminal_size=SIZE, run_before=run)


def test_fix_unwrapped_view(snap_compare: Any) -> None:
    assert snap_compare(chain_app("trust-sub-wrong-namespace"), terminal_size=SIZE, run_before=pressing("f"))


def test_command_line(snap_compare: Any) -> None:
    run = pressing("colon", *"ctx tr")
    assert snap_compare(chain_app("healthy"), terminal_size=SIZE, run_before=run)


def pod_identity_app() -> IrsaApp:
    return IrsaApp(context=POD_IDENTITY_CONTEXT, namespace=b.NS, pod=b.POD, backend=pod_identity_backend(),
                   frozen=True)


def test_pod_identity_chain(snap_compare: Any) -> None:
    """EKS Pod Identity: the mechanism in the title bar and the pane, its eight links, the first failure."""
    assert snap_compare(pod_identity_app(), terminal_size=SIZE, run_before=chain_done)


def test_mechanism_dialog(snap_compare: Any) -> None:
    assert snap_compare(pod_identity_app(), terminal_size=SIZE, run_before=pressing("m"))


def test_credentials_tab(snap_compare: Any) -> None:
    assert snap_compare(pod_identity_app(), terminal_size=SIZE, run_before=pressing("i"))


def test_learn_pod_identity(snap_compare: Any) -> None:
    assert snap_compare(pod_identity_app(), terminal_size=SIZE, run_before=pressing("L"))
