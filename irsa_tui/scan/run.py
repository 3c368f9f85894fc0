"""Scan many workloads at once on one Session: list once, judge each distinct identity once.

Cost grows with distinct facts, not with pods: pods, ServiceAccounts and controllers are LISTed once
per namespace (once for the cluster with ``-A``); each workload is judged on one representative pod
per identity shape (``scan.targets``), through ``engine.diagnose`` on a shared Session whose Kubernetes
source answers pod and ServiceAccount reads from those lists; every cluster-, namespace- and
role-scoped fact is then fetched once for all targets (the Session's memo). Throttled answers are
retried with backoff while the deadline allows; a target that still fails is an ``error`` row.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Any, Protocol, cast

from irsa_tui.chain.arn import RoleArn
from irsa_tui.chain.errors import SourceError, SourceFailure
from irsa_tui.chain.facts import OwnerRef, PodFacts, RoleFacts, ServiceAccountFacts
from irsa_tui.chain.mechanism import association_inputs, detect_mechanism, diagnosed, pod_input
from irsa_tui.chain.model import ChainResult, Status
from irsa_tui.chain.pod_identity_facts import AssociationFacts
from irsa_tui.chain.registry import IRSA
from irsa_tui.engine import Options, Session, UsageError, diagnose
from irsa_tui.scan.model import OddReplica, RowVerdict, ScanOptions, ScanReport, WorkloadRow
from irsa_tui.scan.targets import Workload, group_workloads, role_annotation, shape_difference
from irsa_tui.sources.kubeconfig import KubeconfigError
from irsa_tui.sources.protocols import Sources

__all__ = ["Listing", "ScanKubeSource", "scan"]

OnRow = Callable[[WorkloadRow], None]
OnProgress = Callable[[int, int], None]


class ScanKubeSource(Protocol):
    """What a scan lists beyond ``KubeSource`` (``sources.kube.Kube`` has these); ``None``: every namespace."""

    def list_pods(self, ns: str | None) -> tuple[PodFacts, ...]: ...

    def list_all_service_accounts(self, ns: str | None) -> tuple[ServiceAccountFacts, ...]: ...

    def list_controllers(self, ns: str | None) -> dict[tuple[str, str, str], OwnerRef]:
        """(namespace, kind, name) of each ReplicaSet and Job -> its controller (Deployment, CronJob)."""
        ...

    def namespaces(self) -> list[str]: ...


@dataclass
class Listing:
    """What the scan listed: the inputs of every target's judgement."""

    pods: list[PodFacts] = field(default_factory=list)
    service_accounts: dict[tuple[str, str], ServiceAccountFacts] = field(default_factory=dict)
    controllers: dict[tuple[str, str, str], OwnerRef] = field(default_factory=dict)
    associations: list[AssociationFacts] = field(default_factory=list)
    namespaces: set[str] | None = None
    """Namespaces known to exist (None: not listed)."""
    listed_sa_namespaces: set[str] | None = field(default_factory=set)
    """Namespaces whose ServiceAccounts were listed (None: every namespace)."""
    association_namespaces: set[str] | None = field(default_factory=set)
    """Namespaces whose associations were listed (None: every namespace)."""
    errors: list[str] = field(default_factory=list)


