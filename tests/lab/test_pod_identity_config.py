"""The ``pod_identity:`` scenario section, without servers: nodes, the agent, injection, EKS's records."""

from __future__ import annotations

import json
from typing import Any

import pytest

from irsa_tui.lab import scenario as scn_mod
from irsa_tui.lab.kube import build_objects
from irsa_tui.lab.pod_identity import FULL_URI, TOKEN_FILE, PodIdentityWorld, pod_maker, validate

NODE_A = "ip-10-0-12-34.eu-west-1.compute.internal"
NODE_B = "ip-10-0-45-67.eu-west-1.compute.internal"
Objects = dict[str, dict[tuple[str | None, str], dict[str, Any]]]


def make(section: dict[str, Any], **world: Any) -> tuple[PodIdentityWorld, Objects, dict[str, Any]]:
    """Expand a scenario with this section and build its objects as LabWorld does (EC2 ids made up)."""
    scn = scn_mod.Scenario(
        name="podid-unit", title="t", breaks=None, namespace="payments", pod="api-7d9f8c6b5-x2x4z",
        expect=scn_mod.Expect("ok", None), world={"pod_identity": section, **world},
    )
    names = scn_mod.placeholders(scn, "https://127.0.0.1:1", "0" * 40, "https://127.0.0.1:2/clusters/podid-unit")
    cfg = scn_mod.expand(scn.config(), names)
    podid = PodIdentityWorld.from_config(scn.name, cfg, names)
    assert podid is not None
    objects = build_objects(podid.kube_config(cfg), names["CLUSTER"], "eu-west-1")
    podid.plan_nodes([n for (_, n) in objects["nodes"]])
    for i, node in enumerate(podid.nodes.values()):
        node.instance_id = f"i-0{i}aaaabbbbccccdddd"
    podid.apply(objects, cfg, pod_maker(names["CLUSTER"], str(cfg["pod"]["image"])))
    return podid, objects, cfg


def env(pod: dict[str, Any], container: int = 0) -> dict[str, str]:
    return {e["name"]: e.get("value") for e in pod["spec"]["containers"][container].get("env") or []}


def agent_nodes(objects: Objects) -> dict[str, bool]:
    return {
        p["spec"]["nodeName"]: p["status"]["conditions"][0]["status"] == "True"
        for (ns, _), p in objects["pods"].items()
        if ns == "kube-system" and p["metadata"].get("labels", {}).get("app.kubernetes.io/name") == "eks-pod-identity-agent"
    }


@pytest.mark.parametrize(
    ("section", "expected"),
    [
        ({}, {NODE_A: True, NODE_B: True}),
        ({"agent": {"not_ready": [NODE_B]}}, {NODE_A: True, NODE_B: False}),
        ({"agent": {"absent_on": [NODE_A]}}, {NODE_B: True}),
        ({"agent": {"daemonset": False}}, {}),
        ({"nodes": {"win-1": {"os": "windows"}, "hyb-1": {"compute_type": "hybrid"}, "auto-1": {"compute_type": "auto"},
                    "fargate-ip-10-0-9-9.x": {"compute_type": "fargate"}}}, {NODE_A: True, NODE_B: True}),
    ],
    ids=["all-ready", "not-ready", "absent", "no-daemonset", "ineligible-nodes"],
)
def test_the_agent_runs_on_eligible_linux_ec2_nodes(section: dict[str, Any], expected: dict[str, bool]) -> None:
    _, objects, _ = make(section)
    assert agent_nodes(objects) == expected
    ds = objects["daemonsets"].get(("kube-system", "eks-pod-identity-agent"))
    if not expected and section.get("agent", {}).get("daemonset") is False:
        assert ds is None
    else:
        assert ds is not None and ds["status"]["numberReady"] == sum(expected.values())


