"""Fetch, then judge: gather the facts for one pod concurrently, judge each link as soon
as its facts are in, and return one ChainResult.

The gathering is a small dataflow graph of steps on a thread pool. Each step waits only
for the facts it depends on, so one slow API never serialises the rest: the wall time
tracks the longest chain of dependent round trips (``Run.floor_depth``).
"""

from __future__ import annotations

import contextlib
import functools
import re
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from irsa_tui.chain.arn import RoleArn, parse_role_arn, partition_for_region
from irsa_tui.chain.buckets import buckets_in_policies
from irsa_tui.chain.facts import (
    AUDIENCE_ANNOTATION,
    DEFAULT_AUDIENCE,
    ROLE_ANNOTATION,
    TOKEN_VOLUME,
    ClusterFacts,
    Facts,
    PodFacts,
    RoleFacts,
    S3Facts,
    S3ObjectFacts,
    ServiceAccountFacts,
    SourceError,
    TokenFacts,
)
from irsa_tui.chain.model import ChainResult, LinkId, LinkResult, Target
from irsa_tui.chain.walk import LINKS, judge, judge_link
from irsa_tui.sources.kube import SourceFailure

__all__ = ["Options", "Run", "UsageError", "decode_token", "diagnose", "redact_signature"]


class UsageError(Exception):
    """Bad arguments, unknown context, pod not found: a one-line message, exit 64."""


@dataclass(frozen=True)
class Options:
    namespace: str
    pod: str
    context: str | None = None
    cluster: str | None = None
    region: str | None = None
    bucket: str | None = None
    object_key: str | None = None
    """``--object``: also GetObject (bytes=0-0) on this key of ``bucket``."""
    live: bool = True
    timeout: float = 5.0
    """Per network call, seconds."""
    deadline: float = 30.0
    """Whole run, seconds."""


# Which Facts fields each step settles (for progressive judging).
_ALL_FIELDS = (
    "pod", "service_account", "namespace_service_accounts", "webhook", "token", "token_request_error",
    "cluster", "provider", "issuer", "role", "sts", "s3",
)


_CALL_LINKS: tuple[tuple[str, LinkId], ...] = (
    ("kubernetes LIST mutatingwebhookconfigurations", LinkId.INJECTION),
    ("kubernetes TokenRequest", LinkId.TOKEN),
    ("kubernetes ", LinkId.SERVICE_ACCOUNT),
    ("iam GetRole ", LinkId.SERVICE_ACCOUNT),
    ("eks ", LinkId.OIDC_PROVIDER),
    ("oidc ", LinkId.OIDC_PROVIDER),
    ("iam ListOpenIDConnectProviders", LinkId.OIDC_PROVIDER),
    ("sts GetCallerIdentity", LinkId.OIDC_PROVIDER),
    ("sts AssumeRoleWithWebIdentity", LinkId.STS),
    ("iam ", LinkId.S3),
    ("s3 ", LinkId.S3),
)


def link_for_call(name: str) -> LinkId | None:
    """The first link whose judgement waits on a call named by ``on_call`` (for "pending" displays)."""
    for prefix, link in _CALL_LINKS:
        if name.startswith(prefix):
            return link
    return None


def redact_signature(token: str) -> str:
    sig = token.rsplit(".", 1)[-1] if token.count(".") == 2 else ""
    shown = sig[:4] + sig[-4:]
    if len(sig) < 12 or not all(c.isascii() and (c.isalnum() or c in "-_") for c in shown):
        return f"<{len(sig)} chars>"  # too short to hide anything, or not base64url: show nothing
    return f"{sig[:4]}…{sig[-4:]} ({len(sig)} chars)"


def decode_token(token: str, fetched_at: datetime, origin: str = "token-request") -> TokenFacts:
    """Decode without verifying (verification is the oidc-provider link's job)."""
    import jwt

    try:
        header = jwt.get_unverified_header(token)
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError as exc:
        raise ValueError(f"token is not a JWT: {exc}") from None
    return TokenFacts(
        origin=origin,  # type: ignore[arg-type]
        header=dict(header),
        claims=dict(claims),
        signature_redacted=redact_signature(token),
        fetched_at=fetched_at,
        raw=token,
    )


