"""``irsa-tui scan``: every workload's chain at once, on one Session (see ``scan.run``).

Public API (the TUI's scan screen and the fleet bench build on it)::

    from irsa_tui.scan import ScanOptions, scan, render_json
    report = scan(ScanOptions(namespaces=("payments",)), session=None, on_row=print, on_progress=None)
    report.rows            # WorkloadRow per workload / idle ServiceAccount / orphan association
    report.findings        # ClusterFinding: codes from chain/codes.py (INJ-150, TRUST-150, SA-250...)
    report.exit_code       # as check: 0 ok, 1 broken, 2 could not judge
    render_json(report)    # the documented contract (README "scan --json")
"""

from irsa_tui.scan.model import (
    KINDS,
    ROW_VERDICTS,
    ClusterFinding,
    OddReplica,
    RowVerdict,
    ScanOptions,
    ScanReport,
    WorkloadRow,
)
from irsa_tui.scan.report import SCAN_SCHEMA_VERSION, render_json, render_markdown, render_text, to_document
from irsa_tui.scan.run import Listing, scan

__all__ = [
    "KINDS",
    "ROW_VERDICTS",
    "SCAN_SCHEMA_VERSION",
    "ClusterFinding",
    "Listing",
    "OddReplica",
    "RowVerdict",
    "ScanOptions",
    "ScanReport",
    "WorkloadRow",
    "render_json",
    "render_markdown",
    "render_text",
    "scan",
    "to_document",
]
