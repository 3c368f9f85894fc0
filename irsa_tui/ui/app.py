"""The irsa-tui Textual application: picker, chain, help and learn screens."""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterable
from typing import Any

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from irsa_tui.chain.model import ChainResult
from irsa_tui.ui.backend import Backend, RealBackend
from irsa_tui.ui.commands import Command, CommandLine, TargetsProvider, parse_command
from irsa_tui.ui.config import UiConfig, load_config
from irsa_tui.ui.keys import Scope, scope_of
from irsa_tui.ui.probes import Probe, ProbeBook
from irsa_tui.ui.screens.chain import ChainScreen
from irsa_tui.ui.screens.help import HelpScreen
from irsa_tui.ui.screens.learn import LearnScreen
from irsa_tui.ui.screens.picker import ALL_NAMESPACES, PickerScreen, unknown_context

__all__ = ["FREEZE_ENV", "IrsaApp"]

_DNS_LABEL = re.compile(r"[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?")

FREEZE_ENV = "IRSA_TUI_FREEZE_TIME"
"""When set (to anything but empty/0), durations, ages and countdowns are hidden: stable snapshots."""


class IrsaApp(App[None]):
    TITLE = "irsa-tui"
    SUB_TITLE = "why can't my pod reach AWS?"
    CSS_PATH = "styles/app.tcss"
    SCOPE = "everywhere"
    SCOPE_ALSO: tuple[str, ...] = ()
    BINDINGS = [
        Binding("q", "quit", "Quit", id="quit", tooltip="Leave irsa-tui"),
        Binding(
            "ctrl+q",
            "quit",
            "Quit",
            key_display="^q",
            show=False,
            priority=True,
            id="quit-anywhere",
            tooltip="Leave irsa-tui from anywhere, even while typing in a filter",
        ),
        Binding(
            "question_mark,f1", "help", "Help", key_display="?", id="help", tooltip="List every key binding"
        ),
        Binding(
            "L", "learn", "Learn", id="learn", tooltip="Explain the pod's mechanism (IRSA or EKS Pod Identity) with its real values"
        ),
        Binding(
            "colon",
            "command",
            "Command",
            key_display=":",
            show=False,
            id="command",
            tooltip="k9s command line: ctx NAME, ns NAME, pod NS/NAME, q (tab completes)",
        ),
    ]
    COMMANDS = App.COMMANDS | {TargetsProvider}

    def __init__(
        self,
        context: str | None = None,
        namespace: str | None = None,
        pod: str | None = None,
        bucket: str | None = None,
        live: bool = True,
        timeout: float = 5.0,
        *,
        backend: Backend | None = None,
        frozen: bool | None = None,
        config: UiConfig | None = None,
        object_key: str | None = None,
    ) -> None:
        """``config`` None: read the user's config file (keymap); its warnings go to stderr now and
        to a notification once the app is up."""
        super().__init__()
        if config is None:
            config = load_config(scopes=self.key_scopes())
            for line in config.warnings:
                print(f"irsa-tui: {line}", file=sys.stderr)
        self.config = config
        if config.keymap:
            self.set_keymap(config.keymap)
        self.context = context
        self.namespace = namespace
        self.pod = pod
        self.bucket = bucket
        self.object_key = object_key
        """With ``bucket``: also GetObject this key (Range bytes=0-0)."""
        self.live = live
        self.timeout = timeout
        self.backend: Backend = backend or RealBackend(timeout)
        self.frozen = (
            bool(os.environ.get(FREEZE_ENV, "").strip() not in ("", "0")) if frozen is None else frozen
        )
        self.last_result: ChainResult | None = None
        self.probes = ProbeBook(Probe(bucket, object_key if bucket else None, live, "flag" if bucket else ""), context)
        """Bucket/object/live per target (ui/probes.py): the flags above are only where targets start."""
        self.contexts: dict[str, Any] = {}
        """The kubeconfig's contexts by name (``ContextInfo``), once the picker has listed them."""

    @classmethod
    def key_scopes(cls) -> tuple[Scope, ...]:
        """Where each set of bindings works, in the order help and the README list them (ui/keys.py)."""
        from irsa_tui.ui.screens.dialogs import InputDialog, TextDialog
        from irsa_tui.ui.screens.explain_dialog import ExplainDialog
        from irsa_tui.ui.screens.mechanism_dialog import MechanismDialog
        from irsa_tui.ui.screens.scan import ScanScreen
        from irsa_tui.ui.widgets.filter_list import FilterList

        owners = (
            cls, PickerScreen, FilterList, ScanScreen, ChainScreen, LearnScreen, HelpScreen, InputDialog, TextDialog,
            ExplainDialog, MechanismDialog, CommandLine,
        )
        return tuple(scope_of(owner) for owner in owners)

    def on_mount(self) -> None:
        self.push_screen(PickerScreen())
        for line in self.config.warnings:
            self.notify(line, title="Config", severity="warning", timeout=15)
        if self.namespace and self.pod:
            self.open_chain(self.namespace, self.pod)

    def open_chain(self, namespace: str, pod: str) -> None:
        self.namespace, self.pod = namespace, pod
        self.push_screen(ChainScreen(namespace, pod, self.context))

    def back_to_picker(self) -> None:
        if len(self.screen_stack) > 2:
            self.pop_screen()

    # --- the k9s command line and palette targets -----------------------------------------------
    @property
    def picker(self) -> PickerScreen | None:
        return next((s for s in self.screen_stack if isinstance(s, PickerScreen)), None)

    def names_for(self, verb: str) -> list[str]:
        """What ``:ctx``/``:ns``/``:pod`` complete to here."""
        picker = self.picker
        if verb == "ctx":
            return list(self.contexts)
        if picker is None:
            return []
        if verb == "ns":
            names = [str(i.value) for i in picker.pane("namespaces").items if i.value != ALL_NAMESPACES]
            return [*names, "all"]
        pods = [str(i.value) for i in picker.pane("pods").items if isinstance(i.value, str)]
        return pods + [f"{p.namespace}/{p.name}" for p in self.identity_pods()]

    def identity_pods(self) -> list[Any]:
        """Pods with a role in every namespace of the picker's context (once scanned)."""
        picker = self.picker
        return picker.identity.get(picker.context, []) if picker is not None else []

    def action_command(self) -> None:
        if not isinstance(self.screen, CommandLine):
            self.push_screen(CommandLine(self.names_for), lambda text: self.run_command(text) if text else None)

    def run_command(self, text: str) -> None:
        """Run one ``:`` command; a problem is a one-line notification, nothing changes."""
        command = parse_command(text)
        if isinstance(command, str):
            self.notify(command, title="Command", severity="error")
            return
        picker = self.picker
        if command.verb == "quit":
            self.exit()
        elif command.verb == "help":
            self.action_help()
        elif picker is None:
            return
        elif command.verb == "ctx":
            self._command_ctx(picker, command)
        elif command.verb == "ns":
            self._command_ns(picker, command)
        else:
            self._command_pod(picker, command)

    def _to_picker(self, picker: PickerScreen) -> None:
        while self.screen is not picker and len(self.screen_stack) > 1:
            self.pop_screen()

    def _command_ctx(self, picker: PickerScreen, command: Command) -> None:
        if self.contexts and command.arg not in self.contexts:
            self.notify(unknown_context(command.arg, list(self.contexts)), title=":ctx", severity="error")
            return
        self._to_picker(picker)
        picker.pane("contexts").refilter(highlight=command.arg)
        picker.select_context(command.arg)

    def _command_ns(self, picker: PickerScreen, command: Command) -> None:
        name = ALL_NAMESPACES if command.arg == "all" else command.arg
        if name != ALL_NAMESPACES and not _DNS_LABEL.fullmatch(name):
            self.notify(f"{name!r} is not a namespace name", title=":ns", severity="error")
            return
        self._to_picker(picker)
        picker.select_namespace(name)

    def _command_pod(self, picker: PickerScreen, command: Command) -> None:
        namespace, _, pod = command.arg.rpartition("/")
        namespace = namespace or (picker.namespace if picker.namespace != ALL_NAMESPACES else None) or ""
        if not namespace:
            self.notify("pick a namespace first, or give NS/POD", title=":pod", severity="error")
            return
        self._to_picker(picker)
        self.open_chain(namespace, pod)

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_learn(self) -> None:
        if not isinstance(self.screen, LearnScreen):
            self.push_screen(LearnScreen(self.last_result))

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand("Help: every key binding", "List every key binding", self.action_help)
        yield SystemCommand(
            "Learn mode", "Explain the pod's mechanism (IRSA or EKS Pod Identity) with its real values", self.action_learn
        )
        if isinstance(screen, ChainScreen):
            yield SystemCommand("Re-run the diagnosis", "Run the whole chain again", screen.action_rerun)
            yield SystemCommand(
                "Toggle live probes", "STS and S3 calls on/off, then re-run", screen.action_toggle_live
            )
            yield SystemCommand(
                "Set the S3 bucket to probe", "Ask for a bucket (or bucket/key), then re-run", screen.action_bucket
            )
            yield SystemCommand("Export the result", "Markdown and JSON files", screen.action_export)
            yield SystemCommand(
                "Save an incident bundle", "Facts + result, redacted: irsa-tui replay FILE", screen.action_save_bundle
            )
            yield SystemCommand("Copy the fix command", "Of the selected link", screen.action_copy_fix)
            yield SystemCommand(
                "Why this mechanism", "IRSA or EKS Pod Identity: what is configured, which one wins",
                screen.action_mechanism,
            )
            yield SystemCommand(
                "Credentials per container", "The source each SDK uses, what it shadows, IMDS reach",
                lambda: screen.action_tab("credentials"),
            )
