"""The IRSA mechanism's fetch steps, as data: what each reads, settles, and which link waits on it.

Each function only fetches: what to ask is decided by ``irsa_tui.chain.plan``. The runner
(``irsa_tui.runner``) derives order, concurrency, depth and deadline handling from ``STEPS``;
``irsa-tui debug graph`` prints it. Sources come in through ``ctx.sources`` (``Sources``), so every
step is unit-tested with fakes (tests/engine/).
"""

from __future__ import annotations

import contextlib
import functools
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from irsa_tui.chain import plan
from irsa_tui.chain.arn import RoleArn
from irsa_tui.chain.errors import SourceError, SourceFailure
from irsa_tui.chain.facts import (
    POD_IDENTITY_FIELDS,
    ClusterFacts,
    ContainerLog,
    Facts,
    IssuerFacts,
    LogFacts,
    LogMatch,
    PodFacts,
    RoleFacts,
    S3Facts,
    S3ObjectFacts,
    ServiceAccountFacts,
    TokenFacts,
)
from irsa_tui.chain.mechanism import env_mechanism
from irsa_tui.chain.model import LinkId
from irsa_tui.runner import Step, StepContext, StepGraph, fact_keys
from irsa_tui.sources.protocols import Sources
from irsa_tui.steps_credentials import CREDENTIAL_KEYS, CREDENTIAL_STEPS

__all__ = ["GRAPH", "INTERNAL", "STEPS", "StepInputs", "decode_token", "fold", "redact_signature"]

INTERNAL = ("pod_read", "caller_identity", "role_arn", "role_policies", "aws_region", "credentials", *CREDENTIAL_KEYS)
"""Keys passed between steps that are not Facts fields:
``pod_read`` the pod as read (before its owner is resolved); ``caller_identity`` (account, ARN) or
SourceError; ``role_arn`` the RoleArn under test or None; ``role_policies`` the role's identity
policies (folded into ``Facts.role``); ``aws_region`` the region of the run once DescribeCluster
answered; ``credentials`` what STS issued, for the S3 probe; ``CREDENTIAL_KEYS`` the pod's node, instance
and instance profile (the credentials section, ``steps_credentials.py``)."""


@dataclass(frozen=True)
class StepInputs:
    """What the steps know before they fetch anything (from the options and the kube context)."""

    namespace: str
    pod: str
    live: bool
    cluster_name: str | None
    region: str | None
    bucket: str | None
    object_key: str | None
    cluster_explicit: bool = False
    """``--cluster`` was given (not guessed from the kube context)."""
    context: str | None = None
    """The kube context's name (names the cluster when it has no EKS API)."""
    logs: bool = False
    """``--logs``: read the tail of each app container's log."""
    log_lines: int = 200
    cloudtrail: bool = False
    """``--cloudtrail``: the role's web-identity events of the last hour."""


def _ctx(ctx: StepContext) -> tuple[Sources, StepInputs]:
    env: tuple[Sources, StepInputs] = ctx.env
    return env


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
    except (jwt.PyJWTError, UnicodeError) as exc:  # UnicodeError: a lone surrogate (JSON allows \ud800)
        raise ValueError(f"token is not a JWT: {exc}") from None
    return TokenFacts(
        origin=origin,  # type: ignore[arg-type]
        header=dict(header),
        claims=dict(claims),
        signature_redacted=redact_signature(token),
        fetched_at=fetched_at,
        raw=token,
    )


def fold(facts: Facts, values: Mapping[str, Any]) -> None:
    """The role's identity policies live on ``Facts.role`` (the s3 check reads them there)."""
    role = values.get("role")
    if isinstance(role, RoleFacts) and "role_policies" in values and role.policies is not values["role_policies"]:
        facts.role = replace(role, policies=values["role_policies"])


def _value(ctx: StepContext, key: str, kind: type[Any]) -> Any:
    """A need's value when it is a ``kind``, else None (a SourceError or a gap)."""
    value = ctx.need(key)
    return value if isinstance(value, kind) else None


