"""What the app and AWS saw, as evidence on the links (pure; applied by chain/reconcile.py).

- ``check --logs``: the known error shapes in each app container's log (irsa_tui/explain, the same
  catalogue as ``irsa-tui explain``) go on the link they implicate, with whether they agree with the
  chain just walked (explain/agreement.py). When the chain gives the container its role but the log
  shows the node role, an IAM user's keys or no credentials at all, the live log overrules the static
  guess: injection fails (INJ-221).
- ``check --cloudtrail``: the role's web-identity events of the last hour, counted by subject, go on
  the ``sts`` link (``eks-auth`` for Pod Identity). When the pod's latest call was refused and the chain
  passes (or made no live call), ``sts`` warns (STS-104).

A log or trail that cannot be read is evidence that says so, naming the missing permission; it never
changes a link's status.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from irsa_tui.chain.errors import SourceError
from irsa_tui.chain.facts import (
    CloudTrailFacts,
    ContainerLog,
    Facts,
    LogFacts,
    PodFacts,
    TokenFacts,
    TrailSubject,
)
from irsa_tui.chain.links import _common
from irsa_tui.chain.model import Evidence, Finding, LinkId, LinkResult, Status
from irsa_tui.explain.agreement import agreement
from irsa_tui.explain.engine import explain

__all__ = ["apply", "pod_subject", "trail_line", "with_evidence"]

_WHO = {"node-role": "the node's instance role", "static-keys": "an IAM user's access keys",
        "none": "no credentials at all"}


def _add(by: dict[LinkId, LinkResult], link: LinkId, evidence: Evidence, detail: tuple[str, Any] | None = None) -> None:
    target = by[link]
    details = dict(target.details)
    if detail is not None:
        key, value = detail
        details[key] = [*details.get(key, []), value]
    by[link] = replace(target, evidence=(*target.evidence, evidence), details=details)


def _home(by: dict[LinkId, LinkResult], *candidates: LinkId) -> LinkId:
    return next((link for link in candidates if link in by), next(iter(by)))


def _unread(error: SourceError) -> str:
    return f"not read: {error.one_line()}"


def _chain(by: dict[LinkId, LinkResult]) -> dict[str, str]:
    return {link.value: result.status.value for link, result in by.items()}


def _container_log(facts: Facts, by: dict[LinkId, LinkResult], log: ContainerLog, tail: int) -> None:
    home = _home(by, LinkId.INJECTION)
    key = f"app-log-{log.container}"
    label = f"log of container {log.container} (last {tail} lines; RBAC get pods/log)"
    if log.error is not None:
        _add(by, home, Evidence(key, label, None, _unread(log.error), None))
        return
    if not log.matches:
        _add(by, home, Evidence(key, label, None, f"no known credential error in {log.lines_read} lines", None))
        return
    result = explain("\n".join(m.line for m in log.matches))
    verdict = agreement(result, _chain(by))
    stamps = {m.code: m for m in log.matches}
    for match in result.matches:
        seen = stamps.get(match.shape.code)
        when = seen.timestamp if seen is not None and seen.timestamp else "time unknown"
        count = seen.count if seen is not None else match.count
        root = match is result.root
        link = LinkId(match.link) if match.link in {li.value for li in by} else home
        if root and verdict.link in {li.value for li in by}:
            link = LinkId(str(verdict.link))
        judgement = f"{verdict.verdict}: {verdict.message}" if root else f"{match.shape.code}: {match.meaning}"
        times = f" (x{count})" if count > 1 else ""
        _add(by, link, Evidence(f"{key}-{match.shape.code}", f"{label}, {when}{times}", judgement, match.line, False),
             ("app_log", {"container": log.container, "code": match.shape.code, "timestamp": seen.timestamp if seen
                          else None, "count": count, "line": match.line, "mechanism": match.mechanism,
                          "verdict": verdict.verdict if root else None}))
    injection = by.get(LinkId.INJECTION)
    if (result.mechanism in _WHO and verdict.verdict == "disagrees" and injection is not None
            and injection.status in (Status.PASS, Status.WARN) and result.root is not None):
        root_seen = stamps.get(result.root.shape.code)
        who = _WHO[result.mechanism]
        if result.principal is not None and result.mechanism != "none":
            who += f" {result.principal.arn}"
        args = {"container": log.container, "who": who, "code": result.root.shape.code,
                "when": root_seen.timestamp if root_seen and root_seen.timestamp else "time unknown",
                "line": result.root.line, "namespace": facts.namespace, "pod": facts.pod_name}
        details = {**injection.details, "live_overrules": {"source": "app-log", "static_status": injection.status.value,
                                                           "static_summary": injection.summary}}
        by[LinkId.INJECTION] = _common.from_findings(
            LinkId.INJECTION, (Finding("INJ-221", args), *injection.findings), injection.evidence, details)


def _logs(facts: Facts, by: dict[LinkId, LinkResult]) -> None:
    logs = facts.logs
    if isinstance(logs, SourceError):
        _add(by, _home(by, LinkId.INJECTION),
             Evidence("app-logs", "app logs (check --logs; RBAC get pods/log)", None, _unread(logs), None))
    elif isinstance(logs, LogFacts):
        for log in logs.containers:
            _container_log(facts, by, log, logs.tail_lines)


def pod_subject(facts: Facts) -> str | None:
    """The subject the pod's web-identity calls carry: the token's ``sub``, else its ServiceAccount's."""
    if isinstance(facts.token, TokenFacts) and isinstance(facts.token.claims.get("sub"), str):
        return str(facts.token.claims["sub"])
    if isinstance(facts.pod, PodFacts):
        return f"system:serviceaccount:{facts.namespace}:{facts.pod.sa_name}"
    return None


