"""The lab's EKS Pod Identity world over real sockets: EKS, EKS Auth, EC2/IAM and the kube stand-in.

Driven with boto3 and the kubernetes client exactly as the product and the agent would drive the
real services (no stubbers): shapes from botocore's models, errors with their real codes/statuses.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from irsa_tui.lab.world import LabWorld
from tests.lab.conftest import PI_FARGATE, PI_NODE_A, PI_NODE_B, PI_NS, PI_SCENARIO, kube_api

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("world")]

SCN, NS, NODE_A, NODE_B, FARGATE = PI_SCENARIO, PI_NS, PI_NODE_A, PI_NODE_B, PI_FARGATE
PODS = {
    "api": "api-7d9f8c6b5-x2x4z",
    "reports": "reports-6f7d8c9b5-k2m4p",
    "batch": "batch-5b6c7d8e9-q1w2e",
    "audit": "audit-7c8d9e0f1-r3t4y",
    "etl": "etl-8d9e0f1a2-u5i6o",
    "foreign": "foreign-1b2c3d4e5-h6j7k",
    "chain": "chain-9e0f1a2b3-p7a8s",
    "metrics": "metrics-0f1a2b3c4-d9f0g",
}


@pytest.fixture(scope="module")
def cluster(world: LabWorld) -> str:
    return world.placeholders(SCN)["CLUSTER"]


def _client(service: str) -> Any:
    return boto3.client(service, config=Config(retries={"max_attempts": 1}))


def _error(exc: pytest.ExceptionInfo[ClientError]) -> tuple[str, int, str]:
    resp = exc.value.response
    return resp["Error"]["Code"], resp["ResponseMetadata"]["HTTPStatusCode"], resp["Error"]["Message"]


def pod_token(context: str, pod_name: str, audience: str = "pods.eks.amazonaws.com", bound: bool = True) -> str:
    """What kubelet projects into the pod's eks-pod-identity-token volume (a TokenRequest)."""
    from kubernetes import client

    core = kube_api(context)
    pod = core.read_namespaced_pod(pod_name, NS)
    ref = client.V1BoundObjectReference(kind="Pod", api_version="v1", name=pod_name, uid=pod.metadata.uid)
    spec = client.V1TokenRequestSpec(audiences=[audience], expiration_seconds=3600, bound_object_ref=ref if bound else None)
    req = client.AuthenticationV1TokenRequest(spec=spec)
    return str(core.create_namespaced_service_account_token(pod.spec.service_account_name, NS, req).status.token)


def env_of(pod: Any) -> dict[str, str | None]:
    return {e.name: e.value for e in pod.spec.containers[0].env or []}


# --- EKS: associations and add-ons ------------------------------------------------------------


def test_list_gives_summaries_without_role_and_pages_with_next_token(cluster: str) -> None:
    eks = _client("eks")
    first = eks.list_pod_identity_associations(clusterName=cluster, maxResults=2)
    assert len(first["associations"]) == 2 and first["nextToken"]
    for summary in first["associations"]:
        assert set(summary) == {"clusterName", "namespace", "serviceAccount", "associationArn", "associationId"}
        assert len(summary["associationId"]) == 19 and summary["associationId"].startswith("a-")
        assert summary["associationArn"].endswith(f":podidentityassociation/{cluster}/{summary['associationId']}")
    pages = eks.get_paginator("list_pod_identity_associations").paginate(
        clusterName=cluster, PaginationConfig={"PageSize": 4}
    )
    listed = [a["serviceAccount"] for page in pages for a in page["associations"]]
    assert sorted(listed) == ["api", "audit", "batch", "chain", "etl", "foreign", "reports"]
    only = eks.list_pod_identity_associations(clusterName=cluster, namespace=NS, serviceAccount="etl")
    assert [a["serviceAccount"] for a in only["associations"]] == ["etl"] and "nextToken" not in only
    assert eks.list_pod_identity_associations(clusterName=cluster, namespace="other")["associations"] == []


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [({"maxResults": 101}, "maxResults"), ({"nextToken": "bm90LWEtdG9rZW4="}, "nextToken")],
)
def test_bad_paging_input_is_invalid_parameter(cluster: str, kwargs: dict[str, Any], fragment: str) -> None:
    with pytest.raises(ClientError) as info:
        _client("eks").list_pod_identity_associations(clusterName=cluster, **kwargs)
    code, status, message = _error(info)
    assert (code, status) == ("InvalidParameterException", 400) and fragment in message


