"""Decoded claims of the projected token (from the token link's details; never the raw token)."""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from irsa_tui.chain.model import LinkResult
from irsa_tui.ui.timefmt import local_time
from irsa_tui.ui.wrapping import wrap_text

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
    """Claim names with their full values under or beside them, wrapped at separators (never cut: these
    are the values the trust policy is matched against); times as local time with "in 10 min"."""

    DEFAULT_CSS = """
    TokenView { padding: 0 1; }
    TokenView > .token-countdown { text-style: bold; margin-bottom: 1; width: 1fr; height: auto; }
    TokenView.-expired > .token-countdown { color: $error; }
    TokenView > .token-claims { height: auto; }
    TokenView > .token-note { color: $text-muted; margin-top: 1; }
    """

    def __init__(self, *, frozen: bool = False, id: str | None = None) -> None:
        super().__init__(id=id)
        self.frozen = frozen
        self.exp: float | None = None
        self.rows: list[tuple[str, str]] = []
        self.width_shown = 0

    def compose(self) -> ComposeResult:
        yield Static("No token yet", classes="token-countdown", markup=False)
        yield Static("", classes="token-claims", markup=False)
        yield Static("", classes="token-note", markup=False)

    def on_mount(self) -> None:
        if not self.frozen:
            self.set_interval(1.0, self.tick)

    def show(self, result: LinkResult | None) -> None:
        details = dict(result.details) if result is not None else {}
        claims = details.get("claims")
        if not isinstance(claims, Mapping):
            self.exp = None
            self.rows = []
            text = "No decoded token" + (f": {result.summary}" if result is not None else " yet")
            self.query_one(".token-countdown", Static).update(text)
            self.query_one(".token-claims", Static).update("")
            self.query_one(".token-note", Static).update("")
            return
        now = time.time()
        rows = []
        # what the trust policy matches (sub, aud) and the issuer first, then the times, then the rest
        first = {"sub": 0, "aud": 1, "iss": 2, "exp": 3, "iat": 4, "nbf": 5}
        for name, value in sorted(_flatten(claims), key=lambda row: first.get(row[0], len(first))):
            if name in _TIME_CLAIMS:
                raw = claims.get(name)
                if self.frozen:
                    value = "(time hidden)"
                elif isinstance(raw, int | float):
                    value = local_time(float(raw), now)
            rows.append((name, value))
        self.rows = rows
        self.render_claims()
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

    def render_claims(self) -> None:
        """Beside each other when the longest name leaves room, else the value under its name."""
        claims = self.query_one(".token-claims", Static)
        width = claims.size.width or max(20, self.app.size.width // 2)
        self.width_shown = width
        name_width = max((len(n) for n, _ in self.rows), default=0) + 2
        beside = width - name_width >= 40
        text = Text()
        for n, (name, value) in enumerate(self.rows):
            if n:
                text.append("\n")
            if beside:
                text.append(name.ljust(name_width), style="bold")
                text.append_text(wrap_text(Text(value), width - name_width, " " * name_width))
            else:
                text.append(name, style="bold")
                text.append("\n  ")
                text.append_text(wrap_text(Text(value), width - 2, "  "))
        claims.update(text)

    def on_resize(self) -> None:
        if self.rows and self.width_shown != self.query_one(".token-claims", Static).size.width:
            self.render_claims()

    def tick(self) -> None:
        label = self.query_one(".token-countdown", Static)
        if self.exp is None:
            return
        if self.frozen:
            label.update("Token expiry hidden (time is frozen for snapshots)")
            return
        left = self.exp - time.time()
        self.set_class(left < 0, "-expired")
        label.update(f"Token {format_countdown(left)}")