def _fetch(ctx: StepContext, name: str, fn: Callable[[], Any], key: tuple[str, ...] | None = None,
           hops: int = 1) -> Any:
    """``ctx.call``, with a source's failure as the value (a fact we could not get)."""
    try:
        return ctx.call(name, fn, hops=hops, key=key)
    except SourceFailure as failure:
        return failure.error


# --- cluster scope -------------------------------------------------------------------------------
def step_webhook(ctx: StepContext) -> None:
    src, _ = _ctx(ctx)
    ctx.settle(webhook=_fetch(ctx, "kubernetes LIST mutatingwebhookconfigurations", src.kube.webhooks, ("webhooks",)))


def step_caller(ctx: StepContext) -> None:
    src, _ = _ctx(ctx)
    try:
        account, arn = ctx.call("sts GetCallerIdentity", src.aws.caller, key=("caller",))
        ctx.settle(caller_identity=(account, arn), caller=arn)
    except SourceFailure as failure:
        ctx.settle(caller_identity=failure.error, caller=None)


def step_warm(ctx: StepContext) -> None:
    src, _ = _ctx(ctx)
    with contextlib.suppress(Exception):  # warming is an optimisation only
        src.aws.warm()


def _apiserver_cluster(ctx: StepContext, note: str) -> ClusterFacts | SourceError:
    """No EKS API for this context (kOps, self-managed): the API server's own discovery document."""
    src, inputs = _ctx(ctx)
    issuer = _fetch(ctx, "kubernetes GET /.well-known/openid-configuration", src.kube.issuer_discovery,
                    ("apiserver-issuer",))
    if isinstance(issuer, SourceError):
        return issuer
    return ClusterFacts(name=inputs.context or "", region=inputs.region or "", issuer=issuer, source="apiserver",
                        note=note)


def step_cluster(ctx: StepContext) -> None:
    src, inputs = _ctx(ctx)
    name = inputs.cluster_name
    if not name:
        found = _apiserver_cluster(ctx, "no EKS cluster in the kube context")
        if isinstance(found, SourceError):
            ctx.gap("cluster", "EKS cluster name unknown (not in the kube context; pass --cluster) and the API "
                    f"server's discovery document not readable ({found.one_line()})", aws_region=inputs.region)
        else:
            ctx.settle(cluster=found, aws_region=inputs.region)
        return
    region = inputs.region
    cluster = _fetch(ctx, f"eks DescribeCluster {name}", lambda: src.aws.describe_cluster(name), ("describe-cluster", name))
    if isinstance(cluster, ClusterFacts):
        if not cluster.region:
            cluster = replace(cluster, region=src.aws.region or "")
        region = region or cluster.region or src.aws.region
    elif cluster.kind == "not-found" and not inputs.cluster_explicit:
        # A name guessed from the context that EKS does not know (a cluster without EKS, or one in
        # another account): the API server still says its issuer. An explicit --cluster stays an error.
        found = _apiserver_cluster(ctx, f"EKS does not know it ({cluster.one_line()})")
        cluster = found if isinstance(found, ClusterFacts) else cluster
    ctx.settle(cluster=cluster, aws_region=region)


def step_issuer(ctx: StepContext) -> None:
    src, _ = _ctx(ctx)
    cluster = ctx.need("cluster")
    token: Any = None
    issuer = plan.issuer_url(cluster if isinstance(cluster, ClusterFacts) else None, None)
    if not issuer:
        token = ctx.need("token")
        issuer = plan.issuer_url(None, token if isinstance(token, TokenFacts) else None)
    if not issuer:
        if isinstance(cluster, SourceError):  # DescribeCluster was the only way to the issuer
            ctx.settle(issuer=cluster)
        else:
            ctx.gap("issuer", "issuer unknown: no cluster issuer and no token")
        return
    if not issuer.startswith("https://"):
        ctx.settle(issuer=SourceError("oidc-issuer", "invalid", f"issuer {issuer!r} is not an https URL"))
        return
    # Discovery and JWKS first; the signature check needs the token, which may still be coming.
    facts: IssuerFacts = ctx.call(f"oidc GET {issuer}/.well-known/openid-configuration + JWKS",
                                  lambda: src.issuer.fetch(issuer), hops=2, key=("issuer", issuer))
    if token is None:
        token = ctx.need("token")
    if isinstance(token, TokenFacts) and token.raw and isinstance(facts.jwks, dict):
        sig, detail = src.issuer.verify(token.raw, facts.jwks)
        facts = replace(facts, signature=sig, signature_detail=detail)  # type: ignore[arg-type]
    ctx.settle(issuer=facts)


