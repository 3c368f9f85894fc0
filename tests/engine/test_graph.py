"""The declared step graph itself: sound, complete, and what the runner and the UI derive from it."""

from __future__ import annotations

from dataclasses import replace

import pytest

from irsa_tui.chain.facts import Facts
from irsa_tui.chain.model import LinkId
from irsa_tui.chain.registry import IRSA, MECHANISMS
from irsa_tui.engine import GRAPHS, diagnose, link_for_call
from irsa_tui.options import Options
from irsa_tui.runner import Step, check_graph, critical_path, fact_keys, graph_mermaid, graph_text
from irsa_tui.steps import INTERNAL, STEPS
from tests.chain import builders as b
from tests.engine.fakes import FakeWorld, session

LINK_NEEDS = {spec.id: spec.needs for spec in IRSA.links}


def _noop(ctx: object) -> None:
    return None


@pytest.mark.parametrize("mechanism", sorted(MECHANISMS))
def test_every_mechanisms_graph_is_sound(mechanism: str) -> None:
    graph = GRAPHS[mechanism]
    needs = {spec.id: spec.needs for spec in MECHANISMS[mechanism].links}
    assert check_graph(graph.steps, graph.internal, needs, graph.fields) == []
    for step in graph.steps:
        assert step.link is None or step.link in MECHANISMS[mechanism].link_ids, step.name


def test_every_mechanism_has_steps_and_only_implemented_links() -> None:
    assert set(MECHANISMS) == set(GRAPHS)
    for mechanism in MECHANISMS.values():
        assert len(set(mechanism.link_ids)) == len(mechanism.link_ids)
        for spec in mechanism.links:
            assert spec.check is not None and spec.title and spec.short, spec.id


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda s: (*s, Step("typo", ("servce_account",), ("x_extra",), None, _noop)), "needs 'servce_account'"),
        (lambda s: (*s, Step("again", (), ("role",), None, _noop)), "'role' is settled by more than one step"),
        (lambda s: tuple(x for x in s if x.name != "issuer"), "'issuer' is settled by no step"),
        (
            lambda s: tuple(replace(x, needs=(*x.needs, "s3")) if x.name == "pod" else x for x in s),
            "cycle",
        ),
    ],
    ids=["misspelt-need", "settled-twice", "unsettled-fact", "cycle"],
)
def test_a_broken_graph_is_reported(change: object, problem: str) -> None:
    steps = change(STEPS)  # type: ignore[operator]
    problems = check_graph(steps, INTERNAL, LINK_NEEDS)
    assert any(problem in p for p in problems), problems


def test_a_link_need_that_no_step_settles_is_reported() -> None:
    needs = {**LINK_NEEDS, LinkId.S3: ("s3", "provider", "pod_name")}
    problems = check_graph(STEPS, INTERNAL, needs, GRAPHS["irsa"].fields)
    assert problems == ["link s3 needs 'pod_name', which is not a Facts field"]


def test_a_run_merges_every_mechanisms_graph_and_settles_every_fact() -> None:
    from irsa_tui.engine import RUN_GRAPH

    needs = {spec.id: spec.needs for m in MECHANISMS.values() for spec in m.links}
    assert check_graph(RUN_GRAPH.steps, RUN_GRAPH.internal, {}) == []
    for mechanism in MECHANISMS.values():
        for spec in mechanism.links:
            assert set(spec.needs) <= {k for s in RUN_GRAPH.steps for k in s.settles}, (mechanism.id, spec.id)
    assert needs


def test_link_needs_are_facts_fields() -> None:
    for link, needs in LINK_NEEDS.items():
        assert set(needs) <= fact_keys(), link


def test_critical_path_runs_from_the_pod_to_the_s3_probe() -> None:
    depth, path = critical_path(STEPS)
    assert path[0] == "pod" and path[-1] == "s3"
    assert depth == sum(next(s.round_trips for s in STEPS if s.name == name) for name in path)


