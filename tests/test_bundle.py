"""Incident bundles without the lab: the result round trip, redaction of the facts, and every way a file
can be wrong (each a one-line message, exit 64)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from irsa_tui import report
from irsa_tui.bundle import (
    FORMAT_VERSION,
    BundleError,
    facts_record,
    read_bundle,
    result_from_record,
    result_record,
    write_bundle,
)
from irsa_tui.chain.facts import ContainerFacts, EnvVar
from irsa_tui.chain.model import ChainResult, Finding, LinkId, LinkResult, Status, Target
from irsa_tui.cli import EXIT_USAGE, main
from tests.chain import builders as b
from tests.ui.fakes import _links

CAPTURED = datetime(2026, 11, 30, 23, 4, 5, tzinfo=UTC)


def _result(broken: bool = True) -> ChainResult:
    links = list(_links(broken))
    # a finding with arguments, so the round trip must carry them (the catalogue renders the message)
    links[0] = LinkResult(LinkId.SERVICE_ACCOUNT, Status.PASS, links[0].summary, evidence=links[0].evidence,
                          findings=(Finding("SA-001", {"namespace": b.NS, "name": b.SA, "role": b.ROLE_ARN}),))
    return ChainResult(Target(b.NS, b.POD, "prod", "prod-eks", "eu-west-1"), tuple(links), duration_ms=812)


@pytest.mark.parametrize("broken", [True, False])
def test_result_round_trip_renders_identically(broken: bool) -> None:
    result = _result(broken)
    doc = json.loads(json.dumps(result_record(result)))  # through real JSON text
    again = result_from_record(doc)
    assert report.render_json(again) == report.render_json(result)
    assert report.render_markdown(again) == report.render_markdown(result)
    assert report.render_text(again, verbose=True) == report.render_text(result, verbose=True)
    assert again.verdict is result.verdict and again.first_failure == result.first_failure
    assert again.links[0].findings == result.links[0].findings


def test_the_detected_mechanism_and_why_survive_the_round_trip() -> None:
    from dataclasses import replace

    from irsa_tui.chain.mechanism import AssociationInput, ContainerMechanism, MechanismVerdict

    verdict = MechanismVerdict(
        "pod-identity", ("irsa", "pod-identity"), "pod-identity",
        (ContainerMechanism("app", "pod-identity", False, True, "FULL_URI points at the agent"),),
        ("both are configured; the webhook gives the Pod Identity association precedence",),
        AssociationInput(b.NS, b.SA, "a-abcdefghijklmnop1", b.ROLE_ARN, None, CAPTURED - timedelta(days=3)))
    result = replace(_result(False), mechanism="pod-identity", detection=verdict)
    again = result_from_record(json.loads(json.dumps(result_record(result))))
    assert again.detection == verdict
    assert report.render_json(again) == report.render_json(result)


def test_the_credentials_section_survives_the_round_trip() -> None:
    """Each container's sources per SDK family and the node role (nested dataclasses, Literals, optionals)."""
    from dataclasses import replace

    from irsa_tui.chain.credentials import NodeIdentity, NodeMetadata, node_identity, pod_credentials
    from irsa_tui.chain.pod_identity_facts import InstanceFacts, InstanceProfileFacts, NodeFacts

    pod = b.healthy_pod(containers=(b.app_container(env=(EnvVar("AWS_ACCESS_KEY_ID", None),)),))
    node = node_identity(
        "ip-10-0-1-2", NodeFacts("ip-10-0-1-2", "aws:///eu-west-1a/i-0abc", "i-0abc", "eu-west-1a", "linux", None),
        InstanceFacts("i-0abc", "required", 2, "enabled", "arn:aws:iam::111122223333:instance-profile/np"),
        InstanceProfileFacts("np", "arn:aws:iam::111122223333:instance-profile/np",
                             ("arn:aws:iam::111122223333:role/node",)))
    assert isinstance(node, NodeIdentity) and isinstance(node.metadata, NodeMetadata)
    result = replace(_result(False), credentials=pod_credentials(pod, node), node=node)
    assert result.credentials and result.credentials[0].choices
    again = result_from_record(json.loads(json.dumps(result_record(result))))
    assert again.credentials == result.credentials and again.node == node
    assert report.render_json(again) == report.render_json(result)


def _facts() -> Any:
    facts = b.healthy_facts()
    token = facts.token
    assert token is not None and not isinstance(token, Exception)
    return facts


