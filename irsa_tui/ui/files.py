"""Files the TUI writes (exports, a fix when no clipboard took it): named after their target and the time,
and never written over: an existing name gets ``-2``, ``-3``… (exclusive create, so no race either)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path

__all__ = ["target_stem", "write_new"]

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def _safe(part: str) -> str:
    return _UNSAFE.sub("_", part).strip("._") or "_"


def target_stem(context: str | None, namespace: str, pod: str, now: datetime | None = None) -> str:
    """``irsa-prod-payments-api-20260101-031500``; an ARN context by its last segment (the cluster)."""
    ctx = (context or "current").rsplit("/", 1)[-1] if (context or "").startswith("arn:") else (context or "current")
    when = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    return "-".join(_safe(p) for p in ("irsa", ctx, namespace, pod, when))


def write_new(directory: Path, stem: str, files: Mapping[str, str]) -> list[Path]:
    """Write ``stem + suffix`` for each (suffix → text), all with the same free stem; returns the paths."""
    directory.mkdir(parents=True, exist_ok=True)
    for n in range(1, 1000):
        name = stem if n == 1 else f"{stem}-{n}"
        paths = [directory / f"{name}{suffix}" for suffix in files]
        if any(p.exists() for p in paths):
            continue
        written: list[Path] = []
        try:
            for path, text in zip(paths, files.values(), strict=True):
                with path.open("x", encoding="utf-8") as handle:
                    handle.write(text)
                written.append(path)
        except FileExistsError:  # another writer took the name meanwhile: undo ours, try the next
            for path in written:
                path.unlink(missing_ok=True)
            continue
        return written
    raise FileExistsError(f"{directory / stem}: 999 files of that name already")
