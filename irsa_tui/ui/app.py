"""The irsa-tui Textual application: picker, chain, help and learn screens."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from irsa_tui.chain.model import ChainResult
from irsa_tui.ui.backend import Backend, RealBackend
from irsa_tui.ui.config import UiConfig, load_config
from irsa_tui.ui.screens.chain import ChainScreen
from irsa_tui.ui.screens.help import HelpScreen
from irsa_tui.ui.screens.learn import LearnScreen
from irsa_tui.ui.screens.picker import PickerScreen

__all__ = ["FREEZE_ENV", "IrsaApp"]

FREEZE_ENV = "IRSA_TUI_FREEZE_TIME"
"""When set (to anything but empty/0), durations, ages and countdowns are hidden: stable snapshots."""


class IrsaApp(App[None]):
    TITLE = "irsa-tui"
    SUB_TITLE = "why can't my pod reach AWS?"
    CSS_PATH = "styles/app.tcss"
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
            "L", "learn", "Learn", id="learn", tooltip="Explain the IRSA flow with this pod's real values"
        ),
    ]

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
            config = load_config()
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

    def on_mount(self) -> None:
        self.push_screen(PickerScreen())
        for line in self.config.warnings:
            self.notify(line, title="Config", severity="warning", timeout=15)
        if self.namespace and self.pod:
            self.open_chain(self.namespace, self.pod)

    def open_chain(self, namespace: str, pod: str) -> None:
        self.namespace, self.pod = namespace, pod
        self.push_screen(ChainScreen(namespace, pod))

    def back_to_picker(self) -> None:
        if len(self.screen_stack) > 2:
            self.pop_screen()

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
            "Learn mode", "Explain the IRSA flow with this pod's real values", self.action_learn
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
