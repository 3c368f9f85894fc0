"""CloudTrail's web-identity events for one role, counted by subject (pure).

The source (``irsa_tui.sources.aws``) pages ``cloudtrail:LookupEvents`` for one event name over the
last hour and hands each event over as a ``TrailEvent``; this module keeps the role's events and
counts them per subject. irsa-tui's own probes (role session ``irsa-tui-…``) are counted apart: they
are not the pod's calls.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from irsa_tui.chain.facts import CloudTrailFacts, TrailSubject

__all__ = ["OWN_SESSION_PREFIX", "TrailEvent", "parse_event", "summarise"]

OWN_SESSION_PREFIX = "irsa-tui-"


@dataclass(frozen=True)
class TrailEvent:
    """The few fields of one CloudTrail event irsa-tui reads (nothing else is kept)."""

    name: str
    time: datetime
    role_arn: str | None
    subject: str | None
    session: str | None
    error_code: str | None


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def parse_event(name: str, time: datetime, doc: Mapping[str, Any]) -> TrailEvent:
    """One event from its ``CloudTrailEvent`` JSON document (already decoded)."""
    params = doc.get("requestParameters")
    params = params if isinstance(params, Mapping) else {}
    identity = doc.get("userIdentity")
    identity = identity if isinstance(identity, Mapping) else {}
    response = doc.get("responseElements")
    response = response if isinstance(response, Mapping) else {}
    role = _text(params.get("roleArn"))
    if role is None:  # AssumeRoleForPodIdentity names the role in its answer (assumedRoleUser) only
        assumed = response.get("assumedRoleUser")
        arn = _text(assumed.get("arn")) if isinstance(assumed, Mapping) else None
        if arn and ":assumed-role/" in arn:
            head, rest = arn.split(":assumed-role/", 1)
            role = head.replace(":sts:", ":iam:") + ":role/" + rest.split("/", 1)[0]
    subject = _text(identity.get("userName")) or _text(response.get("subjectFromWebIdentityToken"))
    if subject is None and name == "AssumeRoleForPodIdentity":
        subject = _text(params.get("serviceAccount")) or _text(identity.get("principalId"))
    return TrailEvent(
        name=name,
        time=time,
        role_arn=role,
        subject=subject,
        session=_text(params.get("roleSessionName")),
        error_code=_text(doc.get("errorCode")),
    )


def _same_role(event_role: str | None, role_arn: str) -> bool:
    if event_role is None:
        return False
    return event_role == role_arn or (event_role.rsplit("/", 1)[-1] == role_arn.rsplit("/", 1)[-1] and \
        event_role.split(":")[4:5] == role_arn.split(":")[4:5])


def summarise(events: Iterable[TrailEvent], event: str, role_arn: str, since: datetime, until: datetime,
              truncated: bool = False) -> CloudTrailFacts:
    """Count the role's events per subject; the newest subject first."""
    counts: dict[str, dict[str, Any]] = {}
    read = own = 0
    for ev in sorted(events, key=lambda e: e.time):
        read += 1
        if ev.name != event or not _same_role(ev.role_arn, role_arn) or not since <= ev.time <= until:
            continue
        if ev.session and ev.session.startswith(OWN_SESSION_PREFIX):
            own += 1
            continue
        row = counts.setdefault(ev.subject or "(no subject)", {"ok": 0, "refused": 0})
        if ev.error_code:
            row["refused"] += 1
            row["last_refused_at"], row["last_refused_error"] = ev.time, ev.error_code
        else:
            row["ok"] += 1
        row["last_at"], row["last_error"] = ev.time, ev.error_code
    subjects = [TrailSubject(subject=name, **row) for name, row in counts.items()]
    subjects.sort(key=lambda s: s.last_at or since, reverse=True)
    return CloudTrailFacts(event=event, role_arn=role_arn, since=since, until=until, events_read=read,
                           truncated=truncated, subjects=tuple(subjects), own_probes=own)
