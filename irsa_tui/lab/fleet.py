"""The ``fleet`` world: one generated EKS cluster the size of a real platform, for ``scan``.

Where every other scenario lists its objects (``scenarios/*.yaml``), this one generates them from
a seed: ~100 namespaces, ~5,000 ServiceAccounts, ~2,000 pods grouped in Deployments (with their
ReplicaSets), StatefulSets, DaemonSets, Jobs and CronJobs, ~500 IAM roles and a few dozen EKS
Pod Identity associations. A known number of each kind of breakage (``KINDS``) is planted on
workloads picked by the seed, and written down in a :class:`FleetManifest` (``LabWorld.fleet_manifest``,
``irsa-tui lab manifest fleet``) so a test can assert a scan finds exactly those.

The generation is pure (:func:`plan`): the same seed gives the same names, the same breakage and the
same manifest in any process. Seeding (:func:`seed`) adds the plan's objects to the scenario's
cluster, its roles straight into moto's IAM backend (moto runs in this process; its HTTP API takes
~10 ms a call, far too slow for 500 roles and their policies) and its associations to the front's
EKS registry. The scenario's own baseline (``payments/api``, healthy IRSA) stays as it is.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from dataclasses import asdict, dataclass, field
from typing import Any

from irsa_tui.lab.eks_api import Association, association_id
from irsa_tui.lab.kube import ROLE_ANNOTATION, _owner, _pod, _uid, mutate_like_webhook, service_account
from irsa_tui.lab.pod_identity import TRUST as POD_IDENTITY_TRUST
from irsa_tui.lab.pod_identity import mutate_like_pod_identity_webhook

__all__ = ["FLEET", "KINDS", "SEED", "FleetManifest", "FleetPlan", "Kind", "Planted", "manifest", "plan", "seed"]

FLEET = "fleet"
SEED = 20261201
TEAMS = (
    "accounts", "ads", "analytics", "auth", "billing", "catalog", "checkout", "crm", "data", "delivery",
    "fraud", "growth", "identity", "inventory", "ledger", "logistics", "loyalty", "mail", "maps", "media",
    "orders", "pricing", "risk", "search", "support",
)
ENVS = ("prod", "staging", "dev", "qa")
SERVICES = ("api", "worker", "web", "ingest", "sync", "notify", "export", "gateway", "indexer", "scheduler")
SAS_PER_NAMESPACE = 50
TARGET_PODS = 2000
ROLES = 500
IMAGE = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/{team}-{svc}:2.{minor}.0"
NODES = ("ip-10-0-12-34.eu-west-1.compute.internal", "ip-10-0-45-67.eu-west-1.compute.internal")
_ALNUM = "bcdfghjklmnpqrstvwxz2456789"


@dataclass(frozen=True)
class Kind:
    """One kind of planted breakage, and what a correct diagnosis says about each planted target."""

    title: str
    count: int
    mechanism: str
    verdict: str | None
    """The target's verdict (``broken``/``ok``), or None for targets that are no chain (no pod)."""
    first_failure: str | None
    code: str | None
    """The finding code the target's chain must carry."""
    restart: bool = False
    """The running pods need a restart to pick up the ServiceAccount's current identity."""


