"""Link ``s3``: the assumed-role credentials reach S3, and if not, which policy says no.

S3's AccessDenied message names the kind of policy that denied the call (identity-based,
resource-based, SCP, permissions boundary, session policy); ``classify_denial`` reads it.
For identity-policy denials the role's own policies are inspected for the classic mistake:
``s3:ListBucket`` granted on ``arn:aws:s3:::B/*`` (objects) instead of ``arn:aws:s3:::B``.
"""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Iterable, Mapping
from typing import Any, Literal

from irsa_tui.chain import arn
from irsa_tui.chain.facts import Facts, PodFacts, RoleFacts, S3Facts, S3ObjectFacts, SourceError, StsFacts
from irsa_tui.chain.links import _common
from irsa_tui.chain.model import Evidence, Finding, LinkId, LinkResult, Status
from irsa_tui.chain.spec import LinkSpec

__all__ = ["LINK", "NEEDS", "SPEC", "Denial", "action_allowed", "check", "classify_denial", "object_key_problem"]

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
        return facts.gaps.get("s3", "live probes off")
    sts_prior = prior.get(LinkId.STS)
    sts_failed = (isinstance(facts.sts, StsFacts) and not facts.sts.ok) or isinstance(facts.sts, SourceError)
    if sts_failed or (sts_prior is not None and sts_prior.status in (Status.FAIL, Status.ERROR)):
        # an STS error (throttling, timeout) is not a refusal: say which it was
        if sts_prior is not None and sts_prior.status is Status.ERROR:
            return "no credentials: the STS call did not complete (see sts)"
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


def _check_list(facts: Facts, s3: S3Facts) -> LinkResult:
    """The bucket-level probe (ListObjectsV2 / ListBuckets) alone."""
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


# --- GetObject probe (--object) and region redirects ------------------------------------------------

_KMS_DENIED = re.compile(r'perform: kms:Decrypt on resource: "?(arn:[^"\s]+)')
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def object_key_problem(key: str) -> str | None:
    """Why ``key`` cannot be an S3 object key for ``--object`` (None when it can)."""
    if not key:
        return "an object key cannot be empty"
    if len(key.encode("utf-8", "surrogatepass")) > 1024:
        return "an S3 object key is at most 1024 bytes (UTF-8)"
    if _CONTROL.search(key):
        return f"{key!r} holds control characters; give the object key as S3 lists it"
    return None


def _show(key: str, limit: int = 200) -> str:
    shown = _CONTROL.sub("?", key)
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"


def _kms_patch(args: dict[str, str], key_arn: str) -> dict[str, str]:
    partition = key_arn.split(":")[1] if key_arn.count(":") >= 5 else "aws"
    statement = {"Sid": "DecryptObjectKey", "Effect": "Allow", "Action": "kms:Decrypt", "Resource": key_arn}
    document = {"Version": "2012-10-17", "Statement": [statement]}
    key_account = key_arn.split(":")[4] if key_arn.count(":") >= 5 else ""
    role_account = args.get("account", "")
    if key_account and role_account and key_account != role_account:
        note = (
            f"the key is in account {key_account}, the role in {role_account}: its key policy (edited in "
            f"{key_account}) must also allow kms:Decrypt to {args['role_arn']} (or to account {role_account})"
        )
    else:
        note = (
            f"same account: a key policy that allows arn:{partition}:iam::{key_account or role_account}:root "
            "(the default) lets this role policy grant it; one without that statement must name the role itself"
        )
    key_statement = {
        "Sid": "AllowRoleDecrypt",
        "Effect": "Allow",
        "Principal": {"AWS": args["role_arn"]},
        "Action": "kms:Decrypt",
        "Resource": "*",
    }
    return {
        **args,
        "kms_key_arn": key_arn,
        "kms_account": key_account or "(unknown)",
        "key_policy_note": note,
        "kms_document": json.dumps(document, indent=2),
        "key_statement": json.dumps(key_statement),
        "policy_name": f"kms-decrypt-{args.get('bucket', 'object')}"[:128],
    }


