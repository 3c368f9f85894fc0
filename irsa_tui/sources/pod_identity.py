"""Pod Identity and node sources: thin boto3 / kubernetes calls, with the same timeouts and error mapping.

``PodIdentityAws(aws)`` / ``PodIdentityKube(kube)`` wrap the run's ``Aws`` / ``Kube`` (same clients,
same per-call timeouts) and satisfy ``PodIdentityAwsSource`` / ``PodIdentityKubeSource``.

AWS (``Aws``): eks ListPodIdentityAssociations (all pages) + DescribePodIdentityAssociation per
association, eks DescribeAddon, eks-auth AssumeRoleForPodIdentity (credentials in memory only),
ec2 DescribeInstances (metadata options, instance profile), iam GetInstanceProfile.
Kubernetes (``Kube``): get node, get the agent DaemonSet, list the agent's pods in kube-system.
A failure raises SourceFailure whose SourceError names the missing IAM action or RBAC verb.
"""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from irsa_tui.chain.errors import SourceError, SourceFailure
from irsa_tui.chain.pod_identity_facts import (
    AGENT_ADDON,
    AGENT_DAEMONSET,
    AGENT_NAMESPACE,
    AddonFacts,
    AgentFacts,
    AgentPodFacts,
    AssociationFacts,
    EksAuthFacts,
    InstanceFacts,
    InstanceProfileFacts,
    NodeFacts,
)
from irsa_tui.sources._text import clip
from irsa_tui.sources.aws import Aws, Credentials, map_aws_error
from irsa_tui.sources.kube import Kube

__all__ = [
    "AGENT_SELECTOR",
    "PodIdentityAws",
    "PodIdentityAwsSource",
    "PodIdentityKube",
    "PodIdentityKubeSource",
]

AGENT_SELECTOR = "app.kubernetes.io/name=eks-pod-identity-agent"
EKS_AUTH_ACTION = "eks-auth:AssumeRoleForPodIdentity"
_PROVIDER = re.compile(r"^aws:///([a-z0-9-]+)/(i-[0-9a-f]+)$")
DESCRIBE_WORKERS = 8


def _ts(value: Any) -> datetime | None:
    return value if isinstance(value, datetime) else None


class PodIdentityAwsSource(Protocol):
    """What Pod Identity steps need from AWS (``sources/protocols.py`` style); each call answers or
    raises SourceFailure naming the missing IAM action."""

    def associations(self, cluster: str, namespace: str | None = None, service_account: str | None = None
                     ) -> tuple[AssociationFacts, ...]: ...

    def describe_addon(self, cluster: str, name: str = AGENT_ADDON) -> AddonFacts: ...

    def assume_role_for_pod_identity(self, cluster: str, token: str) -> tuple[EksAuthFacts, Credentials | None]:
        """(what EKS Auth answered, the credentials it issued or None) — credentials stay in memory."""
        ...

    def describe_instance(self, instance_id: str) -> InstanceFacts: ...

    def get_instance_profile(self, profile_arn_or_name: str) -> InstanceProfileFacts: ...

    def warm(self) -> None:
        """Load the EC2 and EKS Auth models while the first calls are in flight (EC2's is big)."""
        ...


class PodIdentityKubeSource(Protocol):
    def get_node(self, name: str) -> NodeFacts: ...

    def agent(self) -> AgentFacts: ...


