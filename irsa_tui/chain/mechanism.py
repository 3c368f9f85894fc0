"""Which identity mechanism a pod really uses: IRSA, EKS Pod Identity, or none (pure).

Decided from what the pod *has* (each container's env and the token volumes), with the
ServiceAccount's ``eks.amazonaws.com/role-arn`` and the Pod Identity associations only to say
what was configured and why the pod did or did not get it. Two precedence rules (pod-identity.md
§0, §3.2): at injection the webhook gives an association precedence over the role annotation
(only the container-credentials env is injected); inside a container whose env has both sets,
web identity wins in every SDK (botocore, Go v2, Java v2, JS v3).
"""

from __future__ import annotations

import csv
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from irsa_tui.chain.facts import PodFacts
from irsa_tui.chain.pod_identity_facts import AssociationFacts

__all__ = [
    "AssociationInput",
    "ContainerEnv",
    "ContainerMechanism",
    "MechanismId",
    "MechanismVerdict",
    "PodInput",
    "association_inputs",
    "detect_mechanism",
    "diagnosed",
    "env_mechanism",
    "is_agent_uri",
    "pod_input",
    "verdict_json",
]

MechanismId = Literal["irsa", "pod-identity", "none"]

ROLE_ARN = "AWS_ROLE_ARN"
TOKEN_FILE = "AWS_WEB_IDENTITY_TOKEN_FILE"
FULL_URI = "AWS_CONTAINER_CREDENTIALS_FULL_URI"
RELATIVE_URI = "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"
AUTH_TOKEN_FILE = "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"
IRSA_VOLUME = "aws-iam-token"
POD_IDENTITY_VOLUME = "eks-pod-identity-token"
SKIP_LABEL = "eks.amazonaws.com/skip-pod-identity-webhook"
SKIP_CONTAINERS = "eks.amazonaws.com/skip-containers"


@dataclass(frozen=True)
class ContainerEnv:
    """One container as the pod spec has it."""

    name: str
    env: Mapping[str, str | None]
    """Env var names to literal values (None: set through valueFrom, value not visible)."""
    mounts: Mapping[str, str] = field(default_factory=dict)
    """Volume name -> mount path."""
    init: bool = False


@dataclass(frozen=True)
class PodInput:
    namespace: str
    name: str
    service_account: str
    containers: tuple[ContainerEnv, ...]
    volumes: tuple[str, ...] = ()
    """Volume names."""
    created: datetime | None = None
    labels: Mapping[str, str] = field(default_factory=dict)
    annotations: Mapping[str, str] = field(default_factory=dict)
    host_network: bool = False


@dataclass(frozen=True)
class AssociationInput:
    namespace: str
    service_account: str
    association_id: str = ""
    role_arn: str | None = None
    """None when only the summary (List) is known."""
    target_role_arn: str | None = None
    created: datetime | None = None


@dataclass(frozen=True)
class ContainerMechanism:
    container: str
    mechanism: MechanismId
    """What this container's SDK uses among the two (web identity first)."""
    web_identity: bool
    container_credentials: bool
    why: str


@dataclass(frozen=True)
class MechanismVerdict:
    mechanism: MechanismId
    """What the pod's app containers really use (Pod Identity if any uses it, then IRSA)."""
    configured: tuple[MechanismId, ...]
    """Set up outside the pod: ``irsa`` (role annotation), ``pod-identity`` (an association)."""
    injected: MechanismId
    """What the webhook gives this pod at CREATE given what is configured now (Pod Identity first)."""
    containers: tuple[ContainerMechanism, ...]
    reasons: tuple[str, ...]
    """Who wins and why, one line each, the decisive one first."""
    association: AssociationInput | None = None
    uniform: bool = True
    """Every app container uses the same mechanism."""


def association_inputs(found: Sequence[AssociationFacts]) -> tuple[AssociationInput, ...]:
    """The sources' associations as detection inputs (role unknown when Describe failed)."""
    return tuple(
        AssociationInput(
            namespace=a.namespace,
            service_account=a.service_account,
            association_id=a.association_id,
            role_arn=a.role_arn,
            target_role_arn=a.target_role_arn,
            created=a.created,
        )
        for a in found
    )


AGENT_HOSTS = ("169.254.170.23", "[fd00:ec2::23]")


def is_agent_uri(env: Mapping[str, str | None]) -> bool:
    """``AWS_CONTAINER_CREDENTIALS_FULL_URI`` names the Pod Identity agent (a valueFrom value is assumed to).

    A RELATIVE_URI is ECS's 169.254.170.2, never the agent."""
    if FULL_URI not in env:
        return False
    value = env[FULL_URI]
    if value is None:
        return True
    rest = str(value).strip().split("://", 1)[-1]
    return any(rest == h or rest.startswith((h + "/", h + ":")) for h in AGENT_HOSTS)


