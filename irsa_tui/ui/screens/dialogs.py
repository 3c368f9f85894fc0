"""Small modal dialogs."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label

__all__ = ["InputDialog"]


class InputDialog(ModalScreen[str | None]):
    """Ask for one line of text; dismisses with the text, or None when cancelled."""

    CSS_PATH = "../styles/dialogs.tcss"
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="dialog-cancel", tooltip="Close without changing anything")
    ]

    def __init__(self, prompt: str, value: str = "") -> None:
        super().__init__()
        self.prompt = prompt
        self.value = value

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(self.prompt, id="dialog-prompt", markup=False)
            yield Input(self.value, id="dialog-input")
            with Horizontal(id="dialog-buttons"):
                yield Button("OK", variant="primary", id="dialog-ok")
                yield Button("Cancel", id="dialog-cancel")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted)
    @on(Button.Pressed, "#dialog-ok")
    def _ok(self) -> None:
        self.dismiss(self.query_one(Input).value)

    @on(Button.Pressed, "#dialog-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
