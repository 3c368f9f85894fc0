"""Why this mechanism: what is configured, which one wins at injection and in the SDKs, what each container uses."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from irsa_tui.chain.model import ChainResult
from irsa_tui.ui.mechanisms import Section, mechanism_name, mechanism_sections
from irsa_tui.ui.wrapping import wrap_text

__all__ = ["MechanismDialog", "render_sections"]


def render_sections(sections: list[Section], width: int) -> Text:
    """Each heading, then its lines as bullets wrapped at separators (ARNs never cut mid-token)."""
    text = Text()
    for n, section in enumerate(sections):
        if n:
            text.append("\n\n")
        text.append(section.heading, style="bold underline")
        for line in section.lines:
            text.append("\n• ")
            text.append_text(wrap_text(Text(line), max(10, width - 2), "  "))
    return text


class MechanismDialog(ModalScreen[None]):
    """The detection reasons of one result, read-only; escape (or m again) closes."""

    CSS_PATH = "../styles/mechanism_dialog.tcss"
    SCOPE = "mechanism dialog"
    SCOPE_ALSO: tuple[str, ...] = ()
    BINDINGS = [
        Binding("escape,q,m", "dismiss", "Close", id="mechanism-close", tooltip="Close the mechanism explanation"),
    ]

    def __init__(self, result: ChainResult) -> None:
        super().__init__()
        self.result = result
        self.sections = mechanism_sections(result)
        self.width_shown = 0

    def compose(self) -> ComposeResult:
        with Vertical(id="mechanism-dialog"):
            yield Static(
                f"Why {mechanism_name(self.result.mechanism)} · escape closes", id="mechanism-title", markup=False
            )
            with VerticalScroll(id="mechanism-scroll"):
                yield Static("", id="mechanism-body", markup=False)

    def on_mount(self) -> None:
        self.query_one(VerticalScroll).focus()
        self.render_body()

    def render_body(self) -> None:
        body = self.query_one("#mechanism-body", Static)
        width = body.content_size.width or max(20, self.app.size.width - 8)
        self.width_shown = width
        body.update(render_sections(self.sections, width))

    def on_resize(self) -> None:
        if self.width_shown != self.query_one("#mechanism-body", Static).content_size.width:
            self.render_body()
