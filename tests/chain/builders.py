"""A healthy set of facts, and tools to break it one way at a time.

Table-driven check tests start from ``healthy_facts()`` and apply one named change;
the case name says the expected outcome (``annotation-missing.fail``).
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from typing import Any

from irsa_tui.chain.facts import (
    ClusterFacts,
    ContainerFacts,
    EnvVar,
    Facts,
    IssuerFacts,
    OidcProviderFacts,
    OwnerRef,
    PodFacts,
    RoleFacts,
    S3Facts,
    ServiceAccountFacts,
    StsFacts,
    TokenFacts,
    TokenVolume,
    VolumeFacts,
    VolumeMount,
    WebhookFacts,
)

NOW = datetime(2026, 11, 23, 10, 0, 0, tzinfo=timezone.utc)
ACCOUNT = "111122223333"
REGION = "eu-west-1"
CLUSTER = "prod-eks"
ISSUER = "https://oidc.eks.eu-west-1.amazonaws.com/id/8BAC0F1E2D3C4B5A69788796A5B4C3D2"
ISSUER_HP = ISSUER.removeprefix("https://")
PROVIDER_ARN = f"arn:aws:iam::{ACCOUNT}:oidc-provider/{ISSUER_HP}"
NS = "payments"
POD = "api-7d9f8c6b5-x2x4z"
SA = "api"
ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/payments-api"
TOKEN_PATH = "/var/run/secrets/eks.amazonaws.com/serviceaccount/token"
THUMBPRINT = "9e99a48a9960b14926bb7f3b02e22da2b0ab7280"
BUCKET = "payments-invoices"

TRUST_POLICY: dict[str, Any] = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"Federated": PROVIDER_ARN},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {
                "StringEquals": {
                    f"{ISSUER_HP}:sub": f"system:serviceaccount:{NS}:{SA}",
                    f"{ISSUER_HP}:aud": "sts.amazonaws.com",
                }
            },
        }
    ],
}

ROLE_POLICY: dict[str, Any] = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": f"arn:aws:s3:::{BUCKET}"},
        {
            "Effect": "Allow",
            "Action": ["s3:GetObject", "s3:PutObject"],
            "Resource": f"arn:aws:s3:::{BUCKET}/*",
        },
    ],
}


def app_container(**changes: Any) -> ContainerFacts:
    base = ContainerFacts(
        name="app",
        image="registry.example.com/payments/api:1.4.2",
        env=(
            EnvVar("AWS_STS_REGIONAL_ENDPOINTS", "regional"),
            EnvVar("AWS_DEFAULT_REGION", REGION),
            EnvVar("AWS_REGION", REGION),
            EnvVar("AWS_ROLE_ARN", ROLE_ARN),
            EnvVar("AWS_WEB_IDENTITY_TOKEN_FILE", TOKEN_PATH),
        ),
        mounts=(
            VolumeMount("kube-api-access-abcde", "/var/run/secrets/kubernetes.io/serviceaccount", True),
            VolumeMount("aws-iam-token", "/var/run/secrets/eks.amazonaws.com/serviceaccount", True),
        ),
    )
    return replace(base, **changes)


def token_volume(**changes: Any) -> VolumeFacts:
    base = VolumeFacts(
        name="aws-iam-token",
        kind="projected",
        token=TokenVolume(audience="sts.amazonaws.com", expiration_seconds=86400, path="token"),
    )
    return replace(base, **changes)


def healthy_pod(**changes: Any) -> PodFacts:
    base = PodFacts(
        name=POD,
        namespace=NS,
        uid="6f1c2d3e-0000-4000-8000-000000000001",
        service_account_name=SA,
        created=NOW - timedelta(hours=2),
        labels={"app": "api"},
        containers=(app_container(),),
        volumes=(
            token_volume(),
            VolumeFacts(name="kube-api-access-abcde", kind="projected"),
        ),
        node_name="ip-10-0-1-23.eu-west-1.compute.internal",
        phase="Running",
        owner=OwnerRef("Deployment", "api"),
    )
    return replace(base, **changes)


def healthy_sa(**changes: Any) -> ServiceAccountFacts:
    base = ServiceAccountFacts(
        name=SA,
        namespace=NS,
        uid="1b2c3d4e-0000-4000-8000-000000000002",
        created=NOW - timedelta(days=30),
        annotations={"eks.amazonaws.com/role-arn": ROLE_ARN},
        annotations_changed=NOW - timedelta(days=30),
    )
    return replace(base, **changes)


def healthy_claims(**changes: Any) -> dict[str, Any]:
    iat = int((NOW - timedelta(seconds=5)).timestamp())
    claims: dict[str, Any] = {
        "aud": ["sts.amazonaws.com"],
        "exp": iat + 600,
        "iat": iat,
        "nbf": iat,
        "iss": ISSUER,
        "jti": "0e5a6d0c-2f3b-4c1d-9e8f-7a6b5c4d3e2f",
        "kubernetes.io": {
            "namespace": NS,
            "pod": {"name": POD, "uid": "6f1c2d3e-0000-4000-8000-000000000001"},
            "serviceaccount": {"name": SA, "uid": "1b2c3d4e-0000-4000-8000-000000000002"},
        },
        "sub": f"system:serviceaccount:{NS}:{SA}",
    }
    claims.update(changes)
    return claims


def healthy_token(**changes: Any) -> TokenFacts:
    base = TokenFacts(
        origin="token-request",
        header={"alg": "RS256", "kid": "3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a"},
        claims=healthy_claims(),
        signature_redacted="Qm9v…Zz0x (342 chars)",
        fetched_at=NOW,
        raw="eyJ.fake.token",
    )
    return replace(base, **changes)


def healthy_facts(**changes: Any) -> Facts:
    """Every link passes on these facts."""
    facts = Facts(
        namespace=NS,
        pod_name=POD,
        now=NOW,
        live=True,
        pod=healthy_pod(),
        service_account=healthy_sa(),
        namespace_service_accounts=(healthy_sa(), healthy_sa(name="default", annotations={})),
        webhook=WebhookFacts(
            names=("pod-identity-webhook/iam-for-pods.amazonaws.com",), failure_policy="Ignore"
        ),
        token=healthy_token(),
        cluster=ClusterFacts(
            name=CLUSTER,
            region=REGION,
            issuer=ISSUER,
            arn=f"arn:aws:eks:{REGION}:{ACCOUNT}:cluster/{CLUSTER}",
            version="1.31",
        ),
        provider=OidcProviderFacts(
            account=ACCOUNT,
            providers=(PROVIDER_ARN,),
            arn=PROVIDER_ARN,
            url=ISSUER_HP,
            client_ids=("sts.amazonaws.com",),
            thumbprints=(THUMBPRINT,),
        ),
        issuer=IssuerFacts(
            issuer=ISSUER,
            discovery={"issuer": ISSUER, "jwks_uri": ISSUER + "/keys"},
            jwks={
                "keys": [{"kty": "RSA", "kid": "3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a", "alg": "RS256"}]
            },
            top_ca_thumbprint=THUMBPRINT,
            signature="valid",
        ),
        role=RoleFacts(
            arn=ROLE_ARN,
            name="payments-api",
            account=ACCOUNT,
            trust_policy=json.dumps(TRUST_POLICY),
            max_session_duration=3600,
            policies=(ROLE_POLICY,),
        ),
        sts=StsFacts(
            endpoint=f"https://sts.{REGION}.amazonaws.com",
            ok=True,
            assumed_role_arn=f"arn:aws:sts::{ACCOUNT}:assumed-role/payments-api/irsa-tui-1700000000",
            subject=f"system:serviceaccount:{NS}:{SA}",
            audience="sts.amazonaws.com",
            provider=PROVIDER_ARN,
            expiration=NOW + timedelta(hours=1),
        ),
        s3=S3Facts(
            bucket=BUCKET,
            bucket_origin="role-policy",
            operation="ListObjectsV2",
            ok=True,
            bucket_region=REGION,
            objects_seen=3,
        ),
        region=REGION,
        context=f"arn:aws:eks:{REGION}:{ACCOUNT}:cluster/{CLUSTER}",
    )
    for key, value in changes.items():
        setattr(facts, key, value)
    return facts
