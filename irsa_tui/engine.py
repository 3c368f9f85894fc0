"""Fetch, then judge: run a mechanism's fetch steps for one pod, judge each link as soon as its facts
are in, and return one ChainResult; or do that for many pods sharing one Session.

The fetch is a declared graph of steps (``irsa_tui.steps.STEPS``) run by ``irsa_tui.runner``: each
step waits only for the keys it reads, so one slow API never serialises the rest and the wall time
tracks the longest chain of dependent round trips (``Run.floor_depth``). What to ask is decided by
``irsa_tui.chain.plan``; the sources come in through a ``Session``.

Scopes and staleness: a ``Session`` remembers cluster-, namespace- and role-scoped answers (issuer,
OIDC providers, webhooks, DescribeCluster, caller identity, roles and their policies, service
accounts) for the targets of one scan. ``diagnose`` opens a fresh Session per call unless given one,
so a re-run asked for by the user always re-fetches (it is usually meant to see a fix take effect).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from irsa_tui.chain.arn import RoleArn
from irsa_tui.chain.errors import SourceError
from irsa_tui.chain.facts import Facts, PodFacts
from irsa_tui.chain.mechanism import MechanismVerdict, diagnosed, env_mechanism
from irsa_tui.chain.model import ChainResult, LinkId, LinkResult, Target
from irsa_tui.chain.registry import IRSA, NONE, POD_IDENTITY
from irsa_tui.chain.registry import mechanism as find_mechanism
from irsa_tui.chain.spec import Mechanism
from irsa_tui.chain.walk import judge, judge_link
from irsa_tui.options import Options, UsageError
from irsa_tui.runner import Memo, Run, StepGraph, merge, run_steps
from irsa_tui.sources.protocols import Sources
from irsa_tui.steps import GRAPH, StepInputs, decode_token, redact_signature
from irsa_tui.steps_credentials import credentials_for
from irsa_tui.steps_pod_identity import GRAPH as POD_IDENTITY_GRAPH
from irsa_tui.steps_pod_identity import NONE_GRAPH

__all__ = [
    "GRAPHS",
    "Options",
    "Outcome",
    "Run",
    "Session",
    "UsageError",
    "decode_token",
    "diagnose",
    "diagnose_many",
    "link_for_call",
    "redact_signature",
]

GRAPHS: dict[str, StepGraph] = {IRSA.id: GRAPH, POD_IDENTITY.id: POD_IDENTITY_GRAPH, NONE.id: NONE_GRAPH}
"""The fetch-step graph of each mechanism of ``irsa_tui.chain.registry.MECHANISMS``."""

RUN_GRAPH = merge(GRAPHS.values())
"""What a run fetches when the mechanism is not known in advance: every mechanism's steps (shared ones
once); ``detection`` decides which mechanism's links are judged."""


def link_for_call(name: str) -> LinkId | None:
    """The link whose judgement waits on a call named by ``on_call`` (for "pending" displays):
    that of the step declaring the longest matching call prefix."""
    best: tuple[int, LinkId | None] = (0, None)
    for graph in GRAPHS.values():
        for step in graph.steps:
            for prefix in step.calls:
                if name.startswith(prefix) and len(prefix) > best[0]:
                    best = (len(prefix), step.link)
    return best[1]