# --- sources the scan wraps ----------------------------------------------------------------------
class _Listed:
    """A KubeSource answering pod, owner and ServiceAccount reads from the scan's lists."""

    def __init__(self, inner: Any, listing: Listing) -> None:
        self.inner = inner
        self.listing = listing
        self.pods = {(p.namespace, p.name): p for p in listing.pods}
        self.by_ns: dict[str, tuple[ServiceAccountFacts, ...]] = {}
        for sa in listing.service_accounts.values():
            self.by_ns[sa.namespace] = (*self.by_ns.get(sa.namespace, ()), sa)

    def _sa_listed(self, ns: str) -> bool:
        done = self.listing.listed_sa_namespaces
        return done is None or ns in done

    def get_pod(self, ns: str, name: str) -> PodFacts:
        pod = self.pods.get((ns, name))
        return pod if pod is not None else cast("PodFacts", self.inner.get_pod(ns, name))

    def get_owner(self, pod: PodFacts, raw_owner: OwnerRef | None) -> OwnerRef | None:
        if raw_owner is None:
            return None
        found = self.listing.controllers.get((pod.namespace, raw_owner.kind, raw_owner.name))
        return found if found is not None else raw_owner

    def get_service_account(self, ns: str, name: str) -> ServiceAccountFacts:
        sa = self.listing.service_accounts.get((ns, name))
        if sa is not None:
            return sa
        if self._sa_listed(ns):
            raise SourceFailure(SourceError("kubernetes", "not-found", f"GET serviceaccount {ns}/{name}: 404 NotFound: "
                                            f'serviceaccounts "{name}" not found', status=404, code="NotFound"))
        return cast("ServiceAccountFacts", self.inner.get_service_account(ns, name))

    def list_service_accounts(self, ns: str) -> tuple[ServiceAccountFacts, ...]:
        if self._sa_listed(ns):
            return self.by_ns.get(ns, ())
        return cast("tuple[ServiceAccountFacts, ...]", self.inner.list_service_accounts(ns))

    def __getattr__(self, name: str) -> Any:  # webhooks, issuer_discovery, token_request: the real source
        return getattr(self.inner, name)


class _ListedAssociations:
    """The Pod Identity source, answering ListPodIdentityAssociations from the scan's list."""

    def __init__(self, inner: Any, listing: Listing) -> None:
        self.inner = inner
        self.listing = listing

    def associations(self, cluster: str, namespace: str | None = None, service_account: str | None = None
                     ) -> tuple[AssociationFacts, ...]:
        listed = self.listing.association_namespaces
        if listed is not None and namespace is not None and namespace not in listed:
            return cast("tuple[AssociationFacts, ...]", self.inner.associations(cluster, namespace, service_account))
        return tuple(a for a in self.listing.associations if namespace in (None, a.namespace)
                     and service_account in (None, a.service_account))

    def __getattr__(self, name: str) -> Any:  # add-on, EKS Auth, EC2, instance profiles: the real source
        return getattr(self.inner, name)


_RETRIED = ("throttled",)


class _Retrying:
    """Any source, its calls retried with jittered exponential backoff on throttling until ``end``."""

    def __init__(self, inner: Any, end: float, counter: Callable[[], None] | None = None) -> None:
        self.inner = inner
        self.end = end
        self.counter = counter

    def __getattr__(self, name: str) -> Any:
        value = getattr(self.inner, name)
        if not callable(value):
            return value

        def call(*args: Any, **kwargs: Any) -> Any:
            delay = 0.2
            while True:
                if self.counter is not None:
                    self.counter()
                try:
                    return value(*args, **kwargs)
                except SourceFailure as failure:
                    wait = delay * (0.5 + random.random())
                    if failure.error.kind not in _RETRIED or time.monotonic() + wait >= self.end:
                        raise
                    time.sleep(wait)
                    delay = min(delay * 2, 5.0)

        return call

    def __setattr__(self, name: str, value: Any) -> None:
        if name in ("inner", "end", "counter"):
            object.__setattr__(self, name, value)
        else:
            setattr(self.inner, name, value)


# --- listing -------------------------------------------------------------------------------------
def _one_line(exc: BaseException) -> str:
    if isinstance(exc, SourceFailure):
        return exc.error.one_line()
    return f"internal error: {type(exc).__name__}: {exc}"


