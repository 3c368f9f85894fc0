"""scan() on fake sources: one row per workload, odd replicas, idle ServiceAccounts, cost by distinct
facts, throttling retried, one target's failure contained."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from irsa_tui.chain.errors import SourceError
from irsa_tui.chain.facts import OwnerRef
from irsa_tui.chain.pod_identity_facts import AssociationFacts
from irsa_tui.scan import ScanOptions, render_json, render_markdown, render_text, scan
from tests.chain import builders as b
from tests.scan.fakes import ScanPodIdentity, ScanWorld, pod, sa, session

RS = OwnerRef("ReplicaSet", "api-7d9f8c6b5")
MISSING = f"arn:aws:iam::{b.ACCOUNT}:role/ghost"


def world() -> ScanWorld:
    w = ScanWorld()
    w.listed_pods = [pod("api-1", RS), pod("api-2", RS), pod("api-3", RS, injected=False),
                     pod("db-0", OwnerRef("StatefulSet", "db")), pod("db-1", OwnerRef("StatefulSet", "db")),
                     pod("plain", None, sa="default")]
    w.sas = [sa(), sa("idle"), sa("ghost", role=MISSING), sa("default", role=None)]
    w.controllers = {(b.NS, "ReplicaSet", "api-7d9f8c6b5"): OwnerRef("Deployment", "api")}
    w.missing_roles = {"ghost"}
    return w


OPTS = ScanOptions(namespaces=(b.NS,), deadline=30)


def test_rows_odd_replica_idle_and_missing_role() -> None:
    w = world()
    report = scan(OPTS, session(w), pod_identity=ScanPodIdentity(w))
    keys = [r.key for r in report.rows]
    assert keys == [f"{b.NS}/Deployment/api", f"{b.NS}/ServiceAccount/ghost", f"{b.NS}/ServiceAccount/idle",
                    f"{b.NS}/StatefulSet/db"]
    api = report.row(f"{b.NS}/Deployment/api")
    assert (api.replicas, api.representative, api.mechanism) == (3, "api-1", "irsa")
    assert [o.pod for o in api.odd_replicas] == ["api-3"]
    assert api.odd_replicas[0].differs.startswith("not injected")
    assert api.odd_replicas[0].verdict == "broken" and api.verdict == "broken"
    assert api.summary.startswith("odd replica api-3:")
    assert report.row(f"{b.NS}/StatefulSet/db").verdict == "ok"
    assert report.row(f"{b.NS}/ServiceAccount/idle").verdict == "ok"
    ghost = report.row(f"{b.NS}/ServiceAccount/ghost")
    assert (ghost.verdict, ghost.first_failure) == ("broken", "service-account")
    assert [f.code for f in report.findings if f.code == "SA-250"] == ["SA-250"]
    assert report.exit_code == 1


def test_cost_grows_with_distinct_facts_not_pods() -> None:
    w = world()
    w.listed_pods += [pod(f"api-{i}", RS) for i in range(4, 40)]
    scan(OPTS, session(w), pod_identity=ScanPodIdentity(w))
    # one role for every IRSA workload (plus the missing one), each cluster fact once, no pod GET at all
    assert w.calls["get_role"] == 2
    assert w.calls["describe_cluster"] == 1 and w.calls["oidc_provider"] == 1 and w.calls["webhooks"] == 1
    assert w.calls["get_pod"] == 0 and w.calls["get_service_account"] == 0
    assert w.calls["list_pods"] == 1
    assert w.calls["token_request"] == 0 and w.calls["assume_role_with_web_identity"] == 0  # static


def test_live_runs_the_probes_of_each_representative() -> None:
    w = world()
    report = scan(ScanOptions(namespaces=(b.NS,), live=True), session(w), pod_identity=ScanPodIdentity(w))
    assert w.calls["token_request"] == 3  # api-1, api-3 (the odd replica), db-0
    assert report.live


def test_throttling_is_retried_within_the_deadline() -> None:
    w = world()
    w.throttle["get_role"] = 2
    report = scan(OPTS, session(w), pod_identity=ScanPodIdentity(w))
    assert report.row(f"{b.NS}/StatefulSet/db").verdict == "ok"


def test_throttling_past_the_deadline_is_an_error_not_a_crash() -> None:
    w = world()
    w.throttle["get_role"] = 10_000
    w.listed_pods = [p for p in w.listed_pods if p.name.startswith("db-")]
    w.sas = [sa()]
    report = scan(ScanOptions(namespaces=(b.NS,), deadline=1.0), session(w), pod_identity=ScanPodIdentity(w))
    db = report.row(f"{b.NS}/StatefulSet/db")
    assert db.verdict in ("incomplete", "error")
    assert report.exit_code == 2


def test_one_targets_bug_never_aborts_the_scan() -> None:
    w = world()
    w.fail["issuer_fetch"] = RuntimeError("boom")
    report = scan(OPTS, session(w), pod_identity=ScanPodIdentity(w))
    assert len(report.rows) == 4


def test_a_list_that_fails_is_a_scan_error() -> None:
    w = world()
    w.fail["list_pods"] = SourceError("kubernetes", "forbidden", "LIST pods in payments: 403 Forbidden",
                                      permission="list pods")
    report = scan(OPTS, session(w), pod_identity=ScanPodIdentity(w))
    assert any("pods in payments" in e for e in report.errors)
    assert report.exit_code == 1  # the ghost role is still broken


def test_restart_finding_for_pods_older_than_the_annotation() -> None:
    w = world()
    w.sas[0] = sa(changed_days_ago=0)  # annotation written after every pod started (pods are 2 h old)
    w.listed_pods = [pod("api-1", RS, injected=False, created=b.NOW - timedelta(days=1))]
    report = scan(OPTS, session(w), pod_identity=ScanPodIdentity(w))
    [restart] = [f for f in report.findings if f.code == "INJ-150"]
    assert restart.subjects == (f"{b.NS}/api-1",)
    assert "rollout restart deployment/api" in (restart.fix or "")


def test_association_whose_service_account_does_not_exist() -> None:
    w = world()
    w.associations = [AssociationFacts("a-123", "arn:aws:eks:x", b.NS, "nobody", role_arn=b.ROLE_ARN)]
    report = scan(OPTS, session(w), pod_identity=ScanPodIdentity(w))
    row = report.row(f"{b.NS}/PodIdentityAssociation/a-123")
    assert (row.verdict, row.first_failure, row.mechanism) == ("broken", "association", "pod-identity")
    assert any(f.code == "SA-251" for f in report.findings)
    # the healthy IRSA role trusts a web identity only: not Pod Identity
    assert any(f.code == "TRUST-250" for f in report.findings)


def test_trust_allowing_any_service_account() -> None:
    w = world()
    open_trust = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Federated": b.PROVIDER_ARN}, "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": {"StringEquals": {f"{b.ISSUER_HP}:aud": "sts.amazonaws.com"}}}]})
    w.facts.role = w.facts.role.__class__(**{**w.facts.role.__dict__, "trust_policy": open_trust})
    report = scan(OPTS, session(w), pod_identity=ScanPodIdentity(w))
    [weak] = [f for f in report.findings if f.code == "TRUST-150"]
    assert "any ServiceAccount of any namespace" in weak.message


def test_renderers_and_callbacks() -> None:
    w = world()
    rows, progress = [], []
    report = scan(OPTS, session(w), pod_identity=ScanPodIdentity(w), on_row=rows.append,
                  on_progress=lambda d, t: progress.append((d, t)))
    assert sorted(r.key for r in rows) == sorted(r.key for r in report.rows)
    assert progress[0] == (0, 3) and progress[-1] == (3, 3)
    doc = json.loads(render_json(report))
    assert doc["kind"] == "scan" and doc["rows"][0]["chain"]["schema_version"] == 1
    assert "odd replica api-3" in render_text(report)
    assert "| ✘ |" in render_markdown(report)


@pytest.mark.parametrize("ns", [None])
def test_all_namespaces_lists_once(ns: None) -> None:
    w = world()
    scan(ScanOptions(namespaces=ns), session(w), pod_identity=ScanPodIdentity(w))
    assert w.calls["list_pods"] == 1 and w.calls["namespaces"] == 1


def test_an_unusable_kube_context_is_a_usage_error() -> None:
    from irsa_tui.engine import UsageError
    from irsa_tui.sources.kubeconfig import KubeconfigError

    w = world()
    w.fail["list_pods"] = KubeconfigError("kubeconfig context 'prod': exec: aws not found")
    with pytest.raises(UsageError, match="exec: aws not found"):
        scan(OPTS, session(w), pod_identity=ScanPodIdentity(w))


def test_oidc_provider_of_no_visible_cluster_with_all_namespaces() -> None:
    from dataclasses import replace as dc_replace

    from tests.scan.fakes import ScanAws

    orphan = f"arn:aws:iam::{b.ACCOUNT}:oidc-provider/oidc.eks.{b.REGION}.amazonaws.com/id/0LDC1USTER"
    other_region = f"arn:aws:iam::{b.ACCOUNT}:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ELSEWHERE"
    w = world()
    w.facts.provider = dc_replace(w.facts.provider, providers=(b.PROVIDER_ARN, orphan, other_region))

    class Listing(ScanAws):
        def list_clusters(self) -> list[str]:
            return self.w.answer("list_clusters", lambda: [b.CLUSTER])

    s = session(w)
    s.sources = s.sources.__class__(kube=s.sources.kube, aws=Listing(w), issuer=s.sources.issuer)
    report = scan(ScanOptions(namespaces=None), s, pod_identity=ScanPodIdentity(w))
    assert [f.subjects for f in report.findings if f.code == "OIDC-150"] == [(orphan,)]
    assert w.calls["oidc_provider"] == 1 and w.calls["describe_cluster"] == 1  # the chains' answers, reused
    namespaced = scan(OPTS, session(w), pod_identity=ScanPodIdentity(w))
    assert not [f for f in namespaced.findings if f.code == "OIDC-150"]  # an account-wide claim needs -A