def step_provider(ctx: StepContext) -> None:
    src, _ = _ctx(ctx)
    arn = _value(ctx, "role_arn", RoleArn)
    cluster = ctx.need("cluster")
    issuer = plan.issuer_url(cluster if isinstance(cluster, ClusterFacts) else None, None)
    if not issuer:
        issuer = plan.issuer_url(None, _value(ctx, "token", TokenFacts))
    if not issuer:
        if isinstance(cluster, SourceError):
            ctx.settle(provider=cluster)
        else:
            ctx.gap("provider", "issuer unknown: no cluster issuer and no token")
        return
    caller = ctx.need("caller_identity")
    known = caller if isinstance(caller, tuple) else None
    account = arn.account if arn else (known[0] if known else None)
    if account is None:
        ctx.settle(provider=caller if isinstance(caller, SourceError) else SourceError(
            "iam", "other", "cannot tell which account to look in"))
        return
    if known and known[0] != account:
        ctx.settle(provider=SourceError(
            "iam", "forbidden",
            f"OIDC providers of account {account} (the role's) cannot be listed: irsa-tui runs as account {known[0]}",
            permission=f"iam:ListOpenIDConnectProviders in account {account}"))
        return
    partition = plan.provider_partition(known[1] if known else None, _value(ctx, "aws_region", str), arn)
    ctx.settle(provider=_fetch(ctx, "iam ListOpenIDConnectProviders + GetOpenIDConnectProvider",
                               lambda: src.aws.oidc_provider(account, partition, issuer),
                               ("oidc-provider", account, partition, issuer), hops=2))


# --- namespace scope -----------------------------------------------------------------------------
def step_ns_sas(ctx: StepContext) -> None:
    src, inputs = _ctx(ctx)
    ns = inputs.namespace
    ctx.settle(namespace_service_accounts=_fetch(ctx, f"kubernetes LIST serviceaccounts in {ns}",
                                                 lambda: src.kube.list_service_accounts(ns), ("serviceaccounts", ns)))


def step_sa(ctx: StepContext) -> None:
    src, _ = _ctx(ctx)
    pod = _value(ctx, "pod_read", PodFacts)
    if pod is None:
        ctx.gap("service_account", "pod could not be read")
        return
    ctx.settle(service_account=_fetch(ctx, f"kubernetes GET serviceaccount {pod.namespace}/{pod.sa_name}",
                                      lambda: src.kube.get_service_account(pod.namespace, pod.sa_name),
                                      ("serviceaccount", pod.namespace, pod.sa_name)))


# --- role scope ----------------------------------------------------------------------------------
def step_role(ctx: StepContext) -> None:
    src, _ = _ctx(ctx)
    arn = _value(ctx, "role_arn", RoleArn)
    if arn is None:
        ctx.gap("role", "no well-formed role ARN to look up (see service-account)")
        return
    caller = ctx.need("caller_identity")
    try:
        role: Any = ctx.call(f"iam GetRole {arn.name}", lambda: src.aws.get_role(arn.name, str(arn), arn.account),
                             key=("role", str(arn)))
    except SourceFailure as failure:
        role = failure.error
        if isinstance(caller, tuple) and caller[0] != arn.account and failure.error.kind in ("not-found", "forbidden"):
            role = SourceError("iam", "forbidden", f"iam GetRole {arn.name}: role is in account {arn.account}, "
                               f"irsa-tui runs as account {caller[0]}", permission=f"read access to account {arn.account}")
    ctx.settle(role=role)


