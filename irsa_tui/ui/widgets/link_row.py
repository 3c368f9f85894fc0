"""One link of the chain in the list: glyph, title, one-line summary; status as a CSS class."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Label, ListItem

from irsa_tui.chain.model import LinkId, LinkResult, Status

__all__ = ["STATUS_CLASSES", "LinkRow", "link_title"]

STATUS_CLASSES = (*(f"-{s.value}" for s in Status), "-pending")


def link_title(link: LinkId) -> str:
    """Human title of a link, e.g. ``OIDC provider``."""
    return link.label


def link_short(link: LinkId) -> str:
    """A word or two for a narrow list: ``STS`` for ``STS AssumeRoleWithWebIdentity`` (the spec's short)."""
    from irsa_tui.chain.registry import all_specs

    spec = all_specs().get(link)
    short = spec.short if spec is not None else link.value
    return short[:1].upper() + short[1:]


class _Head(Label):
    """The row's first line: picks the full or the short title for its own width."""

    def on_resize(self) -> None:
        row = self.parent
        if isinstance(row, LinkRow):
            row.fit_title(self.content_size.width)


class LinkRow(ListItem):
    """Shows ``… pending: <call> 1.2s`` until its result arrives."""

    DEFAULT_CSS = """
    LinkRow { height: 2; padding: 0 1; }
    LinkRow > Label { width: 1fr; text-wrap: nowrap; text-overflow: ellipsis; }
    LinkRow > .row-head { text-style: bold; }
    LinkRow > .row-summary { color: $text-muted; padding-left: 2; }
    LinkRow.-highlight > .row-head { text-style: bold reverse; }
    LinkRow.-pending > .row-head { color: $text-muted; }
    LinkRow.-pass > .row-head { color: $success; }
    LinkRow.-warn > .row-head { color: $warning; }
    LinkRow.-fail > .row-head { color: $error; }
    LinkRow.-skip > .row-head { color: $text-muted; }
    LinkRow.-error > .row-head { color: $secondary; }
    LinkRow.-fail { background: $error 15%; }
    LinkRow.-fail.-highlight { background: $error 35%; }
    """

    def __init__(self, link: LinkId, number: int) -> None:
        super().__init__(id=f"link-{link.value}", classes="-pending")
        self.link = link
        self.number = number
        self.result: LinkResult | None = None
        self.title = link_title(link)
        """The full title, or the short one when the row is too narrow for it (never an ellipsis there)."""

    def compose(self) -> ComposeResult:
        # a row mounted with its result already known (the list rebuilt for another mechanism) shows it
        result = self.result
        head = self._head(result.status.glyph, result.status.value) if result else self._head("…")
        yield _Head(head, classes="row-head", markup=False)
        yield Label(result.summary if result else "waiting", classes="row-summary", markup=False)

    def _head(self, glyph: str, status: str = "") -> str:
        # the status word first, so a narrow list cuts the title, never the verdict
        return f"{glyph} {status:<4} {self.number}. {self.title}"

    def show_result(self, result: LinkResult) -> None:
        self.result = result
        for cls in STATUS_CLASSES:
            self.set_class(cls == f"-{result.status.value}", cls)
        self.tooltip = result.summary
        self._show(self._head(result.status.glyph, result.status.value), result.summary)

    def _show(self, head: str | None, summary: str | None) -> None:
        """Update the labels, once composed (a row not composed yet shows its state when it is)."""
        if head is not None:
            for label in self.query(".row-head").results(Label):
                label.update(head)
        if summary is not None:
            for label in self.query(".row-summary").results(Label):
                label.update(summary)

    def fit_title(self, width: int) -> None:
        """The full title when the head fits ``width``, else the short one."""
        full = link_title(self.link)
        title = full if not width or len(self._head("…").replace(self.title, full)) <= width else link_short(self.link)
        if title != self.title:
            self.title = title
            result = self.result
            self._show(self._head(result.status.glyph, result.status.value) if result else self._head("…"), None)

    def show_pending(self, text: str) -> None:
        if self.result is None:
            self._show(None, text)

    def reset(self) -> None:
        self.result = None
        for cls in STATUS_CLASSES:
            self.set_class(cls == "-pending", cls)
        self._show(self._head("…"), "waiting")
