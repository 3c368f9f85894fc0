"""The chain of one pod: seven links filled in as their results arrive, and the selected link's detail."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import TYPE_CHECKING

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Header, Label, ListView, TabbedContent, TabPane

from irsa_tui.chain.model import ChainResult, LinkId, LinkResult, Status, Verdict
from irsa_tui.chain.registry import LINK_ORDER
from irsa_tui.ui.backend import BackendError
from irsa_tui.ui.messages import CallChanged, ChainFailed, ChainFinished, LinkArrived
from irsa_tui.ui.screens.dialogs import InputDialog
from irsa_tui.ui.widgets.link_detail import LinkDetail
from irsa_tui.ui.widgets.link_row import LinkRow
from irsa_tui.ui.widgets.policy_view import PolicyView
from irsa_tui.ui.widgets.token_view import TokenView

if TYPE_CHECKING:
    from irsa_tui.ui.app import IrsaApp

__all__ = ["ChainScreen", "export_result"]

_MOVE_KEYS = {"up", "down", "home", "end", "pageup", "pagedown"}
_VERDICT_TEXT = {
    Verdict.OK: "✔ OK: the pod can reach AWS through IRSA",
    Verdict.BROKEN: "✘ BROKEN",
    Verdict.INCOMPLETE: "? INCOMPLETE: some links could not be checked",
}


def export_result(result: ChainResult, directory: Path) -> tuple[Path, Path]:
    """Write ``irsa-<ns>-<pod>.md`` and ``.json`` into ``directory``; returns both paths."""
    from irsa_tui import report

    directory.mkdir(parents=True, exist_ok=True)
    stem = f"irsa-{result.target.namespace}-{result.target.pod}"
    md = directory / f"{stem}.md"
    js = directory / f"{stem}.json"
    md.write_text(report.render_markdown(result), encoding="utf-8")
    js.write_text(report.render_json(result), encoding="utf-8")
    return md, js


class ChainScreen(Screen[None]):
    CSS_PATH = "../styles/chain.tcss"
    # below 110 columns the link list gets narrower, so the detail (evidence, policy table) stays readable
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]
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
            "c",
            "copy_fix",
            "Copy fix",
            id="copy-fix",
            tooltip="Copy the selected link's fix command to the clipboard",
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
        Binding("escape,backspace", "back", "Back", id="chain-back", tooltip="Back to the pod picker"),
    ]

    def __init__(self, namespace: str, pod: str) -> None:
        super().__init__()
        self.namespace = namespace
        self.pod = pod
        self.run_id = 0
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
            yield Label("", id="target", markup=False)
            yield Label("", id="verdict", markup=False)
        with Horizontal(id="chain-body"):
            with Vertical(id="chain-left"):
                yield ListView(*(LinkRow(link, n) for n, link in enumerate(LINK_ORDER, 1)), id="links")
                yield Label("", id="calls", markup=False)
            with TabbedContent(id="tabs"):
                with TabPane("Detail", id="detail"):
                    yield LinkDetail(id="link-detail")
                with TabPane("Token", id="token"):
                    yield TokenView(frozen=self.irsa.frozen, id="token-view")
                with TabPane("Trust policy", id="policy"):
                    yield PolicyView(id="policy-view")
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
    def update_target(self) -> None:
        app = self.irsa
        # below 110 columns the words get shorter so the live/bucket state is not cut off at 80
        narrow = 0 < self.size.width < 110
        if narrow:
            live = "live" if app.live else "static only"
            bucket = f"s3 {app.bucket}" if app.bucket else "s3 from policies"
            sep = " · "
        else:
            live = "live probes on" if app.live else "live probes off (static only)"
            bucket = f"bucket {app.bucket}" if app.bucket else "bucket from role policies"
            sep = "   ·   "
        if app.bucket and app.object_key:
            bucket = f"s3://{app.bucket}/{app.object_key}"
        context = app.context or "(current context)"
        # the state first when narrow: the pod is in the title bar already
        line = (
            f"{live}{sep}{bucket}{sep}{context} ▸ {self.namespace}/{self.pod}"
            if narrow
            else f"{context} ▸ {self.namespace}/{self.pod}{sep}{live}{sep}{bucket}"
        )
        self.query_one("#target", Label).update(line)

    def start_run(self) -> None:
        self.run_id += 1
        self.result = None
        self.results = {}
        self.pending = {}
        self.user_moved = False
        self.started = time.monotonic()
        for row in self.query(LinkRow):
            row.reset()
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
            result = app.backend.diagnose(
                namespace=self.namespace,
                pod=self.pod,
                context=app.context,
                bucket=app.bucket,
                object_key=app.object_key if app.bucket else None,
                live=app.live,
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

    @on(LinkArrived)
    def _link_arrived(self, message: LinkArrived) -> None:
        if message.run != self.run_id:
            return
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
        for link in LINK_ORDER:
            res = self.results.get(link)
            if res is not None and res.status is Status.FAIL:
                target = link
                break
        if target is None:
            if self.result is not None:
                worst = [r for r in self.result.links if r.status in (Status.ERROR, Status.WARN)]
                target = worst[0].id if worst else LINK_ORDER[0]
            elif LINK_ORDER[0] in self.results:
                target = LINK_ORDER[0]
        if target is None:
            return
        view = self.query_one("#links", ListView)
        index = LINK_ORDER.index(target)
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
    def _finished(self, message: ChainFinished) -> None:
        if message.run != self.run_id:
            return
        result = message.result
        self.result = result
        self.irsa.last_result = result
        self.pending = {}
        for link in result.links:
            if self.results.get(link.id) != link:
                self.show_link(link)
        verdict = self.query_one("#verdict", Label)
        text = _VERDICT_TEXT[result.verdict]
        first = result.first_failure
        if first is not None:
            text += f" at {first.value}: {result.link(first).summary}"
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
        waiting = [link for link in LINK_ORDER if link not in self.results]
        oldest: dict[LinkId, tuple[str, float]] = {}
        for name, since in self.pending.items():
            link = link_for_call(name)
            if link not in waiting:  # unknown call, or its link already shown: the first waiting link
                link = waiting[0] if waiting else None
            if link is not None and (link not in oldest or since < oldest[link][1]):
                oldest[link] = (name, since)
        for link, (name, since) in oldest.items():
            waited = "" if self.irsa.frozen else f" {now - since:.1f}s"
            self.row(link).show_pending(f"pending: {name}{waited}")
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
        self.user_moved = True
        item = event.item
        if isinstance(item, LinkRow):
            tab = {LinkId.TOKEN: "token", LinkId.TRUST_POLICY: "policy"}.get(item.link, "detail")
            self.query_one("#tabs", TabbedContent).active = tab

    @property
    def selected(self) -> LinkResult | None:
        item = self.query_one("#links", ListView).highlighted_child
        return item.result if isinstance(item, LinkRow) else None

    # --- actions ----------------------------------------------------------------------------------
    def action_rerun(self) -> None:
        self.start_run()

    def action_toggle_live(self) -> None:
        self.irsa.live = not self.irsa.live
        self.notify(f"Live probes (STS, S3) {'on' if self.irsa.live else 'off'}; re-running")
        self.start_run()

    def action_bucket(self) -> None:
        def done(value: str | None) -> None:
            if value is None:
                return
            from irsa_tui.chain.buckets import parse_s3_target

            bucket, key, problem = parse_s3_target(value)
            if problem:
                self.notify(problem, severity="error")
                return
            self.irsa.bucket, self.irsa.object_key = bucket, key
            shown = f"s3://{bucket}/{key}" if key else (bucket or "from the role policies")
            self.notify(f"S3 probe: {shown}; re-running")
            self.start_run()

        current = self.irsa.bucket or ""
        if current and self.irsa.object_key:
            current = f"{current}/{self.irsa.object_key}"
        self.app.push_screen(
            InputDialog(
                "S3 bucket to probe, or bucket/key to also read one byte of an object "
                "(empty: buckets named in the role's policies)",
                current,
            ),
            done,
        )

    def action_export(self) -> None:
        if self.result is None:
            self.notify("Nothing to export yet: the run has not finished", severity="warning")
            return
        self._export(self.result)

    @work(thread=True, group="export")
    def _export(self, result: ChainResult) -> None:
        directory = Path(os.environ.get("IRSA_TUI_EXPORT_DIR") or os.getcwd())
        try:
            md, js = export_result(result, directory)
        except OSError as exc:
            self.app.call_from_thread(
                self.notify, f"Export failed: {exc.strerror or exc} ({directory})", severity="error"
            )
            return
        self.app.call_from_thread(self.notify, f"Exported {md}\nand {js}", title="Export")

    def action_copy_fix(self) -> None:
        result = self.selected
        if result is None or not result.fix:
            self.notify("The selected link has no fix to copy", severity="warning")
            return
        self.app.copy_to_clipboard(result.fix)
        self.notify(f"Copied the fix for {result.id.value} to the clipboard")

    def action_tab(self, tab: str) -> None:
        self.query_one("#tabs", TabbedContent).active = tab

    def action_back(self) -> None:
        self.irsa.back_to_picker()
