"""Short human durations and ages (``3d``, ``5h``, ``12m``), hidden when time is frozen."""

from __future__ import annotations

from datetime import UTC, datetime

__all__ = ["age", "local_time", "relative", "short_duration"]


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


def relative(seconds: float) -> str:
    """``in 10 min`` / ``3 h ago`` / ``now``: how far a moment is from now, in words."""
    whole = abs(seconds)
    if whole < 60:
        span = f"{int(whole)} s"
    elif whole < 3600:
        span = f"{int(whole // 60)} min"
    elif whole < 86400:
        span = f"{whole / 3600:.1f} h".replace(".0 h", " h")
    else:
        span = f"{int(whole // 86400)} d"
    return f"in {span}" if seconds >= 0 else f"{span} ago"


def local_time(epoch: float, now: float) -> str:
    """``2026-12-01 09:15:03 CET (in 10 min)``: an epoch claim as local time and its distance from now."""
    moment = datetime.fromtimestamp(epoch).astimezone()
    return f"{moment:%Y-%m-%d %H:%M:%S %Z} ({relative(epoch - now)})"
