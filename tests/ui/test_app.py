"""The app driven with Pilot on hand-built data (no lab): picker, chain, keys, dialogs, views."""

from __future__ import annotations

import io
import itertools
import json
import re
from dataclasses import replace
from pathlib import Path

import pytest
from rich.style import Style
from textual.binding import Binding
from textual.widgets import Input, ListView, Static, TextArea

from irsa_tui.chain.model import LinkId, Status
from irsa_tui.ui.app import IrsaApp
from irsa_tui.ui.diffing import diff_span, highlight_actual
from irsa_tui.ui.screens.chain import ChainScreen
from irsa_tui.ui.screens.dialogs import InputDialog
from irsa_tui.ui.screens.help import HelpScreen
from irsa_tui.ui.screens.learn import LearnScreen, learn_values
from irsa_tui.ui.screens.picker import PickerScreen
from irsa_tui.ui.widgets.filter_list import RENDER_CAP, FilterList
from irsa_tui.ui.widgets.link_row import LinkRow
from irsa_tui.ui.widgets.policy_view import policy_text
from tests.chain import builders as b
from tests.ui.conftest import wait_for
from tests.ui.fakes import FakeBackend, _links

pytestmark = pytest.mark.ui

BROKEN = "trust-sub-wrong-namespace"


def chain(app: IrsaApp) -> ChainScreen:
    assert isinstance(app.screen, ChainScreen), type(app.screen).__name__
    return app.screen


def row_classes(app: IrsaApp) -> dict[str, str]:
    out = {}
    for row in app.screen.query(LinkRow):
        status = [c for c in row.classes if c.startswith("-") and c != "-highlight"]
        out[row.link.value] = ",".join(sorted(status))
    return out


async def test_pick_context_namespace_pod_opens_the_chain_on_the_first_failure() -> None:
    backend = FakeBackend()
    app = IrsaApp(backend=backend, frozen=True)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: len(app.screen.query_one("#contexts", FilterList).items) == 2)
        await pilot.press(*"trust", "enter")
        # the namespaces, after the all-namespaces view of pods with a role
        await wait_for(pilot, lambda: len(app.screen.query_one("#namespaces", FilterList).items) == 4)
        await pilot.press(*"paym", "enter")
        pods = app.screen.query_one("#pods", FilterList)
        await wait_for(pilot, lambda: len(pods.items) == 4)
        # the pod whose service account carries a role comes first, marked
        assert pods.highlighted_value == b.POD
        assert str(pods.options.get_option_at_index(0).prompt).startswith("◆")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ChainScreen) and chain(app).result is not None)
        screen = chain(app)
        assert backend.runs[-1] == {
            "context": BROKEN,
            "namespace": b.NS,
            "pod": b.POD,
            "bucket": None,
            "object_key": None,
            "live": True,
        }
        highlighted = screen.query_one("#links", ListView).highlighted_child
        assert isinstance(highlighted, LinkRow) and highlighted.link is LinkId.TRUST_POLICY
        classes = row_classes(app)
        assert classes["trust-policy"] == "-fail" and classes["service-account"] == "-pass"
        assert classes["s3"] == "-skip"
        detail = str(screen.query_one(".detail-title", Static).render())
        assert detail.startswith("✘ Trust policy")
        assert "BROKEN at trust-policy" in str(screen.query_one("#verdict").render())
        # escape goes back to the picker, which kept the choices
        await pilot.press("escape")
        assert isinstance(app.screen, PickerScreen)
        assert app.screen.namespace == b.NS


async def test_links_appear_progressively_with_the_pending_call_shown() -> None:
    backend = FakeBackend(delay=10.0)
    app = IrsaApp(context="healthy", namespace=b.NS, pod=b.POD, backend=backend, frozen=False)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(
            pilot,
            lambda: (
                "pending: iam ListOpenIDConnectProviders"
                in str(app.screen.query_one("#link-oidc-provider .row-summary").render())
            ),
        )
        classes = row_classes(app)
        assert classes["token"] == "-pass" and classes["oidc-provider"] == "-pending"
        assert chain(app).result is None
        summary = str(app.screen.query_one("#link-oidc-provider .row-summary").render())
        assert summary.rstrip().endswith("s")  # the elapsed-time counter
        backend.release.set()
        await wait_for(pilot, lambda: chain(app).result is not None)
        assert row_classes(app)["oidc-provider"] == "-pass"


