"""What each SDK family uses in a container, with Pod Identity and IMDS (chain/credentials.py, pod-identity.md §3)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from irsa_tui.chain.credentials import (
    NodeMetadata,
    container_credentials,
    credentials_json,
    imds_reach,
    node_identity,
    node_metadata,
)
from irsa_tui.chain.errors import SourceError
from irsa_tui.chain.facts import ContainerFacts, EnvVar, VolumeFacts, VolumeMount
from irsa_tui.chain.pod_identity_facts import InstanceFacts, InstanceProfileFacts, NodeFacts
from tests.chain.builders import app_container, healthy_pod

KEYS = (EnvVar("AWS_ACCESS_KEY_ID", None, "secretKeyRef k/id"), EnvVar("AWS_SECRET_ACCESS_KEY", None, "secretKeyRef k/s"))
FILE = (EnvVar("AWS_SHARED_CREDENTIALS_FILE", "/etc/aws/credentials"),)
CONFIG = (EnvVar("AWS_CONFIG_FILE", "/etc/aws/config"),)
PROFILE = (EnvVar("AWS_PROFILE", "legacy"),)
POD_ID = (EnvVar("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://169.254.170.23/v1/credentials"),)
SECRET_MOUNT = VolumeMount("aws-creds", "/etc/aws", True)


@pytest.mark.parametrize(
    ("extra", "irsa", "mounted", "uses_role", "picks"),
    [
        pytest.param((), True, False, True, "wwww", id="irsa-only"),
        pytest.param(KEYS, True, False, False, "kkkk", id="static-keys-beat-all"),
        pytest.param(KEYS + PROFILE, True, False, None, "kkkp", id="js-skips-keys-with-profile"),
        pytest.param(FILE, True, True, None, "wwwc", id="secret-file-js-first"),
        pytest.param(FILE, True, False, None, "wwwc", id="unmounted-file-maybe"),
        pytest.param(CONFIG, True, True, None, "wwwf", id="config-file-js-first"),
        pytest.param(PROFILE, True, False, None, "pwwp", id="profile-botocore-assume-role-maybe"),
        pytest.param(POD_ID, True, False, True, "wwww", id="web-identity-beats-container"),
        pytest.param(FILE, False, True, False, "cccc", id="no-irsa-file-for-all"),
        pytest.param(POD_ID, False, False, False, "oooo", id="pod-identity-only"),
        pytest.param((), False, False, False, "iiii", id="nothing-imds"),
    ],
)
def test_picks(extra: tuple[EnvVar, ...], irsa: bool, mounted: bool, uses_role: bool | None, picks: str) -> None:
    base = app_container()
    env = extra + (base.env if irsa else ())
    c = replace(base, env=env, mounts=base.mounts + ((SECRET_MOUNT,) if mounted else ()))
    pod = healthy_pod(containers=(c,), volumes=(VolumeFacts("aws-creds", "secret", detail="payments-aws-credentials"),))
    got = container_credentials(c, pod)
    letter = {"web-identity": "w", "env-keys": "k", "profile": "p", "credentials-file": "c", "config-file": "f",
              "container": "o", "imds": "i"}
    assert "".join(letter[s.kind] for s in got.picks.values()) == picks
    assert got.uses_role is uses_role
    if mounted and extra in (FILE, CONFIG):
        assert "secret payments-aws-credentials mounted at /etc/aws" in got.what()


# --- per SDK family, with the node's IMDS settings ----------------------------------------------
ROLE = "arn:aws:iam::111122223333:role/payments-api"
PI_ROLE = "arn:aws:iam::111122223333:role/payments-api-pi"
NODE_ROLE = "arn:aws:iam::111122223333:role/eks-node"
KEYS = {"AWS_ACCESS_KEY_ID": "AKIAEXAMPLEEXAMPLE12", "AWS_SECRET_ACCESS_KEY": None}  # secret from a Secret
IRSA = {"AWS_ROLE_ARN": ROLE, "AWS_WEB_IDENTITY_TOKEN_FILE": "/var/run/secrets/eks.amazonaws.com/serviceaccount/token"}
PI = {
    "AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://169.254.170.23/v1/credentials",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": "/var/run/secrets/pods.eks.amazonaws.com/serviceaccount/eks-pod-identity-token",
}
HOP2 = NodeMetadata(http_tokens="required", hop_limit=2)
HOP1_V2 = NodeMetadata(http_tokens="required", hop_limit=1)
HOP1_V1 = NodeMetadata(http_tokens="optional", hop_limit=1)


def creds(env: dict[str, Any], node: NodeMetadata | None = HOP2, host_network: bool = False) -> Any:
    container = ContainerFacts("app", env=tuple(EnvVar(k, v, None if v is not None else "secretKeyRef s/k")
                                                for k, v in env.items()))
    return container_credentials(
        container, host_network=host_network, node=node, association_role=PI_ROLE, node_role=NODE_ROLE
    )


def by_sdk(result: Any) -> dict[str, Any]:
    return {c.sdk: c for c in result.choices}


# (case, env, node, hostNetwork, {sdk: source}, botocore identity fragment, botocore shadows)
CASES: list[tuple[str, dict[str, Any], NodeMetadata | None, bool, dict[str, str | None], str, tuple[str, ...]]] = [
    ("static-keys-shadow-irsa", {**KEYS, **IRSA}, HOP2, False,
     dict.fromkeys(("botocore", "go-v2", "java-v2", "js-v3"), "env-keys"), "static keys",
     ("web-identity", "imds")),
    ("irsa-shadows-node-role", IRSA, HOP2, False, dict.fromkeys(("botocore", "go-v2", "java-v2", "js-v3"), "web-identity"),
     ROLE, ("imds",)),
    ("both-env-sets-web-identity-wins", {**IRSA, **PI}, HOP2, False,
     dict.fromkeys(("botocore", "go-v2", "java-v2", "js-v3"), "web-identity"), ROLE, ("container", "imds")),
    ("pod-identity", PI, HOP2, False, dict.fromkeys(("botocore", "go-v2", "java-v2", "js-v3"), "container"), PI_ROLE,
     ("imds",)),
    ("no-identity-hop-2-node-role", {}, HOP2, False, dict.fromkeys(("botocore", "go-v2", "java-v2", "js-v3"), "imds"),
     f"the node role {NODE_ROLE}", ()),
    ("hop-1-imdsv2-required-nothing", {}, HOP1_V2, False, dict.fromkeys(("botocore", "go-v2", "java-v2", "js-v3")),
     "no credentials: hop limit 1", ()),
    ("hop-1-imdsv1-allowed-node-role", {}, HOP1_V1, False, dict.fromkeys(("botocore", "go-v2", "java-v2", "js-v3"), "imds"),
     NODE_ROLE, ()),
    ("host-network-hop-1", {}, HOP1_V2, True, dict.fromkeys(("botocore", "go-v2", "java-v2", "js-v3"), "imds"),
     NODE_ROLE, ()),
    ("metadata-disabled-env", {"AWS_EC2_METADATA_DISABLED": "true"}, HOP2, False,
     dict.fromkeys(("botocore", "go-v2", "java-v2", "js-v3")), "AWS_EC2_METADATA_DISABLED", ()),
    ("aws-profile-with-keys", {**KEYS, "AWS_PROFILE": "batch"}, HOP2, False,
     {"botocore": "env-keys", "go-v2": "env-keys", "java-v2": "env-keys", "js-v3": "imds"}, "static keys",
     ("profile", "imds")),
    ("aws-profile-with-irsa", {**IRSA, "AWS_PROFILE": "batch"}, HOP2, False,
     {"botocore": "web-identity", "go-v2": "web-identity", "java-v2": "web-identity", "js-v3": "web-identity"}, ROLE,
     ("imds",)),
    ("unknown-node", {}, None, False, dict.fromkeys(("botocore", "go-v2", "java-v2", "js-v3"), "imds"),
     "if IMDS answers", ()),
    ("fargate-no-identity", {}, NodeMetadata(fargate=True), False, dict.fromkeys(("botocore", "go-v2", "java-v2", "js-v3")),
     "Fargate", ()),
]


@pytest.mark.parametrize(
    ("case", "env", "node", "host_network", "sources", "identity", "shadows"), CASES, ids=[c[0] for c in CASES]
)
def test_sources_per_sdk(
    case: str, env: dict[str, Any], node: NodeMetadata | None, host_network: bool, sources: dict[str, str | None],
    identity: str, shadows: tuple[str, ...],
) -> None:
    result = creds(env, node, host_network)
    got = by_sdk(result)
    assert {sdk: c.source for sdk, c in got.items()} == sources
    assert identity in got["botocore"].identity
    assert got["botocore"].shadows == shadows


def test_js_v3_skips_env_keys_when_aws_profile_is_set_and_says_so() -> None:
    result = creds({**KEYS, "AWS_PROFILE": "batch"})
    js = by_sdk(result)["js-v3"]
    assert js.skipped and "AWS_PROFILE is set" in js.skipped[0]
    assert not result.agree and "SDK families differ" in result.notes[-1]
    assert js.source == "imds" and js.may_preempt == ("profile",)  # the profile, if the files have it, else the node
    assert by_sdk(result)["botocore"].may_preempt == ()  # env keys come first in botocore


def test_java_v2_falls_through_to_the_node_role_when_web_identity_fails() -> None:
    got = by_sdk(creds(IRSA))
    assert got["java-v2"].on_failure.startswith("falls through to imds (the node role")
    for sdk in ("botocore", "go-v2", "js-v3"):
        assert got[sdk].on_failure.startswith("the call fails")


def test_js_v3_never_tries_imds_when_container_env_is_set() -> None:
    got = by_sdk(creds(PI))
    assert got["js-v3"].shadows == () and "never tried" in got["js-v3"].skipped[0]
    assert got["botocore"].shadows == ("imds",)


def test_a_profile_may_preempt_web_identity_in_botocore_and_js_but_not_go_or_java() -> None:
    got = by_sdk(creds({**IRSA, "AWS_PROFILE": "batch"}))
    assert got["botocore"].may_preempt == ("profile",) and got["js-v3"].may_preempt == ("profile",)
    assert got["go-v2"].may_preempt == () and got["java-v2"].may_preempt == ()
    assert "profile" in got["go-v2"].shadows


def test_a_config_file_without_a_profile_may_preempt_web_identity_in_js_only() -> None:
    got = by_sdk(creds({**IRSA, "AWS_CONFIG_FILE": "/etc/aws/config"}))
    assert got["js-v3"].may_preempt == ("config-file",)
    assert {got[s].may_preempt for s in ("botocore", "go-v2", "java-v2")} == {()}
    assert "config-file" in got["go-v2"].shadows and "config-file" in got["botocore"].shadows


def test_only_a_missing_profile_is_what_botocore_and_go_try() -> None:
    got = by_sdk(creds({"AWS_PROFILE": "nope"}, node=HOP1_V2))
    assert got["botocore"].source == "profile"
    assert "ProfileNotFound: The config profile (nope) could not be found" in got["botocore"].on_failure
    assert "failed to get shared config profile, nope" in got["go-v2"].on_failure


@pytest.mark.parametrize(
    ("env", "fragment"),
    [({"AWS_ACCESS_KEY_ID": "AKIAEXAMPLEEXAMPLE12"}, "only AWS_ACCESS_KEY_ID is set"),
     ({"AWS_ROLE_ARN": ROLE}, "only one is set")],
)
def test_half_set_pairs_are_noted_and_not_used(env: dict[str, Any], fragment: str) -> None:
    result = creds(env)
    assert any(fragment in n for n in result.notes)
    assert by_sdk(result)["botocore"].source == "imds"


# (case, node, hostNetwork, env, reachable, version, fragment)
IMDS: list[tuple[str, NodeMetadata | None, bool, dict[str, Any], str, str | None, str]] = [
    ("hop-2", HOP2, False, {}, "yes", "v2", "hop limit 2"),
    ("hop-1-required", HOP1_V2, False, {}, "no", None, "HttpTokens=required"),
    ("hop-1-optional", HOP1_V1, False, {}, "yes", "v1", "IMDSv1"),
    ("hop-1-optional-v1-disabled-env", HOP1_V1, False, {"AWS_EC2_METADATA_V1_DISABLED": "true"}, "no", None,
     "AWS_EC2_METADATA_V1_DISABLED"),
    ("host-network", HOP1_V2, True, {}, "yes", "v2", "hostNetwork"),
    ("endpoint-disabled", NodeMetadata(http_endpoint="disabled", hop_limit=2), True, {}, "no", None, "HttpEndpoint=disabled"),
    ("env-disabled", HOP2, False, {"AWS_EC2_METADATA_DISABLED": "TRUE"}, "no", None, "AWS_EC2_METADATA_DISABLED"),
    ("env-disabled-false", HOP2, False, {"AWS_EC2_METADATA_DISABLED": "false"}, "yes", "v2", "hop limit 2"),
    ("unknown", None, False, {}, "unknown", None, "unknown"),
    ("fargate", NodeMetadata(fargate=True), False, {}, "no", None, "Fargate"),
]


@pytest.mark.parametrize(("case", "node", "host", "env", "reachable", "version", "fragment"), IMDS, ids=[c[0] for c in IMDS])
def test_imds_reach(
    case: str, node: NodeMetadata | None, host: bool, env: dict[str, Any], reachable: str, version: str | None,
    fragment: str,
) -> None:
    reach = imds_reach(node, host, env)
    assert (reach.reachable, reach.version) == (reachable, version)
    assert fragment in reach.why


@pytest.mark.parametrize(
    ("node", "instance", "expected"),
    [
        (None, None, None),
        (NodeFacts("ip-1", "aws:///eu-west-1a/i-0abc", "i-0abc", "eu-west-1a", "linux", None), None, None),
        (NodeFacts("fargate-ip-1", None, None, None, "linux", "fargate"), None, NodeMetadata(fargate=True)),
        (None, InstanceFacts("i-0abc", "required", 2, "enabled", None), NodeMetadata("enabled", "required", 2)),
        (None, InstanceFacts("i-0abc", None, None, None, None), NodeMetadata("enabled", "optional", 1)),
    ],
    ids=["nothing", "instance-unreadable", "fargate", "read", "ec2-defaults"],
)
def test_node_metadata_from_facts(node: NodeFacts | None, instance: InstanceFacts | None, expected: NodeMetadata | None) -> None:
    assert node_metadata(node, instance) == expected


def test_a_container_endpoint_that_is_not_the_agent_is_named() -> None:
    got = by_sdk(creds({"AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://127.0.0.1:8080/creds"}))
    assert got["botocore"].source == "container"
    assert got["botocore"].identity == "whatever http://127.0.0.1:8080/creds serves (not the EKS Pod Identity agent)"


def test_metadata_disabled_with_another_value_than_true_only_stops_js_v3() -> None:
    got = by_sdk(creds({"AWS_EC2_METADATA_DISABLED": "1"}))
    assert got["js-v3"].source is None and "any value but" in got["js-v3"].skipped[0]
    assert {got[s].source for s in ("botocore", "go-v2", "java-v2")} == {"imds"}


NODE = NodeFacts("ip-10-0-1-2", "aws:///eu-west-1a/i-0abc", "i-0abc", "eu-west-1a", "linux", None)
INSTANCE = InstanceFacts("i-0abc", "required", 2, "enabled", "arn:aws:iam::111122223333:instance-profile/eks-node")
PROFILE = InstanceProfileFacts("eks-node", "arn:aws:iam::111122223333:instance-profile/eks-node", (NODE_ROLE,))
DENIED_EC2 = SourceError("ec2", "forbidden", "ec2 DescribeInstances i-0abc: AccessDenied", permission="ec2:DescribeInstances")
DENIED_IAM = SourceError("iam", "forbidden", "iam GetInstanceProfile eks-node: AccessDenied",
                         permission="iam:GetInstanceProfile")
DENIED_NODE = SourceError("kubernetes", "forbidden", "GET node ip-10-0-1-2: 403 Forbidden", permission="get nodes")


@pytest.mark.parametrize(
    ("node", "instance", "profile", "role", "hop", "unknown"),
    [
        pytest.param(NODE, INSTANCE, PROFILE, NODE_ROLE, 2, "", id="read"),
        pytest.param(DENIED_NODE, None, None, None, None, "get nodes", id="no-get-nodes"),
        pytest.param(NODE, DENIED_EC2, None, None, None, "ec2:DescribeInstances", id="no-describe-instances"),
        pytest.param(NODE, INSTANCE, DENIED_IAM, None, 2, "iam:GetInstanceProfile", id="no-get-instance-profile"),
        pytest.param(NODE, replace(INSTANCE, instance_profile_arn=None), None, None, 2, "no instance profile",
                     id="no-profile"),
        pytest.param(replace(NODE, provider_id="kind://docker/x", instance_id=None), None, None, None, None,
                     "no EC2 instance", id="not-ec2"),
    ],
)
def test_node_identity_names_the_role_or_what_is_missing(
    node: Any, instance: Any, profile: Any, role: str | None, hop: int | None, unknown: str
) -> None:
    got = node_identity("ip-10-0-1-2", node, instance, profile)
    assert got.role_arn == role
    assert (got.metadata.hop_limit if got.metadata else None) == hop
    assert unknown in " ".join(got.unknown) if unknown else got.unknown == ()


def test_the_json_section_names_the_fallback_node_role_or_none() -> None:
    node = node_identity("ip-10-0-1-2", NODE, INSTANCE, PROFILE)
    reached = credentials_json((creds({}),), node)
    assert reached["falls_back"] and reached["fallback"].startswith(f"the node role {NODE_ROLE} through IMDS")
    assert reached["node"]["hop_limit"] == 2 and reached["containers"][0]["sdks"][0]["source"] == "imds"
    blocked = credentials_json((creds({}, node=HOP1_V2),), node)
    assert blocked["fallback"].startswith("no credentials at all: hop limit 1")
    assert blocked["containers"][0]["sdks"][0]["source"] is None
    keyed = credentials_json((creds(KEYS),), node)
    assert not keyed["falls_back"] and keyed["containers"][0]["sdks"][0]["shadows"] == ["imds"]
