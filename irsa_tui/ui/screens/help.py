"""Every key binding, where it works, and what it does."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Label

from irsa_tui.ui.keys import app_keymap, display_keys

__all__ = ["HelpScreen", "binding_rows"]

Row = tuple[str, str, str, str]


def binding_rows(where: str, bindings: Iterable[BindingType], keymap: Mapping[str, str]) -> list[Row]:
    """One row per binding, with the keys that trigger it once ``keymap`` is applied (``*``: remapped)."""
    rows = []
    for b in bindings:
        if not isinstance(b, Binding):
            continue
        keys = display_keys(b, keymap) + (" *" if b.id in keymap else "")
        rows.append((where, keys, b.description, b.tooltip))
    return rows


class HelpScreen(ModalScreen[None]):
    CSS_PATH = "../styles/help.tcss"
    SCOPE = "help"
    SCOPE_ALSO: tuple[str, ...] = ()
    BINDINGS = [
        Binding(
            "escape,q,question_mark", "dismiss", "Close", id="help-close", tooltip="Close the help screen"
        ),
    ]

    def compose(self) -> ComposeResult:
        from irsa_tui.ui.app import IrsaApp

        keymap = app_keymap(self.app)  # what App.set_keymap stored (normalized), the same the footer uses
        rows = [row for scope in IrsaApp.key_scopes() for row in binding_rows(scope.name, scope.bindings, keymap)]
        title = "irsa-tui keys  ·  escape closes  ·  ctrl+p opens the command palette"
        with Vertical(id="help"):
            yield Label(title, id="help-title", markup=False)
            if keymap:
                path = self.app.config.path if isinstance(self.app, IrsaApp) else "your config"
                yield Label(f"* remapped in {path}", id="help-remapped", markup=False)
            table: DataTable[str] = DataTable(cursor_type="row", zebra_stripes=True, id="help-table")
            table.add_columns("where", "key", "action", "what it does")
            for row in rows:
                table.add_row(*row)
            yield table
            yield Label(
                "Mouse: click a cluster, namespace, pod or link to pick it. Type in a list's box to filter "
                "(substring, or letters in order: 'pdapi' finds 'payments-api').",
                id="help-mouse",
            )
