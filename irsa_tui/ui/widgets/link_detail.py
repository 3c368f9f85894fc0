"""The detail of one link: summary, findings, expected-vs-actual table, explanation, fix."""

from __future__ import annotations

from rich import box
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Label, Static

from irsa_tui.chain.model import LinkResult
from irsa_tui.ui.diffing import highlight_actual
from irsa_tui.ui.widgets.link_row import STATUS_CLASSES, link_title

__all__ = ["EvidenceTable", "LinkDetail"]

_OK_GLYPH = {True: "✔", False: "✘", None: "·"}


NARROW = 60
"""Below this width the three columns wrap a few letters per line: stack expected/actual instead."""


class EvidenceTable(Static):
    """Expected and actual side by side (wrapping), or stacked when narrow; the part of ``actual``
    that differs is highlighted."""

    COMPONENT_CLASSES = {"evidence--diff", "evidence--head"}
    DEFAULT_CSS = """
    EvidenceTable { height: auto; margin: 1 0 0 0; }
    EvidenceTable > .evidence--diff { background: $error 45%; text-style: bold underline; }
    EvidenceTable > .evidence--head { color: $accent; text-style: bold; }
    """

    result: LinkResult | None = None
    stacked: bool | None = None

    def show(self, result: LinkResult) -> None:
        self.result = result
        self.rows = [(ev.key, ev.ok) for ev in result.evidence]
        self.display = bool(result.evidence)
        if not result.evidence:
            self.update("")
            return
        width = self.size.width or self.app.size.width
        self.stacked = 0 < width < NARROW
        diff = self.get_component_rich_style("evidence--diff", partial=True)
        head = self.get_component_rich_style("evidence--head", partial=True)
        # mismatches first: the differing value is what the user came for
        order = {False: 0, True: 1, None: 2}
        if self.stacked:
            text = Text()
            for n, ev in enumerate(sorted(result.evidence, key=lambda e: order[e.ok])):
                if n:
                    text.append("\n")
                text.append(f"{_OK_GLYPH[ev.ok]} ", style=head if ev.ok is False else "")
                text.append(ev.label + "\n", style="bold")
                if ev.expected is not None:
                    text.append("  expected: ", style=head)
                    text.append(ev.expected + "\n")
                text.append("  actual:   ", style=head)
                text.append_text(highlight_actual(ev.expected, ev.actual, ev.ok, diff))
                text.append("\n")
            self.update(text)
            return
        table = Table(expand=True, box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, header_style=head)
        table.add_column("", width=1, no_wrap=True)
        table.add_column("evidence", ratio=2, overflow="fold")
        table.add_column("expected", ratio=3, overflow="fold")
        table.add_column("actual", ratio=3, overflow="fold")
        for ev in sorted(result.evidence, key=lambda e: order[e.ok]):
            table.add_row(
                _OK_GLYPH[ev.ok],
                Text(ev.label),
                Text(ev.expected if ev.expected is not None else "—"),
                highlight_actual(ev.expected, ev.actual, ev.ok, diff),
            )
        self.update(table)

    def on_resize(self) -> None:
        if self.result is not None and self.stacked != (0 < self.size.width < NARROW):
            self.show(self.result)


class LinkDetail(VerticalScroll):
    DEFAULT_CSS = """
    LinkDetail { padding: 0 1; }
    LinkDetail > .detail-title { text-style: bold; width: 1fr; text-wrap: nowrap; text-overflow: ellipsis; }
    LinkDetail.-pass > .detail-title { color: $success; }
    LinkDetail.-warn > .detail-title { color: $warning; }
    LinkDetail.-fail > .detail-title { color: $error; }
    LinkDetail.-skip > .detail-title { color: $text-muted; }
    LinkDetail.-error > .detail-title { color: $secondary; }
    LinkDetail > .detail-findings { color: $text-muted; }
    LinkDetail > .detail-heading { text-style: bold; margin-top: 1; color: $accent; }
    LinkDetail > .detail-fix { background: $boost; padding: 0 1; border-left: thick $accent; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.result: LinkResult | None = None

    def compose(self) -> ComposeResult:
        yield Label("Select a link", classes="detail-title", markup=False)
        yield Static("", classes="detail-summary", markup=False)
        yield Static("", classes="detail-findings", markup=False)
        yield EvidenceTable()
        yield Label("Why it matters", classes="detail-heading detail-why-heading")
        yield Static("", classes="detail-explanation", markup=False)
        yield Label("Fix  (c copies it · f shows it unwrapped)", classes="detail-heading detail-fix-heading")
        yield Static("", classes="detail-fix", markup=False)

    def show(self, result: LinkResult) -> None:
        self.result = result
        for cls in STATUS_CLASSES:
            self.set_class(cls == f"-{result.status.value}", cls)
        self.query_one(".detail-title", Label).update(
            f"{result.status.glyph} {link_title(result.id)} — {result.status.value.upper()}"
        )
        self.query_one(".detail-summary", Static).update(result.summary)
        findings = "\n".join(
            f"[{f.code}] {f.message}" for f in result.findings if f.message != result.summary
        )
        self.query_one(".detail-findings", Static).update(findings)
        self.query_one(".detail-findings", Static).display = bool(findings)
        self.query_one(EvidenceTable).show(result)
        self.query_one(".detail-explanation", Static).update(result.explanation)
        for node in self.query(".detail-why-heading, .detail-explanation"):
            node.display = bool(result.explanation)
        self.query_one(".detail-fix", Static).update(result.fix or "")
        for node in self.query(".detail-fix-heading, .detail-fix"):
            node.display = bool(result.fix)
