"""Least privilege: every permission in deploy/ is needed, and its absence is named, never a broken chain."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from irsa_tui.lab.world import LabWorld
from irsa_tui.sources.kube import SourceFailure
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


# Pod Identity sources (sources/pod_identity.py; links to come with the mechanism-aware core):
# permission -> the adapter call that needs it. Dropping it must make exactly that call fail, naming it.
POD_IDENTITY_IAM = (
    "eks:ListPodIdentityAssociations",
    "eks:DescribePodIdentityAssociation",
    "eks:DescribeAddon",
    "ec2:DescribeInstances",
    "iam:GetInstanceProfile",
    "eks-auth:AssumeRoleForPodIdentity",
)
POD_IDENTITY_RBAC = {"get nodes": "get nodes", "get daemonsets": "get daemonsets.apps"}
PI_SCENARIO = "injection-pod-identity-association"


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
        ("", "nodes", "get"),
        ("apps", "replicasets", "get"),
        ("apps", "replicasets", "list"),  # scan
        ("batch", "jobs", "list"),  # scan
        ("apps", "daemonsets", "get"),
        ("admissionregistration.k8s.io", "mutatingwebhookconfigurations", "list"),
        ("", "pods/log", "get"),  # optional: check --logs
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
        "eks:ListClusters",  # scan -A (optional: OIDC-150)
        "cloudtrail:LookupEvents",  # optional: check --cloudtrail
        *POD_IDENTITY_IAM,
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


def test_the_evidence_permissions_are_optional_and_named(world: LabWorld) -> None:
    """--logs and --cloudtrail call only what deploy/ grants (get pods/log, cloudtrail:LookupEvents); without
    either, the evidence says which permission is missing and the verdict stays what it was."""
    policy = json.loads((DEPLOY / "iam-policy.json").read_text())
    granted = {a for s in policy["Statement"] for a in s["Action"]}
    before = len(world.aws_requests())
    assert check(world, "--logs", "--cloudtrail", timeout=3).code == 0
    called = {f"{svc}:{action}" for svc, action, _, _ in world.aws_requests()[before:]}
    assert "cloudtrail:LookupEvents" in called
    assert called - granted <= {"sts:AssumeRoleWithWebIdentity", "s3:ListObjectsV2", "s3:ListBuckets"}, called
    world.set_rbac_deny("healthy", ["get pods/log"])
    world.set_denied_actions(["cloudtrail:LookupEvents"])
    try:
        outcome = check(world, "--logs", "--cloudtrail", timeout=3)
    finally:
        world.set_rbac_deny("healthy", [])
        world.set_denied_actions([])
    assert outcome.code == 0 and outcome.doc is not None
    actual = {key: str(ev["actual"]) for link in outcome.doc["links"] for key, ev in link["evidence"].items()}
    assert "get pods/log" in next(v for k, v in actual.items() if k.startswith("app-log"))
    assert "cloudtrail:LookupEvents" in actual["cloudtrail"]


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


def _pod_identity_calls(world: LabWorld) -> dict[str, Any]:
    """Every Pod Identity source call for the scenario's pod, each returning what it found."""
    from irsa_tui.sources import pod_identity as pi
    from irsa_tui.sources.aws import Aws
    from irsa_tui.sources.kube import Kube

    aws, kube = Aws(world.env["AWS_REGION"], timeout=3), Kube(PI_SCENARIO, timeout=3)
    cluster = world.placeholders(PI_SCENARIO)["CLUSTER"]
    ns, pod_name = world.target(PI_SCENARIO)
    pod = kube.get_pod(ns, pod_name)
    token = kube.token_request(pod, "pods.eks.amazonaws.com")[0]
    node = pi.PodIdentityKube(kube).get_node(str(pod.node_name))
    instance = pi.PodIdentityAws(aws).describe_instance(str(node.instance_id))

    def details() -> Any:
        errors = [a.detail_error for a in pi.PodIdentityAws(aws).associations(cluster, ns, pod.sa_name) if a.detail_error]
        if errors:
            raise SourceFailure(errors[0])
        return True

    return {
        "eks:ListPodIdentityAssociations": lambda: pi.PodIdentityAws(aws).associations(cluster, ns, pod.sa_name),
        "eks:DescribePodIdentityAssociation": details,
        "eks:DescribeAddon": lambda: pi.PodIdentityAws(aws).describe_addon(cluster),
        "ec2:DescribeInstances": lambda: pi.PodIdentityAws(aws).describe_instance(instance.instance_id),
        "iam:GetInstanceProfile": lambda: pi.PodIdentityAws(aws).get_instance_profile(str(instance.instance_profile_arn)),
        "eks-auth:AssumeRoleForPodIdentity": lambda: pi.PodIdentityAws(aws).assume_role_for_pod_identity(cluster, token),
        "get nodes": lambda: pi.PodIdentityKube(kube).get_node(str(pod.node_name)),
        "get daemonsets": lambda: pi.PodIdentityKube(kube).agent(),
    }


