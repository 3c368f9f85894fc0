"""Every key binding of the TUI by id: the scopes they live in, their keys after a keymap, and clashes.

A leaf module: it imports no screen. Each screen (and the app, and the list widget) declares its
``SCOPE`` name and the scopes active with it (``SCOPE_ALSO``); ``IrsaApp.key_scopes()`` builds the list
and passes it here. The help screen, the README's key table and the config loader all read the bindings
that way, so a binding added to a screen shows up everywhere (``tests/ui/test_keymap.py`` keeps the
README honest).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from textual.binding import Binding, BindingType
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
    "app_keymap",
    "binding_ids",
    "character_key",
    "check_key",
    "clashes",
    "display_keys",
    "effective_keys",
    "keymap_table",
    "normalize_keys",
    "scope_of",
]

MODIFIERS = ("ctrl", "shift", "alt", "meta", "super", "hyper")


@dataclass(frozen=True)
class Scope:
    """Where a set of bindings works, and the other scopes active at the same time (nearest first)."""

    name: str
    bindings: tuple[Binding, ...]
    also: tuple[str, ...] = ()


def scope_of(owner: Any) -> Scope:
    """The Scope a class declares: its ``SCOPE`` name, ``SCOPE_ALSO`` and its Binding objects."""
    bindings: Iterable[BindingType] = owner.BINDINGS
    return Scope(owner.SCOPE, tuple(b for b in bindings if isinstance(b, Binding)), tuple(owner.SCOPE_ALSO))


def binding_ids(scopes: Sequence[Scope]) -> list[str]:
    """Every binding id, in help-screen order, each once."""
    seen: dict[str, None] = {}
    for scope in scopes:
        for binding in scope.bindings:
            if binding.id:
                seen.setdefault(binding.id, None)
    return list(seen)


# --- The two reads of Textual internals -----------------------------------------------------------
# Textual has no public inverse of key_to_character ("?" -> "question_mark") and no public getter for
# the keymap App.set_keymap stored. Both exist in textual==8.2.8 (pinned in pyproject.toml);
# tests/ui/test_keymap.py::test_the_textual_internals_we_read_still_behave fails first if an upgrade
# moves them. Nothing else in irsa-tui touches a private Textual name.


def character_key(char: str) -> str:
    """``?`` → ``question_mark``: the key name Textual matches a one-character binding against."""
    return _character_to_key(char)


def app_keymap(app: Any) -> Mapping[str, str]:
    """The keymap (id → normalized keys) ``App.set_keymap`` stored: what the footer shows."""
    keymap: Mapping[str, str] = app._keymap
    return keymap


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
    base = character_key(base if not mods else base.lower()) if len(base) == 1 else base.lower()
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
        # question_mark → ?; names (escape, pagedown) stay as in the config
        char = "/" if base == "slash" else key_to_character(base)
        out.append("+".join([*modifiers, char if char and char.isprintable() and base != "space" else base]))
    return ", ".join(out)


def clashes(keymap: Mapping[str, str], scopes: Sequence[Scope]) -> dict[str, str]:
    """Remapped ids whose new key is already taken where they work: id → a one-line reason.

    Textual would silently let one binding win and leave the other without a key; the config
    loader drops such a remap instead and says why.
    """
    by_name = {s.name: s for s in scopes}
    out: dict[str, str] = {}
    for scope in scopes:
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


def keymap_table(scopes: Sequence[Scope]) -> str:
    """The Markdown table of every binding id (the README's, checked by a test)."""
    lines = ["| id | default key | where | what it does |", "|---|---|---|---|"]
    for scope in scopes:
        for binding in scope.bindings:
            keys = ", ".join(f"`{k}`" for k in effective_keys(binding, {}))
            lines.append(f"| `{binding.id}` | {keys} | {scope.name} | {binding.tooltip} |")
    return "\n".join(lines)


if __name__ == "__main__":  # python -m irsa_tui.ui.keys > the README table
    from irsa_tui.ui.app import IrsaApp

    print(keymap_table(IrsaApp.key_scopes()))