class PodIdentityAws:
    """EKS (associations, add-on), EKS Auth, EC2 and IAM reads for Pod Identity, through ``Aws``."""

    def __init__(self, aws: Aws) -> None:
        self.aws = aws

    def warm(self) -> None:
        self.aws.client("ec2")
        self.aws.client("eks-auth")

    def associations(self, cluster: str, namespace: str | None = None, service_account: str | None = None
                     ) -> tuple[AssociationFacts, ...]:
        """Every association (for the namespace/SA when given), each completed by Describe (concurrently)."""
        query: dict[str, Any] = {"clusterName": cluster}
        if namespace:
            query["namespace"] = namespace
        if service_account:
            query["serviceAccount"] = service_account

        def list_all(client: Any) -> list[dict[str, Any]]:
            pages = client.get_paginator("list_pod_identity_associations").paginate(**query)
            return [a for page in pages for a in page.get("associations") or [] if isinstance(a, dict)]

        summaries = self.aws._call("eks", f"eks ListPodIdentityAssociations {cluster}", "eks:ListPodIdentityAssociations",
                              list_all)
        if not summaries:
            return ()
        with ThreadPoolExecutor(max_workers=min(DESCRIBE_WORKERS, len(summaries))) as pool:
            return tuple(pool.map(lambda s: self._describe(cluster, s), summaries))

    def _describe(self, cluster: str, summary: dict[str, Any]) -> AssociationFacts:
        assoc_id = str(summary.get("associationId") or "")
        base = AssociationFacts(
            association_id=assoc_id,
            association_arn=str(summary.get("associationArn") or ""),
            namespace=str(summary.get("namespace") or ""),
            service_account=str(summary.get("serviceAccount") or ""),
            owner_arn=summary.get("ownerArn"),
        )
        try:
            doc = self.aws._call(
                "eks", f"eks DescribePodIdentityAssociation {assoc_id}", "eks:DescribePodIdentityAssociation",
                lambda c: c.describe_pod_identity_association(clusterName=cluster, associationId=assoc_id),
            )
        except SourceFailure as exc:
            return replace(base, detail_error=exc.error)
        a = doc.get("association") or {}
        if not isinstance(a, dict) or not a.get("roleArn"):
            error = SourceError("eks", "bad-response", f"eks DescribePodIdentityAssociation {assoc_id}: "
                                "response is not what the API promised (no association.roleArn)")
            return replace(base, detail_error=error)
        return AssociationFacts(
            association_id=assoc_id,
            association_arn=str(a.get("associationArn") or base.association_arn),
            namespace=str(a.get("namespace") or base.namespace),
            service_account=str(a.get("serviceAccount") or base.service_account),
            owner_arn=a.get("ownerArn") or base.owner_arn,
            role_arn=str(a["roleArn"]),
            target_role_arn=a.get("targetRoleArn") or None,
            external_id=a.get("externalId") or None,
            disable_session_tags=bool(a.get("disableSessionTags")),
            policy=a.get("policy") or None,
            created=_ts(a.get("createdAt")),
            modified=_ts(a.get("modifiedAt")),
        )

    def describe_addon(self, cluster: str, name: str = AGENT_ADDON) -> AddonFacts:
        """The add-on, or ``installed=False`` when EKS says the cluster has no such add-on."""
        try:
            doc = self.aws._call("eks", f"eks DescribeAddon {name}", "eks:DescribeAddon",
                            lambda c: c.describe_addon(clusterName=cluster, addonName=name))
        except SourceFailure as exc:
            if exc.error.kind == "not-found" and "No addon" in exc.error.message:
                return AddonFacts(name=name, installed=False)
            raise
        addon = doc.get("addon") or {}
        issues = tuple(
            (str(i.get("code") or ""), clip(str(i.get("message") or ""), 300))
            for i in (addon.get("health") or {}).get("issues") or []
            if isinstance(i, dict)
        )
        return AddonFacts(
            name=name,
            installed=True,
            version=addon.get("addonVersion"),
            status=addon.get("status"),
            issues=issues,
            configuration_values=addon.get("configurationValues"),
        )

    def assume_role_for_pod_identity(self, cluster: str, token: str) -> tuple[EksAuthFacts, Credentials | None]:
        """The agent's call, with the caller's identity. EKS Auth's verdicts are data; the caller lacking
        ``eks-auth:AssumeRoleForPodIdentity``, throttling and faults are SourceFailure."""
        from botocore import exceptions as bx

        what = f"eks-auth AssumeRoleForPodIdentity {cluster}"
        client = self.aws._call("eks-auth", what, EKS_AUTH_ACTION, lambda c: c)
        endpoint = str(client.meta.endpoint_url)
        try:
            doc = client.assume_role_for_pod_identity(clusterName=cluster, token=token)
        except bx.ClientError as exc:
            err = exc.response.get("Error") or {}
            code = str(err.get("Code") or "Unknown")
            message = " ".join(str(err.get("Message") or "").split())
            status = (exc.response.get("ResponseMetadata") or {}).get("HTTPStatusCode")
            caller_denied = code == "AccessDeniedException" and EKS_AUTH_ACTION in message
            # the caller's own signature or keys, not a verdict on the pod's token
            caller_auth = code in ("UnrecognizedClientException", "InvalidSignatureException")
            if caller_denied or caller_auth \
                    or code in ("ThrottlingException", "InternalServerException", "ServiceUnavailableException") \
                    or (isinstance(status, int) and status >= 500):
                raise SourceFailure(map_aws_error(exc, "eks-auth", what, EKS_AUTH_ACTION)) from None
            return EksAuthFacts(ok=False, endpoint=endpoint, error_code=code, error_message=clip(message, 400),
                                http_status=status), None
        except Exception as exc:
            raise SourceFailure(map_aws_error(exc, "eks-auth", what, EKS_AUTH_ACTION)) from None
        creds = doc.get("credentials") or {}
        subject = doc.get("subject") or {}
        facts = EksAuthFacts(
            ok=True,
            endpoint=endpoint,
            assumed_role_arn=(doc.get("assumedRoleUser") or {}).get("arn"),
            association_id=(doc.get("podIdentityAssociation") or {}).get("associationId"),
            namespace=subject.get("namespace"),
            service_account=subject.get("serviceAccount"),
            audience=doc.get("audience"),
            expiration=_ts(creds.get("expiration")),
        )
        if not all(creds.get(k) for k in ("accessKeyId", "secretAccessKey", "sessionToken")):
            raise SourceFailure(SourceError("eks-auth", "bad-response", f"{what}: response is not what the API "
                                            "promised (no credentials)"))
        return facts, Credentials(
            access_key_id=str(creds["accessKeyId"]),
            secret_access_key=str(creds["secretAccessKey"]),
            session_token=str(creds["sessionToken"]),
        )

    def describe_instance(self, instance_id: str) -> InstanceFacts:
        try:
            doc = self.aws._call("ec2", f"ec2 DescribeInstances {instance_id}", "ec2:DescribeInstances",
                            lambda c: c.describe_instances(InstanceIds=[instance_id]))
        except SourceFailure as exc:
            if exc.error.code in ("InvalidInstanceID.NotFound", "InvalidInstanceID.Malformed"):
                raise SourceFailure(replace(exc.error, kind="not-found")) from None  # a terminated node, another account
            raise
        if not isinstance(doc.get("Reservations"), list):  # a 200 that is not a DescribeInstances answer
            raise SourceFailure(SourceError("ec2", "bad-response", f"ec2 DescribeInstances {instance_id}: response is "
                                            "not what the API promised (no reservationSet)"))
        found = [i for r in doc["Reservations"] for i in r.get("Instances") or [] if isinstance(i, dict)]
        if not found:
            raise SourceFailure(SourceError("ec2", "not-found", f"ec2 DescribeInstances {instance_id}: no such instance",
                                            code="InvalidInstanceID.NotFound"))
        inst = found[0]
        options = inst.get("MetadataOptions") or {}
        hop = options.get("HttpPutResponseHopLimit")
        return InstanceFacts(
            instance_id=str(inst.get("InstanceId") or instance_id),
            http_tokens=options.get("HttpTokens"),
            hop_limit=hop if isinstance(hop, int) else None,
            http_endpoint=options.get("HttpEndpoint"),
            instance_profile_arn=(inst.get("IamInstanceProfile") or {}).get("Arn"),
            state=(inst.get("State") or {}).get("Name"),
        )

    def get_instance_profile(self, profile_arn_or_name: str) -> InstanceProfileFacts:
        name = profile_arn_or_name.rsplit("/", 1)[-1]
        doc = self.aws._call("iam", f"iam GetInstanceProfile {name}", "iam:GetInstanceProfile",
                        lambda c: c.get_instance_profile(InstanceProfileName=name))
        profile = doc.get("InstanceProfile") or {}
        return InstanceProfileFacts(
            name=str(profile.get("InstanceProfileName") or name),
            arn=str(profile.get("Arn") or profile_arn_or_name),
            role_arns=tuple(str(r.get("Arn")) for r in profile.get("Roles") or [] if isinstance(r, dict)),
        )


