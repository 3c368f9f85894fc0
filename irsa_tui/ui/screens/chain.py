"""The chain of one pod: its mechanism's links filled in as their results arrive, and the selected link's detail."""

from __future__ import annotations

import asyncio
import os
import time
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Label, ListView, TabbedContent, TabPane

from irsa_tui.chain.model import ChainResult, LinkId, LinkResult, Status, Verdict
from irsa_tui.ui.backend import BackendError
from irsa_tui.ui.files import target_stem, write_new
from irsa_tui.ui.mechanisms import (
    guess_mechanism,
    mechanism_links,
    mechanism_name,
    mechanism_pane,
    result_links,
)
from irsa_tui.ui.messages import CallChanged, ChainFailed, ChainFinished, LinkArrived
from irsa_tui.ui.probes import Probe, Target
from irsa_tui.ui.screens.dialogs import InputDialog
from irsa_tui.ui.widgets.credentials_view import CredentialsView
from irsa_tui.ui.widgets.link_detail import LinkDetail
from irsa_tui.ui.widgets.link_row import LinkRow
from irsa_tui.ui.widgets.policy_view import PolicyView
from irsa_tui.ui.widgets.token_view import TokenView

if TYPE_CHECKING:
    from irsa_tui.ui.app import IrsaApp

__all__ = ["ChainScreen", "export_result"]

_MOVE_KEYS = {"up", "down", "home", "end", "pageup", "pagedown"}
_VERDICT_TEXT = {
    Verdict.OK: "✔ OK: the pod can reach AWS through {mechanism}",
    Verdict.BROKEN: "✘ BROKEN",
    Verdict.INCOMPLETE: "? INCOMPLETE: some links could not be checked",
}


def export_result(result: ChainResult, directory: Path, now: datetime | None = None) -> tuple[Path, Path]:
    """Write ``irsa-<context>-<ns>-<pod>-<time>.md`` and ``.json`` into ``directory``, never over another
    file (ui/files.py); returns both paths."""
    from irsa_tui import report

    target = result.target
    stem = target_stem(target.context, target.namespace, target.pod, now)
    md, js = write_new(directory, stem, {".md": report.render_markdown(result), ".json": report.render_json(result)})
    return md, js


def _out_dir() -> Path:
    return Path(os.environ.get("IRSA_TUI_EXPORT_DIR") or os.getcwd())