class Run:
    """One diagnosis in flight: facts, settled fields, progressive judging, call accounting."""

    def __init__(
        self,
        facts: Facts,
        on_link: Callable[[LinkResult], None] | None,
        on_call: Callable[[str, bool], None] | None,
    ) -> None:
        self.facts = facts
        self.on_link = on_link
        self.on_call = on_call
        self.settled: set[str] = set()
        self.emitted: dict[LinkId, LinkResult] = {}
        self.lock = threading.RLock()
        self.calls: list[tuple[str, int, float]] = []
        """(name, depth, ms) of every network call, for the bench."""
        self.timeline: list[tuple[str, float, float]] = []
        """(name, start_ms, end_ms) relative to the run's start."""
        self.t0 = time.perf_counter()
        self.closed = False

    @property
    def floor_depth(self) -> int:
        return max((d for _, d, _ in self.calls), default=0)

    def call(self, name: str, depth: int, fn: Callable[[], Any]) -> Any:
        if self.on_call:
            self.on_call(name, True)
        started = time.perf_counter()
        try:
            return fn()
        finally:
            ended = time.perf_counter()
            with self.lock:
                self.calls.append((name, depth, (ended - started) * 1000))
                self.timeline.append((name, (started - self.t0) * 1000, (ended - self.t0) * 1000))
            if self.on_call:
                self.on_call(name, False)

    def close(self) -> None:
        """The run is over: late answers from abandoned calls are dropped, not shown."""
        with self.lock:
            self.closed = True

    def settle(self, **values: Any) -> None:
        with self.lock:
            if self.closed:
                return
            for key, value in values.items():
                setattr(self.facts, key, value)
                self.settled.add(key)
            self._emit_ready()

    def gap(self, field: str, reason: str) -> None:
        with self.lock:
            if self.closed:
                return
            self.facts.gaps[field] = reason
            setattr(self.facts, field, None)
            self.settled.add(field)
            self._emit_ready()

    def _emit_ready(self) -> None:
        for module in LINKS:
            link: LinkId = module.LINK
            if link in self.emitted:
                continue
            needs = set(getattr(module, "NEEDS", _ALL_FIELDS)) & set(_ALL_FIELDS)
            if not needs <= self.settled:
                return  # keep chain order: later links read earlier results
            result = judge_link(module, self.facts, dict(self.emitted))
            self.emitted[link] = result
            if self.on_link:
                self.on_link(result)


def diagnose(
    options: Options,
    on_link: Callable[[LinkResult], None] | None = None,
    on_call: Callable[[str, bool], None] | None = None,
    run_out: list[Run] | None = None,
) -> ChainResult:
    """Gather and judge. Raises UsageError for usage problems; every other fault ends in the result."""
    from irsa_tui.sources.kubeconfig import KubeconfigError, find_context

    started = time.perf_counter()
    if options.object_key is not None and not options.bucket:
        raise UsageError("--object needs --bucket (the bucket the object is in)")
    try:
        ctx = find_context(options.context)
    except KubeconfigError as exc:
        raise UsageError(str(exc)) from None
    cluster_name = options.cluster or ctx.eks_cluster
    region = options.region or ctx.region
    facts = Facts(
        namespace=options.namespace,
        pod_name=options.pod,
        now=datetime.now(UTC),
        live=options.live,
        bucket=options.bucket,
        region=region,
        context=ctx.name,
        cluster_name=cluster_name,
        cluster_account=ctx.eks_account if not options.cluster else None,
    )
    run = Run(facts, on_link, on_call)
    if run_out is not None:
        run_out.append(run)
    gather = _Gather(run, options, ctx.name, cluster_name, region)
    gather.start()
    gather.wait(options.deadline)
    # Final, complete judgement; re-emit any link whose result changed since it was shown.
    with run.lock:
        run.closed = True
        for name in _ALL_FIELDS:
            run.settled.add(name)
        links = judge(facts)
        for result in links:
            if on_link and run.emitted.get(result.id) != result:
                on_link(result)
        run.emitted = {r.id: r for r in links}
    target = Target(
        namespace=options.namespace,
        pod=options.pod,
        context=ctx.name,
        cluster=gather.cluster_name,
        region=gather.region,
    )
    return ChainResult(target=target, links=links, duration_ms=int((time.perf_counter() - started) * 1000))


