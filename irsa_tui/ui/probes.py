"""Probe settings (S3 bucket/object, live on/off) belong to one target: a pod in a namespace of a context.

A bucket set for a pod in staging must never be judged against a prod role, so the app keeps one
``Probe`` per target. A target seen for the first time starts from, in order: the command-line flags
(only for pods of the context the app was started on), the context's ``irsa-tui`` kubeconfig extension
(sources/kubeconfig.py), else nothing (buckets named in the role's policies). ``live`` starts from the
command line everywhere: ``--no-live`` is a choice about the caller's safety, not about a target.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["Probe", "ProbeBook", "Target"]

Target = tuple[str | None, str, str]
"""(context, namespace, pod); context None is the kubeconfig's current context."""


@dataclass(frozen=True)
class Probe:
    bucket: str | None = None
    object_key: str | None = None
    live: bool = True
    origin: str = ""
    """Where the bucket came from: ``flag``, ``kubeconfig``, ``set here``, or empty (none set)."""

    def s3(self, narrow: bool = False) -> str:
        """``s3://b/k (kubeconfig)`` / ``bucket b`` / ``s3 from policies``: the header's words."""
        if not self.bucket:
            return "s3 from policies" if narrow else "bucket from role policies"
        shown = f"s3://{self.bucket}/{self.object_key}" if self.object_key else (
            f"s3 {self.bucket}" if narrow else f"bucket {self.bucket}"
        )
        return f"{shown} ({self.origin})" if self.origin and self.origin != "set here" else shown

    def live_words(self, narrow: bool = False) -> str:
        if narrow:
            return "live" if self.live else "static only"
        return "live probes on" if self.live else "live probes off (static only)"


class ProbeBook:
    """One Probe per target, remembered for the app's lifetime."""

    def __init__(self, flags: Probe, start_context: str | None) -> None:
        self.flags = flags
        self.start_context = start_context
        self.known: dict[Target, Probe] = {}

    def get(self, target: Target) -> Probe | None:
        return self.known.get(target)

    def set(self, target: Target, probe: Probe) -> None:
        self.known[target] = probe

    def first(self, target: Target, contexts: Mapping[str, Any]) -> Probe:
        """The probe a target starts with (see the module doc); remembered from then on."""
        remembered = self.known.get(target)
        if remembered is not None:
            return remembered
        context = target[0]
        info = contexts.get(context) if context is not None else None
        start = self.start_context
        in_start_context = context in (None, start) or (start is None and bool(getattr(info, "current", False)))
        if self.flags.bucket and in_start_context:
            probe = self.flags
        else:
            # a context given by name but not (yet) listed: look it up; the current context by its flag
            if info is None and context is None:
                info = next((c for c in contexts.values() if getattr(c, "current", False)), None)
            bucket = getattr(info, "bucket", None)
            key = getattr(info, "object_key", None) if bucket else None
            probe = Probe(bucket, key, self.flags.live, "kubeconfig" if bucket else "")
        self.known[target] = probe
        return probe
