"""CloudTrail web-identity events counted by subject (chain/trail.py)."""

from __future__ import annotations

from datetime import timedelta

from irsa_tui.chain.trail import TrailEvent, parse_event, summarise
from tests.chain.builders import ACCOUNT, NOW, PROVIDER_ARN, ROLE_ARN

SUBJECT = "system:serviceaccount:payments:api"
EVENT = "AssumeRoleWithWebIdentity"


def ev(minutes: float, error: str | None = None, subject: str = SUBJECT, role: str = ROLE_ARN,
       session: str = "botocore-session-1", name: str = EVENT) -> TrailEvent:
    return TrailEvent(name, NOW - timedelta(minutes=minutes), role, subject, session, error)


def test_parse_a_real_web_identity_event() -> None:
    doc = {
        "userIdentity": {"type": "WebIdentityUser", "principalId": f"{PROVIDER_ARN}:sts.amazonaws.com:{SUBJECT}",
                         "userName": SUBJECT, "identityProvider": PROVIDER_ARN},
        "eventName": EVENT,
        "requestParameters": {"roleArn": ROLE_ARN, "roleSessionName": "botocore-session-1", "durationSeconds": 3600},
        "errorCode": "AccessDenied",
        "errorMessage": "An unknown error occurred",
        "responseElements": None,
    }
    event = parse_event(EVENT, NOW, doc)
    assert (event.role_arn, event.subject, event.session, event.error_code) == (
        ROLE_ARN, SUBJECT, "botocore-session-1", "AccessDenied")


def test_parse_a_pod_identity_event_names_the_role_from_its_answer() -> None:
    doc = {"eventName": "AssumeRoleForPodIdentity", "requestParameters": {"clusterName": "prod"},
           "responseElements": {"assumedRoleUser": {
               "arn": f"arn:aws:sts::{ACCOUNT}:assumed-role/payments-api/eks-prod-api-7d9f8c6b5-5f1c"}},
           "userIdentity": {"type": "AWSService"}}
    event = parse_event("AssumeRoleForPodIdentity", NOW, doc)
    assert event.role_arn == ROLE_ARN and event.error_code is None


def test_parse_tolerates_junk() -> None:
    event = parse_event(EVENT, NOW, {"requestParameters": "x", "userIdentity": 3, "errorCode": 5})
    assert (event.role_arn, event.subject, event.error_code) == (None, None, None)


def test_counts_by_subject_newest_first_and_own_probes_apart() -> None:
    events = [ev(50), ev(30, "AccessDenied"), ev(4, "AccessDenied"), ev(20, subject="system:serviceaccount:x:y"),
              ev(2, session="irsa-tui-1764630000"), ev(3, role=f"arn:aws:iam::{ACCOUNT}:role/other"),
              ev(90, "AccessDenied"), ev(5, name="AssumeRole")]
    trail = summarise(events, EVENT, ROLE_ARN, NOW - timedelta(hours=1), NOW)
    assert trail.events_read == len(events) and trail.own_probes == 1
    mine, other = trail.subjects
    assert (mine.subject, mine.ok, mine.refused, mine.last_error) == (SUBJECT, 1, 2, "AccessDenied")
    assert mine.last_refused_at == NOW - timedelta(minutes=4)
    assert (other.subject, other.ok, other.refused) == ("system:serviceaccount:x:y", 1, 0)


def test_a_success_after_refusals_is_the_latest() -> None:
    trail = summarise([ev(10, "AccessDenied"), ev(1)], EVENT, ROLE_ARN, NOW - timedelta(hours=1), NOW)
    (row,) = trail.subjects
    assert row.last_error is None and row.last_refused_error == "AccessDenied" and row.refused == 1
