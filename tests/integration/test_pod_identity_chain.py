"""The Pod Identity chain through `irsa-tui check --json` against the lab's Pod Identity world: real clients,
real sockets (EKS, EKS Auth, EC2, IAM, S3 through the AWS front; the Kubernetes stand-in)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from irsa_tui.cli import main
from irsa_tui.lab.world import LabWorld
from tests.lab.conftest import PI_NS, PI_SCENARIO

pytestmark = pytest.mark.integration

PI_LINKS = ["service-account", "association", "injection", "token", "agent", "trust-policy", "eks-auth", "s3"]


def check(pod: str, capsys: pytest.CaptureFixture[str], *extra: str) -> dict[str, Any]:
    main(["check", f"{PI_NS}/{pod}", "--context", PI_SCENARIO, "--json", *extra])
    doc: dict[str, Any] = json.loads(capsys.readouterr().out)
    return doc


def statuses(doc: dict[str, Any]) -> dict[str, str]:
    return {link["id"]: link["status"] for link in doc["links"]}


def test_healthy_pod_identity_pod_says_why_pod_identity_wins(world: LabWorld, capsys: pytest.CaptureFixture[str]) -> None:
    doc = check("api-7d9f8c6b5-x2x4z", capsys)
    assert doc["mechanism"] == "pod-identity"
    assert [link["id"] for link in doc["links"]] == PI_LINKS
    assert set(statuses(doc).values()) == {"pass"}, statuses(doc)
    detail = doc["mechanism_detail"]
    assert detail["uses"] == "pod-identity" and detail["injected"] == "pod-identity"
    assert set(detail["configured"]) >= {"pod-identity"}
    assert detail["association"]["role_arn"].endswith("-pi")
    eks_auth = next(link for link in doc["links"] if link["id"] == "eks-auth")
    assert "assumed-role/" in eks_auth["summary"]
    assert "secretAccessKey" not in json.dumps(doc) and "sessionToken" not in json.dumps(doc)


def test_pod_older_than_its_association_needs_a_restart(world: LabWorld, capsys: pytest.CaptureFixture[str]) -> None:
    doc = check("reports-6f7d8c9b5-k2m4p", capsys)
    assert (doc["mechanism"], doc["first_failure"]) == ("pod-identity", "injection")
    injection = next(link for link in doc["links"] if link["id"] == "injection")
    assert [f["code"] for f in injection["findings"]] == ["INJ-215"]
    assert "kubectl -n payments" in (injection["fix"] or "")
    assert doc["mechanism_detail"]["uses"] == "none"
    assert "after the pod" in " ".join(doc["mechanism_detail"]["reasons"])


def test_skip_label_no_tag_session_and_no_identity(world: LabWorld, capsys: pytest.CaptureFixture[str]) -> None:
    batch = check("batch-5b6c7d8e9-q1w2e", capsys)
    assert batch["first_failure"] == "injection"
    assert "INJ-216" in {f["code"] for link in batch["links"] for f in link["findings"]}
    audit = check("audit-7c8d9e0f1-r3t4y", capsys)
    trust = next(link for link in audit["links"] if link["id"] == "trust-policy")
    assert trust["status"] == "fail" and "sts:TagSession" in trust["summary"]
    assert "aws iam update-assume-role-policy" in (trust["fix"] or "")
    metrics = check("metrics-0f1a2b3c4-d9f0g", capsys)  # no annotation, no association: no identity of its own
    assert (metrics["mechanism"], metrics["first_failure"]) == ("none", "service-account")
    assert [link["id"] for link in metrics["links"]] == ["service-account"]
    assert metrics["links"][0]["findings"][0]["code"] == "SA-209"


def test_no_live_makes_no_eks_auth_call(world: LabWorld, capsys: pytest.CaptureFixture[str]) -> None:
    doc = check("api-7d9f8c6b5-x2x4z", capsys, "--no-live")
    assert statuses(doc)["eks-auth"] == "skip" and statuses(doc)["s3"] == "skip"
    assert doc["verdict"] == "ok"
