"""``irsa-tui scan -A --json`` on the generated fleet world reports exactly the breakage planted in it.

The fleet (lab/fleet.py: 5,000 ServiceAccounts, 2,000 pods, 500 roles) runs in its own process, as
``irsa-tui lab serve fleet`` (moto keeps its state process-wide and the test session's world is the
scenario catalogue's); the scan is the real CLI with the real clients against it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from irsa_tui.lab import fleet

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from _lab import lab_process

IRSA_KINDS = [k for k, spec in fleet.KINDS.items() if spec.mechanism == "irsa" and spec.verdict is not None]


@pytest.fixture(scope="module")
def manifest() -> fleet.FleetManifest:
    return fleet.manifest()


@pytest.fixture(scope="module")
def report() -> Iterator[tuple[int, dict[str, Any]]]:
    with lab_process(["fleet"]) as env:
        run_env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        run_env.update(env)
        proc = subprocess.run(
            [sys.executable, "-m", "irsa_tui", "scan", "--context", "fleet", "-A", "--json"],
            env=run_env, capture_output=True, text=True, timeout=600,
        )
    assert proc.stdout, proc.stderr[-2000:]
    yield proc.returncode, json.loads(proc.stdout)


def _rows(doc: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(r["namespace"], f"{r['kind']}/{r['name']}"): r for r in doc["rows"]}


def _subjects(doc: dict[str, Any], code: str) -> set[str]:
    return {s for f in doc["findings"] if f["code"] == code for s in f["subjects"]}


def test_the_scan_exits_1_and_covers_every_workload(report: tuple[int, dict[str, Any]],
                                                    manifest: fleet.FleetManifest) -> None:
    code, doc = report
    assert code == 1 and doc["verdict"] == "broken"
    assert doc["errors"] == []
    rows = _rows(doc)
    missing = [(w.namespace, w.workload) for w in manifest.workloads if (w.namespace, w.workload) not in rows]
    assert missing == []
    assert doc["stats"]["service_accounts"] >= manifest.service_accounts
    assert doc["stats"]["pods"] >= manifest.pods


def test_irsa_breakage_is_exactly_what_was_planted(report: tuple[int, dict[str, Any]],
                                                   manifest: fleet.FleetManifest) -> None:
    _, doc = report
    rows = _rows(doc)
    broken = {k for k, r in rows.items() if r["mechanism"] == "irsa" and r["verdict"] != "ok"}
    planted = {(p.namespace, p.workload) for p in manifest.planted
               if p.kind in IRSA_KINDS and p.expect.verdict == "broken"}
    assert broken == planted
    by_kind: dict[str, int] = {}
    for p in manifest.planted:
        if p.kind not in IRSA_KINDS:
            continue
        row = rows[(p.namespace, p.workload)]
        spec = p.expect
        assert (row["verdict"], row["first_failure"]) == (spec.verdict, spec.first_failure), (p, row["summary"])
        assert spec.code in row["codes"], (p, row["codes"])
        assert sorted(o["pod"] for o in row["odd_replicas"]) == sorted(p.odd_pods), p
        assert row["replicas"] == len(p.pods)
        by_kind[p.kind] = by_kind.get(p.kind, 0) + 1
    assert by_kind == {k: fleet.KINDS[k].count for k in IRSA_KINDS}


def test_healthy_irsa_workloads_are_ok_with_no_warning(report: tuple[int, dict[str, Any]],
                                                       manifest: fleet.FleetManifest) -> None:
    _, doc = report
    rows = _rows(doc)
    for w in manifest.workloads:
        if w.mechanism == "irsa" and w.kind is None:
            row = rows[(w.namespace, w.workload)]
            assert row["verdict"] == "ok" and row["odd_replicas"] == [], (w, row["summary"])
            assert not [c for c in row["codes"] if c[c.index("-") + 1] != "0"], (w, row["codes"])
            assert row["replicas"] == len(w.pods)


def test_cluster_findings_name_exactly_the_planted_targets(report: tuple[int, dict[str, Any]],
                                                           manifest: fleet.FleetManifest) -> None:
    _, doc = report

    def planted_roles(*kinds: str) -> set[str]:
        return {str(p.role_arn) for k in kinds for p in manifest.of_kind(k)}

    def arns(code: str) -> set[str]:
        return {s for s in _subjects(doc, code) if s.startswith("arn:aws:iam::")}

    assert arns("SA-250") == planted_roles("role-missing")
    assert arns("TRUST-150") == planted_roles("trust-wildcard-sub", "trust-no-sub")
    assert arns("TRUST-250") == planted_roles("pod-identity-trust")
    restart = {f"{p.namespace}/{pod}" for k in ("pod-before-annotation", "annotation-changed")
               for p in manifest.of_kind(k) for pod in p.pods}
    assert _subjects(doc, "INJ-150") == restart
    orphans = {f"{p.namespace}/{p.workload}" for k in ("association-missing-sa", "association-missing-namespace")
               for p in manifest.of_kind(k)}
    assert _subjects(doc, "SA-251") == orphans


def test_idle_service_accounts_and_orphan_associations_are_rows(report: tuple[int, dict[str, Any]],
                                                                manifest: fleet.FleetManifest) -> None:
    _, doc = report
    rows = _rows(doc)
    idle = {k for k, r in rows.items() if r["kind"] == "ServiceAccount"}
    assert idle == {(p.namespace, p.workload) for p in manifest.of_kind("sa-role-no-pod")}
    orphan = {k for k, r in rows.items() if r["kind"] == "PodIdentityAssociation"}
    assert orphan == {(p.namespace, p.workload) for k in ("association-missing-sa", "association-missing-namespace")
                      for p in manifest.of_kind(k)}
    assert all(rows[k]["verdict"] == "broken" for k in orphan)


def test_pod_identity_workloads_are_diagnosed_as_pod_identity(report: tuple[int, dict[str, Any]],
                                                              manifest: fleet.FleetManifest) -> None:
    _, doc = report
    rows = _rows(doc)
    for w in manifest.workloads:
        if w.mechanism == "pod-identity":
            assert rows[(w.namespace, w.workload)]["mechanism"] == "pod-identity", w
            if w.kind is None:
                assert rows[(w.namespace, w.workload)]["verdict"] == "ok", w


def test_an_association_role_without_pod_identity_trust_breaks_its_rows(report: tuple[int, dict[str, Any]],
                                                                         manifest: fleet.FleetManifest) -> None:
    _, doc = report
    rows = _rows(doc)
    for p in manifest.of_kind("pod-identity-trust"):
        row = rows[(p.namespace, p.workload)]
        assert (row["verdict"], row["first_failure"]) == ("broken", "trust-policy"), row["summary"]
