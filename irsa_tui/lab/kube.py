"""A Kubernetes API stand-in: many clusters at ``https://127.0.0.1:PORT/clusters/<scenario>``.

Read-only object store with real JSON shapes (lists, Status errors, RBAC-like 403s), plus
TokenRequest signing RS256 JWTs with the scenario's issuer key like kube-apiserver does.
Every request is recorded per cluster so tests can prove the product wrote nothing else.
"""

from __future__ import annotations

import base64
import copy
import csv
import datetime as dt
import json
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import jwt

from irsa_tui.lab._server import LabHandler, LabServer
from irsa_tui.lab.pki import SigningKey

__all__ = ["Cluster", "KubeServer", "build_objects", "service_account"]

USER = "lab-user"

# plural -> (api prefix, kind, namespaced)
RESOURCES: dict[str, tuple[str, str, bool]] = {
    "namespaces": ("api/v1", "Namespace", False),
    "nodes": ("api/v1", "Node", False),
    "pods": ("api/v1", "Pod", True),
    "serviceaccounts": ("api/v1", "ServiceAccount", True),
    "replicasets": ("apis/apps/v1", "ReplicaSet", True),
    "deployments": ("apis/apps/v1", "Deployment", True),
    "statefulsets": ("apis/apps/v1", "StatefulSet", True),
    "daemonsets": ("apis/apps/v1", "DaemonSet", True),
    "jobs": ("apis/batch/v1", "Job", True),
    "cronjobs": ("apis/batch/v1", "CronJob", True),
    "mutatingwebhookconfigurations": (
        "apis/admissionregistration.k8s.io/v1",
        "MutatingWebhookConfiguration",
        False,
    ),
}

ROLE_ANNOTATION = "eks.amazonaws.com/role-arn"
SKIP_LABEL = "eks.amazonaws.com/skip-pod-identity-webhook"
SKIP_CONTAINERS = "eks.amazonaws.com/skip-containers"
TOKEN_DIR = "/var/run/secrets/eks.amazonaws.com/serviceaccount"


def _ts(when: dt.datetime) -> str:
    return when.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _uid(*parts: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "irsa-tui-lab/" + "/".join(parts)))


@dataclass
class Cluster:
    """One scenario's cluster: objects, bearer token, signing key, RBAC denies and a request log."""

    name: str
    token: str
    issuer: str
    key: SigningKey
    objects: dict[str, dict[tuple[str | None, str], dict[str, Any]]]
    deny: frozenset[str] = frozenset()
    version: str = "1.31"
    clock_skew: int = 0
    """Seconds the API server's clock is off: shifts iat/nbf/exp of issued tokens."""
    requests: list[tuple[str, str]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    minted: list[str] = field(default_factory=list)
    """Every token TokenRequest handed out (tests search outputs for them)."""
    logs: dict[tuple[str, str], dict[str, list[str]]] = field(default_factory=dict)
    """(namespace, pod) -> container -> log lines (lab/app_logs.py; ``app`` is the pod's first container)."""


def _meta(name: str, ns: str | None, created: dt.datetime, cluster: str, **extra: Any) -> dict[str, Any]:
    meta: dict[str, Any] = {
        "name": name,
        "uid": _uid(cluster, ns or "", name),
        "resourceVersion": str(1000 + abs(hash((cluster, ns, name))) % 90000),
        "creationTimestamp": _ts(created),
    }
    if ns is not None:
        meta["namespace"] = ns
    meta.update({k: v for k, v in extra.items() if v is not None})
    return meta


def _owner(kind: str, api_version: str, name: str, uid: str) -> list[dict[str, Any]]:
    return [
        {
            "apiVersion": api_version,
            "kind": kind,
            "name": name,
            "uid": uid,
            "controller": True,
            "blockOwnerDeletion": True,
        }
    ]


def _api_access(suffix: str) -> tuple[dict[str, Any], dict[str, Any]]:
    name = f"kube-api-access-{suffix}"
    volume = {
        "name": name,
        "projected": {
            "defaultMode": 420,
            "sources": [
                {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
                {"configMap": {"name": "kube-root-ca.crt", "items": [{"key": "ca.crt", "path": "ca.crt"}]}},
                {
                    "downwardAPI": {
                        "items": [
                            {
                                "path": "namespace",
                                "fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.namespace"},
                            }
                        ]
                    }
                },
            ],
        },
    }
    mount = {"name": name, "readOnly": True, "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount"}
    return volume, mount


def _pod(
    cluster: str,
    ns: str,
    name: str,
    created: dt.datetime,
    node: str,
    sa: str,
    image: str,
    labels: dict[str, str],
    owner: list[dict[str, Any]] | None,
    suffix: str,
    annotations: dict[str, str] | None = None,
) -> dict[str, Any]:
    volume, mount = _api_access(suffix)
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": _meta(
            name,
            ns,
            created,
            cluster,
            labels=dict(labels),
            annotations=annotations or None,
            ownerReferences=owner,
            generateName=name.rsplit("-", 1)[0] + "-" if owner else None,
        ),
        "spec": {
            "containers": [
                {
                    "name": name.split("-")[0],
                    "image": image,
                    "imagePullPolicy": "IfNotPresent",
                    "ports": [{"containerPort": 8080, "protocol": "TCP"}],
                    "env": [],
                    "resources": {},
                    "terminationMessagePath": "/dev/termination-log",
                    "terminationMessagePolicy": "File",
                    "volumeMounts": [mount],
                }
            ],
            "dnsPolicy": "ClusterFirst",
            "enableServiceLinks": True,
            "nodeName": node,
            "preemptionPolicy": "PreemptLowerPriority",
            "priority": 0,
            "restartPolicy": "Always",
            "schedulerName": "default-scheduler",
            "securityContext": {},
            "serviceAccount": sa,
            "serviceAccountName": sa,
            "terminationGracePeriodSeconds": 30,
            "tolerations": [
                {
                    "effect": "NoExecute",
                    "key": "node.kubernetes.io/not-ready",
                    "operator": "Exists",
                    "tolerationSeconds": 300,
                },
                {
                    "effect": "NoExecute",
                    "key": "node.kubernetes.io/unreachable",
                    "operator": "Exists",
                    "tolerationSeconds": 300,
                },
            ],
            "volumes": [volume],
        },
        "status": {
            "phase": "Running",
            "qosClass": "BestEffort",
            "hostIP": "10.0.12.34",
            "podIP": "10.0.12.77",
            "startTime": _ts(created + dt.timedelta(seconds=2)),
            "conditions": [
                {
                    "type": "Ready",
                    "status": "True",
                    "lastTransitionTime": _ts(created + dt.timedelta(seconds=9)),
                }
            ],
        },
    }


