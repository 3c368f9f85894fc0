"""Pod Identity and node source adapters against the lab world over real sockets (boto3 and the
kubernetes client, no stubbers), including every missing permission on the caller's side."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from irsa_tui.chain.pod_identity_facts import AgentFacts
from irsa_tui.lab.world import LabWorld
from irsa_tui.sources import pod_identity as pi
from irsa_tui.sources.aws import Aws
from irsa_tui.sources.kube import Kube, SourceFailure
from tests.lab.conftest import PI_FARGATE, PI_NODE_A, PI_NODE_B, PI_NS, PI_SCENARIO

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("lab_world")]

SCN, NS, NODE_A, NODE_B, FARGATE = PI_SCENARIO, PI_NS, PI_NODE_A, PI_NODE_B, PI_FARGATE


@pytest.fixture(scope="module")
def cluster(lab_world: LabWorld) -> str:
    return lab_world.placeholders(SCN)["CLUSTER"]


@pytest.fixture
def aws(lab_world: LabWorld) -> Aws:
    return Aws(lab_world.env["AWS_REGION"], timeout=5)


@pytest.fixture
def kube(lab_world: LabWorld) -> Kube:
    return Kube(SCN, timeout=5)


@pytest.fixture
def denied(lab_world: LabWorld) -> Iterator[LabWorld]:
    yield lab_world
    lab_world.set_denied_actions([])
    lab_world.set_rbac_deny(SCN, [])


def failure(fn: object, *args: object) -> SourceFailure:
    with pytest.raises(SourceFailure) as info:
        fn(*args)  # type: ignore[operator]
    return info.value


def token(kube: Kube, pod_name: str) -> str:
    pod = kube.get_pod(NS, pod_name)
    return kube.token_request(pod, "pods.eks.amazonaws.com")[0]


# --- EKS --------------------------------------------------------------------------------------


def test_associations_are_listed_over_pages_and_described(aws: Aws, cluster: str, lab_world: LabWorld) -> None:
    before = len(lab_world.aws_requests())
    found = pi.PodIdentityAws(aws).associations(cluster)
    assert sorted(a.service_account for a in found) == ["api", "audit", "batch", "chain", "etl", "foreign", "reports"]
    by_sa = {a.service_account: a for a in found}
    assert by_sa["api"].role_arn == f"arn:aws:iam::123456789012:role/{cluster}-pi"
    assert by_sa["api"].created is not None and by_sa["api"].detail_error is None
    assert by_sa["chain"].target_role_arn and by_sa["chain"].external_id
    assert by_sa["etl"].disable_session_tags is True and by_sa["api"].disable_session_tags is False
    actions = [a for _, a, _, _ in lab_world.aws_requests()[before:]]
    assert actions.count("DescribePodIdentityAssociation") == 7 and "ListPodIdentityAssociations" in actions


def test_associations_filter_by_namespace_and_service_account(aws: Aws, cluster: str, lab_world: LabWorld) -> None:
    (only,) = pi.PodIdentityAws(aws).associations(cluster, NS, "api")
    assert only.service_account == "api" and only.association_id.startswith("a-")
    assert pi.PodIdentityAws(aws).associations(cluster, NS, "nobody") == ()
    assert pi.PodIdentityAws(aws).associations(lab_world.placeholders("healthy")["CLUSTER"]) == ()


def test_list_denied_names_the_action(aws: Aws, cluster: str, denied: LabWorld) -> None:
    denied.set_denied_actions(["eks:ListPodIdentityAssociations"])
    err = failure(pi.PodIdentityAws(aws).associations, cluster).error
    assert (err.source, err.kind, err.permission, err.status) == ("eks", "forbidden", "eks:ListPodIdentityAssociations", 403)


def test_describe_denied_keeps_the_summaries(aws: Aws, cluster: str, denied: LabWorld) -> None:
    denied.set_denied_actions(["eks:DescribePodIdentityAssociation"])
    found = pi.PodIdentityAws(aws).associations(cluster, NS, "api")
    assert found[0].role_arn is None and found[0].association_arn.endswith(found[0].association_id)
    err = found[0].detail_error
    assert err is not None and err.permission == "eks:DescribePodIdentityAssociation" and err.kind == "forbidden"


def test_agent_addon_installed_absent_and_denied(aws: Aws, cluster: str, denied: LabWorld) -> None:
    addon = pi.PodIdentityAws(aws).describe_addon(cluster)
    assert addon.installed and addon.status == "ACTIVE" and addon.version and addon.issues == ()
    assert pi.PodIdentityAws(aws).describe_addon(denied.placeholders("healthy")["CLUSTER"]).installed is False
    err = failure(pi.PodIdentityAws(aws).describe_addon, "no-such-cluster").error
    assert err.kind == "not-found" and "No cluster found" in err.message  # not "no add-on"
    denied.set_denied_actions(["eks:DescribeAddon"])
    err = failure(pi.PodIdentityAws(aws).describe_addon, cluster).error
    assert (err.kind, err.permission) == ("forbidden", "eks:DescribeAddon")


# --- EKS Auth ------------------------------------------------------------------------------------


def test_eks_auth_gives_credentials_kept_in_memory(aws: Aws, kube: Kube, cluster: str) -> None:
    facts, creds = pi.PodIdentityAws(aws).assume_role_for_pod_identity(cluster, token(kube, "api-7d9f8c6b5-x2x4z"))
    assert facts.ok and facts.audience == "pods.eks.amazonaws.com"
    assert (facts.namespace, facts.service_account) == (NS, "api")
    assert facts.assumed_role_arn and f"assumed-role/{cluster}-pi/eks-{cluster}-" in facts.assumed_role_arn
    assert facts.expiration is not None and creds is not None
    assert repr(creds) == "Credentials(<redacted>)" and creds.access_key_id not in repr(facts)


def test_eks_auth_verdicts_are_data(aws: Aws, kube: Kube, cluster: str) -> None:
    facts, creds = pi.PodIdentityAws(aws).assume_role_for_pod_identity(cluster, token(kube, "audit-7c8d9e0f1-r3t4y"))
    assert creds is None and not facts.ok
    assert (facts.error_code, facts.http_status) == ("AccessDeniedException", 400)
    assert "associated role" in (facts.error_message or "")
    facts, _ = pi.PodIdentityAws(aws).assume_role_for_pod_identity(cluster, token(kube, "metrics-0f1a2b3c4-d9f0g"))
    assert (facts.error_code, facts.http_status) == ("ResourceNotFoundException", 404)


def test_eks_auth_caller_denied_is_a_missing_permission_not_a_verdict(
    aws: Aws, kube: Kube, cluster: str, denied: LabWorld
) -> None:
    tok = token(kube, "api-7d9f8c6b5-x2x4z")
    denied.set_denied_actions(["eks-auth:AssumeRoleForPodIdentity"])
    err = failure(pi.PodIdentityAws(aws).assume_role_for_pod_identity, cluster, tok).error
    assert (err.source, err.kind, err.permission) == ("eks-auth", "forbidden", "eks-auth:AssumeRoleForPodIdentity")
    assert tok not in err.one_line()


def test_eks_auth_endpoint_from_its_own_variable(
    lab_world: LabWorld, kube: Kube, cluster: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL_EKS_AUTH", lab_world.env["AWS_ENDPOINT_URL"])
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
    tok = token(kube, "api-7d9f8c6b5-x2x4z")
    facts, creds = pi.PodIdentityAws(Aws(lab_world.env["AWS_REGION"], timeout=5)).assume_role_for_pod_identity(cluster, tok)
    assert facts.ok and creds is not None and facts.endpoint == lab_world.env["AWS_ENDPOINT_URL"]


def test_eks_auth_unreachable_is_a_source_failure(
    lab_world: LabWorld, kube: Kube, cluster: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    tok = token(kube, "api-7d9f8c6b5-x2x4z")
    monkeypatch.setenv("AWS_ENDPOINT_URL_EKS_AUTH", "http://127.0.0.1:9")
    err = failure(pi.PodIdentityAws(Aws(lab_world.env["AWS_REGION"], timeout=2)).assume_role_for_pod_identity, cluster, tok).error
    assert (err.source, err.kind) == ("eks-auth", "unreachable")


# --- nodes, EC2, IAM ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("node", "tokens", "hop"), [(NODE_A, "required", 2), (NODE_B, "optional", 1)])
def test_node_instance_metadata_options_and_node_role(
    aws: Aws, kube: Kube, cluster: str, node: str, tokens: str, hop: int
) -> None:
    facts = pi.PodIdentityKube(kube).get_node(node)
    assert facts.instance_id and facts.zone and facts.zone.startswith("eu-west-1") and not facts.fargate
    inst = pi.PodIdentityAws(aws).describe_instance(facts.instance_id)
    assert (inst.http_tokens, inst.hop_limit, inst.http_endpoint, inst.state) == (tokens, hop, "enabled", "running")
    assert inst.instance_profile_arn
    profile = pi.PodIdentityAws(aws).get_instance_profile(inst.instance_profile_arn)
    assert profile.role_arns == (f"arn:aws:iam::123456789012:role/{cluster}-node",)


def test_fargate_node_has_no_instance(kube: Kube) -> None:
    facts = pi.PodIdentityKube(kube).get_node(FARGATE)
    assert facts.fargate and facts.instance_id is None and facts.compute_type == "fargate"


def test_unknown_instance_is_not_found(aws: Aws) -> None:
    err = failure(pi.PodIdentityAws(aws).describe_instance, "i-0123456789abcdef0").error
    assert (err.kind, err.code) == ("not-found", "InvalidInstanceID.NotFound")


@pytest.mark.parametrize(
    ("action", "call"),
    [("ec2:DescribeInstances", "instance"), ("iam:GetInstanceProfile", "profile")],
)
def test_ec2_and_iam_denials_name_the_action(aws: Aws, kube: Kube, denied: LabWorld, action: str, call: str) -> None:
    inst = pi.PodIdentityAws(aws).describe_instance(str(pi.PodIdentityKube(kube).get_node(NODE_A).instance_id))
    denied.set_denied_actions([action])
    if call == "instance":
        err = failure(pi.PodIdentityAws(aws).describe_instance, inst.instance_id).error
    else:
        err = failure(pi.PodIdentityAws(aws).get_instance_profile, str(inst.instance_profile_arn)).error
    assert (err.kind, err.permission) == ("forbidden", action)


# --- the agent --------------------------------------------------------------------------------------


def test_agent_daemonset_and_pods_per_node(kube: Kube) -> None:
    facts = pi.PodIdentityKube(kube).agent()
    assert facts.daemonset and (facts.desired, facts.ready) == (2, 1)
    assert facts.on_node(NODE_A) is not None and facts.on_node(NODE_A).ready  # type: ignore[union-attr]
    b = facts.on_node(NODE_B)
    assert b is not None and not b.ready and b.restarts > 0
    assert facts.on_node(FARGATE) is None


def test_no_agent_in_an_irsa_only_cluster() -> None:
    assert pi.PodIdentityKube(Kube("healthy", timeout=5)).agent() == AgentFacts(daemonset=False)


@pytest.mark.parametrize(
    ("deny", "call", "permission"),
    [
        ("get nodes", "node", "get nodes"),
        ("get daemonsets", "agent", "get daemonsets.apps"),
        ("list pods", "agent", "list pods"),
    ],
)
def test_rbac_denials_name_the_verb(kube: Kube, denied: LabWorld, deny: str, call: str, permission: str) -> None:
    denied.set_rbac_deny(SCN, [deny])
    err = failure(pi.PodIdentityKube(kube).get_node, NODE_A).error if call == "node" else failure(pi.PodIdentityKube(kube).agent).error
    assert (err.source, err.kind, err.permission, err.status) == ("kubernetes", "forbidden", permission, 403)
