"""The generated fleet world (lab/fleet.py): its size, its determinism and that the manifest tells the truth
about the objects it planted (checked on the plan itself, without servers)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

import pytest

from irsa_tui.lab import fleet
from irsa_tui.lab import scenario as scn_mod
from irsa_tui.lab.kube import ROLE_ANNOTATION

NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def plan() -> fleet.FleetPlan:
    names = scn_mod.placeholders(scn_mod.get("fleet"), "https://issuer.invalid", "0" * 40, "https://kube.invalid")
    return fleet.plan(names["CLUSTER"], names, NOW)


@pytest.fixture(scope="module")
def manifest(plan: fleet.FleetPlan) -> fleet.FleetManifest:
    assert plan.manifest is not None
    return plan.manifest


def _by_name(plan: fleet.FleetPlan, resource: str) -> dict[tuple[str, str], dict[str, Any]]:
    return {(o["metadata"].get("namespace", ""), o["metadata"]["name"]): o for o in plan.objects[resource]}


def _env(pod: dict[str, Any]) -> dict[str, str]:
    return {e["name"]: e.get("value", "") for e in pod["spec"]["containers"][0].get("env") or []}


def test_the_fleet_has_the_size_of_a_platform(manifest: fleet.FleetManifest) -> None:
    assert manifest.service_accounts == 5000
    assert manifest.pods == 2000
    assert manifest.roles == 500
    assert manifest.namespaces == 100


def test_every_kind_is_planted_as_often_as_declared(manifest: fleet.FleetManifest) -> None:
    assert manifest.counts() == {kind: spec.count for kind, spec in fleet.KINDS.items()}
    keys = [(p.namespace, p.workload) for p in manifest.planted]
    assert len(keys) == len(set(keys))  # one breakage per target


def test_the_same_seed_gives_the_same_world_and_another_seed_another(manifest: fleet.FleetManifest) -> None:
    assert fleet.manifest() == manifest
    other = fleet.manifest(seed_value=7)
    assert other.counts() == manifest.counts()
    assert {(p.namespace, p.workload) for p in other.planted} != {(p.namespace, p.workload) for p in manifest.planted}


def test_the_lab_starts_it_by_name_but_keeps_it_out_of_the_catalogue() -> None:
    assert scn_mod.get("fleet").generator == "fleet"
    assert "fleet" not in {s.name for s in scn_mod.scenarios()}


def test_planted_pods_exist_and_carry_their_breakage(plan: fleet.FleetPlan, manifest: fleet.FleetManifest) -> None:
    pods = _by_name(plan, "pods")
    sas = _by_name(plan, "serviceaccounts")
    for p in manifest.planted:
        for name in p.pods:
            pod = pods[(p.namespace, name)]
            assert pod["spec"]["serviceAccountName"] == p.service_account
            env = _env(pod)
            injected = "AWS_ROLE_ARN" in env
            if p.kind in ("not-injected", "pod-before-annotation"):
                assert not injected, (p.kind, name)
            elif p.kind == "replica-differs":
                assert injected == (name not in p.odd_pods), name
            elif p.kind == "annotation-changed":
                assert env["AWS_ROLE_ARN"] != p.role_arn
            elif p.expect.mechanism == "irsa":
                assert env["AWS_ROLE_ARN"] == p.role_arn
        if p.kind == "replica-differs":
            assert len(p.pods) == 3 and len(p.odd_pods) == 1
        if p.workload.startswith("ServiceAccount/"):
            sa = sas[(p.namespace, p.service_account)]
            assert sa["metadata"]["annotations"][ROLE_ANNOTATION] == p.role_arn
            assert not any(o["spec"]["serviceAccountName"] == p.service_account for (ns, _), o in pods.items()
                           if ns == p.namespace)
        if p.workload.startswith("PodIdentityAssociation/"):
            assert (p.namespace, p.service_account) not in sas


def test_roles_exist_unless_planted_missing(plan: fleet.FleetPlan, manifest: fleet.FleetManifest) -> None:
    role_names = set(plan.roles)
    for w in manifest.workloads:
        name = w.role_arn.rsplit("/", 1)[1]
        if w.namespace == "payments":
            continue  # the scenario's own baseline role, seeded by the world as every scenario's
        assert (name in role_names) == (w.kind != "role-missing"), w


def test_wildcard_and_audience_trusts_are_what_the_kind_says(plan: fleet.FleetPlan,
                                                             manifest: fleet.FleetManifest) -> None:
    def condition(p: fleet.Planted) -> dict[str, Any]:
        trust = plan.roles[str(p.role_arn).rsplit("/", 1)[1]]["trust_policy"]
        cond: dict[str, Any] = trust["Statement"][0].get("Condition") or {}
        return cond

    for p in manifest.of_kind("trust-wildcard-sub"):
        (value,) = condition(p)["StringLike"].values()
        assert value.startswith("system:serviceaccount:*:")
    for p in manifest.of_kind("trust-no-sub"):
        assert not any(k.endswith(":sub") for op in condition(p).values() for k in op)
    for p in manifest.of_kind("trust-wrong-audience"):
        assert "pods.eks.amazonaws.com" in condition(p)["StringEquals"].values()
    for p in manifest.of_kind("pod-identity-trust"):
        principal = plan.roles[str(p.role_arn).rsplit("/", 1)[1]]["trust_policy"]["Statement"][0]["Principal"]
        assert "Service" not in principal


def test_workloads_group_their_pods_through_owners(plan: fleet.FleetPlan) -> None:
    kinds = Counter(o["metadata"]["ownerReferences"][0]["kind"] for o in plan.objects["pods"])
    assert set(kinds) == {"ReplicaSet", "StatefulSet", "DaemonSet", "Job"}
    rs = _by_name(plan, "replicasets")
    jobs = _by_name(plan, "jobs")
    for pod in plan.objects["pods"]:
        ref = pod["metadata"]["ownerReferences"][0]
        key = (pod["metadata"]["namespace"], ref["name"])
        if ref["kind"] == "ReplicaSet":
            assert rs[key]["metadata"]["ownerReferences"][0]["kind"] == "Deployment"
        elif ref["kind"] == "Job":
            assert key in jobs
    assert any(j["metadata"].get("ownerReferences") for j in plan.objects["jobs"])  # CronJobs' Jobs
