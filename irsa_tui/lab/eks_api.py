"""EKS Pod Identity associations and add-ons for the lab's AWS front (moto implements neither).

Shapes follow botocore's ``eks/2017-11-01`` model: ``ListPodIdentityAssociations`` answers
summaries *without* ``roleArn`` (clusterName, namespace, serviceAccount, associationArn,
associationId, ownerArn) and pages with ``maxResults`` (1-100) / ``nextToken``;
``DescribePodIdentityAssociation`` answers the whole association; ``ListAddons`` /
``DescribeAddon`` answer the cluster's add-ons, among them ``eks-pod-identity-agent`` when the
scenario installs it. Errors are REST-JSON with ``x-amzn-ErrorType`` (ResourceNotFoundException
404, InvalidParameterException 400), as EKS sends them.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from irsa_tui.lab._store import Store

__all__ = [
    "AGENT_ADDON",
    "Addon",
    "Association",
    "PodIdentityCluster",
    "Registry",
    "answer",
    "association_id",
    "rest_action",
]

AGENT_ADDON = "eks-pod-identity-agent"
OTHER_ADDONS = ("coredns", "kube-proxy", "vpc-cni")
MAX_RESULTS = 100

Answer = tuple[int, dict[str, Any], dict[str, str]]


@dataclass(frozen=True)
class Association:
    association_id: str
    namespace: str
    service_account: str
    role_arn: str
    created_at: float
    modified_at: float
    disable_session_tags: bool = False
    target_role_arn: str | None = None
    external_id: str | None = None
    policy: str | None = None
    owner_arn: str | None = None
    tags: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Addon:
    name: str
    version: str
    status: str = "ACTIVE"
    issues: tuple[Mapping[str, Any], ...] = ()
    created_at: float = 1717000000.0
    configuration_values: str | None = None


@dataclass
class PodIdentityCluster:
    """What EKS and EKS Auth hold about one scenario's cluster."""

    name: str
    arn: str
    account: str
    region: str
    scenario: str
    issuer: str
    jwk: Mapping[str, Any]
    """The cluster's service-account signing key (public JWK): EKS Auth verifies tokens with it."""
    associations: list[Association] = field(default_factory=list)
    addons: list[Addon] = field(default_factory=list)

    def association_arn(self, assoc: Association) -> str:
        return f"arn:aws:eks:{self.region}:{self.account}:podidentityassociation/{self.name}/{assoc.association_id}"

    def find(self, namespace: str, service_account: str) -> Association | None:
        return next(
            (a for a in self.associations if a.namespace == namespace and a.service_account == service_account),
            None,
        )


Registry = Store[PodIdentityCluster]
"""Every cluster with Pod Identity data, by cluster name."""


def association_id(cluster: str, namespace: str, service_account: str) -> str:
    """A stable id like EKS's: ``a-`` and 17 lower-case letters/digits (19 characters)."""
    digest = hashlib.sha256(f"{cluster}/{namespace}/{service_account}".encode()).digest()
    alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
    return "a-" + "".join(alphabet[b % len(alphabet)] for b in digest[:17])


def _error(status: int, code: str, message: str) -> Answer:
    return status, {"message": message}, {"x-amzn-ErrorType": code}


def _no_cluster(name: str) -> Answer:
    return _error(404, "ResourceNotFoundException", f"No cluster found for name: {name}.")


def rest_action(method: str, parts: Sequence[str]) -> str:
    """The EKS action of a Pod Identity / add-on path (``parts`` = path segments), else ""."""
    if len(parts) < 3 or parts[0] != "clusters" or method != "GET":
        return ""
    if parts[2] == "pod-identity-associations":
        return "ListPodIdentityAssociations" if len(parts) == 3 else "DescribePodIdentityAssociation"
    if parts[2] == "addons":
        return "ListAddons" if len(parts) == 3 else "DescribeAddon"
    return ""


