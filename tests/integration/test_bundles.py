"""Incident bundles against the lab: saved by check --save, replayed with no cluster and no AWS."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from irsa_tui.bundle import read_bundle
from irsa_tui.cli import main
from irsa_tui.lab.scenario import Scenario, expand, scenarios
from irsa_tui.lab.world import LabWorld

pytestmark = pytest.mark.integration

EXE = str(Path(sys.executable).with_name("irsa-tui"))


def _no_world_env(tmp_path: Path) -> dict[str, str]:
    """An environment where neither a cluster nor AWS can be reached: any call would fail loudly."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "KUBECONFIG", "SSL_CERT"))}
    env.update({"KUBECONFIG": str(tmp_path / "no-kubeconfig"), "AWS_ENDPOINT_URL": "http://127.0.0.1:9",
                "AWS_ACCESS_KEY_ID": "none", "AWS_SECRET_ACCESS_KEY": "none", "AWS_REGION": "eu-west-1"})
    return env


@pytest.mark.parametrize("scenario", scenarios(), ids=lambda s: s.name)
def test_replay_prints_exactly_what_check_printed(world: LabWorld, scenario: Scenario, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    ns, pod = world.target(scenario.name)
    extra = [str(expand(arg, world.placeholders(scenario.name))) for arg in scenario.args]
    bundle = tmp_path / "b.json"
    code = main(["check", f"{ns}/{pod}", "--context", scenario.name, "--json", "--save", str(bundle), *extra])
    checked = capsys.readouterr().out
    assert main(["replay", str(bundle), "--json"]) == code
    assert capsys.readouterr().out == checked
    assert json.loads(checked)["verdict"] == scenario.expect.verdict
    facts = read_bundle(bundle).facts
    assert facts is not None and facts["namespace"] == ns and facts["pod_name"] == pod


def test_a_bundle_replays_after_its_world_is_gone(tmp_path: Path) -> None:
    """Captured in a child process whose lab world stops with it; replayed in another one that can reach
    no cluster and no AWS: same verdict, same report, same exit code; the TUI form needs a terminal."""
    bundle = tmp_path / "incident.json"
    captured = subprocess.run([EXE, "check", "--lab", "trust-sub-wrong-namespace", "--save", str(bundle)],
                              capture_output=True, text=True, timeout=120, check=False)
    assert captured.returncode == 1, captured.stderr
    assert "bundle saved to" in captured.stderr
    env = _no_world_env(tmp_path)
    replayed = subprocess.run([EXE, "replay", str(bundle), "--text"], env=env, capture_output=True, text=True,
                              timeout=60, check=False)
    assert (replayed.returncode, replayed.stdout) == (1, captured.stdout)
    assert "Verdict: BROKEN at trust-policy" in replayed.stdout
    no_tty = subprocess.run([EXE, "replay", str(bundle)], env=env, stdin=subprocess.DEVNULL, capture_output=True,
                            text=True, timeout=60, check=False)
    assert no_tty.returncode == 64 and f"irsa-tui replay {bundle} --text" in no_tty.stderr
