"""What no single-pod check shows: rows for ServiceAccounts with a role and no pod and for associations
that serve nobody, and findings about many targets at once (pods to restart, roles that trust any
ServiceAccount, annotated roles that do not exist, association roles that do not trust Pod Identity).

Every role is read through the Session's memo, so a role the chains already read costs nothing more.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import TypeVar

from irsa_tui.chain.arn import RoleArn, issuer_host_path, parse_role_arn
from irsa_tui.chain.errors import SourceError, SourceFailure
from irsa_tui.chain.facts import RoleFacts
from irsa_tui.chain.mechanism import FULL_URI, ROLE_ARN
from irsa_tui.engine import Session
from irsa_tui.policy import PolicyError, weak_allow_statements
from irsa_tui.scan.model import ClusterFinding, RowVerdict, WorkloadRow
from irsa_tui.scan.run import Listing, role_facts
from irsa_tui.scan.targets import Workload, role_annotation

__all__ = ["cluster_findings", "extra_rows"]

T = TypeVar("T")


def _arn(text: str | None) -> RoleArn | None:
    if not text:
        return None
    found = parse_role_arn(text)
    return found if isinstance(found, RoleArn) else None


def _issuer_host_path(session: Session) -> str | None:
    """The cluster's issuer as trust policies write it (the memoised DescribeCluster, if the chains read it)."""
    from irsa_tui.chain.facts import ClusterFacts

    if session.memo is None or not session.cluster_name:
        return None
    try:
        value, _ = session.memo.get(("cluster", "describe-cluster", session.cluster_name),
                                    lambda: session.sources.aws.describe_cluster(session.cluster_name or ""))
    except Exception:
        return None
    if isinstance(value, ClusterFacts) and value.issuer:
        return issuer_host_path(value.issuer)
    return None


def extra_rows(session: Session, listing: Listing, workload_keys: set[str],
               namespaces: Sequence[str] | None) -> list[WorkloadRow]:
    """ServiceAccounts with a role and no pod; associations whose ServiceAccount or namespace does not exist."""
    used = {(p.namespace, p.sa_name) for p in listing.pods}
    rows: list[WorkloadRow] = []
    for (ns, name), sa in sorted(listing.service_accounts.items()):
        role = role_annotation(sa)
        if role is None or (ns, name) in used:
            continue
        arn = _arn(role)
        verdict: RowVerdict
        first: str | None = None
        if arn is None:
            verdict, first, summary = "broken", "service-account", f"role annotation {role!r} is not a role ARN; no pod uses it"
        else:
            found = role_facts(session, arn)
            if isinstance(found, RoleFacts):
                verdict, summary = "ok", f"no pod uses it; role {arn.name} exists"
            elif found.kind == "not-found":
                verdict, first = "broken", "service-account"
                summary = f"role {role} does not exist (no pod uses this ServiceAccount yet)"
            else:
                verdict, summary = "incomplete", f"no pod uses it; could not read role {arn.name}: {found.one_line()}"
        rows.append(WorkloadRow(namespace=ns, kind="ServiceAccount", name=name, service_account=name, mechanism="irsa",
                                verdict=verdict, first_failure=first, summary=summary, role_arn=role))
    sas = set(listing.service_accounts)
    for a in listing.associations:
        if namespaces is not None and a.namespace not in namespaces:
            continue
        if listing.listed_sa_namespaces is not None and a.namespace not in listing.listed_sa_namespaces:
            continue
        if (a.namespace, a.service_account) in sas:
            continue
        ns_missing = listing.namespaces is not None and a.namespace not in listing.namespaces
        missing = f"namespace {a.namespace}" if ns_missing else f"ServiceAccount {a.namespace}/{a.service_account}"
        rows.append(WorkloadRow(
            namespace=a.namespace, kind="PodIdentityAssociation", name=a.association_id,
            service_account=a.service_account, mechanism="pod-identity", verdict="broken",
            first_failure="association", summary=f"{missing} does not exist: the association serves no pod",
            role_arn=a.role_arn, codes=("SA-251",)))
    return rows


