"""Every source x every fault kind, through real sockets on the lab (issue 5).

Each cell: the affected link(s) ``error`` (``fail`` where the fault is the finding), a one-line
summary naming the source and the fault, the other links still judged, exit 2 (1 for findings),
no traceback. The expectations live in ``cells.py``; their wall-time bounds are checked by bench/fault_matrix.py.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

from irsa_tui.lab.faults import KINDS, SOURCES, Fault, parse_fault
from irsa_tui.lab.world import LabWorld
from tests.faults.cells import UNLINKED, check, judge_cell, run_cell, sync_env

pytestmark = pytest.mark.integration


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("source", SOURCES)
def test_cell(world: LabWorld, source: str, kind: str) -> None:
    # A short per-call timeout only where the fault is a hang (it bounds the run); elsewhere a loaded
    # machine's slow answer must not turn into a timeout. Wall-time bounds: bench/fault_matrix.py.
    # An unlinked source's hang bounds nothing on the chain's path: a normal timeout keeps a loaded
    # machine's slow Kubernetes answer (GET node) from hiding the EC2 call the cell is about.
    timeout = 1.0 if kind == "hang" and source not in UNLINKED else 5.0
    outcome = run_cell(world, source, kind, timeout=timeout)
    problems = judge_cell(source, kind, outcome, timeout=timeout, timing=False)
    assert not problems, f"{source}:{kind} -> exit {outcome.code}, {outcome.statuses}: {problems}"


def test_healed_world_is_healthy_again(world: LabWorld) -> None:
    """A cell must not leak into the next: after set_faults([]) the chain passes again."""
    run_cell(world, "kubernetes", "refused")
    run_cell(world, "sts", "tls")
    outcome = check(world)
    assert outcome.code == 0, outcome.statuses


def test_match_limits_the_fault_to_one_call(world: LabWorld) -> None:
    world.set_faults(["kubernetes:403:/token"])
    outcome = check(world)
    assert outcome.statuses["service-account"] == "pass"
    assert outcome.statuses["token"] == "error"
    assert "create serviceaccounts/token" in outcome.summaries["token"]
    assert outcome.code == 2


def test_eks_failure_is_tolerated_when_the_token_names_the_issuer(world: LabWorld) -> None:
    """Live run: the token's iss stands in for DescribeCluster, so the chain is still judged,
    and the failed call is named as a warning rather than hidden."""
    world.set_faults(["eks:503"])
    sync_env(world)
    outcome = check(world)
    assert outcome.statuses["oidc-provider"] == "warn"
    assert outcome.code == 0


def test_fault_specs_are_parsed_or_rejected_in_one_line() -> None:
    assert parse_fault("kubernetes:403:serviceaccounts") == Fault("kubernetes", "403", "serviceaccounts")
    assert str(parse_fault("STS:hang")) == "sts:hang"
    for bad in ("sts", "dns:hang", "sts:418", ""):
        with pytest.raises(ValueError) as info:
            parse_fault(bad)
        assert "\n" not in str(info.value)


def _no_aws_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(key, raising=False)
    (tmp_path / "credentials").write_text("")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")  # no node role on a laptop
    monkeypatch.setenv("HOME", str(tmp_path))


def test_missing_credentials_are_named_fast(
    world: LabWorld, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _no_aws_env(monkeypatch, tmp_path)
    (tmp_path / "config").write_text("")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    outcome = check(world)  # quickly too: bench/fault_matrix.py times it
    # AssumeRoleWithWebIdentity is unsigned: the live call still settles what IAM would not show.
    assert outcome.code == 0 and not outcome.crash
    assert "could not read" in outcome.summaries["trust-policy"]
    assert "no AWS credentials found" in outcome.summaries["trust-policy"]
    assert outcome.statuses["token"] == "pass"  # Kubernetes still judged


def test_expired_sso_session_is_named_fast(
    world: LabWorld, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _no_aws_env(monkeypatch, tmp_path)
    start_url = "https://lab.awsapps.com/start"
    (tmp_path / "config").write_text(
        "[profile lab-sso]\n"
        f"sso_start_url = {start_url}\nsso_region = eu-west-1\nsso_account_id = 123456789012\n"
        "sso_role_name = ReadOnly\nregion = eu-west-1\n"
    )
    cache = tmp_path / ".aws" / "sso" / "cache"
    cache.mkdir(parents=True)
    (cache / f"{hashlib.sha1(start_url.encode()).hexdigest()}.json").write_text(
        json.dumps(
            {
                "startUrl": start_url,
                "region": "eu-west-1",
                "accessToken": "expired-lab-token",
                "expiresAt": "2020-01-01T00:00:00Z",
            }
        )
    )
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.setenv("AWS_PROFILE", "lab-sso")
    outcome = check(world)  # quickly too: bench/fault_matrix.py times it
    assert outcome.code == 0 and not outcome.crash
    assert "SSO session expired" in outcome.summaries["trust-policy"]
    assert "aws sso login" in outcome.summaries["trust-policy"]
    assert os.environ.get("AWS_PROFILE") == "lab-sso"
