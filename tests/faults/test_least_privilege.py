"""Least privilege: every permission in deploy/ is needed, and its absence is named, never a broken chain."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from irsa_tui.lab.world import LabWorld
from tests.faults.cells import check

pytestmark = pytest.mark.integration
DEPLOY = Path(__file__).resolve().parents[2] / "deploy"

# RBAC rule removed (as the kube stand-in spells it) -> (link that must be error, permission it names).
RBAC = {
    "get pods": ("service-account", "get pods"),
    "get serviceaccounts": ("service-account", "get serviceaccounts"),
    "create serviceaccounts/token": ("token", "create serviceaccounts/token"),
}
# Needed only to explain a pod that was NOT mutated; a mutated pod proves the webhook ran.
OPTIONAL_RBAC = ("list mutatingwebhookconfigurations", "get replicasets")
# IAM action removed -> (link that must be error; or pass where the live STS answer settles what could not
# be read, its summary still naming the missing action: chain/reconcile.py).
IAM = {
    "iam:GetRole": ("trust-policy", "pass"),
    "iam:ListOpenIDConnectProviders": ("oidc-provider", "pass"),
    "iam:GetOpenIDConnectProvider": ("oidc-provider", "pass"),
    "eks:DescribeCluster": ("oidc-provider", "error"),  # with --no-live: the only way to the issuer
}


def test_manifests_list_exactly_the_documented_permissions() -> None:
    docs = list(yaml.safe_load_all((DEPLOY / "rbac.yaml").read_text()))
    role = next(d for d in docs if d["kind"] == "ClusterRole")
    granted = {
        (g, r, v)
        for rule in role["rules"]
        for g in rule["apiGroups"]
        for r in rule["resources"]
        for v in rule["verbs"]
    }
    assert granted == {
        ("", "pods", "get"),
        ("", "pods", "list"),
        ("", "serviceaccounts", "get"),
        ("", "serviceaccounts", "list"),
        ("", "serviceaccounts/token", "create"),
        ("", "namespaces", "list"),
        ("apps", "replicasets", "get"),
        ("admissionregistration.k8s.io", "mutatingwebhookconfigurations", "list"),
    }
    policy = json.loads((DEPLOY / "iam-policy.json").read_text())
    actions = {a for s in policy["Statement"] for a in s["Action"]}
    assert actions == {
        "iam:GetRole",
        "iam:ListRolePolicies",
        "iam:GetRolePolicy",
        "iam:ListAttachedRolePolicies",
        "iam:GetPolicy",
        "iam:GetPolicyVersion",
        "iam:ListOpenIDConnectProviders",
        "iam:GetOpenIDConnectProvider",
        "iam:SimulatePrincipalPolicy",
        "eks:DescribeCluster",
        "sts:GetCallerIdentity",
    }
    assert all(s["Effect"] == "Allow" for s in policy["Statement"])


def test_a_healthy_run_calls_only_what_the_policy_grants(world: LabWorld) -> None:
    """Everything the product sent to AWS with the caller's identity is in deploy/iam-policy.json."""
    policy = json.loads((DEPLOY / "iam-policy.json").read_text())
    granted = {a for s in policy["Statement"] for a in s["Action"]}
    before = len(world.aws_requests())
    assert check(world, timeout=3).code == 0
    called = {f"{svc}:{action}" for svc, action, _, _ in world.aws_requests()[before:]}
    # AssumeRoleWithWebIdentity is unsigned; the S3 probe runs with the role's credentials.
    assert called - granted <= {"sts:AssumeRoleWithWebIdentity", "s3:ListObjectsV2", "s3:ListBuckets"}, called
    assert {"iam:GetRole", "eks:DescribeCluster", "iam:ListOpenIDConnectProviders"} <= called


@pytest.mark.parametrize("rule", sorted(RBAC))
def test_missing_rbac_is_named(world: LabWorld, rule: str) -> None:
    link, permission = RBAC[rule]
    world.set_rbac_deny("healthy", [rule])
    try:
        outcome = check(world, timeout=3)
    finally:
        world.set_rbac_deny("healthy", [])
    assert outcome.statuses[link] == "error", outcome.statuses
    assert permission in outcome.summaries[link]
    assert "fail" not in outcome.statuses.values(), outcome.statuses
    assert outcome.code == 2
    if rule != "get pods":  # without the pod nothing Kubernetes-side can be judged
        assert "pass" in outcome.statuses.values()
    assert outcome.statuses["oidc-provider"] in ("pass", "warn")  # AWS side still runs


@pytest.mark.parametrize("rule", OPTIONAL_RBAC)
def test_optional_rbac_does_not_change_a_healthy_verdict(world: LabWorld, rule: str) -> None:
    world.set_rbac_deny("healthy", [rule])
    try:
        outcome = check(world, timeout=3)
    finally:
        world.set_rbac_deny("healthy", [])
    assert outcome.code == 0, outcome.statuses


@pytest.mark.parametrize("action", sorted(IAM))
def test_missing_iam_action_is_named(world: LabWorld, action: str) -> None:
    link, want = IAM[action]
    world.set_denied_actions([action])
    extra = ("--no-live",) if action.startswith("eks:") else ()
    outcome = check(world, *extra, timeout=3)
    assert outcome.statuses[link] == want, outcome.statuses
    assert action in outcome.summaries[link], outcome.summaries[link]
    assert "is not authorized to perform" in outcome.summaries[link]
    assert "fail" not in outcome.statuses.values(), outcome.statuses
    assert outcome.code == (0 if want == "pass" else 2)
    assert outcome.statuses["injection"] == "pass"  # Kubernetes side still runs


def test_missing_policy_read_actions_degrade_without_breaking(world: LabWorld) -> None:
    world.set_denied_actions(
        [
            "iam:ListRolePolicies",
            "iam:GetRolePolicy",
            "iam:ListAttachedRolePolicies",
            "iam:GetPolicy",
            "iam:GetPolicyVersion",
        ]
    )
    outcome = check(world, timeout=3)
    assert "fail" not in outcome.statuses.values(), outcome.statuses
    assert outcome.statuses["sts"] == "pass"


def test_the_only_write_is_token_request(world: LabWorld) -> None:
    kube_before = len(world.requests("healthy"))
    aws_before = len(world.aws_requests())
    assert check(world, timeout=3).code == 0
    writes = [(m, p) for m, p in world.requests("healthy")[kube_before:] if m not in ("GET", "HEAD")]
    assert writes and all(m == "POST" and p.endswith("/token") for m, p in writes), writes
    aws = world.aws_requests()[aws_before:]
    read_prefixes = ("Get", "List", "Describe", "AssumeRoleWithWebIdentity")
    assert all(action.startswith(read_prefixes) for _, action, _, _ in aws), aws
