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

    def compose(self) -> ComposeResult:
        # a row mounted with its result already known (the list rebuilt for another mechanism) shows it
        result = self.result
        head = self._head(result.status.glyph, result.status.value) if result else self._head("…")
        yield Label(head, classes="row-head", markup=False)
        yield Label(result.summary if result else "waiting", classes="row-summary", markup=False)

    def _head(self, glyph: str, status: str = "") -> str:
        # the status word first, so a narrow list cuts the title, never the verdict
        return f"{glyph} {status:<4} {self.number}. {link_title(self.link)}"

    def show_result(self, result: LinkResult) -> None:
        self.result = result
        for cls in STATUS_CLASSES:
            self.set_class(cls == f"-{result.status.value}", cls)
        self.tooltip = result.summary
        if not self.is_mounted:  # compose shows it
            return
        self.query_one(".row-head", Label).update(self._head(result.status.glyph, result.status.value))
        self.query_one(".row-summary", Label).update(result.summary)

    def show_pending(self, text: str) -> None:
        if self.result is None:
            self.query_one(".row-summary", Label).update(text)

    def reset(self) -> None:
        self.result = None
        for cls in STATUS_CLASSES:
            self.set_class(cls == "-pending", cls)
        self.query_one(".row-head", Label).update(self._head("…"))
        self.query_one(".row-summary", Label).update("waiting")
