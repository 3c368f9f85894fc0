"""The TUI on an incident bundle: the captured chain with its views and a banner, no cluster, no AWS;
the save key writes a bundle that replays the same."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from textual.widgets import Label, ListView

from irsa_tui import report
from irsa_tui.bundle import read_bundle, write_bundle
from irsa_tui.chain.model import ChainResult, LinkId, Target
from irsa_tui.ui.app import IrsaApp
from irsa_tui.ui.backend import ReplayBackend
from irsa_tui.ui.screens.chain import ChainScreen
from irsa_tui.ui.screens.learn import LearnScreen
from irsa_tui.ui.widgets.link_row import LinkRow
from irsa_tui.ui.widgets.token_view import TokenView
from tests.chain import builders as b
from tests.ui.conftest import wait_for
from tests.ui.fakes import _links

pytestmark = pytest.mark.ui

CAPTURED = datetime(2026, 11, 30, 23, 4, 5, tzinfo=UTC)


def _bundle(tmp_path: Path) -> Path:
    result = ChainResult(Target(b.NS, b.POD, "prod", "prod-eks", "eu-west-1"), _links(True), duration_ms=640)
    return write_bundle(tmp_path / "incident.json", result, b.healthy_facts(), {"live": True, "bucket": None},
                        captured_at=CAPTURED, caller="arn:aws:iam::111122223333:user/sre")


def _app(path: Path) -> IrsaApp:
    bundle = read_bundle(path)
    t = bundle.result.target
    return IrsaApp(context=t.context, namespace=t.namespace, pod=t.pod, backend=ReplayBackend(bundle), frozen=True)


async def test_replay_opens_on_the_captured_chain_with_a_banner(tmp_path: Path) -> None:
    app = _app(_bundle(tmp_path))
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, ChainScreen) and app.screen.result is not None)
        screen = app.screen
        assert isinstance(screen, ChainScreen)
        banner = str(screen.query_one("#banner", Label).render())
        assert banner.startswith("REPLAY of a bundle captured 2026-11-30 23:04:05 UTC") and "context prod" in banner
        assert "BROKEN at trust-policy" in str(screen.query_one("#verdict").render())
        highlighted = screen.query_one("#links", ListView).highlighted_child
        assert isinstance(highlighted, LinkRow) and highlighted.link is LinkId.TRUST_POLICY
        await pilot.press("t")
        rows = dict(screen.query_one(TokenView).rows)
        assert rows["sub"] == f"system:serviceaccount:{b.NS}:{b.SA}"  # the captured claims, in the token view
        await pilot.press("L")
        await wait_for(pilot, lambda: isinstance(app.screen, LearnScreen))
        await pilot.press("escape")
        # another probe option cannot be replayed: one line, not a fake run
        await pilot.press("l")
        await wait_for(pilot, lambda: "captured run only" in str(screen.query_one("#verdict").render()))


async def test_save_key_writes_a_bundle_that_replays_the_same(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    original = _bundle(tmp_path)
    out = tmp_path / "out"
    monkeypatch.setenv("IRSA_TUI_EXPORT_DIR", str(out))
    app = _app(original)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, ChainScreen) and app.screen.result is not None)
        await pilot.press("s")
        await wait_for(pilot, lambda: out.is_dir() and any(out.glob("irsa-bundle-*.json")))
    saved = read_bundle(next(out.glob("irsa-bundle-*.json")))
    first = read_bundle(original)
    assert report.render_json(saved.result) == report.render_json(first.result)
    assert saved.captured_at == CAPTURED and saved.facts == first.facts and saved.caller == first.caller
