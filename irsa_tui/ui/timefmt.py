"""Short human durations and ages (``3d``, ``5h``, ``12m``), hidden when time is frozen."""

from __future__ import annotations

from datetime import UTC, datetime

__all__ = ["age", "short_duration"]


def short_duration(seconds: float) -> str:
    seconds = max(0.0, seconds)
    if seconds < 60:
        return f"{int(seconds)}s"
    if seconds < 3600:
        return f"{int(seconds // 60)}m"
    if seconds < 86400:
        return f"{int(seconds // 3600)}h"
    return f"{int(seconds // 86400)}d"


def age(created: datetime | None, frozen: bool, now: datetime | None = None) -> str:
    if created is None:
        return "?"
    if frozen:
        return "-"
    now = now or datetime.now(UTC)
    if created.tzinfo is None:
        created = created.replace(tzinfo=UTC)
    return short_duration((now - created).total_seconds())