def _object_findings(
    facts: Facts, s3: S3Facts, probe: S3ObjectFacts, evidence: list[Evidence]
) -> list[Finding]:
    role_name, role_arn, partition = _role(facts)
    bucket = s3.bucket or "<bucket>"
    shown = _show(probe.key)
    target = f"s3://{bucket}/{shown}"
    resource = f"arn:{partition}:s3:::{bucket}/{shown}"
    message = probe.error_message or ""
    prefix = probe.key.rsplit("/", 1)[0] + "/" if "/" in probe.key else ""
    args = {
        "operation": "GetObject",
        "target": target,
        "bucket": bucket,
        "bucket_arn": f"arn:{partition}:s3:::{bucket}",
        "key": shown,
        "key_q": shlex.quote(probe.key),
        "prefix_q": shlex.quote(prefix),
        "action": "s3:GetObject",
        "resource": resource,
        "role": role_name,
        "role_arn": role_arn,
        "account": role_arn.split(":")[4] if role_arn.count(":") >= 5 else "<account-id>",
        "namespace": facts.namespace,
        "pod": facts.pod.name if isinstance(facts.pod, PodFacts) else facts.pod_name,
        "origin": _ORIGIN.get(s3.bucket_origin, str(s3.bucket_origin)),
        "error_code": probe.error_code or "UnknownError",
        "error_message": message or "(no message)",
    }
    what = f"GetObject on {target} (Range bytes=0-0)"
    if probe.ok:
        if probe.error_code == "InvalidRange":
            encryption = "empty object: S3 authorised the read, then answered 416 for the byte range"
        elif probe.sse in ("aws:kms", "aws:kms:dsse"):
            encryption = f"SSE-KMS, key {probe.kms_key_id or '(not named)'}"
        elif probe.sse:
            encryption = f"{probe.sse} (S3-managed key)" if probe.sse == "AES256" else probe.sse
        else:
            encryption = "no server-side encryption header"
        read = probe.bytes_read if probe.bytes_read is not None else 0
        evidence.append(Evidence("s3-object", what, "success", f"{read} byte read; {encryption}", True))
        return [Finding("S3-002", {**args, "read": str(read), "encryption": encryption})]
    evidence.append(
        Evidence("s3-object", what, "success", f"{args['error_code']}: {args['error_message']}", False)
    )
    code = probe.error_code or ""
    if code == "NoSuchKey" or (not code and probe.http_status == 404):
        return [Finding("S3-214", args)]
    if code in ("AccessDenied", "AccessDeniedException") or (not code and probe.http_status == 403):
        kms = _KMS_DENIED.search(message)
        kind = classify_denial(message)
        if kms:
            key_arn = kms.group(1)
            kms_args = _kms_patch({**args, "action": "kms:Decrypt", "resource": key_arn}, key_arn)
            policies = facts.role.policies if isinstance(facts.role, RoleFacts) else None
            if isinstance(policies, tuple):
                allowed = action_allowed(policies, "kms:Decrypt", key_arn)
                evidence.append(
                    Evidence(
                        "identity-policy-allows",
                        f"role policies allow kms:Decrypt on {key_arn}",
                        "an Allow statement",
                        "yes" if allowed else "none",
                        allowed,
                    )
                )
            evidence.append(
                Evidence(
                    "kms-decrypt",
                    f"role {role_name} may kms:Decrypt {key_arn} (SSE-KMS object)",
                    "allowed by the role's policies and the key policy",
                    f"denied ({kind}-based)" if kind in ("identity", "resource") else f"denied ({kind})",
                    False,
                )
            )
            if kind == "resource":
                return [Finding("S3-213", kms_args)]
            if kind == "identity" and "explicit deny" not in message.lower():
                return [Finding("S3-212", kms_args)]
        as_list = S3Facts(
            bucket=s3.bucket,
            bucket_origin=s3.bucket_origin,
            operation="GetObject",
            ok=False,
            error_code=code,
            error_message=message,
            http_status=probe.http_status,
        )
        named = re.search(r"perform: ((?:s3|kms):[A-Za-z0-9]+)", message)
        named_res = re.search(r'on resource: "?(arn:[^"\s]+)', message)
        deny_args = {
            **args,
            "action": named.group(1) if named else "s3:GetObject",
            "resource": named_res.group(1) if named_res else resource,
        }
        return _denied(facts, as_list, deny_args, evidence)
    return [Finding("S3-211", args)]