def _has(env: Mapping[str, str | None], name: str) -> bool:
    return name in env and (env[name] is None or bool(str(env[name]).strip()))


def _container(c: ContainerEnv) -> ContainerMechanism:
    web = _has(c.env, TOKEN_FILE) and _has(c.env, ROLE_ARN)
    creds = _has(c.env, FULL_URI) or _has(c.env, RELATIVE_URI)
    if web and creds:
        why = (
            "has both AWS_WEB_IDENTITY_TOKEN_FILE and AWS_CONTAINER_CREDENTIALS_* env: web identity comes first "
            "in every SDK's chain, so IRSA is used and the Pod Identity env is ignored"
        )
        return ContainerMechanism(c.name, "irsa", True, True, why)
    if web:
        return ContainerMechanism(c.name, "irsa", True, False, "AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE are set")
    if creds and not is_agent_uri(c.env):
        uri = c.env.get(FULL_URI) or f"{RELATIVE_URI}={c.env.get(RELATIVE_URI)}"
        return ContainerMechanism(
            c.name, "none", False, True,
            f"container credentials come from {uri}, not the EKS Pod Identity agent (169.254.170.23)",
        )
    if creds:
        return ContainerMechanism(c.name, "pod-identity", False, True, f"{FULL_URI} points at the Pod Identity agent")
    partial = [n for n in (ROLE_ARN, TOKEN_FILE) if _has(c.env, n)]
    if partial:
        return ContainerMechanism(
            c.name, "none", False, False,
            f"only {partial[0]} is set: web identity needs both AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE",
        )
    return ContainerMechanism(c.name, "none", False, False, "no IRSA or Pod Identity env")


def _skipped(pod: PodInput) -> set[str]:
    value = pod.annotations.get(SKIP_CONTAINERS, "")
    first = value.splitlines()[0] if value.strip() else ""
    try:
        return set(next(csv.reader([first], strict=True))) if first else set()
    except (csv.Error, StopIteration):
        return set()


def _age(when: datetime | None) -> str:
    return when.strftime("%Y-%m-%d %H:%M:%SZ") if when else "unknown"


def detect_mechanism(
    pod: PodInput, sa_role_arn: str | None, associations: Sequence[AssociationInput]
) -> MechanismVerdict:
    """Decide ``irsa`` | ``pod-identity`` | ``none`` for the pod, and say who wins and why."""
    assoc = next(
        (a for a in associations if a.namespace == pod.namespace and a.service_account == pod.service_account),
        None,
    )
    configured: list[MechanismId] = []
    if sa_role_arn and sa_role_arn.strip():
        configured.append("irsa")
    if assoc is not None:
        configured.append("pod-identity")
    injected: MechanismId = "pod-identity" if assoc is not None else "irsa" if "irsa" in configured else "none"
    per = tuple(_container(c) for c in pod.containers)
    app = [m for m, c in zip(per, pod.containers, strict=True) if not c.init] or list(per)
    mechs = {m.mechanism for m in app}
    mechanism: MechanismId = "pod-identity" if "pod-identity" in mechs else "irsa" if "irsa" in mechs else "none"
    reasons: list[str] = []
    both_env = [m.container for m in per if m.web_identity and m.container_credentials]
    if both_env:
        reasons.append(
            f"container {', '.join(both_env)} has both IRSA and Pod Identity env: web identity wins in every SDK "
            "(botocore, Go v2, Java v2, JS v3), so the Pod Identity association is ignored there"
        )
    if assoc is not None and "irsa" in configured:
        if mechanism == "pod-identity":
            reasons.append(
                "both are configured; the webhook gives the Pod Identity association precedence at injection, "
                "so the eks.amazonaws.com/role-arn annotation is unused for this pod"
            )
        elif mechanism == "irsa":
            reasons.append(_why_not_pod_identity(pod, assoc, irsa=True))
    elif assoc is not None and mechanism != "pod-identity":
        reasons.append(_why_not_pod_identity(pod, assoc, irsa=False))
    elif "irsa" in configured and mechanism == "none":
        reasons.append(_why_not_injected(pod, "the eks.amazonaws.com/role-arn annotation"))
    elif mechanism == "irsa" and "irsa" not in configured:
        reasons.append(
            "the pod spec sets AWS_ROLE_ARN/AWS_WEB_IDENTITY_TOKEN_FILE itself: the ServiceAccount has no "
            "role annotation and there is no association"
        )
    elif mechanism == "pod-identity" and assoc is None:
        reasons.append(
            f"the pod has {FULL_URI} but there is no association for {pod.namespace}/{pod.service_account} now: "
            "EKS Auth will answer ResourceNotFoundException (the association was deleted or renamed)"
        )
    custom = [m for m in app if m.mechanism == "none" and m.container_credentials]
    if custom:
        reasons.insert(0, f"container {custom[0].container}: {custom[0].why}")
    elif not configured and mechanism == "none":
        reasons.append(
            f"no eks.amazonaws.com/role-arn on ServiceAccount {pod.service_account} and no Pod Identity "
            f"association for {pod.namespace}/{pod.service_account}: the SDK falls back to the node's "
            "instance role through IMDS, if it can reach it"
        )
    if mechanism != "none" and not reasons:
        reasons.append(
            "IRSA: the webhook injected the role annotation's env"
            if mechanism == "irsa"
            else "Pod Identity: the webhook injected the association's container-credentials env"
        )
    uniform = len(mechs) == 1
    if not uniform:
        differ = ", ".join(f"{m.container}: {m.mechanism}" for m in app)
        reasons.append(f"the containers differ ({differ})")
    return MechanismVerdict(mechanism, tuple(configured), injected, per, tuple(reasons), assoc, uniform)


