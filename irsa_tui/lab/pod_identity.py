"""A scenario's EKS Pod Identity world: associations, their roles, the agent, the nodes behind it.

A scenario opts in with a ``pod_identity:`` section (deep-merged over ``DEFAULTS``; lists replace)::

    pod_identity:
      associations:                 # what EKS holds (ListPodIdentityAssociations/Describe...)
        - {namespace: payments, service_account: api, role: ${CLUSTER}-pi, created_days_ago: 30,
           disable_session_tags: false, target_role: null, external_id: null, policy: null,
           deleted_days_ago: null}  # deleted: pods made while it existed keep their injection
      roles:                        # IAM roles made for the associations: name -> trust/policies
        ${CLUSTER}-pi: {trust_policy: {...}, inline_policies: {...}}
      addon: {present: true, version: v1.3.4-eksbuild.1, status: ACTIVE, issues: []}
      agent: {daemonset: true, not_ready: [node...], absent_on: [node...]}
      nodes:                        # per node: compute_type, os, http_tokens, hop_limit, http_endpoint
        ip-10-0-12-34.eu-west-1.compute.internal: {hop_limit: 1}
      node_role: {name: ${CLUSTER}-node, allows_eks_auth: true}
      pods: [{name, service_account, node, created_days_ago, labels, annotations, env, host_network}]

What the lab then does, like EKS: the EC2 nodes are instances the front's DescribeInstances
serves (metadata options, a moto IAM instance profile holding the node role), and the Kubernetes
nodes carry their ids in ``spec.providerID``; the ``eks-pod-identity-agent`` DaemonSet runs a
pod per eligible node (not Fargate, hybrid, Auto Mode nor Windows); at pod CREATE the webhook
injects Pod Identity for a (namespace, ServiceAccount) with an association made *before* the
pod, and then not IRSA (Pod Identity takes precedence); pods created earlier are left alone.
A role with ``present: false`` is named by an association but does not exist in IAM.
Sources: pod-identity.md §1.2-1.4, §3.2.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from irsa_tui.lab.ec2_api import Instance, Instances, instance_id
from irsa_tui.lab.eks_api import (
    AGENT_ADDON,
    OTHER_ADDONS,
    Addon,
    Association,
    PodIdentityCluster,
    association_id,
)
from irsa_tui.lab.kube import Cluster, _pod, webhook_containers
from irsa_tui.lab.scenario import deep_merge, expand

__all__ = [
    "AGENT_LABELS",
    "DEFAULTS",
    "FULL_URI",
    "TOKEN_FILE",
    "PodIdentityWorld",
    "mutate_like_pod_identity_webhook",
    "seed_pod_identity",
]

FULL_URI = "http://169.254.170.23/v1/credentials"
TOKEN_DIR = "/var/run/secrets/pods.eks.amazonaws.com/serviceaccount"
TOKEN_FILE = f"{TOKEN_DIR}/eks-pod-identity-token"
VOLUME = "eks-pod-identity-token"
AUDIENCE = "pods.eks.amazonaws.com"
SKIP_LABEL = "eks.amazonaws.com/skip-pod-identity-webhook"
AGENT_LABELS = {"app.kubernetes.io/name": "eks-pod-identity-agent", "app.kubernetes.io/instance": "eks-pod-identity-agent"}
AGENT_IMAGE = "602401143452.dkr.ecr.eu-west-1.amazonaws.com/eks/eks-pod-identity-agent:0.1.29"
NO_AGENT_COMPUTE = ("fargate", "hybrid", "auto")

TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "AllowEksAuthToAssumeRoleForPodIdentity",
            "Effect": "Allow",
            "Principal": {"Service": "pods.eks.amazonaws.com"},
            "Action": ["sts:AssumeRole", "sts:TagSession"],
        }
    ],
}
S3_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::${BUCKET}"},
        {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": "arn:aws:s3:::${BUCKET}/*"},
    ],
}
NODE_TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}
    ],
}
# AmazonEKSWorkerNodeMinimalPolicy's document (moto iam/aws_managed_policies.py), kept inline; and a
# node policy copied from AmazonEKSWorkerNodePolicy before it gained eks-auth (the F7 failure).
NODE_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {"Sid": "WorkerNodePermissions", "Effect": "Allow", "Action": ["eks-auth:AssumeRoleForPodIdentity"],
         "Resource": "*"}
    ],
}
NODE_POLICY_WITHOUT_EKS_AUTH = {
    "Version": "2012-10-17",
    "Statement": [
        {"Sid": "WorkerNodePermissions", "Effect": "Allow", "Resource": "*",
         "Action": ["ec2:DescribeInstances", "ec2:DescribeInstanceTypes", "ec2:DescribeRouteTables",
                    "ec2:DescribeSecurityGroups", "ec2:DescribeSubnets", "ec2:DescribeVolumes",
                    "ec2:DescribeVolumesModifications", "ec2:DescribeVpcs", "eks:DescribeCluster"]}
    ],
}

DEFAULTS: dict[str, Any] = {
    "associations": [
        {"namespace": "${NAMESPACE}", "service_account": "${SA}", "role": "${CLUSTER}-pi", "created_days_ago": 30}
    ],
    "roles": {"${CLUSTER}-pi": {"trust_policy": TRUST, "inline_policies": {"invoices": S3_POLICY}}},
    "addon": {"present": True, "version": "v1.3.4-eksbuild.1", "status": "ACTIVE", "issues": []},
    "agent": {"daemonset": True, "not_ready": [], "absent_on": []},
    "nodes": {},
    "node_defaults": {"compute_type": None, "os": "linux", "http_tokens": "required", "hop_limit": 2,
                      "http_endpoint": "enabled"},
    "node_role": {"name": "${CLUSTER}-node", "allows_eks_auth": True},
    "pods": [],
}

_SHAPE: dict[str, tuple[str, ...]] = {
    "": ("associations", "roles", "addon", "agent", "nodes", "node_defaults", "node_role", "pods"),
    "associations": ("namespace", "service_account", "role", "created_days_ago", "modified_days_ago", "deleted_days_ago",
                     "disable_session_tags", "target_role", "external_id", "policy", "owner_arn", "tags"),
    "roles": ("present", "trust_policy", "inline_policies"),
    "addon": ("present", "version", "status", "issues", "configuration_values"),
    "agent": ("daemonset", "not_ready", "absent_on"),
    "nodes": ("compute_type", "os", "http_tokens", "hop_limit", "http_endpoint"),
    "node_role": ("name", "allows_eks_auth"),
    "pods": ("name", "namespace", "service_account", "node", "created_days_ago", "labels", "annotations", "env",
             "host_network"),
}
_CHOICES: dict[str, tuple[object, ...]] = {
    "http_tokens": ("required", "optional"),
    "http_endpoint": ("enabled", "disabled"),
    "compute_type": (None, "ec2", "fargate", "hybrid", "auto"),
    "os": ("linux", "windows"),
}


def validate(section: Any, origin: str) -> None:
    """A one-line ValueError for a ``pod_identity`` section the world would misread (typos included)."""

    def keys(obj: Any, where: str, allowed: tuple[str, ...]) -> None:
        if not isinstance(obj, dict):
            raise ValueError(f"{origin}: pod_identity{where} must be a mapping")
        unknown = sorted(set(obj) - set(allowed))
        if unknown:
            raise ValueError(f"{origin}: pod_identity{where}: unknown key {unknown[0]!r} (known: {', '.join(allowed)})")
        for key, choices in _CHOICES.items():
            if key in obj and obj[key] not in choices:
                raise ValueError(f"{origin}: pod_identity{where}.{key} must be one of {choices}, not {obj[key]!r}")

    keys(section, "", _SHAPE[""])
    for part in ("associations", "pods"):
        for i, item in enumerate(section.get(part) or []):
            keys(item, f".{part}[{i}]", _SHAPE[part])
    for part in ("roles", "nodes"):
        for name, item in (section.get(part) or {}).items():
            keys(item or {}, f".{part}.{name}", _SHAPE[part])
    for part in ("addon", "agent", "node_role"):
        if part in section:
            keys(section[part], f".{part}", _SHAPE[part])
    if "node_defaults" in section:
        keys(section["node_defaults"], ".node_defaults", _SHAPE["nodes"])


def _days(now: dt.datetime, value: Any, default: float) -> dt.datetime:
    return now - dt.timedelta(days=float(default if value is None else value))


def _ts(when: dt.datetime) -> str:
    return when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def mutate_like_pod_identity_webhook(pod: dict[str, Any], region: str | None, expiration: int = 86400) -> bool:
    """What the EKS pod identity webhook does at CREATE for a (namespace, SA) with an association.

    Containers in ``eks.amazonaws.com/skip-containers`` and containers that already define
    ``AWS_CONTAINER_CREDENTIALS_FULL_URI`` or ``AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE`` get no env;
    a user volume already named ``eks-pod-identity-token`` that is not the token stops the whole
    patch (the webhook will not point at a token that does not exist). Returns whether it patched.
    """
    spec = pod["spec"]
    volumes = spec.setdefault("volumes", [])
    mine = next((v for v in volumes if v.get("name") == VOLUME), None)
    if mine is not None and "projected" not in mine:
        return False
    patched = False
    for container, present in webhook_containers(pod, region):
        env = container["env"]
        if not present & {"AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"}:
            env.append({"name": "AWS_CONTAINER_CREDENTIALS_FULL_URI", "value": FULL_URI})
            env.append({"name": "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", "value": TOKEN_FILE})
        mounts = container.setdefault("volumeMounts", [])
        if not any(m.get("name") == VOLUME or m.get("mountPath") == TOKEN_DIR for m in mounts):
            mounts.append({"name": VOLUME, "readOnly": True, "mountPath": TOKEN_DIR})
        patched = True
    if patched and mine is None:
        volumes.insert(
            0,
            {
                "name": VOLUME,
                "projected": {
                    "defaultMode": 420,
                    "sources": [
                        {"serviceAccountToken": {"audience": AUDIENCE, "expirationSeconds": expiration, "path": VOLUME}}
                    ],
                },
            },
        )
    return patched


@dataclass
class _Node:
    name: str
    zone: str
    compute_type: str | None
    os: str
    http_tokens: str
    hop_limit: int
    http_endpoint: str
    instance_id: str | None = None


@dataclass
class PodIdentityWorld:
    """One scenario's Pod Identity section, expanded, with what seeding produced."""

    scenario: str
    cluster: str
    cluster_arn: str
    account: str
    region: str
    namespace: str
    cfg: dict[str, Any]
    now: dt.datetime
    nodes: dict[str, _Node] = field(default_factory=dict)
    profile: tuple[str, str] | None = None
    """The node role's instance profile (ARN, id) once IAM is seeded."""

    @classmethod
    def from_config(cls, scenario: str, cfg: dict[str, Any], names: dict[str, str]) -> PodIdentityWorld | None:
        """None when the scenario has no ``pod_identity`` section (every IRSA-only scenario)."""
        section = cfg.get("pod_identity")
        if section is None:
            return None
        merged = expand(deep_merge(DEFAULTS, section), names)
        return cls(
            scenario=scenario,
            cluster=names["CLUSTER"],
            cluster_arn=names["CLUSTER_ARN"],
            account=names["ACCOUNT"],
            region=names["REGION"],
            namespace=str(cfg["namespace"]),
            cfg=merged,
            now=dt.datetime.now(dt.UTC).replace(microsecond=0),
        )

    # --- decisions ---------------------------------------------------------------------------
    def association_for(self, ns: str, sa: str) -> dict[str, Any] | None:
        return next(
            (a for a in self.cfg["associations"] if a["namespace"] == ns and a["service_account"] == sa), None
        )

    def injects(self, ns: str, sa: str, created: dt.datetime, labels: dict[str, str], webhook: bool) -> bool:
        """The webhook injects Pod Identity: an association older than the pod (and not deleted before
        it was created), webhook on, no skip label."""
        assoc = self.association_for(ns, sa)
        if assoc is None or not webhook or SKIP_LABEL in labels:
            return False
        deleted = assoc.get("deleted_days_ago")
        if deleted is not None and _days(self.now, deleted, 0) <= created:
            return False
        return _days(self.now, assoc.get("created_days_ago"), 30) < created

    def kube_config(self, cfg: dict[str, Any]) -> dict[str, Any]:
        """The scenario config for build_objects: the IRSA webhook stays off the pod Pod Identity takes."""
        pod = cfg["pod"]
        sa = str(pod.get("service_account") or cfg["serviceaccount"]["name"])
        created = _days(self.now, pod.get("created_days_ago"), 2)
        labels = {str(k): str(v) for k, v in (pod.get("labels") or {}).items()}
        if pod.get("mutate", "auto") == "auto" and self.injects(
            self.namespace, sa, created, labels, bool(cfg["webhook"].get("present", True))
        ):
            out = copy.deepcopy(cfg)
            out["pod"]["mutate"] = False
            return out
        return cfg

    # --- AWS -----------------------------------------------------------------------------------
    def node_policy(self) -> dict[str, Any]:
        """The node role's policy: AmazonEKSWorkerNodeMinimalPolicy's grants, or without eks-auth (F7)."""
        return NODE_POLICY if self.cfg["node_role"].get("allows_eks_auth", True) else NODE_POLICY_WITHOUT_EKS_AUTH

    def seed_iam(self, iam: Any) -> None:
        for name, role in (self.cfg.get("roles") or {}).items():
            if not role.get("present", True):
                continue
            iam.create_role(
                RoleName=str(name),
                AssumeRolePolicyDocument=json.dumps(role.get("trust_policy") or TRUST),
                Description=f"irsa-tui lab Pod Identity role ({self.cluster})",
            )
            for pname, doc in (role.get("inline_policies") or {}).items():
                iam.put_role_policy(RoleName=str(name), PolicyName=str(pname), PolicyDocument=json.dumps(doc))
        node_role = self.cfg["node_role"]
        name = str(node_role["name"])
        iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(NODE_TRUST))
        iam.put_role_policy(RoleName=name, PolicyName="eks-worker-node", PolicyDocument=json.dumps(self.node_policy()))
        profile = iam.create_instance_profile(InstanceProfileName=name)["InstanceProfile"]
        iam.add_role_to_instance_profile(InstanceProfileName=name, RoleName=name)
        self.profile = (str(profile["Arn"]), str(profile["InstanceProfileId"]))

    def plan_nodes(self, node_names: list[str]) -> None:
        """The cluster's nodes (the kube stand-in's, then the section's extra ones) with their options."""
        defaults = self.cfg["node_defaults"]
        wanted = list(node_names) + [n for n in self.cfg["nodes"] if n not in node_names]
        for i, name in enumerate(wanted):
            spec = {**defaults, **(self.cfg["nodes"].get(name) or {})}
            self.nodes[name] = _Node(
                name=name,
                zone=f"{self.region}{'abc'[i % 3]}",
                compute_type=spec.get("compute_type"),
                os=str(spec.get("os") or "linux"),
                http_tokens=str(spec["http_tokens"]),
                hop_limit=int(spec["hop_limit"]),
                http_endpoint=str(spec["http_endpoint"]),
            )

    def seed_ec2(self, instances: Instances) -> None:
        """An EC2 instance per non-Fargate node, with the scenario's metadata options and the node's
        instance profile (served by the front's DescribeInstances, lab/ec2_api.py)."""
        for node in self.nodes.values():
            if node.compute_type == "fargate":
                continue
            node.instance_id = instance_id(self.cluster, node.name)
            instances.add(
                node.instance_id,
                Instance(
                    instance_id=node.instance_id,
                    account=self.account,
                    zone=node.zone,
                    private_dns=node.name,
                    http_tokens=node.http_tokens,
                    hop_limit=node.hop_limit,
                    http_endpoint=node.http_endpoint,
                    profile_arn=self.profile[0] if self.profile else None,
                    profile_id=self.profile[1] if self.profile else None,
                    launched=self.now - dt.timedelta(days=10),
                    tags={"eks:cluster-name": self.cluster, f"kubernetes.io/cluster/{self.cluster}": "owned",
                          "Name": node.name},
                )
            )

    def registration(self, issuer: str, jwk: dict[str, Any]) -> PodIdentityCluster:
        """What EKS and EKS Auth know of this cluster."""
        associations = []
        for a in self.cfg["associations"]:
            if a.get("deleted_days_ago") is not None:
                continue  # gone from EKS (F24): only the pods it was injected into remember it
            created = _days(self.now, a.get("created_days_ago"), 30)
            modified = _days(self.now, a.get("modified_days_ago"), float(a.get("created_days_ago") or 30))
            target = a.get("target_role")
            external = a.get("external_id")
            if target and external is None:
                # EKS sets region/account/cluster/namespace/service-account (pod-id-assign-target-role)
                external = f"{self.region}/{self.account}/{self.cluster}/{a['namespace']}/{a['service_account']}"
            associations.append(
                Association(
                    association_id=association_id(self.cluster, str(a["namespace"]), str(a["service_account"])),
                    namespace=str(a["namespace"]),
                    service_account=str(a["service_account"]),
                    role_arn=_arn(self.account, str(a["role"])),
                    created_at=created.timestamp(),
                    modified_at=max(modified, created).timestamp(),
                    disable_session_tags=bool(a.get("disable_session_tags")),
                    target_role_arn=_arn(self.account, str(target)) if target else None,
                    external_id=str(external) if external else None,
                    policy=json.dumps(a["policy"]) if isinstance(a.get("policy"), dict) else a.get("policy"),
                    owner_arn=a.get("owner_arn"),
                    tags={str(k): str(v) for k, v in (a.get("tags") or {}).items()},
                )
            )
        addon = self.cfg["addon"]
        addons = [Addon(name, "v1.0.0-eksbuild.1") for name in OTHER_ADDONS]
        if addon.get("present", True):
            addons.append(
                Addon(
                    AGENT_ADDON,
                    str(addon["version"]),
                    status=str(addon.get("status") or "ACTIVE"),
                    issues=tuple(addon.get("issues") or ()),
                    configuration_values=addon.get("configuration_values"),
                )
            )
        return PodIdentityCluster(
            name=self.cluster,
            arn=self.cluster_arn,
            account=self.account,
            region=self.region,
            scenario=self.scenario,
            issuer=issuer,
            jwk=jwk,
            associations=associations,
            addons=addons,
        )

    # --- Kubernetes ----------------------------------------------------------------------------
    def apply(
        self,
        objects: dict[str, dict[tuple[str | None, str], dict[str, Any]]],
        cfg: dict[str, Any],
        make_pod: Any,
    ) -> None:
        """Nodes get instance ids and labels; the agent DaemonSet and pods; extra pods; injection.

        ``cfg`` is the scenario config as written (not ``kube_config``'s);
        ``make_pod(ns, name, created, node, sa, labels, annotations, suffix)`` builds a pod like
        the kube stand-in's own (kube.py ``_pod``).
        """
        nodes = objects["nodes"]
        template = next(iter(nodes.values()))
        for name, node in self.nodes.items():
            obj = nodes.get((None, name))
            if obj is None:
                obj = copy.deepcopy(template)
                obj["metadata"]["name"] = name
                obj["metadata"]["uid"] = f"{obj['metadata']['uid'][:-12]}{abs(hash(name)) % 10**12:012d}"
                obj["metadata"]["labels"]["kubernetes.io/hostname"] = name
                nodes[(None, name)] = obj
            labels = obj["metadata"]["labels"]
            labels["kubernetes.io/os"] = node.os
            labels["topology.kubernetes.io/zone"] = node.zone
            info = obj["status"]["nodeInfo"]
            info["operatingSystem"] = node.os
            for key, value in (
                ("bootID", obj["metadata"]["uid"]), ("machineID", obj["metadata"]["uid"].replace("-", "")),
                ("systemUUID", obj["metadata"]["uid"]), ("kernelVersion", "6.1.119-129.201.amzn2023.x86_64"),
                ("osImage", "Amazon Linux 2023.6.20250115"), ("containerRuntimeVersion", "containerd://1.7.25"),
                ("kubeProxyVersion", info.get("kubeletVersion", "v1.31.4-eks-aeac579")),
            ):
                info.setdefault(key, value)
            if node.compute_type:
                labels["eks.amazonaws.com/compute-type"] = node.compute_type
            if node.compute_type == "fargate":
                obj["spec"]["providerID"] = f"aws:///{node.zone}/{obj['metadata']['uid'][:8]}/{name}"
                labels.pop("eks.amazonaws.com/nodegroup", None)
            else:
                obj["spec"]["providerID"] = f"aws:///{node.zone}/{node.instance_id}"
        self._agent(objects, make_pod)
        region = self.region if cfg["webhook"].get("inject_region", True) else None
        webhook = bool(cfg["webhook"].get("present", True))
        main = objects["pods"].get((self.namespace, str(cfg["pod"]["name"])))
        if main is not None and cfg["pod"].get("mutate", "auto") == "auto":
            self._maybe_inject(main, region, webhook)
        for i, extra in enumerate(self.cfg.get("pods") or []):
            ns = str(extra.get("namespace") or self.namespace)
            created = _days(self.now, extra.get("created_days_ago"), 1)
            pod = make_pod(
                ns,
                str(extra["name"]),
                created,
                str(extra.get("node") or next(iter(self.nodes))),
                str(extra.get("service_account") or "default"),
                {str(k): str(v) for k, v in (extra.get("labels") or {}).items()},
                {str(k): str(v) for k, v in (extra.get("annotations") or {}).items()},
                f"x{i}p{len(str(extra['name']))}",
            )
            pod["spec"]["containers"][0]["env"].extend(
                {"name": str(k), "value": str(v)} for k, v in (extra.get("env") or {}).items()
            )
            if extra.get("host_network"):
                pod["spec"]["hostNetwork"] = True
            sa_key = (ns, pod["spec"]["serviceAccountName"])
            if sa_key not in objects["serviceaccounts"]:
                objects["serviceaccounts"][sa_key] = {
                    "apiVersion": "v1",
                    "kind": "ServiceAccount",
                    "metadata": {
                        "name": sa_key[1],
                        "namespace": ns,
                        "uid": association_id(self.cluster, ns, sa_key[1]) + "-sa",
                        "creationTimestamp": _ts(self.now - dt.timedelta(days=60)),
                    },
                }
            self._maybe_inject(pod, region, webhook)
            objects["pods"][(ns, pod["metadata"]["name"])] = pod

    def _maybe_inject(self, pod: dict[str, Any], region: str | None, webhook: bool) -> None:
        meta = pod["metadata"]
        created = dt.datetime.fromisoformat(str(meta["creationTimestamp"]).replace("Z", "+00:00"))
        sa = str(pod["spec"].get("serviceAccountName") or "default")
        if self.injects(str(meta["namespace"]), sa, created, meta.get("labels") or {}, webhook):
            mutate_like_pod_identity_webhook(pod, region)

    def _agent(self, objects: dict[str, dict[tuple[str | None, str], dict[str, Any]]], make_pod: Any) -> None:
        agent = self.cfg["agent"]
        if not agent.get("daemonset", True):
            return
        eligible = [
            n for n in self.nodes.values() if n.compute_type not in NO_AGENT_COMPUTE and n.os == "linux"
        ]
        absent = set(agent.get("absent_on") or ())
        not_ready = set(agent.get("not_ready") or ())
        running = [n for n in eligible if n.name not in absent]
        ready = [n for n in running if n.name not in not_ready]
        born = self.now - dt.timedelta(days=60)
        ds_uid = association_id(self.cluster, "kube-system", "eks-pod-identity-agent-ds")
        ds = {
            "apiVersion": "apps/v1",
            "kind": "DaemonSet",
            "metadata": {
                "name": "eks-pod-identity-agent",
                "namespace": "kube-system",
                "uid": ds_uid,
                "creationTimestamp": _ts(born),
                "labels": {**AGENT_LABELS, "app.kubernetes.io/managed-by": "EKS"},
                "generation": 1,
            },
            "spec": {
                "selector": {"matchLabels": dict(AGENT_LABELS)},
                "template": {
                    "metadata": {"labels": dict(AGENT_LABELS)},
                    "spec": {
                        "hostNetwork": True,
                        "automountServiceAccountToken": False,
                        "priorityClassName": "system-node-critical",
                        "affinity": {
                            "nodeAffinity": {
                                "requiredDuringSchedulingIgnoredDuringExecution": {
                                    "nodeSelectorTerms": [
                                        {
                                            "matchExpressions": [
                                                {"key": "kubernetes.io/os", "operator": "In", "values": ["linux"]},
                                                {"key": "kubernetes.io/arch", "operator": "In",
                                                 "values": ["amd64", "arm64"]},
                                                {"key": "eks.amazonaws.com/compute-type", "operator": "NotIn",
                                                 "values": list(NO_AGENT_COMPUTE)},
                                            ]
                                        }
                                    ]
                                }
                            }
                        },
                        "containers": [
                            {"name": "eks-pod-identity-agent", "image": AGENT_IMAGE,
                             "args": ["--port", "80", "--cluster-name", self.cluster, "--probe-port", "2703"]}
                        ],
                    },
                },
            },
            "status": {
                "desiredNumberScheduled": len(eligible),
                "currentNumberScheduled": len(running),
                "numberReady": len(ready),
                "numberAvailable": len(ready),
                "numberUnavailable": len(eligible) - len(ready),
                "numberMisscheduled": 0,
                "updatedNumberScheduled": len(running),
                "observedGeneration": 1,
            },
        }
        objects["daemonsets"][("kube-system", "eks-pod-identity-agent")] = ds
        owner = [{"apiVersion": "apps/v1", "kind": "DaemonSet", "name": "eks-pod-identity-agent", "uid": ds_uid,
                  "controller": True, "blockOwnerDeletion": True}]
        for i, node in enumerate(running):
            suffix = association_id(self.cluster, node.name, "agent")[2:7]
            pod = make_pod(
                "kube-system",
                f"eks-pod-identity-agent-{suffix}",
                born + dt.timedelta(days=1),
                node.name,
                "default",
                {**AGENT_LABELS, "app": "eks-pod-identity-agent"},  # the chart's selector + common labels
                {},
                f"a{i}g{suffix[:2]}",
            )
            pod["metadata"]["ownerReferences"] = owner
            spec = pod["spec"]
            spec["hostNetwork"] = True
            spec["containers"][0].update(name="eks-pod-identity-agent", image=AGENT_IMAGE)
            spec["containers"][0].pop("ports", None)
            is_ready = node in ready
            pod["status"]["conditions"] = [
                {"type": "Ready", "status": "True" if is_ready else "False",
                 "lastTransitionTime": _ts(born + dt.timedelta(days=1))}
            ]
            pod["status"]["containerStatuses"] = [
                {"name": "eks-pod-identity-agent", "ready": is_ready, "restartCount": 0 if is_ready else 14,
                 "image": AGENT_IMAGE, "imageID": "", "started": is_ready,
                 "state": {"running": {"startedAt": _ts(born)}} if is_ready else
                 {"waiting": {"reason": "CrashLoopBackOff"}}}
            ]
            objects["pods"][("kube-system", pod["metadata"]["name"])] = pod


