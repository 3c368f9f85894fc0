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
        return [replace(p, namespace=namespace) for p in self.pods]

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
        links = _links(broken_sub=context == "trust-sub-wrong-namespace")
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
        return ChainResult(target=target, links=links, duration_ms=42)
