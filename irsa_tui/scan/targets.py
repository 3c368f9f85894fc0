"""Which pods a scan judges, grouped by owning workload; replicas that differ from their siblings (pure).

A target is a pod whose ServiceAccount has an ``eks.amazonaws.com/role-arn`` annotation or a Pod
Identity association. Pods are grouped by (namespace, top controller, ServiceAccount): a ReplicaSet's
pods under its Deployment, a Job's under its CronJob. Within a workload, pods are split by their
identity *shape* (what the webhook injected, which ServiceAccount): the most common shape is the
workload's, any other shape is an odd replica that gets its own chain.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from irsa_tui.chain.facts import ROLE_ANNOTATION, OwnerRef, PodFacts, ServiceAccountFacts
from irsa_tui.chain.mechanism import FULL_URI, ROLE_ARN, TOKEN_FILE, AssociationInput

__all__ = ["Shape", "Workload", "group_workloads", "role_annotation", "shape", "shape_difference", "top_owner"]


def role_annotation(sa: ServiceAccountFacts | None) -> str | None:
    """The ServiceAccount's role ARN annotation, stripped; None when absent or blank."""
    if sa is None:
        return None
    value = (sa.annotations.get(ROLE_ANNOTATION) or "").strip()
    return value or None


def top_owner(pod: PodFacts, controllers: Mapping[tuple[str, str, str], OwnerRef]) -> OwnerRef:
    """The pod's top controller: a ReplicaSet's Deployment, a Job's CronJob; the pod itself when bare."""
    owner = pod.owner
    if owner is None:
        return OwnerRef("Pod", pod.name)
    seen = 0
    while seen < 4 and (pod.namespace, owner.kind, owner.name) in controllers:
        owner = controllers[(pod.namespace, owner.kind, owner.name)]
        seen += 1
    return owner


Shape = tuple[tuple[str, str | None, bool, bool], ...]
"""Per app container: (name, AWS_ROLE_ARN, has the web identity token file, has the Pod Identity URI)."""


def shape(pod: PodFacts) -> Shape:
    """The pod's identity set-up as the webhook left it: what replicas of one workload share."""
    out = []
    for c in pod.containers:
        if c.kind != "container":
            continue
        out.append((c.name, c.env_value(ROLE_ARN), c.has_env(TOKEN_FILE), c.has_env(FULL_URI)))
    return tuple(out)


def shape_difference(odd: Shape, usual: Shape) -> str:
    """One line: how an odd replica's shape differs from its siblings'."""
    usual_by = {c[0]: c for c in usual}
    for name, role, token, uri in odd:
        other = usual_by.get(name)
        if other is None:
            continue
        if other[1] != role:
            if role is None:
                return f"not injected: no AWS_ROLE_ARN in container {name} (its siblings have {other[1]})"
            if other[1] is None:
                return f"container {name} has AWS_ROLE_ARN={role}, its siblings none"
            return f"container {name} has AWS_ROLE_ARN={role}, its siblings {other[1]}"
        if other[2] != token:
            return f"container {name} {'has' if token else 'lacks'} AWS_WEB_IDENTITY_TOKEN_FILE, its siblings do not"
        if other[3] != uri:
            return (f"container {name} {'has' if uri else 'lacks'} the Pod Identity credentials URI, "
                    "its siblings do not")
    names, usual_names = [c[0] for c in odd], [c[0] for c in usual]
    if names != usual_names:
        return f"containers {', '.join(names) or '(none)'}; its siblings have {', '.join(usual_names) or '(none)'}"
    return "its identity env differs from its siblings'"


@dataclass(frozen=True)
class Workload:
    """One row's pods: every target pod with the same top controller and ServiceAccount."""

    namespace: str
    kind: str
    name: str
    service_account: str
    pods: tuple[PodFacts, ...]
    """Sorted by name."""
    groups: tuple[tuple[Shape, tuple[PodFacts, ...]], ...]
    """Pods by identity shape, the most common shape first (ties: the shape of the first pod by name)."""

    @property
    def key(self) -> str:
        return f"{self.namespace}/{self.kind}/{self.name}"


def group_workloads(
    pods: Iterable[PodFacts],
    service_accounts: Mapping[tuple[str, str], ServiceAccountFacts],
    associations: Sequence[AssociationInput],
    controllers: Mapping[tuple[str, str, str], OwnerRef],
) -> list[Workload]:
    """The scan's targets as workloads, sorted by namespace, kind and name. Pods that are done
    (Succeeded, Failed) are left out: they will never call AWS again."""
    associated = {(a.namespace, a.service_account) for a in associations}
    buckets: dict[tuple[str, str, str, str], list[PodFacts]] = {}
    for pod in pods:
        if pod.phase in ("Succeeded", "Failed"):
            continue
        sa = service_accounts.get((pod.namespace, pod.sa_name))
        if role_annotation(sa) is None and (pod.namespace, pod.sa_name) not in associated:
            continue
        owner = top_owner(pod, controllers)
        buckets.setdefault((pod.namespace, owner.kind, owner.name, pod.sa_name), []).append(pod)
    owners = Counter(key[:3] for key in buckets)
    out = []
    for (ns, kind, name, sa_name), members in sorted(buckets.items()):
        members.sort(key=lambda p: p.name)
        by_shape: dict[Shape, list[PodFacts]] = {}
        for pod in members:
            by_shape.setdefault(shape(pod), []).append(pod)
        order = {s: i for i, s in enumerate(by_shape)}
        groups = sorted(by_shape.items(), key=lambda kv: (-len(kv[1]), order[kv[0]]))
        # two workloads of one controller with different ServiceAccounts (a rollout in progress): keep both rows
        label = name if owners[(ns, kind, name)] == 1 else f"{name} ({sa_name})"
        out.append(Workload(ns, kind, label, sa_name, tuple(members), tuple((s, tuple(p)) for s, p in groups)))
    return out
