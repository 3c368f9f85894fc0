"""Grouping pods into workloads, and telling an odd replica apart (pure)."""

from __future__ import annotations

from irsa_tui.chain.facts import OwnerRef
from irsa_tui.chain.mechanism import AssociationInput
from irsa_tui.scan.targets import group_workloads, shape, shape_difference, top_owner
from tests.chain import builders as b
from tests.scan.fakes import pod, sa

RS = OwnerRef("ReplicaSet", "api-7d9f8c6b5")
CONTROLLERS = {(b.NS, "ReplicaSet", "api-7d9f8c6b5"): OwnerRef("Deployment", "api"),
               (b.NS, "Job", "nightly-29100000"): OwnerRef("CronJob", "nightly")}


def test_top_owner_follows_replicaset_and_job() -> None:
    assert top_owner(pod("a", RS), CONTROLLERS) == OwnerRef("Deployment", "api")
    assert top_owner(pod("j", OwnerRef("Job", "nightly-29100000")), CONTROLLERS) == OwnerRef("CronJob", "nightly")
    assert top_owner(pod("s", OwnerRef("StatefulSet", "db")), CONTROLLERS) == OwnerRef("StatefulSet", "db")
    assert top_owner(pod("bare", None), CONTROLLERS) == OwnerRef("Pod", "bare")
    # a ReplicaSet whose Deployment could not be listed stays a ReplicaSet
    assert top_owner(pod("x", OwnerRef("ReplicaSet", "other")), CONTROLLERS) == OwnerRef("ReplicaSet", "other")


def test_replicas_are_one_row_and_the_odd_one_stands_out() -> None:
    pods = [pod("api-1", RS), pod("api-2", RS, injected=False), pod("api-3", RS)]
    [work] = group_workloads(pods, {(b.NS, b.SA): sa()}, [], CONTROLLERS)
    assert (work.kind, work.name, len(work.pods)) == ("Deployment", "api", 3)
    assert [[p.name for p in group] for _, group in work.groups] == [["api-1", "api-3"], ["api-2"]]
    odd, usual = work.groups[1][0], work.groups[0][0]
    assert shape_difference(odd, usual).startswith("not injected: no AWS_ROLE_ARN in container app")


def test_only_pods_of_sas_with_a_role_or_an_association_are_targets() -> None:
    pods = [pod("a", None, sa="plain"), pod("b", None, sa="assoc"), pod("c", None), pod("done", None, phase="Succeeded")]
    sas = {(b.NS, "plain"): sa("plain", role=None), (b.NS, "assoc"): sa("assoc", role=None), (b.NS, b.SA): sa()}
    works = group_workloads(pods, sas, [AssociationInput(b.NS, "assoc")], {})
    assert [(w.kind, w.name) for w in works] == [("Pod", "b"), ("Pod", "c")]


def test_a_blank_annotation_is_no_role() -> None:
    works = group_workloads([pod("a", None)], {(b.NS, b.SA): sa(role="  ")}, [], {})
    assert works == []


def test_shape_ignores_init_containers_and_pod_names() -> None:
    assert shape(pod("a", RS)) == shape(pod("zzz", RS))
    assert shape(pod("a", RS)) != shape(pod("a", RS, injected=False))
