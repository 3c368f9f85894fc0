"""Decoded claims of the projected token (from the token link's details; never the raw token)."""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from typing import Any

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Label, Static

from irsa_tui.chain.model import LinkResult

__all__ = ["TokenView", "format_countdown"]

_TIME_CLAIMS = ("exp", "iat", "nbf")


def format_countdown(seconds: float) -> str:
    """``expires in 9m 58s`` / ``expired 3m 2s ago``."""
    whole = int(abs(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    span = f"{hours}h {minutes}m {secs}s" if hours else f"{minutes}m {secs}s"
    return f"expires in {span}" if seconds >= 0 else f"expired {span} ago"


def _flatten(claims: Mapping[str, Any], prefix: str = "") -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    for key, value in claims.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            rows.extend(_flatten(value, name + "."))
        elif isinstance(value, list | tuple):
            rows.append((name, ", ".join(str(v) for v in value)))
        else:
            rows.append((name, str(value)))
    return rows


class TokenView(VerticalScroll):
    DEFAULT_CSS = """
    TokenView { padding: 0 1; }
    TokenView > .token-countdown { text-style: bold; margin-bottom: 1; }
    TokenView.-expired > .token-countdown { color: $error; }
    TokenView > DataTable { height: auto; }
    TokenView > .token-note { color: $text-muted; margin-top: 1; }
    """

    def __init__(self, *, frozen: bool = False, id: str | None = None) -> None:
        super().__init__(id=id)
        self.frozen = frozen
        self.exp: float | None = None

    def compose(self) -> ComposeResult:
        yield Label("No token yet", classes="token-countdown")
        yield DataTable(cursor_type="row", zebra_stripes=True, show_header=True)
        yield Static("", classes="token-note", markup=False)

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns("claim", "value")
        if not self.frozen:
            self.set_interval(1.0, self.tick)

    def show(self, result: LinkResult | None) -> None:
        table = self.query_one(DataTable)
        table.clear()
        details = dict(result.details) if result is not None else {}
        claims = details.get("claims")
        if not isinstance(claims, Mapping):
            self.exp = None
            text = "No decoded token" + (f": {result.summary}" if result is not None else " yet")
            self.query_one(".token-countdown", Label).update(text)
            self.query_one(".token-note", Static).update("")
            return
        for name, value in _flatten(claims):
            if self.frozen and name in _TIME_CLAIMS:
                value = "(time hidden)"
            table.add_row(name, value)
        exp = claims.get("exp")
        self.exp = float(exp) if isinstance(exp, int | float) else None
        notes = [f"origin: {details.get('origin', 'unknown')}"]
        if details.get("signature"):
            notes.append(f"signature: {details['signature']} (redacted)")
        header = details.get("header")
        if isinstance(header, Mapping):
            notes.append("header: " + json.dumps(dict(header), sort_keys=True))
        self.query_one(".token-note", Static).update("\n".join(notes))
        self.tick()

    def tick(self) -> None:
        label = self.query_one(".token-countdown", Label)
        if self.exp is None:
            return
        if self.frozen:
            label.update("expiry countdown hidden (IRSA_TUI_FREEZE_TIME)")
            return
        left = self.exp - time.time()
        self.set_class(left < 0, "-expired")
        label.update(f"Token {format_countdown(left)}")
