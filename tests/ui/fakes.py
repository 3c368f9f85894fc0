"""Hand-built data for UI tests that must not depend on the lab (widgets, snapshots of layout)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from irsa_tui.chain.links import trust_policy
from irsa_tui.chain.model import ChainResult, Evidence, LinkId, LinkResult, Status, Target
from irsa_tui.ui.backend import BackendError
from tests.chain import builders as b


@dataclass(frozen=True)
class Ctx:
    name: str
    cluster: str
    server: str
    namespace: str | None
    eks_cluster: str | None
    region: str | None
    current: bool
    bucket: str | None = None
    object_key: str | None = None


@dataclass(frozen=True)
class Pod:
    name: str
    namespace: str
    service_account: str
    role_arn: str | None
    phase: str | None
    created: datetime | None


def _links(broken_sub: bool) -> tuple[LinkResult, ...]:
    facts = b.healthy_facts()
    if broken_sub:
        facts = b.healthy_facts(
            token=b.healthy_token(claims=b.healthy_claims(sub="system:serviceaccount:billing:api"))
        )
    trust = trust_policy.check(facts, {})
    claims = b.healthy_claims()
    token_details = {"origin": "token-request", "claims": claims, "signature": "abcd…wxyz (342 chars)"}
    P = Status.PASS
    links = [
        LinkResult(
            LinkId.SERVICE_ACCOUNT,
            P,
            f"ServiceAccount {b.NS}/{b.SA} carries role {b.ROLE_ARN}",
            evidence=(Evidence("role-arn", "eks.amazonaws.com/role-arn", "a role ARN", b.ROLE_ARN, True),),
        ),
        LinkResult(LinkId.INJECTION, P, "the webhook injected AWS_ROLE_ARN and the token volume"),
        LinkResult(LinkId.TOKEN, P, "token valid for sts.amazonaws.com", details=token_details),
        LinkResult(
            LinkId.OIDC_PROVIDER,
            P,
            f"IAM OIDC provider {b.PROVIDER_ARN} trusts the issuer",
            details={"issuer": b.ISSUER},
        ),
        trust,
    ]
    if trust.status is Status.FAIL:
        links += [
            LinkResult(
                LinkId.STS,
                Status.FAIL,
                "STS refused: AccessDenied — points at trust-policy",
                evidence=(Evidence("sts", "AssumeRoleWithWebIdentity", "success", "AccessDenied", False),),
            ),
            LinkResult(LinkId.S3, Status.SKIP, "skipped: no credentials (sts failed)"),
        ]
    else:
        links += [
            LinkResult(LinkId.STS, P, "STS issued credentials for payments-api"),
            LinkResult(LinkId.S3, P, f"s3:ListBucket on {b.BUCKET} allowed"),
        ]
    return tuple(links)


POD_IDENTITY_CONTEXT = "pod-identity"
"""The fake context whose pod uses EKS Pod Identity (with an IRSA annotation left over from a migration)."""
ASSOCIATION_ID = "a-0123456789abcdef0"
PI_ROLE_ARN = f"arn:aws:iam::{b.ACCOUNT}:role/payments-api-pod-identity"
NODE_ROLE_ARN = f"arn:aws:iam::{b.ACCOUNT}:role/eks-node-role"
PI_AUDIENCE = "pods.eks.amazonaws.com"


def pod_identity_detection_and_credentials() -> tuple[Any, tuple[Any, ...]]:
    """Detection and credentials of a pod with both mechanisms configured, computed by the real (pure) core:
    the app container uses Pod Identity; a sidecar carries static keys and an AWS_PROFILE."""
    from irsa_tui.chain.credentials import NodeMetadata, container_credentials
    from irsa_tui.chain.facts import ContainerFacts, EnvVar
    from irsa_tui.chain.mechanism import AssociationInput, ContainerEnv, PodInput, detect_mechanism

    pi_env: dict[str, str | None] = {
        "AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://169.254.170.23/v1/credentials",
        "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": (
            "/var/run/secrets/pods.eks.amazonaws.com/serviceaccount/eks-pod-identity-token"
        ),
    }
    uploader_env = {**pi_env, "AWS_ACCESS_KEY_ID": None, "AWS_SECRET_ACCESS_KEY": None, "AWS_PROFILE": "uploads"}
    app = ContainerEnv("app", pi_env, {"eks-pod-identity-token": "/var/run/secrets/pods.eks.amazonaws.com/serviceaccount"})
    sidecar = ContainerEnv("uploader", uploader_env)
    pod = PodInput(b.NS, b.POD, b.SA, (app, sidecar), ("eks-pod-identity-token",), created=b.NOW)
    assoc = AssociationInput(b.NS, b.SA, ASSOCIATION_ID, PI_ROLE_ARN, None, b.NOW - timedelta(days=2))
    detection = detect_mechanism(pod, b.ROLE_ARN, [assoc])
    node = NodeMetadata(http_tokens="required", hop_limit=2)
    secret = {"AWS_ACCESS_KEY_ID": "secretKeyRef uploader-keys/id", "AWS_SECRET_ACCESS_KEY": "secretKeyRef uploader-keys/secret"}
    creds = tuple(
        container_credentials(
            ContainerFacts(c.name, env=tuple(EnvVar(k, v, secret.get(k)) for k, v in c.env.items())),
            node=node, host_network=False, association_role=PI_ROLE_ARN, node_role=NODE_ROLE_ARN,
        )
        for c in (app, sidecar)
    )
    return detection, creds


def pod_identity_node() -> Any:
    from irsa_tui.chain.credentials import NodeIdentity, NodeMetadata

    return NodeIdentity("ip-10-0-1-23.eu-west-1.compute.internal", "i-0abc1234def567890", "eks-node-profile",
                        NODE_ROLE_ARN, NodeMetadata(http_tokens="required", hop_limit=2))


def pod_identity_links() -> tuple[LinkResult, ...]:
    """A Pod Identity chain broken at the trust policy (no sts:TagSession), so EKS Auth refuses."""
    P = Status.PASS
    claims = {**b.healthy_claims(), "aud": [PI_AUDIENCE]}
    return (
        LinkResult(LinkId.SERVICE_ACCOUNT, P, f"ServiceAccount {b.NS}/{b.SA} exists"),
        LinkResult(
            LinkId.ASSOCIATION, P, f"association {ASSOCIATION_ID} maps {b.NS}/{b.SA} to {PI_ROLE_ARN}",
            evidence=(Evidence("role-arn", "association role", "a role that exists", PI_ROLE_ARN, True),),
        ),
        LinkResult(LinkId.INJECTION, P, "the webhook injected the agent URI and the token volume in app, uploader"),
        LinkResult(LinkId.TOKEN, P, f"token valid for {PI_AUDIENCE}",
                   details={"origin": "token-request", "claims": claims}),
        LinkResult(LinkId.AGENT, P, "eks-pod-identity-agent is Ready on the pod's node ip-10-0-1-23",
                   details={"node": "ip-10-0-1-23.eu-west-1.compute.internal", "node_role": NODE_ROLE_ARN}),
        LinkResult(
            LinkId.TRUST_POLICY, Status.FAIL,
            "trust policy of payments-api-pod-identity allows sts:AssumeRole for pods.eks.amazonaws.com "
            "but not sts:TagSession",
            evidence=(Evidence("actions", "actions allowed to pods.eks.amazonaws.com",
                               "sts:AssumeRole, sts:TagSession", "sts:AssumeRole", False),),
            fix=(
                "aws iam update-assume-role-policy --role-name payments-api-pod-identity "
                "--policy-document file://trust.json"
            ),
        ),
        LinkResult(LinkId.EKS_AUTH, Status.FAIL, "EKS Auth refused: AccessDeniedException — points at trust-policy"),
        LinkResult(LinkId.S3, Status.SKIP, "skipped: no credentials (eks-auth failed)"),
    )


class FakeBackend:
    """Answers like the real backend, from memory; ``delay`` holds links back to test progress."""

    def __init__(self, pods: int = 3, namespaces_forbidden: bool = False, delay: float = 0.0) -> None:
        now = datetime.now(UTC)
        self.contexts = [
            Ctx("healthy", "lab-healthy", "https://127.0.0.1", None, "healthy-eks", "eu-west-1", True),
            Ctx(
                "trust-sub-wrong-namespace",
                "lab-t",
                "https://127.0.0.1",
                None,
                "trust-eks",
                "eu-west-1",
                False,
            ),
        ]
        self.pods = [
            Pod(b.POD, b.NS, b.SA, b.ROLE_ARN, "Running", now - timedelta(days=3)),
            *(
                Pod(f"worker-{i:05d}", b.NS, "default", None, "Running", now - timedelta(hours=i))
                for i in range(pods)
            ),
        ]
        self.namespaces_forbidden = namespaces_forbidden
        self.pods_by_namespace: dict[str, list[Pod] | None] = {}
        """Namespace → its pods ([] for none); None or absent: ``self.pods``."""
        self.delay = delay
        self.runs: list[dict[str, Any]] = []
        self.release = threading.Event()

    def list_contexts(self) -> list[Any]:
        return list(self.contexts)

    def list_namespaces(self, context: str | None) -> list[str]:
        if self.namespaces_forbidden:
            raise BackendError(
                "kubernetes: LIST namespaces: 403 Forbidden (caller lacks list namespaces)", forbidden=True
            )
        return ["default", "kube-system", b.NS]

    def list_pods(self, context: str | None, namespace: str) -> list[Any]:
        pods = self.pods_by_namespace.get(namespace)
        return [replace(p, namespace=namespace) for p in (self.pods if pods is None else pods)]

    def diagnose(
        self,
        *,
        namespace: str,
        pod: str,
        context: str | None,
        bucket: str | None,
        live: bool,
        timeout: float,
        on_link: Callable[[LinkResult], None],
        on_call: Callable[[str, bool], None],
        object_key: str | None = None,
    ) -> ChainResult:
        self.runs.append(
            {
                "context": context,
                "namespace": namespace,
                "pod": pod,
                "bucket": bucket,
                "object_key": object_key,
                "live": live,
            }
        )
        pod_identity = context == POD_IDENTITY_CONTEXT
        links = pod_identity_links() if pod_identity else _links(broken_sub=context == "trust-sub-wrong-namespace")
        if not live:
            links = tuple(
                replace(link, status=Status.SKIP, summary="live probes are off")
                if link.id in (LinkId.STS, LinkId.S3)
                else link
                for link in links
            )
        for n, link in enumerate(links):
            if self.delay and n == 3:
                on_call("iam ListOpenIDConnectProviders", True)
                self.release.wait(self.delay)
                on_call("iam ListOpenIDConnectProviders", False)
            on_link(link)
        target = Target(
            namespace=namespace, pod=pod, context=context, cluster="healthy-eks", region="eu-west-1",
            role_arn=b.ROLE_ARN,
        )
        if pod_identity:
            detection, creds = pod_identity_detection_and_credentials()
            target = replace(target, role_arn=PI_ROLE_ARN, cluster="pi-eks")
            return ChainResult(target=target, links=links, duration_ms=42, mechanism="pod-identity",
                               detection=detection, credentials=creds, node=pod_identity_node())
        return ChainResult(target=target, links=links, duration_ms=42)


def pod_identity_backend(**options: Any) -> FakeBackend:
    """A FakeBackend that also knows the Pod Identity context (the others' picker lists stay as they are)."""
    backend = FakeBackend(**options)
    backend.contexts.append(
        Ctx(POD_IDENTITY_CONTEXT, "lab-pi", "https://127.0.0.1", None, "pi-eks", "eu-west-1", False)
    )
    return backend
