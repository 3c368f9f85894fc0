"""The credentials section's fetch steps (steps_credentials.py) with fake sources: the node role is found
through node -> instance -> instance profile, off every link's path, and a missing permission is named."""

from __future__ import annotations

from dataclasses import replace

from irsa_tui.chain.errors import SourceError
from irsa_tui.chain.facts import OwnerRef
from irsa_tui.chain.model import ChainResult
from irsa_tui.chain.pod_identity_facts import InstanceFacts, InstanceProfileFacts, NodeFacts
from irsa_tui.engine import Session, diagnose
from irsa_tui.options import Options
from irsa_tui.sources.protocols import Sources
from tests.chain import builders as b
from tests.engine.fakes import FakeAws, FakeIssuer, FakeKube, FakeWorld

PROFILE_ARN = f"arn:aws:iam::{b.ACCOUNT}:instance-profile/prod-eks-node"
NODE_ROLE = f"arn:aws:iam::{b.ACCOUNT}:role/prod-eks-node"


class NodeKube(FakeKube):
    def get_node(self, name: str) -> NodeFacts:
        return self.w.answer("get_node", lambda: NodeFacts(name, "aws:///eu-west-1a/i-0abc", "i-0abc", "eu-west-1a",
                                                           "linux", None))


class NodeAws(FakeAws):
    def describe_instance(self, instance_id: str) -> InstanceFacts:
        return self.w.answer("describe_instance", lambda: InstanceFacts(instance_id, "required", 1, "enabled",
                                                                        PROFILE_ARN))

    def get_instance_profile(self, arn: str) -> InstanceProfileFacts:
        return self.w.answer("get_instance_profile", lambda: InstanceProfileFacts("prod-eks-node", arn, (NODE_ROLE,)))


def run(world: FakeWorld, irsa: bool = False) -> ChainResult:
    """The healthy fake pod; without ``irsa`` its app container has no AWS env (it falls back to IMDS)."""
    if not irsa:
        app = replace(b.app_container(), env=())
        world.pods[(b.NS, b.POD)] = replace(b.healthy_pod(), containers=(app,), owner=OwnerRef("ReplicaSet", "api-1"))
    sources = Sources(kube=NodeKube(world), aws=NodeAws(world), issuer=FakeIssuer(world))
    session = Session("prod", sources, cluster_name=b.CLUSTER, region=b.REGION, cluster_account=b.ACCOUNT, shared=False)
    return diagnose(Options(namespace=b.NS, pod=b.POD, bucket=b.BUCKET), session=session)


def test_the_node_role_is_found_through_the_instance_profile() -> None:
    world = FakeWorld()
    result = run(world)
    assert result.node is not None and result.node.role_arn == NODE_ROLE
    assert result.node.metadata is not None and result.node.metadata.hop_limit == 1
    app = result.credentials[0]
    assert {c.source for c in app.choices} == {None} and app.imds.reachable == "no"  # IMDSv2 at hop limit 1
    assert world.calls["get_node"] == world.calls["describe_instance"] == world.calls["get_instance_profile"] == 1


def test_a_pod_that_uses_its_role_in_every_sdk_does_not_read_the_instance() -> None:
    world = FakeWorld()
    result = run(world, irsa=True)
    assert world.calls["get_node"] == 0 and world.calls["describe_instance"] == 0
    assert result.node is not None and result.node.role_arn is None
    assert "not read: every SDK family of the app containers uses a source before the node role" in \
        result.node.unknown[0]
    assert result.verdict.value == "ok"


def test_a_missing_permission_is_named_and_changes_no_link() -> None:
    healthy = run(FakeWorld())
    world = FakeWorld(fail={"describe_instance": SourceError(
        "ec2", "forbidden", "ec2 DescribeInstances i-0abc: AccessDenied", permission="ec2:DescribeInstances")})
    result = run(world)
    assert [link.status for link in result.links] == [link.status for link in healthy.links]
    assert result.node is not None and result.node.role_arn is None
    assert any("caller lacks ec2:DescribeInstances" in why for why in result.node.unknown)
    assert world.calls["get_instance_profile"] == 0
    assert result.to_json()["credentials"]["node"]["unknown"] == list(result.node.unknown)
