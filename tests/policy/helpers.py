"""Shared fixtures for the policy tests: one EKS cluster's issuer, provider and a token's keys."""

from __future__ import annotations

from typing import Any

from irsa_tui.policy import RequestContext

REGION = "eu-west-1"
CLUSTER_ID = "8BAC0D5B2B7C4E2F9A1D3C5E7F9B6A43"
ISSUER = f"oidc.eks.{REGION}.amazonaws.com/id/{CLUSTER_ID}"
ACCOUNT = "111122223333"
PROVIDER = f"arn:aws:iam::{ACCOUNT}:oidc-provider/{ISSUER}"
SUB_KEY = f"{ISSUER}:sub"
AUD_KEY = f"{ISSUER}:aud"
SUB = "system:serviceaccount:payments:api"
AUD = "sts.amazonaws.com"
ABSENT = object()


def ctx(sub: Any = SUB, aud: Any = AUD, **extra: Any) -> RequestContext:
    """A token's request context; pass ABSENT to leave a key out."""
    keys: dict[str, Any] = {}
    if sub is not ABSENT:
        keys[SUB_KEY] = sub
    if aud is not ABSENT:
        keys[AUD_KEY] = aud
    keys.update(extra)
    return RequestContext(principal_federated=PROVIDER, condition_keys=keys)


def statement(
    condition: Any = None,
    *,
    effect: str = "Allow",
    principal: Any = None,
    action: Any = "sts:AssumeRoleWithWebIdentity",
    sid: str | None = None,
) -> dict[str, Any]:
    stmt: dict[str, Any] = {
        "Effect": effect,
        "Principal": {"Federated": PROVIDER} if principal is None else principal,
        "Action": action,
    }
    if sid is not None:
        stmt["Sid"] = sid
    if condition is not None:
        stmt["Condition"] = condition
    return stmt


def policy(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def canonical() -> dict[str, Any]:
    """The policy of the EKS user guide (irsa-chain.md §5) for this cluster and payments/api."""
    return policy(statement({"StringEquals": {SUB_KEY: SUB, AUD_KEY: AUD}}))