def test_describe_gives_role_times_and_target_role(world: LabWorld, cluster: str) -> None:
    eks = _client("eks")
    ids = {
        a["serviceAccount"]: a["associationId"]
        for a in eks.list_pod_identity_associations(clusterName=cluster)["associations"]
    }
    api = eks.describe_pod_identity_association(clusterName=cluster, associationId=ids["api"])["association"]
    assert api["roleArn"] == f"arn:aws:iam::123456789012:role/{cluster}-pi"
    assert api["disableSessionTags"] is False and "targetRoleArn" not in api
    pod = kube_api(SCN).read_namespaced_pod(PODS["api"], NS)
    assert api["createdAt"] < pod.metadata.creation_timestamp  # made before the pod: injected
    reports = eks.describe_pod_identity_association(clusterName=cluster, associationId=ids["reports"])["association"]
    older = kube_api(SCN).read_namespaced_pod(PODS["reports"], NS)
    assert reports["createdAt"] > older.metadata.creation_timestamp  # made after: the pod needs a restart
    chain = eks.describe_pod_identity_association(clusterName=cluster, associationId=ids["chain"])["association"]
    assert chain["targetRoleArn"].endswith(f":role/{cluster}-target")
    assert chain["externalId"] == f"eu-west-1/123456789012/{cluster}/{NS}/chain"
    assert eks.describe_pod_identity_association(clusterName=cluster, associationId=ids["etl"])["association"][
        "disableSessionTags"
    ]
    with pytest.raises(ClientError) as info:
        eks.describe_pod_identity_association(clusterName=cluster, associationId="a-0000000000000000x")
    assert _error(info)[:2] == ("ResourceNotFoundException", 404)


def test_agent_addon_is_there_only_where_the_scenario_installs_it(world: LabWorld, cluster: str) -> None:
    eks = _client("eks")
    addon = eks.describe_addon(clusterName=cluster, addonName="eks-pod-identity-agent")["addon"]
    assert addon["status"] == "ACTIVE" and addon["addonVersion"].startswith("v1.")
    assert addon["health"] == {"issues": []}
    assert "eks-pod-identity-agent" in eks.list_addons(clusterName=cluster)["addons"]
    healthy = world.placeholders("healthy")["CLUSTER"]
    assert "eks-pod-identity-agent" not in eks.list_addons(clusterName=healthy)["addons"]
    with pytest.raises(ClientError) as info:
        eks.describe_addon(clusterName=healthy, addonName="eks-pod-identity-agent")
    assert _error(info) == (
        "ResourceNotFoundException", 404, f"No addon: eks-pod-identity-agent found in cluster: {healthy}"
    )
    with pytest.raises(ClientError) as info:
        eks.list_pod_identity_associations(clusterName="no-such-cluster")
    assert _error(info) == ("ResourceNotFoundException", 404, "No cluster found for name: no-such-cluster.")
    # an IRSA-only cluster has no associations at all
    assert eks.list_pod_identity_associations(clusterName=healthy)["associations"] == []


def test_caller_denials_name_the_eks_action(world: LabWorld, cluster: str) -> None:
    eks = _client("eks")
    world.set_denied_actions(["eks:ListPodIdentityAssociations", "eks:DescribeAddon"])
    try:
        with pytest.raises(ClientError) as info:
            eks.list_pod_identity_associations(clusterName=cluster)
        code, status, message = _error(info)
        assert (code, status) == ("AccessDeniedException", 403)
        assert "eks:ListPodIdentityAssociations" in message and f"cluster/{cluster}" in message
        with pytest.raises(ClientError) as info:
            eks.describe_addon(clusterName=cluster, addonName="eks-pod-identity-agent")
        assert "eks:DescribeAddon" in _error(info)[2]
    finally:
        world.set_denied_actions([])


# --- the webhook: Pod Identity at CREATE, before IRSA ---------------------------------------