def _after(change: datetime | None, created: datetime | None) -> bool:
    return change is not None and created is not None and change > created


def _restart_findings(listing: Listing, workloads: Iterable[Workload]) -> list[ClusterFinding]:
    assoc = {(a.namespace, a.service_account): a for a in listing.associations}
    out = []
    for w in workloads:
        sa = listing.service_accounts.get((w.namespace, w.service_account))
        role = role_annotation(sa)
        a = assoc.get((w.namespace, w.service_account))
        stale: list[str] = []
        changes: set[str] = set()
        for pod in w.pods:
            app = [c for c in pod.containers if c.kind == "container"]
            injected = {c.env_value(ROLE_ARN) for c in app if c.has_env(ROLE_ARN)}
            has_pid = any(c.has_env(FULL_URI) for c in app)
            if a is not None:
                changed = a.modified or a.created
                if (_after(changed, pod.created) and not has_pid) or _after(a.modified, pod.created):
                    stale.append(pod.name)
                    edited = a.modified is not None and a.modified != a.created
                    changes.add(f"association {a.association_id} was {'changed' if edited else 'created'}")
                continue
            if role is not None and sa is not None:
                if injected and role not in injected:
                    stale.append(pod.name)
                    changes.add(f"the role annotation of ServiceAccount {w.service_account} changed")
                elif not injected and _after(sa.annotations_changed, pod.created):
                    stale.append(pod.name)
                    changes.add(f"ServiceAccount {w.service_account} got its role annotation")
        if stale:
            out.append(ClusterFinding("INJ-150", {
                "count": str(len(stale)), "workload": f"{w.kind} {w.namespace}/{w.name}", "change": "; ".join(sorted(changes)),
                "namespace": w.namespace, "kind_lower": w.kind.lower(), "name": w.name,
            }, tuple(f"{w.namespace}/{p}" for p in stale)))
    return out


def _role_findings(session: Session, listing: Listing) -> list[ClusterFinding]:
    users: dict[str, list[str]] = {}
    for (ns, name), sa in sorted(listing.service_accounts.items()):
        role = role_annotation(sa)
        if role is not None and _arn(role) is not None:
            users.setdefault(role, []).append(f"{ns}/{name}")
    host_path = _issuer_host_path(session) if users else None
    out = []
    for role, sas in sorted(users.items()):
        arn = _arn(role)
        assert arn is not None
        found = role_facts(session, arn)
        if isinstance(found, SourceError):
            if found.kind == "not-found":
                out.append(ClusterFinding("SA-250", {"role_arn": role, "role": arn.name, "count": str(len(sas)),
                                                     "service_accounts": ", ".join(sas)}, (role, *sas)))
            continue
        if host_path is None:
            continue
        try:
            weak = weak_allow_statements(found.trust_policy, host_path)
        except PolicyError:
            continue
        for w in weak:
            reason = w.reason.value
            scope = ("any ServiceAccount of any namespace" if reason in ("principal-star", "no-sub-condition",
                                                                          "sub-not-pinned", "for-all-values")
                     else "ServiceAccounts of any namespace")
            out.append(ClusterFinding("TRUST-150", {"role_arn": role, "role": arn.name, "scope": scope,
                                                    "statement": f"#{w.statement + 1}", "reason": w.why},
                                      (role, *sas)))
    return out


