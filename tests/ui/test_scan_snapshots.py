"""SVG snapshots of the scan screen (hand-built rows, time frozen), at 80x24 and wide.

Update after an intended change: ``pytest tests/ui/test_scan_snapshots.py --snapshot-update``, then look.
"""

from __future__ import annotations

from typing import Any

import pytest
from textual.pilot import Pilot

from irsa_tui.ui.app import IrsaApp
from irsa_tui.ui.screens.picker import ALL_NAMESPACES, PickerScreen
from irsa_tui.ui.screens.scan import ScanScreen
from tests.ui.conftest import wait_for
from tests.ui.scan_fakes import ScanningBackend

pytestmark = pytest.mark.ui

SIZE = (80, 24)
WIDE = (120, 36)


def _app() -> IrsaApp:
    return IrsaApp(context="healthy", namespace=ALL_NAMESPACES, backend=ScanningBackend(), frozen=True)


async def scanned(pilot: Pilot[Any]) -> None:
    app = pilot.app
    await wait_for(pilot, lambda: isinstance(app.screen, PickerScreen) and app.screen.context == "healthy")
    await pilot.press("S")
    await wait_for(pilot, lambda: isinstance(app.screen, ScanScreen) and app.screen.report is not None)
    await pilot.pause(0.3)


def test_scan_screen(snap_compare: Any) -> None:
    assert snap_compare(_app(), terminal_size=SIZE, run_before=scanned)


def test_scan_screen_wide(snap_compare: Any) -> None:
    assert snap_compare(_app(), terminal_size=WIDE, run_before=scanned)


def test_scan_screen_filtered(snap_compare: Any) -> None:
    async def filtered(pilot: Pilot[Any]) -> None:
        await scanned(pilot)
        await pilot.press("slash", *"broken", "enter")
        await pilot.pause(0.3)

    assert snap_compare(_app(), terminal_size=SIZE, run_before=filtered)