class _Invalid(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.answer = _error(400, "InvalidParameterException", message)


def _page(
    items: Sequence[Any], query: Mapping[str, Sequence[str]], cluster: str, what: str
) -> tuple[Sequence[Any], str | None]:
    """One page of ``items`` and the token of the next; raises _Invalid like EKS for bad paging input."""
    raw_max = (query.get("maxResults") or [""])[0]
    limit = MAX_RESULTS
    if raw_max:
        try:
            limit = int(raw_max)
        except ValueError:
            limit = 0
        if not 1 <= limit <= MAX_RESULTS:
            raise _Invalid(f"maxResults must be between 1 and {MAX_RESULTS}, inclusive (got {raw_max}).")
    start = 0
    token = (query.get("nextToken") or [""])[0]
    if token:
        try:
            owner, _, offset = base64.urlsafe_b64decode(token.encode()).decode().partition("|")
            start = int(offset)
            if owner != f"{what}/{cluster}" or start < 0:
                raise ValueError(owner)
        except ValueError:
            raise _Invalid("The nextToken provided is not valid.") from None
    end = start + limit
    following = None
    if end < len(items):
        following = base64.urlsafe_b64encode(f"{what}/{cluster}|{end}".encode()).decode()
    return items[start:end], following


def answer(registry: Registry, method: str, path: str, query: Mapping[str, Sequence[str]]) -> Answer | None:
    """The EKS answer for a Pod Identity / add-on request; None when the path is not one of those."""
    parts = [unquote(p) for p in path.split("/") if p]
    action = rest_action(method, parts)
    if not action:
        return None
    cluster = registry.get(parts[1])
    if cluster is None:
        return _no_cluster(parts[1])
    try:
        if action == "ListPodIdentityAssociations":
            return _list_associations(cluster, query)
        if action == "ListAddons":
            names, following = _page(sorted(a.name for a in cluster.addons), query, cluster.name, "addons")
            doc: dict[str, Any] = {"addons": list(names)}
            if following:
                doc["nextToken"] = following
            return 200, doc, {}
    except _Invalid as exc:
        return exc.answer
    if action == "DescribePodIdentityAssociation":
        return _describe_association(cluster, parts[3])
    return _describe_addon(cluster, parts[3])


def _list_associations(cluster: PodIdentityCluster, query: Mapping[str, Sequence[str]]) -> Answer:
    ns = (query.get("namespace") or [""])[0]
    sa = (query.get("serviceAccount") or [""])[0]
    matches = sorted(
        (
            a
            for a in cluster.associations
            if (not ns or a.namespace == ns) and (not sa or a.service_account == sa)
        ),
        key=lambda a: (a.namespace, a.service_account),
    )
    page, following = _page(matches, query, cluster.name, "associations")
    summaries = []
    for a in page:
        summary = {
            "clusterName": cluster.name,
            "namespace": a.namespace,
            "serviceAccount": a.service_account,
            "associationArn": cluster.association_arn(a),
            "associationId": a.association_id,
        }
        if a.owner_arn:
            summary["ownerArn"] = a.owner_arn
        summaries.append(summary)
    doc: dict[str, Any] = {"associations": summaries}
    if following:
        doc["nextToken"] = following
    return 200, doc, {}


def _describe_association(cluster: PodIdentityCluster, assoc_id: str) -> Answer:
    assoc = next((a for a in cluster.associations if a.association_id == assoc_id), None)
    if assoc is None:
        return _error(
            404,
            "ResourceNotFoundException",
            f"No Pod Identity Association found with id {assoc_id} in cluster {cluster.name}.",
        )
    doc: dict[str, Any] = {
        "clusterName": cluster.name,
        "namespace": assoc.namespace,
        "serviceAccount": assoc.service_account,
        "roleArn": assoc.role_arn,
        "associationArn": cluster.association_arn(assoc),
        "associationId": assoc.association_id,
        "tags": dict(assoc.tags),
        "createdAt": assoc.created_at,
        "modifiedAt": assoc.modified_at,
        "disableSessionTags": assoc.disable_session_tags,
    }
    for key, value in (
        ("ownerArn", assoc.owner_arn),
        ("targetRoleArn", assoc.target_role_arn),
        ("externalId", assoc.external_id),
        ("policy", assoc.policy),
    ):
        if value:
            doc[key] = value
    return 200, {"association": doc}, {}


def _describe_addon(cluster: PodIdentityCluster, name: str) -> Answer:
    addon = next((a for a in cluster.addons if a.name == name), None)
    if addon is None:
        return _error(404, "ResourceNotFoundException", f"No addon: {name} found in cluster: {cluster.name}")
    suffix = hashlib.sha256(f"{cluster.name}/{name}".encode()).hexdigest()
    doc: dict[str, Any] = {
        "addonName": addon.name,
        "clusterName": cluster.name,
        "status": addon.status,
        "addonVersion": addon.version,
        "health": {"issues": [dict(i) for i in addon.issues]},
        "addonArn": f"arn:aws:eks:{cluster.region}:{cluster.account}:addon/{cluster.name}/{addon.name}/"
        f"{suffix[:8]}-{suffix[8:12]}-{suffix[12:16]}-{suffix[16:20]}-{suffix[20:32]}",
        "createdAt": addon.created_at,
        "modifiedAt": addon.created_at,
        "tags": {},
        "podIdentityAssociations": [],
    }
    if addon.configuration_values is not None:
        doc["configurationValues"] = addon.configuration_values
    return 200, {"addon": doc}, {}