def test_nodes_carry_instance_ids_labels_and_os() -> None:
    _, objects, _ = make({"nodes": {"win-1": {"os": "windows"}, "fargate-ip-10-0-9-9.x": {"compute_type": "fargate"}}})
    nodes = {n: o for (_, n), o in objects["nodes"].items()}
    assert nodes[NODE_A]["spec"]["providerID"] == "aws:///eu-west-1a/i-00aaaabbbbccccdddd"
    assert nodes["win-1"]["metadata"]["labels"]["kubernetes.io/os"] == "windows"
    assert nodes["win-1"]["status"]["nodeInfo"]["operatingSystem"] == "windows"
    fargate = nodes["fargate-ip-10-0-9-9.x"]
    assert fargate["metadata"]["labels"]["eks.amazonaws.com/compute-type"] == "fargate"
    assert "/i-" not in fargate["spec"]["providerID"]
    assert "eks.amazonaws.com/compute-type" not in nodes[NODE_A]["metadata"]["labels"]


EXTRA = {"name": "job-1", "service_account": "job", "created_days_ago": 1}


@pytest.mark.parametrize(
    ("pod", "association", "world", "injected"),
    [
        ({}, {"created_days_ago": 30}, {}, True),
        ({}, {"created_days_ago": 0.5}, {}, False),  # made after the pod
        ({"labels": {"eks.amazonaws.com/skip-pod-identity-webhook": "true"}}, {}, {}, False),
        ({"annotations": {"eks.amazonaws.com/skip-containers": "job"}}, {}, {}, False),  # its only container
        ({}, {"namespace": "billing"}, {}, False),
        ({}, {}, {"webhook": {"present": False}}, False),
    ],
    ids=["before-pod", "after-pod", "skip-label", "skip-containers", "other-namespace", "no-webhook"],
)
def test_injection_at_create(pod: dict[str, Any], association: dict[str, Any], world: dict[str, Any], injected: bool) -> None:
    assoc = {"namespace": "payments", "service_account": "job", "role": "r", "created_days_ago": 30, **association}
    _, objects, _ = make({"associations": [assoc], "pods": [{**EXTRA, **pod}]}, **world)
    made = objects["pods"][("payments", "job-1")]
    volumes = [v["name"] for v in made["spec"]["volumes"]]
    assert ("eks-pod-identity-token" in volumes) is injected
    assert (env(made).get("AWS_CONTAINER_CREDENTIALS_FULL_URI") == FULL_URI) is injected
    assert ("payments", "job") in objects["serviceaccounts"]  # made for the extra pod (TokenRequest needs it)


def test_the_webhook_keeps_user_env_and_a_conflicting_volume_stops_it() -> None:
    preset = {**EXTRA, "env": {"AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://127.0.0.1:9/creds"}}
    _, objects, _ = make({"associations": [{"namespace": "payments", "service_account": "job", "role": "r"}],
                          "pods": [preset]})
    made = objects["pods"][("payments", "job-1")]
    assert env(made)["AWS_CONTAINER_CREDENTIALS_FULL_URI"] == "http://127.0.0.1:9/creds"
    assert "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE" not in env(made)
    # a hostPath volume under the reserved name: no patch at all ([WH] rawPodWithConflictingVolumeMount)
    from irsa_tui.lab.pod_identity import mutate_like_pod_identity_webhook

    pod = json.loads(json.dumps(made))
    pod["spec"]["volumes"] = [{"name": "eks-pod-identity-token", "hostPath": {"path": "/t"}}]
    pod["spec"]["containers"][0]["env"] = []
    assert mutate_like_pod_identity_webhook(pod, "eu-west-1") is False and env(pod) == {}


def test_host_network_pods() -> None:
    _, objects, _ = make({"pods": [{**EXTRA, "host_network": True}]})
    assert objects["pods"][("payments", "job-1")]["spec"]["hostNetwork"] is True