async def test_rerun_toggle_live_and_bucket_dialog_start_new_runs() -> None:
    backend = FakeBackend()
    app = IrsaApp(context="healthy", namespace=b.NS, pod=b.POD, backend=backend, frozen=True)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: chain(app).result is not None)
        await pilot.press("r")
        await wait_for(pilot, lambda: len(backend.runs) == 2 and chain(app).result is not None)
        await pilot.press("l")
        await wait_for(pilot, lambda: len(backend.runs) == 3 and chain(app).result is not None)
        assert backend.runs[-1]["live"] is False
        assert chain(app).result is not None and chain(app).result.link(LinkId.STS).status is Status.SKIP
        assert "live probes off" in str(app.screen.query_one("#target").render())
        await pilot.press("b")
        await wait_for(pilot, lambda: isinstance(app.focused, Input))
        await pilot.press(*"my-bucket", "enter")
        await wait_for(pilot, lambda: len(backend.runs) == 4)
        assert backend.runs[-1]["bucket"] == "my-bucket"
        assert "bucket my-bucket" in str(app.screen.query_one("#target").render())
        # bucket/key (or s3://bucket/key) also probes one object; a bad name changes nothing
        await pilot.press("b")
        await wait_for(pilot, lambda: isinstance(app.focused, Input))
        await pilot.press("ctrl+a", "ctrl+k", *"s3://my-bucket/2024/a.pdf", "enter")
        await wait_for(pilot, lambda: len(backend.runs) == 5)
        assert (backend.runs[-1]["bucket"], backend.runs[-1]["object_key"]) == ("my-bucket", "2024/a.pdf")
        assert "s3://my-bucket/2024/a.pdf" in str(app.screen.query_one("#target").render())
        await pilot.press("b")
        await wait_for(pilot, lambda: isinstance(app.focused, Input))
        await pilot.press("ctrl+a", "ctrl+k", *"Bad_Bucket/x")
        await pilot.pause(0.1)
        # a bad value is said as you type, and enter keeps the dialog open with the text
        problem = str(app.screen.query_one("#dialog-problem").render())
        assert "not an S3 bucket name" in problem
        await pilot.press("enter")
        await pilot.pause(0.3)
        assert isinstance(app.screen, InputDialog) and app.screen.query_one(Input).value == "Bad_Bucket/x"
        await pilot.press("escape")
        assert len(backend.runs) == 5 and chain(app).probe is not None
        assert chain(app).probe.object_key == "2024/a.pdf"


async def test_probe_settings_stay_with_their_pod_and_do_not_follow_to_another_context() -> None:
    """Issue 17 #1: a bucket set for one pod was probed against every later pod, in any cluster."""
    backend = FakeBackend()
    backend.contexts[1] = replace(backend.contexts[1], bucket="ctx-own-bucket", object_key="a/b.pdf")
    app = IrsaApp(context="healthy", namespace=b.NS, pod=b.POD, backend=backend, frozen=True)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: chain(app).result is not None)
        await pilot.press("b")
        await wait_for(pilot, lambda: isinstance(app.focused, Input))
        await pilot.press(*"staging-bucket", "enter")
        await wait_for(pilot, lambda: len(backend.runs) == 2 and chain(app).result is not None)
        await pilot.press("l")
        await wait_for(pilot, lambda: len(backend.runs) == 3 and chain(app).result is not None)
        assert (backend.runs[-1]["bucket"], backend.runs[-1]["live"]) == ("staging-bucket", False)
        # another pod of the same context: no bucket carried over, live as started
        await pilot.press("escape")
        app.open_chain(b.NS, "worker-00000")
        await wait_for(pilot, lambda: len(backend.runs) == 4 and chain(app).result is not None)
        assert (backend.runs[-1]["bucket"], backend.runs[-1]["live"]) == (None, True)
        # another context: its kubeconfig extension's bucket and object, shown with where they come from
        await pilot.press("escape")
        app.context = BROKEN
        app.open_chain(b.NS, b.POD)
        await wait_for(pilot, lambda: len(backend.runs) == 5 and chain(app).result is not None)
        assert (backend.runs[-1]["bucket"], backend.runs[-1]["object_key"]) == ("ctx-own-bucket", "a/b.pdf")
        assert "s3://ctx-own-bucket/a/b.pdf (kubeconfig)" in str(app.screen.query_one("#target").render())
        # back to the first pod: its own settings again
        await pilot.press("escape")
        app.context = "healthy"
        app.open_chain(b.NS, b.POD)
        await wait_for(pilot, lambda: len(backend.runs) == 6 and chain(app).result is not None)
        assert (backend.runs[-1]["bucket"], backend.runs[-1]["live"]) == ("staging-bucket", False)
        assert "bucket staging-bucket" in str(app.screen.query_one("#target").render())