def step_policies(ctx: StepContext) -> None:
    """Inline and attached policies: both lists in parallel, then every document in parallel."""
    src, inputs = _ctx(ctx)
    arn = _value(ctx, "role_arn", RoleArn)
    if arn is None or not inputs.live:
        ctx.settle(role_policies=None)
        return
    caller = ctx.need("caller_identity")
    if isinstance(caller, tuple) and caller[0] != arn.account:  # IAM reads only the caller's account
        ctx.settle(role_policies=SourceError(
            "iam", "forbidden", f"policies of role {arn.name} (account {arn.account}): irsa-tui runs as account "
            f"{caller[0]}", permission=f"read access to account {arn.account}"))
        return
    role, aws = arn.name, src.aws
    policies: Any
    try:
        names: list[str]
        arns: list[str]
        names, arns = ctx.parallel([
            (f"iam ListRolePolicies {role}", lambda: aws.inline_policy_names(role), ("inline-names", role), 1),
            (f"iam ListAttachedRolePolicies {role}", lambda: aws.attached_policy_arns(role), ("attached", role), 1),
        ])
        documents = ctx.parallel([
            *((f"iam GetRolePolicy {role}/{name}", functools.partial(aws.inline_policy, role, name),
               ("inline", role, name), 1) for name in names),
            # GetPolicy then GetPolicyVersion: two round trips.
            *((f"iam GetPolicy + GetPolicyVersion {p}", functools.partial(aws.managed_policy, p), ("managed", p), 2)
              for p in arns),
        ])
        policies = tuple(documents)
    except SourceFailure as failure:
        policies = failure.error
    ctx.settle(role_policies=policies)


# --- pod scope -----------------------------------------------------------------------------------
def step_pod(ctx: StepContext) -> None:
    src, inputs = _ctx(ctx)
    ns, name = inputs.namespace, inputs.pod
    try:
        pod: Any = ctx.call(f"kubernetes GET pod {ns}/{name}", lambda: src.kube.get_pod(ns, name))
    except SourceFailure as failure:
        pod = failure.error
    except Exception as exc:  # kubeconfig problems surface on first use
        from irsa_tui.sources.kubeconfig import KubeconfigError

        if not isinstance(exc, KubeconfigError):
            raise
        pod = SourceError("kubeconfig", "invalid", str(exc))
    ctx.settle(pod_read=pod)


def step_owner(ctx: StepContext) -> None:
    """The pod as the checks see it: with its top controller (Deployment) instead of a ReplicaSet."""
    src, _ = _ctx(ctx)
    pod = ctx.need("pod_read")
    owner = pod.owner if isinstance(pod, PodFacts) else None
    if isinstance(pod, PodFacts) and owner is not None and owner.kind == "ReplicaSet":
        try:
            resolved = ctx.call(f"kubernetes GET replicaset {pod.namespace}/{owner.name}",
                                lambda: src.kube.get_owner(pod, owner))
            pod = replace(pod, owner=resolved)
        except SourceFailure:
            pass  # keep the ReplicaSet as owner: the fix still names something real
    ctx.settle(pod=pod)


def step_role_arn(ctx: StepContext) -> None:
    """The role under test (``plan.role_under_test``); the SA is read only when the pod's env names none."""
    pod = _value(ctx, "pod_read", PodFacts)
    if pod is not None and env_mechanism(pod) == "pod-identity":  # no IRSA role to read for it
        ctx.gap("role_arn", "the pod uses EKS Pod Identity")
        return
    sa = None
    if pod is None or plan.pod_role_env(pod) is None:
        sa = _value(ctx, "service_account", ServiceAccountFacts)
    ctx.settle(role_arn=plan.role_under_test(pod, sa))


