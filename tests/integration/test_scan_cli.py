"""`irsa-tui scan` through the real CLI against the lab (real clients, real sockets): the
scan-mixed-namespace scenario's workloads, its odd replica, its idle ServiceAccount and the cluster
findings; the JSON validates against the README's contract."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from irsa_tui.cli import main
from irsa_tui.lab.world import LabWorld
from tests.scan.contract import problems

pytestmark = pytest.mark.integration

SCENARIO = "scan-mixed-namespace"
EXE = str(Path(sys.executable).with_name("irsa-tui"))


def scan_json(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, Any]]:
    code = main(["scan", "--context", SCENARIO, "--json", *args])
    return code, json.loads(capsys.readouterr().out)


def _posts(world: LabWorld) -> int:
    return sum(1 for method, _ in world.requests(SCENARIO) if method == "POST")


def test_mixed_namespace(world: LabWorld, capsys: pytest.CaptureFixture[str]) -> None:
    posts = _posts(world)
    code, doc = scan_json(capsys, "-n", "payments")
    assert problems(doc) == []
    rows = {(r["kind"], r["name"]): r for r in doc["rows"]}
    assert set(rows) == {("Deployment", "api"), ("Deployment", "web"), ("StatefulSet", "ledger"),
                         ("DaemonSet", "agent"), ("ServiceAccount", "idle")}
    web = rows[("Deployment", "web")]
    assert (web["verdict"], web["first_failure"], web["replicas"]) == ("broken", "injection", 3)
    [odd] = web["odd_replicas"]
    assert odd["pod"] == "web-5f6d7c8b9-x2q3" and odd["differs"].startswith("not injected")
    assert web["chain"]["verdict"] == "ok"  # the representative replica is fine; the odd one is not
    ledger = rows[("StatefulSet", "ledger")]
    assert (ledger["verdict"], ledger["first_failure"], ledger["replicas"]) == ("broken", "service-account", 2)
    assert rows[("DaemonSet", "agent")]["verdict"] == "ok"
    assert rows[("ServiceAccount", "idle")]["verdict"] == "ok" and rows[("ServiceAccount", "idle")]["replicas"] == 0
    assert rows[("Deployment", "api")]["verdict"] == "ok"
    codes = {f["code"]: f for f in doc["findings"]}
    assert set(codes) == {"SA-250", "TRUST-150"}
    assert codes["TRUST-150"]["subjects"][1:] == ["payments/agent"]
    assert doc["counts"] == {"ok": 3, "broken": 2, "incomplete": 0, "error": 0}
    assert code == 1 and doc["verdict"] == "broken"
    # static: the claims were predicted, no TokenRequest or STS call
    token = next(link for link in web["chain"]["links"] if link["id"] == "token")
    assert "predicted" in json.dumps(token)
    assert _posts(world) == posts  # no TokenRequest (the only POST irsa-tui makes)


def test_all_namespaces_and_live(world: LabWorld, capsys: pytest.CaptureFixture[str]) -> None:
    code, doc = scan_json(capsys, "-A", "--live", "--workers", "2")
    assert problems(doc) == []
    assert doc["namespaces"] is None and doc["live"] is True
    assert {r["namespace"] for r in doc["rows"]} == {"payments"}
    api = next(r for r in doc["rows"] if r["name"] == "api")
    sts = next(link for link in api["chain"]["links"] if link["id"] == "sts")
    assert sts["status"] == "pass"  # --live: the real token went to STS
    assert code == 1
    text = json.dumps(doc)
    minted = world.minted_tokens()
    assert minted  # the live probes ran: tokens were minted, and none is in the output, whole or signature
    for token in minted:
        assert token not in text and token.rsplit(".", 1)[-1] not in text


def test_usage_errors(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scan", "-n", "payments", "-A"]) == 64
    assert "not allowed with argument" in capsys.readouterr().err
    assert main(["scan", "-n", "Bad_NS"]) == 64
    assert "not a valid Kubernetes name" in capsys.readouterr().err
    assert main(["scan", "--context", "no-such-context"]) == 64


def test_the_real_executable_text_and_markdown(world: LabWorld) -> None:
    env = dict(os.environ)
    text = subprocess.run([EXE, "scan", "--context", SCENARIO, "-n", "payments"], capture_output=True, text=True,
                          env=env, timeout=120)
    assert text.returncode == 1, text.stderr
    assert "odd replica web-5f6d7c8b9-x2q3" in text.stdout and "SA-250" in text.stdout
    assert "judged" not in text.stderr  # no progress bar: stderr is not a terminal
    forced = subprocess.run([EXE, "scan", "--context", SCENARIO, "-n", "payments", "--progress", "--markdown"],
                            capture_output=True, text=True, env=env, timeout=120)
    assert forced.stdout.startswith("# irsa-tui scan") and "| ✘ |" in forced.stdout
    assert "5/5 judged" in forced.stderr  # api, web (and its odd replica), ledger, agent
    quiet = subprocess.run([EXE, "scan", "--context", SCENARIO, "-n", "payments", "--progress", "--json"],
                           capture_output=True, text=True, env=env, timeout=120)
    assert "judged" not in quiet.stderr and json.loads(quiet.stdout)["kind"] == "scan"  # never with --json


def test_a_rows_chain_is_checks_chain(world: LabWorld, capsys: pytest.CaptureFixture[str]) -> None:
    """The representative's chain is what `check --no-live` says of that pod (scan runs IRSA's steps only
    for a pod only IRSA concerns; the judgement must not change)."""
    _, doc = scan_json(capsys, "-n", "payments")
    for row in doc["rows"]:
        if row["chain"] is None:
            continue
        pod = row["representative"]
        assert main(["check", f"payments/{pod}", "--context", SCENARIO, "--no-live", "--json"]) in (0, 1, 2)
        check = json.loads(capsys.readouterr().out)
        assert check["mechanism"] == row["chain"]["mechanism"] == row["mechanism"]
        assert [(link["id"], link["status"], link["summary"]) for link in check["links"]] == [
            (link["id"], link["status"], link["summary"]) for link in row["chain"]["links"]], pod


def test_throttling_until_the_deadline_is_error_rows_not_a_crash(world: LabWorld,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """IAM answers every GetRole with Throttling (the lab's fault, as IAM sends it): the scan backs off and
    retries until its deadline, then the rows that needed a role are incomplete; exit 2, no traceback."""
    world.set_faults(["iam:429:GetRole"])
    try:
        code, doc = scan_json(capsys, "-n", "payments", "--deadline", "4")
    finally:
        world.set_faults([])
    assert problems(doc) == []
    rows = {r["name"]: r for r in doc["rows"]}
    for name in ("api", "ledger", "agent", "idle"):  # each needs its role: unknown, never "missing"
        assert rows[name]["verdict"] in ("incomplete", "error"), rows[name]
    text = json.dumps(doc).lower()
    assert "throttl" in text or "deadline" in text
    assert all(f["code"] != "SA-250" for f in doc["findings"])
    # web's odd replica fails at injection whatever IAM says, if it was judged before the deadline
    broken = [r for r in doc["rows"] if r["verdict"] == "broken"]
    assert all(r["name"] == "web" and r["first_failure"] == "injection" for r in broken)
    assert code == (1 if broken else 2)


def test_pod_identity_targets_with_their_mechanism(world: LabWorld, capsys: pytest.CaptureFixture[str]) -> None:
    """A namespace of Pod Identity pods (injection-pod-identity-association): each row is judged on the
    Pod Identity chain, and the cluster findings name the pod to restart and the roles that do not trust
    pods.eks.amazonaws.com."""
    code = main(["scan", "--context", "injection-pod-identity-association", "-n", "payments", "--json"])
    doc = json.loads(capsys.readouterr().out)
    assert problems(doc) == []
    rows = {r["name"].split("-")[0]: r for r in doc["rows"]}
    assert {r["mechanism"] for r in doc["rows"]} == {"pod-identity"}
    assert (rows["api"]["verdict"], rows["api"]["chain"]["mechanism"]) == ("ok", "pod-identity")
    assert (rows["reports"]["verdict"], rows["reports"]["first_failure"]) == ("broken", "injection")
    assert (rows["audit"]["first_failure"], rows["etl"]["first_failure"]) == ("trust-policy", "trust-policy")
    findings = {(f["code"], f["subjects"][-1]) for f in doc["findings"]}
    assert findings == {("INJ-150", "payments/reports-6f7d8c9b5-k2m4p"), ("TRUST-250", "payments/audit"),
                        ("TRUST-250", "payments/etl")}
    assert code == 1