async def test_export_names_files_after_context_and_time_and_never_overwrites(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 17 #6: the same pod exported from another context replaced the first report silently."""
    monkeypatch.setenv("IRSA_TUI_EXPORT_DIR", str(tmp_path))
    app = IrsaApp(context=BROKEN, namespace=b.NS, pod=b.POD, backend=FakeBackend(), frozen=True)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: chain(app).result is not None)
        await pilot.press("e")
        await wait_for(pilot, lambda: len(list(tmp_path.glob("*.json"))) == 1)
        (js,) = tmp_path.glob("*.json")
        assert re.fullmatch(rf"irsa-{BROKEN}-{b.NS}-{b.POD}-\d{{8}}-\d{{6}}\.json", js.name), js.name
        doc = json.loads(js.read_text())
        assert doc["first_failure"] == "trust-policy" and doc["verdict"] == "broken"
        assert "trust policy" in js.with_suffix(".md").read_text().lower()
        await wait_for(pilot, lambda: any("Exported" in n.message for n in app._notifications))
        # the same second again: a new pair of files, the first untouched
        first = js.read_bytes()
        await pilot.press("e")
        await pilot.press("e")
        await wait_for(pilot, lambda: len(list(tmp_path.glob("*.json"))) == 3)
        assert js.read_bytes() == first and len(list(tmp_path.glob("*.md"))) == 3


def _fake_clipboard(bin_dir: Path, name: str, out: Path, code: int = 0) -> None:
    script = bin_dir / name
    script.write_text(f"#!/bin/sh\n/bin/cat > '{out}'\nexit {code}\n")
    script.chmod(0o755)


@pytest.mark.parametrize("took", [True, False])
async def test_copy_fix_says_copied_only_when_a_clipboard_took_it(
    took: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 17 #2: `c` said "Copied" inside tmux without a clipboard, and the paste buffer was empty."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    pasted = tmp_path / "pasted"
    _fake_clipboard(bin_dir, "pbcopy", pasted, 0 if took else 1)
    for var in ("TMUX", "WAYLAND_DISPLAY", "DISPLAY"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("PATH", str(bin_dir))
    monkeypatch.setenv("IRSA_TUI_EXPORT_DIR", str(tmp_path / "out"))
    app = IrsaApp(context=BROKEN, namespace=b.NS, pod=b.POD, backend=FakeBackend(), frozen=True)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: chain(app).result is not None)
        fix = chain(app).result.link(LinkId.TRUST_POLICY).fix  # type: ignore[union-attr]
        assert fix and "update-assume-role-policy" in fix
        await pilot.press("c")
        await wait_for(pilot, lambda: any("fix" in n.message.lower() for n in app._notifications))
        said = " ".join(n.message for n in app._notifications)
        if took:
            assert pasted.read_text() == fix and "Copied the fix for trust-policy to the clipboard (pbcopy)" in said
            assert not (tmp_path / "out").exists()
        else:
            assert "Copied" not in said and "Not copied: pbcopy failed" in said
            (written,) = (tmp_path / "out").glob("*-fix-trust-policy.sh")
            assert str(written) in said and written.read_text() == fix + "\n"
        # f shows the fix unwrapped, in one piece to select
        await pilot.press("f")
        area = app.screen.query_one(TextArea)
        assert area.text == fix and area.soft_wrap is False and area.read_only
        await pilot.press("f")  # f again (or escape) closes it
        assert isinstance(app.screen, ChainScreen)


async def test_token_and_policy_tabs_show_claims_and_the_failing_key() -> None:
    app = IrsaApp(context=BROKEN, namespace=b.NS, pod=b.POD, backend=FakeBackend(), frozen=True)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: chain(app).result is not None)
        await pilot.press("t")
        from irsa_tui.ui.widgets.token_view import TokenView

        view = app.screen.query_one(TokenView)
        claims = dict(view.rows)
        assert claims["sub"] == f"system:serviceaccount:{b.NS}:{b.SA}"
        assert claims["exp"] == "(time hidden)"  # frozen: no time leaks into snapshots
        # the full values are on screen, not cut to a column (issue 17 #3: `sub  system:s`)
        shown = str(view.query_one(".token-claims").render())
        assert f"system:serviceaccount:{b.NS}:{b.SA}" in shown.replace("\n", "").replace(" ", "")
        assert b.ISSUER in shown.replace("\n", "").replace(" ", "")
        await pilot.press("p")
        decision = str(app.screen.query_one(".policy-decision").render())
        assert "implicit-deny" in decision


