"""The kubernetes client loads without its package __init__ extras, and nothing breaks for it."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from irsa_tui.lab.world import LabWorld

pytestmark = pytest.mark.integration

SCRIPT = """
import json, sys
from irsa_tui.engine import Options, diagnose
result = diagnose(Options(namespace=sys.argv[1], pod=sys.argv[2], context="healthy", live=False))
extras = sorted(m for m in sys.modules if m.split(".")[:2] in (["kubernetes", "watch"], ["kubernetes", "stream"],
                ["kubernetes", "dynamic"], ["kubernetes", "informer"], ["kubernetes", "leaderelection"]))
import kubernetes
from kubernetes import watch, __version__
import kubernetes.dynamic
print(json.dumps({"links": [link.status.value for link in result.links], "extras": extras,
                  "version": __version__, "watch": hasattr(watch, "Watch"), "dynamic": hasattr(kubernetes.dynamic, "DynamicClient")}))
"""

PREIMPORTED = """
import sys
import kubernetes
from irsa_tui.sources.kube import _import_kube_client
_import_kube_client()
print(type(sys.modules["kubernetes"].watch).__name__)
"""


def test_check_skips_unused_kubernetes_modules_and_they_still_import(world: LabWorld) -> None:
    ns, pod = world.target("healthy")
    out = subprocess.run([sys.executable, "-c", SCRIPT, ns, pod], env=dict(os.environ), capture_output=True,
                         text=True, timeout=120, check=True).stdout
    seen = json.loads(out.strip().splitlines()[-1])
    assert seen["links"][0] == "pass"  # the pod was read through the official client
    assert seen["extras"] == []
    assert seen["version"] and seen["watch"] and seen["dynamic"]


def test_an_already_imported_kubernetes_is_left_as_it_is() -> None:
    out = subprocess.run([sys.executable, "-c", PREIMPORTED], capture_output=True, text=True, timeout=60, check=True)
    assert out.stdout.strip() == "module"


LEAN = """
import json, sys
from irsa_tui.engine import Options, diagnose
result = diagnose(Options(namespace=sys.argv[1], pod=sys.argv[2], context="healthy", live=True))
heavy = [m for m in ("pydantic", "requests", "oauthlib", "requests_oauthlib", "kubernetes.client.api_client",
                     "kubernetes.config.kube_config") if m in sys.modules]
print(json.dumps({"links": [link.status.value for link in result.links], "heavy": heavy}))
"""


def test_a_check_reads_the_cluster_without_pydantic_requests_or_oauthlib(world: LabWorld) -> None:
    """The kube client's REST layer with a Configuration built from the kubeconfig: a whole live check
    (pod, ServiceAccount, webhooks, TokenRequest) never loads the ApiClient's pydantic or kube_config's
    requests/oauthlib (~75 ms of CPU together on a cold start)."""
    ns, pod = world.target("healthy")
    out = subprocess.run([sys.executable, "-c", LEAN, ns, pod], env=dict(os.environ), capture_output=True,
                         text=True, timeout=120, check=True).stdout
    seen = json.loads(out.strip().splitlines()[-1])
    assert seen["links"][:3] == ["pass", "pass", "pass"]  # service-account, injection, token: read and minted
    assert seen["heavy"] == []
