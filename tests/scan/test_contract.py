"""``scan --json`` keeps the contract the README documents (tests/scan/contract.py reads it from there)."""

from __future__ import annotations

import json

from irsa_tui.chain.pod_identity_facts import AssociationFacts
from irsa_tui.scan import ScanOptions, render_json, scan
from tests.chain import builders as b
from tests.scan.contract import contract, problems
from tests.scan.fakes import ScanPodIdentity, session
from tests.scan.test_scan import world


def test_the_readme_documents_the_contract() -> None:
    spec = contract()
    assert spec["rows[].verdict"] == ({"string"}, {"ok", "broken", "incomplete", "error"})
    assert spec["rows[].chain"][0] == {"object", "null"}
    assert len(spec) > 40


def test_scan_json_validates_against_the_readme() -> None:
    w = world()
    w.associations = [AssociationFacts("a-1", "arn:aws:eks:x", b.NS, "nobody", role_arn=b.ROLE_ARN)]
    doc = json.loads(render_json(scan(ScanOptions(namespaces=(b.NS,)), session(w), pod_identity=ScanPodIdentity(w))))
    assert problems(doc) == []
    assert any(r["odd_replicas"] for r in doc["rows"]) and doc["findings"]  # the nested parts were checked


def test_the_validator_can_fail() -> None:
    w = world()
    doc = json.loads(render_json(scan(ScanOptions(namespaces=(b.NS,)), session(w), pod_identity=ScanPodIdentity(w))))
    doc["rows"][0]["verdict"] = "fine"
    doc["rows"][0]["surprise"] = 1
    del doc["stats"]["calls"]
    doc["live"] = "no"
    found = problems(doc)
    assert any(p.startswith("rows[].verdict: 'fine'") for p in found)
    assert "rows[].surprise: output but not documented" in found
    assert "stats.calls: documented but missing" in found
    assert any(p.startswith("live: str") for p in found)
