"""The engine's steps over fake sources: what each asks, settles and reports when a source fails."""

from __future__ import annotations

import threading
from dataclasses import replace

import pytest

from irsa_tui.chain.errors import SourceError
from irsa_tui.chain.facts import Facts, PodFacts, RoleFacts, S3Facts, TokenFacts
from irsa_tui.chain.model import ChainResult, LinkId, Status, Verdict
from irsa_tui.engine import Run, diagnose, diagnose_many
from irsa_tui.options import Options, UsageError
from irsa_tui.runner import Step, StepContext, run_steps
from tests.chain import builders as b
from tests.engine.fakes import FakeWorld, session

FORBIDDEN = SourceError("kubernetes", "forbidden", "TokenRequest: 403", permission="create serviceaccounts/token")


def run(world: FakeWorld, **options: object) -> tuple[ChainResult, Run]:
    runs: list[Run] = []
    opts = Options(namespace=b.NS, pod=b.POD, **options)  # type: ignore[arg-type]
    return diagnose(opts, run_out=runs, session=session(world, shared=False)), runs[0]


def test_healthy_world_passes_every_link_and_names_the_role() -> None:
    result, r = run(FakeWorld())
    assert result.verdict is Verdict.OK, [(x.id, x.status, x.summary) for x in result.links]
    assert [x.id for x in result.links] == list(IRSA_LINKS)
    assert result.mechanism == "irsa" and result.target.role_arn == b.ROLE_ARN
    assert isinstance(r.facts.pod, PodFacts) and r.facts.pod.owner is not None
    assert r.facts.pod.owner.kind == "Deployment"  # the ReplicaSet owner resolved
    assert isinstance(r.facts.role, RoleFacts) and r.facts.role.policies == (b.ROLE_POLICY,)


def test_depth_follows_the_dependencies() -> None:
    _, r = run(FakeWorld())
    depth = {" ".join(name.split(" ")[:3]): d for name, d, _ in r.calls}
    assert depth["kubernetes GET pod"] == 1
    assert depth[f"kubernetes TokenRequest {b.NS}/{b.SA}"] == 2  # after GET pod
    assert depth["sts AssumeRoleWithWebIdentity"] == 3  # after the token
    assert depth[f"s3 ListObjectsV2 {b.BUCKET}"] == 4  # after STS
    assert r.floor_depth == 4


def test_no_live_makes_no_tokenrequest_sts_or_s3_and_predicts_claims() -> None:
    world = FakeWorld()
    result, r = run(world, live=False)
    assert world.calls["token_request"] == world.calls["assume_role_with_web_identity"] == world.calls["s3_probe"] == 0
    assert result.link(LinkId.STS).status is Status.SKIP and result.link(LinkId.S3).status is Status.SKIP
    assert isinstance(r.facts.token, TokenFacts) and r.facts.token.origin == "predicted"
    assert r.facts.token.claims["sub"] == f"system:serviceaccount:{b.NS}:{b.SA}"
    assert "--no-live" in r.facts.gaps["token"]


def test_tokenrequest_forbidden_predicts_claims_and_names_the_permission() -> None:
    world = FakeWorld(fail={"token_request": FORBIDDEN})
    result, r = run(world)
    assert r.facts.token_request_error == FORBIDDEN
    assert isinstance(r.facts.token, TokenFacts) and r.facts.token.origin == "predicted"
    assert world.calls["assume_role_with_web_identity"] == 0  # no real token to present
    assert result.link(LinkId.STS).status is Status.SKIP


def test_pod_not_found_is_a_usage_error_naming_the_context() -> None:
    world = FakeWorld(pods={("payments", "other"): b.healthy_pod()})
    with pytest.raises(UsageError, match=r"pod payments/api-7d9f8c6b5-x2x4z not found in context prod"):
        run(world)


def test_role_in_another_account_is_a_missing_permission_not_a_broken_chain() -> None:
    world = FakeWorld(fail={"get_role": SourceError("iam", "not-found", "NoSuchEntity")})
    world.facts.pod = None
    other = b.ROLE_ARN.replace(b.ACCOUNT, "999999999999")
    world.pods = {(b.NS, b.POD): b.healthy_pod(containers=(b.app_container(env=()),))}
    world.facts.service_account = b.healthy_sa(annotations={"eks.amazonaws.com/role-arn": other})
    _, r = run(world)
    assert isinstance(r.facts.role, SourceError)
    assert r.facts.role.kind == "forbidden" and r.facts.role.permission == "read access to account 999999999999"


def test_s3_denial_is_simulated_for_the_bucket() -> None:
    world = FakeWorld()
    world.facts.s3 = replace(world.facts.s3, ok=False, error_code="AccessDenied")
    result, r = run(world, bucket=b.BUCKET)
    assert world.calls["simulate"] == 1
    assert isinstance(r.facts.s3, S3Facts) and r.facts.s3.simulation == {"s3:ListBucket": "implicitDeny"}
    assert r.facts.s3.bucket_origin == "flag"
    assert result.link(LinkId.S3).status is Status.FAIL


def test_a_step_that_raises_settles_its_keys_with_an_internal_error() -> None:
    world = FakeWorld(fail={"describe_cluster": RuntimeError("boom")})  # a bug, not a source's fault
    result, r = run(world)
    assert isinstance(r.facts.cluster, SourceError) and "internal error in step cluster" in r.facts.cluster.message
    assert world.calls["issuer_fetch"] == 1  # the issuer came from the token's iss instead
    assert result.target.region == b.REGION


