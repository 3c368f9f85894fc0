"""Small modal dialogs."""

from __future__ import annotations

from collections.abc import Callable

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static, TextArea

__all__ = ["InputDialog", "TextDialog"]


class InputDialog(ModalScreen[str | None]):
    """Ask for one line of text; dismisses with the text, or None when cancelled.

    ``validate`` (text → a one-line problem, or None) runs as you type; while there is a problem the
    dialog says it under the input and OK keeps the dialog open with your text, so nothing is lost.
    """

    CSS_PATH = "../styles/dialogs.tcss"
    SCOPE = "dialog"
    SCOPE_ALSO: tuple[str, ...] = ()
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="dialog-cancel", tooltip="Close without changing anything")
    ]

    def __init__(self, prompt: str, value: str = "", validate: Callable[[str], str | None] | None = None) -> None:
        super().__init__()
        self.prompt = prompt
        self.value = value
        self.validate = validate

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(self.prompt, id="dialog-prompt", markup=False)
            yield Input(self.value, id="dialog-input")
            yield Static("", id="dialog-problem", markup=False)
            with Horizontal(id="dialog-buttons"):
                yield Button("OK", variant="primary", id="dialog-ok")
                yield Button("Cancel", id="dialog-cancel")

    def on_mount(self) -> None:
        self.query_one(Input).focus()
        self._check(self.value)

    def _check(self, text: str) -> str | None:
        problem = self.validate(text) if self.validate is not None else None
        shown = self.query_one("#dialog-problem", Static)
        shown.update(f"✘ {problem}" if problem else "")
        shown.display = bool(problem)
        self.query_one("#dialog-ok", Button).disabled = bool(problem)
        self.query_one(Input).set_class(bool(problem), "-invalid")
        return problem

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        self._check(event.value)

    @on(Input.Submitted)
    @on(Button.Pressed, "#dialog-ok")
    def _ok(self) -> None:
        value = self.query_one(Input).value
        if self._check(value) is None:
            self.dismiss(value)

    @on(Button.Pressed, "#dialog-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


class TextDialog(ModalScreen[None]):
    """Text shown as it is (not wrapped, so a command selects in one piece): a read-only text area."""

    CSS_PATH = "../styles/dialogs.tcss"
    SCOPE = "text view"
    SCOPE_ALSO: tuple[str, ...] = ()
    BINDINGS = [
        Binding("escape,q,f", "dismiss", "Close", id="text-close", tooltip="Close the unwrapped view"),
    ]

    def __init__(self, title: str, text: str) -> None:
        super().__init__()
        self.title_text = title
        self.text = text

    def compose(self) -> ComposeResult:
        with Vertical(id="text-dialog"):
            yield Static(self.title_text, id="text-title", markup=False)
            yield TextArea(self.text, read_only=True, soft_wrap=False, highlight_cursor_line=False, id="text-body")
            yield Static(
                "Not wrapped: select it whole with the mouse (shift+drag selects in the terminal itself). "
                "escape closes.",
                id="text-hint",
                markup=False,
            )

    def on_mount(self) -> None:
        self.query_one(TextArea).focus()