def _clock(when: datetime | None) -> str:
    return f"{when:%H:%M} UTC" if when is not None else "-"


def trail_line(row: TrailSubject) -> str:
    """"42 refused in the last hour for system:serviceaccount:payments:api, last at 10:04 UTC, AccessDenied"."""
    head = f"in the last hour for {row.subject}"
    if not row.refused:
        return f"{row.ok} succeeded {head}, last at {_clock(row.last_at)}"
    refused = f"{row.refused} refused {head}, last at {_clock(row.last_refused_at)}, {row.last_refused_error}"
    if not row.ok:
        return refused
    latest = "was refused" if row.last_error else "succeeded"
    return f"{refused}; {row.ok} succeeded; the latest ({_clock(row.last_at)}) {latest}"


def _cloudtrail(facts: Facts, by: dict[LinkId, LinkResult]) -> None:
    trail = facts.cloudtrail
    if trail is None:
        return
    home = _home(by, LinkId.STS, LinkId.EKS_AUTH)
    if isinstance(trail, SourceError):
        _add(by, home, Evidence("cloudtrail", "CloudTrail, last hour (check --cloudtrail; cloudtrail:LookupEvents)",
                                None, _unread(trail), None))
        return
    assert isinstance(trail, CloudTrailFacts)
    subject = pod_subject(facts)
    mine = next((row for row in trail.subjects if row.subject == subject), None)
    role = trail.role_arn.rsplit("/", 1)[-1]
    label = f"CloudTrail {trail.event} for role {role}, last hour (events arrive ~5 min late)"
    more = " (more events than irsa-tui reads: counts are lower bounds)" if trail.truncated else ""
    own = f"; irsa-tui's own probes not counted: {trail.own_probes}" if trail.own_probes else ""
    if mine is None:
        actual = f"no call for {subject or 'the pod'}{more}{own}"
        ok: bool | None = None
    else:
        actual = trail_line(mine) + more + own
        ok = mine.last_error is None
    expected = f"calls for {subject} succeed" if subject else None
    detail = {"event": trail.event, "role_arn": trail.role_arn, "since": trail.since.isoformat(),
              "subjects": [{"subject": r.subject, "ok": r.ok, "refused": r.refused,
                            "last_at": r.last_at.isoformat() if r.last_at else None, "last_error": r.last_error}
                           for r in trail.subjects], "truncated": trail.truncated, "own_probes": trail.own_probes}
    _add(by, home, Evidence("cloudtrail", label, expected, actual, ok), ("cloudtrail", detail))
    others = [row for row in trail.subjects if row.subject != subject]
    if others:
        _add(by, home, Evidence("cloudtrail-others", f"CloudTrail {trail.event} for role {role}: other subjects",
                                None, " | ".join(trail_line(r) for r in others[:5]), None))
    target = by[home]
    if home is LinkId.STS and mine is not None and mine.last_error and mine.refused \
            and target.status in (Status.PASS, Status.SKIP):
        args = {"refused": str(mine.refused), "subject": mine.subject, "last": _clock(mine.last_refused_at),
                "error": mine.last_refused_error or "-", "static_status": target.status.value,
                "since": trail.since.strftime("%Y-%m-%dT%H:%M:%SZ")}
        by[home] = _common.from_findings(home, (Finding("STS-104", args), *target.findings), target.evidence,
                                         target.details)


def apply(facts: Facts, by: dict[LinkId, LinkResult]) -> None:
    """Add the log and CloudTrail evidence to ``by`` (link id -> result, in chain order), in place."""
    if not by:
        return
    _logs(facts, by)
    _cloudtrail(facts, by)


def with_evidence(facts: Facts, links: tuple[LinkResult, ...]) -> tuple[LinkResult, ...]:
    """``links`` with the log and CloudTrail evidence (for mechanisms without IRSA's reconcile)."""
    by = {link.id: link for link in links}
    apply(facts, by)
    return tuple(by[link.id] for link in links)