KINDS: dict[str, Kind] = {
    "role-missing": Kind("the annotated IAM role does not exist", 5, "irsa", "broken", "service-account", "SA-207"),
    "trust-wrong-sub": Kind(
        "the role's trust names the ServiceAccount in another namespace", 5, "irsa", "broken", "trust-policy",
        "TRUST-201"),
    "trust-wrong-audience": Kind(
        "the role's trust expects the audience pods.eks.amazonaws.com", 4, "irsa", "broken", "trust-policy",
        "TRUST-201"),
    "trust-wildcard-sub": Kind(
        "the role's trust matches the sub with StringLike system:serviceaccount:*:SA (any namespace)", 3, "irsa",
        "ok", None, "TRUST-101"),
    "trust-no-sub": Kind(
        "the role's trust checks only :aud (any ServiceAccount of the cluster)", 3, "irsa", "ok", None,
        "TRUST-101"),
    "not-injected": Kind(
        "no replica was mutated by the webhook (it was down at CREATE)", 4, "irsa", "broken", "injection",
        "INJ-204"),
    "pod-before-annotation": Kind(
        "the ServiceAccount was annotated after its pods started", 3, "irsa", "broken", "injection", "INJ-202",
        restart=True),
    "annotation-changed": Kind(
        "the role annotation changed after the pods started (they hold the old role)", 3, "irsa", "broken",
        "injection", "INJ-206", restart=True),
    "replica-differs": Kind(
        "one replica of three was not mutated by the webhook", 4, "irsa", "broken", "injection", "INJ-204"),
    "sa-role-no-pod": Kind("a ServiceAccount with a role annotation and no pod", 6, "irsa", None, None, None),
    "association-missing-sa": Kind(
        "a Pod Identity association whose ServiceAccount does not exist", 3, "pod-identity", None, None, None),
    "association-missing-namespace": Kind(
        "a Pod Identity association whose namespace does not exist", 2, "pod-identity", None, None, None),
    "pod-identity-trust": Kind(
        "an association's role does not trust pods.eks.amazonaws.com", 3, "pod-identity", "broken",
        "trust-policy", None),
}


@dataclass(frozen=True)
class Planted:
    """One planted breakage: where it is and what a correct diagnosis says."""

    kind: str
    namespace: str
    workload: str
    """``Kind/name`` of the owning workload, ``ServiceAccount/name`` or ``PodIdentityAssociation/<id>``."""
    service_account: str
    role_arn: str | None
    pods: tuple[str, ...] = ()
    odd_pods: tuple[str, ...] = ()
    """The replicas that differ from their siblings (``replica-differs``)."""

    @property
    def expect(self) -> Kind:
        return KINDS[self.kind]


@dataclass(frozen=True)
class Workload:
    """A target workload the plan built: pods running with an IRSA or Pod Identity identity."""

    namespace: str
    workload: str
    service_account: str
    mechanism: str
    role_arn: str
    pods: tuple[str, ...]
    kind: str | None = None
    """The breakage planted on it, or None when healthy."""


@dataclass(frozen=True)
class FleetManifest:
    """What the fleet world holds and where its breakage is (machine-readable: :meth:`to_json`)."""

    seed: int
    namespaces: int
    service_accounts: int
    pods: int
    roles: int
    associations: int
    workloads: tuple[Workload, ...]
    planted: tuple[Planted, ...]

    def counts(self) -> dict[str, int]:
        """Planted targets per kind (every kind of ``KINDS``, in order)."""
        out = dict.fromkeys(KINDS, 0)
        for p in self.planted:
            out[p.kind] += 1
        return out

    def of_kind(self, kind: str) -> list[Planted]:
        return [p for p in self.planted if p.kind == kind]

    def broken(self) -> set[tuple[str, str]]:
        """(namespace, ``Kind/name``) of every workload whose verdict must be ``broken``."""
        return {(p.namespace, p.workload) for p in self.planted if p.expect.verdict == "broken"}

    def to_json(self) -> dict[str, Any]:
        return {
            "seed": self.seed,
            "totals": {
                "namespaces": self.namespaces,
                "service_accounts": self.service_accounts,
                "pods": self.pods,
                "roles": self.roles,
                "associations": self.associations,
                "workloads": len(self.workloads),
                "target_pods": sum(len(w.pods) for w in self.workloads),
            },
            "kinds": {k: {**asdict(v), "planted": self.counts()[k]} for k, v in KINDS.items()},
            "planted": [{**asdict(p), "pods": list(p.pods), "odd_pods": list(p.odd_pods)} for p in self.planted],
            "workloads": [{**asdict(w), "pods": list(w.pods)} for w in self.workloads],
        }


