"""Every key binding, where it works, and what it does."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Label

__all__ = ["HelpScreen", "binding_rows"]


def binding_rows(where: str, bindings: list[BindingType]) -> list[tuple[str, str, str, str]]:
    rows = []
    for b in bindings:
        if not isinstance(b, Binding):
            continue
        keys = ", ".join(k.strip() for k in b.key.split(","))
        rows.append((where, keys, b.description, b.tooltip))
    return rows


class HelpScreen(ModalScreen[None]):
    CSS_PATH = "../styles/help.tcss"
    BINDINGS = [
        Binding(
            "escape,q,question_mark", "dismiss", "Close", id="help-close", tooltip="Close the help screen"
        ),
    ]

    def compose(self) -> ComposeResult:
        from irsa_tui.ui.app import IrsaApp
        from irsa_tui.ui.screens.chain import ChainScreen
        from irsa_tui.ui.screens.learn import LearnScreen
        from irsa_tui.ui.screens.picker import PickerScreen
        from irsa_tui.ui.widgets.filter_list import FilterList

        rows = (
            binding_rows("everywhere", IrsaApp.BINDINGS)
            + binding_rows("pod picker", PickerScreen.BINDINGS)
            + binding_rows("picker lists", FilterList.BINDINGS)
            + binding_rows("chain", ChainScreen.BINDINGS)
            + binding_rows("learn", LearnScreen.BINDINGS)
        )
        with Vertical(id="help"):
            yield Label(
                "irsa-tui keys  ·  escape closes  ·  ctrl+p opens the command palette", id="help-title"
            )
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
