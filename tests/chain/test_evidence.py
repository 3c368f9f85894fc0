"""What the app and AWS saw (chain/evidence.py, applied by reconcile): log lines and CloudTrail events as
evidence on the link they implicate, overruling a static guess where they must, never breaking a chain."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from irsa_tui.chain.facts import (
    CloudTrailFacts,
    ContainerLog,
    Facts,
    LogFacts,
    LogMatch,
    SourceError,
    TrailSubject,
)
from irsa_tui.chain.model import LinkId, Status
from irsa_tui.chain.walk import judge
from irsa_tui.steps import log_matches, split_timestamps
from tests.chain.builders import ACCOUNT, BUCKET, NOW, ROLE_ARN, healthy_facts

NODE_ROLE_LINE = (
    "botocore.exceptions.ClientError: An error occurred (AccessDenied) when calling the ListObjectsV2 operation: "
    f"User: arn:aws:sts::{ACCOUNT}:assumed-role/eks-node-group-role/i-0abc12345def67890 is not authorized to "
    f'perform: s3:ListBucket on resource: "arn:aws:s3:::{BUCKET}" because no identity-based policy allows the '
    "s3:ListBucket action"
)
TRUST_LINE = ("botocore.exceptions.ClientError: An error occurred (AccessDenied) when calling the "
              "AssumeRoleWithWebIdentity operation: Not authorized to perform sts:AssumeRoleWithWebIdentity")
SUBJECT = "system:serviceaccount:payments:api"


def _logs(*lines: str) -> LogFacts:
    text = "".join(f"2026-11-23T09:5{n}:00.000000001Z {line}\n" for n, line in enumerate(("INFO start", *lines)))
    read, matches = log_matches(text)
    return LogFacts(tail_lines=200, containers=(ContainerLog("app", lines_read=read, matches=matches),))


def _links(facts: Facts) -> dict[LinkId, object]:
    return {link.id: link for link in judge(facts)}


def test_timestamps_are_split_from_the_lines() -> None:
    texts, stamps = split_timestamps("2026-11-23T09:50:00.123456789Z hello\nno stamp here\n")
    assert texts == ["hello", "no stamp here"]
    assert stamps == ["2026-11-23T09:50:00Z", None]


def test_only_matched_lines_are_kept() -> None:
    logs = _logs("INFO GET /health 200", "password=hunter2 in a config dump", NODE_ROLE_LINE)
    (container,) = logs.containers
    assert container.lines_read == 4
    assert [m.code for m in container.matches] == ["ERR-022"]
    assert container.matches[0].timestamp == "2026-11-23T09:53:00Z"
    assert "hunter2" not in repr(logs)


def test_node_role_in_the_log_overrules_a_passing_injection() -> None:
    links = judge(replace(healthy_facts(), logs=_logs(NODE_ROLE_LINE)))
    by = {link.id: link for link in links}
    injection = by[LinkId.INJECTION]
    assert injection.status is Status.FAIL
    assert injection.findings[0].code == "INJ-221"
    assert "eks-node-group-role" in injection.summary
    assert injection.details["live_overrules"]["source"] == "app-log"
    evidence = [e for e in injection.evidence if e.key.startswith("app-log-app")]
    assert evidence and evidence[0].ok is False and evidence[0].expected.startswith("disagrees")
    assert "2026-11-23T09:51:00Z" in evidence[0].label


def test_a_log_that_agrees_with_a_failing_link_changes_nothing_but_adds_evidence() -> None:
    facts = replace(healthy_facts(), logs=_logs(TRUST_LINE))
    plain = {link.id: link for link in judge(replace(facts, logs=None))}
    by = {link.id: link for link in judge(facts)}
    assert {k: v.status for k, v in by.items()} == {k: v.status for k, v in plain.items()}
    trust = by[LinkId.TRUST_POLICY]
    (ev,) = [e for e in trust.evidence if e.key.startswith("app-log-app")]
    assert ev.expected is not None and ev.expected.startswith("disagrees")  # the chain passes trust-policy
    assert trust.details["app_log"][0]["code"] == "ERR-001"


@pytest.mark.parametrize("error", [
    SourceError("kubernetes", "forbidden", "GET pod payments/api log: 403 Forbidden", permission="get pods/log"),
    SourceError("kubernetes", "timeout", "GET pod payments/api log: timed out"),
])
def test_an_unreadable_log_is_named_evidence_never_a_broken_link(error: SourceError) -> None:
    plain = {link.id: link.status for link in judge(healthy_facts())}
    for logs in (error, LogFacts(200, (ContainerLog("app", error=error),))):
        by = {link.id: link for link in judge(replace(healthy_facts(), logs=logs))}
        assert {k: v.status for k, v in by.items()} == plain
        (ev,) = [e for e in by[LinkId.INJECTION].evidence if e.key.startswith("app-log")]
        assert ev.actual is not None and ev.actual.startswith("not read:") and ev.ok is None
        if error.permission:
            assert "get pods/log" in ev.actual


def _trail(*rows: TrailSubject, truncated: bool = False, own: int = 0) -> CloudTrailFacts:
    return CloudTrailFacts("AssumeRoleWithWebIdentity", ROLE_ARN, NOW - timedelta(hours=1), NOW,
                           events_read=sum(r.ok + r.refused for r in rows), truncated=truncated, subjects=rows,
                           own_probes=own)


REFUSED = TrailSubject(SUBJECT, ok=0, refused=42, last_at=NOW - timedelta(minutes=4), last_error="AccessDenied",
                       last_refused_at=NOW - timedelta(minutes=4), last_refused_error="AccessDenied")


def test_cloudtrail_refusals_of_the_pod_warn_a_passing_sts() -> None:
    by = {link.id: link for link in judge(replace(healthy_facts(), cloudtrail=_trail(REFUSED)))}
    sts = by[LinkId.STS]
    assert sts.status is Status.WARN and sts.findings[0].code == "STS-104"
    (ev,) = [e for e in sts.evidence if e.key == "cloudtrail"]
    assert ev.ok is False
    assert ev.actual == f"42 refused in the last hour for {SUBJECT}, last at 09:56 UTC, AccessDenied"


def test_cloudtrail_successes_and_other_subjects() -> None:
    mine = TrailSubject(SUBJECT, ok=7, refused=2, last_at=NOW - timedelta(minutes=1), last_error=None,
                        last_refused_at=NOW - timedelta(minutes=30), last_refused_error="AccessDenied")
    other = replace(REFUSED, subject="system:serviceaccount:payments:batch", refused=3)
    by = {link.id: link for link in judge(replace(healthy_facts(), cloudtrail=_trail(mine, other, truncated=True,
                                                                                      own=2)))}
    sts = by[LinkId.STS]
    assert sts.status is Status.PASS  # the latest call succeeded
    evidence = {e.key: e for e in sts.evidence}
    assert evidence["cloudtrail"].ok is True
    assert "the latest (09:59 UTC) succeeded" in str(evidence["cloudtrail"].actual)
    assert "lower bounds" in str(evidence["cloudtrail"].actual) and "own probes not counted: 2" in str(
        evidence["cloudtrail"].actual)
    assert "payments:batch" in str(evidence["cloudtrail-others"].actual)
    assert sts.details["cloudtrail"][0]["subjects"][0]["subject"] == SUBJECT


def test_cloudtrail_forbidden_is_a_named_skip_on_sts() -> None:
    error = SourceError("cloudtrail", "forbidden", "cloudtrail LookupEvents: AccessDeniedException",
                        permission="cloudtrail:LookupEvents")
    by = {link.id: link for link in judge(replace(healthy_facts(), cloudtrail=error))}
    assert by[LinkId.STS].status is Status.PASS
    (ev,) = [e for e in by[LinkId.STS].evidence if e.key == "cloudtrail"]
    assert ev.ok is None and "cloudtrail:LookupEvents" in str(ev.actual)


def test_no_evidence_asked_changes_nothing() -> None:
    by = {link.id: link for link in judge(healthy_facts())}
    assert not any(e.key.startswith(("app-log", "cloudtrail")) for link in by.values() for e in link.evidence)


def test_a_log_match_keeps_no_more_than_the_line() -> None:
    match = LogMatch("ERR-001", TRUST_LINE, "2026-11-23T09:50:00Z")
    assert set(vars(match)) == {"code", "line", "timestamp", "count"}