@dataclass
class FleetPlan:
    """Everything :func:`seed` adds to the world, and the manifest."""

    objects: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    roles: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Role name -> {trust_policy, inline_policies}."""
    associations: list[Association] = field(default_factory=list)
    manifest: FleetManifest | None = None


def _irsa_trust(names: dict[str, str], subs: list[str], *, aud: str = "sts.amazonaws.com",
                like: bool = False, sub: bool = True) -> dict[str, Any]:
    host = names["ISSUER_HOSTPATH"]
    cond: dict[str, Any] = {"StringEquals": {f"{host}:aud": aud}}
    if sub:
        value: Any = subs[0] if len(subs) == 1 else list(subs)
        if like:
            cond["StringLike"] = {f"{host}:sub": value}
        else:
            cond["StringEquals"][f"{host}:sub"] = value
    return {
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": {"Federated": names["PROVIDER_ARN"]},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": cond,
        }],
    }


def _policy(bucket: str) -> dict[str, Any]:
    return {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": f"arn:aws:s3:::{bucket}"},
            {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": f"arn:aws:s3:::{bucket}/*"},
        ],
    }


_CI_TRUST = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "codebuild.amazonaws.com"}, "Action": "sts:AssumeRole"}],
}


def plan(cluster: str, names: dict[str, str], now: dt.datetime, seed_value: int = SEED) -> FleetPlan:
    """The fleet's objects, roles, associations and manifest: a pure function of its arguments."""
    rng = random.Random(seed_value)
    account, region = names["ACCOUNT"], names["REGION"]
    days = dt.timedelta(days=1)
    born = now - 120 * days
    out = FleetPlan(objects={r: [] for r in ("namespaces", "serviceaccounts", "pods", "replicasets",
                                             "deployments", "statefulsets", "daemonsets", "jobs", "cronjobs")})
    objs = out.objects
    def arn(role: str) -> str:
        return f"arn:aws:iam::{account}:role/{role}"

    # the scenario's own baseline pod (kube.py build_objects): healthy IRSA
    workloads: list[Workload] = [
        Workload("payments", "Deployment/api", "api", "irsa", arn(names["ROLE_NAME"]), ("api-7d9f8c6b5-x2x4z",))
    ]
    planted: list[Planted] = []
    pod_count = 0

    def sub(ns: str, sa: str) -> str:
        return f"system:serviceaccount:{ns}:{sa}"

    def suffix(n: int) -> str:
        return "".join(rng.choice(_ALNUM) for _ in range(n))

    namespaces = [f"{team}-{env}" for team in TEAMS for env in ENVS]

    # --- which workloads carry which breakage: picked by the seed among single-role Deployments
    # (slots 2 and 3 of each namespace; slots 0/1 share a role, slot 4 rotates the workload kinds)
    on_workload = [k for k in KINDS if KINDS[k].verdict is not None and KINDS[k].mechanism == "irsa"]
    candidates = [(ns, slot) for ns in namespaces for slot in (2, 3)]
    picks = rng.sample(candidates, sum(KINDS[k].count for k in on_workload))
    breakage: dict[tuple[str, int], str] = {}
    for kind in on_workload:
        for _ in range(KINDS[kind].count):
            breakage[picks.pop()] = kind
    no_pod_ns = set(rng.sample(namespaces, KINDS["sa-role-no-pod"].count))
    pi_trust_ns = set(rng.sample(namespaces, KINDS["pod-identity-trust"].count))
    missing_sa_ns = rng.sample(namespaces, KINDS["association-missing-sa"].count)

    def add_ns(ns: str) -> None:
        objs["namespaces"].append({
            "apiVersion": "v1", "kind": "Namespace",
            "metadata": {"name": ns, "uid": _uid(cluster, "", ns), "resourceVersion": "1", "creationTimestamp":
                         born.strftime("%Y-%m-%dT%H:%M:%SZ"), "labels": {"kubernetes.io/metadata.name": ns}},
            "spec": {"finalizers": ["kubernetes"]}, "status": {"phase": "Active"},
        })

    def make_pods(ns: str, owner_kind: str, owner_name: str, owner_uid: str, names_: list[str], sa: str,
                  image: str, labels: dict[str, str], created: dt.datetime) -> list[dict[str, Any]]:
        pods = []
        api = "batch/v1" if owner_kind == "Job" else "apps/v1"
        for i, pod_name in enumerate(names_):
            pod = _pod(cluster, ns, pod_name, created, NODES[i % len(NODES)], sa, image, labels,
                       _owner(owner_kind, api, owner_name, owner_uid), suffix(5))
            pods.append(pod)
        return pods

    def workload(ns: str, kind: str, name: str, replicas: int, sa: str, image: str,
                 created: dt.datetime) -> tuple[str, list[dict[str, Any]]]:
        """Build a workload and its owner chain; returns (``Kind/name``, its pods, not yet stored)."""
        labels = {"app.kubernetes.io/name": name, "app.kubernetes.io/part-of": ns.rsplit("-", 1)[0]}
        template = {"metadata": {"labels": labels},
                    "spec": {"serviceAccountName": sa, "containers": [{"name": name.split("-")[0], "image": image}]}}
        uid = _uid(cluster, ns, kind, name)
        meta: dict[str, Any] = {"name": name, "namespace": ns, "uid": uid, "resourceVersion": "42",
                "creationTimestamp": (now - 30 * days).strftime("%Y-%m-%dT%H:%M:%SZ"), "labels": labels}
        if kind == "Deployment":
            hash_ = suffix(10)
            rs_name = f"{name}-{hash_}"
            rs_labels = {**labels, "pod-template-hash": hash_}
            objs["deployments"].append({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": meta,
                                        "spec": {"replicas": replicas, "selector": {"matchLabels": labels},
                                                 "template": template},
                                        "status": {"replicas": replicas, "readyReplicas": replicas}})
            rs_uid = _uid(cluster, ns, "ReplicaSet", rs_name)
            objs["replicasets"].append({
                "apiVersion": "apps/v1", "kind": "ReplicaSet",
                "metadata": {"name": rs_name, "namespace": ns, "uid": rs_uid, "resourceVersion": "43",
                             "creationTimestamp": created.strftime("%Y-%m-%dT%H:%M:%SZ"), "labels": rs_labels,
                             "ownerReferences": _owner("Deployment", "apps/v1", name, uid)},
                "spec": {"replicas": replicas, "selector": {"matchLabels": rs_labels}},
                "status": {"replicas": replicas, "readyReplicas": replicas}})
            pod_names = [f"{rs_name}-{suffix(5)}" for _ in range(replicas)]
            return f"Deployment/{name}", make_pods(ns, "ReplicaSet", rs_name, rs_uid, pod_names, sa, image,
                                                   rs_labels, created)
        if kind == "StatefulSet":
            objs["statefulsets"].append({"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": meta,
                                         "spec": {"replicas": replicas, "serviceName": name, "template": template,
                                                  "selector": {"matchLabels": labels}},
                                         "status": {"replicas": replicas, "readyReplicas": replicas}})
            pod_names = [f"{name}-{i}" for i in range(replicas)]
            return f"StatefulSet/{name}", make_pods(ns, "StatefulSet", name, uid, pod_names, sa, image,
                                                    labels, created)
        if kind == "DaemonSet":
            objs["daemonsets"].append({"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": meta,
                                       "spec": {"template": template, "selector": {"matchLabels": labels}},
                                       "status": {"numberReady": len(NODES), "desiredNumberScheduled": len(NODES)}})
            pod_names = [f"{name}-{suffix(5)}" for _ in NODES]
            return f"DaemonSet/{name}", make_pods(ns, "DaemonSet", name, uid, pod_names, sa, image, labels,
                                                  created)
        # Job, or a CronJob's Job
        job_name, owner = name, None
        if kind == "CronJob":
            objs["cronjobs"].append({"apiVersion": "batch/v1", "kind": "CronJob", "metadata": meta,
                                     "spec": {"schedule": "*/30 * * * *", "jobTemplate": {"spec": {"template": template}}}})
            job_name = f"{name}-{29_000_000 + rng.randint(0, 999_999)}"  # the scheduled minute, as CronJob names them
            owner = _owner("CronJob", "batch/v1", name, uid)
        job_uid = _uid(cluster, ns, "Job", job_name)
        objs["jobs"].append({
            "apiVersion": "batch/v1", "kind": "Job",
            "metadata": {**meta, "name": job_name, "uid": job_uid, **({"ownerReferences": owner} if owner else {})},
            "spec": {"completions": 1, "parallelism": 1, "template": template},
            "status": {"active": 1},
        })
        pod_names = [f"{job_name}-{suffix(5)}"]
        return f"{kind}/{name}", make_pods(ns, "Job", job_name, job_uid, pod_names, sa, image, labels, created)

    def irsa_inject(pod: dict[str, Any], role_arn: str) -> None:
        mutate_like_webhook(pod, role_arn, "sts.amazonaws.com", 86400, region, True)

    roles = out.roles
    team_pi_roles: dict[str, str] = {}
    plain_workloads: list[tuple[str, str]] = []  # (namespace, SA) for the non-target pods made at the end
    sa_total = 0
    for n_index, ns in enumerate(namespaces):
        team = ns.rsplit("-", 1)[0]
        add_ns(ns)
        bucket = f"fleet-{team}-data"
        services = rng.sample(SERVICES, 6)
        irsa_sas, pi_sa = services[:5], services[5]
        sas: list[dict[str, Any]] = []

        def add_sa(name: str, annotations: dict[str, str] | None = None, annotated: dt.datetime | None = None,
                   _ns: str = ns, _team: str = team, _sas: list[dict[str, Any]] = sas) -> None:
            created = now - 60 * days
            _sas.append(service_account(cluster, _ns, name, created, annotated or created, annotations or {},
                                        {"app.kubernetes.io/part-of": _team}))

        add_sa("default")
        # --- IRSA: slots 0 and 1 share a role; 2, 3 and 4 have one each
        role_of = {0: f"{ns}-{irsa_sas[0]}", 1: f"{ns}-{irsa_sas[0]}", 2: f"{ns}-{irsa_sas[2]}",
                   3: f"{ns}-{irsa_sas[3]}", 4: f"{ns}-{irsa_sas[4]}"}
        kinds_of = {0: "Deployment", 1: "StatefulSet", 2: "Deployment", 3: "Deployment",
                    4: ("DaemonSet", "Job", "CronJob", "Deployment")[n_index % 4]}
        for slot, svc in enumerate(irsa_sas):
            role = role_of[slot]
            kind_planted = breakage.get((ns, slot))
            sa_name = svc
            annotated = now - 40 * days
            created = now - rng.uniform(1.2, 9.0) * days
            annotation_role = role
            injected_role = role
            if kind_planted == "role-missing":
                annotation_role = f"{role}-deleted"
                injected_role = annotation_role
            elif kind_planted == "pod-before-annotation":
                annotated = now - 1 * days
                created = now - rng.uniform(2.0, 5.0) * days
            elif kind_planted == "annotation-changed":
                annotated = now - 1 * days
                created = now - rng.uniform(2.0, 5.0) * days
                injected_role = f"{role}-legacy"
            add_sa(sa_name, {ROLE_ANNOTATION: arn(annotation_role)}, annotated)
            if role not in roles:
                subs = [sub(ns, irsa_sas[0]), sub(ns, irsa_sas[1])] if slot in (0, 1) else [sub(ns, sa_name)]
                trust = _irsa_trust(names, subs)
                if kind_planted == "trust-wrong-sub":
                    trust = _irsa_trust(names, [sub(f"{team}-{'prod' if ns.endswith('-staging') else 'staging'}",
                                                    sa_name)])
                elif kind_planted == "trust-wrong-audience":
                    trust = _irsa_trust(names, subs, aud="pods.eks.amazonaws.com")
                elif kind_planted == "trust-wildcard-sub":
                    trust = _irsa_trust(names, [f"system:serviceaccount:*:{sa_name}"], like=True)
                elif kind_planted == "trust-no-sub":
                    trust = _irsa_trust(names, subs, sub=False)
                roles[role] = {"trust_policy": trust, "inline_policies": {f"{team}-data": _policy(bucket)}}
            replicas = {"Deployment": rng.randint(1, 4), "StatefulSet": 2}.get(kinds_of[slot], 1)
            if kind_planted == "replica-differs":
                replicas = 3
            image = IMAGE.format(team=team, svc=svc, minor=rng.randint(0, 30))
            ref, pods = workload(ns, kinds_of[slot], svc, replicas, sa_name, image, created)
            odd: tuple[str, ...] = ()
            for i, pod in enumerate(pods):
                if kind_planted in ("not-injected", "pod-before-annotation"):
                    continue
                if kind_planted == "replica-differs" and i == 1:
                    odd = (pod["metadata"]["name"],)
                    continue
                irsa_inject(pod, arn(injected_role))
            objs["pods"].extend(pods)
            pod_names = tuple(p["metadata"]["name"] for p in pods)
            workloads.append(Workload(ns, ref, sa_name, "irsa", arn(annotation_role), pod_names, kind_planted))
            if kind_planted is not None:
                planted.append(Planted(kind_planted, ns, ref, sa_name, arn(annotation_role), pod_names, odd))
        # --- Pod Identity: one SA per namespace with an association to the team's role
        add_sa(pi_sa)
        if ns in pi_trust_ns:
            pi_role = f"{ns}-{pi_sa}-pi"
            roles[pi_role] = {"trust_policy": _irsa_trust(names, [sub(ns, pi_sa)]),
                              "inline_policies": {f"{team}-data": _policy(bucket)}}
        else:
            pi_role = team_pi_roles.setdefault(team, f"fleet-{team}-pod-identity")
            roles.setdefault(pi_role, {"trust_policy": POD_IDENTITY_TRUST,
                                       "inline_policies": {f"{team}-data": _policy(bucket)}})
        out.associations.append(_association(cluster, ns, pi_sa, arn(pi_role), now - 50 * days))
        created = now - rng.uniform(1.2, 9.0) * days
        image = IMAGE.format(team=team, svc=pi_sa, minor=rng.randint(0, 30))
        ref, pods = workload(ns, "Deployment", pi_sa, 2, pi_sa, image, created)
        for pod in pods:
            mutate_like_pod_identity_webhook(pod, region)
        objs["pods"].extend(pods)
        pod_names = tuple(p["metadata"]["name"] for p in pods)
        kind_pi = "pod-identity-trust" if ns in pi_trust_ns else None
        workloads.append(Workload(ns, ref, pi_sa, "pod-identity", arn(pi_role), pod_names, kind_pi))
        if kind_pi:
            planted.append(Planted(kind_pi, ns, ref, pi_sa, arn(pi_role), pod_names))
        if ns in missing_sa_ns:
            ghost = f"{team}-ghost"
            out.associations.append(_association(cluster, ns, ghost, arn(pi_role), now - 20 * days))
            ref = f"PodIdentityAssociation/{association_id(cluster, ns, ghost)}"
            planted.append(Planted("association-missing-sa", ns, ref, ghost, arn(pi_role)))
        # --- the rest of the namespace's ServiceAccounts: no identity (one of them annotated, no pod)
        plain = [f"{team}-svc-{j:02d}" for j in range(SAS_PER_NAMESPACE - 1 - len(services))]
        for j, name in enumerate(plain):
            if j == 0 and ns in no_pod_ns:
                role = f"{ns}-{name}"
                roles[role] = {"trust_policy": _irsa_trust(names, [sub(ns, name)]),
                               "inline_policies": {f"{team}-data": _policy(bucket)}}
                add_sa(name, {ROLE_ANNOTATION: arn(role)}, now - 10 * days)
                planted.append(Planted("sa-role-no-pod", ns, f"ServiceAccount/{name}", name, arn(role)))
            else:
                add_sa(name)
        plain_workloads.extend((ns, name) for name in plain[1:4])
        objs["serviceaccounts"].extend(sas)
        sa_total += len(sas)
    for i in range(KINDS["association-missing-namespace"].count):
        team = TEAMS[(i * 7) % len(TEAMS)]
        ns, sa = f"{team}-retired", "api"
        role = team_pi_roles.get(team) or f"fleet-{team}-pod-identity"
        out.associations.append(_association(cluster, ns, sa, arn(role), now - 200 * days))
        ref = f"PodIdentityAssociation/{association_id(cluster, ns, sa)}"
        planted.append(Planted("association-missing-namespace", ns, ref, sa, arn(role)))
    # --- pods without an identity, up to TARGET_PODS in all (not targets of a scan)
    pod_count = len(objs["pods"])
    left = max(0, TARGET_PODS - pod_count)
    for i, (ns, sa) in enumerate(plain_workloads):
        share = left // len(plain_workloads) + (1 if i < left % len(plain_workloads) else 0)
        if share == 0:
            continue
        team = ns.rsplit("-", 1)[0]
        image = IMAGE.format(team=team, svc="app", minor=rng.randint(0, 30))
        created = now - rng.uniform(1.2, 9.0) * days
        _, pods = workload(ns, "Deployment", sa.replace(f"{team}-", ""), share, sa, image, created)
        objs["pods"].extend(pods)
    # --- roles nobody in the cluster uses (CI, batch...), up to ROLES in all
    for i in range(max(0, ROLES - len(roles))):
        roles[f"fleet-ci-{i:03d}"] = {"trust_policy": _CI_TRUST, "inline_policies": {}}
    out.manifest = FleetManifest(
        seed=seed_value,
        namespaces=len(namespaces),
        service_accounts=sa_total,
        pods=len(objs["pods"]),
        roles=len(roles),
        associations=len(out.associations),
        workloads=tuple(workloads),
        planted=tuple(planted),
    )
    return out


