"""The scan screen (ui/screens/scan.py): from the picker's S, filling as rows arrive, sort, filter, Enter."""

from __future__ import annotations

from typing import Any

import pytest
from textual.widgets import DataTable, Input, Label

from irsa_tui.ui.app import IrsaApp
from irsa_tui.ui.screens.chain import ChainScreen
from irsa_tui.ui.screens.picker import ALL_NAMESPACES, PickerScreen
from irsa_tui.ui.screens.scan import ScanScreen, filter_rows, sort_rows
from tests.ui.conftest import wait_for
from tests.ui.scan_fakes import ScanningBackend, fleet_rows

pytestmark = pytest.mark.ui


def _app(backend: ScanningBackend, namespace: str | None = ALL_NAMESPACES) -> IrsaApp:
    return IrsaApp(context="healthy", namespace=namespace, backend=backend, frozen=True)


def _workloads(app: IrsaApp) -> list[str]:
    table = app.screen.query_one(DataTable)
    return [str(table.get_row_at(i)[2]) for i in range(table.row_count)]


def _status(app: IrsaApp) -> str:
    return str(app.screen.query_one("#scan-status", Label).render())


async def _scanned(pilot: Any, app: IrsaApp) -> None:
    await wait_for(pilot, lambda: isinstance(app.screen, PickerScreen) and app.screen.context == "healthy")
    await pilot.press("S")
    await wait_for(pilot, lambda: isinstance(app.screen, ScanScreen) and app.screen.report is not None)
    await pilot.pause(0.1)


def test_sort_puts_the_worst_first_and_filter_needs_every_word() -> None:
    rows = fleet_rows()
    assert [r.verdict for r in sort_rows(rows, "verdict")][:4] == ["broken"] * 4
    assert [r.replicas for r in sort_rows(rows, "replicas")][:2] == [3, 3]
    assert [r.name for r in filter_rows(rows, "billing BROKEN")] == ["ledger", "invoices"]
    assert filter_rows(rows, "trust-policy default") == [rows[2]]
    assert filter_rows(rows, "nothing-like-this") == []


async def test_s_on_the_picker_scans_the_whole_cluster_worst_first() -> None:
    backend = ScanningBackend()
    app = _app(backend)
    async with app.run_test(size=(120, 36)) as pilot:
        await _scanned(pilot, app)
        assert backend.scans == [("healthy", None)]
        shown = _workloads(app)
        assert len(shown) == 8
        # broken first (by namespace, kind, name), then the rest
        assert shown[:4] == ["cj/invoices", "sts/ledger", "deploy/worker", "assoc/a-71zk6jch9jwtwtlx0"]
        assert "done: 8 workloads" in _status(app) and "4 broken" in _status(app)
        assert "SA-250" in str(app.screen.query_one("#scan-findings", Label).render())
        detail = str(app.screen.query_one("#scan-detail", Label).render())  # the highlighted (first) row
        assert "billing/CronJob/invoices" in detail and "role billing-invoices does not exist" in detail


async def test_a_chosen_namespace_scans_only_that_namespace() -> None:
    backend = ScanningBackend()
    app = _app(backend, namespace="billing")
    async with app.run_test(size=(120, 36)) as pilot:
        await _scanned(pilot, app)
        assert backend.scans == [("healthy", ("billing",))]
        assert sorted(_workloads(app)) == ["cj/invoices", "sts/ledger"]


async def test_rows_appear_while_the_scan_runs() -> None:
    backend = ScanningBackend(hold_after=3)
    app = _app(backend)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, PickerScreen) and app.screen.context == "healthy")
        await pilot.press("S")
        await wait_for(pilot, lambda: isinstance(app.screen, ScanScreen) and len(_workloads(app)) == 3)
        assert "scanning… 3/8 judged" in _status(app)
        backend.gate.set()
        await wait_for(pilot, lambda: app.screen.report is not None and len(_workloads(app)) == 8)


async def test_o_cycles_the_order_and_slash_filters() -> None:
    app = _app(ScanningBackend())
    async with app.run_test(size=(120, 36)) as pilot:
        await _scanned(pilot, app)
        await pilot.press("o")  # namespace
        assert app.screen.order == "namespace" and _workloads(app)[:2] == ["cj/invoices", "sts/ledger"]
        await pilot.press("o", "o")  # replicas
        assert app.screen.order == "replicas" and app.screen.shown[0].replicas == 3
        await pilot.press("slash", *"search", "enter")  # three in namespace search, one whose role is search's
        assert sorted(r.name for r in app.screen.shown) == ["a-71zk6jch9jwtwtlx0", "events", "indexer", "reports"]
        assert "showing 4" in _status(app)
        await pilot.press("slash", *" daemon", "enter")
        assert [r.name for r in app.screen.shown] == ["indexer"]
        await pilot.press("slash", "escape")
        assert app.screen.query_one("#scan-filter", Input).value == ""
        assert len(app.screen.shown) == 8


async def test_enter_opens_the_chain_of_the_representative_pod_and_escape_comes_back() -> None:
    backend = ScanningBackend()
    app = _app(backend)
    async with app.run_test(size=(120, 36)) as pilot:
        await _scanned(pilot, app)
        await pilot.press("slash", *"ledger", "enter", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ChainScreen) and app.screen.result is not None)
        assert backend.runs[-1]["namespace"] == "billing" and backend.runs[-1]["pod"] == "ledger-0"
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, ScanScreen))
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, PickerScreen))


async def test_a_row_without_pods_says_why_instead_of_opening() -> None:
    app = _app(ScanningBackend())
    async with app.run_test(size=(120, 36)) as pilot:
        await _scanned(pilot, app)
        await pilot.press("slash", *"a-71zk", "enter", "enter")
        await pilot.pause(0.2)
        assert isinstance(app.screen, ScanScreen)
        assert any("namespace retired does not exist" in str(n.message) for n in app._notifications)


async def test_a_failed_scan_is_one_line_not_a_traceback() -> None:
    app = _app(ScanningBackend(fail="kubernetes: LIST pods: 403 Forbidden (caller lacks list pods)"))
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, PickerScreen) and app.screen.context == "healthy")
        await pilot.press("S")
        await wait_for(pilot, lambda: isinstance(app.screen, ScanScreen) and app.screen.error is not None)
        assert "failed: kubernetes: LIST pods: 403 Forbidden" in _status(app)
        assert "Traceback" not in _status(app)
