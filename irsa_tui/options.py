"""The options of one run, frozen and passed whole; the usage rules between them live here only."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Options", "UsageError", "probe_problem"]


class UsageError(Exception):
    """Bad arguments, unknown context, pod not found: a one-line message, exit 64."""


def probe_problem(bucket: str | None, object_key: str | None) -> str | None:
    """Why these probe options cannot go together, or None."""
    if object_key is not None and not bucket:
        return "--object needs --bucket (the bucket the object is in)"
    return None


@dataclass(frozen=True)
class Options:
    """One diagnosis: which pod, where, and how far to probe. Raises UsageError when inconsistent."""

    namespace: str
    pod: str
    context: str | None = None
    cluster: str | None = None
    region: str | None = None
    bucket: str | None = None
    object_key: str | None = None
    """``--object``: also GetObject (bytes=0-0) on this key of ``bucket``."""
    live: bool = True
    timeout: float = 5.0
    """Per network call, seconds."""
    deadline: float = 30.0
    """Whole run, seconds."""
    logs: bool = False
    """``--logs``: read the tail of each app container's log for known error shapes (RBAC get pods/log)."""
    log_lines: int = 200
    """How many lines of each container's log ``--logs`` reads (``tailLines``)."""
    cloudtrail: bool = False
    """``--cloudtrail``: the role's web-identity events of the last hour (cloudtrail:LookupEvents)."""

    def __post_init__(self) -> None:
        problem = probe_problem(self.bucket, self.object_key)
        if problem:
            raise UsageError(problem)
