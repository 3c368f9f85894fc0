"""The Pod Identity steps with fake sources: detection picks the mechanism, the associations are fetched
from the start (never after the pod), EKS Auth is called only live, and a caller who may not call it gets
an error naming the action."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from irsa_tui.chain.errors import SourceError
from irsa_tui.chain.pod_identity_facts import (
    AddonFacts,
    AgentFacts,
    AssociationFacts,
    EksAuthFacts,
    InstanceFacts,
    InstanceProfileFacts,
    NodeFacts,
)
from irsa_tui.engine import Session, diagnose
from irsa_tui.options import Options
from irsa_tui.sources.protocols import Sources
from tests.chain import builders as b
from tests.chain import pod_identity_builders as pib
from tests.engine.fakes import FakeAws, FakeIssuer, FakeKube, FakeWorld


class FakeEks:
    def __init__(self, world: FakeWorld, facts: Any) -> None:
        self.w, self.f = world, facts

    def associations(self, cluster: str, namespace: str | None = None, service_account: str | None = None
                     ) -> tuple[AssociationFacts, ...]:
        return self.w.answer("associations", lambda: self.f.associations)  # type: ignore[no-any-return]

    def describe_addon(self, cluster: str, name: str = "eks-pod-identity-agent") -> AddonFacts:
        return self.w.answer("describe_addon", lambda: self.f.agent_addon)  # type: ignore[no-any-return]

    def assume_role_for_pod_identity(self, cluster: str, token: str) -> tuple[EksAuthFacts, Any]:
        return self.w.answer("assume_role_for_pod_identity", lambda: (self.f.eks_auth, object()))  # type: ignore[no-any-return]

    def describe_instance(self, instance_id: str) -> InstanceFacts:
        return self.w.answer("describe_instance", lambda: self.f.node_instance)  # type: ignore[no-any-return]

    def get_instance_profile(self, profile_arn_or_name: str) -> InstanceProfileFacts:
        return self.w.answer("get_instance_profile", lambda: self.f.node_instance_profile)  # type: ignore[no-any-return]

    def warm(self) -> None:
        self.w.calls["eks_warm"] += 1


class FakeNodes:
    def __init__(self, world: FakeWorld, facts: Any) -> None:
        self.w, self.f = world, facts

    def get_node(self, name: str) -> NodeFacts:
        return self.w.answer("get_node", lambda: self.f.node)  # type: ignore[no-any-return]

    def agent(self) -> AgentFacts:
        return self.w.answer("agent", lambda: self.f.agent)  # type: ignore[no-any-return]


class PiAws(FakeAws):
    """The node role's inline policy allows eks-auth:AssumeRoleForPodIdentity; other roles as FakeAws."""

    def inline_policy(self, role: str, name: str) -> dict[str, Any]:
        return pib.NODE_POLICY if role == "prod-eks-node" else super().inline_policy(role, name)

    def get_role(self, role_name: str, arn: str, account: str) -> Any:
        if role_name == "prod-eks-node":
            return self.w.answer("get_role", lambda: replace(pib.pi_facts().node_role, policies=None))
        return super().get_role(role_name, arn, account)


def diagnose_pi(world: FakeWorld, facts: Any, live: bool = True) -> Any:
    world.pods[(b.NS, b.POD)] = facts.pod
    world.facts = facts
    sources = Sources(kube=FakeKube(world), aws=PiAws(world), issuer=FakeIssuer(world), eks=FakeEks(world, facts),
                      nodes=FakeNodes(world, facts))
    session = Session("prod", sources, cluster_name=b.CLUSTER, region=b.REGION, cluster_account=b.ACCOUNT,
                      shared=False)
    runs: list[Any] = []
    result = diagnose(Options(namespace=b.NS, pod=b.POD, live=live), run_out=runs, session=session)
    return result, runs[0]


def pi_world() -> Any:
    facts = pib.pi_facts()
    facts.role = replace(pib.role(), policies=None)  # FakeAws.get_role answers this for every role
    facts.s3 = facts.pod_identity_s3  # and s3_probe this
    return facts


def test_a_pod_identity_pod_walks_the_pod_identity_chain() -> None:
    world = FakeWorld()
    result, run = diagnose_pi(world, pi_world())
    assert result.mechanism == "pod-identity"
    assert [str(link.id) for link in result.links][:3] == ["service-account", "association", "injection"]
    assert result.verdict.value == "ok", [(str(x.id), x.status.value, x.summary) for x in result.links]
    assert result.detection is not None and result.detection.mechanism == "pod-identity"
    assert world.calls["assume_role_for_pod_identity"] == 1
    assert world.calls["eks_warm"] == 1
    assert world.calls["assume_role_with_web_identity"] == 0  # no IRSA probe for a Pod Identity pod
    assert {k: d for k, d in run.depths.items() if k == "associations"} == {"associations": 2}, run.depths


def test_no_live_calls_no_eks_auth() -> None:
    world = FakeWorld()
    result, _ = diagnose_pi(world, pi_world(), live=False)
    assert world.calls["assume_role_for_pod_identity"] == 0
    assert result.link("eks-auth").status.value == "skip"


def test_a_caller_who_may_not_call_eks_auth_gets_an_error_naming_the_action() -> None:
    world = FakeWorld()
    world.fail["assume_role_for_pod_identity"] = SourceError(
        "eks-auth", "forbidden", "eks-auth AssumeRoleForPodIdentity prod-eks: AccessDeniedException",
        permission="eks-auth:AssumeRoleForPodIdentity")
    result, _ = diagnose_pi(world, pi_world())
    link = result.link("eks-auth")
    assert link.status.value == "error" and "eks-auth:AssumeRoleForPodIdentity" in link.explanation
    assert result.first_failure is None


@pytest.mark.parametrize("irsa_env", [True, False])
def test_an_irsa_pod_makes_no_pod_identity_call_past_the_associations(irsa_env: bool) -> None:
    world = FakeWorld()
    facts = b.healthy_facts()
    if not irsa_env:  # no env, no annotation, no association: 'none'
        facts.pod = b.healthy_pod(containers=(b.app_container(env=()),))
        facts.service_account = b.healthy_sa(annotations={})
    facts.associations = ()
    result, _ = diagnose_pi(world, facts)
    assert result.mechanism == ("irsa" if irsa_env else "none")
    for name in ("assume_role_for_pod_identity", "describe_addon", "agent"):
        assert world.calls[name] == 0, name
    assert world.calls["associations"] == 1
    assert (world.calls["get_node"] == 0) is irsa_env


def test_associations_unreadable_still_detect_from_the_pod() -> None:
    world = FakeWorld()
    world.fail["associations"] = SourceError("eks", "forbidden", "eks ListPodIdentityAssociations: denied",
                                             permission="eks:ListPodIdentityAssociations")
    result, _ = diagnose_pi(world, pi_world())
    assert result.mechanism == "pod-identity"
    assert result.link("association").status.value == "error"
    assert any("eks:ListPodIdentityAssociations" in r for r in result.detection.reasons)
