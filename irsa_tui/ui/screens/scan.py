"""Scan a namespace or the whole cluster from the picker: one row per workload, filling as they are judged.

The scan (``irsa_tui.scan``, static: no token, STS or S3 call) runs in a worker; each judged workload
arrives as a message and the table is redrawn at most every ``REDRAW_S`` (a 600-workload cluster would
otherwise rebuild it 600 times). Sortable (``o`` cycles the order) and filterable (``/``, every word
must match); Enter opens the chain of the workload's representative pod.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Input, Label

from irsa_tui.ui.backend import BackendError

if TYPE_CHECKING:
    from irsa_tui.ui.app import IrsaApp

__all__ = ["SORTS", "ScanScreen", "detail", "filter_rows", "sort_rows"]

REDRAW_S = 0.3
VERDICT_STYLE = {"broken": ("✗", "bold red"), "error": ("!", "bold magenta"), "incomplete": ("?", "bold yellow"),
                 "ok": ("✓", "green")}
_RANK = {"broken": 0, "error": 1, "incomplete": 2, "ok": 3}
SORTS: tuple[str, ...] = ("verdict", "namespace", "workload", "replicas")
"""The orders ``o`` cycles through: worst first, then by place, name or size."""
COLUMNS = ("verdict", "namespace", "workload", "pods", "fails at", "mechanism")
SHORT_KINDS = {"Deployment": "deploy", "StatefulSet": "sts", "DaemonSet": "ds", "Job": "job", "CronJob": "cj",
               "ReplicaSet": "rs", "ReplicationController": "rc", "Pod": "pod", "ServiceAccount": "sa",
               "PodIdentityAssociation": "assoc"}
"""kubectl's short names (``assoc``: an EKS Pod Identity association), so the table reads whole at 80 columns."""


@dataclass
class ScanRowArrived(Message):
    scan_id: int
    row: Any
    """A ``scan.WorkloadRow``."""


@dataclass
class ScanProgress(Message):
    scan_id: int
    done: int
    total: int


@dataclass
class ScanFinished(Message):
    scan_id: int
    report: Any
    """The ``scan.ScanReport``, or None when the scan failed (``error``)."""
    error: str | None = None


def _text(row: Any) -> str:
    """What the filter searches: every column, and the summary."""
    failure = row.first_failure or ""
    return " ".join(str(x) for x in (row.verdict, row.namespace, row.kind, row.name, row.mechanism,
                                     row.service_account or "", row.role_arn or "", failure, row.summary)).lower()


def filter_rows(rows: Sequence[Any], query: str) -> list[Any]:
    """Rows whose text holds every word of ``query`` (case-insensitive)."""
    terms = query.lower().split()
    return [r for r in rows if all(t in _text(r) for t in terms)]


def sort_rows(rows: Sequence[Any], order: str) -> list[Any]:
    place: Callable[[Any], tuple[str, str, str]] = lambda r: (r.namespace, r.kind, r.name)  # noqa: E731
    if order == "verdict":
        return sorted(rows, key=lambda r: (_RANK.get(r.verdict, 9), *place(r)))
    if order == "workload":
        return sorted(rows, key=lambda r: (r.name, r.kind, r.namespace))
    if order == "replicas":
        return sorted(rows, key=lambda r: (-int(r.replicas), *place(r)))
    return sorted(rows, key=place)


def _cells(row: Any) -> tuple[Text, str, str, str, Text, str]:
    mark, style = VERDICT_STYLE.get(row.verdict, ("·", ""))
    odd = len(row.odd_replicas)
    pods = f"{row.replicas}" + (f" ({odd} odd)" if odd else "")
    failure = Text(row.first_failure or ("-" if row.verdict == "ok" else row.verdict), style="bold" if row.first_failure else "dim")
    kind = SHORT_KINDS.get(row.kind, row.kind)
    return (Text(f"{mark} {row.verdict}", style=style), row.namespace, f"{kind}/{row.name}", pods, failure,
            "pod-id" if row.mechanism == "pod-identity" else row.mechanism)


