"""The TUI's config file: ``$XDG_CONFIG_HOME/irsa-tui/config.yaml`` (or ``$IRSA_TUI_CONFIG``).

Today it holds one setting, the keymap (binding id → keys, as in posting)::

    keymap:
      rerun: ctrl+r
      copy-fix: y

Nothing in it may stop the app: a missing file means defaults, and a malformed file, an unknown id,
a key that is not a key or a key already taken each give a one-line warning and leave that binding
(or, for a malformed file, every binding) at its default.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from irsa_tui.ui import keys
from irsa_tui.ui.keys import Scope

__all__ = ["CONFIG_ENV", "UiConfig", "config_path", "load_config"]

CONFIG_ENV = "IRSA_TUI_CONFIG"
_MAX_BYTES = 256 * 1024


@dataclass(frozen=True)
class UiConfig:
    path: Path
    keymap: dict[str, str] = field(default_factory=dict)
    """Binding id → keys (comma-separated, normalized to Textual's names)."""
    warnings: list[str] = field(default_factory=list)
    """One line each, ready for a notification or stderr."""


def config_path(environ: Mapping[str, str] | None = None) -> tuple[Path, bool]:
    """The config file to read, and whether the user named it explicitly (``$IRSA_TUI_CONFIG``)."""
    env = os.environ if environ is None else environ
    explicit = env.get(CONFIG_ENV, "").strip()
    if explicit:
        return Path(explicit).expanduser(), True
    xdg = env.get("XDG_CONFIG_HOME", "").strip()
    # the XDG spec: a relative XDG_CONFIG_HOME is invalid and must be ignored
    base = Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".config"
    return base / "irsa-tui" / "config.yaml", False


def _show(path: Path) -> str:
    home = str(Path.home())
    text = str(path)
    return "~" + text[len(home) :] if home != "/" and text.startswith(home + os.sep) else text


def load_config(path: Path | None = None, explicit: bool = False, *, scopes: Sequence[Scope]) -> UiConfig:
    """Read the config; never raises. ``path`` None: the one :func:`config_path` names; ``scopes``: the
    app's bindings (``IrsaApp.key_scopes()``), which the keymap's ids and keys are checked against."""
    if path is None:
        path, explicit = config_path()
    where = f"config {_show(path)}"

    def failed(why: str) -> UiConfig:
        return UiConfig(path, {}, [f"{where}: {why}; using the default keys"])

    try:
        if path.stat().st_size > _MAX_BYTES:
            return failed(f"larger than {_MAX_BYTES // 1024} KiB, not read")
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return UiConfig(path, {}, [f"{where}: no such file (from ${CONFIG_ENV})"] if explicit else [])
    except IsADirectoryError:
        return failed("is a directory")
    except UnicodeDecodeError:
        return failed("not UTF-8 text")
    except OSError as exc:
        return failed(f"cannot read it ({exc.strerror or exc})")

    import yaml

    try:
        data = yaml.safe_load(raw)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" at line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "syntax error"
        return failed(f"not valid YAML{at} ({problem}; quote keys such as '?' or ':')")
    except RecursionError:
        return failed("not valid YAML (nested too deeply)")
    if data is None:
        return UiConfig(path)
    if not isinstance(data, dict):
        return failed(f"expected a mapping such as 'keymap:' at the top, found {_kind(data)}")

    warnings: list[str] = []
    for key in data:
        if key != "keymap":
            warnings.append(f"{where}: unknown setting {str(key)!r} ignored (known: keymap)")
    raw_keymap = data.get("keymap")
    if raw_keymap is None:
        return UiConfig(path, {}, warnings)
    if not isinstance(raw_keymap, dict):
        warnings.append(
            f"{where}: 'keymap' must map binding ids to keys (e.g. 'rerun: ctrl+r'), "
            f"found {_kind(raw_keymap)}; using the default keys"
        )
        return UiConfig(path, {}, warnings)
    keymap, more = parse_keymap(raw_keymap, scopes, where)
    return UiConfig(path, keymap, warnings + more)


def parse_keymap(
    raw: Mapping[object, object], scopes: Sequence[Scope], where: str = "keymap"
) -> tuple[dict[str, str], list[str]]:
    """Validate ``raw`` (id → keys): the usable entries, and one warning per entry dropped."""
    known_ids = keys.binding_ids(scopes)
    keymap: dict[str, str] = {}
    warnings: list[str] = []
    for binding_id, value in raw.items():
        name = str(binding_id)
        if name not in known_ids:
            close = difflib.get_close_matches(name, known_ids, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else " (press ? in the app for the ids)"
            warnings.append(f"{where}: unknown binding id {_clip(name)!r}{hint}; ignored")
            continue
        if isinstance(value, list):
            value = ",".join(str(v) for v in value)
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            warnings.append(
                f"{where}: {name}: expected a key such as 'ctrl+r', found {_kind(value)}; ignored"
            )
            continue
        text = str(value)
        problem = keys.check_key(text)
        if problem:
            warnings.append(f"{where}: {name}: {_clip(problem)}; ignored")
            continue
        keymap[name] = keys.normalize_keys(text)
    while clashing := keys.clashes(keymap, scopes):  # dropping one remap gives its old key back: check again
        for name, why in clashing.items():
            warnings.append(f"{where}: {name}: {why}; ignored")
            keymap.pop(name)
    return keymap, warnings


def _kind(value: object) -> str:
    if isinstance(value, bool):
        return "true/false (quote the key: 'y')"
    return {dict: "a mapping", list: "a list", str: "text", type(None): "nothing"}.get(
        type(value), type(value).__name__
    )


def _clip(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
