"""k9s habits in the picker: the list has focus, so q quits and : commands; / (or any unbound letter)
starts the filter, escape clears it; digits jump to panes; ctrl+q quits even from a filter."""

from __future__ import annotations

import pytest
from textual.widgets import Input, OptionList

from irsa_tui.ui.app import IrsaApp
from irsa_tui.ui.screens.help import HelpScreen
from irsa_tui.ui.screens.picker import PickerScreen
from irsa_tui.ui.widgets.filter_list import FilterList
from tests.chain import builders as b
from tests.ui.conftest import wait_for
from tests.ui.fakes import FakeBackend

pytestmark = pytest.mark.ui


def picker_app() -> IrsaApp:
    return IrsaApp(context="healthy", namespace=b.NS, backend=FakeBackend(), frozen=True)


async def test_slash_filters_q_in_a_filter_is_text_and_ctrl_q_quits_from_it() -> None:
    app = picker_app()
    async with app.run_test(size=(120, 36)) as pilot:
        contexts = app.screen.query_one("#contexts", FilterList)
        await wait_for(pilot, lambda: len(contexts.items) == 2)
        assert app.focused is contexts.options
        await pilot.press("slash", "q")
        assert app.is_running and isinstance(app.screen, PickerScreen)
        assert app.focused is contexts.input and contexts.input.value == "q"
        # the filter is shown on the pane, and a filter matching nothing says so
        assert contexts.border_subtitle == "/q"
        assert str(contexts.query_one(".filter-count").render()) == "nothing matches 'q' (escape clears it)"
        # The footer offers the key that works here, not the one the filter takes.
        shown = {
            key: active.binding
            for key, active in app.screen.active_bindings.items()
            if active.binding.show and active.enabled
        }
        assert "ctrl+q" in shown and shown["ctrl+q"].description == "Quit"
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert not app.is_running


async def test_typing_on_a_list_filters_escape_clears_then_q_quits() -> None:
    app = picker_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = app.screen
        pods = screen.query_one("#pods", FilterList)
        await wait_for(pilot, lambda: len(pods.items) == 4)
        await pilot.press("3")
        assert app.focused is pods.options
        await pilot.press(*"wrk")  # not bound: starts the filter with the letters
        assert app.focused is pods.input and pods.input.value == "wrk"
        await pilot.press("escape")
        assert app.focused is pods.options and pods.input.value == "" and pods.border_subtitle == ""
        # back through the panes, then q quits from the first list
        await pilot.press("escape", "escape")
        assert app.focused is screen.query_one("#contexts", FilterList).options
        assert isinstance(app.focused, OptionList) and not isinstance(app.focused, Input)
        await pilot.press("q")
        await pilot.pause()
    assert not app.is_running


async def test_a_new_context_clears_the_filters_of_the_old_one() -> None:
    """Issue 17 #5: a pod filter survived a context switch and showed "0 of 2" with no word why."""
    app = picker_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = app.screen
        pods = screen.query_one("#pods", FilterList)
        await wait_for(pilot, lambda: len(pods.items) == 4)
        await pilot.press("3", "slash", *"zzz")
        assert "nothing matches 'zzz'" in str(pods.query_one(".filter-count").render())
        assert isinstance(screen, PickerScreen)
        screen.action_pane("contexts")  # (in a filter, digits are text)
        contexts = screen.query_one("#contexts", FilterList)
        contexts.options.highlighted = 1
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen.context == "trust-sub-wrong-namespace" and len(pods.items) == 4)
        assert pods.input.value == "" and pods.border_subtitle == ""
        assert str(pods.query_one(".filter-count").render()) == "4 of 4"


async def test_an_unknown_context_is_an_error_as_in_check() -> None:
    """Issue 17 #5: `irsa-tui --context nope` opened a blank namespace pane with no error."""
    app = IrsaApp(context="helthy", backend=FakeBackend(), frozen=True)
    async with app.run_test(size=(120, 36)) as pilot:
        namespaces = app.screen.query_one("#namespaces", FilterList)
        await wait_for(pilot, lambda: namespaces.has_class("-error"))
        error = str(namespaces.query_one(".filter-error").render())
        assert error == "context 'helthy' not found in kubeconfig; did you mean healthy?"
        assert any("helthy" in n.message for n in app._notifications)


async def test_help_documents_ctrl_q() -> None:
    app = picker_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        rows = app.screen.rows
        assert any(r[1] == "ctrl+q" and r[2] == "Quit" and "filter" in r[3] for r in rows), rows


