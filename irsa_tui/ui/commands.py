"""k9s habits: the ``:`` command line (``:ctx NAME``, ``:ns NAME``, ``:pod NS/NAME``, ``:q``) with
completion, and command-palette entries to switch context or namespace and to jump to a pod with a role.

Parsing and completion are pure (``parse_command``, ``complete``) and table-tested; the app runs them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.suggester import Suggester
from textual.widgets import Input, Static

if TYPE_CHECKING:
    from irsa_tui.ui.app import IrsaApp

__all__ = ["VERBS", "Command", "CommandLine", "TargetsProvider", "complete", "parse_command"]

VERBS = {
    "ctx": "ctx", "context": "ctx", "contexts": "ctx",
    "ns": "ns", "namespace": "ns", "namespaces": "ns",
    "pod": "pod", "pods": "pod", "po": "pod",
    "q": "quit", "quit": "quit", "q!": "quit",
    "help": "help", "?": "help",
}
USAGE = "ctx NAME, ns NAME (or ns all), pod [NS/]NAME, help, q"


@dataclass(frozen=True)
class Command:
    verb: str
    """``ctx``, ``ns``, ``pod``, ``quit`` or ``help``."""
    arg: str = ""


def parse_command(text: str) -> Command | str:
    """``ctx prod`` → Command("ctx", "prod"); a one-line problem for anything else."""
    words = text.strip().lstrip(":").split()
    if not words:
        return f"type a command: {USAGE}"
    verb = VERBS.get(words[0].lower())
    if verb is None:
        return f"unknown command {words[0]!r}; known: {USAGE}"
    if len(words) > 2:
        return f"{words[0]} takes one name, got {len(words) - 1}"
    arg = words[1] if len(words) == 2 else ""
    if verb in ("ctx", "ns", "pod") and not arg:
        return f"{words[0]} needs a name: {USAGE}"
    return Command(verb, arg)


def complete(text: str, names: Callable[[str], Sequence[str]]) -> str | None:
    """The whole line completed: the verb, or the name after it (``names(verb)`` lists candidates)."""
    stripped = text.lstrip()
    if " " not in stripped:
        verbs = sorted({v for v in ("ctx", "ns", "pod", "quit", "help") if v.startswith(stripped.lower())})
        return f"{verbs[0]} " if stripped and verbs and verbs[0] != stripped else None
    head, _, partial_name = stripped.partition(" ")
    verb = VERBS.get(head.lower())
    if verb not in ("ctx", "ns", "pod") or " " in partial_name:
        return None
    for name in names(verb):
        if name.startswith(partial_name) and name != partial_name:
            return f"{head} {name}"
    return None


class CommandSuggester(Suggester):
    def __init__(self, names: Callable[[str], Sequence[str]]) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self.names = names

    async def get_suggestion(self, value: str) -> str | None:
        return complete(value, self.names)


class CommandLine(ModalScreen[str | None]):
    """The ``:`` prompt at the bottom of the screen, as in k9s and vim."""

    CSS_PATH = "styles/dialogs.tcss"
    AUTO_FOCUS = "#command-input"
    SCOPE = "command line"
    SCOPE_ALSO: tuple[str, ...] = ()
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="command-cancel", tooltip="Close the command line"),
        Binding("tab", "complete", "Complete", id="command-complete", tooltip="Take the suggested completion"),
    ]

    def __init__(self, names: Callable[[str], Sequence[str]]) -> None:
        super().__init__()
        self.names = names
        self.typeahead = ""
        """Keys typed before the input had the focus (``:ctx prod⏎`` typed fast, as k9s users do)."""
        self.submit_typeahead = False

    def compose(self) -> ComposeResult:
        with Vertical(id="command-line"):
            yield Static(f"{USAGE} · tab completes · escape closes", id="command-hint", markup=False)
            yield Input(placeholder="ctx NAME", suggester=CommandSuggester(self.names), id="command-input")

    def on_mount(self) -> None:
        self.query_one(Input).focus()
        self.call_after_refresh(self._apply_typeahead)

    def on_key(self, event: events.Key) -> None:
        """Keys that reach the screen itself arrived before the input took the focus: keep them."""
        if isinstance(self.focused, Input):
            return
        if event.key == "enter":
            self.submit_typeahead = True
        elif event.key == "backspace":
            self.typeahead = self.typeahead[:-1]
        elif event.is_printable and event.character:
            self.typeahead += event.character
        else:
            return
        event.stop()
        self._apply_typeahead()

    def _apply_typeahead(self) -> None:
        if not self.is_mounted or not (self.typeahead or self.submit_typeahead):
            return
        field = self.query_one(Input)
        field.value += self.typeahead
        field.cursor_position = len(field.value)
        self.typeahead = ""
        if self.submit_typeahead:
            self.dismiss(field.value)

    def action_complete(self) -> None:
        field = self.query_one(Input)
        suggestion = complete(field.value, self.names)
        if suggestion is not None:
            field.value = suggestion
            field.cursor_position = len(suggestion)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class TargetsProvider(Provider):
    """Palette entries: every context, every namespace of the current context, every pod with a role."""

    @property
    def irsa(self) -> IrsaApp:
        return self.app  # type: ignore[return-value]

    def _entries(self) -> Iterable[tuple[str, Callable[[], Any], str]]:
        app = self.irsa
        for name in app.contexts:
            yield f"Switch context: {name}", partial(app.run_command, f"ctx {name}"), "k9s :ctx"
        for name in app.names_for("ns"):
            yield f"Namespace: {name}", partial(app.run_command, f"ns {name}"), "k9s :ns"
        for pod in app.identity_pods():
            role = str(pod.role_arn).rsplit("/", 1)[-1]
            target = f"{pod.namespace}/{pod.name}"
            yield f"Pod: {target} ◆ {role}", partial(app.run_command, f"pod {target}"), "a pod with a role"

    async def discover(self) -> Hits:
        for text, command, help_text in self._entries():
            yield DiscoveryHit(text, command, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for text, command, help_text in self._entries():
            score = matcher.match(text)
            if score > 0:
                yield Hit(score, matcher.highlight(text), command, text=text, help=help_text)
