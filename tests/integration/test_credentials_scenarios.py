"""The credentials a pod really gets, per lab scenario, through ``irsa-tui check --json`` (real clients).

Each case reads the JSON ``credentials`` section: per container the source each SDK family uses,
what it shadows, the identity it yields, IMDS reachability, and the node role the pod falls back to
(found through the node's providerID -> ec2 DescribeInstances -> iam GetInstanceProfile).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from irsa_tui.cli import main
from irsa_tui.lab.scenario import scenarios
from irsa_tui.lab.world import LabWorld

pytestmark = pytest.mark.integration

SDKS = ("botocore", "go-v2", "java-v2", "js-v3")


def check(world: LabWorld, name: str, capsys: pytest.CaptureFixture[str], *extra: str) -> dict[str, Any]:
    ns, pod = world.target(name)
    main(["check", f"{ns}/{pod}", "--context", name, "--json", *extra])
    doc: dict[str, Any] = json.loads(capsys.readouterr().out)
    return doc


def app(doc: dict[str, Any]) -> dict[str, Any]:
    section = doc["credentials"]
    found: dict[str, Any] = next(c for c in section["containers"] if not c["init"])
    return found


def sources(doc: dict[str, Any]) -> dict[str, str | None]:
    return {s["sdk"]: s["source"] for s in app(doc)["sdks"]}


def node_role(world: LabWorld, name: str) -> str:
    names = world.placeholders(name)
    return f"arn:aws:iam::{names['ACCOUNT']}:role/{names['CLUSTER']}-node"


def expected(name: str) -> Any:
    return next(s.expect for s in scenarios() if s.name == name)


@pytest.mark.parametrize(
    "name",
    [
        "credentials-static-keys-shadow-role",
        "credentials-aws-profile-js-node-role",
        "credentials-no-identity-node-role",
        "credentials-no-identity-hop-limit-1",
        "credentials-host-network-node-role",
    ],
)
def test_each_credentials_scenario_has_its_verdict_mechanism_and_codes(
    world: LabWorld, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = check(world, name, capsys)
    want = expected(name)
    assert (doc["mechanism"], doc["verdict"], doc["first_failure"]) == (want.mechanism, want.verdict,
                                                                       want.first_failure)
    codes = {f["code"] for link in doc["links"] for f in link["findings"]}
    assert set(want.codes) <= codes, sorted(codes)
    node = doc["credentials"]["node"]
    if name == "credentials-static-keys-shadow-role":  # no SDK can end at IMDS: the node is not read
        assert node["role_arn"] is None and "not read: every SDK family" in node["unknown"][0]
    else:
        assert node["instance_id"].startswith("i-")
        assert node["role_arn"] == node_role(world, name) and node["unknown"] == []


def test_static_keys_shadow_the_role_and_the_node_role_in_every_sdk(
    world: LabWorld, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = check(world, "credentials-static-keys-shadow-role", capsys)
    assert sources(doc) == dict.fromkeys(SDKS, "env-keys")
    for sdk in app(doc)["sdks"]:
        assert sdk["shadows"] == ["web-identity", "imds"]
        assert "static keys" in sdk["identity"]
    assert not doc["credentials"]["falls_back"]
    assert "AKIA" not in json.dumps(doc)  # the keys' values are never read, let alone shown


def test_aws_profile_makes_js_v3_skip_the_env_keys(world: LabWorld, capsys: pytest.CaptureFixture[str]) -> None:
    doc = check(world, "credentials-aws-profile-js-node-role", capsys)
    assert sources(doc) == {"botocore": "env-keys", "go-v2": "env-keys", "java-v2": "env-keys", "js-v3": "imds"}
    js = next(s for s in app(doc)["sdks"] if s["sdk"] == "js-v3")
    assert js["may_preempt"] == ["profile"] and "AWS_PROFILE is set" in js["skipped"][0]
    assert js["identity"] == f"the node role {node_role(world, 'credentials-aws-profile-js-node-role')}"
    assert not app(doc)["agree"] and any("SDK families differ" in n for n in app(doc)["notes"])


def test_no_identity_at_hop_limit_2_acts_as_the_node_role(world: LabWorld, capsys: pytest.CaptureFixture[str]) -> None:
    name = "credentials-no-identity-node-role"
    doc = check(world, name, capsys)
    section = doc["credentials"]
    assert sources(doc) == dict.fromkeys(SDKS, "imds")
    assert app(doc)["imds"] == {"reachable": "yes", "version": "v2", "why": "IMDSv2 answers pods at hop limit 2"}
    assert section["falls_back"] and section["fallback"].startswith(f"the node role {node_role(world, name)}")
    assert (section["node"]["http_tokens"], section["node"]["hop_limit"]) == ("required", 2)


def test_no_identity_at_hop_limit_1_with_imdsv2_required_gets_nothing(
    world: LabWorld, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = check(world, "credentials-no-identity-hop-limit-1", capsys)
    section = doc["credentials"]
    assert sources(doc) == dict.fromkeys(SDKS)
    assert app(doc)["imds"]["reachable"] == "no" and "HttpTokens=required" in app(doc)["imds"]["why"]
    assert section["fallback"].startswith("no credentials at all: hop limit 1")
    assert all(s["on_failure"].startswith("no source") for s in app(doc)["sdks"])


def test_a_host_network_pod_reaches_imds_whatever_the_hop_limit(
    world: LabWorld, capsys: pytest.CaptureFixture[str]
) -> None:
    name = "credentials-host-network-node-role"
    doc = check(world, name, capsys)
    assert sources(doc) == dict.fromkeys(SDKS, "imds")
    assert app(doc)["imds"]["reachable"] == "yes" and "hostNetwork" in app(doc)["imds"]["why"]
    assert doc["credentials"]["node"]["hop_limit"] == 1
    assert doc["credentials"]["fallback"].startswith(f"the node role {node_role(world, name)}")


def test_text_and_markdown_show_the_credentials_section(world: LabWorld, capsys: pytest.CaptureFixture[str]) -> None:
    ns, pod = world.target("credentials-no-identity-hop-limit-1")
    main(["check", f"{ns}/{pod}", "--context", "credentials-no-identity-hop-limit-1"])
    text = capsys.readouterr().out
    assert "── credentials" in text and "no credentials at all: hop limit 1" in text
    main(["check", f"{ns}/{pod}", "--context", "credentials-no-identity-hop-limit-1", "--markdown"])
    md = capsys.readouterr().out
    assert "## Credentials: what each container's SDK really uses" in md and "| botocore, Go v2" in md
