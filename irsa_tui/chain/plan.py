"""What to ask: the IRSA decisions the fetch steps act on, as pure functions of facts already known.

The engine only fetches. Which role to look up, which audience to request a token for, which
claims to predict without one, where to look for the OIDC provider, how to call STS and what to
simulate after an S3 denial are decided here, from structured facts, with table tests
(tests/chain/test_plan.py). Nothing here does I/O; the clock is passed in.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from irsa_tui.chain.arn import RoleArn, parse_role_arn, partition_for_region
from irsa_tui.chain.buckets import buckets_in_policies
from irsa_tui.chain.facts import (
    AUDIENCE_ANNOTATION,
    DEFAULT_AUDIENCE,
    ROLE_ANNOTATION,
    TOKEN_VOLUME,
    ClusterFacts,
    PodFacts,
    S3ObjectFacts,
    ServiceAccountFacts,
    TokenFacts,
)

__all__ = [
    "StsPlan",
    "bucket_to_probe",
    "issuer_url",
    "object_denial_to_simulate",
    "pod_role_env",
    "predicted_claims",
    "probe_region",
    "provider_partition",
    "role_under_test",
    "sts_plan",
    "token_audience",
    "volume_audience",
]

TOKEN_LIFETIME_PREDICTED = 86400
"""``exp - iat`` of predicted claims: the kubelet's default for the IRSA token volume."""


def pod_role_env(pod: PodFacts) -> str | None:
    """``AWS_ROLE_ARN`` as the webhook injected it into the first app container that has it (raw)."""
    for container in pod.containers:
        if container.kind != "ephemeral" and container.env_value("AWS_ROLE_ARN"):
            return container.env_value("AWS_ROLE_ARN")
    return None


def role_under_test(pod: PodFacts | None, sa: ServiceAccountFacts | None) -> RoleArn | None:
    """The role the chain is tested against: the pod's ``AWS_ROLE_ARN`` (what it runs with), else
    the ServiceAccount annotation (what a new pod would get). None when neither is a well-formed role ARN;
    a malformed env value does not fall back to the annotation (the pod uses the env)."""
    raw = pod_role_env(pod) if pod is not None else None
    if raw is None and sa is not None:
        raw = sa.annotations.get(ROLE_ANNOTATION) or None
    if raw is None:
        return None
    parsed = parse_role_arn(raw.strip())
    return parsed if isinstance(parsed, RoleArn) else None


def volume_audience(pod: PodFacts) -> str | None:
    """The audience of the injected token volume, when the pod has one."""
    for volume in pod.volumes:
        if volume.name == TOKEN_VOLUME and volume.token and volume.token.audience:
            return volume.token.audience
    return None


def token_audience(pod: PodFacts, sa: ServiceAccountFacts | None) -> str:
    """The audience to request a token for: the volume's, else the SA's audience annotation, else STS's."""
    found = volume_audience(pod)
    if found:
        return found
    if sa is not None and sa.annotations.get(AUDIENCE_ANNOTATION):
        return sa.annotations[AUDIENCE_ANNOTATION]
    return DEFAULT_AUDIENCE


def predicted_claims(pod: PodFacts, audience: str, cluster: ClusterFacts | None, now: int) -> dict[str, Any]:
    """The claims the kubelet's token would carry, when we cannot get one (``now``: epoch seconds)."""
    claims: dict[str, Any] = {
        "aud": [audience],
        "sub": f"system:serviceaccount:{pod.namespace}:{pod.sa_name}",
        "iat": now,
        "nbf": now,
        "exp": now + TOKEN_LIFETIME_PREDICTED,
        "kubernetes.io": {
            "namespace": pod.namespace,
            "pod": {"name": pod.name, "uid": pod.uid},
            "serviceaccount": {"name": pod.sa_name},
        },
    }
    if cluster is not None and cluster.issuer:
        claims["iss"] = cluster.issuer
    return claims


def issuer_url(cluster: ClusterFacts | None, token: TokenFacts | None) -> str | None:
    """The cluster's OIDC issuer: DescribeCluster's, else the token's ``iss``."""
    if cluster is not None and cluster.issuer:
        return cluster.issuer
    if token is not None and isinstance(token.claims.get("iss"), str):
        return str(token.claims["iss"]) or None
    return None