def test_webhook_injected_pod_identity_and_not_the_annotated_irsa_role() -> None:
    core = kube_api(SCN)
    assert core.read_namespaced_service_account("api", NS).metadata.annotations["eks.amazonaws.com/role-arn"]
    pod = core.read_namespaced_pod(PODS["api"], NS)
    env = env_of(pod)
    assert env["AWS_CONTAINER_CREDENTIALS_FULL_URI"] == "http://169.254.170.23/v1/credentials"
    assert env["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"] == (
        "/var/run/secrets/pods.eks.amazonaws.com/serviceaccount/eks-pod-identity-token"
    )
    assert "AWS_ROLE_ARN" not in env and "AWS_WEB_IDENTITY_TOKEN_FILE" not in env
    volume = next(v for v in pod.spec.volumes if v.name == "eks-pod-identity-token")
    token = volume.projected.sources[0].service_account_token
    assert (token.audience, token.expiration_seconds, token.path) == (
        "pods.eks.amazonaws.com", 86400, "eks-pod-identity-token"
    )
    assert not any(v.name == "aws-iam-token" for v in pod.spec.volumes)
    mount = next(m for m in pod.spec.containers[0].volume_mounts if m.name == "eks-pod-identity-token")
    assert mount.mount_path == "/var/run/secrets/pods.eks.amazonaws.com/serviceaccount" and mount.read_only


@pytest.mark.parametrize("who", ["reports", "batch"])
def test_pods_created_before_the_association_or_skipped_are_left_alone(who: str) -> None:
    pod = kube_api(SCN).read_namespaced_pod(PODS[who], NS)
    env = env_of(pod)
    assert "AWS_CONTAINER_CREDENTIALS_FULL_URI" not in env and "AWS_ROLE_ARN" not in env
    assert not any(v.name == "eks-pod-identity-token" for v in pod.spec.volumes)


def test_an_irsa_only_scenario_keeps_its_irsa_injection() -> None:
    env = env_of(kube_api("healthy").read_namespaced_pod("api-7d9f8c6b5-x2x4z", NS))
    assert env["AWS_ROLE_ARN"].endswith(":role/payments-api") and "AWS_CONTAINER_CREDENTIALS_FULL_URI" not in env


# --- nodes, EC2, instance profiles and the agent -----------------------------------------------


def test_nodes_map_to_ec2_instances_with_metadata_options_and_the_node_role(cluster: str) -> None:
    core = kube_api(SCN)
    ec2, iam = _client("ec2"), _client("iam")
    seen = {}
    for name in (NODE_A, NODE_B):
        node = core.read_node(name)
        provider = node.spec.provider_id
        assert provider.startswith("aws:///eu-west-1") and provider.rsplit("/", 1)[-1].startswith("i-")
        instance = ec2.describe_instances(InstanceIds=[provider.rsplit("/", 1)[-1]])["Reservations"][0]["Instances"][0]
        options = instance["MetadataOptions"]
        seen[name] = (options["HttpTokens"], options["HttpPutResponseHopLimit"], options["HttpEndpoint"])
        profile = instance["IamInstanceProfile"]["Arn"].rsplit("/", 1)[-1]
        roles = iam.get_instance_profile(InstanceProfileName=profile)["InstanceProfile"]["Roles"]
        assert [r["RoleName"] for r in roles] == [f"{cluster}-node"]
    assert seen == {NODE_A: ("required", 2, "enabled"), NODE_B: ("optional", 1, "enabled")}
    fargate = core.read_node(FARGATE)
    assert fargate.metadata.labels["eks.amazonaws.com/compute-type"] == "fargate"
    assert "/i-" not in fargate.spec.provider_id
    node_policy = iam.get_role_policy(RoleName=f"{cluster}-node", PolicyName="eks-worker-node")["PolicyDocument"]
    assert "eks-auth:AssumeRoleForPodIdentity" in str(node_policy)


