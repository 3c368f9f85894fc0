"""More IRSA workloads in a scenario's namespace, for ``scan`` scenarios (``workloads:`` in the world).

::

    workloads:
      service_accounts:            # name -> role name (annotated as arn:aws:iam::ACCOUNT:role/NAME) or null
        web: ${CLUSTER}-web
      roles:                       # IAM roles: name -> {present, trust: pinned | any-sa | any-namespace}
        ${CLUSTER}-web: {trust: pinned}
      list:                        # controllers and their pods
        - {kind: Deployment, name: web, service_account: web, replicas: 3, not_injected: [2]}

``pinned`` trusts exactly the ServiceAccounts annotated with the role; ``any-sa`` has no ``:sub``
condition; ``any-namespace`` pins ``:sub`` with ``StringLike system:serviceaccount:*:NAME``. Pods are
created like the scenario's own (``kube._pod``) and mutated like the webhook would at CREATE, except the
replicas listed in ``not_injected`` (indexes), as when the webhook did not answer. ``kind`` is
Deployment (through a ReplicaSet), StatefulSet, DaemonSet or Pod (bare). Roles are made with a small
S3 policy.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from irsa_tui.lab.kube import _meta, _owner, _pod, mutate_like_webhook

__all__ = ["add_objects", "seed_roles"]

_KIND = {"Deployment": "deployments", "StatefulSet": "statefulsets", "DaemonSet": "daemonsets"}


def _role_arn(account: str, name: str) -> str:
    return f"arn:aws:iam::{account}:role/{name}"


def add_objects(store: dict[str, dict[tuple[str | None, str], dict[str, Any]]], cfg: dict[str, Any], cluster: str,
                region: str, account: str, now: dt.datetime) -> None:
    """The section's ServiceAccounts, controllers and pods into the kube stand-in's store."""
    section = cfg.get("workloads") or {}
    ns = str(cfg["namespace"])
    days = dt.timedelta(days=1)
    born = now - 60 * days
    roles: dict[str, str | None] = {}
    for name, role in (section.get("service_accounts") or {}).items():
        roles[str(name)] = str(role) if role else None
        annotations = {"eks.amazonaws.com/role-arn": _role_arn(account, str(role))} if role else None
        store["serviceaccounts"][(ns, str(name))] = {
            "apiVersion": "v1", "kind": "ServiceAccount",
            "metadata": _meta(str(name), ns, born, cluster, annotations=annotations),
        }
    nodes = [n for (_, n) in store["nodes"]]
    for w in section.get("list") or []:
        kind, name, sa = str(w["kind"]), str(w["name"]), str(w.get("service_account") or "default")
        created = now - float(w.get("created_days_ago", 3)) * days
        labels = {"app": name}
        owner = None
        prefix = name
        if kind in _KIND:
            ctrl: dict[str, Any] = {"apiVersion": "apps/v1", "kind": kind, "metadata": _meta(name, ns, born, cluster, labels=labels),
                    "spec": {"replicas": int(w.get("replicas", 1)), "selector": {"matchLabels": labels}}}
            store[_KIND[kind]][(ns, name)] = ctrl
            owner = _owner(kind, "apps/v1", name, ctrl["metadata"]["uid"])
            if kind == "Deployment":
                rs_name = f"{name}-5f6d7c8b9"
                rs: dict[str, Any] = {"apiVersion": "apps/v1", "kind": "ReplicaSet",
                      "metadata": _meta(rs_name, ns, created, cluster, labels=labels, ownerReferences=owner),
                      "spec": {"replicas": int(w.get("replicas", 1))}}
                store["replicasets"][(ns, rs_name)] = rs
                owner = _owner("ReplicaSet", "apps/v1", rs_name, rs["metadata"]["uid"])
                prefix = rs_name
        skipped = {int(i) for i in w.get("not_injected") or []}
        for i in range(int(w.get("replicas", 1))):
            pod_name = name if kind == "Pod" else (f"{prefix}-{i}" if kind == "StatefulSet" else f"{prefix}-x{i}q{len(name)}")
            pod = _pod(cluster, ns, pod_name, created, nodes[i % len(nodes)], sa,
                       "public.ecr.aws/docker/library/busybox:1.36", dict(labels), owner, f"w{i}{len(name)}")
            role = roles.get(sa)
            if role and i not in skipped and (cfg.get("webhook") or {}).get("present", True):
                mutate_like_webhook(pod, _role_arn(account, role), "sts.amazonaws.com", 86400, region)
            store["pods"][(ns, pod_name)] = pod


def _trust(kind: str, users: list[str], ns: str, provider_arn: str, host_path: str) -> dict[str, Any]:
    condition: dict[str, Any] = {"StringEquals": {f"{host_path}:aud": "sts.amazonaws.com"}}
    if kind == "pinned":
        condition["StringEquals"][f"{host_path}:sub"] = [f"system:serviceaccount:{ns}:{u}" for u in users] or "none"
    elif kind == "any-namespace":
        condition["StringLike"] = {f"{host_path}:sub": [f"system:serviceaccount:*:{u}" for u in users] or "none"}
    elif kind != "any-sa":
        raise ValueError(f"workloads.roles trust {kind!r}: pinned, any-sa or any-namespace")
    return {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Federated": provider_arn}, "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": condition}]}


def seed_roles(iam: Any, cfg: dict[str, Any], names: dict[str, str]) -> None:
    """The section's roles in IAM (moto)."""
    section = cfg.get("workloads") or {}
    ns = str(cfg["namespace"])
    users: dict[str, list[str]] = {}
    for sa, role in (section.get("service_accounts") or {}).items():
        if role:
            users.setdefault(str(role), []).append(str(sa))
    for name, spec in (section.get("roles") or {}).items():
        spec = spec or {}
        if not spec.get("present", True):
            continue
        trust = _trust(str(spec.get("trust") or "pinned"), users.get(str(name), []), ns, names["PROVIDER_ARN"],
                       names["ISSUER_HOSTPATH"])
        iam.create_role(RoleName=str(name), AssumeRolePolicyDocument=json.dumps(trust),
                        Description=f"irsa-tui lab role ({names['CLUSTER']})")
        policy = {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": f"arn:aws:s3:::{names['BUCKET']}"}]}
        iam.put_role_policy(RoleName=str(name), PolicyName="list-bucket", PolicyDocument=json.dumps(policy))