def detail(row: Any) -> Text:
    """The highlighted row in full: where, the first failing link's one line, how odd replicas differ."""
    out = Text.assemble((f"{row.namespace}/{row.kind}/{row.name}", "bold"), f" · SA {row.service_account or '-'}")
    if row.role_arn:
        out.append(f" · {row.role_arn.rsplit('/', 1)[-1]}", style="dim")
    out.append("\n")
    if row.first_failure:
        out.append(f"{row.first_failure}: ", style="bold red" if row.verdict == "broken" else "bold")
    out.append(row.summary or row.error or "")
    for odd in row.odd_replicas[:2]:
        out.append(f"\nodd replica {odd.pod}: {odd.differs}", style="yellow")
    return out


class ScanScreen(Screen[None]):
    CSS_PATH = "../styles/scan.tcss"
    SCOPE = "scan"
    SCOPE_ALSO: tuple[str, ...] = ("everywhere",)
    BINDINGS = [
        Binding("escape", "back", "Back", id="scan-back",
                tooltip="In the filter: clear it and go back to the table; on the table: back to the pod picker"),
        Binding("slash", "filter", "Filter", id="scan-filter",
                tooltip="Filter the workloads: every word must match (namespace, name, verdict, link, summary)"),
        Binding("o", "sort", "Sort", id="scan-sort",
                tooltip="Cycle the order: worst verdict first, namespace, workload name, most pods"),
        Binding("f5", "rescan", "Rescan", id="scan-rescan", tooltip="Scan the same namespace or cluster again"),
    ]

    def __init__(self, context: str | None, namespace: str | None) -> None:
        """``namespace`` None: the whole cluster (``scan -A``)."""
        super().__init__()
        self.context = context
        self.namespace = namespace
        self.rows: dict[str, Any] = {}
        self.order = SORTS[0]
        self.done = 0
        self.total: int | None = None
        self.report: Any = None
        self.error: str | None = None
        self.scan_id = 0
        self._dirty = False
        self.shown: list[Any] = []

    @property
    def irsa(self) -> IrsaApp:
        return self.app  # type: ignore[return-value]

    @property
    def where(self) -> str:
        return f"namespace {self.namespace}" if self.namespace else "all namespaces"

    def compose(self) -> ComposeResult:
        yield Header(icon="◆")
        yield Label("", id="scan-status", markup=False)
        yield Input(placeholder="filter workloads… (/)", id="scan-filter")
        yield DataTable(id="scan-table", cursor_type="row", zebra_stripes=True)
        yield Label("", id="scan-detail", markup=False)
        yield Label("", id="scan-findings", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = f"scan · {self.context or '(current context)'} · {self.where}"
        table = self.query_one(DataTable)
        for name in COLUMNS:
            table.add_column(name, key=name)
        table.focus()
        self.set_interval(REDRAW_S, self._redraw_if_dirty)
        self.start_scan()

    # --- the scan (worker) ------------------------------------------------------------------
    def start_scan(self) -> None:
        self.scan_id += 1
        self.rows.clear()
        self.done, self.total, self.report, self.error = 0, None, None, None
        self.redraw()
        self._scan_worker(self.scan_id)

    @work(thread=True, exclusive=True, group="scan")
    def _scan_worker(self, scan_id: int) -> None:
        backend = self.irsa.backend
        runner = getattr(backend, "scan", None)
        if runner is None:
            self.post_message(ScanFinished(scan_id, None, "scan needs a cluster: this backend has none (replay?)"))
            return
        namespaces = (self.namespace,) if self.namespace else None
        try:
            report = runner(self.context, namespaces,
                            lambda row: self.post_message(ScanRowArrived(scan_id, row)),
                            lambda done, total: self.post_message(ScanProgress(scan_id, done, total)))
        except BackendError as exc:
            self.post_message(ScanFinished(scan_id, None, str(exc)))
        except Exception as exc:  # never a traceback on screen
            self.post_message(ScanFinished(scan_id, None, f"{type(exc).__name__}: {exc}"))
        else:
            self.post_message(ScanFinished(scan_id, report))

    @on(ScanRowArrived)
    def _row_arrived(self, message: ScanRowArrived) -> None:
        if message.scan_id == self.scan_id:
            self.rows[message.row.key] = message.row
            self._dirty = True

    @on(ScanProgress)
    def _progress(self, message: ScanProgress) -> None:
        if message.scan_id == self.scan_id:
            self.done, self.total = message.done, message.total
            self._dirty = True

    @on(ScanFinished)
    def _finished(self, message: ScanFinished) -> None:
        if message.scan_id != self.scan_id:
            return
        self.report, self.error = message.report, message.error
        if message.report is not None:
            self.rows = {row.key: row for row in message.report.rows}
        elif message.error:
            self.notify(message.error, title="Scan failed", severity="error", timeout=15)
        self.redraw()

    # --- drawing -----------------------------------------------------------------------------
    def _redraw_if_dirty(self) -> None:
        if self._dirty:
            self.redraw()

    def status_line(self) -> str:
        counts: dict[str, int] = {}
        for row in self.rows.values():
            counts[row.verdict] = counts.get(row.verdict, 0) + 1
        tally = " · ".join(f"{counts[v]} {v}" for v in ("broken", "error", "incomplete", "ok") if counts.get(v))
        if self.error:
            state = f"failed: {self.error}"
        elif self.report is None:
            state = f"scanning… {self.done}/{self.total} judged" if self.total is not None else "listing…"
        else:
            state = f"done: {len(self.rows)} workloads"
        shown = f" · showing {len(self.shown)}" if len(self.shown) != len(self.rows) else ""
        return f"{self.where}  ▸  {state}{' · ' + tally if tally else ''}{shown} · sorted by {self.order}"

    def redraw(self) -> None:
        self._dirty = False
        table = self.query_one(DataTable)
        query = self.query_one("#scan-filter", Input).value
        # follow the row the user moved to; at the top, stay at the top (worse rows arrive above it)
        keep = (table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
                if table.row_count and table.cursor_row > 0 else None)
        self.shown = sort_rows(filter_rows(list(self.rows.values()), query), self.order)
        table.clear()
        for row in self.shown:
            table.add_row(*_cells(row), key=row.key)
        if keep is not None and keep in {r.key for r in self.shown}:
            table.move_cursor(row=table.get_row_index(keep), animate=False)
        self.query_one("#scan-status", Label).update(self.status_line())
        findings = self.report.findings if self.report is not None else ()
        summary = ""
        if findings:
            codes: dict[str, int] = {}
            for f in findings:
                codes[f.code] = codes.get(f.code, 0) + 1
            summary = "cluster findings: " + ", ".join(f"{code} ×{n}" for code, n in sorted(codes.items()))
            summary += " (irsa-tui scan --json has them all)"
        self.query_one("#scan-findings", Label).update(summary)
        self._show_detail()

    def _show_detail(self) -> None:
        table = self.query_one(DataTable)
        row = None
        if table.row_count:
            key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
            row = self.rows.get(str(key))
        self.query_one("#scan-detail", Label).update(detail(row) if row is not None else "")

    @on(DataTable.RowHighlighted)
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_detail()

    # --- actions -----------------------------------------------------------------------------
    @on(DataTable.RowSelected)
    def _open(self, event: DataTable.RowSelected) -> None:
        row = self.rows.get(str(event.row_key.value))
        if row is None:
            return
        pod = row.representative or (row.pods[0] if row.pods else None)
        if pod is None:
            self.notify(row.summary or "no pod to diagnose", title=f"{row.kind}/{row.name}", severity="warning")
            return
        self.irsa.open_chain(row.namespace, pod)

    @on(Input.Changed, "#scan-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.redraw()

    @on(Input.Submitted, "#scan-filter")
    def _filter_done(self, event: Input.Submitted) -> None:
        self.query_one(DataTable).focus()

    def action_filter(self) -> None:
        self.query_one("#scan-filter", Input).focus()

    def action_back(self) -> None:
        box = self.query_one("#scan-filter", Input)
        if self.focused is box:
            box.value = ""
            self.query_one(DataTable).focus()
            return
        self.app.pop_screen()

    def action_sort(self) -> None:
        self.order = SORTS[(SORTS.index(self.order) + 1) % len(SORTS)]
        self.redraw()

    def action_rescan(self) -> None:
        self.start_scan()
