"""The TUI under source faults on the lab: it stays responsive while a call hangs, and ends honest.

Faults are process-wide and the lab world is shared: every test here heals it afterwards.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from textual.widgets import ListView

from irsa_tui.chain.model import LinkId
from irsa_tui.lab import faults as faults_mod
from irsa_tui.ui.app import IrsaApp
from irsa_tui.ui.screens.chain import ChainScreen
from irsa_tui.ui.screens.help import HelpScreen
from irsa_tui.ui.screens.picker import PickerScreen
from irsa_tui.ui.widgets.filter_list import FilterList
from irsa_tui.ui.widgets.link_row import LinkRow
from tests.ui.conftest import wait_for

pytestmark = [pytest.mark.ui, pytest.mark.integration]

SIZE = (120, 36)
PENDING = re.compile(r"pending: (?P<call>.+?) (?P<secs>\d+\.\d)s$")


def sync_env(world: Any) -> None:
    """Make os.environ match the world's env (a refused/TLS AWS fault re-points an endpoint)."""
    import os

    for key in ("AWS_CA_BUNDLE", *(faults_mod.endpoint_var(s) for s in faults_mod.AWS_SOURCES)):
        os.environ.pop(key, None)
    os.environ.update(world.env)


@pytest.fixture
def faulty(lab: Any) -> Iterator[Any]:
    """The shared lab world; whatever faults a test switches on are lifted afterwards."""
    try:
        yield lab
    finally:
        lab.set_faults([])
        sync_env(lab)


def summary_of(row: LinkRow) -> str:
    return str(row.query_one(".row-summary").render()).strip()


def pending_rows(screen: ChainScreen) -> dict[LinkId, str]:
    return {row.link: summary_of(row) for row in screen.query(LinkRow) if row.result is None}


def chain_app(lab: Any, scenario: str, timeout: float) -> IrsaApp:
    ns, pod = lab.target(scenario)
    # frozen=False: the pending timer is what this test watches.
    return IrsaApp(context=scenario, namespace=ns, pod=pod, timeout=timeout, frozen=False)


async def test_sts_hang_shows_a_running_timer_keys_work_and_the_link_ends_in_error(faulty: Any) -> None:
    faulty.set_faults(["sts:hang"])
    sync_env(faulty)
    app = chain_app(faulty, "healthy", timeout=1.5)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, ChainScreen))
        screen = app.screen
        assert isinstance(screen, ChainScreen)

        def sts_pending() -> tuple[LinkId, str, float] | None:
            for link, text in pending_rows(screen).items():
                found = PENDING.search(text)
                if found and found["call"].startswith("sts "):
                    return link, found["call"], float(found["secs"])
            return None

        await wait_for(pilot, lambda: sts_pending() is not None, 10)
        first = sts_pending()
        assert first is not None
        # The timer runs: the same call, shown later, has waited longer.
        await wait_for(
            pilot,
            lambda: (now := sts_pending()) is not None and now[1] == first[1] and now[2] > first[2],
            5,
        )
        assert screen.result is None, "the run finished before the hang could be observed"
        assert "in flight" in str(screen.query_one("#calls").render())

        # Keys still work while the call hangs: help opens and closes, the run goes on.
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        assert app.screen is screen
        assert screen.result is None, "help was not exercised while the run was pending"

        await wait_for(pilot, lambda: screen.result is not None, 20)
        sts = screen.query_one("#link-sts", LinkRow)
        assert sts.has_class("-error") and not sts.has_class("-pending")
        assert "?" in str(sts.query_one(".row-head").render())  # readable without colour
        reason = summary_of(sts)
        assert "\n" not in reason
        assert "sts" in reason.lower() and "timed out" in reason, reason
        # The links STS does not feed were still judged.
        for link in ("service-account", "injection", "token", "oidc-provider", "trust-policy"):
            assert screen.query_one(f"#link-{link}", LinkRow).has_class("-pass"), link
        assert "in flight" not in str(screen.query_one("#calls").render())
        assert "pending:" not in "".join(pending_rows(screen).values())


async def test_refused_token_request_ends_with_the_token_link_in_error(faulty: Any) -> None:
    faulty.set_faults(["kubernetes:refused:/token"])
    app = chain_app(faulty, "healthy", timeout=1.0)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, ChainScreen) and app.screen.result is not None)
        screen = app.screen
        assert isinstance(screen, ChainScreen)
        token = screen.query_one("#link-token", LinkRow)
        assert token.has_class("-error")
        reason = summary_of(token)
        assert "\n" not in reason and "kubernetes" in reason and "TokenRequest" in reason, reason
        assert screen.query_one("#link-service-account", LinkRow).has_class("-pass")
        # Nothing failed, so the first error is what the screen selects and details.
        item = screen.query_one("#links", ListView).highlighted_child
        assert isinstance(item, LinkRow) and item.link is LinkId.TOKEN
        assert "Traceback" not in str(screen.query_one("#verdict").render())
        # Still responsive: re-run after healing gives a clean chain.
        faulty.set_faults([])
        previous = screen.result
        await pilot.press("r")
        await wait_for(pilot, lambda: screen.result is not None and screen.result is not previous, 20)
        assert token.has_class("-pass")


@pytest.mark.parametrize("kind", ["403", "refused"])
async def test_pod_listing_fault_shows_the_inline_error_and_reload_recovers(faulty: Any, kind: str) -> None:
    ns, pod = faulty.target("healthy")
    faulty.set_faults([f"kubernetes:{kind}:/namespaces/{ns}/pods"])
    app = IrsaApp(context="healthy", namespace=ns, timeout=1.0, frozen=True)
    async with app.run_test(size=SIZE) as pilot:
        pods = app.screen.query_one("#pods", FilterList)
        await wait_for(pilot, lambda: pods.has_class("-error"), 15)
        message = str(pods.query_one(".filter-error").render())
        assert "kubernetes" in message, message
        word = "forbidden" if kind == "403" else "cannot connect"
        assert word in message.lower(), message
        assert "Traceback" not in message
        assert isinstance(app.screen, PickerScreen) and not pods.items
        # The namespace list (not faulted) still loaded: the error stays in its pane.
        assert ns in [i.value for i in app.screen.query_one("#namespaces", FilterList).items]
        faulty.set_faults([])
        await pilot.press("f5")
        await wait_for(pilot, lambda: pod in [i.value for i in pods.items], 15)
        assert not pods.has_class("-error")