def step_token(ctx: StepContext) -> None:
    src, inputs = _ctx(ctx)
    pod = _value(ctx, "pod_read", PodFacts)
    if pod is None:
        ctx.gap("token", "pod could not be read", token_request_error=None)
        return
    if env_mechanism(pod) == "pod-identity":  # its token is the pods.eks.amazonaws.com one (pi_token)
        ctx.gap("token", "the pod uses EKS Pod Identity", token_request_error=None)
        return
    # The audience lives on the injected volume; only fall back to the SA when it is absent.
    sa = None if plan.volume_audience(pod) else _value(ctx, "service_account", ServiceAccountFacts)
    audience = plan.token_audience(pod, sa)

    def predicted() -> TokenFacts:
        return predicted_token(pod, audience, _value(ctx, "cluster", ClusterFacts))

    if not inputs.live:
        ctx.settle(token=predicted(), token_request_error=None,
                   gaps={"token": "live probes off: claims predicted, no TokenRequest made"})
        return
    fetched_at = datetime.now(UTC)
    try:
        raw, _ = ctx.call(f"kubernetes TokenRequest {pod.namespace}/{pod.sa_name}",
                          lambda: src.kube.token_request(pod, audience))
    except SourceFailure as failure:
        ctx.settle(token=predicted(), token_request_error=failure.error)
        return
    try:
        token: TokenFacts | SourceError = decode_token(raw, fetched_at)
    except ValueError as exc:
        token = SourceError("kubernetes", "bad-response", f"TokenRequest returned something that is not a JWT: {exc}")
    ctx.settle(token=token, token_request_error=None)


def predicted_token(pod: PodFacts, audience: str, cluster: ClusterFacts | None) -> TokenFacts:
    """The claims the kubelet's token would carry (no TokenRequest: ``--no-live`` or not permitted)."""
    return TokenFacts(origin="predicted", header={}, claims=plan.predicted_claims(pod, audience, cluster,
                      int(time.time())), signature_redacted="(predicted: no token)", fetched_at=datetime.now(UTC))


def step_sts(ctx: StepContext) -> None:
    src, inputs = _ctx(ctx)
    if not inputs.live:
        ctx.gap("sts", "live probes off", credentials=None)
        return
    token = ctx.need("token")
    arn = _value(ctx, "role_arn", RoleArn)
    if not isinstance(token, TokenFacts) or token.origin != "token-request":
        ctx.gap("sts", "no real token to present (see token)", credentials=None)
        return
    pod = _value(ctx, "pod_read", PodFacts)
    if pod is not None and env_mechanism(pod) == "pod-identity":  # its chain is Pod Identity's: no web identity
        ctx.gap("sts", "the pod uses EKS Pod Identity (see eks-auth)", credentials=None)
        return
    sa = _value(ctx, "service_account", ServiceAccountFacts)
    request = plan.sts_plan(pod, arn, sa, _value(ctx, "aws_region", str), int(time.time()))
    if request is None:
        ctx.gap("sts", "no role ARN to assume (see service-account)", credentials=None)
        return
    try:
        sts, creds = ctx.call("sts AssumeRoleWithWebIdentity", lambda: src.aws.assume_role_with_web_identity(
            request.role, token.raw, request.region, request.regional, request.session_name))
    except SourceFailure as failure:
        ctx.settle(sts=failure.error, credentials=None)
        return
    ctx.settle(sts=replace(sts, pod_endpoint=request.endpoint), credentials=creds)


def step_s3(ctx: StepContext) -> None:
    src, inputs = _ctx(ctx)
    if not inputs.live:
        ctx.gap("s3", "live probes off")
        return
    creds = ctx.need("credentials")
    policies = ctx.need("role_policies")  # also keeps Facts.role.policies complete for the s3 check
    if creds is None or isinstance(creds, SourceError):
        ctx.gap("s3", "no credentials: STS did not issue any (see sts)")
        return
    bucket, origin = plan.bucket_to_probe(inputs.bucket, policies if isinstance(policies, tuple) else None)
    region = plan.probe_region(_value(ctx, "pod_read", PodFacts), _value(ctx, "aws_region", str))
    key = inputs.object_key if inputs.bucket else None
    value = _fetch(ctx, f"s3 {'ListObjectsV2 ' + bucket if bucket else 'ListBuckets'}",
                   lambda: src.aws.s3_probe(creds, bucket, origin, region, key))
    arn = _value(ctx, "role_arn", RoleArn)
    base = ctx.depth
    if isinstance(value, S3Facts) and not value.ok and value.error_code == "AccessDenied" and bucket and arn:
        # Tell identity-policy gaps from resource-policy/SCP denials, where the caller may.
        simulation = ctx.call("iam SimulatePrincipalPolicy", lambda: src.aws.simulate(
            str(arn), ["s3:ListBucket"], f"arn:{arn.partition}:s3:::{bucket}"))
        if simulation:
            value = replace(value, simulation=simulation)
    probe = value.object if isinstance(value, S3Facts) else None
    if isinstance(value, S3Facts) and isinstance(probe, S3ObjectFacts) and not probe.ok and bucket \
            and probe.error_code == "AccessDenied" and arn:
        # GetObject denied: by the identity policy (s3:GetObject, or kms:Decrypt on the named key)?
        action, resource = plan.object_denial_to_simulate(probe, bucket, arn)
        ctx.depth = base  # the two simulations are independent: the same depth
        simulation = ctx.call("iam SimulatePrincipalPolicy", lambda: src.aws.simulate(str(arn), [action], resource))
        if simulation:
            value = replace(value, simulation={**(value.simulation or {}), **simulation})
    ctx.settle(s3=value)