def test_text_and_mermaid_show_every_step_and_edge() -> None:
    text, mermaid = graph_text(STEPS), graph_mermaid(STEPS)
    assert mermaid.startswith("flowchart LR")
    for step in STEPS:
        assert step.name in text and f"  {step.name}[" in mermaid
    assert "pod -->|pod_read| sa" in mermaid and "sts -->|credentials| s3" in mermaid
    assert "critical path:" in text


def test_every_call_a_run_makes_is_declared_and_points_at_its_steps_link() -> None:
    world = FakeWorld()
    seen: list[str] = []
    diagnose(Options(namespace=b.NS, pod=b.POD, bucket=b.BUCKET), on_call=lambda n, started: seen.append(n),
             session=session(world, shared=False))
    assert seen, "no call reported"
    for name in seen:
        owners = [s for s in STEPS if any(name.startswith(p) for p in s.calls)]
        assert owners, f"call {name!r} is declared by no step"
        assert link_for_call(name) is max(
            ((p, s.link) for s in owners for p in s.calls if name.startswith(p)), key=lambda x: len(x[0])
        )[1]


def test_debug_graph_prints_text_and_mermaid(capsys: pytest.CaptureFixture[str]) -> None:
    from irsa_tui.cli import main

    assert main(["debug", "graph"]) == 0
    assert capsys.readouterr().out == graph_text(STEPS)
    assert main(["debug", "graph", "--mermaid"]) == 0
    assert capsys.readouterr().out == graph_mermaid(STEPS)
    assert main(["debug", "graph", "--mechanism", "nope"]) == 64
    assert "unknown mechanism 'nope'" in capsys.readouterr().err


def test_readme_shows_the_current_graph() -> None:
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    assert f"```mermaid\n{graph_mermaid(STEPS)}```" in readme, "README's graph is stale: paste irsa-tui debug graph --mermaid"


class _Recording(Facts):
    """Facts that remember which gathered fields a check read."""

    def __getattribute__(self, name: str) -> object:
        if name in fact_keys():
            object.__getattribute__(self, "seen").add(name)
        return object.__getattribute__(self, name)


@pytest.mark.parametrize("mechanism", ["irsa", "pod-identity", "none"])
@pytest.mark.parametrize("variant", ["healthy", "no-live", "nothing-gathered", "caller-known"])
def test_each_link_reads_only_facts_settled_before_it_is_judged(variant: str, mechanism: str) -> None:
    """A link is judged once its needs and those of every link before it are settled: it may read no more."""
    from dataclasses import fields

    from irsa_tui.chain.walk import judge_link
    from tests.chain import pod_identity_builders as pib

    base = b.healthy_facts() if mechanism == "irsa" else pib.pi_facts()
    if mechanism == "none":
        base.pod = b.healthy_pod(containers=(b.app_container(env=()),))
        base.service_account = b.healthy_sa(annotations={})
        base.associations = ()
    if variant == "no-live":
        base.sts = base.s3 = base.eks_auth = base.pod_identity_s3 = None
        base.live = False
    if variant == "caller-known":
        base.caller = f"arn:aws:iam::{b.ACCOUNT}:user/sre"
    if variant == "nothing-gathered":
        for key in fact_keys():
            setattr(base, key, None)
    allowed: set[str] = set()
    prior: dict[LinkId, object] = {}
    for spec in MECHANISMS[mechanism].links:
        facts = _Recording(**{f.name: getattr(base, f.name) for f in fields(Facts)})
        object.__setattr__(facts, "seen", set())
        prior[spec.id] = judge_link(spec, facts, prior)  # type: ignore[arg-type]
        allowed |= set(spec.needs)
        seen: set[str] = object.__getattribute__(facts, "seen")
        assert seen <= allowed, f"{spec.id} reads {sorted(seen - allowed)} before they are sure to be settled"
