"""Steps as data, and the runner that derives everything else from them.

A mechanism's fetch is a tuple of ``Step(name, needs, settles, link, fn)``. From it the runner
derives the order (a step waits only for the keys it reads), the concurrency (every step runs on
the pool at once and blocks on its needs), the critical-path depth (each call is one round trip
deeper than the deepest key the step has read), which link waits on which call (the step's
``link``), and what a deadline leaves unsettled (the ``settles`` of every step still running).

Keys are ``Facts`` field names (judged by the links) or the internal keys a mechanism declares
(values passed between steps, e.g. the parsed role ARN). ``check_graph`` verifies the graph: every
need is a known key, every key settled by exactly one step, no cycle, every link's needs settled.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, fields
from typing import Any, Literal, TypeVar

from irsa_tui.chain.errors import SourceError
from irsa_tui.chain.facts import Facts
from irsa_tui.chain.model import LinkId, LinkResult

__all__ = [
    "Memo",
    "Run",
    "Scope",
    "Step",
    "StepContext",
    "StepGraph",
    "check_graph",
    "critical_path",
    "fact_keys",
    "graph_mermaid",
    "graph_text",
    "run_steps",
]

T = TypeVar("T")

Scope = Literal["cluster", "role", "namespace", "pod"]
"""What a step's answers depend on: cluster-, role- and namespace-scoped answers are shared by every
target of one Session (fetched once); pod-scoped ones never are."""


@dataclass(frozen=True)
class Step:
    """One fetch step: what it reads, what it settles, which link waits on its calls."""

    name: str
    needs: tuple[str, ...]
    """Keys the step may read (it blocks on each only when it reads it)."""
    settles: tuple[str, ...]
    """Keys the step settles; a deadline settles the ones still open with a timeout error."""
    link: LinkId | None
    """The first link whose judgement waits on this step's calls (for "pending" displays)."""
    fn: Callable[[StepContext], None]
    calls: tuple[str, ...] = ()
    """Prefixes of the call names the step makes (``iam GetRole``): a call outside them is a bug."""
    scope: Scope = "pod"
    round_trips: int = 1
    """Dependent round trips the step makes at most, for the static critical path."""


@dataclass(frozen=True)
class StepGraph:
    """A mechanism's fetch: its steps, the internal keys they pass, and how internal keys reach Facts."""

    steps: tuple[Step, ...]
    internal: tuple[str, ...] = ()
    """Keys that are not Facts fields (values passed between steps)."""
    fold: Callable[[Facts, Mapping[str, Any]], None] | None = None
    """Called on every settle: writes internal keys into Facts where the links read them there."""
    fields: frozenset[str] | None = None
    """The Facts fields this graph settles (None: every one). A run merges the graphs of every mechanism
    (``merge``), so together they settle them all."""


def fact_keys() -> frozenset[str]:
    """Every Facts field a step may settle (the gathered ones, not the run's inputs)."""
    inputs = {"namespace", "pod_name", "now", "live", "bucket", "gaps", "region", "context", "cluster_name",
              "cluster_account"}
    return frozenset(f.name for f in fields(Facts)) - inputs


def merge(graphs: Iterable[StepGraph]) -> StepGraph:
    """One graph running the steps of several (a step shared by name runs once), folding each's internals."""
    steps: dict[str, Step] = {}
    internal: dict[str, None] = {}
    folds = []
    for graph in graphs:
        for step in graph.steps:
            steps.setdefault(step.name, step)
        internal.update(dict.fromkeys(graph.internal))
        if graph.fold is not None and graph.fold not in folds:
            folds.append(graph.fold)

    def fold(facts: Facts, values: Mapping[str, Any]) -> None:
        for one in folds:
            one(facts, values)

    return StepGraph(tuple(steps.values()), tuple(internal), fold)


