"""End to end over real sockets: the Pod Identity sources feed the pure detection and credential logic.

What the next step wires into the engine, run here by hand against the lab's Pod Identity scenario:
for each pod, the mechanism it really uses and why, and the credentials each SDK family gets.
"""

from __future__ import annotations

from typing import Any

import pytest

from irsa_tui.chain.credentials import container_credentials, node_metadata
from irsa_tui.chain.facts import PodFacts
from irsa_tui.chain.mechanism import ContainerEnv, PodInput, association_inputs, detect_mechanism
from irsa_tui.chain.pod_identity_facts import InstanceFacts
from irsa_tui.lab.world import LabWorld
from irsa_tui.sources import pod_identity as pi
from irsa_tui.sources.aws import Aws
from irsa_tui.sources.kube import Kube
from tests.lab.conftest import PI_NODE_A, PI_NODE_B, PI_NS, PI_SCENARIO

pytestmark = pytest.mark.integration


def pod_input(pod: PodFacts) -> PodInput:
    return PodInput(
        namespace=pod.namespace,
        name=pod.name,
        service_account=pod.sa_name,
        containers=tuple(
            ContainerEnv(c.name, {e.name: e.value for e in c.env}, {m.name: m.mount_path for m in c.mounts},
                         init=c.kind == "init")
            for c in pod.containers
        ),
        volumes=tuple(v.name for v in pod.volumes),
        created=pod.created,
        labels=pod.labels,
        annotations=pod.annotations,
        host_network=pod.host_network,
    )


def diagnose(world: LabWorld, pod_name: str) -> tuple[Any, Any, Any]:
    """(mechanism verdict, botocore's and the other SDKs' choices, the node's instance) for one pod."""
    aws, kube = Aws(world.env["AWS_REGION"], timeout=5), Kube(PI_SCENARIO, timeout=5)
    cluster = world.placeholders(PI_SCENARIO)["CLUSTER"]
    pod = kube.get_pod(PI_NS, pod_name)
    sa = kube.get_service_account(PI_NS, pod.sa_name)
    found = pi.PodIdentityAws(aws).associations(cluster, PI_NS, pod.sa_name)
    verdict = detect_mechanism(pod_input(pod), sa.annotations.get("eks.amazonaws.com/role-arn"),
                               association_inputs(found))
    node = pi.PodIdentityKube(kube).get_node(str(pod.node_name))
    instance: InstanceFacts | None = pi.PodIdentityAws(aws).describe_instance(node.instance_id) if node.instance_id else None
    node_role = None
    if instance is not None and instance.instance_profile_arn:
        node_role = pi.PodIdentityAws(aws).get_instance_profile(instance.instance_profile_arn).role_arns[0]
    assoc_role = next((a.target_role_arn or a.role_arn for a in found), None)
    app = next(c for c in pod.containers if c.kind == "container")
    creds = container_credentials(app, pod, node=node_metadata(node, instance), association_role=assoc_role,
                                  node_role=node_role)
    return verdict, creds, node


def test_the_migrated_pod_uses_pod_identity_over_the_annotation(world: LabWorld) -> None:
    verdict, creds, node = diagnose(world, "api-7d9f8c6b5-x2x4z")
    cluster = world.placeholders(PI_SCENARIO)["CLUSTER"]
    assert (verdict.mechanism, verdict.configured) == ("pod-identity", ("irsa", "pod-identity"))
    assert "precedence at injection" in verdict.reasons[0]
    assert {c.source for c in creds.choices} == {"container"} and node.name == PI_NODE_A
    assert creds.choices[0].identity == f"arn:aws:iam::123456789012:role/{cluster}-pi"
    assert creds.choices[0].shadows == ("imds",)  # hop limit 2: the node role is there, shadowed


def test_a_pod_older_than_its_association_falls_back_to_the_node_role(world: LabWorld) -> None:
    verdict, creds, _ = diagnose(world, "reports-6f7d8c9b5-k2m4p")
    cluster = world.placeholders(PI_SCENARIO)["CLUSTER"]
    assert verdict.mechanism == "none" and verdict.injected == "pod-identity"
    assert "after the pod" in verdict.reasons[0] and "restart" in verdict.reasons[0]
    assert {c.source for c in creds.choices} == {"imds"}
    assert creds.choices[0].identity == f"the node role arn:aws:iam::123456789012:role/{cluster}-node"


def test_on_the_imdsv1_node_the_skipped_pod_still_reaches_the_node_role(world: LabWorld) -> None:
    """batch is skipped by label; its node (A) needs IMDSv2 with hop 2 - reachable."""
    verdict, creds, node = diagnose(world, "batch-5b6c7d8e9-q1w2e")
    assert verdict.mechanism == "none" and "skip-pod-identity-webhook" in verdict.reasons[0]
    assert creds.imds.reachable == "yes" and creds.imds.version == "v2" and node.name == PI_NODE_A


def test_the_chained_pod_on_the_hop_limit_1_node(world: LabWorld) -> None:
    verdict, creds, node = diagnose(world, "chain-9e0f1a2b3-p7a8s")
    cluster = world.placeholders(PI_SCENARIO)["CLUSTER"]
    assert node.name == PI_NODE_B and verdict.mechanism == "pod-identity"
    assert creds.choices[0].identity == f"arn:aws:iam::123456789012:role/{cluster}-target"
    # hop limit 1 with HttpTokens=optional: IMDSv1 still hands out the node role, shadowed here
    assert (creds.imds.reachable, creds.imds.version) == ("yes", "v1")
    java = next(c for c in creds.choices if c.sdk == "java-v2")
    assert java.on_failure.startswith("falls through to imds (the node role")


def test_a_fargate_pod_without_association_gets_nothing(world: LabWorld) -> None:
    verdict, creds, node = diagnose(world, "metrics-0f1a2b3c4-d9f0g")
    assert node.fargate and verdict.mechanism == "none" and verdict.configured == ()
    assert creds.imds.reachable == "no" and {c.source for c in creds.choices} == {None}