# --- evidence: what the app and AWS saw (opt-in) ------------------------------------------------
TRAIL_WINDOW = 3600
"""CloudTrail: the last hour of events."""


def split_timestamps(text: str) -> tuple[list[str], list[str | None]]:
    """Log lines as the API server sends them with ``timestamps=true``: (texts, timestamps)."""
    texts: list[str] = []
    stamps: list[str | None] = []
    for line in text.splitlines():
        head, _, rest = line.partition(" ")
        if len(head) >= 20 and head[:4].isdigit() and head[4:5] == "-" and "T" in head:
            texts.append(rest)
            stamps.append(head[:19] + "Z" if head.endswith("Z") else head)
        else:
            texts.append(line)
            stamps.append(None)
    return texts, stamps


def log_matches(text: str) -> tuple[int, tuple[LogMatch, ...]]:
    """(lines read, the known error shapes found): only the matched lines (redacted) are kept."""
    from irsa_tui.explain.engine import explain

    texts, stamps = split_timestamps(text)
    result = explain("\n".join(texts))
    return len(texts), tuple(
        LogMatch(code=m.shape.code, line=m.line, count=m.count,
                 timestamp=stamps[m.line_number - 1] if 0 < m.line_number <= len(stamps) else None)
        for m in result.matches
    )


def step_logs(ctx: StepContext) -> None:
    src, inputs = _ctx(ctx)
    if not inputs.logs:
        ctx.gap("logs", "app logs not read (check --logs reads them)")
        return
    pod = _value(ctx, "pod_read", PodFacts)
    if pod is None:
        ctx.gap("logs", "pod could not be read")
        return
    found: list[ContainerLog] = []
    for container in (c for c in pod.containers if c.kind == "container"):
        try:
            text = ctx.call(f"kubernetes GET pods/log {pod.namespace}/{pod.name} {container.name}",
                            functools.partial(src.kube.pod_log, pod.namespace, pod.name, container.name,
                                              inputs.log_lines))
        except SourceFailure as failure:
            found.append(ContainerLog(container.name, error=failure.error))
            if failure.error.kind == "forbidden":  # the same answer for every container: ask once
                found += [ContainerLog(c.name, error=failure.error) for c in pod.containers
                          if c.kind == "container" and c.name not in {f.container for f in found}]
                break
            continue
        read, matches = log_matches(text)
        found.append(ContainerLog(container.name, lines_read=read, matches=matches))
    ctx.settle(logs=LogFacts(tail_lines=inputs.log_lines, containers=tuple(found)))