def run_stuck(call: str, live: bool = True) -> tuple[ChainResult, Run]:
    """A run whose ``call`` never answers before the (short) deadline."""
    release = threading.Event()
    try:
        return run(FakeWorld(gate={call: release}), deadline=0.5, live=live)
    finally:
        release.set()


def test_the_deadline_settles_what_a_stuck_step_owes() -> None:
    result, r = run_stuck("oidc_provider", live=False)  # static: no live answer to settle the link
    assert isinstance(r.facts.provider, SourceError) and r.facts.provider.kind == "timeout"
    assert "while waiting for provider" in r.facts.provider.message
    assert result.link(LinkId.OIDC_PROVIDER).status is Status.ERROR


def test_a_step_reading_an_undeclared_key_is_caught() -> None:
    def sneaky(ctx: StepContext) -> None:
        ctx.need("role")

    facts = Facts(namespace="n", pod_name="p", now=b.NOW)
    r = Run(facts, lambda run: None, None)
    run_steps(r, (Step("sneaky", (), ("webhook",), None, sneaky),), env=None, deadline=5)
    assert isinstance(facts.webhook, SourceError) and "without declaring it in needs" in facts.webhook.message


def test_a_session_fetches_cluster_and_role_facts_once_for_many_pods() -> None:
    pods = {(b.NS, f"api-{n}"): b.healthy_pod(name=f"api-{n}") for n in range(3)}
    world = FakeWorld(pods=pods)
    outcomes = diagnose_many([*pods, (b.NS, "gone")], Options(namespace=b.NS, pod="-"), session(world))
    assert [(o.pod, o.result.verdict if o.result else o.error) for o in outcomes[:3]] == [
        (f"api-{n}", Verdict.OK) for n in range(3)]
    assert outcomes[3].result is None and "pod payments/gone not found" in (outcomes[3].error or "")
    for once in ("webhooks", "caller", "describe_cluster", "get_role", "oidc_provider", "issuer_fetch",
                 "list_service_accounts", "get_service_account", "inline_policy_names", "inline_policy"):
        assert world.calls[once] == 1, once
    assert world.calls["get_pod"] == 4 and world.calls["token_request"] == 3
    assert world.calls["assume_role_with_web_identity"] == 3  # pod-scoped: never shared


def test_without_a_shared_session_every_run_fetches_again() -> None:
    world = FakeWorld()
    run(world)
    run(world)
    assert world.calls["describe_cluster"] == 2 and world.calls["get_role"] == 2


IRSA_LINKS = (LinkId.SERVICE_ACCOUNT, LinkId.INJECTION, LinkId.TOKEN, LinkId.OIDC_PROVIDER, LinkId.TRUST_POLICY,
              LinkId.STS, LinkId.S3)


def test_the_deadline_blames_the_step_whose_call_did_not_answer() -> None:
    _, r = run_stuck("token_request")
    for fact in (r.facts.token, r.facts.sts, r.facts.s3):
        assert isinstance(fact, SourceError) and fact.message.endswith("while waiting for token"), fact


def test_an_unreadable_replicaset_keeps_the_pod_and_its_replicaset_owner() -> None:
    world = FakeWorld(fail={"get_owner": FORBIDDEN})
    result, r = run(world)
    assert isinstance(r.facts.pod, PodFacts) and r.facts.pod.owner is not None
    assert r.facts.pod.owner.kind == "ReplicaSet"
    assert result.verdict is Verdict.OK


def test_without_a_cluster_name_the_cluster_is_a_gap_and_the_issuer_comes_from_the_token() -> None:
    world = FakeWorld()
    s = session(world, shared=False)
    s.cluster_name = None
    runs: list[Run] = []
    result = diagnose(Options(namespace=b.NS, pod=b.POD), run_out=runs, session=s)
    facts = runs[0].facts
    assert facts.cluster is None and "pass --cluster" in facts.gaps["cluster"]
    assert world.calls["describe_cluster"] == 0 and world.calls["issuer_fetch"] == 1
    assert result.target.region == b.REGION


def test_providers_of_another_account_are_a_missing_permission() -> None:
    world = FakeWorld()
    other = b.ROLE_ARN.replace(b.ACCOUNT, "999999999999")
    world.pods = {(b.NS, b.POD): b.healthy_pod(containers=(b.app_container(env=()),))}
    world.facts.service_account = b.healthy_sa(annotations={"eks.amazonaws.com/role-arn": other})
    _, r = run(world)
    assert isinstance(r.facts.provider, SourceError) and r.facts.provider.kind == "forbidden"
    assert r.facts.provider.permission == "iam:ListOpenIDConnectProviders in account 999999999999"
    assert world.calls["oidc_provider"] == 0


def test_a_shared_failure_is_fetched_once_and_reported_to_every_target() -> None:
    pods = {(b.NS, f"api-{n}"): b.healthy_pod(name=f"api-{n}") for n in range(2)}
    world = FakeWorld(pods=pods, fail={"get_role": SourceError("iam", "throttled", "iam GetRole: Throttling")})
    outcomes = diagnose_many(list(pods), Options(namespace=b.NS, pod="-", live=False), session(world))
    assert world.calls["get_role"] == 1
    for outcome in outcomes:
        assert outcome.result is not None
        trust = outcome.result.link(LinkId.TRUST_POLICY)
        assert trust.status is Status.ERROR and "Throttling" in trust.summary