def webhook_containers(
    pod: dict[str, Any], region: str | None, regional: bool = True
) -> list[tuple[dict[str, Any], set[str]]]:
    """The containers the EKS webhook mutates (not named in ``eks.amazonaws.com/skip-containers``,
    one CSV line, spaces kept), each with the env names it had, after the STS/region env the webhook
    adds to each (IRSA and Pod Identity alike; never over a value already set)."""
    skip_value = ((pod.get("metadata") or {}).get("annotations") or {}).get(SKIP_CONTAINERS, "")
    try:
        first_line = skip_value.splitlines()[0] if skip_value.strip() else ""
        skip = set(next(csv.reader([first_line], strict=True))) if first_line else set()
    except (csv.Error, StopIteration, IndexError):
        skip = set()
    out = []
    spec = pod["spec"]
    for container in list(spec.get("initContainers") or []) + list(spec.get("containers") or []):
        if container.get("name") in skip:
            continue
        env = container.setdefault("env", [])
        present = {str(e.get("name")) for e in env}
        if regional and "AWS_STS_REGIONAL_ENDPOINTS" not in present:  # a webhook without --sts-regional-endpoint
            env.append({"name": "AWS_STS_REGIONAL_ENDPOINTS", "value": "regional"})
        # region None: a self-managed webhook started without --aws-default-region injects none
        if region and "AWS_DEFAULT_REGION" not in present and "AWS_REGION" not in present:
            env.append({"name": "AWS_DEFAULT_REGION", "value": region})
            env.append({"name": "AWS_REGION", "value": region})
        out.append((container, present))
    return out


def mutate_like_webhook(
    pod: dict[str, Any], role_arn: str, audience: str, expiration: int, region: str | None, regional: bool = True
) -> None:
    """What the EKS pod identity webhook does at pod CREATE (see irsa-chain.md §2).

    Like the real one: containers named in ``eks.amazonaws.com/skip-containers`` (one CSV line,
    spaces kept) are left alone, and an existing volume named ``aws-iam-token`` or a mount at the
    token directory is kept as is.
    """
    spec = pod["spec"]
    for container, present in webhook_containers(pod, region, regional):
        env = container["env"]
        if "AWS_ROLE_ARN" not in present and "AWS_WEB_IDENTITY_TOKEN_FILE" not in present:
            env.append({"name": "AWS_ROLE_ARN", "value": role_arn})
            env.append({"name": "AWS_WEB_IDENTITY_TOKEN_FILE", "value": f"{TOKEN_DIR}/token"})
        mounts = container.setdefault("volumeMounts", [])
        if not any(m.get("name") == "aws-iam-token" or m.get("mountPath") == TOKEN_DIR for m in mounts):
            mounts.append({"name": "aws-iam-token", "readOnly": True, "mountPath": TOKEN_DIR})
    if any(v.get("name") == "aws-iam-token" for v in spec["volumes"]):
        return
    spec["volumes"].insert(
        0,
        {
            "name": "aws-iam-token",
            "projected": {
                "defaultMode": 420,
                "sources": [
                    {
                        "serviceAccountToken": {
                            "audience": audience,
                            "expirationSeconds": expiration,
                            "path": "token",
                        }
                    }
                ],
            },
        },
    )


