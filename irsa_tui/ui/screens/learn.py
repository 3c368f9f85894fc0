"""Learn mode: the IRSA flow as a diagram of the seven links, with this pod's real values."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Label, Static

from irsa_tui.chain.model import ChainResult, LinkId
from irsa_tui.chain.registry import IRSA, LINK_ORDER
from irsa_tui.ui.widgets.link_row import link_title

__all__ = ["LearnScreen", "learn_values"]


def flow_line(result: ChainResult | None) -> str:
    """``ServiceAccount ✔ ─▶ webhook ✔ ─▶ … ─▶ S3 –``: the whole flow on one line, readable without colour."""
    parts = []
    for link in LINK_ORDER:
        glyph = f" {result.link(link).status.glyph}" if result is not None else ""
        parts.append(IRSA.spec(link).short + glyph)
    return " ─▶ ".join(parts)


def learn_values(result: ChainResult | None) -> dict[LinkId, list[tuple[str, str]]]:
    """The real names for each step, taken from the result (``?`` when unknown)."""
    out: dict[LinkId, list[tuple[str, str]]] = {link: [] for link in LINK_ORDER}
    if result is None:
        return out
    t = result.target
    out[LinkId.SERVICE_ACCOUNT].append(("pod", f"{t.namespace}/{t.pod}"))
    out[LinkId.SERVICE_ACCOUNT].append(("role ARN", t.role_arn or "?"))
    token: Mapping[str, Any] = result.link(LinkId.TOKEN).details
    claims = token.get("claims") if isinstance(token.get("claims"), Mapping) else {}
    assert isinstance(claims, Mapping)
    trust: Mapping[str, Any] = result.link(LinkId.TRUST_POLICY).details
    request = trust.get("request") if isinstance(trust.get("request"), Mapping) else {}
    assert isinstance(request, Mapping)
    oidc: Mapping[str, Any] = result.link(LinkId.OIDC_PROVIDER).details
    aud = claims.get("aud")
    out[LinkId.TOKEN] += [
        ("iss", str(claims.get("iss") or oidc.get("issuer") or "?")),
        ("aud", ", ".join(aud) if isinstance(aud, list) else str(aud or "?")),
        ("sub", str(claims.get("sub") or "?")),
    ]
    provider = request.get("principal_federated") or "?"
    out[LinkId.OIDC_PROVIDER].append(("provider ARN", str(provider)))
    if oidc.get("issuer"):
        out[LinkId.OIDC_PROVIDER].append(("issuer", str(oidc["issuer"])))
    if trust.get("decision"):
        out[LinkId.TRUST_POLICY].append(("decision", str(trust["decision"])))
    for link in LINK_ORDER:
        res = result.link(link)
        out[link].append(("result", f"{res.status.glyph} {res.status.value}: {res.summary}"))
    return out


class LearnScreen(Screen[None]):
    CSS_PATH = "../styles/learn.tcss"
    BINDINGS = [
        Binding("escape,backspace", "app.pop_screen", "Back", id="learn-back", tooltip="Close learn mode"),
    ]

    def __init__(self, result: ChainResult | None) -> None:
        super().__init__()
        self.result = result

    def compose(self) -> ComposeResult:
        yield Header(icon="◆")
        values = learn_values(self.result)
        intro = "How a pod gets AWS credentials through IRSA"
        if self.result is None:
            intro += "  (open a pod's chain first to see its real values here)"
        yield Label(intro, id="learn-title")
        yield Label(flow_line(self.result), id="learn-flow", markup=False)
        with VerticalScroll(id="learn"):
            for n, link in enumerate(LINK_ORDER, 1):
                spec = IRSA.spec(link)
                prose, what = spec.learn, spec.learn_what
                status = ""
                if self.result is not None:
                    status = f"-{self.result.link(link).status.value}"
                with Vertical(classes=f"learn-step {status}".strip(), id=f"learn-{link.value}") as box:
                    box.border_title = f"{n}. {link_title(link)}  ·  {what}"
                    yield Static(prose, classes="learn-prose", markup=False)
                    if values[link]:
                        grid = Table.grid(padding=(0, 1))
                        grid.add_column(justify="right", style="bold", no_wrap=True)
                        grid.add_column(overflow="fold")
                        for key, value in values[link]:
                            grid.add_row(key, value)
                        yield Static(grid, classes="learn-value")
                if n < len(LINK_ORDER):
                    yield Label("▼", classes="learn-arrow")
        yield Footer()

    def on_mount(self) -> None:
        """Put the first failing step's heading at the top of the view, its explanation below it."""
        if self.result is not None and self.result.first_failure is not None:
            box = self.query_one(f"#learn-{self.result.first_failure.value}")
            self.call_after_refresh(
                self.query_one("#learn", VerticalScroll).scroll_to_widget, box, animate=False, top=True
            )
