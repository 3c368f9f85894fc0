"""`kubectl irsa` against the lab: kubectl finds the plugin on PATH and runs a real check; with no
terminal the TUI form says it needs one. Without kubectl installed, the binary kubectl would exec is run
by its exact name (kubectl-irsa)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from irsa_tui.lab.world import LabWorld

pytestmark = pytest.mark.integration

BIN = Path(sys.executable).parent
KUBECTL = shutil.which("kubectl")
PLUGIN = [KUBECTL, "irsa"] if KUBECTL else [str(BIN / "kubectl-irsa")]


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    env = {**env, "PATH": os.pathsep.join([str(BIN), env.get("PATH", "")])}
    return subprocess.run([*PLUGIN, *args], env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          timeout=120, check=False)


def test_kubectl_irsa_check_runs_a_check(world: LabWorld, tmp_path: Path) -> None:
    ns, pod = world.target("trust-sub-wrong-namespace")
    env = dict(os.environ)
    kubeconfig = env.pop("KUBECONFIG")  # given the kubectl way instead
    proc = _run(["check", pod, "-n", ns, "--context", "trust-sub-wrong-namespace", "--kubeconfig", kubeconfig,
                 "--json"], env)
    assert proc.returncode == 1, proc.stderr
    doc = json.loads(proc.stdout)
    assert (doc["verdict"], doc["first_failure"]) == ("broken", "trust-policy")
    assert doc["target"]["context"] == "trust-sub-wrong-namespace"


def test_kubectl_irsa_opens_the_tui_which_needs_a_terminal(world: LabWorld) -> None:
    proc = _run(["--context", "healthy"], dict(os.environ))
    assert proc.returncode == 64
    assert proc.stderr.startswith("kubectl irsa: the TUI needs a terminal")