def _why_not_pod_identity(pod: PodInput, assoc: AssociationInput, irsa: bool) -> str:
    got = "IRSA" if irsa else "no credentials env"
    if pod.created and assoc.created and assoc.created >= pod.created:
        return (
            f"the association was created at {_age(assoc.created)}, after the pod ({_age(pod.created)}); "
            f"the webhook injects only at pod CREATE, so the pod got {got}: restart it to get Pod Identity"
        )
    return _why_not_injected(pod, "the Pod Identity association") + (
        "; it kept the IRSA env" if irsa else ""
    )


def _why_not_injected(pod: PodInput, what: str) -> str:
    if SKIP_LABEL in pod.labels:
        return f"the pod carries the label {SKIP_LABEL}, so the webhook skipped it: {what} was not injected"
    skipped = _skipped(pod) & {c.name for c in pod.containers}
    if skipped:
        return (
            f"the annotation {SKIP_CONTAINERS} names {', '.join(sorted(skipped))}: the webhook left "
            f"{'that container' if len(skipped) == 1 else 'those containers'} alone"
        )
    preset = [
        c.name for c in pod.containers if any(n in c.env for n in (FULL_URI, AUTH_TOKEN_FILE, ROLE_ARN, TOKEN_FILE))
    ]
    if preset:
        return f"container {', '.join(preset)} pre-sets credential env, which the webhook never overwrites"
    return (
        f"{what} was not injected: the pod was created before it, or the webhook did not run "
        "(failurePolicy Ignore): restart the pod"
    )


def pod_input(pod: PodFacts) -> PodInput:
    """The pod as detection reads it (literal env values; a valueFrom value is None, still "set")."""
    containers = tuple(
        ContainerEnv(
            name=c.name,
            env={v.name: v.value for v in c.env},
            mounts={m.name: m.mount_path for m in c.mounts},
            init=c.kind == "init",
        )
        for c in pod.containers
        if c.kind in ("init", "container")
    )
    return PodInput(
        namespace=pod.namespace,
        name=pod.name,
        service_account=pod.sa_name,
        containers=containers,
        volumes=tuple(v.name for v in pod.volumes),
        created=pod.created,
        labels=pod.labels,
        annotations=pod.annotations,
        host_network=pod.host_network,
    )


def env_mechanism(pod: PodFacts) -> MechanismId | None:
    """The mechanism the pod's env alone decides (``None``: no credentials env, so it takes the
    ServiceAccount and the associations to say which chain to walk)."""
    found = detect_mechanism(pod_input(pod), None, ()).mechanism
    return None if found == "none" else found


def diagnosed(verdict: MechanismVerdict) -> MechanismId:
    """The mechanism whose chain to walk: what the pod uses; when it uses none, what it was configured to
    get (Pod Identity first, as the webhook decides), so the chain says why it did not; else ``none``."""
    return verdict.mechanism if verdict.mechanism != "none" else verdict.injected


def verdict_json(verdict: MechanismVerdict, diagnosed_id: str) -> dict[str, object]:
    """The JSON ``mechanism_detail``: what the pod uses, what is configured, what the webhook injects, who
    wins and why, and each container's reading."""
    assoc = verdict.association
    return {
        "diagnosed": diagnosed_id,
        "uses": verdict.mechanism,
        "configured": list(verdict.configured),
        "injected": verdict.injected,
        "uniform": verdict.uniform,
        "reasons": list(verdict.reasons),
        "association": None if assoc is None else {
            "id": assoc.association_id,
            "namespace": assoc.namespace,
            "service_account": assoc.service_account,
            "role_arn": assoc.role_arn,
            "target_role_arn": assoc.target_role_arn,
            "created": assoc.created.isoformat() if assoc.created else None,
        },
        "containers": [
            {"name": c.container, "mechanism": c.mechanism, "web_identity": c.web_identity,
             "container_credentials": c.container_credentials, "why": c.why}
            for c in verdict.containers
        ],
    }