@pytest.mark.parametrize("size", [(80, 24), (120, 36), (200, 50)])
async def test_evidence_values_wrap_at_separators_never_mid_token(size: tuple[int, int]) -> None:
    """Issue 17 #3: the evidence broke values exactly where they differ (`system:serviceaccount:p` / `ayments`)."""
    from irsa_tui.ui.widgets.link_detail import EvidenceTable

    app = IrsaApp(context=BROKEN, namespace=b.NS, pod=b.POD, backend=FakeBackend(), frozen=True)
    async with app.run_test(size=size) as pilot:
        await wait_for(pilot, lambda: chain(app).result is not None)
        table = app.screen.query_one(EvidenceTable)
        await wait_for(pilot, lambda: table.width_shown > 0 and table.width_shown == table.size.width)
        lines = str(table.render()).splitlines()
        assert all(len(line) <= table.size.width for line in lines), lines
        tokens = {t for line in lines for t in line.replace(":", " ").replace("/", " ").split()}
        for word in ("payments", "billing", "system", "serviceaccount", "111122223333"):
            assert word in tokens, (word, lines)
        assert any(line.lstrip().startswith("expected") for line in lines)


def test_long_lists_collapse_to_a_count() -> None:
    from irsa_tui.ui.widgets.link_detail import collapse_list

    arns = ", ".join(f"arn:aws:iam::1:oidc-provider/p{n}" for n in range(69))
    assert collapse_list(arns).endswith("(+66 more; e exports them all)")
    assert collapse_list("a, b") == "a, b"


@pytest.mark.parametrize(
    ("value", "width", "lines"),
    [
        ("system:serviceaccount:payments:api", 24, ["system:serviceaccount:", "payments:api"]),
        ("arn:aws:iam::1:role/payments-api", 12, ["arn:aws:iam:", ":1:role/", "payments-api"]),
        ("abcdefghij", 4, ["abcd", "efgh", "ij"]),
        ("", 10, [""]),
    ],
)
def test_wrap_lines_breaks_after_separators(value: str, width: int, lines: list[str]) -> None:
    from irsa_tui.ui.wrapping import wrap_lines

    assert [value[a:b] for a, b in wrap_lines(value, width)] == lines


async def test_target_line_keeps_the_probe_state_visible_at_80_columns() -> None:
    app = IrsaApp(context="healthy", namespace=b.NS, pod=b.POD, backend=FakeBackend(), frozen=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: chain(app).result is not None)
        line = str(app.screen.query_one("#target").render())
        assert line.startswith("live · s3 from policies · healthy ▸ ")
        await pilot.press("l")
        await wait_for(pilot, lambda: str(app.screen.query_one("#target").render()).startswith("static only"))


def test_policy_text_highlights_the_failing_statement_and_condition_key() -> None:
    trust = _links(broken_sub=True)[4]
    styles = {
        name: Style(bold=True, color=c)
        for name, c in (("allow", "green"), ("deny", "red"), ("fail", "yellow"), ("key", "magenta"))
    }
    text = policy_text(trust.details, styles)
    key = f'"{b.ISSUER_HP}:sub"'
    start = text.plain.index(key)
    styled = {str(span.style) for span in text.spans if span.start <= start < span.end}
    assert str(styles["key"]) in styled
    healthy = _links(broken_sub=False)[4]
    text = policy_text(healthy.details, styles)
    assert str(styles["key"]) not in {str(s.style) for s in text.spans}
    assert str(styles["allow"]) in {str(s.style) for s in text.spans}


