"""Every key binding, where it works, and what it does."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

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
        self.rows = [
            row for scope in IrsaApp.key_scopes() for row in binding_rows(scope.name, scope.bindings, keymap)
        ]
        title = "irsa-tui keys · escape closes · ctrl+p: command palette · : commands (ctx, ns, pod)"
        with Vertical(id="help"):
            yield Static(title, id="help-title", markup=False)
            if keymap:
                path = self.app.config.path if isinstance(self.app, IrsaApp) else "your config"
                yield Static(f"* remapped in {path}", id="help-remapped", markup=False)
            with VerticalScroll(id="help-table"):
                yield Static(help_table(self.rows), id="help-rows")
                yield Static(
                    "Enter on a link shows its detail with the fix (t: token claims, p: trust policy). "
                    "Mouse: click a cluster, namespace, pod or link to pick it. On a list, / or any letter "
                    "filters (substring, or letters in order: 'pdapi' finds 'payments-api'); escape clears.",
                    id="help-mouse",
                    markup=False,
                )


def help_table(rows: list[Row]) -> Table:
    """Key, action and what it does, grouped by where they work; prose wraps at words."""
    table = Table(expand=False, box=None, show_header=True, pad_edge=False, header_style="bold")
    table.add_column("key", max_width=18, overflow="fold", style="bold")
    table.add_column("action", no_wrap=True)
    table.add_column("what it does")
    where = None
    for scope, keys, action, what in rows:
        if scope != where:
            where = scope
            table.add_row(Text(scope, style="bold underline"), "", "")
        table.add_row(keys, action, what)
    return table
