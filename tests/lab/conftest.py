"""One lab world per test module run, driven only through its standard settings."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import pytest

from irsa_tui.lab.world import LabWorld


@pytest.fixture(scope="session")
def world(lab_world: LabWorld) -> LabWorld:
    return lab_world


@dataclass
class PodOutcome:
    """What the pod's SDK would see: the token, then STS, then S3 ListObjectsV2."""

    token: str | None = None
    sts_code: str | None = None
    sts_message: str | None = None
    sts_status: int | None = None
    assumed_arn: str | None = None
    s3_code: str | None = None
    s3_message: str | None = None
    s3_status: int | None = None
    keys: tuple[str, ...] = ()
    s3_headers: dict[str, Any] | None = None


def kube_api(context: str) -> Any:
    from kubernetes import client, config

    cfg = client.Configuration()
    config.load_kube_config(
        config_file=os.environ["KUBECONFIG"], context=context, client_configuration=cfg, persist_config=False
    )
    return client.CoreV1Api(client.ApiClient(cfg))


def act_as_pod(world: LabWorld, name: str, role_arn: str | None = None) -> PodOutcome:
    """Do what kubelet + botocore do for the scenario's pod, through the official clients."""
    import boto3
    from botocore import UNSIGNED
    from botocore.config import Config
    from botocore.exceptions import ClientError
    from kubernetes import client

    ns, pod_name = world.target(name)
    core = kube_api(name)
    pod = core.read_namespaced_pod(pod_name, ns)
    audience = "sts.amazonaws.com"
    for vol in pod.spec.volumes or []:
        if vol.name == "aws-iam-token" and vol.projected:
            audience = vol.projected.sources[0].service_account_token.audience
    env = {e.name: e.value for e in pod.spec.containers[0].env or []}
    names = world.placeholders(name)
    role_arn = role_arn or env.get("AWS_ROLE_ARN") or names["ROLE_ARN"]
    req = client.AuthenticationV1TokenRequest(
        spec=client.V1TokenRequestSpec(
            audiences=[audience],
            expiration_seconds=3600,
            bound_object_ref=client.V1BoundObjectReference(
                kind="Pod", api_version="v1", name=pod_name, uid=pod.metadata.uid
            ),
        )
    )
    token = core.create_namespaced_service_account_token(pod.spec.service_account_name, ns, req).status.token
    out = PodOutcome(token=token)
    sts = boto3.client("sts", config=Config(signature_version=UNSIGNED, retries={"max_attempts": 1}))
    try:
        doc = sts.assume_role_with_web_identity(
            RoleArn=role_arn, RoleSessionName="botocore-session-1", WebIdentityToken=token
        )
    except ClientError as exc:
        out.sts_code = exc.response["Error"]["Code"]
        out.sts_message = exc.response["Error"]["Message"]
        out.sts_status = exc.response["ResponseMetadata"]["HTTPStatusCode"]
        return out
    out.assumed_arn = doc["AssumedRoleUser"]["Arn"]
    creds = doc["Credentials"]
    s3 = boto3.client(
        "s3",
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
        config=Config(retries={"max_attempts": 1}),
    )
    try:
        listed = s3.list_objects_v2(Bucket=names["BUCKET"])
        out.keys = tuple(o["Key"] for o in listed.get("Contents") or [])
    except ClientError as exc:
        out.s3_code = exc.response["Error"]["Code"]
        out.s3_message = exc.response["Error"].get("Message")
        out.s3_status = exc.response["ResponseMetadata"]["HTTPStatusCode"]
        out.s3_headers = exc.response["ResponseMetadata"].get("HTTPHeaders")
    return out


# The Pod Identity scenario and its nodes (tests/lab, tests/sources).
PI_SCENARIO = "injection-pod-identity-association"
PI_NS = "payments"
PI_NODE_A = "ip-10-0-12-34.eu-west-1.compute.internal"  # HttpTokens required, hop limit 2, agent Ready
PI_NODE_B = "ip-10-0-45-67.eu-west-1.compute.internal"  # HttpTokens optional, hop limit 1, agent not Ready
PI_FARGATE = "fargate-ip-10-0-99-12.eu-west-1.compute.internal"