def _list(kube: Any, pod_identity: Any, namespaces: Sequence[str] | None, cluster: str | None,
          workers: int) -> Listing:
    """Every LIST the scan needs, concurrently: per namespace, or once cluster-wide (``None``)."""
    listing = Listing()
    scopes: list[str | None] = list(namespaces) if namespaces is not None else [None]
    listing.listed_sa_namespaces = set() if namespaces is not None else None
    lock = threading.Lock()

    def pods(ns: str | None) -> None:
        found = kube.list_pods(ns)
        with lock:
            listing.pods.extend(found)

    def sas(ns: str | None) -> None:
        found = kube.list_all_service_accounts(ns)
        with lock:
            listing.service_accounts.update({(s.namespace, s.name): s for s in found})
            if ns is not None and listing.listed_sa_namespaces is not None:
                listing.listed_sa_namespaces.add(ns)

    def controllers(ns: str | None) -> None:
        found = kube.list_controllers(ns)
        with lock:
            listing.controllers.update(found)

    def spaces() -> None:
        found = set(kube.namespaces())
        with lock:
            listing.namespaces = found

    def associations(ns: str | None) -> None:
        found = pod_identity.associations(cluster, ns)
        with lock:
            listing.associations.extend(found)
            if ns is None:
                listing.association_namespaces = None
            elif listing.association_namespaces is not None:
                listing.association_namespaces.add(ns)

    jobs: list[tuple[str, Callable[[], None]]] = []
    for ns in scopes:
        where = ns or "all namespaces"
        jobs += [(f"pods in {where}", lambda ns=ns: pods(ns)),  # type: ignore[misc]
                 (f"serviceaccounts in {where}", lambda ns=ns: sas(ns)),  # type: ignore[misc]
                 (f"controllers in {where}", lambda ns=ns: controllers(ns))]  # type: ignore[misc]
        if pod_identity is not None and cluster:
            jobs.append((f"Pod Identity associations in {where}", lambda ns=ns: associations(ns)))  # type: ignore[misc]
    if namespaces is None:
        jobs.append(("namespaces", spaces))

    unusable: list[str] = []

    def run(job: tuple[str, Callable[[], None]]) -> None:
        what, fn = job
        try:
            fn()
        except KubeconfigError as exc:  # the kube context itself cannot be used: a usage error, as for check
            with lock:
                unusable.append(str(exc))
        except Exception as exc:  # one list's failure costs its rows, never the scan
            with lock:
                listing.errors.append(f"could not list {what}: {_one_line(exc)}")

    with ThreadPoolExecutor(max_workers=max(1, min(workers, len(jobs))), thread_name_prefix="irsa-scan-list") as pool:
        list(pool.map(run, jobs))
    if unusable:
        raise UsageError(unusable[0])
    listing.pods.sort(key=lambda p: (p.namespace, p.name))
    listing.errors.sort()
    if pod_identity is not None and not cluster:
        listing.errors.append("Pod Identity associations not listed: no EKS cluster name (pass --cluster)")
    return listing


# --- judging -------------------------------------------------------------------------------------
def _row_verdict(result: ChainResult) -> RowVerdict:
    return result.verdict.value


def _row_summary(result: ChainResult) -> str:
    first = result.first_failure
    if first is not None:
        return result.link(first).summary
    errors = [link for link in result.links if link.status is Status.ERROR]
    if errors:
        return f"{errors[0].id.value}: {errors[0].summary}"
    return result.verdict_text()


_RANK: dict[RowVerdict, int] = {"ok": 0, "incomplete": 1, "error": 2, "broken": 3}


@dataclass
class _Judged:
    pod: PodFacts
    result: ChainResult | None
    error: str | None
    mechanism: str


def _judge(session: Session, options: ScanOptions, pod: PodFacts, end: float,
           associations: Sequence[AssociationFacts], sa: ServiceAccountFacts | None) -> _Judged:
    """The pod's chain for the mechanism it really uses (as check judges it: ``mechanism_detail``)."""
    detected = detect_mechanism(pod_input(pod), role_annotation(sa), association_inputs(associations))
    mechanism = diagnosed(detected)
    remaining = end - time.monotonic()
    if remaining <= 0.05:
        return _Judged(pod, None, f"not judged: the scan's deadline of {options.deadline:g}s passed", mechanism)
    run = Options(namespace=pod.namespace, pod=pod.name, context=session.context, cluster=options.cluster,
                  region=options.region, bucket=options.bucket, live=options.live, timeout=options.timeout,
                  deadline=max(0.1, min(remaining, 60.0)))
    # A pod that only IRSA concerns (no association): IRSA's steps alone, half the work of walking every
    # mechanism's steps, the same chain check gives (the engine's detection would pick IRSA too).
    only_irsa = mechanism == "irsa" and detected.association is None and "pod-identity" not in detected.configured
    try:
        if only_irsa:
            result = replace(diagnose(run, session=session, mechanism=IRSA), detection=detected)
        else:
            result = diagnose(run, session=session)
    except UsageError as exc:
        return _Judged(pod, None, str(exc), mechanism)
    except Exception as exc:  # one target's bug must not cost the others their results
        return _Judged(pod, None, f"internal error: {type(exc).__name__}: {exc}", mechanism)
    return _Judged(pod, result, None, result.mechanism)


