"""Which S3 buckets a role's identity policies name (pure): the S3 probe's default target."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

__all__ = ["buckets_in_policies"]


def _as_list(value: Any) -> list[Any]:
    if isinstance(value, list):
        return value
    return [value] if value is not None else []


def buckets_in_policies(policies: Iterable[Mapping[str, Any]]) -> list[str]:
    """Bucket names from Allow statements' S3 resources, most specific first, no wildcards.

    ``arn:aws:s3:::b`` and ``arn:aws:s3:::b/*`` both name ``b``; names with ``*``/``?``
    cannot be probed and are left out.
    """
    seen: dict[str, int] = {}
    for policy in policies:
        if not isinstance(policy, Mapping):
            continue
        for stmt in _as_list(policy.get("Statement")):
            if not isinstance(stmt, Mapping) or stmt.get("Effect") != "Allow":
                continue
            actions = [str(a).lower() for a in _as_list(stmt.get("Action"))]
            if actions and not any(a.startswith("s3:") or a == "*" for a in actions):
                continue
            for resource in _as_list(stmt.get("Resource")):
                if not isinstance(resource, str) or ":s3:::" not in resource:
                    continue
                name = resource.split(":s3:::", 1)[1].split("/", 1)[0]
                if name and "*" not in name and "?" not in name and "$" not in name:
                    seen[name] = seen.get(name, 0) + 1
    return sorted(seen, key=lambda n: -seen[n])