def test_agent_daemonset_runs_a_pod_per_eligible_node_with_its_readiness() -> None:
    from kubernetes import client, config

    cfg = client.Configuration()
    config.load_kube_config(config_file=os.environ["KUBECONFIG"], context=SCN, client_configuration=cfg,
                            persist_config=False)
    apps = client.AppsV1Api(client.ApiClient(cfg))
    ds = apps.read_namespaced_daemon_set("eks-pod-identity-agent", "kube-system")
    assert ds.spec.template.spec.host_network is True
    assert (ds.status.desired_number_scheduled, ds.status.number_ready) == (2, 1)
    pods = kube_api(SCN).list_namespaced_pod(
        "kube-system", label_selector="app.kubernetes.io/name=eks-pod-identity-agent"
    ).items
    ready = {p.spec.node_name: next(c.status for c in p.status.conditions if c.type == "Ready") for p in pods}
    assert ready == {NODE_A: "True", NODE_B: "False"}  # none on the Fargate node
    assert all(p.metadata.owner_references[0].kind == "DaemonSet" for p in pods)
    healthy = kube_api("healthy").list_namespaced_pod(
        "kube-system", label_selector="app.kubernetes.io/name=eks-pod-identity-agent"
    )
    assert healthy.items == []


# --- EKS Auth ---------------------------------------------------------------------------------


