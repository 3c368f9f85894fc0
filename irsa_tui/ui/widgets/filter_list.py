"""A titled list with type-to-filter: an Input on top of a virtualised OptionList.

k9s habits: the list has focus, ``/`` (or any letter that is not a key binding) starts the filter,
escape clears it and goes back to the list, so ``q`` and ``:`` keep their meaning on the list. An
active filter is shown in the pane's bottom border (``/api``), and a filter matching nothing says so.
Up/down/page keys move the highlight and enter picks, from the filter too. Matching runs over
precomputed lowercase keys (``FilterIndex``) and only the first ``RENDER_CAP`` matches are rendered,
so 10,000 items stay instant.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Label, LoadingIndicator, OptionList, Static
from textual.widgets.option_list import Option

from irsa_tui.ui.filtering import FilterIndex

__all__ = ["FilterList", "Item"]

RENDER_CAP = 500


@dataclass(frozen=True)
class Item:
    key: str
    """Text the filter matches against."""
    prompt: Text | str | Callable[[int], Text]
    """What the list shows; a callable is given the list's width (names wrap instead of being cut)."""
    value: Any


class FilterList(Vertical, can_focus=False):
    DEFAULT_CSS = """
    FilterList { border: round $panel-lighten-2; padding: 0 0; height: 1fr; }
    FilterList:focus-within { border: round $accent; }
    FilterList > Input.filter-input { border: none; height: 1; padding: 0 1; background: $boost; }
    FilterList > Input.filter-input:focus { border: none; background: $accent 20%; }
    FilterList:focus-within { border-title-style: bold reverse; }
    FilterList > OptionList > .option-list--option-highlighted { text-style: bold underline; }
    FilterList > OptionList:focus > .option-list--option-highlighted { text-style: bold reverse; }
    FilterList > OptionList { border: none; height: 1fr; padding: 0; background: transparent; text-wrap: nowrap; text-overflow: ellipsis; }
    FilterList > OptionList:focus { border: none; }
    FilterList > .filter-count { height: 1; color: $text-muted; padding: 0 1; }
    FilterList > .filter-error { color: $error; padding: 0 1; height: auto; display: none; }
    FilterList.-error > .filter-error { display: block; }
    FilterList > LoadingIndicator { height: 3; display: none; }
    FilterList.-loading > LoadingIndicator { display: block; }
    FilterList.-loading > OptionList { display: none; }
    """

    SCOPE = "picker lists"
    SCOPE_ALSO: tuple[str, ...] = ("pod picker", "everywhere")
    BINDINGS = [
        Binding("down", "move(1)", "Next", show=False, id="list-next", tooltip="Highlight the next item"),
        Binding(
            "up",
            "move(-1)",
            "Previous",
            show=False,
            id="list-previous",
            tooltip="Highlight the previous item",
        ),
        Binding(
            "pagedown", "move(10)", "Page down", show=False, id="list-page-down", tooltip="Ten items down"
        ),
        Binding("pageup", "move(-10)", "Page up", show=False, id="list-page-up", tooltip="Ten items up"),
    ]

    @dataclass
    class Selected(Message):
        """An item was picked (enter or click); ``value`` is the item's value or typed text."""

        filter_list: FilterList
        value: Any
        typed: bool = False
        """True when the value is free text typed by the user (no list to pick from)."""

        @property
        def control(self) -> FilterList:
            return self.filter_list

    def __init__(
        self, title: str, placeholder: str, *, allow_typed: bool = False, id: str | None = None
    ) -> None:
        super().__init__(id=id)
        self.border_title = title
        self.placeholder = placeholder
        self.allow_typed = allow_typed
        self.items: list[Item] = []
        self.index = FilterIndex(())
        self.shown: list[int] = []
        self.empty: str | None = None
        self.width_shown = 0

    def compose(self) -> ComposeResult:
        yield Input(placeholder=self.placeholder, classes="filter-input", select_on_focus=False)
        yield LoadingIndicator()
        yield Static("", classes="filter-error")
        yield OptionList()
        yield Label("", classes="filter-count")

    @property
    def input(self) -> Input:
        return self.query_one(Input)

    @property
    def options(self) -> OptionList:
        return self.query_one(OptionList)

    def set_loading(self, loading: bool = True) -> None:
        self.set_class(loading, "-loading")
        if loading:
            self.set_class(False, "-error")
            self.query_one(".filter-count", Label).update("loading…")

    def show_error(self, message: str) -> None:
        self.set_class(False, "-loading")
        self.set_class(True, "-error")
        self.query_one(".filter-error", Static).update(message)
        self.set_items([])

    def set_items(self, items: list[Item], highlight: Any = None, empty: str | None = None) -> None:
        """``empty``: what the count line says while there is nothing to list (e.g. what to pick first)."""
        self.set_class(False, "-loading")
        if items:
            self.set_class(False, "-error")
        self.empty = empty
        self.items = items
        self.index = FilterIndex(i.key for i in items)
        self.refilter(highlight)

    def refilter(self, highlight: Any = None) -> None:
        shown, total = self.index.search(self.input.value, RENDER_CAP)
        self.shown = shown
        options = self.options
        width = self.list_width()
        self.width_shown = width
        options.set_options(Option(self._prompt(self.items[i], width), id=str(i)) for i in shown)
        if shown:
            at = 0
            if highlight is not None:
                at = next((n for n, i in enumerate(shown) if self.items[i].value == highlight), 0)
            options.highlighted = at
        query = self.input.value.strip()
        self.border_subtitle = f"/{query}" if query else ""
        count = f"{total} of {len(self.items)}"
        if not self.items and self.empty:
            count = self.empty
        elif self.items and query and not total:
            count = f"nothing matches '{query}' (escape clears it)"
        if total > len(shown):
            count += f" (showing {len(shown)}; type to narrow)"
        self.query_one(".filter-count", Label).update(count)

    def list_width(self) -> int:
        """The width prompts wrap to, leaving room for a vertical scrollbar that may appear."""
        return max(10, (self.options.content_size.width or self.size.width - 2 or 32) - 2)

    @staticmethod
    def _prompt(item: Item, width: int) -> Text | str:
        return item.prompt(width) if callable(item.prompt) else item.prompt

    def on_resize(self) -> None:
        if self.items and self.width_shown != self.list_width():
            self.refilter(self.highlighted_value)

    @property
    def highlighted_value(self) -> Any:
        at = self.options.highlighted
        if at is None or at >= len(self.shown):
            return None
        return self.items[self.shown[at]].value

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        event.stop()
        self.refilter()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        value = self.highlighted_value
        if value is not None:
            self.post_message(self.Selected(self, value))
        elif self.allow_typed and event.value.strip():
            self.post_message(self.Selected(self, event.value.strip(), typed=True))

    @on(OptionList.OptionSelected)
    def _clicked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is not None:
            self.post_message(self.Selected(self, self.items[int(event.option.id)].value))

    def action_move(self, delta: int) -> None:
        options = self.options
        if not self.shown:
            return
        at = options.highlighted or 0
        options.highlighted = max(0, min(len(self.shown) - 1, at + delta))

    def focus_filter(self) -> None:
        self.input.focus()

    def focus_list(self) -> None:
        self.options.focus()

    def clear_filter(self) -> None:
        """Forget the filter text (a new context: the old words would hide the new lists)."""
        if self.input.value:
            self.input.value = ""
            self.refilter()

    def on_key(self, event: events.Key) -> None:
        """On the list, a printable key that is not bound here starts the filter with that character."""
        if not self.options.has_focus or not event.is_printable or not event.character:
            return
        if event.key in self.screen.active_bindings:
            return
        event.stop()
        event.prevent_default()
        self.input.focus()
        self.input.insert_text_at_cursor(event.character)