def _row(work: Workload, judged: Sequence[_Judged], role_arn: str | None) -> WorkloadRow:
    main = judged[0]
    verdicts: list[RowVerdict] = [(_row_verdict(j.result) if j.result else "error") for j in judged]
    worst_index = max(range(len(judged)), key=lambda i: (_RANK[verdicts[i]], -i))
    worst = judged[worst_index]
    if worst.result is not None:
        first = worst.result.first_failure
        first_failure = first.value if first else None
        summary = _row_summary(worst.result)
    else:
        first_failure, summary = None, worst.error or ""
    if worst_index:
        summary = f"odd replica {worst.pod.name}: {summary}"
    odd = []
    usual_shape = work.groups[0][0]
    for (group_shape, pods), j, verdict in zip(work.groups[1:], judged[1:], verdicts[1:], strict=True):
        differs = shape_difference(group_shape, usual_shape)
        for pod in pods:
            first = j.result.first_failure if j.result else None
            odd.append(OddReplica(pod=pod.name, differs=differs, verdict=verdict,
                                  first_failure=first.value if first else None,
                                  summary=_row_summary(j.result) if j.result else (j.error or "")))
    codes = sorted({f.code for j in judged if j.result for link in j.result.links for f in link.findings})
    return WorkloadRow(
        namespace=work.namespace, kind=work.kind, name=work.name, service_account=work.service_account,
        mechanism=main.mechanism, verdict=verdicts[worst_index], first_failure=first_failure, summary=summary,
        role_arn=role_arn, replicas=len(work.pods), pods=tuple(p.name for p in work.pods),
        representative=main.pod.name, odd_replicas=tuple(odd), chain=main.result, codes=tuple(codes),
        error=main.error if main.result is None else None,
    )


def role_facts(session: Session, arn: RoleArn) -> RoleFacts | SourceError:
    """The role as the steps fetched it (the Session's memo: fetched once whoever asks first)."""
    aws = session.sources.aws

    def fetch() -> RoleFacts | SourceError:
        try:
            return aws.get_role(arn.name, str(arn), arn.account)
        except SourceFailure as failure:
            return failure.error

    if session.memo is None:
        return fetch()
    try:
        value, _ = session.memo.get(("role", "role", str(arn)), lambda: _raising(fetch))
    except SourceFailure as failure:
        return failure.error
    return value


def _raising(fetch: Callable[[], RoleFacts | SourceError]) -> RoleFacts:
    """The memo shares a failure as the steps raise it (``SourceFailure``)."""
    value = fetch()
    if isinstance(value, SourceError):
        raise SourceFailure(value)
    return value


PREFETCH_WORKERS = 16
"""Roles read at once before the chains are judged (IAM's GetRole quota is shared by the account: stay polite)."""


def _prefetch_roles(session: Session, listing: Listing, workers: int) -> None:
    """Every role the scan will need, read once and concurrently into the Session's memo (the chains and
    the findings then find them there): annotated roles and association roles."""
    from irsa_tui.chain.arn import parse_role_arn

    wanted: set[str] = {role for sa in listing.service_accounts.values() if (role := role_annotation(sa))}
    wanted |= {a.role_arn for a in listing.associations if a.role_arn}
    wanted |= {a.target_role_arn for a in listing.associations if a.target_role_arn}
    arns = sorted({str(arn) for text in wanted if isinstance(arn := parse_role_arn(text), RoleArn)})
    if not arns or session.memo is None:
        return
    by_text = {str(parse_role_arn(a)): parse_role_arn(a) for a in arns}
    with ThreadPoolExecutor(max_workers=max(1, min(workers, len(arns))), thread_name_prefix="irsa-scan-role") as pool:
        list(pool.map(lambda text: role_facts(session, cast("RoleArn", by_text[text])), arns))