def check(facts: Facts, prior: Mapping[LinkId, LinkResult]) -> LinkResult:
    s3 = facts.s3
    if s3 is None:
        return _common.skipped(LINK, _skip_reason(facts, prior))
    if isinstance(s3, SourceError):
        return _common.errored(LINK, s3)
    result = _check_list(facts, s3)
    if result.status in (Status.ERROR, Status.SKIP):
        return result
    findings = list(result.findings)
    evidence = list(result.evidence)
    details = dict(result.details)
    if s3.ok and s3.redirect_code:
        client_region = s3.client_region or facts.region or "<client-region>"
        bucket_region = s3.bucket_region if s3.bucket_region != client_region else None
        bucket_region = bucket_region or "another region"
        evidence.append(Evidence("bucket-region", "bucket region", client_region, bucket_region, False))
        evidence.append(
            Evidence("s3-redirect", "region redirect followed by boto3", "none", s3.redirect_code, False)
        )
        details["redirect"] = s3.redirect_code
        findings.append(
            Finding(
                "S3-102",
                {
                    "bucket": s3.bucket or "<bucket>",
                    "bucket_region": bucket_region,
                    "client_region": client_region,
                    "redirect_code": s3.redirect_code,
                },
            )
        )
    probe = s3.object
    if probe is None:
        if len(findings) == len(result.findings):
            return result
        return _common.from_findings(LINK, findings, evidence, details)
    details["object_key"] = _show(probe.key) if isinstance(probe, S3ObjectFacts) else None
    if isinstance(probe, SourceError):
        if result.status is Status.FAIL:
            evidence.append(Evidence("s3-object", "GetObject", "success", probe.one_line(), False))
            return _common.from_findings(LINK, findings, evidence, details)
        return _common.errored(LINK, probe, evidence)
    details["object_error_code"] = probe.error_code
    findings += _object_findings(facts, s3, probe, evidence)
    return _common.from_findings(LINK, findings, evidence, details)


SPEC = LinkSpec(
    id=LINK,
    title="S3 access",
    short="S3",
    needs=NEEDS,
    check=check,
    learn=(
        "With those credentials the pod calls AWS; the role's permissions decide (here: S3)."
    ),
    learn_what="the AWS call",
)


# --- EKS Pod Identity variant ----------------------------------------------------------------------
POD_IDENTITY_NEEDS: tuple[str, ...] = ("pod_identity_s3", "association_role", "target_role", "eks_auth", "pod",
                                       "associations")


def check_pod_identity(facts: Facts, prior: Mapping[LinkId, LinkResult]) -> LinkResult:
    """Pod Identity: the IRSA probe's judgement, of the probe made with EKS Auth's credentials and the role
    they are for (the target role when the association has one)."""
    role = facts.target_role if facts.target_role is not None else facts.association_role
    probe = facts.pod_identity_s3
    if probe is None:
        eks_auth = prior.get(LinkId.EKS_AUTH)
        if not facts.live:
            reason = "live probes off"
        elif eks_auth is not None and eks_auth.status in (Status.FAIL, Status.ERROR, Status.SKIP):
            reason = f"no credentials: eks-auth {eks_auth.status}"
        else:
            reason = facts.gaps.get("pod_identity_s3") or "S3 not probed"
        return _common.skipped(LINK, reason)
    shadow = object.__new__(Facts)  # a plain copy: the IRSA check reads its s3/role/sts, not this run's
    shadow.__dict__.update(vars(facts))
    shadow.s3, shadow.role, shadow.sts = probe, role, None
    result = check(shadow, {})
    unused = _disabled_tags(facts, role)
    if unused is None or result.status in (Status.ERROR, Status.SKIP):
        return result
    return _common.from_findings(LINK, [*result.findings, unused], result.evidence, result.details)


def _disabled_tags(facts: Facts, role: Any) -> Finding | None:
    """S3-104: the association disables session tags while the role's policies use them (F13)."""
    from irsa_tui.chain.links import _pod_identity as pi
    from irsa_tui.policy.pod_identity import session_tag_references

    pod = facts.pod
    assoc = pi.association_for(facts, pod) if isinstance(pod, PodFacts) else None
    if assoc is None or not assoc.disable_session_tags or not isinstance(role, RoleFacts):
        return None
    policies = role.policies if isinstance(role.policies, tuple) else ()
    tags = sorted({t for p in policies for t in session_tag_references(dict(p))})
    if not tags:
        return None
    return Finding("S3-104", {"role": role.name, "tags": ", ".join(f"aws:PrincipalTag/{t}" for t in tags),
                              "association": assoc.association_id, "cluster": pi.cluster_name(facts)})


POD_IDENTITY_SPEC = LinkSpec(
    id=LINK,
    title="S3 access",
    short="S3",
    needs=POD_IDENTITY_NEEDS,
    check=check_pod_identity,
    learn="With the credentials EKS Auth issued the pod calls AWS; the role's permissions decide (here: S3).",
    learn_what="the AWS call",
)
