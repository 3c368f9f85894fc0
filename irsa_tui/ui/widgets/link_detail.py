"""The detail of one link: summary, findings, expected-vs-actual table, explanation, fix."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Label, Static

from irsa_tui.chain.model import LinkResult
from irsa_tui.ui.diffing import highlight_actual
from irsa_tui.ui.widgets.link_row import STATUS_CLASSES, link_title
from irsa_tui.ui.wrapping import WrappedText, wrap_text

__all__ = ["EvidenceTable", "LinkDetail"]

_OK_GLYPH = {True: "✔", False: "✘", None: "·"}

LIST_SHOWN = 3
"""A value listing more than LIST_MAX items (``a, b, c, …``) shows LIST_SHOWN of them and a count."""
LIST_MAX = 5


def collapse_list(value: str) -> str:
    """``a, b, c, d, e, f`` → ``a, b, c (+3 more; the export has all)``: the fix stays in view."""
    items = value.split(", ")
    if len(items) <= LIST_MAX:
        return value
    return f"{', '.join(items[:LIST_SHOWN])} (+{len(items) - LIST_SHOWN} more; e exports them all)"


class EvidenceTable(Static):
    """Each fact as a label with its expected and actual values under it, wrapped at separators (never
    mid-token); the part of ``actual`` that differs is highlighted. Mismatches first; long lists collapse."""

    COMPONENT_CLASSES = {"evidence--diff", "evidence--head"}
    DEFAULT_CSS = """
    EvidenceTable { height: auto; margin: 1 0 0 0; }
    EvidenceTable > .evidence--diff { background: $error 45%; text-style: bold underline; }
    EvidenceTable > .evidence--head { color: $accent; text-style: bold; }
    """

    result: LinkResult | None = None
    width_shown: int = 0

    def show(self, result: LinkResult) -> None:
        self.result = result
        self.display = bool(result.evidence)
        if not result.evidence:
            self.update("")
            return
        width = self.size.width or max(20, self.app.size.width // 2)
        self.width_shown = width
        diff = self.get_component_rich_style("evidence--diff", partial=True)
        head = self.get_component_rich_style("evidence--head", partial=True)
        # mismatches first: the differing value is what the user came for
        order = {False: 0, True: 1, None: 2}
        text = Text()
        for n, ev in enumerate(sorted(result.evidence, key=lambda e: order[e.ok])):
            if n:
                text.append("\n")
            text.append(f"{_OK_GLYPH[ev.ok]} ", style=head if ev.ok is False else "")
            text.append_text(wrap_text(Text(ev.label, style="bold"), width - 2, "  "))
            text.append("\n")
            if ev.expected is not None:
                text.append("  expected ", style=head)
                text.append_text(wrap_text(Text(collapse_list(ev.expected)), width - 11, " " * 11))
                text.append("\n")
            actual = highlight_actual(ev.expected, ev.actual, ev.ok, diff)
            if ev.actual is not None and ev.ok is not False:
                actual = Text(collapse_list(ev.actual))
            text.append("  actual   ", style=head)
            text.append_text(wrap_text(actual, width - 11, " " * 11))
            text.append("\n")
        self.update(text)

    def on_resize(self) -> None:
        if self.result is not None and self.width_shown != self.size.width:
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
        yield WrappedText(classes="detail-summary")
        yield WrappedText(classes="detail-findings")
        # the fix leads; the evidence (which may be long) and the explanation follow
        yield Label("Fix  (c copies it · f shows it unwrapped)", classes="detail-heading detail-fix-heading")
        yield WrappedText(classes="detail-fix")
        yield EvidenceTable()
        yield Label("Why it matters", classes="detail-heading detail-why-heading")
        yield Static("", classes="detail-explanation", markup=False)

    def show(self, result: LinkResult) -> None:
        self.result = result
        for cls in STATUS_CLASSES:
            self.set_class(cls == f"-{result.status.value}", cls)
        self.query_one(".detail-title", Label).update(
            f"{result.status.glyph} {link_title(result.id)} — {result.status.value.upper()}"
        )
        self.query_one(".detail-summary", WrappedText).set_text(result.summary)
        findings = "\n".join(
            f"{f.code:<9} {f.message}" for f in result.findings if f.message != result.summary
        )
        self.query_one(".detail-findings", WrappedText).set_text(findings)
        self.query_one(".detail-findings", WrappedText).display = bool(findings)
        self.query_one(EvidenceTable).show(result)
        self.query_one(".detail-explanation", Static).update(result.explanation)
        for node in self.query(".detail-why-heading, .detail-explanation"):
            node.display = bool(result.explanation)
        self.query_one(".detail-fix", WrappedText).set_text(result.fix or "")
        for node in self.query(".detail-fix-heading, .detail-fix"):
            node.display = bool(result.fix)