def _self_managed_webhook(put: Any, cfg: dict[str, Any], region: str, born: dt.datetime, cluster: str) -> None:
    """The open-source webhook as kOps and self-managed clusters run it (WH deploy/): Deployment + config."""
    hook = cfg["webhook"]
    args = [
        "/webhook",
        "--in-cluster=false",
        "--namespace=default",
        "--service-name=pod-identity-webhook",
        "--annotation-prefix=eks.amazonaws.com",
        f"--token-audience={hook.get('audience') or 'sts.amazonaws.com'}",
        f"--sts-regional-endpoint={'true' if hook.get('sts_regional', True) else 'false'}",
    ]
    if hook.get("inject_region", True):
        args.append(f"--aws-default-region={region}")
    labels = {"app": "pod-identity-webhook"}
    put("deployments", {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": _meta("pod-identity-webhook", "default", born, cluster, labels=labels),
        "spec": {
            "replicas": 1,
            "selector": {"matchLabels": labels},
            "template": {
                "metadata": {"labels": labels},
                "spec": {
                    "serviceAccountName": "pod-identity-webhook",
                    "containers": [{
                        "name": "pod-identity-webhook",
                        "image": "amazon/amazon-eks-pod-identity-webhook:v0.6.5",
                        "command": args[:1],
                        "args": args[1:],
                    }],
                },
            },
        },
        "status": {"replicas": 1, "readyReplicas": 1},
    })
    put("mutatingwebhookconfigurations", {
        "apiVersion": "admissionregistration.k8s.io/v1",
        "kind": "MutatingWebhookConfiguration",
        "metadata": _meta("pod-identity-webhook", None, born, cluster),
        "webhooks": [{
            "name": "pod-identity-webhook.amazonaws.com",
            "admissionReviewVersions": ["v1beta1"],
            "clientConfig": {
                "service": {"name": "pod-identity-webhook", "namespace": "default", "path": "/mutate"},
                "caBundle": base64.b64encode(b"lab").decode(),
            },
            "failurePolicy": "Ignore",
            "objectSelector": {"matchExpressions": [{"key": SKIP_LABEL, "operator": "DoesNotExist"}]},
            "rules": [{"apiGroups": [""], "apiVersions": ["v1"], "operations": ["CREATE"], "resources": ["pods"]}],
            "sideEffects": "None",
        }],
    })