def scan(
    options: ScanOptions,
    session: Session | None = None,
    *,
    pod_identity: Any = None,
    on_row: OnRow | None = None,
    on_progress: OnProgress | None = None,
) -> ScanReport:
    """Scan the options' namespaces (every namespace when None). Raises UsageError for an unknown
    context; everything else ends in the report (its rows, findings and errors).

    ``session``: sources and memo to use (default: ``Session.open`` for the options' context);
    ``pod_identity``: the Pod Identity AWS reads (default: over the session's AWS source when it is real);
    ``on_row``: each row as soon as it is judged; ``on_progress(done, total)``: targets judged so far.
    """
    started = time.monotonic()
    end = started + options.deadline
    calls = [0]
    calls_lock = threading.Lock()

    def count() -> None:
        with calls_lock:
            calls[0] += 1

    if session is None:
        session = Session.open(Options(namespace="-", pod="-", context=options.context, cluster=options.cluster,
                                       region=options.region, live=options.live, timeout=options.timeout),
                               shared=True)
    base = session
    aws = _Retrying(base.sources.aws, end, count)
    kube = _Retrying(base.sources.kube, end, count)
    if pod_identity is None:
        pod_identity = base.sources.eks
    pid = _Retrying(pod_identity, end, count) if pod_identity is not None else None
    listing = _list(kube, pid, options.namespaces, base.cluster_name, options.workers)
    nodes = base.sources.nodes
    shared = Session(base.context, Sources(
        kube=cast("Any", _Listed(kube, listing)), aws=cast("Any", aws),
        issuer=cast("Any", _Retrying(base.sources.issuer, end, count)),
        eks=cast("Any", _ListedAssociations(pid, listing)) if pid is not None else None,
        nodes=cast("Any", _Retrying(nodes, end, count)) if nodes is not None else None,
    ), cluster_name=base.cluster_name, region=base.region, cluster_account=base.cluster_account)
    if base.memo is not None:
        shared.memo = base.memo
    assoc_inputs = association_inputs(listing.associations)
    workloads = group_workloads(listing.pods, listing.service_accounts, assoc_inputs, listing.controllers)
    _prefetch_roles(shared, listing, max(options.workers, PREFETCH_WORKERS))
    units = [(w, i, pods[0]) for w in workloads for i, (_, pods) in enumerate(w.groups)]
    total = len(units)
    done = [0]
    progress_lock = threading.Lock()
    judged: dict[tuple[str, int], _Judged] = {}
    rows: dict[str, WorkloadRow] = {}
    remaining_groups = {w.key: len(w.groups) for w in workloads}
    by_key = {w.key: w for w in workloads}
    if on_progress:
        on_progress(0, total)

    def work(unit: tuple[Workload, int, PodFacts]) -> None:
        w, index, pod = unit
        sa = listing.service_accounts.get((pod.namespace, pod.sa_name))
        result = _judge(shared, options, pod, end, listing.associations, sa)
        with progress_lock:
            judged[(w.key, index)] = result
            remaining_groups[w.key] -= 1
            finished = remaining_groups[w.key] == 0
            done[0] += 1
            n = done[0]
        if finished:
            row = _row(w, [judged[(w.key, i)] for i in range(len(w.groups))], role_annotation(sa))
            with progress_lock:
                rows[w.key] = row
            if on_row:
                on_row(row)
        if on_progress:
            on_progress(n, total)

    shared.use_step_pool(options.workers)  # step threads started once for the scan, not per target
    try:
        with ThreadPoolExecutor(max_workers=max(1, options.workers), thread_name_prefix="irsa-scan") as pool:
            list(pool.map(work, units))
    finally:
        shared.close()
    from irsa_tui.scan.findings import cluster_findings, extra_rows

    extra = extra_rows(shared, listing, {w.key for w in workloads}, options.namespaces)
    for row in extra:
        rows[row.key] = row
        if on_row:
            on_row(row)
    all_rows = sorted(rows.values(), key=lambda r: (r.namespace, r.kind, r.name))
    findings = cluster_findings(shared, listing, [by_key[k] for k in by_key], all_rows,
                                whole_cluster=options.namespaces is None)
    roles = {role_annotation(sa) for sa in listing.service_accounts.values()} - {None}
    return ScanReport(
        context=base.context, cluster=base.cluster_name, region=base.region or base.sources.aws.region,
        namespaces=tuple(options.namespaces) if options.namespaces is not None else None, live=options.live,
        rows=tuple(all_rows), findings=tuple(findings), errors=tuple(listing.errors),
        duration_ms=int((time.monotonic() - started) * 1000),
        stats={"calls": calls[0], "pods": len(listing.pods), "targets": total, "workloads": len(workloads),
               "roles": len(roles), "service_accounts": len(listing.service_accounts)},
    )