@pytest.mark.parametrize(
    ("pod_world", "association_days", "main_env"),
    [
        ({}, 30, {"pi"}),  # association older than the pod: Pod Identity, not IRSA
        ({}, 1, {"irsa"}),  # made after the pod (2 days old): the pod kept IRSA
        ({"mutate": True}, 30, {"irsa"}),  # forced IRSA mutation: the scenario says so
        ({"mutate": False}, 30, set()),
    ],
    ids=["pi-precedence", "association-after-pod", "forced-irsa", "forced-none"],
)
def test_main_pod_precedence(pod_world: dict[str, Any], association_days: float, main_env: set[str]) -> None:
    section = {"associations": [{"namespace": "payments", "service_account": "api", "role": "r",
                                 "created_days_ago": association_days}]}
    _, objects, cfg = make(section, pod=pod_world)
    got = env(objects["pods"][("payments", cfg["pod"]["name"])])
    have = ({"pi"} if got.get("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE") == TOKEN_FILE else set()) | (
        {"irsa"} if "AWS_ROLE_ARN" in got else set()
    )
    assert have == main_env


def test_registration_is_what_eks_answers() -> None:
    section = {
        "associations": [
            {"namespace": "payments", "service_account": "api", "role": "r", "target_role": "t",
             "disable_session_tags": True, "policy": {"Version": "2012-10-17", "Statement": []},
             "tags": {"team": "payments"}, "owner_arn": "arn:aws:eks:eu-west-1:123456789012:addon/x",
             "created_days_ago": 10, "modified_days_ago": 2},
            {"namespace": "payments", "service_account": "job", "role": "arn:aws:iam::999988887777:role/j",
             "target_role": "t", "external_id": "mine"},
        ],
        "addon": {"present": False},
    }
    podid, _, _ = make(section)
    reg = podid.registration("https://issuer", {"kid": "k"})
    api, job = reg.associations
    assert api.role_arn == "arn:aws:iam::123456789012:role/r" and api.target_role_arn == "arn:aws:iam::123456789012:role/t"
    assert api.external_id == f"eu-west-1/123456789012/{reg.name}/payments/api"
    assert json.loads(str(api.policy)) == {"Version": "2012-10-17", "Statement": []}
    assert api.tags == {"team": "payments"} and api.owner_arn and api.disable_session_tags
    assert api.modified_at > api.created_at
    assert job.role_arn == "arn:aws:iam::999988887777:role/j" and job.external_id == "mine"
    assert "eks-pod-identity-agent" not in [a.name for a in reg.addons] and reg.addons


@pytest.mark.parametrize(("allows", "has"), [(True, True), (False, False)])
def test_node_role_policy(allows: bool, has: bool) -> None:
    podid, _, _ = make({"node_role": {"allows_eks_auth": allows}})
    assert ("eks-auth:AssumeRoleForPodIdentity" in json.dumps(podid.node_policy())) is has


@pytest.mark.parametrize(
    ("section", "message"),
    [
        ({"asociations": []}, "unknown key 'asociations'"),
        ({"associations": [{"namespace": "a", "serviceaccount": "b"}]}, "associations[0]: unknown key 'serviceaccount'"),
        ({"nodes": {"n": {"http_tokens": "maybe"}}}, "nodes.n.http_tokens must be one of"),
        ({"node_defaults": {"compute_type": "lambda"}}, "compute_type must be one of"),
        ({"agent": []}, "pod_identity.agent must be a mapping"),
        ({"pods": [{"name": "p", "hostNetwork": True}]}, "unknown key 'hostNetwork'"),
    ],
)
def test_a_misspelt_section_is_a_clear_error(section: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=r"^x\.yaml: pod_identity") as info:
        validate(section, "x.yaml")
    assert message in str(info.value) and "\n" not in str(info.value)


def test_scenarios_without_the_section_have_no_pod_identity_world() -> None:
    scn = scn_mod.get("healthy")
    names = scn_mod.placeholders(scn, "https://127.0.0.1:1", "0" * 40, "https://127.0.0.1:2/clusters/healthy")
    assert PodIdentityWorld.from_config("healthy", scn_mod.expand(scn.config(), names), names) is None
