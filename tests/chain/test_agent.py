"""Link agent (EKS Pod Identity): add-on/DaemonSet, an agent Ready on the pod's node, a node that can run it,
a node role allowed to call EKS Auth."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from irsa_tui.chain.errors import SourceError
from irsa_tui.chain.facts import EnvVar
from irsa_tui.chain.links import agent
from irsa_tui.chain.model import Status
from irsa_tui.chain.pod_identity_facts import AddonFacts, AgentFacts, AgentPodFacts, InstanceFacts, NodeFacts
from tests.chain import pod_identity_builders as pib

FACTS = pib.pi_facts()
NODE = FACTS.node
assert isinstance(NODE, NodeFacts)
PROXY = pib.pi_pod(containers=(pib.pi_container(env=(*pib.pi_container().env, EnvVar("HTTPS_PROXY", "x"),
                                                     EnvVar("HTTP_PROXY", "http://proxy:3128"))),))


@pytest.mark.parametrize(
    ("changes", "status", "code", "words"),
    [
        pytest.param({}, Status.PASS, "AGENT-001", "eks-pod-identity-agent-x7k2p", id="healthy"),
        pytest.param({"agent_addon": AddonFacts("eks-pod-identity-agent", installed=False),
                      "agent": AgentFacts(daemonset=False)}, Status.FAIL, "AGENT-201", "create-addon", id="absent"),
        pytest.param({"agent": AgentFacts(daemonset=True, desired=2, ready=2, pods=(
            AgentPodFacts("eks-pod-identity-agent-a", "other-node", True, "Running"),))},
                     Status.FAIL, "AGENT-202", "no eks-pod-identity-agent pod", id="not-on-node"),
        pytest.param({"agent": AgentFacts(daemonset=True, desired=1, ready=0, pods=(
            AgentPodFacts("eks-pod-identity-agent-x7k2p", pib.NODE, False, "Running", 7),))},
                     Status.FAIL, "AGENT-203", "kubectl -n kube-system logs eks-pod-identity-agent-x7k2p",
                     id="not-ready"),
        pytest.param({"node": replace(NODE, compute_type="fargate")}, Status.FAIL, "AGENT-204", "Fargate",
                     id="fargate"),
        pytest.param({"node": replace(NODE, os="windows")}, Status.FAIL, "AGENT-204", "Windows", id="windows"),
        pytest.param({"node_role": replace(pib.pi_facts().node_role, policies=())},  # type: ignore[type-var]
                     Status.FAIL, "AGENT-205", "AmazonEKSWorkerNodeMinimalPolicy", id="node-role"),
        pytest.param({"node_instance": InstanceFacts(pib.INSTANCE, "required", 2, "disabled", None)},
                     Status.FAIL, "AGENT-206", "--http-endpoint enabled", id="imds-disabled"),
        pytest.param({"agent_addon": AddonFacts("eks-pod-identity-agent", True, "v1", "DEGRADED",
                                                (("InsufficientNumberOfReplicas", "1 of 3 not ready"),))},
                     Status.WARN, "AGENT-101", "DEGRADED", id="degraded"),
        pytest.param({"pod": PROXY}, Status.WARN, "AGENT-102", "NO_PROXY", id="proxy"),
        pytest.param({"pod": pib.pi_pod(host_network=True)}, Status.WARN, "AGENT-103", "hostNetwork",
                     id="host-network"),
        pytest.param({"agent": SourceError("kubernetes", "forbidden", "GET daemonset: forbidden",
                                           permission="get daemonsets.apps in kube-system")},
                     Status.ERROR, None, "get daemonsets.apps", id="ds-forbidden"),
        pytest.param({"pod": pib.pi_pod(node_name=None)}, Status.SKIP, None, "not scheduled", id="unscheduled"),
    ],
)
def test_agent(changes: dict[str, Any], status: Status, code: str | None, words: str) -> None:
    result = agent.check(pib.pi_facts(**changes), {})
    assert result.status is status, result.summary
    if code:
        assert code in {f.code for f in result.findings}
    assert words in " ".join([result.summary, result.fix or "", result.explanation, str(result.details)])