@pytest.fixture
def eks_auth_only(world: LabWorld, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """An EKS Auth client found through AWS_ENDPOINT_URL_EKS_AUTH alone (the global endpoint is dead)."""
    monkeypatch.setenv("AWS_ENDPOINT_URL_EKS_AUTH", world.env["AWS_ENDPOINT_URL"])
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
    yield _client("eks-auth")


def test_assume_role_for_pod_identity_gives_the_association_roles_credentials(
    world: LabWorld, cluster: str, eks_auth_only: Any
) -> None:
    doc = eks_auth_only.assume_role_for_pod_identity(clusterName=cluster, token=pod_token(SCN, PODS["api"]))
    assert doc["subject"] == {"namespace": NS, "serviceAccount": "api"}
    assert doc["audience"] == "pods.eks.amazonaws.com"
    assert doc["podIdentityAssociation"]["associationId"].startswith("a-")
    arn = doc["assumedRoleUser"]["arn"]
    assert arn.startswith(f"arn:aws:sts::123456789012:assumed-role/{cluster}-pi/eks-{cluster}-")
    creds = doc["credentials"]
    assert (creds["accessKeyId"], creds["secretAccessKey"], creds["sessionToken"]) in world.issued_credentials()
    # the credentials work against S3 as that role (the front's S3 judge knows the session)
    s3 = boto3.client(
        "s3",
        endpoint_url=world.env["AWS_ENDPOINT_URL"],
        aws_access_key_id=creds["accessKeyId"],
        aws_secret_access_key=creds["secretAccessKey"],
        aws_session_token=creds["sessionToken"],
    )
    bucket = world.placeholders(SCN)["BUCKET"]
    assert s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 3
    with pytest.raises(ClientError) as info:
        s3.put_object(Bucket=bucket, Key="x", Body=b"x")  # the Pod Identity role may only read
    assert _error(info)[0] == "AccessDenied" and f"assumed-role/{cluster}-pi/" in _error(info)[2]


def test_role_chaining_gives_the_target_roles_credentials(cluster: str, eks_auth_only: Any) -> None:
    doc = eks_auth_only.assume_role_for_pod_identity(clusterName=cluster, token=pod_token(SCN, PODS["chain"]))
    assert f":assumed-role/{cluster}-target/eks-" in doc["assumedRoleUser"]["arn"]


def test_a_pod_created_before_its_association_still_gets_credentials_from_eks_auth(
    cluster: str, eks_auth_only: Any
) -> None:
    """EKS Auth only looks the association up; the missing env is the webhook's part (needs a restart)."""
    doc = eks_auth_only.assume_role_for_pod_identity(clusterName=cluster, token=pod_token(SCN, PODS["reports"]))
    assert doc["subject"]["serviceAccount"] == "reports"


@pytest.mark.parametrize(
    ("who", "code", "status", "fragment"),
    [
        ("audit", "AccessDeniedException", 400, "EKS does not have permissions to assume the associated role"),
        ("etl", "AccessDeniedException", 400, "EKS does not have permissions to assume the associated role"),
        ("metrics", "ResourceNotFoundException", 404, "namespace payments and service account metrics"),
        ("foreign", "AccessDeniedException", 400, "EKS does not have permissions to assume the associated role"),
    ],
    ids=["trust-without-tag-session", "session-tags-off-but-request-tag-condition", "no-association",
         "role-of-another-account"],
)
def test_eks_auth_denials(cluster: str, eks_auth_only: Any, who: str, code: str, status: int, fragment: str) -> None:
    with pytest.raises(ClientError) as info:
        eks_auth_only.assume_role_for_pod_identity(clusterName=cluster, token=pod_token(SCN, PODS[who]))
    got_code, got_status, message = _error(info)
    assert (got_code, got_status) == (code, status) and fragment in message


@pytest.mark.parametrize(
    ("token_of", "audience", "bound"),
    [
        (SCN, "sts.amazonaws.com", True),  # an IRSA token
        ("healthy", "pods.eks.amazonaws.com", True),  # another cluster's key
        (SCN, "pods.eks.amazonaws.com", False),  # not bound to a pod
    ],
    ids=["wrong-audience", "other-cluster", "unbound"],
)
def test_tokens_eks_auth_rejects(cluster: str, eks_auth_only: Any, token_of: str, audience: str, bound: bool) -> None:
    token = pod_token(token_of, "api-7d9f8c6b5-x2x4z", audience=audience, bound=bound)
    with pytest.raises(ClientError) as info:
        eks_auth_only.assume_role_for_pod_identity(clusterName=cluster, token=token)
    assert _error(info) == ("InvalidTokenException", 400, "The specified Kubernetes service account token is invalid.")


def test_unknown_cluster_and_denied_caller(world: LabWorld, cluster: str, eks_auth_only: Any) -> None:
    token = pod_token(SCN, PODS["api"])
    with pytest.raises(ClientError) as info:
        eks_auth_only.assume_role_for_pod_identity(clusterName="nope", token=token)
    assert _error(info) == ("ResourceNotFoundException", 404, "No cluster found for name: nope.")
    world.set_denied_actions(["eks-auth:AssumeRoleForPodIdentity"])
    try:
        with pytest.raises(ClientError) as info:
            eks_auth_only.assume_role_for_pod_identity(clusterName=cluster, token=token)
    finally:
        world.set_denied_actions([])
    code, status, message = _error(info)
    assert (code, status) == ("AccessDeniedException", 400)  # EKS Auth's model: a 400, not a 403
    assert "eks-auth:AssumeRoleForPodIdentity" in message


def test_ec2_denial_is_unauthorized_operation(world: LabWorld) -> None:
    world.set_denied_actions(["ec2:DescribeInstances"])
    try:
        with pytest.raises(ClientError) as info:
            _client("ec2").describe_instances(InstanceIds=["i-0123456789abcdef0"])
    finally:
        world.set_denied_actions([])
    code, status, message = _error(info)
    assert (code, status) == ("UnauthorizedOperation", 403)
    assert message.startswith("You are not authorized to perform this operation.") and "ec2:DescribeInstances" in message


def test_describe_instances_errors_and_listing_like_ec2() -> None:
    ec2 = _client("ec2")
    with pytest.raises(ClientError) as info:
        ec2.describe_instances(InstanceIds=["i-123"])
    assert _error(info) == ("InvalidInstanceID.Malformed", 400, 'Invalid id: "i-123"')
    with pytest.raises(ClientError) as info:
        ec2.describe_instances(InstanceIds=["i-0123456789abcdef0", "i-0123456789abcdef1"])
    assert _error(info) == (
        "InvalidInstanceID.NotFound", 400, "The instance IDs 'i-0123456789abcdef0, i-0123456789abcdef1' do not exist"
    )
    listed = [i for r in ec2.describe_instances()["Reservations"] for i in r["Instances"]]
    names = {t["Value"] for i in listed for t in i["Tags"] if t["Key"] == "Name"}
    assert {NODE_A, NODE_B} <= names and FARGATE not in names
    assert all(i["State"]["Name"] == "running" and i["Placement"]["AvailabilityZone"] for i in listed)
