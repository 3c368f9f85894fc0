"""The lab's CloudTrail LookupEvents (lab/trail.py): newest first, one filter, a window, stable pages."""

from __future__ import annotations

import datetime as dt
import json

from irsa_tui.lab.trail import Trail

ROLE = "arn:aws:iam::123456789012:role/payments-api"
NOW = dt.datetime(2026, 12, 1, 10, 0, tzinfo=dt.UTC)


def trail_of(n: int) -> Trail:
    trail = Trail()
    for i in range(n):
        trail.record("AssumeRoleWithWebIdentity", role_arn=ROLE, subject="system:serviceaccount:payments:api",
                     session=f"botocore-session-{i}", error_code="AccessDenied" if i % 2 else None,
                     when=NOW - dt.timedelta(minutes=i), account="123456789012")
    return trail


def by_name(name: str) -> list[dict[str, str]]:
    return [{"AttributeKey": "EventName", "AttributeValue": name}]


def test_pages_stay_stable_while_newer_events_arrive() -> None:
    trail = trail_of(60)
    status, first = trail.lookup({"LookupAttributes": by_name("AssumeRoleWithWebIdentity")})
    assert status == 200 and len(first["Events"]) == 50 and first["NextToken"]
    trail.record("AssumeRoleWithWebIdentity", role_arn=ROLE, subject="s", session="new", when=NOW)
    _, second = trail.lookup({"LookupAttributes": by_name("AssumeRoleWithWebIdentity"), "NextToken": first["NextToken"]})
    ids = [e["EventId"] for e in first["Events"] + second["Events"]]
    assert len(ids) == len(set(ids)) == 60 and "NextToken" not in second
    times = [e["EventTime"] for e in first["Events"]]
    assert times == sorted(times, reverse=True)


def test_window_filter_and_what_an_event_holds() -> None:
    trail = trail_of(10)
    start = (NOW - dt.timedelta(minutes=4, seconds=30)).timestamp()
    _, answer = trail.lookup({"StartTime": start, "EndTime": NOW.timestamp(), "MaxResults": 3})
    assert len(answer["Events"]) == 3 and answer["NextToken"]
    _, none = trail.lookup({"LookupAttributes": by_name("AssumeRoleForPodIdentity")})
    assert none["Events"] == []
    doc = json.loads(answer["Events"][1]["CloudTrailEvent"])
    assert doc["userIdentity"]["userName"] == "system:serviceaccount:payments:api"
    assert doc["requestParameters"]["roleArn"] == ROLE and doc["errorCode"] == "AccessDenied"
    assert trail.lookup({"LookupAttributes": by_name("a") * 2})[0] == 400
    assert trail.lookup({"NextToken": "not-a-token"})[0] == 400