def test_diff_highlight_marks_only_the_differing_part() -> None:
    expected = "system:serviceaccount:payments:api"
    actual = "system:serviceaccount:billing:api"
    start, end = diff_span(expected, actual)
    assert actual[start:end] == "billing"
    text = highlight_actual(expected, actual, False, "reverse")
    assert [(s.start, s.end) for s in text.spans] == [(start, end)]
    assert highlight_actual(expected, expected, True, "reverse").spans == []


async def test_filter_on_ten_thousand_pods_stays_capped_and_finds_the_pod() -> None:
    app = IrsaApp(context="healthy", namespace=b.NS, backend=FakeBackend(pods=10_000), frozen=True)
    async with app.run_test(size=(120, 36)) as pilot:
        pods = app.screen.query_one("#pods", FilterList)
        await wait_for(pilot, lambda: len(pods.items) == 10_001)
        assert pods.options.option_count == RENDER_CAP
        pods.focus_filter()
        await pilot.press(*"worker-09876")
        await wait_for(pilot, lambda: pods.options.option_count < RENDER_CAP)
        assert pods.highlighted_value == "worker-09876"
        count = str(pods.query_one(".filter-count").render())
        assert count.endswith("of 10001") or "of 10001" in count


async def test_namespace_pane_starts_on_the_contexts_namespace_else_the_first_with_a_role() -> None:
    """Issue 15 #6: picking a context landed on `default` (no pods) whatever the context said."""
    backend = FakeBackend()
    backend.pods_by_namespace = {"default": [], "kube-system": [], b.NS: None}  # only payments has pods
    app = IrsaApp(context="healthy", backend=backend, frozen=True)
    async with app.run_test(size=(120, 36)) as pilot:
        pods = app.screen.query_one("#pods", FilterList)
        await wait_for(pilot, lambda: len(pods.items) == 4)
        assert app.screen.namespace == b.NS and pods.highlighted_value == b.POD
        assert str(pods.query_one(".filter-count").render()) == "4 of 4"
    # a context naming its namespace starts there
    backend = FakeBackend()
    backend.contexts[0] = replace(backend.contexts[0], namespace="kube-system")
    app = IrsaApp(context="healthy", backend=backend, frozen=True)
    async with app.run_test(size=(120, 36)) as pilot:
        pods = app.screen.query_one("#pods", FilterList)
        await wait_for(pilot, lambda: len(pods.items) == 4)
        assert app.screen.namespace == "kube-system"


async def test_all_namespaces_view_lists_pods_with_a_role_and_opens_them() -> None:
    backend = FakeBackend()
    app = IrsaApp(context="healthy", namespace=b.NS, backend=backend, frozen=True)
    async with app.run_test(size=(120, 36)) as pilot:
        namespaces = app.screen.query_one("#namespaces", FilterList)
        await wait_for(pilot, lambda: len(namespaces.items) == 4)
        await pilot.press("2", "home")
        namespaces.options.highlighted = 0
        await pilot.press("enter")
        pods = app.screen.query_one("#pods", FilterList)
        # one pod with a role in each of the three namespaces, shown as ns/pod; the rest are left out
        await wait_for(pilot, lambda: len(pods.items) == 3)
        assert {i.value for i in pods.items} == {(ns, b.POD) for ns in ("default", "kube-system", b.NS)}
        pods.options.highlighted = [i.value for i in (pods.items[j] for j in pods.shown)].index(("kube-system", b.POD))
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ChainScreen) and chain(app).result is not None)
        assert backend.runs[-1]["namespace"] == "kube-system"


async def test_forbidden_namespace_list_lets_the_user_type_one() -> None:
    app = IrsaApp(context="healthy", backend=FakeBackend(namespaces_forbidden=True), frozen=True)
    async with app.run_test(size=(120, 36)) as pilot:
        namespaces = app.screen.query_one("#namespaces", FilterList)
        await wait_for(pilot, lambda: namespaces.has_class("-error"))
        error = str(namespaces.query_one(".filter-error").render())
        assert "403 Forbidden" in error and "Type a namespace" in error
        namespaces.focus_filter()
        await pilot.press(*b.NS, "enter")
        pods = app.screen.query_one("#pods", FilterList)
        await wait_for(pilot, lambda: len(pods.items) == 4)