def check_graph(
    steps: Sequence[Step], internal: Iterable[str], link_needs: Mapping[LinkId, Iterable[str]],
    fields: Iterable[str] | None = None,
) -> list[str]:
    """Every problem with a step graph, one line each (empty when sound). ``fields``: the Facts fields the
    graph must settle (default every one)."""
    known = fact_keys() | set(internal)
    problems: list[str] = []
    settled_by: dict[str, list[str]] = {}
    for step in steps:
        for key in step.settles:
            settled_by.setdefault(key, []).append(step.name)
            if key not in known:
                problems.append(f"step {step.name} settles {key!r}, which is neither a Facts field nor internal")
        for key in step.needs:
            if key not in known:
                problems.append(f"step {step.name} needs {key!r}, which is neither a Facts field nor internal")
    for key, names in settled_by.items():
        if len(names) > 1:
            problems.append(f"{key!r} is settled by more than one step: {', '.join(names)}")
    required = set(internal) | (set(fields) if fields is not None else set(fact_keys()))
    for key in sorted(known - set(settled_by)):
        if key in required:
            problems.append(f"{key!r} is settled by no step")
    names = [s.name for s in steps]
    if len(set(names)) != len(names):
        problems.append("two steps share a name")
    for step in steps:
        for key in step.needs:
            if key in step.settles:
                problems.append(f"step {step.name} needs {key!r}, which it settles itself")
    try:
        _order(steps)
    except ValueError as exc:
        problems.append(str(exc))
    for link, needs in link_needs.items():
        for key in needs:
            if key not in fact_keys():
                problems.append(f"link {link} needs {key!r}, which is not a Facts field")
            elif key not in settled_by:
                problems.append(f"link {link} needs {key!r}, which no step settles")
    return problems


def _producers(steps: Sequence[Step]) -> dict[str, Step]:
    return {key: step for step in steps for key in step.settles}


def _order(steps: Sequence[Step]) -> list[Step]:
    """Steps in dependency order; ValueError naming a cycle."""
    producer = _producers(steps)
    done: list[Step] = []
    state: dict[str, int] = {}

    def visit(step: Step, path: tuple[str, ...]) -> None:
        if state.get(step.name) == 2:
            return
        if state.get(step.name) == 1:
            raise ValueError(f"cycle: {' -> '.join((*path, step.name))}")
        state[step.name] = 1
        for key in step.needs:
            if key in producer:
                visit(producer[key], (*path, step.name))
        state[step.name] = 2
        done.append(step)

    for step in steps:
        visit(step, ())
    return done


def critical_path(steps: Sequence[Step]) -> tuple[int, list[str]]:
    """The longest chain of dependent round trips if every step reads every need, and its steps."""
    producer = _producers(steps)
    best: dict[str, tuple[int, list[str]]] = {}
    for step in _order(steps):
        before = max(
            (best[producer[k].name] for k in step.needs if k in producer), key=lambda b: b[0], default=(0, [])
        )
        best[step.name] = (before[0] + step.round_trips, [*before[1], step.name])
    return max(best.values(), key=lambda b: b[0], default=(0, []))


def graph_text(steps: Sequence[Step]) -> str:
    depth, path = critical_path(steps)
    lines = []
    for step in _order(steps):
        needs = ", ".join(step.needs) or "-"
        lines.append(
            f"{step.name:<10} {step.scope:<9} link {step.link or '-':<15} needs {needs}\n"
            f"{'':<10} {'':<9} {'':<20} settles {', '.join(step.settles) or '-'}"
            + (f"; calls {', '.join(step.calls)}" if step.calls else "")
        )
    lines.append(f"critical path: {depth} round trips ({' -> '.join(path)})")
    return "\n".join(lines) + "\n"


def graph_mermaid(steps: Sequence[Step]) -> str:
    producer = _producers(steps)
    lines = ["flowchart LR"]
    for step in steps:
        lines.append(f"  {step.name}[\"{step.name}<br/>{', '.join(step.settles) or '(warm-up)'}\"]")
    for step in steps:
        for key in step.needs:
            if key in producer:
                lines.append(f"  {producer[key].name} -->|{key}| {step.name}")
    return "\n".join(lines) + "\n"