def _deep_merge(base: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
    for key, value in patch.items():
        if value is None:
            base.pop(key, None)
        elif isinstance(value, dict) and isinstance(base.get(key), dict):
            _deep_merge(base[key], value)
        else:
            base[key] = value
    return base


def service_account(
    cluster: str,
    ns: str,
    name: str,
    created: dt.datetime,
    annotated: dt.datetime,
    annotations: dict[str, str],
    labels: dict[str, str],
) -> dict[str, Any]:
    """A ServiceAccount whose managedFields say when its role annotation was written (``annotated``,
    an update after ``created`` by ``kubectl annotate``, or at creation)."""
    has_role = bool(annotations.get(ROLE_ANNOTATION))
    fields_create: dict[str, Any] = {"f:metadata": {"f:labels": {f"f:{k}": {} for k in labels}}}
    managed = [
        {
            "manager": "kubectl-client-side-apply",
            "operation": "Update",
            "apiVersion": "v1",
            "time": _ts(created),
            "fieldsType": "FieldsV1",
            "fieldsV1": fields_create,
        }
    ]
    other: dict[str, Any] = {f"f:{k}": {} for k in annotations if k != ROLE_ANNOTATION}
    if has_role and annotated > created:
        if other:
            fields_create["f:metadata"]["f:annotations"] = other
        managed.append(
            {
                "manager": "kubectl-annotate",
                "operation": "Update",
                "apiVersion": "v1",
                "time": _ts(annotated),
                "fieldsType": "FieldsV1",
                "fieldsV1": {"f:metadata": {"f:annotations": {f"f:{ROLE_ANNOTATION}": {}}}},
            }
        )
    elif annotations:
        fields_create["f:metadata"]["f:annotations"] = {f"f:{k}": {} for k in annotations}
    return {
        "apiVersion": "v1",
        "kind": "ServiceAccount",
        "metadata": _meta(
            name,
            ns,
            created,
            cluster,
            labels=dict(labels) or None,
            annotations=dict(annotations) or None,
            managedFields=managed,
        ),
    }


def build_objects(
    cfg: dict[str, Any], cluster: str, region: str, now: dt.datetime | None = None
) -> dict[str, dict[tuple[str | None, str], dict[str, Any]]]:
    """The cluster's objects from an expanded scenario config."""
    now = now or dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    days = dt.timedelta(days=1)
    store: dict[str, dict[tuple[str | None, str], dict[str, Any]]] = {r: {} for r in RESOURCES}

    def put(resource: str, obj: dict[str, Any]) -> None:
        meta = obj["metadata"]
        store[resource][(meta.get("namespace"), meta["name"])] = obj

    cluster_born = now - 120 * days
    ns = str(cfg["namespace"])
    for name in sorted({"default", "kube-system", "kube-public", "kube-node-lease", ns}):
        put(
            "namespaces",
            {
                "apiVersion": "v1",
                "kind": "Namespace",
                "metadata": _meta(
                    name, None, cluster_born, cluster, labels={"kubernetes.io/metadata.name": name}
                ),
                "spec": {"finalizers": ["kubernetes"]},
                "status": {"phase": "Active"},
            },
        )
        put(
            "serviceaccounts",
            {
                "apiVersion": "v1",
                "kind": "ServiceAccount",
                "metadata": _meta("default", name, cluster_born, cluster),
            },
        )
    nodes = ["ip-10-0-12-34.eu-west-1.compute.internal", "ip-10-0-45-67.eu-west-1.compute.internal"]
    for i, node in enumerate(nodes):
        put(
            "nodes",
            {
                "apiVersion": "v1",
                "kind": "Node",
                "metadata": _meta(
                    node,
                    None,
                    now - 10 * days,
                    cluster,
                    labels={
                        "kubernetes.io/hostname": node,
                        "kubernetes.io/os": "linux",
                        "topology.kubernetes.io/region": region,
                        "topology.kubernetes.io/zone": f"{region}{'ab'[i]}",
                        "eks.amazonaws.com/nodegroup": "default",
                    },
                ),
                "spec": {"providerID": f"aws:///{region}{'ab'[i]}/i-0{i}1a2b3c4d5e6f7a8b"},
                "status": {
                    "nodeInfo": {
                        "kubeletVersion": "v1.31.4-eks-aeac579",
                        "operatingSystem": "linux",
                        "architecture": "amd64",
                    }
                },
            },
        )

    # --- the service account, with managedFields showing when the role annotation was written
    sa_cfg = cfg["serviceaccount"]
    sa_created = now - float(sa_cfg.get("created_days_ago", 40)) * days
    annotated = now - float(sa_cfg.get("annotated_days_ago", sa_cfg.get("created_days_ago", 40))) * days
    annotations = {str(k): str(v) for k, v in (sa_cfg.get("annotations") or {}).items()}
    has_role = bool(annotations.get(ROLE_ANNOTATION))
    annotated = max(annotated, sa_created)
    sa = service_account(
        cluster, ns, str(sa_cfg["name"]), sa_created, annotated, annotations, sa_cfg.get("labels") or {}
    )
    _deep_merge(sa, sa_cfg.get("patch") or {})
    if sa_cfg.get("present", True):
        put("serviceaccounts", sa)

    # --- deployment -> replicaset -> pod
    pod_cfg = cfg["pod"]
    # the pod's ServiceAccount: the scenario's SA unless the pod names another (e.g. "default")
    pod_sa = str(pod_cfg.get("service_account") or sa_cfg["name"])
    pod_created = now - float(pod_cfg.get("created_days_ago", 2)) * days
    dep_name, rs_name = str(pod_cfg["deployment"]), str(pod_cfg["replicaset"])
    labels = {str(k): str(v) for k, v in (pod_cfg.get("labels") or {}).items()}
    dep: dict[str, Any] = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": _meta(dep_name, ns, now - 30 * days, cluster, labels={"app": dep_name}, generation=7),
        "spec": {
            "replicas": 1,
            "selector": {"matchLabels": {"app": dep_name}},
            "template": {
                "metadata": {"labels": {k: v for k, v in labels.items() if k != "pod-template-hash"}},
                "spec": {
                    "serviceAccountName": pod_sa,
                    "containers": [{"name": dep_name, "image": pod_cfg["image"]}],
                },
            },
        },
        "status": {"replicas": 1, "readyReplicas": 1, "availableReplicas": 1},
    }
    put("deployments", dep)
    rs: dict[str, Any] = {
        "apiVersion": "apps/v1",
        "kind": "ReplicaSet",
        "metadata": _meta(
            rs_name,
            ns,
            pod_created,
            cluster,
            labels=labels,
            ownerReferences=_owner("Deployment", "apps/v1", dep_name, dep["metadata"]["uid"]),
        ),
        "spec": {"replicas": 1, "selector": {"matchLabels": labels}},
        "status": {"replicas": 1, "readyReplicas": 1},
    }
    put("replicasets", rs)
    pod = _pod(
        cluster,
        ns,
        str(pod_cfg["name"]),
        pod_created,
        str(pod_cfg["node"]),
        pod_sa,
        str(pod_cfg["image"]),
        labels,
        _owner("ReplicaSet", "apps/v1", rs_name, rs["metadata"]["uid"]),
        "7xkqp",
        {str(k): str(v) for k, v in (pod_cfg.get("annotations") or {}).items()},
    )
    # env the user wrote in the pod template (before the webhook appends its own)
    # (a mapping value is a valueFrom source, e.g. {secretKeyRef: {name: s, key: k}})
    pod["spec"]["containers"][0]["env"].extend(
        {"name": str(k), "valueFrom": v} if isinstance(v, dict) else {"name": str(k), "value": str(v)}
        for k, v in (pod_cfg.get("env") or {}).items()
    )
    for extra in pod_cfg.get("sidecars") or []:
        side = copy.deepcopy(pod["spec"]["containers"][0])
        side.update(name=str(extra["name"]), image=str(extra.get("image") or side["image"]), env=[])
        side.pop("ports", None)
        pod["spec"]["containers"].append(side)
    pod["spec"]["volumes"].extend(copy.deepcopy(pod_cfg.get("volumes") or []))
    pod["spec"]["containers"][0]["volumeMounts"].extend(copy.deepcopy(pod_cfg.get("mounts") or []))
    if pod_cfg.get("injected_role_arn"):
        has_role = True  # the webhook injected this role at CREATE; the annotation changed since
    webhook_on = bool(cfg["webhook"].get("present", True))
    mutate = pod_cfg.get("mutate", "auto")
    if mutate == "auto":
        mutate = (
            has_role
            and pod_sa == str(sa_cfg["name"])
            and webhook_on
            and SKIP_LABEL not in labels
            and (annotated < pod_created or bool(pod_cfg.get("injected_role_arn")))
            and bool(sa_cfg.get("present", True))
        )
    if mutate:
        audience = annotations.get("eks.amazonaws.com/audience") or str(cfg["webhook"].get("audience") or "sts.amazonaws.com")
        try:
            expiration = max(600, int(annotations.get("eks.amazonaws.com/token-expiration", "86400")))
        except ValueError:
            expiration = 86400
        role_then = str(pod_cfg.get("injected_role_arn") or annotations.get(ROLE_ANNOTATION, ""))
        injects_region = cfg["webhook"].get("inject_region", True)
        regional_note = annotations.get("eks.amazonaws.com/sts-regional-endpoints")
        regional = bool(cfg["webhook"].get("sts_regional", True))
        if regional_note is not None and regional_note in ("true", "1", "t", "T", "TRUE", "True"):
            regional = True
        elif regional_note is not None and regional_note in ("false", "0", "f", "F", "FALSE", "False"):
            regional = False
        mutate_like_webhook(pod, role_then, audience, expiration, region if injects_region else None, regional)
    _deep_merge(pod, pod_cfg.get("patch") or {})
    put("pods", pod)

    if cfg.get("workloads"):  # more IRSA workloads in the namespace (scan scenarios: lab/workloads.py)
        from irsa_tui.lab.scenario import ACCOUNT
        from irsa_tui.lab.workloads import add_objects

        add_objects(store, cfg, cluster, region, ACCOUNT, now)

    # --- realism: a pod without IRSA, kube-system pods, the EKS webhook configuration
    worker_rs: dict[str, Any] = {
        "apiVersion": "apps/v1",
        "kind": "ReplicaSet",
        "metadata": _meta("worker-5c8f7d9b4", ns, now - 5 * days, cluster, labels={"app": "worker"}),
        "spec": {"replicas": 1},
        "status": {"replicas": 1},
    }
    put("replicasets", worker_rs)
    put(
        "pods",
        _pod(
            cluster,
            ns,
            "worker-5c8f7d9b4-q8t2n",
            now - 5 * days,
            nodes[1],
            "default",
            "public.ecr.aws/docker/library/busybox:1.36",
            {"app": "worker"},
            _owner("ReplicaSet", "apps/v1", "worker-5c8f7d9b4", worker_rs["metadata"]["uid"]),
            "m2d8w",
        ),
    )
    ds: dict[str, Any] = {
        "apiVersion": "apps/v1",
        "kind": "DaemonSet",
        "metadata": _meta("aws-node", "kube-system", cluster_born, cluster, labels={"k8s-app": "aws-node"}),
        "spec": {"selector": {"matchLabels": {"k8s-app": "aws-node"}}},
        "status": {"numberReady": 2},
    }
    put("daemonsets", ds)
    put(
        "serviceaccounts",
        {
            "apiVersion": "v1",
            "kind": "ServiceAccount",
            "metadata": _meta("aws-node", "kube-system", cluster_born, cluster),
        },
    )
    for i, node in enumerate(nodes):
        put(
            "pods",
            _pod(
                cluster,
                "kube-system",
                f"aws-node-{'hx7vq'[i:]}{'lmn'[i]}",
                now - 10 * days,
                node,
                "aws-node",
                "602401143452.dkr.ecr.eu-west-1.amazonaws.com/amazon-k8s-cni:v1.19.2",
                {"k8s-app": "aws-node"},
                _owner("DaemonSet", "apps/v1", "aws-node", ds["metadata"]["uid"]),
                f"q{i}z8r",
            ),
        )
    core_dep: dict[str, Any] = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": _meta("coredns", "kube-system", cluster_born, cluster, labels={"k8s-app": "kube-dns"}),
        "spec": {"replicas": 1},
        "status": {"replicas": 1},
    }
    put("deployments", core_dep)
    core_rs: dict[str, Any] = {
        "apiVersion": "apps/v1",
        "kind": "ReplicaSet",
        "metadata": _meta(
            "coredns-6b9575c64c",
            "kube-system",
            cluster_born,
            cluster,
            ownerReferences=_owner("Deployment", "apps/v1", "coredns", core_dep["metadata"]["uid"]),
        ),
        "spec": {"replicas": 1},
        "status": {"replicas": 1},
    }
    put("replicasets", core_rs)
    put(
        "pods",
        _pod(
            cluster,
            "kube-system",
            "coredns-6b9575c64c-8wq4v",
            now - 10 * days,
            nodes[0],
            "coredns",
            "602401143452.dkr.ecr.eu-west-1.amazonaws.com/eks/coredns:v1.11.4-eksbuild.2",
            {"k8s-app": "kube-dns"},
            _owner("ReplicaSet", "apps/v1", "coredns-6b9575c64c", core_rs["metadata"]["uid"]),
            "c6t2x",
        ),
    )
    if webhook_on and cfg["webhook"].get("self_managed"):
        _self_managed_webhook(put, cfg, region, cluster_born, cluster)
    elif webhook_on:
        hook: dict[str, Any] = {
            "apiVersion": "admissionregistration.k8s.io/v1",
            "kind": "MutatingWebhookConfiguration",
            "metadata": _meta("pod-identity-webhook", None, cluster_born, cluster),
            "webhooks": [
                {
                    "name": "iam-for-pods.amazonaws.com",
                    "admissionReviewVersions": ["v1beta1"],
                    "clientConfig": {
                        "url": "https://127.0.0.1:23443/mutate",
                        "caBundle": base64.b64encode(b"lab").decode(),
                    },
                    "failurePolicy": "Ignore",
                    "matchPolicy": "Equivalent",
                    "namespaceSelector": {},
                    "objectSelector": {"matchExpressions": [{"key": SKIP_LABEL, "operator": "DoesNotExist"}]},
                    "reinvocationPolicy": "IfNeeded",
                    "rules": [
                        {
                            "apiGroups": [""],
                            "apiVersions": ["v1"],
                            "operations": ["CREATE"],
                            "resources": ["pods"],
                            "scope": "*",
                        }
                    ],
                    "sideEffects": "None",
                    "timeoutSeconds": 10,
                }
            ],
        }
        _deep_merge(hook, cfg["webhook"].get("patch") or {})
        put("mutatingwebhookconfigurations", hook)
    put(
        "mutatingwebhookconfigurations",
        {
            "apiVersion": "admissionregistration.k8s.io/v1",
            "kind": "MutatingWebhookConfiguration",
            "metadata": _meta("vpc-resource-mutating-webhook", None, cluster_born, cluster),
            "webhooks": [
                {
                    "name": "mpod.vpc.k8s.aws",
                    "admissionReviewVersions": ["v1"],
                    "clientConfig": {"url": "https://127.0.0.1:443/mutate-v1-pod"},
                    "failurePolicy": "Ignore",
                    "rules": [
                        {
                            "apiGroups": [""],
                            "apiVersions": ["v1"],
                            "operations": ["CREATE"],
                            "resources": ["pods"],
                            "scope": "*",
                        }
                    ],
                    "sideEffects": "None",
                    "timeoutSeconds": 10,
                }
            ],
        },
    )
    return store


