"""The runner on tiny hand-made graphs: depth, sharing, declared keys."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from irsa_tui.chain.errors import SourceError, SourceFailure
from irsa_tui.chain.facts import Facts
from irsa_tui.runner import Memo, Run, Step, StepContext, run_steps
from tests.chain import builders as b


def _run(*steps: Step, memo: Memo | None = None) -> Run:
    run = Run(Facts(namespace="n", pod_name="p", now=b.NOW), lambda r: None, None)
    run_steps(run, steps, env=None, deadline=5, memo=memo)
    return run


def test_depth_is_one_deeper_than_the_deepest_key_read() -> None:
    def first(ctx: StepContext) -> None:
        ctx.call("a", lambda: 1)
        ctx.call("b", lambda: 2, hops=2)
        ctx.settle(webhook="w")

    def second(ctx: StepContext) -> None:
        ctx.need("webhook")
        ctx.parallel([("c", lambda: 3, None, 1), ("d", lambda: 4, None, 2)])
        ctx.settle(cluster="c")

    run = _run(Step("first", (), ("webhook",), None, first), Step("second", ("webhook",), ("cluster",), None, second))
    assert {name: depth for name, depth, _ in run.calls} == {"a": 1, "b": 3, "c": 4, "d": 5}
    assert run.floor_depth == 5 and run.depths == {"webhook": 3, "cluster": 5}


def test_settling_an_undeclared_key_is_an_internal_error_of_that_step() -> None:
    def sloppy(ctx: StepContext) -> None:
        ctx.settle(webhook="w", cluster="c")

    run = _run(Step("sloppy", (), ("webhook",), None, sloppy))
    assert isinstance(run.facts.webhook, SourceError) and "without declaring them" in run.facts.webhook.message
    assert run.facts.cluster is None


def test_a_call_outside_the_declared_prefixes_is_caught() -> None:
    def stray(ctx: StepContext) -> None:
        ctx.call("iam GetRole x", lambda: 1)

    run = _run(Step("stray", (), ("role",), None, stray, calls=("eks ",)))
    assert isinstance(run.facts.role, SourceError) and "outside its declared calls" in run.facts.role.message


def test_memo_fetches_once_for_concurrent_askers_and_shares_a_failure() -> None:
    memo = Memo()
    fetched: list[int] = []
    gate = threading.Event()

    def fetch() -> int:
        gate.wait(5)
        fetched.append(1)
        return 42

    with ThreadPoolExecutor(4) as pool:
        futures = [pool.submit(memo.get, ("cluster", "x"), fetch) for _ in range(4)]
        gate.set()
        answers = [f.result() for f in futures]
    assert fetched == [1] and sorted(answers) == [(42, False)] * 3 + [(42, True)]

    def fail() -> int:
        raise SourceFailure(SourceError("eks", "throttled", "slow down"))

    for _ in range(2):
        with pytest.raises(SourceFailure, match="slow down"):
            memo.get(("cluster", "y"), fail)


def test_only_shared_scopes_use_the_memo() -> None:
    memo = Memo()
    counts = {"pod": 0, "cluster": 0}

    def make(scope: str) -> Step:
        def fn(ctx: StepContext) -> None:
            def count() -> int:
                counts[scope] += 1
                return counts[scope]

            ctx.call(f"{scope} call", count, key=("same",))
            ctx.settle(**{"pod" if scope == "pod" else "cluster": scope})

        return Step(scope, (), ("pod" if scope == "pod" else "cluster",), None, fn, scope=scope)  # type: ignore[arg-type]

    for _ in range(2):
        _run(make("pod"), make("cluster"), memo=memo)
    assert counts == {"pod": 2, "cluster": 1}


def test_runs_on_a_shared_pool_reuse_its_threads_and_leave_it_running() -> None:
    threads: set[int] = set()

    def first(ctx: StepContext) -> None:
        threads.add(threading.get_ident())
        ctx.settle(webhook="w")

    def second(ctx: StepContext) -> None:
        threads.add(threading.get_ident())
        ctx.need("webhook")
        ctx.settle(cluster="c")

    steps = (Step("first", (), ("webhook",), None, first), Step("second", ("webhook",), ("cluster",), None, second))
    with ThreadPoolExecutor(max_workers=4) as pool:
        for _ in range(20):
            run = Run(Facts(namespace="n", pod_name="p", now=b.NOW), lambda r: None, None)
            run_steps(run, steps, env=None, deadline=5, pool=pool)
            assert run.facts.cluster == "c"
        assert pool.submit(lambda: 1).result() == 1  # not shut down by the runs
    assert len(threads) <= 4  # 40 steps on the pool's four threads at most, not one thread per step
