"""The lab's CloudTrail: what the front's STS and EKS Auth judges decided, plus scenario-seeded history,
answered to ``cloudtrail:LookupEvents`` over the real wire (JSON protocol, as boto3 sends it).

moto's CloudTrail manages trails but knows nothing of the decisions the front makes (STS's web
identity and EKS Auth are judged here, not in moto), so the front serves LookupEvents itself.
Events carry the fields real CloudTrail puts in them (userIdentity, requestParameters, errorCode,
responseElements); credentials are never recorded.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import threading
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Trail", "seed_events"]

_SOURCES = {"AssumeRoleWithWebIdentity": "sts.amazonaws.com", "AssumeRoleForPodIdentity": "eks-auth.amazonaws.com"}
MAX_RESULTS = 50


@dataclass
class Trail:
    events: list[dict[str, Any]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, name: str, *, role_arn: str | None, subject: str | None, session: str | None,
               error_code: str | None = None, error_message: str | None = None, provider: str | None = None,
               when: dt.datetime | None = None, region: str = "eu-west-1", account: str = "") -> None:
        """One decision as CloudTrail writes it (never the token or the credentials)."""
        when = when or dt.datetime.now(dt.UTC)
        identity: dict[str, Any]
        if name == "AssumeRoleWithWebIdentity":
            identity = {"type": "WebIdentityUser", "principalId": f"{provider}:sts.amazonaws.com:{subject}",
                        "userName": subject, "identityProvider": provider}
            params: dict[str, Any] = {"roleArn": role_arn, "roleSessionName": session, "durationSeconds": 3600}
        else:
            identity = {"type": "AWSService", "invokedBy": "pods.eks.amazonaws.com"}
            params = {"clusterName": session, "serviceAccount": subject}
        doc: dict[str, Any] = {
            "eventVersion": "1.08",
            "userIdentity": identity,
            "eventTime": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "eventSource": _SOURCES.get(name, "sts.amazonaws.com"),
            "eventName": name,
            "awsRegion": region,
            "sourceIPAddress": "10.0.12.34",
            "userAgent": "Boto3/1.35.0 md/Botocore#1.35.0",
            "requestParameters": params,
            "responseElements": None,
            "eventID": str(uuid.uuid4()),
            "readOnly": False,
            "eventType": "AwsApiCall",
            "recipientAccountId": account,
        }
        if error_code:
            doc["errorCode"] = error_code
            doc["errorMessage"] = error_message or "An unknown error occurred"
        elif role_arn:
            head, name_part = role_arn.split(":role/", 1) if ":role/" in role_arn else (role_arn, "role")
            doc["responseElements"] = {"assumedRoleUser": {
                "arn": head.replace(":iam:", ":sts:") + f":assumed-role/{name_part.rsplit('/', 1)[-1]}/{session}"},
                "subjectFromWebIdentityToken": subject}
        with self.lock:
            self.events.append(doc)

    def lookup(self, request: Mapping[str, Any]) -> tuple[int, dict[str, Any]]:
        """The LookupEvents answer: newest first, one attribute filter, time window, NextToken paging."""
        attrs = request.get("LookupAttributes") or []
        if len(attrs) > 1:
            return 400, {"__type": "InvalidLookupAttributesException",
                         "message": "You cannot specify more than one lookup attribute."}
        start = _epoch(request.get("StartTime"), 0.0)
        end = _epoch(request.get("EndTime"), 4102444800.0)
        limit = max(1, min(int(request.get("MaxResults") or MAX_RESULTS), MAX_RESULTS))
        with self.lock:
            events = list(self.events)
        picked = []
        for doc in events:
            when = dt.datetime.strptime(doc["eventTime"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC).timestamp()
            if not start <= when <= end:
                continue
            if attrs and not _matches(doc, attrs[0]):
                continue
            picked.append((when, doc))
        picked.sort(key=lambda item: (item[0], item[1]["eventID"]), reverse=True)
        token = request.get("NextToken")
        if token:  # the position after the last event returned: stable while newer events arrive
            try:
                last_when, last_id = json.loads(base64.urlsafe_b64decode(str(token).encode()))
            except (ValueError, TypeError):
                return 400, {"__type": "InvalidNextTokenException", "message": "Invalid NextToken."}
            picked = [item for item in picked if (item[0], item[1]["eventID"]) < (last_when, last_id)]
        page = picked[:limit]
        answer: dict[str, Any] = {"Events": [{
            "EventId": doc["eventID"], "EventName": doc["eventName"], "ReadOnly": "false",
            "EventTime": when, "EventSource": doc["eventSource"],
            "Username": (doc.get("userIdentity") or {}).get("userName") or "",
            "Resources": [{"ResourceType": "AWS::IAM::Role", "ResourceName": doc["requestParameters"].get("roleArn")}]
            if (doc.get("requestParameters") or {}).get("roleArn") else [],
            "CloudTrailEvent": json.dumps(doc),
        } for when, doc in page]}
        if limit < len(picked):
            last_when, last_doc = page[-1]
            answer["NextToken"] = base64.urlsafe_b64encode(json.dumps([last_when, last_doc["eventID"]]).encode()).decode()
        return 200, answer


def _epoch(value: Any, default: float) -> float:
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        try:
            return dt.datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
        except ValueError:
            return default
    return default


def _matches(doc: Mapping[str, Any], attr: Mapping[str, Any]) -> bool:
    key, value = attr.get("AttributeKey"), attr.get("AttributeValue")
    if key == "EventName":
        return bool(doc.get("eventName") == value)
    if key == "EventSource":
        return bool(doc.get("eventSource") == value)
    if key == "Username":
        return bool((doc.get("userIdentity") or {}).get("userName") == value)
    if key == "ResourceName":
        return bool((doc.get("requestParameters") or {}).get("roleArn") == value)
    return False


def seed_events(trail: Trail, history: Any, names: Mapping[str, str], account: str, region: str) -> None:
    """A scenario's ``cloudtrail:`` history: ``[{count, error, subject, minutes_ago, event, session}]``,
    the calls its pod made before the lab started (spread one a minute back from ``minutes_ago``)."""
    now = dt.datetime.now(dt.UTC)
    for item in history or []:
        count = int(item.get("count", 1))
        for n in range(count):
            minutes = float(item.get("minutes_ago", 5)) + n * float(item.get("every_minutes", 0.5))
            trail.record(
                str(item.get("event") or "AssumeRoleWithWebIdentity"),
                role_arn=str(item.get("role_arn") or names["ROLE_ARN"]),
                subject=str(item.get("subject") or f"system:serviceaccount:{names['NAMESPACE']}:{names['SA']}"),
                session=str(item.get("session") or f"botocore-session-{int(now.timestamp()) - int(minutes * 60)}"),
                error_code=item.get("error"),
                error_message=item.get("message"),
                provider=names["PROVIDER_ARN"],
                when=now - dt.timedelta(minutes=minutes),
                region=region,
                account=account,
            )
