"""Every key binding of the TUI by id: the scopes they live in, their keys after a keymap, and clashes.

The help screen, the README's key table and the config loader all read the bindings from here, so a
binding added to a screen shows up everywhere (and ``tests/ui/test_keymap.py`` keeps the README honest).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

from textual.binding import Binding
from textual.keys import (
    KEY_ALIASES,
    KEY_DISPLAY_ALIASES,
    KEY_NAME_REPLACEMENTS,
    Keys,
    _character_to_key,
    key_to_character,
)

__all__ = [
    "MODIFIERS",
    "Scope",
    "binding_ids",
    "check_key",
    "clashes",
    "display_keys",
    "effective_keys",
    "keymap_table",
    "normalize_keys",
    "scopes",
]

MODIFIERS = ("ctrl", "shift", "alt", "meta", "super", "hyper")


@dataclass(frozen=True)
class Scope:
    """Where a set of bindings works, and the other scopes active at the same time (nearest first)."""

    name: str
    bindings: tuple[Binding, ...]
    also: tuple[str, ...] = ()


@cache
def scopes() -> tuple[Scope, ...]:
    """The scopes in the order the help screen lists them; imported lazily (the screens import us)."""
    from irsa_tui.ui.app import IrsaApp
    from irsa_tui.ui.screens.chain import ChainScreen
    from irsa_tui.ui.screens.dialogs import InputDialog
    from irsa_tui.ui.screens.explain_dialog import ExplainDialog
    from irsa_tui.ui.screens.help import HelpScreen
    from irsa_tui.ui.screens.learn import LearnScreen
    from irsa_tui.ui.screens.picker import PickerScreen
    from irsa_tui.ui.widgets.filter_list import FilterList

    def only(bindings: object) -> tuple[Binding, ...]:
        assert isinstance(bindings, list)
        return tuple(b for b in bindings if isinstance(b, Binding))

    return (
        Scope("everywhere", only(IrsaApp.BINDINGS)),
        Scope("pod picker", only(PickerScreen.BINDINGS), ("everywhere",)),
        Scope("picker lists", only(FilterList.BINDINGS), ("pod picker", "everywhere")),
        Scope("chain", only(ChainScreen.BINDINGS), ("everywhere",)),
        Scope("learn", only(LearnScreen.BINDINGS), ("everywhere",)),
        Scope("help", only(HelpScreen.BINDINGS)),
        Scope("dialog", only(InputDialog.BINDINGS)),
        Scope("explain dialog", only(ExplainDialog.BINDINGS)),
    )


def binding_ids() -> list[str]:
    """Every binding id, in help-screen order, each once."""
    seen: dict[str, None] = {}
    for scope in scopes():
        for binding in scope.bindings:
            if binding.id:
                seen.setdefault(binding.id, None)
    return list(seen)


def _known_key_names() -> set[str]:
    names = {k.value.rpartition("+")[2] for k in Keys}
    names |= set(KEY_DISPLAY_ALIASES) | set(KEY_ALIASES) | set(KEY_NAME_REPLACEMENTS.values())
    names |= {f"f{n}" for n in range(1, 25)} | {"space", "enter", "tab", "backspace", "delete", "insert"}
    return names


_KEY_NAMES = _known_key_names()


def _is_key_name(name: str) -> bool:
    # key_to_character knows the unicode names Textual uses for punctuation: question_mark, full_stop, …
    return len(name) == 1 or name in _KEY_NAMES or key_to_character(name) is not None


def normalize_key(key: str) -> str:
    """``Ctrl+R`` → ``ctrl+r``, ``?`` → ``question_mark``: the form Textual matches key events against."""
    key = key.strip()
    if key == "+":
        mods, base = [], "+"
    elif key.endswith("++"):  # ctrl++
        mods, base = key[:-2].split("+"), "+"
    else:
        *mods, base = key.split("+")
    base = base.strip()
    # with a modifier, terminals send ctrl+r for ctrl+R too
    base = _character_to_key(base if not mods else base.lower()) if len(base) == 1 else base.lower()
    return "+".join([*(m.strip().lower() for m in mods), base])


def normalize_keys(keys: str) -> str:
    return ",".join(normalize_key(k) for k in keys.split(",") if k.strip())


def check_key(keys: str) -> str | None:
    """Why ``keys`` (a comma-separated list) is not something Textual can bind, or None when it is."""
    parts = [k.strip() for k in keys.split(",")]
    if not keys.strip() or any(not p for p in parts):
        return "empty key"
    for part in parts:
        *mods, base = normalize_key(part).split("+")
        bad = [m for m in mods if m not in MODIFIERS]
        if bad:
            return f"'{part}': unknown modifier '{bad[0]}' (use {', '.join(MODIFIERS[:3])})"
        if not _is_key_name(base):
            return f"'{part}': '{base}' is not a key name (e.g. r, ctrl+r, f5, escape, question_mark)"
    return None


def effective_keys(binding: Binding, keymap: Mapping[str, str]) -> list[str]:
    """The keys that trigger ``binding`` once ``keymap`` (id → keys, normalized) is applied."""
    keys = keymap.get(binding.id, binding.key) if binding.id else binding.key
    return [k.strip() for k in keys.split(",") if k.strip()]


def display_keys(binding: Binding, keymap: Mapping[str, str]) -> str:
    """``?, f1`` / ``ctrl+r`` / ``esc``: readable, and in the form the config file accepts."""
    out = []
    for key in effective_keys(binding, keymap):
        modifiers, base = Binding(key, binding.action).parse_key()
        char = key_to_character(base)  # question_mark → ?; names (escape, pagedown) stay as in the config
        out.append("+".join([*modifiers, char if char and char.isprintable() and base != "space" else base]))
    return ", ".join(out)


def clashes(keymap: Mapping[str, str]) -> dict[str, str]:
    """Remapped ids whose new key is already taken where they work: id → a one-line reason.

    Textual would silently let one binding win and leave the other without a key; the config
    loader drops such a remap instead and says why.
    """
    by_name = {s.name: s for s in scopes()}
    out: dict[str, str] = {}
    for scope in scopes():
        active = [b for name in (scope.name, *scope.also) for b in by_name[name].bindings]
        for binding in active:
            if not binding.id or binding.id not in keymap or binding.id in out:
                continue
            mine = set(effective_keys(binding, keymap))
            for other in active:
                if other.id == binding.id:
                    continue
                common = sorted(mine & set(effective_keys(other, keymap)))
                if common:
                    out[binding.id] = f"'{common[0]}' is already {other.id or other.action} ({scope.name})"
                    break
    return out


def keymap_table() -> str:
    """The Markdown table of every binding id (the README's, checked by a test)."""
    lines = ["| id | default key | where | what it does |", "|---|---|---|---|"]
    for scope in scopes():
        for binding in scope.bindings:
            keys = ", ".join(f"`{k}`" for k in effective_keys(binding, {}))
            lines.append(f"| `{binding.id}` | {keys} | {scope.name} | {binding.tooltip} |")
    return "\n".join(lines)


if __name__ == "__main__":  # python -m irsa_tui.ui.keys > the README table
    print(keymap_table())