def manifest(seed_value: int = SEED) -> FleetManifest:
    """The fleet's manifest without starting anything (it depends on the seed alone)."""
    from irsa_tui.lab import scenario as scn_mod

    names = scn_mod.placeholders(scn_mod.get(FLEET), "https://issuer.invalid", "0" * 40, "https://kube.invalid")
    out = plan(names["CLUSTER"], names, dt.datetime(2026, 1, 1, tzinfo=dt.UTC), seed_value).manifest
    assert out is not None
    return out


def _association(cluster: str, ns: str, sa: str, role_arn: str, created: dt.datetime) -> Association:
    return Association(
        association_id=association_id(cluster, ns, sa),
        namespace=ns,
        service_account=sa,
        role_arn=role_arn,
        created_at=created.timestamp(),
        modified_at=created.timestamp(),
    )


def seed(fleet: FleetPlan, objects: dict[str, dict[tuple[str | None, str], dict[str, Any]]],
         pod_identity: Any, account: str) -> None:
    """Add the plan to a running world: kube objects, IAM roles (in moto's backend), associations."""
    for resource, items in fleet.objects.items():
        store = objects.setdefault(resource, {})
        for obj in items:
            meta = obj["metadata"]
            store[(meta.get("namespace"), meta["name"])] = obj
    if pod_identity is not None:
        pod_identity.associations.extend(fleet.associations)
    _seed_roles(fleet.roles, account)


def _seed_roles(roles: dict[str, dict[str, Any]], account: str) -> None:
    """Roles straight into moto's IAM backend of ``account`` (moto serves this process's IAM)."""
    from moto.iam.models import iam_backends

    backend = iam_backends[account]["aws"]
    for name, spec in roles.items():
        backend.create_role(
            role_name=name,
            assume_role_policy_document=json.dumps(spec["trust_policy"]),
            path="/",
            permissions_boundary=None,
            description="irsa-tui lab fleet role",
            tags=[],
            max_session_duration="3600",
            linked_service=None,
        )
        for pname, doc in spec["inline_policies"].items():
            backend.put_role_policy(name, pname, json.dumps(doc))
