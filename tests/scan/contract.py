"""The ``scan --json`` contract as the README documents it (between the scan-contract markers), and a
validator: every documented field present with its type (and its values, where the README lists
only values), and no field output that the README does not document."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

README = Path(__file__).resolve().parents[2] / "README.md"
_TYPES: dict[str, tuple[type, ...]] = {"string": (str,), "integer": (int,), "boolean": (bool,), "array": (list,),
                                       "object": (dict,), "null": (type(None),)}
_OPAQUE = ("rows[].chain",)
"""Objects with a contract of their own (check --json)."""


def contract() -> dict[str, tuple[set[str], set[str] | None]]:
    """path -> (type names, allowed values or None)."""
    text = README.read_text()
    body = text.split("<!-- scan-contract:start -->", 1)[1].split("<!-- scan-contract:end -->", 1)[0]
    out: dict[str, tuple[set[str], set[str] | None]] = {}
    for line in body.splitlines():
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", line)[1:-1]]
        if len(cells) != 3 or not cells[0].startswith("`"):
            continue
        path = cells[0].strip("`")
        types = set(cells[1].replace("\\|", "|").split("|"))
        values = None
        listed = re.fullmatch(r"(`[^`]+`(?:, `[^`]+`)*)(?: \(.*\))?", cells[2])
        if listed:  # only values (a closing remark in parentheses allowed): an enum
            values = set(re.findall(r"`([^`]+)`", listed.group(1)))
        out[path] = (types, values)
    return out


def _is(value: Any, types: set[str]) -> bool:
    for name in types:
        kinds = _TYPES[name]
        if isinstance(value, bool) and name == "integer":
            continue
        if isinstance(value, kinds):
            return True
    return False


def problems(doc: dict[str, Any]) -> list[str]:
    spec = contract()
    found: list[str] = []

    def walk(value: Any, path: str) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                child = f"{path}.{key}" if path else key
                if child not in spec:
                    found.append(f"{child}: output but not documented")
                    continue
                check(item, child)
            for documented in spec:
                parent, _, key = documented.rpartition(".")
                if parent == path and "[" not in key and key not in value:
                    found.append(f"{documented}: documented but missing")
        elif isinstance(value, list):
            for item in value:
                if isinstance(item, (dict, list)):
                    walk(item, path + "[]")

    def check(value: Any, path: str) -> None:
        types, values = spec[path]
        if not _is(value, types):
            found.append(f"{path}: {type(value).__name__} {value!r:.60}, documented {'|'.join(sorted(types))}")
            return
        if values is not None and value is not None and str(value) not in values:
            found.append(f"{path}: {value!r} not one of {sorted(values)}")
        if path not in _OPAQUE and isinstance(value, (dict, list)):
            walk(value, path)

    walk(doc, "")
    return found
