"""The credentials each container really gets: the source per SDK family, what it shadows, the identity,
and whether IMDS (the node role) is reachable. SDK families that choose differently are called out."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from irsa_tui.chain.credentials import ContainerCredentials, NodeIdentity, SdkChoice, fallback
from irsa_tui.ui.mechanisms import source_label
from irsa_tui.ui.wrapping import WrappedText, wrap_text

__all__ = ["CredentialBlock", "CredentialsView", "container_class", "render_container"]

_IMDS = {"yes": "✔ reachable", "no": "✘ not reachable", "unknown": "? unknown"}
_LABEL = 7
"""Width of the row labels (``uses``, ``as``, ``hides``…): values start after them."""


def container_class(creds: ContainerCredentials) -> str:
    """The status class of a container: ``-fail`` no credentials, ``-warn`` node role or SDKs differ."""
    sources = {c.source for c in creds.choices}
    if None in sources:
        return "-fail"
    if "imds" in sources or not creds.agree:
        return "-warn"
    return "-pass"


def _groups(choices: Sequence[SdkChoice]) -> list[list[SdkChoice]]:
    """SDK families that use the same source as the same identity, together (pod order kept)."""
    out: list[list[SdkChoice]] = []
    for choice in choices:
        for group in out:
            if (group[0].source, group[0].identity) == (choice.source, choice.identity):
                group.append(choice)
                break
        else:
            out.append([choice])
    return out


def _per_sdk(group: Sequence[SdkChoice], values: Sequence[str]) -> list[tuple[str, str]]:
    """``[("", v)]`` when every SDK of the group has the same value, else ``[("go-v2", v), …]`` grouped."""
    by_value: dict[str, list[str]] = {}
    for choice, value in zip(group, values, strict=True):
        by_value.setdefault(value, []).append(choice.label)
    if len(by_value) == 1:
        return [("", next(iter(by_value)))]
    return [(", ".join(sdks), value) for value, sdks in by_value.items() if value]


def render_container(creds: ContainerCredentials, width: int) -> Text:
    """One container's block, every value wrapped at separators to ``width`` (never cut)."""
    room = max(10, width - _LABEL)
    pad = " " * _LABEL
    text = Text()

    def row(label: str, value: str, style: str = "") -> None:
        text.append("\n")
        text.append(f"{label:<{_LABEL}}", style="bold")
        text.append_text(wrap_text(Text(value, style=style), room, pad))

    def line(value: str, style: str = "", indent: str = "  ") -> None:
        text.append("\n")
        text.append_text(wrap_text(Text(value, style=style), max(10, width - len(indent)), indent))

    text.append(f"{'init container' if creds.init else 'container'} {creds.container}", style="bold underline")
    reach = creds.imds
    version = f" (IMDS{reach.version})" if reach.version else ""
    row("IMDS", f"{_IMDS.get(reach.reachable, reach.reachable)}{version}: {reach.why}")
    for n, source in enumerate(creds.present):
        row("has" if n == 0 else "", source.what + ("" if source.certain else " (may apply: its contents are unknown)"))
    if not creds.present:
        row("has", "no credential settings")
    groups = _groups(creds.choices)
    if len(groups) > 1:
        line("▲ the SDK families use different credentials here:", "bold")
    for group in groups:
        first = group[0]
        line(" · ".join(c.label for c in group), "bold reverse" if len(groups) > 1 else "bold", "")
        row("uses", source_label(first.source))
        row("as", first.identity)
        hides = [", ".join(source_label(s) for s in c.shadows) for c in group]
        for sdks, value in _per_sdk(group, hides):
            if value:
                row("hides", f"({sdks}) {value}" if sdks else value)
        unless = [", ".join(source_label(s) for s in c.may_preempt) for c in group]
        for sdks, value in _per_sdk(group, unless):
            if value:
                row("unless", (f"({sdks}) " if sdks else "") + value + " holds credentials in the container's files")
        skips = ["; ".join(c.skipped) for c in group]
        for sdks, value in _per_sdk(group, skips):
            if value:
                row("skips", f"({sdks}) {value}" if sdks else value)
    failures: dict[str, list[str]] = {}
    for choice in creds.choices:
        failures.setdefault(choice.on_failure, []).append(choice.label)
    for what, failing in failures.items():
        label = "if that fails" if len(failures) == 1 else f"if that fails ({', '.join(failing)})"
        line(f"{label}: {what}")
    for note in creds.notes:
        if len(groups) > 1 and note.startswith("SDK families differ"):
            continue  # said above, group by group
        line(f"▲ {note}")
    return text


class CredentialBlock(Static):
    """One container's block, re-wrapped to its own width (a scrollbar appearing narrows it)."""

    def __init__(self, creds: ContainerCredentials) -> None:
        super().__init__("", classes=f"creds-container {container_class(creds)}", markup=False)
        self.creds = creds
        self.width_shown = 0

    def render_block(self) -> None:
        width = self.content_size.width or max(20, self.app.size.width // 2)
        self.width_shown = width
        self.update(render_container(self.creds, width))

    def on_mount(self) -> None:
        self.render_block()

    def on_resize(self) -> None:
        if self.width_shown != self.content_size.width:
            self.render_block()


class CredentialsView(VerticalScroll):
    """Per container: the source each SDK family uses, what it shadows, the identity, IMDS reach."""

    DEFAULT_CSS = """
    CredentialsView { padding: 0 1; }
    CredentialsView > .creds-intro { color: $text-muted; width: 1fr; height: auto; }
    CredentialsView > .creds-fallback { width: 1fr; height: auto; margin-top: 1; }
    CredentialsView > .creds-container { width: 1fr; height: auto; margin-top: 1; padding-left: 1; border-left: thick $panel-lighten-2; }
    CredentialsView > .creds-container.-pass { border-left: thick $success; }
    CredentialsView > .creds-container.-warn { border-left: thick $warning; }
    CredentialsView > .creds-container.-fail { border-left: thick $error; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.credentials: tuple[ContainerCredentials, ...] = ()

    def compose(self) -> ComposeResult:
        yield Static("Known once the run finishes", classes="creds-intro", markup=False)
        yield WrappedText(classes="creds-fallback")

    def show(self, credentials: Sequence[ContainerCredentials], node: NodeIdentity | None = None) -> None:
        self.credentials = tuple(credentials)
        self.query(CredentialBlock).remove()
        intro = self.query_one(".creds-intro", Static)
        back = self.query_one(".creds-fallback", WrappedText)
        if not self.credentials:
            intro.update("No credential sources known for this pod (its spec could not be read).")
            back.set_text("")
            return
        intro.update(
            "What each container's AWS SDK uses (first match wins), what that hides, and whether IMDS "
            "(the node role) is in reach."
        )
        back.set_text(f"Without its identity env, the app container gets {fallback(self.credentials, node)}.")
        self.mount_all(CredentialBlock(c) for c in self.credentials)

    def reset(self) -> None:
        self.credentials = ()
        self.query(CredentialBlock).remove()
        self.query_one(".creds-intro", Static).update("Known once the run finishes")
        self.query_one(".creds-fallback", WrappedText).set_text("")