class _Gather:
    """The dataflow graph of fetch steps for one run."""

    def __init__(self, run: Run, options: Options, context: str, cluster_name: str | None, region: str | None):
        from irsa_tui.sources.aws import Aws
        from irsa_tui.sources.kube import Kube

        self.run = run
        self.options = options
        self.cluster_name = cluster_name
        self.region = region
        self.kube = Kube(context, options.timeout)
        self.aws = Aws(region, options.timeout)
        self.pool = ThreadPoolExecutor(max_workers=40, thread_name_prefix="irsa-fetch")
        self.futures: dict[str, Future[Any]] = {}
        self.usage_error: str | None = None

    # --- plumbing --------------------------------------------------------------------------
    def submit(self, name: str, fn: Callable[[], Any]) -> None:
        self.futures[name] = self.pool.submit(self._guarded, name, fn)

    def _guarded(self, name: str, fn: Callable[[], Any]) -> Any:
        try:
            return fn()
        except Exception as exc:
            err = SourceError("irsa-tui", "other", f"internal error in step {name}: {type(exc).__name__}: {exc}")
            for field in _STEP_FIELDS.get(name, ()):
                if field not in self.run.settled:
                    self.run.settle(**{field: err})
            return (None, 0)

    def result(self, name: str) -> Any:
        """Wait for a step's (value, depth)."""
        return self.futures[name].result()

    def start(self) -> None:
        self.submit("pod", self.step_pod)
        self.submit("webhook", self.step_webhook)
        self.submit("ns_sas", self.step_ns_sas)
        self.submit("caller", self.step_caller)
        self.submit("warm", self._warm)
        self.submit("cluster", self.step_cluster)
        self.submit("sa", self.step_sa)
        self.submit("owner", self.step_owner)
        self.submit("role_arn", self.step_role_arn)
        self.submit("role", self.step_role)
        self.submit("policies", self.step_policies)
        self.submit("token", self.step_token)
        self.submit("issuer", self.step_issuer)
        self.submit("provider", self.step_provider)
        self.submit("sts", self.step_sts)
        self.submit("s3", self.step_s3)

    def wait(self, deadline: float) -> None:
        end = time.monotonic() + deadline
        for name, future in list(self.futures.items()):
            try:
                future.result(timeout=max(0.0, end - time.monotonic()))
            except FutureTimeout:
                for field in _STEP_FIELDS.get(name, ()):
                    if field not in self.run.settled:
                        self.run.settle(
                            **{field: SourceError("irsa-tui", "timeout", f"overall deadline of {deadline:g}s passed "
                                                  f"while waiting for {name}")}
                        )
        self.pool.shutdown(wait=False, cancel_futures=True)
        if self.usage_error:
            raise UsageError(self.usage_error)

    def call(self, name: str, depth: int, fn: Callable[[], Any]) -> Any:
        return self.run.call(name, depth, fn)

    # --- steps: each returns (value, depth) ------------------------------------------------
    def step_pod(self) -> tuple[PodFacts | SourceError, int]:
        ns, name = self.options.namespace, self.options.pod
        try:
            pod = self.call(f"kubernetes GET pod {ns}/{name}", 1, lambda: self.kube.get_pod(ns, name))
            return pod, 1
        except SourceFailure as failure:
            if failure.error.kind == "not-found":
                self.usage_error = (
                    f"pod {ns}/{name} not found in context {self.kube.info.name} "
                    f"(check the name with: kubectl --context {self.kube.info.name} -n {ns} get pods)"
                )
            self.run.settle(pod=failure.error)
            return failure.error, 1
        except Exception as exc:  # kubeconfig problems surface on first use
            from irsa_tui.sources.kubeconfig import KubeconfigError

            if isinstance(exc, KubeconfigError):
                self.usage_error = str(exc)
                err = SourceError("kubeconfig", "invalid", str(exc))
                self.run.settle(pod=err)
                return err, 1
            raise

    def step_owner(self) -> tuple[None, int]:
        pod, depth = self.result("pod")
        if not isinstance(pod, PodFacts):
            self.run.settle(pod=pod)
            return None, depth
        if pod.owner is not None and pod.owner.kind == "ReplicaSet":
            try:
                owner = self.call(f"kubernetes GET replicaset {pod.namespace}/{pod.owner.name}", depth + 1,
                                  lambda: self.kube.get_owner(pod, pod.owner))
                pod = replace(pod, owner=owner)
            except SourceFailure:
                pass  # keep the ReplicaSet as owner: the fix still names something real
        self.run.settle(pod=pod)
        return None, depth + 1

    def step_webhook(self) -> tuple[None, int]:
        try:
            value = self.call("kubernetes LIST mutatingwebhookconfigurations", 1, self.kube.webhooks)
        except SourceFailure as failure:
            value = failure.error
        self.run.settle(webhook=value)
        return None, 1

    def step_ns_sas(self) -> tuple[None, int]:
        ns = self.options.namespace
        try:
            value = self.call(f"kubernetes LIST serviceaccounts in {ns}", 1, lambda: self.kube.list_service_accounts(ns))
        except SourceFailure as failure:
            value = failure.error
        self.run.settle(namespace_service_accounts=value)
        return None, 1

    def _warm(self) -> tuple[None, int]:
        with contextlib.suppress(Exception):  # warming is an optimisation only
            self.aws.warm()
        return None, 0

    def step_caller(self) -> tuple[tuple[str, str] | SourceError, int]:
        try:
            account, arn = self.call("sts GetCallerIdentity", 1, self.aws.caller)
            self.run.facts.caller = arn
            return (account, arn), 1
        except SourceFailure as failure:
            return failure.error, 1

    def step_cluster(self) -> tuple[ClusterFacts | SourceError | None, int]:
        if not self.cluster_name:
            self.run.gap("cluster", "EKS cluster name unknown (not in the kube context; pass --cluster)")
            return None, 0
        name = self.cluster_name
        try:
            cluster = self.call(f"eks DescribeCluster {name}", 1, lambda: self.aws.describe_cluster(name))
            if not cluster.region:
                cluster = replace(cluster, region=self.aws.region or "")
            self.region = self.region or cluster.region or self.aws.region
        except SourceFailure as failure:
            cluster = failure.error
        self.run.settle(cluster=cluster)
        return cluster, 1

    def step_sa(self) -> tuple[ServiceAccountFacts | SourceError | None, int]:
        pod, depth = self.result("pod")
        if not isinstance(pod, PodFacts):
            self.run.gap("service_account", "pod could not be read")
            return None, depth
        try:
            sa = self.call(f"kubernetes GET serviceaccount {pod.namespace}/{pod.sa_name}", depth + 1,
                           lambda: self.kube.get_service_account(pod.namespace, pod.sa_name))
        except SourceFailure as failure:
            sa = failure.error
        self.run.settle(service_account=sa)
        return sa, depth + 1

    def step_role_arn(self) -> tuple[RoleArn | None, int]:
        """The role under test: the pod's AWS_ROLE_ARN (known from the pod alone), else the SA annotation."""
        pod, depth = self.result("pod")
        if isinstance(pod, PodFacts):
            for container in pod.containers:
                if container.kind != "ephemeral" and container.env_value("AWS_ROLE_ARN"):
                    parsed = parse_role_arn(str(container.env_value("AWS_ROLE_ARN")).strip())
                    return (parsed if isinstance(parsed, RoleArn) else None), depth
        sa, depth = self.result("sa")
        if isinstance(sa, ServiceAccountFacts) and sa.annotations.get(ROLE_ANNOTATION):
            parsed = parse_role_arn(sa.annotations[ROLE_ANNOTATION].strip())
            return (parsed if isinstance(parsed, RoleArn) else None), depth
        return None, depth

    def step_role(self) -> tuple[RoleFacts | SourceError | None, int]:
        arn, depth = self.result("role_arn")
        if arn is None:
            self.run.gap("role", "no well-formed role ARN to look up (see service-account)")
            return None, depth
        caller, _ = self.result("caller")
        try:
            role = self.call(f"iam GetRole {arn.name}", depth + 1, lambda: self.aws.get_role(arn.name, str(arn), arn.account))
        except SourceFailure as failure:
            role = failure.error
            if isinstance(caller, tuple) and caller[0] != arn.account and failure.error.kind in ("not-found", "forbidden"):
                role = SourceError("iam", "forbidden", f"iam GetRole {arn.name}: role is in account {arn.account}, "
                                   f"irsa-tui runs as account {caller[0]}", permission=f"read access to account {arn.account}")
        self.run.settle(role=role)
        return role, depth + 1

    def step_policies(self) -> tuple[tuple[dict[str, Any], ...] | SourceError | None, int]:
        arn, depth = self.result("role_arn")
        if arn is None or not self.options.live:
            return None, depth
        used = depth + 1
        policies: tuple[dict[str, Any], ...] | SourceError
        try:
            policies, used = self._role_policies(arn.name, depth)
        except SourceFailure as failure:
            policies = failure.error
        role, _ = self.result("role")
        if isinstance(role, RoleFacts):
            with self.run.lock:
                if not self.run.closed:
                    self.run.facts.role = replace(role, policies=policies)
        return policies, used

    def _role_policies(self, role: str, depth: int) -> tuple[tuple[dict[str, Any], ...], int]:
        """Inline and attached policies: both lists in parallel, then every document in parallel."""
        aws = self.aws
        f_names = self.pool.submit(self.call, f"iam ListRolePolicies {role}", depth + 1,
                                   lambda: aws.inline_policy_names(role))
        f_arns = self.pool.submit(self.call, f"iam ListAttachedRolePolicies {role}", depth + 1,
                                  lambda: aws.attached_policy_arns(role))
        docs = [
            self.pool.submit(self.call, f"iam GetRolePolicy {role}/{name}", depth + 2,
                             functools.partial(aws.inline_policy, role, name))
            for name in f_names.result()
        ]
        attached = [
            # GetPolicy then GetPolicyVersion: two round trips, counted as the deeper one.
            self.pool.submit(self.call, f"iam GetPolicy + GetPolicyVersion {arn}", depth + 3,
                             functools.partial(aws.managed_policy, arn))
            for arn in f_arns.result()
        ]
        used = depth + (3 if attached else 2 if docs else 1)
        return tuple(f.result() for f in docs + attached), used

    def _audience(self, pod: PodFacts, sa: Any) -> str:
        for volume in pod.volumes:
            if volume.name == TOKEN_VOLUME and volume.token and volume.token.audience:
                return volume.token.audience
        if isinstance(sa, ServiceAccountFacts) and sa.annotations.get(AUDIENCE_ANNOTATION):
            return sa.annotations[AUDIENCE_ANNOTATION]
        return DEFAULT_AUDIENCE

    def step_token(self) -> tuple[TokenFacts | SourceError | None, int]:
        pod, depth = self.result("pod")
        if not isinstance(pod, PodFacts):
            self.run.gap("token", "pod could not be read")
            self.run.settle(token_request_error=None)
            return None, depth
        # The audience lives on the injected volume; only fall back to the SA when it is absent.
        sa = None
        if not any(v.name == TOKEN_VOLUME and v.token and v.token.audience for v in pod.volumes):
            sa, depth = self.result("sa")
        audience = self._audience(pod, sa)
        if not self.options.live:
            predicted = self._predicted(pod, audience)
            self.run.facts.gaps["token"] = "live probes off: claims predicted, no TokenRequest made"
            self.run.settle(token=predicted, token_request_error=None)
            return predicted, depth
        fetched_at = datetime.now(UTC)
        try:
            raw, _ = self.call(f"kubernetes TokenRequest {pod.namespace}/{pod.sa_name}", depth + 1,
                               lambda: self.kube.token_request(pod, audience))
        except SourceFailure as failure:
            predicted = self._predicted(pod, audience)
            self.run.settle(token=predicted, token_request_error=failure.error)
            return predicted, depth + 1
        try:
            token: TokenFacts | SourceError = decode_token(raw, fetched_at)
        except ValueError as exc:
            token = SourceError("kubernetes", "bad-response", f"TokenRequest returned something that is not a JWT: {exc}")
        self.run.settle(token=token, token_request_error=None)
        return token, depth + 1

    def _predicted(self, pod: PodFacts, audience: str) -> TokenFacts:
        """The claims the kubelet's token would carry, when we cannot get one."""
        cluster, _ = self.result("cluster")
        now = int(time.time())
        claims: dict[str, Any] = {
            "aud": [audience],
            "sub": f"system:serviceaccount:{pod.namespace}:{pod.sa_name}",
            "iat": now,
            "nbf": now,
            "exp": now + 86400,
            "kubernetes.io": {"namespace": pod.namespace, "pod": {"name": pod.name, "uid": pod.uid},
                              "serviceaccount": {"name": pod.sa_name}},
        }
        if isinstance(cluster, ClusterFacts) and cluster.issuer:
            claims["iss"] = cluster.issuer
        return TokenFacts(origin="predicted", header={}, claims=claims, signature_redacted="(predicted: no token)",
                          fetched_at=datetime.now(UTC), raw="")

    def step_issuer(self) -> tuple[None, int]:
        from irsa_tui.sources.issuer import fetch_issuer

        cluster, depth = self.result("cluster")
        issuer = cluster.issuer if isinstance(cluster, ClusterFacts) else None
        token: Any = None
        if not issuer:
            token, depth = self.result("token")
            if isinstance(token, TokenFacts):
                issuer = token.claims.get("iss") if isinstance(token.claims.get("iss"), str) else None
        if not issuer:
            if isinstance(cluster, SourceError):  # DescribeCluster was the only way to the issuer
                self.run.settle(issuer=cluster)
            else:
                self.run.gap("issuer", "issuer unknown: no cluster issuer and no token")
            return None, depth
        if not str(issuer).startswith("https://"):
            self.run.settle(issuer=SourceError("oidc-issuer", "invalid", f"issuer {issuer!r} is not an https URL"))
            return None, depth
        # Discovery and JWKS first; the signature check needs the token, which may still be coming.
        facts = self.call(f"oidc GET {issuer}/.well-known/openid-configuration + JWKS", depth + 2,
                          lambda: fetch_issuer(issuer, None, self.options.timeout))
        if token is None:
            token, _ = self.result("token")
        if isinstance(token, TokenFacts) and token.raw and isinstance(facts.jwks, dict):
            from irsa_tui.sources.issuer import verify_signature

            sig, detail = verify_signature(token.raw, facts.jwks)
            facts = replace(facts, signature=sig, signature_detail=detail)
        self.run.settle(issuer=facts)
        return None, depth + 2

    def step_provider(self) -> tuple[None, int]:
        arn, depth_a = self.result("role_arn")
        cluster, depth_c = self.result("cluster")
        issuer = cluster.issuer if isinstance(cluster, ClusterFacts) else None
        depth = max(depth_a, depth_c)
        if not issuer:
            token, depth_t = self.result("token")
            depth = max(depth, depth_t)
            if isinstance(token, TokenFacts) and isinstance(token.claims.get("iss"), str):
                issuer = token.claims["iss"]
        if not issuer:
            if isinstance(cluster, SourceError):
                self.run.settle(provider=cluster)
            else:
                self.run.gap("provider", "issuer unknown: no cluster issuer and no token")
            return None, depth
        caller, _ = self.result("caller")
        account = arn.account if arn else (caller[0] if isinstance(caller, tuple) else None)
        if account is None:
            self.run.settle(provider=caller if isinstance(caller, SourceError) else SourceError(
                "iam", "other", "cannot tell which account to look in"))
            return None, depth
        if isinstance(caller, tuple) and caller[0] != account:
            self.run.settle(provider=SourceError(
                "iam", "forbidden",
                f"OIDC providers of account {account} (the role's) cannot be listed: irsa-tui runs as account {caller[0]}",
                permission=f"iam:ListOpenIDConnectProviders in account {account}"))
            return None, depth
        # Look the provider up in the partition of the IAM we talk to (the caller's), not the role ARN's:
        # a role ARN copied from another partition (SA-206) must not turn into "no provider".
        caller_parts = caller[1].split(":") if isinstance(caller, tuple) else []
        if len(caller_parts) > 2 and caller_parts[1]:
            partition = caller_parts[1]
        elif self.region:
            partition = partition_for_region(self.region)
        else:
            partition = arn.partition if arn else "aws"
        try:
            value = self.call("iam ListOpenIDConnectProviders + GetOpenIDConnectProvider", depth + 2,
                              lambda: self.aws.oidc_provider(account, partition, str(issuer)))
        except SourceFailure as failure:
            value = failure.error
        self.run.settle(provider=value)
        return None, depth + 2

    def step_sts(self) -> tuple[Any, int]:
        if not self.options.live:
            self.run.gap("sts", "live probes off")
            return None, 0
        token, depth_t = self.result("token")
        arn, depth_a = self.result("role_arn")
        depth = max(depth_t, depth_a)
        if not isinstance(token, TokenFacts) or token.origin != "token-request":
            self.run.gap("sts", "no real token to present (see token)")
            return None, depth
        pod, _ = self.result("pod")
        role_value = None
        region = self.region
        regional = True
        if isinstance(pod, PodFacts):
            for container in pod.containers:
                role_value = role_value or container.env_value("AWS_ROLE_ARN")
                region = container.env_value("AWS_REGION") or container.env_value("AWS_DEFAULT_REGION") or region
                if (container.env_value("AWS_STS_REGIONAL_ENDPOINTS") or "").lower() == "legacy":
                    regional = False
        if role_value is None and arn is not None:
            role_value = str(arn)
        if role_value is None:
            sa, _ = self.result("sa")
            if isinstance(sa, ServiceAccountFacts):
                role_value = sa.annotations.get(ROLE_ANNOTATION)
        if not role_value:
            self.run.gap("sts", "no role ARN to assume (see service-account)")
            return None, depth
        # The pod's SDK uses AWS_ROLE_SESSION_NAME when set (botocore: else botocore-session-<ts>).
        session = f"irsa-tui-{int(time.time())}"
        if isinstance(pod, PodFacts):
            for container in pod.containers:
                if container.kind != "ephemeral" and container.env_value("AWS_ROLE_SESSION_NAME"):
                    session = str(container.env_value("AWS_ROLE_SESSION_NAME"))
                    break
        try:
            sts, creds = self.call("sts AssumeRoleWithWebIdentity", depth + 1, lambda: self.aws.assume_role_with_web_identity(
                role_value, token.raw, region, regional, session))
        except SourceFailure as failure:
            self.run.settle(sts=failure.error)
            return None, depth + 1
        self.run.settle(sts=sts)
        return creds, depth + 1

    def step_s3(self) -> tuple[None, int]:
        creds, depth = self.result("sts")
        if not self.options.live:
            self.run.gap("s3", "live probes off")
            return None, 0
        if creds is None:
            self.result("policies")  # keep role.policies complete for the s3 check
            self.run.gap("s3", "no credentials: STS did not issue any (see sts)")
            return None, depth
        bucket = self.options.bucket
        origin = "flag"
        if not bucket:
            policies, depth_p = self.result("policies")
            depth = max(depth, depth_p)
            found = buckets_in_policies(policies) if isinstance(policies, tuple) else []
            if found:
                bucket, origin = found[0], "role-policy"
            else:
                origin = "list-buckets"
        else:
            self.result("policies")
        pod, _ = self.result("pod")
        region = self.region
        if isinstance(pod, PodFacts):
            for container in pod.containers:
                region = container.env_value("AWS_REGION") or region
        try:
            key = self.options.object_key if self.options.bucket else None
            value = self.call(f"s3 {'ListObjectsV2 ' + bucket if bucket else 'ListBuckets'}", depth + 1,
                              lambda: self.aws.s3_probe(creds, bucket, origin, region, key))
        except SourceFailure as failure:
            value = failure.error
        used = depth + 1
        if (isinstance(value, S3Facts) and not value.ok and value.error_code == "AccessDenied" and bucket
                and isinstance(arn := self.result("role_arn")[0], RoleArn)):
            # Tell identity-policy gaps from resource-policy/SCP denials, where the caller may.
            simulation = self.call("iam SimulatePrincipalPolicy", depth + 2, lambda: self.aws.simulate(
                str(arn), ["s3:ListBucket"], f"arn:{arn.partition}:s3:::{bucket}"))
            if simulation:
                value = replace(value, simulation=simulation)
            used = depth + 2
        probe = value.object if isinstance(value, S3Facts) else None
        if (isinstance(value, S3Facts) and isinstance(probe, S3ObjectFacts) and not probe.ok and bucket
                and probe.error_code == "AccessDenied" and isinstance(arn := self.result("role_arn")[0], RoleArn)):
            # GetObject denied: by the identity policy (s3:GetObject, or kms:Decrypt on the named key)?
            kms = re.search(r"perform: kms:Decrypt on resource: \"?(arn:[^\"\s]+)", probe.error_message or "")
            action, resource = (("kms:Decrypt", kms.group(1)) if kms
                                else ("s3:GetObject", f"arn:{arn.partition}:s3:::{bucket}/{probe.key}"))
            simulation = self.call("iam SimulatePrincipalPolicy", depth + 2, lambda: self.aws.simulate(
                str(arn), [action], resource))
            if simulation:
                value = replace(value, simulation={**(value.simulation or {}), **simulation})
            used = depth + 2
        self.run.settle(s3=value)
        return None, used


_STEP_FIELDS: dict[str, tuple[str, ...]] = {
    "pod": ("pod",),
    "owner": ("pod",),
    "webhook": ("webhook",),
    "ns_sas": ("namespace_service_accounts",),
    "cluster": ("cluster",),
    "sa": ("service_account",),
    "role": ("role",),
    "token": ("token", "token_request_error"),
    "issuer": ("issuer",),
    "provider": ("provider",),
    "sts": ("sts",),
    "s3": ("s3",),
}