async def test_colon_ctx_and_ns_switch_from_the_chain_with_completion() -> None:
    """Issue 17 #4: no :ctx / :ns; moving to another scenario took 17 keystrokes."""
    backend = FakeBackend()
    app = IrsaApp(context="healthy", namespace=b.NS, pod=b.POD, backend=backend, frozen=True)
    async with app.run_test(size=(80, 24)) as pilot:
        from irsa_tui.ui.screens.chain import ChainScreen

        await wait_for(pilot, lambda: isinstance(app.screen, ChainScreen) and app.screen.result is not None)
        await pilot.press("colon", *"ctx tr", "tab")
        assert app.screen.query_one(Input).value == "ctx trust-sub-wrong-namespace"
        await pilot.press("enter")
        picker = app.screen
        assert isinstance(picker, PickerScreen)
        await wait_for(pilot, lambda: picker.context == "trust-sub-wrong-namespace" and picker.namespace is not None)
        await pilot.press("colon", *"ns kube-s", "tab", "enter")
        pods = picker.query_one("#pods", FilterList)
        await wait_for(pilot, lambda: picker.namespace == "kube-system" and len(pods.items) == 4)
        assert app.focused is pods.options
        await pilot.press("colon", *"pod payments/", "tab", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ChainScreen) and app.screen.result is not None)
        assert backend.runs[-1]["context"] == "trust-sub-wrong-namespace"
        assert (backend.runs[-1]["namespace"], backend.runs[-1]["pod"]) == (b.NS, b.POD)
        # an unknown context changes nothing and says why
        await pilot.press("colon", *"ctx helthy", "enter")
        await pilot.pause(0.1)
        assert isinstance(app.screen, ChainScreen)
        assert any("'helthy' not found" in n.message and "healthy" in n.message for n in app._notifications)


async def test_the_palette_finds_contexts_namespaces_and_pods_with_a_role() -> None:
    from textual.command import Hit

    from irsa_tui.ui.commands import TargetsProvider

    app = picker_app()
    async with app.run_test(size=(120, 36)) as pilot:
        picker = app.screen
        await wait_for(pilot, lambda: len(picker.query_one("#pods", FilterList).items) == 4)
        picker.query_one("#namespaces", FilterList).options.highlighted = 0
        assert isinstance(picker, PickerScreen)
        picker.select_namespace("*")
        await wait_for(pilot, lambda: bool(app.identity_pods()))
        provider = TargetsProvider(picker)
        texts = []
        for query in ("context", "namespace", "pod"):
            texts += [str(h.text) for h in [h async for h in provider.search(query)] if isinstance(h, Hit)]
        assert "Switch context: trust-sub-wrong-namespace" in texts
        assert "Namespace: kube-system" in texts
        assert any(t.startswith(f"Pod: kube-system/{b.POD} ◆ ") for t in texts)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ctx prod", ("ctx", "prod")),
        (":context prod", ("ctx", "prod")),
        ("ns all", ("ns", "all")),
        ("q", ("quit", "")),
        ("ctx", "ctx needs a name"),
        ("ctx a b", "ctx takes one name, got 2"),
        ("deploy x", "unknown command 'deploy'"),
        ("", "type a command"),
    ],
)
def test_command_parsing(text: str, expected: tuple[str, str] | str) -> None:
    from irsa_tui.ui.commands import Command, parse_command

    got = parse_command(text)
    if isinstance(expected, tuple):
        assert got == Command(*expected)
    else:
        assert isinstance(got, str) and got.startswith(expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("c", "ctx "), ("ctx he", "ctx healthy"), ("ctx healthy", None), ("ns pay", "ns payments"), ("zz", None)],
)
def test_command_completion(text: str, expected: str | None) -> None:
    from irsa_tui.ui.commands import complete

    names = {"ctx": ["healthy", "prod"], "ns": ["default", "payments"], "pod": []}
    assert complete(text, lambda verb: names[verb]) == expected


async def test_digits_and_slash_on_the_chain() -> None:
    from textual.widgets import ListView, TabbedContent

    from irsa_tui.ui.screens.chain import ChainScreen

    app = IrsaApp(context="healthy", namespace=b.NS, pod=b.POD, backend=FakeBackend(), frozen=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, ChainScreen) and app.screen.result is not None)
        await pilot.press("2")
        tabs = app.screen.query_one("#tabs", TabbedContent)
        assert app.focused is not None and tabs in app.focused.ancestors_with_self
        await pilot.press("1")
        assert isinstance(app.focused, ListView)
        await pilot.press("slash")  # k9s /: back to the pod filter
        assert isinstance(app.screen, PickerScreen)
        assert app.focused is app.screen.query_one("#pods", FilterList).input