def step_cloudtrail(ctx: StepContext) -> None:
    src, inputs = _ctx(ctx)
    if not inputs.cloudtrail:
        ctx.gap("cloudtrail", "CloudTrail not read (check --cloudtrail reads it)")
        return
    arn = _value(ctx, "role_arn", RoleArn)
    if arn is None:
        ctx.gap("cloudtrail", "no role ARN to look up in CloudTrail (see service-account)")
        return
    from irsa_tui.chain.trail import summarise

    event = "AssumeRoleWithWebIdentity"
    until = datetime.now(UTC)
    since = datetime.fromtimestamp(until.timestamp() - TRAIL_WINDOW, UTC)
    try:
        events, truncated = ctx.call(f"cloudtrail LookupEvents {event}",
                                     lambda: src.aws.cloudtrail_events(event, since, until), key=None)
    except SourceFailure as failure:
        ctx.settle(cloudtrail=failure.error)
        return
    ctx.settle(cloudtrail=summarise(events, event, str(arn), since, until, truncated))


SA, INJ, TOK, OIDC, STS, S3 = (LinkId.SERVICE_ACCOUNT, LinkId.INJECTION, LinkId.TOKEN, LinkId.OIDC_PROVIDER,
                               LinkId.STS, LinkId.S3)

STEPS: tuple[Step, ...] = (
    Step("pod", (), ("pod_read",), SA, step_pod, calls=("kubernetes GET pod",)),
    Step("owner", ("pod_read",), ("pod",), SA, step_owner, calls=("kubernetes GET replicaset",)),
    Step("webhook", (), ("webhook",), INJ, step_webhook,
         calls=("kubernetes LIST mutatingwebhookconfigurations",), scope="cluster"),
    Step("ns_sas", (), ("namespace_service_accounts",), SA, step_ns_sas,
         calls=("kubernetes LIST serviceaccounts",), scope="namespace"),
    Step("caller", (), ("caller_identity", "caller"), OIDC, step_caller,
         calls=("sts GetCallerIdentity",), scope="cluster"),
    Step("warm", (), (), None, step_warm, scope="cluster", round_trips=0),
    Step("cluster", (), ("cluster", "aws_region"), OIDC, step_cluster,
         calls=("eks DescribeCluster", "kubernetes GET /.well-known"), scope="cluster"),
    Step("sa", ("pod_read",), ("service_account",), SA, step_sa,
         calls=("kubernetes GET serviceaccount",), scope="namespace"),
    Step("role_arn", ("pod_read", "service_account"), ("role_arn",), SA, step_role_arn, round_trips=0),
    Step("role", ("role_arn", "caller_identity"), ("role",), SA, step_role,
         calls=("iam GetRole",), scope="role"),
    Step("policies", ("role_arn", "caller_identity"), ("role_policies",), S3, step_policies,
         calls=("iam ListRolePolicies", "iam ListAttachedRolePolicies", "iam GetRolePolicy", "iam GetPolicy"),
         scope="role", round_trips=3),
    Step("token", ("pod_read", "service_account", "cluster"), ("token", "token_request_error"), TOK, step_token,
         calls=("kubernetes TokenRequest",)),
    Step("issuer", ("cluster", "token"), ("issuer",), OIDC, step_issuer,
         calls=("oidc GET",), scope="cluster", round_trips=2),
    Step("provider", ("role_arn", "cluster", "token", "caller_identity", "aws_region"), ("provider",), OIDC,
         step_provider, calls=("iam ListOpenIDConnectProviders",), scope="cluster", round_trips=2),
    Step("sts", ("token", "role_arn", "pod_read", "service_account", "aws_region"), ("sts", "credentials"), STS,
         step_sts, calls=("sts AssumeRoleWithWebIdentity",)),
    Step("s3", ("credentials", "role_policies", "pod_read", "aws_region", "role_arn"), ("s3",), S3, step_s3,
         calls=("s3 ", "iam SimulatePrincipalPolicy"), round_trips=2),
    Step("logs", ("pod_read",), ("logs",), INJ, step_logs, calls=("kubernetes GET pods/log",)),
    Step("cloudtrail", ("role_arn",), ("cloudtrail",), STS, step_cloudtrail, calls=("cloudtrail LookupEvents",)),
    *CREDENTIAL_STEPS,
)
"""The IRSA fetch steps. Order here is only the order of deadline messages; the runner derives the rest."""

GRAPH = StepGraph(STEPS, INTERNAL, fold, fact_keys() - set(POD_IDENTITY_FIELDS))
