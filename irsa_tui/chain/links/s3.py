"""Link ``s3``: the assumed-role credentials reach S3, and if not, which policy says no.

S3's AccessDenied message names the kind of policy that denied the call (identity-based,
resource-based, SCP, permissions boundary, session policy); ``classify_denial`` reads it.
For identity-policy denials the role's own policies are inspected for the classic mistake:
``s3:ListBucket`` granted on ``arn:aws:s3:::B/*`` (objects) instead of ``arn:aws:s3:::B``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from typing import Any, Literal

from irsa_tui.chain import arn
from irsa_tui.chain.facts import Facts, PodFacts, RoleFacts, S3Facts, SourceError, StsFacts
from irsa_tui.chain.links import _common
from irsa_tui.chain.model import Evidence, Finding, LinkId, LinkResult, Status

__all__ = ["LINK", "NEEDS", "Denial", "action_allowed", "check", "classify_denial"]

LINK = LinkId.S3
NEEDS: tuple[str, ...] = ("s3", "sts", "role")

Denial = Literal["identity", "resource", "scp", "boundary", "session", "unknown"]

# First match wins. Patterns are lower-case substrings of S3/IAM's AccessDenied messages.
_DENIAL_PATTERNS: tuple[tuple[str, Denial], ...] = (
    ("service control policy", "scp"),
    ("resource control policy", "scp"),
    ("permissions boundary", "boundary"),
    ("session policy", "session"),
    ("resource-based policy", "resource"),
    ("identity-based policy", "identity"),
)

_OPERATION_ACTION = {
    "ListObjectsV2": "s3:ListBucket",
    "ListObjects": "s3:ListBucket",
    "HeadBucket": "s3:ListBucket",
    "ListBuckets": "s3:ListAllMyBuckets",
    "GetObject": "s3:GetObject",
    "HeadObject": "s3:GetObject",
    "PutObject": "s3:PutObject",
}
_ORIGIN = {"flag": "--bucket", "role-policy": "the role's policies", "list-buckets": "ListBuckets"}
_TRANSIENT = frozenset(
    {
        "SlowDown",
        "Throttling",
        "ThrottlingException",
        "RequestLimitExceeded",
        "ServiceUnavailable",
        "InternalError",
    }
)
_WRONG_REGION = frozenset(
    {"PermanentRedirect", "AuthorizationHeaderMalformed", "IllegalLocationConstraintException"}
)


def classify_denial(message: str) -> Denial:
    """Which kind of policy an S3 AccessDenied message blames (pure, table-driven)."""
    text = (message or "").lower()
    for needle, kind in _DENIAL_PATTERNS:
        if needle in text:
            return kind
    return "unknown"


def _as_list(value: Any) -> list[Any]:
    if isinstance(value, list):
        return value
    return [] if value is None else [value]


def _wildcard(pattern: str, value: str, ignore_case: bool) -> bool:
    """IAM wildcard match: ``*`` any run, ``?`` one character, nothing else special."""
    regex = "".join(".*" if ch == "*" else "." if ch == "?" else re.escape(ch) for ch in pattern)
    return re.fullmatch(regex, value, re.IGNORECASE | re.DOTALL if ignore_case else re.DOTALL) is not None


def _statements(policies: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    out = []
    for policy in policies:
        if isinstance(policy, Mapping):
            out += [s for s in _as_list(policy.get("Statement")) if isinstance(s, Mapping)]
    return out


def _covers(stmt: Mapping[str, Any], key: str, value: str, ignore_case: bool) -> bool:
    if key in stmt:
        return any(isinstance(p, str) and _wildcard(p, value, ignore_case) for p in _as_list(stmt[key]))
    negated = "Not" + key
    if negated in stmt:
        return not any(
            isinstance(p, str) and _wildcard(p, value, ignore_case) for p in _as_list(stmt[negated])
        )
    return False


def action_allowed(policies: Iterable[Mapping[str, Any]], action: str, resource: str) -> bool:
    """Some Allow statement covers action on resource (conditions are not evaluated)."""
    return any(
        s.get("Effect") == "Allow"
        and _covers(s, "Action", action, True)
        and _covers(s, "Resource", resource, False)
        for s in _statements(policies)
    )


def _granted_on_objects(policies: Iterable[Mapping[str, Any]], action: str, bucket_arn: str) -> str | None:
    """The object-ARN resource an Allow of ``action`` names instead of the bucket ARN, if any."""
    for s in _statements(policies):
        if s.get("Effect") != "Allow" or not _covers(s, "Action", action, True):
            continue
        for res in _as_list(s.get("Resource")):
            if isinstance(res, str) and res.startswith(bucket_arn + "/"):
                return res
    return None


def _role(facts: Facts) -> tuple[str, str, str]:
    """(role name, role ARN, partition)."""
    if isinstance(facts.role, RoleFacts):
        parsed = arn.parse_role_arn(facts.role.arn)
        partition = parsed.partition if isinstance(parsed, arn.RoleArn) else "aws"
        return facts.role.name, facts.role.arn, partition
    value, _ = _common.effective_role_arn(facts)
    if value:
        parsed = arn.parse_role_arn(value)
        if isinstance(parsed, arn.RoleArn):
            return parsed.name, str(parsed), parsed.partition
    return "<role-name>", "<role-arn>", "aws"


def _region_hint(message: str) -> tuple[str | None, str | None]:
    """AuthorizationHeaderMalformed: "the region 'us-east-1' is wrong; expecting 'eu-west-1'"."""
    used = re.search(r"the region '([a-z0-9-]+)' is wrong", message)
    expected = re.search(r"expecting '([a-z0-9-]+)'", message)
    return (expected.group(1) if expected else None), (used.group(1) if used else None)


def _skip_reason(facts: Facts, prior: Mapping[LinkId, LinkResult]) -> str:
    if not facts.live:
        return facts.gaps.get("s3", "live probes off (--no-live)")
    sts_prior = prior.get(LinkId.STS)
    sts_failed = (isinstance(facts.sts, StsFacts) and not facts.sts.ok) or isinstance(facts.sts, SourceError)
    if sts_failed or (sts_prior is not None and sts_prior.status in (Status.FAIL, Status.ERROR)):
        return "no credentials: sts failed"
    return facts.gaps.get("s3") or facts.gaps.get("sts") or "S3 not probed"


def _denied(facts: Facts, s3: S3Facts, args: dict[str, str], evidence: list[Evidence]) -> list[Finding]:
    message = s3.error_message or ""
    kind = classify_denial(message)
    evidence.append(Evidence("denied-by", "policy kind named by S3", None, kind, None))
    if kind == "scp":
        return [Finding("S3-205", args)]
    if kind == "resource":
        return [Finding("S3-204", args)]
    if kind == "session":
        return [Finding("S3-207", args)]
    if kind == "boundary":
        boundary = facts.role.permissions_boundary if isinstance(facts.role, RoleFacts) else None
        return [Finding("S3-206", {**args, "boundary": boundary or "(unknown)"})]
    if kind == "identity" and "explicit deny" in message.lower():
        return [Finding("S3-203", args)]
    # identity (no Allow) or unknown: read the role's own policies.
    policies = facts.role.policies if isinstance(facts.role, RoleFacts) else None
    if not isinstance(policies, tuple):
        if kind == "identity":
            return [Finding("S3-202", _patch_args(args, args["resource"]))]
        return [Finding("S3-208", args)]
    allowed = action_allowed(policies, args["action"], args["resource"])
    evidence.append(
        Evidence(
            "identity-policy-allows",
            f"role policies allow {args['action']} on {args['resource']}",
            "an Allow statement",
            "yes" if allowed else "none",
            allowed,
        )
    )
    if allowed:
        return [Finding("S3-208" if kind == "unknown" else "S3-202", _patch_args(args, args["resource"]))]
    bucket_arn = args["bucket_arn"]
    if args["action"] == "s3:ListBucket" and s3.bucket:
        on_objects = _granted_on_objects(policies, "s3:ListBucket", bucket_arn)
        if on_objects:
            evidence.append(
                Evidence("list-bucket-resource", "s3:ListBucket resource", bucket_arn, on_objects, False)
            )
            return [Finding("S3-201", {**_patch_args(args, bucket_arn), "object_arn": on_objects})]
    return [Finding("S3-202", _patch_args(args, args["resource"]))]


def _patch_args(args: dict[str, str], resource: str) -> dict[str, str]:
    statement = {"Effect": "Allow", "Action": args["action"], "Resource": resource}
    document = {"Version": "2012-10-17", "Statement": [statement]}
    short = args["action"].split(":", 1)[-1].lower()
    bucket = args.get("bucket", "")
    if short == "listbucket":
        short = "list"
    name = f"s3-{short}-{bucket}" if bucket else f"s3-{short}"
    return {
        **args,
        "statement": json.dumps(statement),
        "document": json.dumps(document, separators=(",", ":")),
        "policy_name": name,
    }


def check(facts: Facts, prior: Mapping[LinkId, LinkResult]) -> LinkResult:
    s3 = facts.s3
    if s3 is None:
        return _common.skipped(LINK, _skip_reason(facts, prior))
    if isinstance(s3, SourceError):
        return _common.errored(LINK, s3)

    role_name, role_arn, partition = _role(facts)
    target = f"s3://{s3.bucket}" if s3.bucket else "the account"
    bucket_arn = f"arn:{partition}:s3:::{s3.bucket}" if s3.bucket else "*"
    action = _OPERATION_ACTION.get(s3.operation, "s3:ListBucket")
    resource = bucket_arn if action == "s3:ListBucket" else (f"{bucket_arn}/*" if s3.bucket else "*")
    message = s3.error_message or ""
    named = re.search(r"perform: (s3:[A-Za-z0-9]+)", message)
    if named:
        action = named.group(1)
    named_res = re.search(r'on resource: "?(arn:[^"\s]+)', message)
    if named_res:
        resource = named_res.group(1)
    account = role_arn.split(":")[4] if role_arn.count(":") >= 5 else "<account-id>"
    args = {
        "operation": s3.operation,
        "target": target,
        "bucket": s3.bucket or "<bucket>",
        "bucket_arn": bucket_arn,
        "action": action,
        "resource": resource,
        "role": role_name,
        "role_arn": role_arn,
        "account": account,
        "namespace": facts.namespace,
        "pod": facts.pod.name if isinstance(facts.pod, PodFacts) else facts.pod_name,
        "origin": _ORIGIN.get(s3.bucket_origin, str(s3.bucket_origin)),
        "error_code": s3.error_code or "UnknownError",
        "error_message": message or "(no message)",
    }
    evidence = [Evidence("s3-bucket", f"bucket probed (from {args['origin']})", None, target, None)]
    if s3.simulation:
        for sim_action, decision in sorted(s3.simulation.items()):
            evidence.append(
                Evidence(
                    f"simulation/{sim_action}",
                    f"iam:SimulatePrincipalPolicy {sim_action}",
                    "allowed",
                    decision,
                    decision == "allowed",
                )
            )
    details: dict[str, Any] = {
        "bucket": s3.bucket,
        "bucket_origin": s3.bucket_origin,
        "operation": s3.operation,
        "action": action,
        "simulation": dict(s3.simulation) if s3.simulation else None,
    }

    if s3.ok:
        noun = "objects" if s3.bucket else "buckets"
        seen = f"{s3.objects_seen} {noun} seen" if s3.objects_seen is not None else "call succeeded"
        evidence.append(Evidence("s3-call", f"{s3.operation} on {target}", "success", seen, True))
        return _common.from_findings(LINK, [Finding("S3-001", {**args, "seen": seen})], evidence, details)

    code = s3.error_code or ""
    evidence.append(
        Evidence(
            "s3-call",
            f"{s3.operation} on {target}",
            "success",
            f"{args['error_code']}: {args['error_message']}",
            False,
        )
    )
    if code in _TRANSIENT or (s3.http_status is not None and s3.http_status >= 500):
        kind: Literal["throttled", "server-error"] = (
            "throttled" if code != "InternalError" else "server-error"
        )
        if s3.http_status is not None and s3.http_status >= 500 and code not in _TRANSIENT:
            kind = "server-error"
        return _common.errored(
            LINK,
            SourceError("s3", kind, f"{s3.operation} on {target}: {code}: {message}", code=code),
            evidence,
        )
    details["error_code"] = code
    if code in ("AccessDenied", "AccessDeniedException") or (not code and s3.http_status == 403):
        details["denied_by"] = classify_denial(message)
        if s3.bucket is None:
            return _common.from_findings(LINK, [Finding("S3-101", args)], evidence, details)
        findings = _denied(facts, s3, args, evidence)
        return _common.from_findings(LINK, findings, evidence, details)
    if code == "NoSuchBucket":
        return _common.from_findings(LINK, [Finding("S3-209", args)], evidence, details)
    if code in _WRONG_REGION or s3.http_status == 301:
        hinted_bucket, hinted_client = _region_hint(message)
        bucket_region = hinted_bucket or s3.bucket_region or "<bucket-region>"
        client_region = hinted_client or facts.region or "<client-region>"
        evidence.append(Evidence("bucket-region", "bucket region", client_region, bucket_region, False))
        region_args = {**args, "bucket_region": bucket_region, "client_region": client_region}
        return _common.from_findings(LINK, [Finding("S3-210", region_args)], evidence, details)
    return _common.from_findings(LINK, [Finding("S3-211", args)], evidence, details)