class Session:
    """One cluster (kube context) as several runs see it: its sources, and — when ``shared`` — a memo
    so each cluster-, namespace- and role-scoped answer is fetched once for all of them."""

    def __init__(
        self,
        context: str,
        sources: Sources,
        *,
        cluster_name: str | None = None,
        region: str | None = None,
        cluster_account: str | None = None,
        shared: bool = True,
    ) -> None:
        self.context = context
        self.sources = sources
        self.cluster_name = cluster_name
        self.region = region
        self.cluster_account = cluster_account
        self.memo = Memo() if shared else None
        self.step_pool: ThreadPoolExecutor | None = None
        """Threads shared by every run on this Session (see ``use_step_pool``); None: a pool per run."""

    def use_step_pool(self, runs_at_once: int) -> ThreadPoolExecutor:
        """Share one thread pool among the runs of this Session, ``runs_at_once`` of them at a time at most
        (a scan): room for every step of each of them plus as many for their parallel calls."""
        if self.step_pool is None:
            steps = max(len(graph.steps) for graph in GRAPHS.values())
            self.step_pool = ThreadPoolExecutor(max_workers=2 * steps * max(1, runs_at_once),
                                                thread_name_prefix="irsa-fetch")
        return self.step_pool

    def close(self) -> None:
        """Let the shared step pool's threads end (runs still going keep theirs until they finish)."""
        if self.step_pool is not None:
            self.step_pool.shutdown(wait=False)
            self.step_pool = None

    @classmethod
    def open(cls, options: Options, shared: bool = True) -> Session:
        """The real sources for the options' context. Raises UsageError for an unknown context."""
        from irsa_tui.sources.kubeconfig import KubeconfigError, find_context

        try:
            ctx = find_context(options.context)
        except KubeconfigError as exc:
            raise UsageError(str(exc)) from None
        from irsa_tui.sources.aws import Aws
        from irsa_tui.sources.issuer import HttpIssuer
        from irsa_tui.sources.kube import Kube
        from irsa_tui.sources.pod_identity import PodIdentityAws, PodIdentityKube

        region = options.region or ctx.region
        kube, aws = Kube(ctx.name, options.timeout), Aws(region, options.timeout)
        sources = Sources(kube=kube, aws=aws, issuer=HttpIssuer(options.timeout), eks=PodIdentityAws(aws),
                          nodes=PodIdentityKube(kube))
        return cls(ctx.name, sources, cluster_name=options.cluster or ctx.eks_cluster, region=region,
                   cluster_account=ctx.eks_account if not options.cluster else None, shared=shared)


def _chosen(run: Run) -> Mechanism | None:
    """The mechanism to judge, as soon as the facts say: the pod's env when it decides, else detection
    (the pod unreadable: IRSA, whose links say so)."""
    pod = run.values.get("pod_read")
    if "pod_read" in run.settled and not isinstance(pod, PodFacts):
        return IRSA
    if isinstance(pod, PodFacts):
        early = env_mechanism(pod)
        if early is not None:
            return find_mechanism(early)
    verdict = run.values.get("detection")
    if isinstance(verdict, MechanismVerdict):
        return find_mechanism(diagnosed(verdict))
    return IRSA if "detection" in run.settled else None


def _judge_ready(mechanism: Mechanism | None, on_link: Callable[[LinkResult], None] | None) -> Callable[[Run], None]:
    fixed = mechanism

    def judge_ready(run: Run) -> None:
        mechanism = fixed or _chosen(run)
        if mechanism is None:
            return
        for spec in mechanism.links:
            if spec.id in run.emitted:
                continue
            if not set(spec.needs) <= run.settled:
                return  # keep chain order: later links read earlier results
            result = judge_link(spec, run.facts, dict(run.emitted))
            run.emitted[spec.id] = result
            if on_link:
                on_link(result)

    return judge_ready


def _judge_nothing(run: Run) -> None:
    """No one watches links appear: the final judgement below is the only one."""