def status(code: int, reason: str, message: str, details: dict[str, Any] | None = None) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": message,
        "reason": reason,
        "code": code,
    }
    if details is not None:
        doc["details"] = details
    return doc


class _Handler(LabHandler):
    def _route(self) -> tuple[Cluster, str, dict[str, list[str]]] | None:
        srv: KubeServer = self.server.lab  # type: ignore[attr-defined]
        url = urlsplit(self.path)
        parts = url.path.split("/")
        if len(parts) < 3 or parts[1] != "clusters":
            self.send_json(404, status(404, "NotFound", "the server could not find the requested resource"))
            return None
        cluster = srv.clusters.get(unquote(parts[2]))
        if cluster is None:
            self.send_json(404, status(404, "NotFound", "the server could not find the requested resource"))
            return None
        rest = "/" + "/".join(parts[3:])
        with cluster.lock:
            cluster.requests.append((self.command, rest + (f"?{url.query}" if url.query else "")))
        auth = self.headers.get("Authorization") or ""
        if auth != f"Bearer {cluster.token}":
            self.send_json(401, status(401, "Unauthorized", "Unauthorized"))
            return None
        return cluster, rest, parse_qs(url.query)

    def _forbidden(self, verb: str, resource: str, group: str, name: str | None, ns: str | None) -> None:
        subject = f'{resource.split("/")[0]} "{name}"' if name else resource.split("/")[0]
        where = f' in the namespace "{ns}"' if ns else " at the cluster scope"
        message = (
            f'{subject} is forbidden: User "{USER}" cannot {verb} resource "{resource}" '
            f'in API group "{group}"{where}'
        )
        details: dict[str, Any] = {"kind": resource.split("/")[0]}
        if name:
            details["name"] = name
        if group:
            details["group"] = group
        self.send_json(403, status(403, "Forbidden", message, details))

    def do_GET(self) -> None:
        routed = self._route()
        if routed is None:
            return
        cluster, path, query = routed
        if path in ("/.well-known/openid-configuration", "/openid/v1/jwks"):
            # ServiceAccountIssuerDiscovery: the API server's own discovery document and keys.
            if f"get {path}" in cluster.deny:
                message = f'forbidden: User "{USER}" cannot get path "{path}"'
                self.send_json(403, status(403, "Forbidden", message))
                return
            if path == "/openid/v1/jwks":
                self.send_json(200, {"keys": [cluster.key.jwk]})
                return
            self.send_json(200, {
                "issuer": cluster.issuer,
                "jwks_uri": f"{cluster.issuer}/keys",
                "response_types_supported": ["id_token"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"],
            })
            return
        if path in ("/version", "/version/"):
            minor = cluster.version.split(".")[1]
            self.send_json(
                200,
                {
                    "major": "1",
                    "minor": minor,
                    "gitVersion": f"v{cluster.version}.4-eks-2d5f260",
                    "gitCommit": "0" * 40,
                    "gitTreeState": "clean",
                    "buildDate": "2025-01-01T00:00:00Z",
                    "goVersion": "go1.23.4",
                    "compiler": "gc",
                    "platform": "linux/amd64",
                },
            )
            return
        if path in ("/api", "/api/"):
            self.send_json(
                200,
                {
                    "kind": "APIVersions",
                    "versions": ["v1"],
                    "serverAddressByClientCIDRs": [
                        {"clientCIDR": "0.0.0.0/0", "serverAddress": "127.0.0.1:443"}
                    ],
                },
            )
            return
        parsed = _parse(path)
        if parsed is None:
            self.send_json(404, status(404, "NotFound", "the server could not find the requested resource"))
            return
        resource, ns, name, sub = parsed
        prefix, kind, namespaced = RESOURCES[resource]
        group = prefix.split("/")[1] if prefix.startswith("apis/") else ""
        if resource == "pods" and sub == "log" and ns and name:
            self._pod_log(cluster, ns, name, query)
            return
        if sub is not None:
            self.send_json(404, status(404, "NotFound", "the server could not find the requested resource"))
            return
        verb = "get" if name else "list"
        if f"{verb} {resource}" in cluster.deny:
            self._forbidden(verb, resource, group, name, ns)
            return
        objects = cluster.objects[resource]
        if name is not None:
            obj = objects.get((ns if namespaced else None, name))
            if obj is None:
                gr = f"{resource}.{group}" if group else resource
                self.send_json(
                    404,
                    status(
                        404,
                        "NotFound",
                        f'{gr} "{name}" not found',
                        {"name": name, "kind": resource, **({"group": group} if group else {})},
                    ),
                )
                return
            self.send_json(200, obj)
            return
        items = [
            o
            for (o_ns, _), o in sorted(objects.items(), key=lambda kv: (kv[0][0] or "", kv[0][1]))
            if ns is None or o_ns == ns
        ]
        items = _select(items, query)
        limit = _int((query.get("limit") or ["0"])[0])
        start = 0
        token = (query.get("continue") or [""])[0]
        if token:
            try:
                start = int(base64.urlsafe_b64decode(token.encode()).decode())
            except ValueError:
                self.send_json(400, status(400, "BadRequest", "continue key is not valid"))
                return
        end = start + limit if limit > 0 else len(items)
        meta: dict[str, Any] = {"resourceVersion": "123456"}
        if end < len(items):
            meta["continue"] = base64.urlsafe_b64encode(str(end).encode()).decode()
            meta["remainingItemCount"] = len(items) - end
        api_version = prefix.split("/", 1)[1] if prefix.startswith("apis/") else "v1"
        self.send_json(
            200,
            {"kind": f"{kind}List", "apiVersion": api_version, "metadata": meta, "items": items[start:end]},
        )

    def _pod_log(self, cluster: Cluster, ns: str, name: str, query: dict[str, list[str]]) -> None:
        """``GET pods/NAME/log`` as the API server answers it: text/plain, ``container``, ``tailLines``,
        ``timestamps``; 400 when a pod of several containers is asked without ``container``."""
        import datetime as dt

        from irsa_tui.lab.app_logs import POD_TOKEN, with_timestamps

        if "get pods/log" in cluster.deny:
            self._forbidden("get", "pods/log", "", name, ns)
            return
        pod = cluster.objects["pods"].get((ns, name))
        if pod is None:
            self.send_json(404, status(404, "NotFound", f'pods "{name}" not found', {"name": name, "kind": "pods"}))
            return
        names = [str(c.get("name")) for c in pod.get("spec", {}).get("containers") or []]
        container = (query.get("container") or [""])[0]
        if not container and len(names) > 1:
            message = (f"a container name must be specified for pod {name}, choose one of: [{' '.join(names)}]")
            self.send_json(400, status(400, "BadRequest", message))
            return
        container = container or (names[0] if names else "")
        if container not in names:
            self.send_json(400, status(400, "BadRequest", f"container {container} is not valid for pod {name}"))
            return
        by_container = cluster.logs.get((ns, name)) or {}
        lines = list(by_container.get(container) or (by_container.get("app") if container == names[0] else None) or [])
        if any(POD_TOKEN in line or "@@CALLER_SECRET@@" in line for line in lines):
            from irsa_tui.lab.world import CALLER_SECRET

            sa = str(pod.get("spec", {}).get("serviceAccountName") or "default")
            token = _mint(cluster, ns, sa)
            lines = [line.replace(POD_TOKEN, token).replace("@@CALLER_SECRET@@", CALLER_SECRET) for line in lines]
        tail = _int((query.get("tailLines") or ["-1"])[0]) if (query.get("tailLines") or [""])[0].isdigit() else -1
        if (query.get("timestamps") or ["false"])[0] == "true":
            lines = with_timestamps(lines, dt.datetime.now(dt.UTC))
        if tail >= 0:
            lines = lines[-tail:] if tail else []
        self.send(200, "".join(line + "\n" for line in lines).encode(), "text/plain")

    def do_POST(self) -> None:
        routed = self._route()
        if routed is None:
            return
        cluster, path, _ = routed
        body = self.body()
        parsed = _parse(path)
        if parsed is None or parsed[0] != "serviceaccounts" or parsed[3] != "token" or not parsed[2]:
            resource = parsed[0] if parsed else "unknown"
            self._forbidden("create", resource, "", None, parsed[1] if parsed else None)
            return
        _, ns, sa_name, _ = parsed
        assert ns is not None and sa_name is not None
        if "create serviceaccounts/token" in cluster.deny:
            self._forbidden("create", "serviceaccounts/token", "", sa_name, ns)
            return
        try:
            req = json.loads(body or b"{}")
            spec = req.get("spec") or {}
            if not isinstance(spec, dict):
                raise ValueError
        except ValueError:
            self.send_json(400, status(400, "BadRequest", "the body of the request was in an unknown format"))
            return
        sa = cluster.objects["serviceaccounts"].get((ns, sa_name))
        if sa is None:
            self.send_json(
                404,
                status(
                    404,
                    "NotFound",
                    f'serviceaccounts "{sa_name}" not found',
                    {"name": sa_name, "kind": "serviceaccounts"},
                ),
            )
            return
        expiration = spec.get("expirationSeconds", 3600)
        if not isinstance(expiration, int) or expiration < 600:
            self.send_json(
                422,
                status(
                    422,
                    "Invalid",
                    f'TokenRequest.authentication.k8s.io "{sa_name}" is invalid: '
                    "spec.expirationSeconds: Invalid value: "
                    f"{expiration}: may not specify a duration less than 10 minutes",
                    {"name": sa_name, "group": "authentication.k8s.io", "kind": "TokenRequest"},
                ),
            )
            return
        audiences = spec.get("audiences") or [cluster.issuer]
        now = int(time.time()) + cluster.clock_skew
        k8s: dict[str, Any] = {
            "namespace": ns,
            "serviceaccount": {"name": sa_name, "uid": sa["metadata"]["uid"]},
        }
        ref = spec.get("boundObjectRef")
        if isinstance(ref, dict) and ref.get("kind") == "Pod":
            pod = cluster.objects["pods"].get((ns, str(ref.get("name"))))
            if pod is None or (ref.get("uid") and ref.get("uid") != pod["metadata"]["uid"]):
                what = f'pods "{ref.get("name")}" not found'
                self.send_json(404, status(404, "NotFound", what, {"name": ref.get("name"), "kind": "pods"}))
                return
            k8s["pod"] = {"name": pod["metadata"]["name"], "uid": pod["metadata"]["uid"]}
            node = cluster.objects["nodes"].get((None, str(pod["spec"].get("nodeName"))))
            if node is not None:
                k8s["node"] = {"name": node["metadata"]["name"], "uid": node["metadata"]["uid"]}
        claims = {
            "aud": list(audiences),
            "exp": now + expiration,
            "iat": now,
            "iss": cluster.issuer,
            "jti": str(uuid.uuid4()),
            "kubernetes.io": k8s,
            "nbf": now,
            "sub": f"system:serviceaccount:{ns}:{sa_name}",
        }
        token = jwt.encode(
            claims, cluster.key.private_key, algorithm="RS256", headers={"kid": cluster.key.kid, "typ": None}
        )
        with cluster.lock:
            cluster.minted.append(token)
        expires = dt.datetime.fromtimestamp(now + expiration, dt.timezone.utc)
        self.send_json(
            201,
            {
                "kind": "TokenRequest",
                "apiVersion": "authentication.k8s.io/v1",
                "metadata": {"name": sa_name, "namespace": ns, "creationTimestamp": None},
                "spec": {
                    "audiences": list(audiences),
                    "expirationSeconds": expiration,
                    "boundObjectRef": ref,
                },
                "status": {"token": token, "expirationTimestamp": _ts(expires)},
            },
        )

    def _write(self) -> None:
        routed = self._route()
        if routed is None:
            return
        _, path, _ = routed
        self.body()
        parsed = _parse(path)
        verb = {"PUT": "update", "PATCH": "patch", "DELETE": "delete"}.get(self.command, "update")
        if parsed is None:
            self.send_json(404, status(404, "NotFound", "the server could not find the requested resource"))
            return
        resource, ns, name, _ = parsed
        group = RESOURCES[resource][0].split("/")[1] if RESOURCES[resource][0].startswith("apis/") else ""
        self._forbidden(verb, resource, group, name, ns)

    do_PUT = do_PATCH = do_DELETE = _write


def _mint(cluster: Cluster, ns: str, sa_name: str) -> str:
    """A token as the kubelet projects it for the pod (the one the app's log may print)."""
    now = int(time.time()) + cluster.clock_skew
    claims = {"aud": ["sts.amazonaws.com"], "exp": now + 86400, "iat": now, "iss": cluster.issuer,
              "kubernetes.io": {"namespace": ns, "serviceaccount": {"name": sa_name}}, "nbf": now,
              "sub": f"system:serviceaccount:{ns}:{sa_name}"}
    token: str = jwt.encode(claims, cluster.key.private_key, algorithm="RS256",
                            headers={"kid": cluster.key.kid, "typ": None})
    with cluster.lock:
        cluster.minted.append(token)
    return token


def _int(value: str) -> int:
    try:
        return max(0, int(value))
    except ValueError:
        return 0


def _select(items: list[dict[str, Any]], query: dict[str, list[str]]) -> list[dict[str, Any]]:
    """Equality label selectors and metadata.name/namespace field selectors; anything else is ignored."""
    out = items
    for raw in query.get("labelSelector") or []:
        for term in filter(None, (t.strip() for t in raw.split(","))):
            if "=" in term and "!=" not in term:
                key, value = (p.strip() for p in term.replace("==", "=").split("=", 1))
                out = [o for o in out if (o["metadata"].get("labels") or {}).get(key) == value]
    for raw in query.get("fieldSelector") or []:
        for term in filter(None, (t.strip() for t in raw.split(","))):
            if "=" in term and "!=" not in term:
                key, value = (p.strip() for p in term.replace("==", "=").split("=", 1))
                if key in ("metadata.name", "metadata.namespace"):
                    attr = key.split(".", 1)[1]
                    out = [o for o in out if o["metadata"].get(attr) == value]
    return out


def _parse(path: str) -> tuple[str, str | None, str | None, str | None] | None:
    """``/api/v1/...`` or ``/apis/G/V/...`` -> (resource, namespace, name, subresource)."""
    segs = [s for s in path.split("/") if s]
    if len(segs) >= 2 and segs[0] == "api" and segs[1] == "v1":
        rest, prefix = segs[2:], "api/v1"
    elif len(segs) >= 3 and segs[0] == "apis":
        rest, prefix = segs[3:], f"apis/{segs[1]}/{segs[2]}"
    else:
        return None
    ns: str | None = None
    if len(rest) >= 3 and rest[0] == "namespaces":
        ns, rest = rest[1], rest[2:]
    elif len(rest) in (1, 2) and rest[0] == "namespaces":
        return ("namespaces", None, rest[1] if len(rest) == 2 else None, None) if prefix == "api/v1" else None
    if not rest or rest[0] not in RESOURCES or RESOURCES[rest[0]][0] != prefix:
        return None
    resource = rest[0]
    if ns is not None and not RESOURCES[resource][2]:
        return None
    name = unquote(rest[1]) if len(rest) > 1 else None
    sub = rest[2] if len(rest) > 2 else None
    return resource, ns, name, sub


class KubeServer:
    def __init__(self, tls: tuple[Path, Path]) -> None:
        self.clusters: dict[str, Cluster] = {}
        self.server = LabServer(_Handler, tls, self)
        self.server.httpd.fault_source = "kubernetes"
        self.base_url = self.server.url

    def add(self, cluster: Cluster) -> str:
        self.clusters[cluster.name] = cluster
        return f"{self.base_url}/clusters/{cluster.name}"

    def start(self) -> KubeServer:
        self.server.start()
        return self

    def stop(self) -> None:
        self.server.stop()
