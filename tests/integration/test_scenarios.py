"""Every lab scenario through `irsa-tui check … --json`: real clients, real sockets.

The CLI's `main` runs in this process (same code path as the console script, without
paying interpreter start-up 25 times); a few cases also run the real executable.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from irsa_tui.chain.registry import MECHANISMS
from irsa_tui.cli import main
from irsa_tui.lab.scenario import Scenario, expand, mechanism_links, scenarios
from irsa_tui.lab.world import LabWorld

pytestmark = pytest.mark.integration

EXIT = {"ok": 0, "broken": 1, "incomplete": 2}
EXE = str(Path(sys.executable).with_name("irsa-tui"))


def check_json(
    world: LabWorld, name: str, *extra: str, capsys: pytest.CaptureFixture[str]
) -> tuple[int, dict[str, Any]]:
    ns, pod = world.target(name)
    code = main(["check", f"{ns}/{pod}", "--context", name, "--json", *extra])
    out = capsys.readouterr().out
    return code, json.loads(out)


@pytest.mark.parametrize("scenario", scenarios(), ids=lambda s: s.name)
def test_scenario_verdict(world: LabWorld, scenario: Scenario, capsys: pytest.CaptureFixture[str]) -> None:
    if scenario.expect.mechanism not in MECHANISMS:  # a Pod Identity scenario before its chain is wired
        pytest.skip(f"mechanism {scenario.expect.mechanism!r} not in the registry yet "
                    "(its lab side: tests/integration/test_pod_identity_scenarios.py)")
    extra = [str(expand(arg, world.placeholders(scenario.name))) for arg in scenario.args]
    code, doc = check_json(world, scenario.name, *extra, capsys=capsys)
    assert doc["mechanism"] == scenario.expect.mechanism
    assert [link["id"] for link in doc["links"]] == list(mechanism_links(scenario.expect.mechanism))
    assert (doc["verdict"], doc["first_failure"]) == (
        scenario.expect.verdict,
        scenario.expect.first_failure,
    ), [(link["id"], link["status"], link["summary"]) for link in doc["links"] if link["status"] != "pass"]
    assert code == EXIT[doc["verdict"]]
    found = {f["code"] for link in doc["links"] for f in link["findings"]}
    missing = set(scenario.expect.codes) - found
    assert not missing, f"expected finding codes not reported: {missing}; got {sorted(found)}"
    for link in doc["links"]:
        assert link["summary"] and "\n" not in link["summary"]
        for text in (link["summary"], link["explanation"]):
            assert not re.search(r"\{[a-z_]+\}", text), f"unfilled placeholder in {link['id']}: {text}"
        fix = link["fix"] or ""
        if "<<'EOF'\n" in fix:  # a runnable fix writes a policy file: it must be valid JSON
            json.loads(fix.split("<<'EOF'\n", 1)[1].split("\nEOF\n", 1)[0])
        if link["status"] == "fail":
            assert link["fix"] or link["id"] in ("sts",), f"{link['id']} fails without a fix"
    assert doc["target"]["context"] == scenario.name
    eks = (scenario.world.get("cluster") or {}).get("eks", True)
    assert bool(doc["target"]["cluster"]) is eks and doc["target"]["region"] == "eu-west-1"


def test_healthy_evidence_names_real_values(world: LabWorld, capsys: pytest.CaptureFixture[str]) -> None:
    _, doc = check_json(world, "healthy", capsys=capsys)
    names = world.placeholders("healthy")
    text = json.dumps(doc)
    assert names["ROLE_ARN"] in text
    assert names["ISSUER"] in text
    sts = next(link for link in doc["links"] if link["id"] == "sts")
    assert "assumed-role/" in sts["summary"]


def test_trust_policy_failure_shows_expected_vs_actual(
    world: LabWorld, capsys: pytest.CaptureFixture[str]
) -> None:
    _, doc = check_json(world, "trust-sub-wrong-namespace", capsys=capsys)
    trust = next(link for link in doc["links"] if link["id"] == "trust-policy")
    evidence = json.dumps(trust["evidence"])
    assert "system:serviceaccount:default:api" in evidence
    assert "system:serviceaccount:payments:api" in evidence
    assert "update-assume-role-policy" in (trust["fix"] or "")


def test_no_live_makes_no_tokenrequest_sts_or_s3(world: LabWorld, capsys: pytest.CaptureFixture[str]) -> None:
    before = len(world.requests("trust-sub-wrong-namespace"))
    code, doc = check_json(world, "trust-sub-wrong-namespace", "--no-live", capsys=capsys)
    statuses = {link["id"]: link["status"] for link in doc["links"]}
    assert statuses["sts"] == statuses["s3"] == "skip"
    assert statuses["trust-policy"] == "fail"  # judged statically on the predicted claims
    assert code == 1
    new = world.requests("trust-sub-wrong-namespace")[before:]
    assert new and not any(method == "POST" for method, _ in new), new


def test_only_write_is_tokenrequest(world: LabWorld, capsys: pytest.CaptureFixture[str]) -> None:
    before = len(world.requests("healthy"))
    check_json(world, "healthy", capsys=capsys)
    writes = [(m, p) for m, p in world.requests("healthy")[before:] if m not in ("GET", "HEAD")]
    assert writes and all(m == "POST" and p.endswith("/token") for m, p in writes), writes


def test_bucket_flag_probes_that_bucket(world: LabWorld, capsys: pytest.CaptureFixture[str]) -> None:
    _, doc = check_json(world, "healthy", "--bucket", "no-such-bucket-here", capsys=capsys)
    s3 = next(link for link in doc["links"] if link["id"] == "s3")
    assert s3["status"] == "fail" and "no-such-bucket-here" in s3["summary"]


def test_pod_not_found_is_usage_error(world: LabWorld, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["check", "payments/nope-123", "--context", "healthy", "--json"])
    captured = capsys.readouterr()
    assert code == 64 and captured.out == ""
    assert "pod payments/nope-123 not found" in captured.err and "Traceback" not in captured.err


def test_executable_exit_codes_and_text(world: LabWorld) -> None:
    env = {**os.environ, **world.env}
    ns, pod = world.target("oidc-provider-missing")
    proc = subprocess.run(
        [EXE, "check", f"{ns}/{pod}", "--context", "oidc-provider-missing"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 1, proc.stderr
    assert "Verdict: BROKEN at oidc-provider" in proc.stdout
    assert "No OpenIDConnect provider found" in proc.stdout
    proc = subprocess.run(
        [EXE, "check", "--context", "healthy", "nope/x"], env=env, capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 64 and "Traceback" not in proc.stderr


def test_lab_shorthand_runs_its_own_world() -> None:
    # Separate process: the lab keeps moto state process-wide, one world per process.
    proc = subprocess.run(
        [EXE, "check", "--lab", "trust-sub-wrong-namespace", "--json"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    doc = json.loads(proc.stdout)
    assert proc.returncode == 1 and doc["first_failure"] == "trust-policy"
    # A scenario that needs probe options (--bucket/--object) brings its own to --lab.
    proc = subprocess.run(
        [EXE, "check", "--lab", "s3-kms-decrypt-denied", "--json"], capture_output=True, text=True, timeout=120
    )
    doc = json.loads(proc.stdout)
    assert proc.returncode == 1 and doc["first_failure"] == "s3", proc.stderr
    assert "S3-212" in {f["code"] for link in doc["links"] for f in link["findings"]}
    proc = subprocess.run(
        [EXE, "lab", "run", "healthy", "--", EXE, "check", "payments/api-7d9f8c6b5-x2x4z", "--json"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["verdict"] == "ok"
    # Issue 17 #11: the scenario's probe options travel with its kube context (namespace and the
    # irsa-tui extension), so a plain check inside `lab run` judges the same object as --lab does.
    proc = subprocess.run(
        [EXE, "lab", "run", "s3-kms-decrypt-denied", "--", EXE, "check", "--context", "s3-kms-decrypt-denied",
         "api-7d9f8c6b5-x2x4z", "--json"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    doc = json.loads(proc.stdout)
    assert proc.returncode == 1 and doc["first_failure"] == "s3", proc.stderr
    assert "S3-212" in {f["code"] for link in doc["links"] for f in link["findings"]}


@pytest.mark.parametrize(
    ("scenario", "decision"),
    [("s3-listbucket-on-objects-arn", "implicitDeny"), ("s3-bucket-policy-deny", "allowed")],
)
def test_s3_denial_is_told_apart_by_simulation(
    world: LabWorld, scenario: str, decision: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """iam:SimulatePrincipalPolicy says whether the identity policy is the problem or something else is."""
    _, doc = check_json(world, scenario, capsys=capsys)
    s3 = next(link for link in doc["links"] if link["id"] == "s3")
    assert s3["status"] == "fail"
    assert s3["evidence"]["simulation/s3:ListBucket"]["actual"] == decision


def test_wrong_cluster_name_is_a_visible_warning(world: LabWorld, capsys: pytest.CaptureFixture[str]) -> None:
    code, doc = check_json(world, "healthy", "--cluster", "no-such-cluster", capsys=capsys)
    oidc = next(link for link in doc["links"] if link["id"] == "oidc-provider")
    assert oidc["status"] == "warn" and "no-such-cluster" in oidc["summary"]
    assert code == 0 and doc["target"]["cluster"] == "no-such-cluster"


def _s3_link(doc: dict[str, Any]) -> dict[str, Any]:
    return next(link for link in doc["links"] if link["id"] == "s3")


def _object_args(world: LabWorld, name: str, key: str = "2024/08/INV-0004.pdf") -> list[str]:
    return ["--bucket", world.placeholders(name)["BUCKET"], "--object", key]


def test_kms_denial_is_the_real_s3_message_and_content_is_never_shown(
    world: LabWorld, capsys: pytest.CaptureFixture[str]
) -> None:
    name = "s3-kms-decrypt-denied"
    names = world.placeholders(name)
    code, doc = check_json(world, name, *_object_args(world, name), capsys=capsys)
    s3 = _s3_link(doc)
    assert code == 1 and s3["status"] == "fail"
    actual = s3["evidence"]["s3-object"]["actual"]
    assert re.fullmatch(
        rf"AccessDenied: User: arn:aws:sts::123456789012:assumed-role/{names['ROLE_NAME']}/\S+ is not authorized "
        rf"to perform: kms:Decrypt on resource: {re.escape(names['KMS_KEY_ARN'])} because no identity-based policy "
        r"allows the kms:Decrypt action",
        actual,
    ), actual
    assert s3["evidence"]["simulation/kms:Decrypt"]["actual"] == "implicitDeny"
    assert f"s3://{names['BUCKET']}/2024/08/INV-0004.pdf" in s3["summary"]
    assert "invoice 4" not in json.dumps(doc)


def test_kms_allowed_reads_one_byte_and_names_the_key(world: LabWorld, capsys: pytest.CaptureFixture[str]) -> None:
    name = "s3-kms-decrypt-allowed"
    code, doc = check_json(world, name, *_object_args(world, name), capsys=capsys)
    assert code == 0
    s3 = _s3_link(doc)
    assert s3["status"] == "pass"
    assert s3["evidence"]["s3-object"]["actual"] == (
        f"1 byte read; SSE-KMS, key {world.placeholders(name)['KMS_KEY_ARN']}"
    )
    assert "invoice 4" not in json.dumps(doc)
    # the probe reached S3 (and "1 byte read" of a longer object shows Range: bytes=0-0 was honoured)
    gets = [a for a in world.front.state.actions if a[1] == "GetObject" and a[3].endswith("INV-0004.pdf")]
    assert gets


def test_object_probe_is_in_text_and_markdown(world: LabWorld, capsys: pytest.CaptureFixture[str]) -> None:
    ns, pod = world.target("s3-object-missing")
    args = _object_args(world, "s3-object-missing", "2024/06/INV-0009.pdf")
    for fmt in ([], ["--markdown"]):
        code = main(["check", f"{ns}/{pod}", "--context", "s3-object-missing", *args, *fmt])
        out = capsys.readouterr().out
        assert code == 1
        assert "GetObject on s3://" in out and "2024/06/INV-0009.pdf" in out and "NoSuchKey" in out


def test_authorization_header_malformed_is_followed_and_named(
    world: LabWorld, capsys: pytest.CaptureFixture[str]
) -> None:
    code, doc = check_json(world, "s3-bucket-region-header-malformed", capsys=capsys)
    s3 = _s3_link(doc)
    assert code == 0 and s3["status"] == "warn"
    assert s3["evidence"]["s3-redirect"]["actual"] == "AuthorizationHeaderMalformed"
    assert (s3["evidence"]["bucket-region"]["expected"], s3["evidence"]["bucket-region"]["actual"]) == (
        "eu-west-1",
        "us-east-1",
    )
