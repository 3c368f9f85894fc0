"""A healthy EKS Pod Identity world for the pure checks: every Pod Identity link passes on ``pi_facts()``."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta
from typing import Any

from irsa_tui.chain.facts import (
    ContainerFacts,
    EnvVar,
    Facts,
    PodFacts,
    RoleFacts,
    S3Facts,
    TokenFacts,
    TokenVolume,
    VolumeFacts,
    VolumeMount,
)
from irsa_tui.chain.pod_identity_facts import (
    AddonFacts,
    AgentFacts,
    AgentPodFacts,
    AssociationFacts,
    EksAuthFacts,
    InstanceFacts,
    InstanceProfileFacts,
    NodeFacts,
)
from tests.chain import builders as b

PI_ROLE = "payments-api-pi"
PI_ROLE_ARN = f"arn:aws:iam::{b.ACCOUNT}:role/{PI_ROLE}"
NODE = "ip-10-0-1-23.eu-west-1.compute.internal"
INSTANCE = "i-0abc1234def567890"
NODE_ROLE_ARN = f"arn:aws:iam::{b.ACCOUNT}:role/prod-eks-node"
ASSOC_ID = "a-abcdefghijklmnop1"
FULL_URI = "http://169.254.170.23/v1/credentials"
TOKEN_DIR = "/var/run/secrets/pods.eks.amazonaws.com/serviceaccount"
TRUST: dict[str, Any] = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "pods.eks.amazonaws.com"},
                   "Action": ["sts:AssumeRole", "sts:TagSession"]}],
}
NODE_POLICY: dict[str, Any] = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": ["eks-auth:AssumeRoleForPodIdentity"], "Resource": "*"}],
}


def pi_container(**changes: Any) -> ContainerFacts:
    base = ContainerFacts(
        name="app",
        env=(EnvVar("AWS_REGION", b.REGION), EnvVar("AWS_CONTAINER_CREDENTIALS_FULL_URI", FULL_URI),
             EnvVar("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", f"{TOKEN_DIR}/eks-pod-identity-token")),
        mounts=(VolumeMount("eks-pod-identity-token", TOKEN_DIR, True),),
    )
    return replace(base, **changes)


def pi_pod(**changes: Any) -> PodFacts:
    volume = VolumeFacts(name="eks-pod-identity-token", kind="projected",
                         token=TokenVolume("pods.eks.amazonaws.com", 86400, "eks-pod-identity-token"))
    return b.healthy_pod(**{"containers": (pi_container(),), "volumes": (volume,), "node_name": NODE, **changes})


def association(**changes: Any) -> AssociationFacts:
    base = AssociationFacts(
        association_id=ASSOC_ID,
        association_arn=f"arn:aws:eks:{b.REGION}:{b.ACCOUNT}:podidentityassociation/{b.CLUSTER}/{ASSOC_ID}",
        namespace=b.NS, service_account=b.SA, role_arn=PI_ROLE_ARN, disable_session_tags=False,
        created=b.NOW - timedelta(days=30), modified=b.NOW - timedelta(days=30),
    )
    return replace(base, **changes)


def role(trust: dict[str, Any] | None = None, **changes: Any) -> RoleFacts:
    base = RoleFacts(arn=PI_ROLE_ARN, name=PI_ROLE, account=b.ACCOUNT, trust_policy=json.dumps(trust or TRUST),
                     policies=(b.ROLE_POLICY,))
    return replace(base, **changes)


def pi_token(**claims: Any) -> TokenFacts:
    return b.healthy_token(claims=b.healthy_claims(**{"aud": ["pods.eks.amazonaws.com"], **claims}))


def pi_facts(**changes: Any) -> Facts:
    facts = b.healthy_facts(
        pod=pi_pod(),
        service_account=b.healthy_sa(annotations={}),
        associations=(association(),),
        association_role=role(),
        pod_identity_token=pi_token(),
        agent_addon=AddonFacts(name="eks-pod-identity-agent", installed=True, version="v1.3.4-eksbuild.1",
                               status="ACTIVE"),
        agent=AgentFacts(daemonset=True, desired=1, ready=1,
                         pods=(AgentPodFacts("eks-pod-identity-agent-x7k2p", NODE, True, "Running"),)),
        node=NodeFacts(name=NODE, provider_id=f"aws:///{b.REGION}a/{INSTANCE}", instance_id=INSTANCE,
                       zone=f"{b.REGION}a", os="linux", compute_type=None),
        node_instance=InstanceFacts(INSTANCE, "required", 2, "enabled",
                                    f"arn:aws:iam::{b.ACCOUNT}:instance-profile/prod-eks-node"),
        node_instance_profile=InstanceProfileFacts("prod-eks-node", f"arn:aws:iam::{b.ACCOUNT}:instance-profile/x",
                                                   (NODE_ROLE_ARN,)),
        node_role=RoleFacts(arn=NODE_ROLE_ARN, name="prod-eks-node", account=b.ACCOUNT, trust_policy="{}",
                            policies=(NODE_POLICY,)),
        eks_auth=EksAuthFacts(ok=True, endpoint=f"https://eks-auth.{b.REGION}.api.aws",
                              assumed_role_arn=f"arn:aws:sts::{b.ACCOUNT}:assumed-role/{PI_ROLE}/eks-prod-eks-api-x",
                              association_id=ASSOC_ID, namespace=b.NS, service_account=b.SA,
                              audience="pods.eks.amazonaws.com"),
        pod_identity_s3=S3Facts(bucket=b.BUCKET, bucket_origin="role-policy", operation="ListObjectsV2", ok=True,
                                objects_seen=3),
        sts=None, s3=None, token=None,
    )
    for key, value in changes.items():
        setattr(facts, key, value)
    return facts