class PodIdentityKube:
    """The pod's node and the agent (DaemonSet + pods), through ``Kube``."""

    def __init__(self, kube: Kube) -> None:
        self.kube = kube

    def get_node(self, name: str) -> NodeFacts:
        doc = self.kube._call("GET", f"/api/v1/nodes/{name}", f"GET node {name}", "get", "nodes")
        meta = doc.get("metadata") or {}
        labels = {str(k): str(v) for k, v in (meta.get("labels") or {}).items()}
        provider = (doc.get("spec") or {}).get("providerID")
        match = _PROVIDER.match(str(provider or ""))
        return NodeFacts(
            name=str(meta.get("name") or name),
            provider_id=str(provider) if provider else None,
            instance_id=match.group(2) if match else None,
            zone=match.group(1) if match else labels.get("topology.kubernetes.io/zone"),
            os=labels.get("kubernetes.io/os"),
            compute_type=labels.get("eks.amazonaws.com/compute-type"),
            arch=labels.get("kubernetes.io/arch"),
        )

    def agent(self) -> AgentFacts:
        """The agent DaemonSet (``daemonset=False`` when absent) and its pods, each with its node and readiness."""
        try:
            ds = self.kube._call(
                "GET", f"/apis/apps/v1/namespaces/{AGENT_NAMESPACE}/daemonsets/{AGENT_DAEMONSET}",
                f"GET daemonset {AGENT_NAMESPACE}/{AGENT_DAEMONSET}", "get", "daemonsets.apps",
            )
        except SourceFailure as exc:
            if exc.error.kind != "not-found":
                raise
            return AgentFacts(daemonset=False)
        doc = self.kube._call(
            "GET", f"/api/v1/namespaces/{AGENT_NAMESPACE}/pods", f"LIST pods in {AGENT_NAMESPACE}", "list", "pods",
            query=[("labelSelector", AGENT_SELECTOR)],
        )
        pods = []
        for item in doc.get("items") or []:
            if not isinstance(item, dict):
                continue
            status = item.get("status") or {}
            ready = any(
                c.get("type") == "Ready" and c.get("status") == "True"
                for c in status.get("conditions") or []
                if isinstance(c, dict)
            )
            restarts = sum(
                int(s.get("restartCount") or 0) for s in status.get("containerStatuses") or [] if isinstance(s, dict)
            )
            pods.append(
                AgentPodFacts(
                    name=str((item.get("metadata") or {}).get("name")),
                    node=(item.get("spec") or {}).get("nodeName"),
                    ready=ready,
                    phase=status.get("phase"),
                    restarts=restarts,
                )
            )
        st = ds.get("status") or {}
        return AgentFacts(
            daemonset=True,
            desired=int(st.get("desiredNumberScheduled") or 0),
            ready=int(st.get("numberReady") or 0),
            pods=tuple(pods),
        )


if TYPE_CHECKING:  # mypy proves the adapters satisfy the protocols the steps will ask for
    def _conforms(aws: Aws, kube: Kube) -> tuple[PodIdentityAwsSource, PodIdentityKubeSource]:
        return PodIdentityAws(aws), PodIdentityKube(kube)
