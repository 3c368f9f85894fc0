"""Which S3 buckets a role's identity policies name (pure): the S3 probe's default target."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

__all__ = ["bucket_name_problem", "buckets_in_policies", "parse_s3_target"]


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


_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")


def bucket_name_problem(name: str) -> str | None:
    """Why ``name`` cannot be an S3 bucket name, or None when it can."""
    if not _BUCKET.match(name) or ".." in name:
        return f"{name[:80]!r} is not an S3 bucket name (3-63 lower-case letters, digits, '.', '-')"
    return None


def parse_s3_target(text: str) -> tuple[str | None, str | None, str | None]:
    """What the TUI's S3 dialog accepts: ``bucket``, ``bucket/key`` or ``s3://bucket/key``.

    Returns (bucket, key, problem); empty input means "buckets from the role's policies" (all None).
    """
    from irsa_tui.chain.links.s3 import object_key_problem

    value = text.strip()
    if value.lower().startswith("s3://"):
        value = value[5:]
    if not value:
        return None, None, None
    bucket, slash, key = value.partition("/")
    problem = bucket_name_problem(bucket)
    if problem:
        return None, None, problem
    if not slash or not key:
        return bucket, None, None
    problem = object_key_problem(key)
    if problem:
        return None, None, problem
    return bucket, key, None