def _arn(account: str, role: str) -> str:
    return role if role.startswith("arn:") else f"arn:aws:iam::{account}:role/{role}"


def pod_maker(cluster: str, image: str) -> Any:
    """``make_pod`` for ``PodIdentityWorld.apply``: a pod as the kube stand-in builds its own."""

    def make_pod(ns: str, pod: str, created: Any, node: str, sa: str, labels: dict[str, str],
                 annotations: dict[str, str], suffix: str) -> dict[str, Any]:
        return _pod(cluster, ns, pod, created, node, sa, image, labels, None, suffix, annotations)

    return make_pod


def seed_pod_identity(
    podid: PodIdentityWorld | None,
    front: Any,
    cluster: Cluster,
    admin: dict[str, Any],
    cfg: dict[str, Any],
    names: dict[str, str],
    jwk: dict[str, Any],
    iam_lock: Any,
) -> None:
    """Give the front (``AwsFront``) EKS's Pod Identity data for every cluster: no associations and the
    usual add-ons for IRSA-only scenarios, the whole world (roles, nodes, agent, injection) for the others.
    ``iam_lock`` serialises moto IAM writes with the other scenarios' seeding."""
    if podid is None:
        bare = PodIdentityCluster(
            name=names["CLUSTER"], arn=names["CLUSTER_ARN"], account=names["ACCOUNT"], region=names["REGION"],
            scenario=cluster.name, issuer=names["ISSUER"], jwk=jwk,
            addons=[Addon(a, "v1.0.0-eksbuild.1") for a in OTHER_ADDONS],
        )
        front.pod_identity.add(names["CLUSTER"], bare)
        return
    with iam_lock:
        podid.seed_iam(admin["iam"])
    for role in podid.cfg.get("roles") or {}:  # the scenario's caller.deny covers its Pod Identity roles too
        front.state.by_role.setdefault(str(role), cluster.name)
    podid.plan_nodes([n for (_, n) in cluster.objects["nodes"]])
    podid.seed_ec2(front.ec2)
    with cluster.lock:
        podid.apply(cluster.objects, cfg, pod_maker(names["CLUSTER"], str(cfg["pod"]["image"])))
    front.pod_identity.add(names["CLUSTER"], podid.registration(names["ISSUER"], jwk))