def _association_findings(session: Session, listing: Listing) -> list[ClusterFinding]:
    from irsa_tui.policy.pod_identity import SessionTags, evaluate_pod_identity_trust

    out = []
    for a in sorted(listing.associations, key=lambda x: (x.namespace, x.service_account, x.association_id)):
        arn = _arn(a.role_arn)
        if arn is None:
            continue
        found = role_facts(session, arn)
        if not isinstance(found, RoleFacts):
            continue
        tags = SessionTags(cluster_arn="", cluster_name=session.cluster_name or "", namespace=a.namespace,
                           service_account=a.service_account, pod_name="", pod_uid="")
        try:
            trust = evaluate_pod_identity_trust(found.trust_policy, tags, bool(a.disable_session_tags))
        except PolicyError:
            continue
        if trust.decision == "allow":
            continue
        reason = trust.problems[0] if trust.problems else trust.decision
        out.append(ClusterFinding("TRUST-250", {"role_arn": str(arn), "role": arn.name, "association": a.association_id,
                                                "namespace": a.namespace, "sa": a.service_account, "reason": reason},
                                  (str(arn), f"{a.namespace}/{a.service_account}")))
    return out


def _orphan_findings(session: Session, rows: Iterable[WorkloadRow]) -> list[ClusterFinding]:
    out = []
    for row in rows:
        if row.kind != "PodIdentityAssociation":
            continue
        missing = row.summary.split(" does not exist", 1)[0]
        out.append(ClusterFinding("SA-251", {"association": row.name, "namespace": row.namespace,
                                             "sa": row.service_account or "", "cluster": session.cluster_name or "CLUSTER",
                                             "missing": missing.split(" ", 1)[0].lower()},
                                  (row.key,)))
    return out


def _memo(session: Session, key: tuple[str, ...], fetch: Callable[[], T]) -> T | SourceError:
    """A cluster-scoped answer through the Session's memo (the chains' own keys: fetched once)."""
    try:
        if session.memo is None:
            return fetch()
        return session.memo.get(("cluster", *key), fetch)[0]
    except SourceFailure as failure:
        return failure.error


def _provider_findings(session: Session) -> list[ClusterFinding]:
    """EKS OIDC providers of the caller's account, in this region, that no listable cluster has as issuer."""
    from irsa_tui.chain.facts import ClusterFacts, OidcProviderFacts
    from irsa_tui.chain.plan import provider_partition

    aws = session.sources.aws
    region = session.region or aws.region
    lister = getattr(aws, "list_clusters", None)
    if lister is None or not region:
        return []
    caller = _memo(session, ("caller",), aws.caller)
    names = _memo(session, ("list-clusters",), lister)
    if not isinstance(caller, tuple) or not isinstance(names, list):
        return []
    issuers: dict[str, str] = {}
    for name in names:
        found = _memo(session, ("describe-cluster", name), functools.partial(aws.describe_cluster, name))
        if not isinstance(found, ClusterFacts):
            return []  # a cluster we cannot read may own any provider: say nothing
        if found.issuer:
            issuers[name] = found.issuer
    # the provider list as the chains asked for it (same memo key: no second call)
    issuer = issuers.get(session.cluster_name or "") or next(iter(issuers.values()), None)
    if issuer is None:
        return []
    account, arn = caller
    partition = provider_partition(arn, region, None)
    listed = _memo(session, ("oidc-provider", account, partition, issuer),
                   functools.partial(aws.oidc_provider, account, partition, issuer))
    seen = {issuer_host_path(i) for i in issuers.values()}
    if not isinstance(listed, OidcProviderFacts):
        return []
    prefix = f"oidc.eks.{region}.amazonaws.com/id/"
    out = []
    for provider in sorted(listed.providers):
        host_path = provider.split(":oidc-provider/", 1)[-1]
        if host_path.startswith(prefix) and host_path not in seen:
            out.append(ClusterFinding("OIDC-150", {"provider": provider, "region": region, "host_path": host_path},
                                      (provider,)))
    return out


def cluster_findings(session: Session, listing: Listing, workloads: Sequence[Workload],
                     rows: Sequence[WorkloadRow], whole_cluster: bool = False) -> list[ClusterFinding]:
    """``whole_cluster`` (``-A``): also the account-level findings (OIDC providers of no cluster)."""
    return [*_restart_findings(listing, workloads), *_role_findings(session, listing),
            *_association_findings(session, listing), *_orphan_findings(session, rows),
            *(_provider_findings(session) if whole_cluster else [])]