def diagnose(
    options: Options,
    on_link: Callable[[LinkResult], None] | None = None,
    on_call: Callable[[str, bool], None] | None = None,
    run_out: list[Run] | None = None,
    session: Session | None = None,
    mechanism: Mechanism | None = None,
) -> ChainResult:
    """Gather and judge. Raises UsageError for usage problems; every other fault ends in the result.

    ``mechanism`` None (the default): fetch for every mechanism and judge the one the pod really uses
    (``ChainResult.mechanism``, ``.detection``); a given mechanism runs only its own steps."""
    started = time.perf_counter()
    if session is None:
        session = Session.open(options, shared=False)
    facts = Facts(
        namespace=options.namespace,
        pod_name=options.pod,
        now=datetime.now(UTC),
        live=options.live,
        bucket=options.bucket,
        region=session.region,
        context=session.context,
        cluster_name=session.cluster_name,
        cluster_account=session.cluster_account,
    )
    graph = GRAPHS[mechanism.id] if mechanism is not None else RUN_GRAPH
    # Links are judged as their facts settle only for someone watching (on_link): a scan's hundreds of runs
    # would judge every chain twice for nothing (a tenth of a fleet scan's CPU).
    run = Run(facts, _judge_ready(mechanism, on_link) if on_link else _judge_nothing, on_call, fold=graph.fold)
    if run_out is not None:
        run_out.append(run)
    inputs = StepInputs(namespace=options.namespace, pod=options.pod, live=options.live,
                        cluster_name=session.cluster_name, region=session.region, bucket=options.bucket,
                        object_key=options.object_key, cluster_explicit=bool(options.cluster),
                        context=session.context, logs=options.logs, log_lines=options.log_lines,
                        cloudtrail=options.cloudtrail)
    run_steps(run, graph.steps, (session.sources, inputs), options.deadline, session.memo, pool=session.step_pool)
    _raise_usage(run, options, session)
    # Final, complete judgement; re-emit any link whose result changed since it was shown.
    verdict = run.values.get("detection")
    detection = verdict if isinstance(verdict, MechanismVerdict) else None
    with run.lock:
        chosen = mechanism or _chosen(run) or IRSA
        links = judge(facts, mechanism=chosen)
        for result in links:
            if on_link and run.emitted.get(result.id) != result:
                on_link(result)
        run.emitted = {r.id: r for r in links}
    region = run.values.get("aws_region")
    role: object = run.values.get("role_arn")
    if chosen.id == POD_IDENTITY.id:
        arns = run.values.get("association_role_arns")
        role = (arns[1] or arns[0]) if isinstance(arns, tuple) else None
    target = Target(
        namespace=options.namespace,
        pod=options.pod,
        context=session.context,
        cluster=session.cluster_name,
        # no EKS cluster: the AWS region irsa-tui used
        region=region if isinstance(region, str) else (session.region or session.sources.aws.region),
        role_arn=str(role) if isinstance(role, RoleArn | str) else None,
    )
    credentials, node = credentials_for(run.values, run.facts.gaps)
    return ChainResult(target=target, links=links, duration_ms=int((time.perf_counter() - started) * 1000),
                       mechanism=chosen.id, detection=detection, credentials=credentials, node=node)


def _raise_usage(run: Run, options: Options, session: Session) -> None:
    pod = run.values.get("pod_read")
    if not isinstance(pod, SourceError):
        return
    if pod.source == "kubeconfig":
        raise UsageError(pod.message)
    if pod.kind == "not-found":
        ctx, ns = session.context, options.namespace
        raise UsageError(f"pod {ns}/{options.pod} not found in context {ctx} "
                         f"(check the name with: kubectl --context {ctx} -n {ns} get pods)")


@dataclass(frozen=True)
class Outcome:
    """One target of ``diagnose_many``: its result, or the one-line reason it could not be diagnosed."""

    namespace: str
    pod: str
    result: ChainResult | None
    error: str | None = None


def diagnose_many(
    targets: Sequence[tuple[str, str]], options: Options, session: Session | None = None, workers: int = 4
) -> list[Outcome]:
    """Diagnose every (namespace, pod) with ``options``, sharing one Session: each cluster-, namespace-
    and role-scoped fact is fetched once. A target that fails (pod gone, a bug) never stops the others.
    Results come back in the order of ``targets``."""
    if session is None:
        session = Session.open(options, shared=True)
    shared = session

    def one(target: tuple[str, str]) -> Outcome:
        ns, pod = target
        try:
            result = diagnose(replace(options, namespace=ns, pod=pod), session=shared)
        except UsageError as exc:
            return Outcome(ns, pod, None, str(exc))
        except Exception as exc:  # one target's bug must not cost the others their results
            return Outcome(ns, pod, None, f"internal error: {type(exc).__name__}: {exc}")
        return Outcome(ns, pod, result)

    with ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="irsa-target") as pool:
        return list(pool.map(one, targets))