async def test_help_lists_every_binding_and_learn_fills_in_real_values() -> None:
    app = IrsaApp(context="healthy", namespace=b.NS, pod=b.POD, backend=FakeBackend(), frozen=True)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: chain(app).result is not None)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        actions = {row[2] for row in app.screen.rows}
        assert {"Re-run", "Live", "Bucket", "Export", "Copy fix", "Quit", "Help", "Learn"} <= actions
        await pilot.press("escape")
        await pilot.press("L")
        assert isinstance(app.screen, LearnScreen)
        from rich.console import Console

        console = Console(width=300, record=True, file=io.StringIO())
        for static in app.screen.query(".learn-value"):
            console.print(static.content)  # the key/value grid of each step
        text = console.export_text()
        assert b.ROLE_ARN in text and b.ISSUER in text and f"system:serviceaccount:{b.NS}:{b.SA}" in text


def test_learn_values_without_a_result_are_empty() -> None:
    assert all(v == [] for v in learn_values(None).values())


def test_every_binding_has_an_id_description_and_tooltip() -> None:
    scopes = IrsaApp.key_scopes()
    assert {s.name for s in scopes} >= {"everywhere", "pod picker", "chain", "dialog", "text view", "command line"}
    for scope in scopes:
        for binding in scope.bindings:
            assert isinstance(binding, Binding)
            assert binding.id and binding.id == binding.id.lower() and " " not in binding.id, binding
            assert binding.description and binding.tooltip, binding


def test_ui_module_import_does_not_load_heavy_clients() -> None:
    import subprocess
    import sys

    code = "import sys, irsa_tui.ui.app; print(sorted(m for m in ('boto3','kubernetes','botocore') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_token_countdown_reads_naturally() -> None:
    from irsa_tui.ui.widgets.token_view import format_countdown

    assert format_countdown(598.4) == "expires in 9m 58s"
    assert format_countdown(3 * 3600 + 5) == "expires in 3h 0m 5s"
    assert format_countdown(-62) == "expired 1m 2s ago"


async def test_command_palette_offers_the_chain_actions() -> None:
    app = IrsaApp(context="healthy", namespace=b.NS, pod=b.POD, backend=FakeBackend(), frozen=True)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: chain(app).result is not None)
        titles = {c.title for c in app.get_system_commands(app.screen)}
        assert {"Re-run the diagnosis", "Toggle live probes", "Export the result", "Learn mode"} <= titles


@pytest.mark.parametrize("size", [(80, 24), (100, 30), (120, 36)])
async def test_learn_mode_puts_the_failing_step_at_the_top_of_the_view(size: tuple[int, int]) -> None:
    app = IrsaApp(context=BROKEN, namespace=b.NS, pod=b.POD, backend=FakeBackend(), frozen=True)
    async with app.run_test(size=size) as pilot:
        await wait_for(pilot, lambda: chain(app).result is not None)
        await pilot.press("L")
        assert isinstance(app.screen, LearnScreen)
        scroll = app.screen.query_one("#learn")
        step = app.screen.query_one("#learn-trust-policy")
        await wait_for(pilot, lambda: scroll.scroll_y > 0)
        await pilot.pause(0.1)
        view = scroll.content_region
        prose = step.query_one(".learn-prose")
        assert view.contains_region(prose.region), "the failing step's explanation is off-screen"
        if scroll.scroll_y < scroll.max_scroll_y:
            # the heading (the box's top border) is the first line of the view, the explanation under it
            assert step.region.y == view.y, (step.region, view)
        else:  # the view cannot scroll further: then the whole step is in view
            assert view.contains_region(step.region), (step.region, view)


def test_wrap_lines_never_cuts_a_piece_that_fits_a_line() -> None:
    """Every line boundary falls after a separator unless a single piece is longer than the width."""
    import random

    from irsa_tui.ui.wrapping import wrap_lines

    rng = random.Random(17)
    alphabet = "abcdef:/.- "
    for _ in range(2000):
        value = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 80)))
        width = rng.randint(4, 30)
        lines = wrap_lines(value, width)
        assert "".join(value[start:end] for start, end in lines) == value
        for (start, end), (nxt, _) in itertools.pairwise(lines):
            assert end == nxt and 0 < end - start <= width
            if value[end - 1] not in ":/.- ":  # a fold: only inside a piece (up to its separator) wider than a line
                piece_start = max(value.rfind(sep, 0, end) for sep in ":/.- ") + 1
                piece_end = min([i + 1 for i in (value.find(sep, end) for sep in ":/.- ") if i >= 0] or [len(value)])
                assert piece_end - piece_start > width, (value, width, lines)
