"""The credentials section of a run with fake sources (chain/credentials.py ``credentials_for``): the node
role found through node -> instance -> instance profile, not read for an IRSA pod, a missing permission
named without changing a link, and a Pod Identity pod's container source naming the association's role."""

from __future__ import annotations

from typing import Any

from irsa_tui.chain.errors import SourceError
from tests.chain import builders as b
from tests.chain import pod_identity_builders as pib
from tests.engine.fakes import FakeWorld
from tests.engine.test_steps_pod_identity import diagnose_pi, pi_world


def none_world() -> Any:
    """No env, no annotation, no association: the pod falls back to the node (IMDSv2, hop limit 2)."""
    facts = pi_world()
    facts.pod = b.healthy_pod(containers=(b.app_container(env=()),))
    facts.service_account = b.healthy_sa(annotations={})
    facts.associations = ()
    return facts


def test_a_pod_without_identity_falls_back_to_the_node_role() -> None:
    world = FakeWorld()
    result, _ = diagnose_pi(world, none_world())
    assert result.mechanism == "none"
    assert result.node is not None and result.node.role_arn == pib.NODE_ROLE_ARN and result.node.unknown == ()
    app = result.credentials[0]
    assert {c.source for c in app.choices} == {"imds"} and app.imds.reachable == "yes"
    assert app.choices[0].identity == f"the node role {pib.NODE_ROLE_ARN}"
    section = result.to_json()["credentials"]
    assert section["falls_back"] and section["fallback"].startswith(f"the node role {pib.NODE_ROLE_ARN} through IMDS")


def test_an_irsa_pod_does_not_read_its_node() -> None:
    world = FakeWorld()
    facts = b.healthy_facts()
    facts.associations = ()
    result, _ = diagnose_pi(world, facts)
    assert result.mechanism == "irsa" and world.calls["get_node"] == 0
    assert result.node is not None and result.node.role_arn is None
    assert "not read" in result.node.unknown[0]
    assert {c.source for c in result.credentials[0].choices} == {"web-identity"}


def test_a_missing_permission_is_named_and_changes_no_link() -> None:
    clean, _ = diagnose_pi(FakeWorld(), none_world())
    world = FakeWorld()
    world.fail["describe_instance"] = SourceError("ec2", "forbidden", "ec2 DescribeInstances i-0abc: AccessDenied",
                                                  permission="ec2:DescribeInstances")
    result, _ = diagnose_pi(world, none_world())
    assert [link.status for link in result.links] == [link.status for link in clean.links]
    assert result.node is not None and result.node.role_arn is None
    assert any("caller lacks ec2:DescribeInstances" in why for why in result.node.unknown)
    assert "not readable: " in result.to_json()["credentials"]["fallback"]


def test_a_pod_identity_pod_uses_the_association_role_over_the_node_role() -> None:
    result, _ = diagnose_pi(FakeWorld(), pi_world())
    assert result.mechanism == "pod-identity"
    app = next(c for c in result.credentials if not c.init)
    assert {c.source for c in app.choices} == {"container"}
    assert app.choices[0].identity == pib.pi_facts().associations[0].role_arn
    assert app.choices[0].shadows == ("imds",)