class Memo:
    """Answers shared by the runs of one Session: each key fetched once, concurrent askers wait for it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._futures: dict[tuple[str, ...], Future[Any]] = {}

    def get(self, key: tuple[str, ...], fetch: Callable[[], T]) -> tuple[T, bool]:
        """(answer, True when this call fetched it). A failure is shared like an answer."""
        with self._lock:
            future = self._futures.get(key)
            mine = future is None
            if future is None:
                future = self._futures[key] = Future()
        if mine:
            try:
                future.set_result(fetch())
            except BaseException as exc:
                future.set_exception(exc)
        return future.result(), mine


class Run:
    """One diagnosis in flight: facts, settled keys, progressive judging, call accounting."""

    def __init__(
        self,
        facts: Facts,
        judge_ready: Callable[[Run], None],
        on_call: Callable[[str, bool], None] | None,
        fold: Callable[[Facts, Mapping[str, Any]], None] | None = None,
    ) -> None:
        self.facts = facts
        self.fold = fold
        """Writes internal keys into Facts where a mechanism keeps them there (IRSA: the role's policies)."""
        self.values: dict[str, Any] = {}
        """Every settled key's value (Facts fields and internal keys)."""
        self.depths: dict[str, int] = {}
        self.judge_ready = judge_ready
        self.on_call = on_call
        self.settled: set[str] = set()
        self.emitted: dict[LinkId, LinkResult] = {}
        self.lock = threading.RLock()
        self.changed = threading.Condition(self.lock)
        self.calls: list[tuple[str, int, float]] = []
        """(name, depth, ms) of every network call, for the bench."""
        self.waiting: dict[str, str] = {}
        """Step name -> the key it is blocked on (to blame the right step at the deadline)."""
        self.closed = False

    @property
    def floor_depth(self) -> int:
        return max((d for _, d, _ in self.calls), default=0)

    def close(self) -> None:
        """The run is over: late answers from abandoned calls are dropped, not shown."""
        with self.lock:
            self.closed = True
            self.changed.notify_all()

    def settle(self, depth: int, values: Mapping[str, Any], gaps: Mapping[str, str] | None = None) -> None:
        with self.lock:
            if self.closed:
                return
            for key, value in values.items():
                if key in self.settled:
                    continue
                self.values[key] = value
                self.depths[key] = depth
                self.settled.add(key)
                if key in (gaps or {}):
                    self.facts.gaps[key] = (gaps or {})[key]
                if hasattr(self.facts, key):
                    setattr(self.facts, key, value)
            if self.fold is not None:
                self.fold(self.facts, self.values)
            self.changed.notify_all()
            self.judge_ready(self)

    def wait_for(self, key: str, step: str = "") -> tuple[Any, int]:
        with self.changed:
            self.waiting[step] = key
            while key not in self.settled and not self.closed:
                self.changed.wait()
            self.waiting.pop(step, None)
            return self.values.get(key), self.depths.get(key, 0)


class StepContext:
    """What a step's function sees: its declared needs, settle/gap, and calls that are counted."""

    def __init__(self, run: Run, step: Step, pool: ThreadPoolExecutor, memo: Memo | None, env: Any) -> None:
        self.run = run
        self.step = step
        self.pool = pool
        self.memo = memo
        self.env = env
        """What the mechanism's steps share: its sources and inputs (``irsa_tui.steps``)."""
        self.depth = 0

    def need(self, key: str) -> Any:
        """The value of a key this step declared, waiting until it is settled."""
        if key not in self.step.needs:
            raise KeyError(f"step {self.step.name} reads {key!r} without declaring it in needs")
        value, depth = self.run.wait_for(key, self.step.name)
        self.depth = max(self.depth, depth)
        return value

    def settle(self, gaps: Mapping[str, str] | None = None, **values: Any) -> None:
        """Settle keys this step declared; ``gaps`` gives the reason a value is partial or missing."""
        self._check(values)
        self.run.settle(self.depth, values, gaps=gaps)

    def gap(self, key: str, reason: str, **also: Any) -> None:
        """``key`` is None for ``reason`` (not gathered); ``also`` settles other keys at the same time."""
        self._check({key: None, **also})
        self.run.settle(self.depth, {key: None, **also}, gaps={key: reason})

    def _check(self, values: Mapping[str, Any]) -> None:
        undeclared = set(values) - set(self.step.settles)
        if undeclared:
            raise KeyError(f"step {self.step.name} settles {sorted(undeclared)} without declaring them")

    def call(self, name: str, fn: Callable[[], T], hops: int = 1, key: tuple[str, ...] | None = None) -> T:
        """One network call (``hops`` dependent round trips), one level deeper than what was read.

        ``key`` names the answer for a Session: a step of a shared scope fetches it once per Session.
        """
        depth = self.depth + hops
        value = self._call(name, fn, depth, key)
        self.depth = max(self.depth, depth)
        return value

    def parallel(self, calls: Sequence[tuple[str, Callable[[], T], tuple[str, ...] | None, int]]) -> list[T]:
        """Several independent calls at once: (name, fn, session key, hops), each ``hops`` deeper than now."""
        futures = [self.pool.submit(self._call, name, fn, self.depth + hops, key) for name, fn, key, hops in calls]
        values = [f.result() for f in futures]
        self.depth = max([self.depth, *(self.depth + hops for *_, hops in calls)])
        return values

    def _call(self, name: str, fn: Callable[[], T], depth: int, key: tuple[str, ...] | None) -> T:
        if self.step.calls and not any(name.startswith(prefix) for prefix in self.step.calls):
            raise KeyError(f"step {self.step.name} made call {name!r} outside its declared calls")
        if self.memo is not None and key is not None and self.step.scope != "pod":
            return self.memo.get((self.step.scope, *key), lambda: self._counted(name, fn, depth))[0]
        return self._counted(name, fn, depth)

    def _counted(self, name: str, fn: Callable[[], T], depth: int) -> T:
        run = self.run
        if run.on_call:
            run.on_call(name, True)
        started = time.perf_counter()
        try:
            return fn()
        finally:
            elapsed = (time.perf_counter() - started) * 1000
            with run.lock:
                run.calls.append((name, depth, elapsed))
            if run.on_call:
                run.on_call(name, False)


def _blame(run: Run, step: Step, producer: Mapping[str, Step]) -> str:
    """The step a stuck step is (transitively) waiting for: the one whose call did not answer."""
    seen = {step.name}
    with run.lock:
        while step.name in run.waiting and run.waiting[step.name] in producer:
            step = producer[run.waiting[step.name]]
            if step.name in seen:
                break
            seen.add(step.name)
    return step.name


def run_steps(
    run: Run, steps: Sequence[Step], env: Any, deadline: float, memo: Memo | None = None, workers: int = 40,
    pool: ThreadPoolExecutor | None = None,
) -> None:
    """Run every step concurrently until all are done or ``deadline`` seconds have passed.

    A step that raises settles its open keys with an internal error; at the deadline every open key of
    a step still running is settled with a timeout error naming that step.

    ``pool``: a pool shared by many runs (a scan's Session), so threads are started once, not per run
    (starting ~5 threads per run was a third of a 600-workload scan's time). Each step holds a thread while
    it waits for the keys it reads, so the pool must hold every step of every run at once and spare
    threads for their ``parallel`` calls (``Session.step_pool``); it is left running.
    """
    own = pool is None
    if pool is None:
        pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="irsa-fetch")

    def guarded(step: Step) -> None:
        ctx = StepContext(run, step, pool, memo, env)
        try:
            step.fn(ctx)
        except Exception as exc:
            err = SourceError("irsa-tui", "other", f"internal error in step {step.name}: {type(exc).__name__}: {exc}")
            run.settle(ctx.depth, dict.fromkeys(step.settles, err))

    futures = [(step, pool.submit(guarded, step)) for step in steps]
    producer = _producers(steps)
    end = time.monotonic() + deadline
    for step, future in futures:
        try:
            future.result(timeout=max(0.0, end - time.monotonic()))
        except FutureTimeout:
            err = SourceError("irsa-tui", "timeout",
                              f"overall deadline of {deadline:g}s passed while waiting for {_blame(run, step, producer)}")
            run.settle(0, dict.fromkeys(step.settles, err))
    run.close()
    if own:
        pool.shutdown(wait=False, cancel_futures=True)