@pytest.mark.parametrize("permission", [*POD_IDENTITY_IAM, *POD_IDENTITY_RBAC])
def test_each_pod_identity_permission_is_needed_and_named(world: LabWorld, permission: str) -> None:
    calls = _pod_identity_calls(world)
    for call in calls.values():
        call()  # with every permission, every call answers
    if ":" in permission:
        world.set_denied_actions([permission])
    else:
        world.set_rbac_deny(PI_SCENARIO, [permission])
    try:
        failed = {}
        for name, call in calls.items():
            try:
                call()
            except SourceFailure as exc:
                failed[name] = exc.error
    finally:
        world.set_denied_actions([])
        world.set_rbac_deny(PI_SCENARIO, [])
    assert permission in failed, failed
    # only that call (and Describe, which needs List's answer) fails, and each failure names it
    assert set(failed) <= {permission, "eks:DescribePodIdentityAssociation"}, failed
    named = POD_IDENTITY_RBAC.get(permission, permission)
    assert {(e.kind, e.permission) for e in failed.values()} == {("forbidden", named)}


# The credentials section's reads (steps_credentials.py): dropping one leaves every link as it was and
# the section's node names what could not be read.
CREDENTIALS_SCENARIO = "credentials-no-identity-node-role"
CREDENTIALS_PERMISSIONS = {
    "get nodes": "get nodes",
    "ec2:DescribeInstances": "ec2:DescribeInstances",
    "iam:GetInstanceProfile": "iam:GetInstanceProfile",
}


@pytest.mark.parametrize("permission", sorted(CREDENTIALS_PERMISSIONS))
def test_each_credentials_permission_is_named_in_the_section(world: LabWorld, permission: str) -> None:
    full = check(world, "--no-live", scenario=CREDENTIALS_SCENARIO, timeout=3)
    assert full.doc is not None and full.doc["credentials"]["node"]["role_arn"]
    if ":" in permission:
        world.set_denied_actions([permission])
    else:
        world.set_rbac_deny(CREDENTIALS_SCENARIO, [permission])
    try:
        outcome = check(world, "--no-live", scenario=CREDENTIALS_SCENARIO, timeout=3)
    finally:
        world.set_denied_actions([])
        world.set_rbac_deny(CREDENTIALS_SCENARIO, [])
    assert not outcome.crash and outcome.doc is not None
    assert outcome.statuses == full.statuses and outcome.code == full.code
    node = outcome.doc["credentials"]["node"]
    assert node["role_arn"] is None
    assert any(f"caller lacks {CREDENTIALS_PERMISSIONS[permission]}" in why for why in node["unknown"]), node
    assert "not readable" in outcome.doc["credentials"]["fallback"]


# The Pod Identity chain on its healthy scenario: each permission dropped -> (link, status it takes); the
# permission is named in that link (summary, explanation or evidence), nothing fails, nothing crashes.
PI_CHAIN = {
    "eks:ListPodIdentityAssociations": ("association", "error"),
    "eks:DescribePodIdentityAssociation": ("association", "error"),
    "eks:DescribeAddon": ("agent", "pass"),  # the DaemonSet and its pods still say the agent runs
    "ec2:DescribeInstances": ("agent", "pass"),  # the node role's eks-auth grant is then not judged
    "iam:GetInstanceProfile": ("agent", "pass"),
    "eks-auth:AssumeRoleForPodIdentity": ("eks-auth", "error"),
    "get nodes": ("agent", "pass"),
    "get daemonsets": ("agent", "error"),
}
_NAMED = {"get nodes": "get nodes", "get daemonsets": "get daemonsets.apps"}


@pytest.mark.parametrize("permission", sorted(PI_CHAIN))
def test_each_pod_identity_permission_dropped_from_the_chain_is_named(world: LabWorld, permission: str) -> None:
    link, status = PI_CHAIN[permission]
    if ":" in permission:
        world.set_denied_actions([permission])
    else:
        world.set_rbac_deny(PI_SCENARIO, [permission])
    try:
        outcome = check(world, scenario=PI_SCENARIO, timeout=5)
    finally:
        world.set_denied_actions([])
        world.set_rbac_deny(PI_SCENARIO, [])
    assert not outcome.crash and outcome.doc is not None and outcome.doc["mechanism"] == "pod-identity"
    assert outcome.statuses[link] == status, outcome.statuses
    assert "fail" not in outcome.statuses.values(), outcome.statuses
    judged = next(x for x in outcome.doc["links"] if x["id"] == link)
    assert _NAMED.get(permission, permission) in json.dumps(judged), judged["summary"]
    assert outcome.code == (0 if status == "pass" else 2)