class ChainScreen(Screen[None]):
    CSS_PATH = "../styles/chain.tcss"
    # below 110 columns the link list gets narrower, so the detail (evidence, policy table) stays readable
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]
    SCOPE = "chain"
    SCOPE_ALSO: tuple[str, ...] = ("everywhere",)
    BINDINGS = [
        Binding("r", "rerun", "Re-run", id="rerun", tooltip="Run the whole diagnosis again"),
        Binding(
            "l",
            "toggle_live",
            "Live",
            id="toggle-live",
            tooltip="Turn the live STS and S3 probes on or off, then re-run",
        ),
        Binding(
            "b",
            "bucket",
            "Bucket",
            id="bucket",
            tooltip="Set the S3 bucket (or bucket/key for one object) to probe, then re-run",
        ),
        Binding(
            "e",
            "export",
            "Export",
            id="export",
            tooltip="Write the result as Markdown and JSON (current dir or $IRSA_TUI_EXPORT_DIR)",
        ),
        Binding(
            "s",
            "save_bundle",
            "Save",
            show=False,  # the footer keeps room at 80 columns; help, palette and README list it
            id="save-bundle",
            tooltip="Save an incident bundle: facts + result, redacted (open it anywhere: irsa-tui replay FILE)",
        ),
        Binding(
            "c",
            "copy_fix",
            "Copy fix",
            id="copy-fix",
            tooltip="Copy the selected link's fix command to the clipboard",
        ),
        Binding(
            "f",
            "fix_view",
            "Fix",
            show=False,  # the Fix heading names it; the footer keeps room for help and learn at 80 columns
            id="fix-view",
            tooltip="Show the selected link's fix unwrapped, to select and copy by hand",
        ),
        Binding(
            "d",
            "tab('detail')",
            "Detail",
            show=False,
            id="tab-detail",
            tooltip="Show the selected link's detail",
        ),
        Binding(
            "t",
            "tab('token')",
            "Token",
            show=False,  # the tab bar shows it; the footer keeps room for help and quit at 80 columns
            id="tab-token",
            tooltip="Show the decoded token claims",
        ),
        Binding(
            "p",
            "tab('policy')",
            "Policy",
            show=False,
            id="tab-policy",
            tooltip="Show the trust policy with the deciding statement highlighted",
        ),
        Binding(
            "i",
            "tab('credentials')",
            "Credentials",
            show=False,
            id="tab-credentials",
            tooltip="Show each container's credential source per SDK, what it shadows, its identity and IMDS reach",
        ),
        Binding(
            "m",
            "mechanism",
            "Why mechanism",
            show=False,  # the links pane's title names it
            id="mechanism",
            tooltip="Why IRSA or EKS Pod Identity: what is configured, which one wins, what each container uses",
        ),
        Binding(
            "x",
            "explain_error",
            "Explain error",
            show=False,
            id="explain-error",
            tooltip="Paste an error your app printed: which link it implicates, and whether it agrees with this chain",
        ),
        Binding("escape,backspace", "back", "Back", id="chain-back", tooltip="Back to the pod picker"),
        Binding(
            "slash",
            "find_pod",
            "Find pod",
            show=False,
            id="chain-find-pod",
            tooltip="Back to the picker with the pod filter open (k9s /)",
        ),
        Binding("1", "focus_pane('links')", "Links", show=False, id="chain-pane-1", tooltip="Go to pane 1, the links"),
        Binding("2", "focus_pane('tabs')", "Detail", show=False, id="chain-pane-2", tooltip="Go to pane 2, the open tab"),
    ]

    def __init__(self, namespace: str, pod: str, context: str | None = None) -> None:
        super().__init__()
        self.namespace = namespace
        self.pod = pod
        self.context = context
        self.probe: Probe | None = None
        """This target's probe settings (ui/probes.py), known once the first run has looked them up."""
        self.run_id = 0
        self.mechanism = "irsa"
        """The mechanism whose links are listed: the registry's default until a result says otherwise."""
        self.link_order: tuple[LinkId, ...] = mechanism_links(self.mechanism)
        self.rows_lock = asyncio.Lock()
        """Held while the link list is rebuilt for another mechanism, and while a link is shown."""
        self.result: ChainResult | None = None
        self.results: dict[LinkId, LinkResult] = {}
        self.pending: dict[str, float] = {}
        self.user_moved = False
        self.started = 0.0

    @property
    def irsa(self) -> IrsaApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Header(icon="◆")
        with Vertical(id="chain-top"):
            banner = getattr(self.irsa.backend, "banner", None)
            if banner:  # a replayed bundle: when and where it was captured
                yield Label(str(banner), id="banner", markup=False)
            yield Label("", id="target", markup=False)
            yield Label("", id="verdict", markup=False)
        with Horizontal(id="chain-body"):
            with Vertical(id="chain-left") as left:
                left.border_title = "1 Links"
                yield ListView(*(LinkRow(link, n) for n, link in enumerate(self.link_order, 1)), id="links")
                yield Label("", id="calls", markup=False)
            with TabbedContent(id="tabs"):
                with TabPane("d Detail", id="detail"):
                    yield LinkDetail(id="link-detail")
                with TabPane("t Token", id="token"):
                    yield TokenView(frozen=self.irsa.frozen, id="token-view")
                with TabPane("p Trust policy", id="policy"):
                    yield PolicyView(id="policy-view")
                with TabPane("i Credentials", id="credentials"):
                    yield CredentialsView(id="credentials-view")
        yield Footer()

    def on_resize(self, event: events.Resize) -> None:
        # at 80 columns the roomy footer cut off help, learn and quit (the help screen names ^p)
        footer = self.query_one(Footer)
        footer.compact = event.size.width < 110
        footer.show_command_palette = event.size.width >= 110
        self.update_target()

    def on_mount(self) -> None:
        self.sub_title = f"{self.namespace}/{self.pod}"
        self.set_interval(0.2, self.tick)
        self.query_one("#links", ListView).focus()
        self.start_run()

    # --- running --------------------------------------------------------------------------------
    @property
    def target_key(self) -> Target:
        return (self.context, self.namespace, self.pod)

    def update_target(self) -> None:
        probe = self.probe
        # below 110 columns the words get shorter so the live/bucket state is not cut off at 80
        narrow = 0 < self.size.width < 110
        sep = " · " if narrow else "   ·   "
        if probe is None:
            live = bucket = "…"
        else:
            live, bucket = probe.live_words(narrow), probe.s3(narrow)
        context = self.context or "(current context)"
        # the state first when narrow: the pod is in the title bar already
        line = (
            f"{live}{sep}{bucket}{sep}{context} ▸ {self.namespace}/{self.pod}"
            if narrow
            else f"{context} ▸ {self.namespace}/{self.pod}{sep}{live}{sep}{bucket}"
        )
        self.query_one("#target", Label).update(line)

    def set_probe(self, probe: Probe) -> None:
        """Remember ``probe`` for this target and show it."""
        self.probe = probe
        self.irsa.probes.set(self.target_key, probe)
        self.update_target()

    def _first_probe(self) -> Probe:
        """This target's probe: remembered, else from the flags or its context (read in the worker)."""
        app = self.irsa
        known = app.probes.get(self.target_key)
        if known is not None:
            return known
        contexts = app.contexts
        if not contexts:
            try:
                contexts = {c.name: c for c in app.backend.list_contexts()}
            except Exception:  # the run itself will say what is wrong with the kubeconfig
                contexts = {}
        return app.probes.first(self.target_key, contexts)

    def start_run(self) -> None:
        self.run_id += 1
        self.result = None
        self.results = {}
        self.pending = {}
        self.user_moved = False
        self.started = time.monotonic()
        for row in self.query(LinkRow):
            row.reset()
        self.query_one(CredentialsView).reset()
        verdict = self.query_one("#verdict", Label)
        verdict.update("… running")
        for cls in ("-ok", "-broken", "-incomplete", "-failed"):
            verdict.set_class(False, cls)
        self.update_target()
        self._diagnose(self.run_id)

    @work(thread=True, exclusive=True, group="diagnose")
    def _diagnose(self, run: int) -> None:
        app = self.irsa

        def on_link(link: LinkResult) -> None:
            self.post_message(LinkArrived(run, link))

        def on_call(name: str, started: bool) -> None:
            self.post_message(CallChanged(run, name, started))

        try:
            probe = self.probe
            if probe is None:
                probe = self._first_probe()
                self.app.call_from_thread(self.set_probe, probe)
            result = app.backend.diagnose(
                namespace=self.namespace,
                pod=self.pod,
                context=self.context,
                bucket=probe.bucket,
                object_key=probe.object_key if probe.bucket else None,
                live=probe.live,
                timeout=app.timeout,
                on_link=on_link,
                on_call=on_call,
            )
        except BackendError as exc:
            self.post_message(ChainFailed(run, str(exc)))
            return
        except Exception as exc:  # a bug must not freeze the screen
            self.post_message(ChainFailed(run, f"unexpected {type(exc).__name__}: {exc}"))
            return
        self.post_message(ChainFinished(run, result))

    def row(self, link: LinkId) -> LinkRow:
        return self.query_one(f"#link-{link.value}", LinkRow)

    def show_mechanism(self, mechanism: str, known: bool) -> None:
        """Name the mechanism in the header and on the links pane (``m`` says why, once ``known``)."""
        self.mechanism = mechanism
        left = self.query_one("#chain-left")
        left.border_title = f"1 {mechanism_pane(mechanism)}"
        left.border_subtitle = "m: why" if known else ""
        self.sub_title = f"{self.namespace}/{self.pod} · {mechanism_name(mechanism)}" if known else (
            f"{self.namespace}/{self.pod}"
        )

    async def set_links(self, links: tuple[LinkId, ...]) -> None:
        """List ``links`` (another mechanism's chain), keeping the results already shown.

        Callers hold ``rows_lock``: a link arriving while the list is rebuilt waits for its row."""
        if links == self.link_order:
            return
        view = self.query_one("#links", ListView)
        await view.clear()
        rows = [LinkRow(link, n) for n, link in enumerate(links, 1)]
        for row in rows:
            if row.link in self.results:
                row.show_result(self.results[row.link])
        await view.extend(rows)
        self.link_order = links

    @on(LinkArrived)
    async def _link_arrived(self, message: LinkArrived) -> None:
        async with self.rows_lock:
            await self._show_arrived(message)

    async def _show_arrived(self, message: LinkArrived) -> None:
        if message.run != self.run_id:
            return
        link = message.result.id
        if link not in self.link_order:  # another mechanism's chain (an association: Pod Identity)
            self.results[link] = message.result
            guess = guess_mechanism(self.results, self.mechanism)
            links = mechanism_links(guess) if link in mechanism_links(guess) else (*self.link_order, link)
            await self.set_links(links)
            if message.run != self.run_id:
                return
            self.show_mechanism(guess, known=False)
        self.show_link(message.result)
        self.auto_select()

    def show_link(self, result: LinkResult) -> None:
        self.results[result.id] = result
        self.row(result.id).show_result(result)
        if result.id is LinkId.TOKEN:
            self.query_one(TokenView).show(result)
        elif result.id is LinkId.TRUST_POLICY:
            self.query_one(PolicyView).show(result)
        view = self.query_one("#links", ListView)
        highlighted = view.highlighted_child
        if isinstance(highlighted, LinkRow) and highlighted.link is result.id:
            self.query_one(LinkDetail).show(result)

    def auto_select(self) -> None:
        """Select the first failing link (or, until one fails, the first link shown)."""
        if self.user_moved:
            return
        target: LinkId | None = None
        order = self.link_order
        for link in order:
            res = self.results.get(link)
            if res is not None and res.status is Status.FAIL:
                target = link
                break
        if target is None:
            if self.result is not None:
                worst = [r for r in self.result.links if r.status in (Status.ERROR, Status.WARN)]
                target = worst[0].id if worst else order[0]
            elif order[0] in self.results:
                target = order[0]
        if target is None or target not in order:
            return
        view = self.query_one("#links", ListView)
        index = order.index(target)
        view.index = index
        result = self.results.get(target)
        if result is not None:
            self.query_one(LinkDetail).show(result)

    @on(CallChanged)
    def _call_changed(self, message: CallChanged) -> None:
        if message.run != self.run_id:
            return
        if message.started:
            self.pending[message.name] = time.monotonic()
        else:
            self.pending.pop(message.name, None)
        self.tick()

    @on(ChainFinished)
    async def _finished(self, message: ChainFinished) -> None:
        if message.run != self.run_id:
            return
        result = message.result
        async with self.rows_lock:
            await self.set_links(result_links(result))
        if message.run != self.run_id:
            return
        self.show_mechanism(result.mechanism, known=True)
        self.query_one(CredentialsView).show(result.credentials, result.node)
        self.result = result
        self.irsa.last_result = result
        self.pending = {}
        for link in result.links:
            if self.results.get(link.id) != link:
                self.show_link(link)
        verdict = self.query_one("#verdict", Label)
        text = _VERDICT_TEXT[result.verdict].format(mechanism=mechanism_name(result.mechanism))
        first = result.first_failure
        if first is not None:
            text += f" at {first.value}: {result.link(first).summary}"
        elif result.verdict is Verdict.OK and result.warnings:  # an OK with warnings says so
            text = "✔ " + result.verdict_text()
        if not self.irsa.frozen:
            text += f"   ({result.duration_ms} ms)"
        verdict.update(text)
        verdict.set_class(result.verdict is Verdict.OK, "-ok")
        verdict.set_class(result.verdict is Verdict.BROKEN, "-broken")
        verdict.set_class(result.verdict is Verdict.INCOMPLETE, "-incomplete")
        self.query_one("#calls", Label).update("")
        self.auto_select()

    @on(ChainFailed)
    def _failed(self, message: ChainFailed) -> None:
        if message.run != self.run_id:
            return
        self.pending = {}
        verdict = self.query_one("#verdict", Label)
        verdict.update(f"✘ could not run: {message.message}")
        verdict.set_class(True, "-failed")
        self.query_one("#calls", Label).update("")
        for row in self.query(LinkRow):
            row.show_pending("not run")

    def tick(self) -> None:
        """Show, on each link still waiting, the oldest call in flight that it depends on."""
        if not self.pending:
            return
        from irsa_tui.engine import link_for_call

        now = time.monotonic()
        waiting = [link for link in self.link_order if link not in self.results]
        oldest: dict[LinkId, tuple[str, float]] = {}
        for name, since in self.pending.items():
            link = link_for_call(name)
            if link not in waiting:  # unknown call, or its link already shown: the first waiting link
                link = waiting[0] if waiting else None
            if link is not None and (link not in oldest or since < oldest[link][1]):
                oldest[link] = (name, since)
        for link, (name, since) in oldest.items():
            waited = "" if self.irsa.frozen else f" {now - since:.1f}s"
            for row in self.query(f"#link-{link.value}").results(LinkRow):  # none while the list is rebuilt
                row.show_pending(f"pending: {name}{waited}")
        more = len(self.pending) - 1
        self.query_one("#calls", Label).update(
            f"{len(self.pending)} call{'s' if len(self.pending) != 1 else ''} in flight"
            + (f" (+{more} besides the one shown)" if more > 0 else "")
        )

    # --- selection ----------------------------------------------------------------------------
    @on(ListView.Highlighted, "#links")
    def _highlighted(self, event: ListView.Highlighted) -> None:
        item = event.item
        if isinstance(item, LinkRow) and item.result is not None:
            self.query_one(LinkDetail).show(item.result)

    def on_key(self, event: events.Key) -> None:
        """Once the user moves through the links, stop jumping to the first failure."""
        if event.key in _MOVE_KEYS and isinstance(self.focused, ListView):
            self.user_moved = True

    @on(ListView.Selected, "#links")
    def _selected(self, event: ListView.Selected) -> None:
        """Enter on a link shows its detail, where the fix is (t and p open the token and trust policy)."""
        self.user_moved = True
        self.query_one("#tabs", TabbedContent).active = "detail"

    @property
    def selected(self) -> LinkResult | None:
        item = self.query_one("#links", ListView).highlighted_child
        return item.result if isinstance(item, LinkRow) else None

    # --- actions ----------------------------------------------------------------------------------
    def action_rerun(self) -> None:
        self.start_run()

    def action_toggle_live(self) -> None:
        if self.probe is None:
            return
        self.set_probe(replace(self.probe, live=not self.probe.live))
        self.notify(f"Live probes (STS, S3) {'on' if self.probe.live else 'off'} for this pod; re-running")
        self.start_run()

    def action_bucket(self) -> None:
        from irsa_tui.chain.buckets import parse_s3_target

        def done(value: str | None) -> None:
            if value is None or self.probe is None:
                return
            bucket, key, _ = parse_s3_target(value)  # the dialog let only a valid value through
            self.set_probe(replace(self.probe, bucket=bucket, object_key=key, origin="set here" if bucket else ""))
            shown = f"s3://{bucket}/{key}" if key else (bucket or "from the role policies")
            self.notify(f"S3 probe for this pod: {shown}; re-running")
            self.start_run()

        probe = self.probe or Probe()
        current = probe.bucket or ""
        if current and probe.object_key:
            current = f"{current}/{probe.object_key}"
        self.app.push_screen(
            InputDialog(
                "S3 bucket to probe for this pod, or bucket/key to also read one byte of an object. "
                "Empty: the buckets named in the role's policies.",
                current,
                validate=lambda text: parse_s3_target(text)[2],
            ),
            done,
        )

    def _result_or_warn(self, what: str) -> ChainResult | None:
        if self.result is None:
            self.notify(f"Nothing to {what} yet: the run has not finished", severity="warning")
        return self.result

    def action_export(self) -> None:
        result = self._result_or_warn("export")
        if result is not None:
            self._export(result)

    @work(thread=True, group="export")
    def _export(self, result: ChainResult) -> None:
        directory = _out_dir()
        try:
            md, js = export_result(result, directory)
        except OSError as exc:
            self.app.call_from_thread(
                self.notify, f"Export failed: {exc.strerror or exc} ({directory})", severity="error"
            )
            return
        self.app.call_from_thread(self.notify, f"Exported {md}\nand {js}", title="Export")

    def action_save_bundle(self) -> None:
        result = self._result_or_warn("save")
        if result is not None:
            self._save_bundle(result)

    @work(thread=True, group="export")
    def _save_bundle(self, result: ChainResult) -> None:
        from datetime import UTC, datetime

        from irsa_tui.bundle import write_bundle
        from irsa_tui.ui.backend import facts_for

        app = self.irsa
        directory = Path(os.environ.get("IRSA_TUI_EXPORT_DIR") or os.getcwd())
        replayed = getattr(app.backend, "bundle", None)  # re-saving a replay keeps when it was captured
        captured = replayed.captured_at if replayed is not None else datetime.now(UTC)
        path = directory / f"irsa-bundle-{result.target.namespace}-{result.target.pod}-{captured:%Y%m%dT%H%M%SZ}.json"
        options = {"live": app.live, "bucket": app.bucket, "object_key": app.object_key, "timeout": app.timeout}
        try:
            directory.mkdir(parents=True, exist_ok=True)
            write_bundle(path, result, facts_for(app.backend, result), options, captured_at=captured,
                         caller=replayed.caller if replayed is not None else None)
        except OSError as exc:
            self.app.call_from_thread(
                self.notify, f"Save failed: {exc.strerror or exc} ({directory})", severity="error"
            )
            return
        self.app.call_from_thread(self.notify, f"Saved {path}\n(irsa-tui replay {path.name})", title="Bundle")

    def action_copy_fix(self) -> None:
        result = self.selected
        if result is None or not result.fix:
            self.notify("The selected link has no fix to copy", severity="warning")
            return
        self._copy_fix(result)

    @work(thread=True, group="copy")
    def _copy_fix(self, result: LinkResult) -> None:
        """Say "copied" only when a clipboard program took it; else write the fix to a file and say where."""
        from irsa_tui.ui.clipboard import copy_text

        fix = result.fix or ""
        copied = copy_text(fix)
        if copied.ok:
            self.app.call_from_thread(self.notify, f"Copied the fix for {result.id.value} to {copied.where}")
            return
        self.app.call_from_thread(self.app.copy_to_clipboard, fix)  # OSC 52: may work, cannot be known
        stem = target_stem(self.context, self.namespace, self.pod) + f"-fix-{result.id.value}"
        try:
            (path,) = write_new(_out_dir(), stem, {".sh": fix + "\n"})
        except OSError as exc:
            where = f"could not write it to a file either ({exc.strerror or exc}); f shows it unwrapped"
        else:
            where = f"the fix is in {path} (f shows it unwrapped to select)"
        self.app.call_from_thread(
            self.notify,
            f"Not copied: {copied.why}; {where}. Also sent to the terminal (OSC 52), which may ignore it.",
            title="Copy fix",
            severity="warning",
            timeout=20,
        )

    def action_fix_view(self) -> None:
        result = self.selected
        if result is None or not result.fix:
            self.notify("The selected link has no fix", severity="warning")
            return
        from irsa_tui.ui.screens.dialogs import TextDialog

        self.app.push_screen(TextDialog(f"Fix for {result.id.label}: select with the mouse or shift+arrows", result.fix))

    def action_tab(self, tab: str) -> None:
        self.query_one("#tabs", TabbedContent).active = tab

    def action_mechanism(self) -> None:
        result = self._result_or_warn("explain")
        if result is None:
            return
        from irsa_tui.ui.screens.mechanism_dialog import MechanismDialog

        self.app.push_screen(MechanismDialog(result))

    def action_back(self) -> None:
        self.irsa.back_to_picker()

    def action_find_pod(self) -> None:
        self.irsa.back_to_picker()
        picker = self.irsa.picker
        if picker is not None:
            picker.pane("pods").focus_filter()

    def action_focus_pane(self, pane: str) -> None:
        if pane == "links":
            self.query_one("#links", ListView).focus()
            return
        tabs = self.query_one("#tabs", TabbedContent)
        active = tabs.active_pane
        if active is not None:
            active.query_one(VerticalScroll).focus()

    def action_explain_error(self) -> None:
        from irsa_tui.ui.screens.explain_dialog import ExplainDialog

        self.app.push_screen(ExplainDialog(), self.show_explained)

    def show_explained(self, text: str | None) -> None:
        """Highlight the link the pasted error implicates and say whether it agrees with the chain."""
        if not text or not text.strip():
            return
        from irsa_tui.explain.agreement import agreement
        from irsa_tui.explain.engine import explain

        error = explain(text)
        links = {r.id: r for r in self.result.links} if self.result else self.results
        chain = {link.value: links[link].status.value for link in self.link_order if link in links}  # chain order
        verdict = agreement(error, chain)
        for row in self.query(LinkRow):
            row.set_class(row.link.value == verdict.link, "-implicated")
        if verdict.link is not None and verdict.link in self.link_order:
            self.user_moved = True
            self.query_one("#links", ListView).index = self.link_order.index(LinkId(verdict.link))
        code = f"[{error.root.shape.code}] " if error.root else ""
        self.notify(
            f"{code}{error.mechanism}, {error.link or 'no link'}: {error.meaning}\n{verdict.verdict}: {verdict.message}",
            title="Pasted error",
            severity="information" if verdict.verdict == "agrees" else "warning",
            timeout=20,
            markup=False,  # the text holds [ERR-…] and ARNs, not markup
        )