def provider_partition(caller_arn: str | None, region: str | None, role: RoleArn | None) -> str:
    """The partition to look the OIDC provider up in: that of the IAM we talk to (the caller's ARN),
    else the region's, else the role ARN's. A role ARN copied from another partition (SA-206) must not
    turn into "no provider"."""
    parts = caller_arn.split(":") if caller_arn else []
    if len(parts) > 2 and parts[1]:
        return parts[1]
    if region:
        return partition_for_region(region)
    return role.partition if role else "aws"


def probe_region(pod: PodFacts | None, default: str | None) -> str | None:
    """The one region rule of every live probe (STS and S3): the region the pod's SDK uses —
    ``AWS_REGION``, else ``AWS_DEFAULT_REGION`` — with the last container that sets one deciding,
    else the run's region (``--region``, the kube context, DescribeCluster, AWS config)."""
    region = default
    if pod is not None:
        for container in pod.containers:
            region = container.env_value("AWS_REGION") or container.env_value("AWS_DEFAULT_REGION") or region
    return region


@dataclass(frozen=True)
class StsPlan:
    """How to call AssumeRoleWithWebIdentity as the pod's SDK would."""

    role: str
    """The role ARN as the pod would present it (not normalised: STS judges what the pod sends)."""
    region: str | None
    regional: bool
    """False when the pod asks for the legacy global endpoint (``AWS_STS_REGIONAL_ENDPOINTS=legacy``)."""
    session_name: str


def sts_plan(
    pod: PodFacts | None, role: RoleArn | None, sa: ServiceAccountFacts | None, region: str | None, now: int
) -> StsPlan | None:
    """The STS call to make, or None when no role ARN is named anywhere."""
    role_value: str | None = None
    regional = True
    if pod is not None:
        for container in pod.containers:
            role_value = role_value or container.env_value("AWS_ROLE_ARN")
            if (container.env_value("AWS_STS_REGIONAL_ENDPOINTS") or "").lower() == "legacy":
                regional = False
    if role_value is None and role is not None:
        role_value = str(role)
    if role_value is None and sa is not None:
        role_value = sa.annotations.get(ROLE_ANNOTATION)
    if not role_value:
        return None
    # The pod's SDK uses AWS_ROLE_SESSION_NAME when set (botocore: else botocore-session-<ts>).
    session = f"irsa-tui-{now}"
    if pod is not None:
        for container in pod.containers:
            if container.kind != "ephemeral" and container.env_value("AWS_ROLE_SESSION_NAME"):
                session = str(container.env_value("AWS_ROLE_SESSION_NAME"))
                break
    return StsPlan(role=role_value, region=probe_region(pod, region), regional=regional, session_name=session)


BucketOrigin = Literal["flag", "role-policy", "list-buckets"]


def bucket_to_probe(
    flag: str | None, policies: Iterable[Mapping[str, Any]] | None
) -> tuple[str | None, BucketOrigin]:
    """``--bucket``, else the first bucket the role's policies name, else None (ListBuckets)."""
    if flag:
        return flag, "flag"
    found = buckets_in_policies(policies) if policies is not None else []
    if found:
        return found[0], "role-policy"
    return None, "list-buckets"


# S3 names the KMS key only in the AccessDenied message of a GetObject on an SSE-KMS object: the
# object's encryption headers come with a successful read only, so the error text is the one place.
_KMS_DENIED = re.compile(r"perform: kms:Decrypt on resource: \"?(arn:[^\"\s]+)")


def object_denial_to_simulate(probe: S3ObjectFacts, bucket: str, role: RoleArn) -> tuple[str, str]:
    """(action, resource) to simulate after GetObject was denied: kms:Decrypt on the key S3 named,
    else s3:GetObject on the object."""
    if probe.kms_key_id:
        return "kms:Decrypt", probe.kms_key_id
    kms = _KMS_DENIED.search(probe.error_message or "")
    if kms:
        return "kms:Decrypt", kms.group(1)
    return "s3:GetObject", f"arn:{role.partition}:s3:::{bucket}/{probe.key}"
