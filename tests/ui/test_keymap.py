"""Key remapping from the config file: the remapped key works, the old one does not, and a bad
config never stops the app (a warning, then the default keys)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from textual.widgets._footer import FooterKey

from irsa_tui.ui.app import IrsaApp
from irsa_tui.ui.config import config_path, load_config
from irsa_tui.ui.keys import app_keymap, binding_ids, character_key, keymap_table
from irsa_tui.ui.screens.chain import ChainScreen
from irsa_tui.ui.screens.help import HelpScreen
from tests.chain import builders as b
from tests.ui.conftest import wait_for
from tests.ui.fakes import FakeBackend

pytestmark = pytest.mark.ui

BROKEN = "trust-sub-wrong-namespace"
README = Path(__file__).resolve().parents[2] / "README.md"
SCOPES = IrsaApp.key_scopes()


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def app_with(path: Path, backend: FakeBackend) -> IrsaApp:
    return IrsaApp(
        context=BROKEN, namespace=b.NS, pod=b.POD, backend=backend, frozen=True, config=load_config(path, scopes=SCOPES)
    )


async def chain_done(pilot: Any, runs: int = 1) -> ChainScreen:
    app = pilot.app
    backend = app.backend
    await wait_for(
        pilot,
        lambda: (
            isinstance(app.screen, ChainScreen)
            and app.screen.result is not None
            and len(backend.runs) == runs
        ),
    )
    await pilot.pause(0.1)
    assert isinstance(app.screen, ChainScreen)
    return app.screen


def footer_keys(app: IrsaApp) -> dict[str, str]:
    return {k.description: k.key_display for k in app.screen.query(FooterKey)}


async def test_remapped_keys_trigger_their_action_and_the_old_keys_do_not(tmp_path: Path) -> None:
    backend = FakeBackend()
    app = app_with(write(tmp_path, "keymap:\n  rerun: ctrl+r\n  copy-fix: y\n"), backend)
    async with app.run_test(size=(120, 36)) as pilot:
        await chain_done(pilot)
        await pilot.press("r")
        await pilot.pause(0.3)
        assert len(backend.runs) == 1, "r still re-runs after being remapped away"
        await pilot.press("ctrl+r")
        await chain_done(pilot, runs=2)

        await pilot.press("c")
        await pilot.pause(0.1)
        assert app.clipboard == "", "c still copies after copy-fix moved to y"
        await pilot.press("y")
        await wait_for(pilot, lambda: "update-assume-role-policy" in app.clipboard)

        keys = footer_keys(app)
        assert keys["Re-run"] == "^r" and keys["Copy fix"] == "y"

        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        rows = {row[2]: row[1] for row in app.screen.rows}
        assert rows["Re-run"] == "ctrl+r *" and rows["Copy fix"] == "y *"
        assert rows["Export"] == "e"  # untouched bindings keep their key and no mark


async def test_a_malformed_config_warns_and_the_app_starts_with_default_keys(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("IRSA_TUI_CONFIG", str(write(tmp_path, "keymap:\n  rerun: [ctrl+r\n")))
    backend = FakeBackend()
    app = IrsaApp(context=BROKEN, namespace=b.NS, pod=b.POD, backend=backend, frozen=True)
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "not valid YAML" in err and "config.yaml" in err
    async with app.run_test(size=(120, 36)) as pilot:
        await chain_done(pilot)
        assert any("not valid YAML" in n.message for n in app._notifications)
        await pilot.press("r")
        await chain_done(pilot, runs=2)
        assert footer_keys(app)["Re-run"] == "r"


async def test_unknown_ids_and_bad_keys_are_named_and_the_rest_still_applies(tmp_path: Path) -> None:
    backend = FakeBackend()
    config = "keymap:\n  rerunn: x\n  export: ctlr+e\n  copy-fix: y\n  toggle-live: r\n"
    app = app_with(write(tmp_path, config), backend)
    warnings = app.config.warnings
    assert any("'rerunn'" in w and "did you mean 'rerun'" in w for w in warnings)
    assert any("export" in w and "ctlr" in w for w in warnings)
    assert any("toggle-live" in w and "rerun" in w for w in warnings), "a clash with r must be named"
    assert all("\n" not in w for w in warnings)
    async with app.run_test(size=(120, 36)) as pilot:
        await chain_done(pilot)
        assert len([n for n in app._notifications if n.severity == "warning"]) == 3
        keys = footer_keys(app)
        assert keys["Copy fix"] == "y" and keys["Export"] == "e" and keys["Re-run"] == "r"
        assert keys["Live"] == "l"


def test_config_path_honours_xdg_and_the_override_variable(tmp_path: Path) -> None:
    home_default, explicit = config_path({})
    assert home_default == Path.home() / ".config" / "irsa-tui" / "config.yaml" and not explicit
    assert config_path({"XDG_CONFIG_HOME": str(tmp_path)}) == (tmp_path / "irsa-tui" / "config.yaml", False)
    # a relative XDG_CONFIG_HOME is invalid per the spec: ignored
    assert config_path({"XDG_CONFIG_HOME": "rel/dir"})[0] == home_default
    other = tmp_path / "keys.yaml"
    assert config_path({"XDG_CONFIG_HOME": str(tmp_path), "IRSA_TUI_CONFIG": str(other)}) == (other, True)


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("- just\n- a list\n", "expected a mapping"),
        ("keymap: ctrl+r\n", "'keymap' must map binding ids"),
        ("keymap:\n  help: ?\n", "quote keys"),
        ("keymap:\n  quit: yes\n", "true/false"),
        ("keymap:\n  quit: ''\n", "empty key"),
        ("keymap:\n  quit: ctrl+nope\n", "'nope' is not a key name"),
        ("theme: dark\n", "unknown setting 'theme'"),
    ],
)
def test_each_bad_config_gets_one_clear_line_and_no_remap(tmp_path: Path, text: str, needle: str) -> None:
    config = load_config(write(tmp_path, text), scopes=SCOPES)
    assert config.keymap == {}
    assert len(config.warnings) == 1 and needle in config.warnings[0], config.warnings
    assert "\n" not in config.warnings[0]


def test_missing_files_are_silent_unless_named_explicitly(tmp_path: Path) -> None:
    assert load_config(tmp_path / "nope.yaml", scopes=SCOPES).warnings == []
    assert "no such file" in load_config(tmp_path / "nope.yaml", explicit=True, scopes=SCOPES).warnings[0]
    assert "is a directory" in load_config(tmp_path, scopes=SCOPES).warnings[0]
    assert load_config(write(tmp_path, ""), scopes=SCOPES).warnings == []
    (tmp_path / "latin1.yaml").write_bytes(b"keymap:\n  rerun: \xe9\n")
    assert "not UTF-8" in load_config(tmp_path / "latin1.yaml", scopes=SCOPES).warnings[0]


def test_keys_are_normalized_and_swaps_are_not_clashes(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, "keymap:\n  rerun: l\n  toggle-live: r\n  help: 'Ctrl+H, ?'\n"), scopes=SCOPES)
    assert config.warnings == []
    assert config.keymap == {"rerun": "l", "toggle-live": "r", "help": "ctrl+h,question_mark"}


def test_the_readme_key_table_is_the_real_bindings() -> None:
    text = README.read_text(encoding="utf-8")
    match = re.search(r"<!-- keys:start -->\n(.*?)\n<!-- keys:end -->", text, re.S)
    assert match, "README lost its keys table markers"
    assert match.group(1).strip() == keymap_table(SCOPES), "README key table is stale: python -m irsa_tui.ui.keys"
    for binding_id in binding_ids(SCOPES):
        assert f"`{binding_id}`" in match.group(1)


async def test_the_textual_internals_we_read_still_behave() -> None:
    """ui/keys.py reads two private Textual names (pinned 8.2.8); an upgrade that moves them fails here."""
    assert character_key("?") == "question_mark" and character_key("r") == "r"
    app = IrsaApp(backend=FakeBackend(), frozen=True, config=load_config(Path("/nonexistent"), scopes=SCOPES))
    async with app.run_test(size=(80, 24)):
        app.set_keymap({"rerun": "ctrl+r"})
        assert dict(app_keymap(app)) == {"rerun": "ctrl+r"}


def test_keys_is_a_leaf_module() -> None:
    """code-review §2.5: the key registry imports no screen; the app hands it the scopes."""
    import subprocess
    import sys

    code = "import sys, irsa_tui.ui.keys, irsa_tui.ui.config; print(sorted(m for m in sys.modules if m.startswith('irsa_tui.ui.')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "['irsa_tui.ui.config', 'irsa_tui.ui.keys']"


def test_every_class_declaring_a_scope_is_in_the_apps_scope_list() -> None:
    """A screen with SCOPE but left out of IrsaApp.key_scopes() would have keys missing from help."""
    import importlib
    import inspect
    import pkgutil

    import irsa_tui.ui

    declared = set()
    for info in pkgutil.walk_packages(irsa_tui.ui.__path__, "irsa_tui.ui."):
        module = importlib.import_module(info.name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if "SCOPE" in vars(cls) and cls.__module__ == module.__name__:
                declared.add(cls.SCOPE)
    assert declared == {s.name for s in SCOPES}
