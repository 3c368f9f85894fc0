"""Paste an error (a message, a stack trace, log lines) to compare it with the chain just walked."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, TextArea

__all__ = ["ExplainDialog"]


class ExplainDialog(ModalScreen[str | None]):
    """A text area for the error; dismisses with the text, or None when cancelled."""

    CSS_PATH = "../styles/explain_dialog.tcss"
    SCOPE = "explain dialog"
    SCOPE_ALSO: tuple[str, ...] = ()
    BINDINGS = [
        Binding(
            "ctrl+s",
            "explain",
            "Explain",
            id="explain-submit",
            tooltip="Explain the pasted error and compare it with the chain",
        ),
        Binding("escape", "cancel", "Cancel", id="explain-cancel", tooltip="Close without explaining"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="explain-dialog"):
            yield Label(
                "Paste the error your app printed (a message, a stack trace or log lines), then ctrl+s",
                id="explain-prompt",
                markup=False,
            )
            yield TextArea(id="explain-text", soft_wrap=True, show_line_numbers=False)
            with Horizontal(id="explain-buttons"):
                yield Button("Explain", variant="primary", id="explain-ok")
                yield Button("Cancel", id="explain-close")

    def on_mount(self) -> None:
        self.query_one(TextArea).focus()

    @on(Button.Pressed, "#explain-ok")
    def action_explain(self) -> None:
        self.dismiss(self.query_one(TextArea).text)

    @on(Button.Pressed, "#explain-close")
    def action_cancel(self) -> None:
        self.dismiss(None)