def test_facts_record_never_holds_the_token_and_hides_foreign_env_values() -> None:
    from dataclasses import replace

    facts = _facts()
    token = replace(facts.token, raw="eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlc2lnbmF0dXJl")
    pod = replace(facts.pod, containers=(ContainerFacts(
        "app", env=(EnvVar("AWS_ROLE_ARN", b.ROLE_ARN), EnvVar("DB_PASSWORD", "hunter2-hunter2"),
                    EnvVar("FROM_SECRET", None, "secretKeyRef db/password"))),))
    facts.token, facts.pod = token, pod
    record = facts_record(facts)
    text = json.dumps(record)
    assert token.raw not in text and "c2lnbmF0dXJlc2lnbmF0dXJl" not in text and "hunter2" not in text
    env = {e["name"]: e["value"] for e in record["pod"]["containers"][0]["env"]}
    assert env == {"AWS_ROLE_ARN": b.ROLE_ARN, "DB_PASSWORD": "<redacted: 15 chars>", "FROM_SECRET": None}
    assert record["token"]["claims"]["sub"] == token.claims["sub"]  # the claims stay: they are the evidence
    assert record["token"]["signature_redacted"] == token.signature_redacted
    assert record["token"]["type"] == "TokenFacts" and "raw" not in record["token"]


def test_write_then_read(tmp_path: Path) -> None:
    path = write_bundle(tmp_path / "b.json", _result(), _facts(), {"live": True, "bucket": None},
                        captured_at=CAPTURED, caller="arn:aws:iam::111122223333:user/sre")
    assert path.stat().st_mode & 0o777 == 0o600
    bundle = read_bundle(path)
    assert bundle.captured_at == CAPTURED and bundle.caller == "arn:aws:iam::111122223333:user/sre"
    assert report.render_json(bundle.result) == report.render_json(_result())
    banner = bundle.banner(now=CAPTURED + timedelta(hours=3))
    assert "2026-11-30 23:04:05 UTC (3 h ago)" in banner and "context prod" in banner and "cluster prod-eks" in banner
    assert "\n" not in banner


@pytest.mark.parametrize("fmt", ["--text", "--json", "--markdown"])
def test_replay_prints_the_report_with_checks_exit_code(fmt: str, tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    write_bundle(tmp_path / "b.json", _result(), None, {"live": True})
    assert main(["replay", str(tmp_path / "b.json"), fmt]) == 1  # broken, as check would have exited
    out = capsys.readouterr().out
    expected = {"--text": report.render_text(_result()), "--json": report.render_json(_result()),
                "--markdown": report.render_markdown(_result())}[fmt]
    assert out == expected


def _doc(tmp_path: Path) -> dict[str, Any]:
    write_bundle(tmp_path / "good.json", _result(), None, {"live": True})
    doc: dict[str, Any] = json.loads((tmp_path / "good.json").read_text())
    return doc


@pytest.mark.parametrize(
    ("damage", "words"),
    [
        (lambda d: "{not json", "not JSON"),
        (lambda d: b"\xff\xfe\x00".decode("latin-1"), "not JSON"),
        (lambda d: json.dumps([1, 2]), "not an irsa-tui bundle"),
        (lambda d: json.dumps({**d, "format": "something-else"}), "not an irsa-tui bundle"),
        (lambda d: json.dumps({**d, "format_version": FORMAT_VERSION + 1, "irsa_tui_version": "9.0"}),
         "upgrade irsa-tui"),
        (lambda d: json.dumps({**d, "format_version": "1"}), "damaged"),
        (lambda d: json.dumps({**d, "result": {"links": []}}), "damaged"),
        (lambda d: json.dumps({**d, "captured_at": "yesterday"}), "damaged"),
        (lambda d: json.dumps({**d, "result": {**d["result"], "links": [{**d["result"]["links"][0], "id": "nope"}]}}),
         "damaged"),
        (lambda d: json.dumps({**d, "result": {**d["result"], "links": [
            {**d["result"]["links"][0], "findings": [{"code": "ZZ-999", "args": {}}]}]}}), "ZZ-999"),
        (lambda d: json.dumps({**d, "result": {**d["result"], "duration_ms": "fast"}}), "damaged"),
        (lambda d: json.dumps({**d, "result": {**d["result"], "links": [{**d["result"]["links"][0], "fix": 7}]}}),
         "damaged"),
        (lambda d: json.dumps({**d, "result": {**d["result"], "links": [{**d["result"]["links"][0], "evidence": [
            {"key": "k", "label": "l", "expected": 5, "actual": None, "ok": None}]}]}}), "damaged"),
    ],
)
def test_a_wrong_file_is_one_line_and_exit_64(damage: Any, words: str, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(damage(_doc(tmp_path)), encoding="utf-8")
    with pytest.raises(BundleError, match=words):
        read_bundle(bad)
    assert main(["replay", str(bad), "--json"]) == EXIT_USAGE
    captured = capsys.readouterr()
    assert captured.out == "" and words in captured.err and len(captured.err.strip().splitlines()) == 1


def test_missing_file_and_save_to_a_missing_directory(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["replay", str(tmp_path / "nope.json")]) == EXIT_USAGE
    assert "cannot read" in capsys.readouterr().err
    assert main(["check", "payments/api", "--save", str(tmp_path / "no" / "such" / "b.json")]) == EXIT_USAGE
    assert "cannot write a bundle" in capsys.readouterr().err
