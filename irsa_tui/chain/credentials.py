"""The credentials a container really gets: per SDK family, the source its default chain picks, what
that source shadows, the identity it yields, and whether the node role is reachable through IMDS (pure).

pod-identity.md §3.1 gives the default chains (first match wins):

- botocore: env keys -> assume-role profile (``AWS_PROFILE``) -> web identity -> shared credentials
  file -> ``credential_process`` / config file -> container credentials -> IMDS. No fall-through on
  failure.
- Go v2: env keys -> env web identity -> shared config profile (keys, role, process, SSO) ->
  container credentials -> IMDS. No fall-through.
- Java v2: system properties -> env keys -> web identity -> profile files -> container -> IMDS; a
  provider that *fails* is skipped (``AwsCredentialsProviderChain``), so a broken IRSA/Pod Identity
  falls through to the node role, logged only at DEBUG.
- JS v3: env keys (skipped when ``AWS_PROFILE`` is set) -> ini profile (credentials and config file:
  keys, role, ``credential_process``) -> web identity -> container credentials when their env is
  set (then IMDS is never tried), else IMDS (unless ``AWS_EC2_METADATA_DISABLED``).

What a container's spec shows is its env (and where values and files come from); a file's contents
(a Secret) are never read. A source that only *may* apply (a profile or a file whose contents are
unknown) is not ``certain``: an SDK that reaches it first may or may not use it. botocore reads an
``AWS_PROFILE`` profile before web identity (it may be an assume-role profile); the files a container
names without a profile are placed where their keys would be read (after web identity).

IMDS from a pod (§3.3): ``hostNetwork`` always reaches it; otherwise IMDSv2 needs a hop limit >= 2,
and with ``HttpTokens=optional`` IMDSv1 still answers at hop limit 1. The node role is found from the
outside through the node's ``spec.providerID`` -> ``ec2:DescribeInstances`` -> instance profile ->
``iam:GetInstanceProfile`` (``node_identity``).
"""

from __future__ import annotations

import posixpath
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from irsa_tui.chain.endpoints import StsEndpoint, sts_endpoint
from irsa_tui.chain.errors import SourceError
from irsa_tui.chain.facts import ContainerFacts, PodFacts
from irsa_tui.chain.mechanism import is_agent_uri
from irsa_tui.chain.pod_identity_facts import InstanceFacts, InstanceProfileFacts, NodeFacts

__all__ = [
    "FAMILIES",
    "NOT_NEEDED",
    "SDKS",
    "ContainerCredentials",
    "ImdsReach",
    "NodeIdentity",
    "NodeMetadata",
    "SdkChoice",
    "Source",
    "container_credentials",
    "credentials_json",
    "fallback",
    "falls_back",
    "imds_reach",
    "node_identity",
    "node_metadata",
    "pod_credentials",
    "pod_sts_endpoint",
    "primary_container",
]

Sdk = Literal["botocore", "go-v2", "java-v2", "js-v3"]
SDKS: tuple[Sdk, ...] = ("botocore", "go-v2", "java-v2", "js-v3")
LABELS: Mapping[Sdk, str] = {"botocore": "botocore", "go-v2": "Go v2", "java-v2": "Java v2", "js-v3": "JS v3"}
FAMILIES = tuple(LABELS[s] for s in SDKS)
"""The SDK families as people name them (findings' text)."""
DEFAULT_CONTAINER_ANNOTATION = "kubectl.kubernetes.io/default-container"

Kind = Literal["env-keys", "profile", "credentials-file", "config-file", "web-identity", "container", "imds"]
KINDS: tuple[Kind, ...] = ("env-keys", "profile", "credentials-file", "config-file", "web-identity", "container",
                           "imds")

ORDER: Mapping[Sdk, tuple[Kind, ...]] = {
    "botocore": ("env-keys", "profile", "web-identity", "credentials-file", "config-file", "container", "imds"),
    "go-v2": ("env-keys", "web-identity", "profile", "credentials-file", "config-file", "container", "imds"),
    "java-v2": ("env-keys", "web-identity", "profile", "credentials-file", "config-file", "container", "imds"),
    "js-v3": ("env-keys", "profile", "credentials-file", "config-file", "web-identity", "container", "imds"),
}
PROFILE_VARS = ("AWS_PROFILE", "AWS_DEFAULT_PROFILE")


@dataclass(frozen=True)
class Source:
    """One credential source a container has settings for."""

    kind: Kind
    certain: bool
    """False when the source only may apply (a file or profile whose contents are unknown, IMDS unknown)."""
    what: str
    """In words, naming the variable, the file and where it comes from."""


@dataclass(frozen=True)
class NodeMetadata:
    """EC2 ``MetadataOptions`` of the pod's node (``ec2:DescribeInstances``)."""

    http_endpoint: str = "enabled"
    http_tokens: str = "required"
    hop_limit: int = 1
    fargate: bool = False


@dataclass(frozen=True)
class ImdsReach:
    reachable: Literal["yes", "no", "unknown"]
    version: Literal["v2", "v1"] | None
    why: str


@dataclass(frozen=True)
class NodeIdentity:
    """The pod's node as the credentials section needs it: its instance role and IMDS settings."""

    node: str | None
    instance_id: str | None = None
    instance_profile: str | None = None
    role_arn: str | None = None
    metadata: NodeMetadata | None = None
    unknown: tuple[str, ...] = ()
    """Why a part is unknown, one line each (naming the missing permission when that is why)."""

    def to_json(self) -> dict[str, Any]:
        meta = self.metadata
        return {
            "name": self.node,
            "instance_id": self.instance_id,
            "instance_profile": self.instance_profile,
            "role_arn": self.role_arn,
            "fargate": meta.fargate if meta else None,
            "http_endpoint": meta.http_endpoint if meta and not meta.fargate else None,
            "http_tokens": meta.http_tokens if meta and not meta.fargate else None,
            "hop_limit": meta.hop_limit if meta and not meta.fargate else None,
            "unknown": list(self.unknown),
        }


@dataclass(frozen=True)
class SdkChoice:
    sdk: Sdk
    source: Kind | None
    """The source this SDK uses: its first certain source, else its first possible one; None: nothing."""
    identity: str
    """Who the calls run as: a role ARN, the node role, or why nothing."""
    shadows: tuple[Kind, ...]
    """Present sources later in the chain that this one hides."""
    may_preempt: tuple[Kind, ...]
    """Possible sources earlier in the chain that win if the container's files hold them."""
    skipped: tuple[str, ...]
    """Present sources this SDK skips, and why."""
    on_failure: str
    """What happens when the chosen source fails."""

    @property
    def label(self) -> str:
        return LABELS[self.sdk]

    def to_json(self) -> dict[str, Any]:
        return {
            "sdk": self.sdk,
            "source": self.source,
            "identity": self.identity,
            "shadows": list(self.shadows),
            "may_preempt": list(self.may_preempt),
            "skipped": list(self.skipped),
            "on_failure": self.on_failure,
        }


@dataclass(frozen=True)
class ContainerCredentials:
    container: str
    present: tuple[Source, ...]
    """Sources whose settings exist (IMDS unless unreachable), in ``KINDS`` order."""
    choices: tuple[SdkChoice, ...]
    imds: ImdsReach
    notes: tuple[str, ...] = ()
    init: bool = False

    @property
    def agree(self) -> bool:
        return len({c.source for c in self.choices}) == 1

    def _source(self, kind: Kind | None) -> Source | None:
        return next((s for s in self.present if s.kind == kind), None)

    @property
    def picks(self) -> Mapping[str, Source]:
        """Per SDK family (``FAMILIES``), the first source it reaches, certain or not."""
        out: dict[str, Source] = {}
        for choice in self.choices:
            first = self._source(choice.may_preempt[0] if choice.may_preempt else choice.source)
            out[choice.label] = first or Source("imds", False, self.imds.why)
        return out

    @property
    def uses_role(self) -> bool | None:
        """True: every SDK family uses the web-identity role. False: none does. None: it depends."""
        picks = self.picks.values()
        if all(s.kind == "web-identity" for s in picks):
            return True
        if all(s.kind != "web-identity" for s in picks) and all(c.source != "web-identity" for c in self.choices):
            return False
        return None

    @property
    def may_fall_back(self) -> bool:
        """Some SDK family may end at IMDS (or at nothing): its source is IMDS or none, or an uncertain
        source with IMDS behind it. A failing certain source (Java v2's fall-through) does not count."""
        for choice in self.choices:
            if choice.source in ("imds", None):
                return True
            source = self._source(choice.source)
            if source is not None and not source.certain and "imds" in choice.shadows:
                return True
        return False

    def families(self, kind: str) -> list[str]:
        return [f for f, s in self.picks.items() if s.kind == kind]

    def shadowing(self) -> list[Source]:
        """Sources some family picks before the role (distinct, in family order)."""
        seen: dict[str, Source] = {}
        for source in self.picks.values():
            if source.kind != "web-identity" and source.kind not in seen:
                seen[source.kind] = source
        return list(seen.values())

    def what(self) -> str:
        """What the container really uses, in words (for the verdict)."""
        if self.uses_role:
            return "the IRSA role (web identity)"
        shadow = self.shadowing()
        if self.uses_role is False and len(shadow) == 1:
            return shadow[0].what
        parts = [f"{', '.join(self.families(s.kind))}: {s.what}" for s in shadow]
        if self.families("web-identity"):
            parts.append(f"{', '.join(self.families('web-identity'))}: the IRSA role")
        return "; ".join(parts)

    def to_json(self) -> dict[str, Any]:
        return {
            "container": self.container,
            "init": self.init,
            "present": [{"source": s.kind, "certain": s.certain, "what": s.what} for s in self.present],
            "imds": {"reachable": self.imds.reachable, "version": self.imds.version, "why": self.imds.why},
            "sdks": [c.to_json() for c in self.choices],
            "agree": self.agree,
            "notes": list(self.notes),
        }


# --- the app container and its STS endpoint ------------------------------------------------------
def primary_container(pod: PodFacts) -> ContainerFacts | None:
    """The app container: kubectl's default-container annotation, else the first regular container."""
    containers = [c for c in pod.containers if c.kind in ("init", "container")]
    named = pod.annotations.get(DEFAULT_CONTAINER_ANNOTATION)
    for c in containers:
        if named and c.name == named:
            return c
    return next((c for c in containers if c.kind == "container"), None)


def pod_sts_endpoint(pod: PodFacts | None, fallback_region: str | None) -> StsEndpoint:
    """The STS endpoint the pod's app container calls."""
    container = primary_container(pod) if pod is not None else None
    env = {v.name: v.value for v in container.env} if container is not None else {}
    return sts_endpoint(env, fallback_region)


# --- the node ------------------------------------------------------------------------------------
def node_metadata(node: NodeFacts | None, instance: InstanceFacts | None) -> NodeMetadata | None:
    """The node's IMDS settings from the sources' facts; None when they are unknown.

    EC2 defaults when a field is missing (launch-template defaults): endpoint enabled, hop limit 1,
    tokens optional.
    """
    if node is not None and node.fargate:
        return NodeMetadata(fargate=True)
    if instance is None:
        return None
    return NodeMetadata(
        http_endpoint=instance.http_endpoint or "enabled",
        http_tokens=instance.http_tokens or "optional",
        hop_limit=instance.hop_limit or 1,
    )


def _why(error: SourceError) -> str:
    return error.one_line()


def node_identity(
    node_name: str | None,
    node: NodeFacts | SourceError | None,
    instance: InstanceFacts | SourceError | None,
    profile: InstanceProfileFacts | SourceError | None,
    not_read: str | None = None,
) -> NodeIdentity:
    """The node's instance role and metadata options, and why any part is unknown (``not_read``: why
    the instance was not asked for)."""
    if not node_name:
        return NodeIdentity(None, unknown=("the pod is not scheduled on a node yet",))
    unknown: list[str] = []
    node_facts = node if isinstance(node, NodeFacts) else None
    if node is None and not_read:
        unknown.append(f"node {node_name} not read: {not_read}")
    if isinstance(node, SourceError):
        unknown.append(f"node {node_name}: {_why(node)}")
    elif node_facts is not None and node_facts.fargate:
        return NodeIdentity(node_name, metadata=NodeMetadata(fargate=True),
                            unknown=("Fargate: no EC2 instance, no node role, no instance metadata service",))
    elif node_facts is not None and node_facts.instance_id is None:
        unknown.append(f"node {node_name} has no EC2 instance in spec.providerID ({node_facts.provider_id or 'none'})")
    inst = instance if isinstance(instance, InstanceFacts) else None
    if instance is None and not_read and node_facts is not None and node_facts.instance_id:
        unknown.append(f"instance {node_facts.instance_id} not read: {not_read}")
    if isinstance(instance, SourceError):
        unknown.append(_why(instance))
    elif inst is not None and not inst.instance_profile_arn:
        unknown.append(f"instance {inst.instance_id} has no instance profile: the node has no role")
    prof = profile if isinstance(profile, InstanceProfileFacts) else None
    if isinstance(profile, SourceError):
        unknown.append(_why(profile))
    elif prof is not None and not prof.role_arns:
        unknown.append(f"instance profile {prof.name} holds no role")
    return NodeIdentity(
        node=node_name,
        instance_id=inst.instance_id if inst else (node_facts.instance_id if node_facts else None),
        instance_profile=(prof.arn if prof else None) or (inst.instance_profile_arn if inst else None),
        role_arn=prof.role_arns[0] if prof and prof.role_arns else None,
        metadata=node_metadata(node_facts, inst),
        unknown=tuple(unknown),
    )


def _set(env: Mapping[str, str | None], name: str) -> bool:
    return name in env and (env[name] is None or bool(str(env[name]).strip()))


def _true(env: Mapping[str, str | None], name: str) -> bool:
    return str(env.get(name) or "").strip().lower() == "true"


def imds_reach(node: NodeMetadata | None, host_network: bool, env: Mapping[str, str | None]) -> ImdsReach:
    """Can this container's SDK get the node role from IMDS?"""
    if _true(env, "AWS_EC2_METADATA_DISABLED"):
        return ImdsReach("no", None, "AWS_EC2_METADATA_DISABLED=true: the SDK does not call IMDS")
    if node is None:
        return ImdsReach("unknown", None, "the node's metadata options are unknown (its instance could not be read)")
    if node.fargate:
        return ImdsReach("no", None, "Fargate pods have no instance metadata service")
    if node.http_endpoint.lower() == "disabled":
        return ImdsReach("no", None, "the node's instance metadata endpoint is disabled (HttpEndpoint=disabled)")
    if host_network:
        return ImdsReach("yes", "v2", "hostNetwork: the pod shares the node's network, the hop limit does not apply")
    if node.hop_limit >= 2:
        return ImdsReach("yes", "v2", f"IMDSv2 answers pods at hop limit {node.hop_limit}")
    v1_off = _true(env, "AWS_EC2_METADATA_V1_DISABLED")
    if node.http_tokens.lower() == "optional" and not v1_off:
        return ImdsReach(
            "yes", "v1",
            "hop limit 1 stops the IMDSv2 token, but HttpTokens=optional lets the SDK fall back to IMDSv1 "
            "(after the token request times out)",
        )
    if node.http_tokens.lower() == "optional":
        return ImdsReach("no", None, "hop limit 1 stops IMDSv2 and AWS_EC2_METADATA_V1_DISABLED=true forbids IMDSv1")
    return ImdsReach(
        "no", None,
        "hop limit 1 stops the IMDSv2 token response one hop short of the pod, and HttpTokens=required "
        "forbids IMDSv1: the SDK finds no credentials (\"Unable to locate credentials\")",
    )


# --- the sources a container has -----------------------------------------------------------------
def _origin(container: ContainerFacts, name: str) -> str:
    for var in container.env:
        if var.name == name:
            return f"{name}={var.value}" if var.value is not None else f"{name} (from {var.source or 'valueFrom'})"
    return name


def _file_origin(pod: PodFacts | None, container: ContainerFacts, path: str) -> tuple[str, bool]:
    """Where a file named by the env comes from: a mounted Secret/ConfigMap (it exists) or unknown."""
    best = None
    for mount in container.mounts:
        root = mount.mount_path.rstrip("/") or "/"
        covers = path == root or path.startswith(root + "/") or (mount.sub_path and path == mount.mount_path)
        if covers and (best is None or len(root) > len(best.mount_path.rstrip("/"))):
            best = mount
    if best is None or pod is None:
        return "", False
    volume = next((v for v in pod.volumes if v.name == best.name), None)
    if volume is None:
        return f", volume {best.name} at {best.mount_path}", True
    detail = f" {volume.detail}" if volume.detail else ""
    return f", from {volume.kind}{detail} mounted at {best.mount_path}", volume.kind in ("secret", "configMap", "projected")


def _present(container: ContainerFacts, pod: PodFacts | None, imds: ImdsReach) -> dict[Kind, Source]:
    env = {v.name: v for v in container.env}
    values = {v.name: v.value for v in container.env}
    present: dict[Kind, Source] = {}
    if _set(values, "AWS_ACCESS_KEY_ID") and _set(values, "AWS_SECRET_ACCESS_KEY"):
        secret = env["AWS_SECRET_ACCESS_KEY"]
        how = f"from {secret.source}" if secret.source else "literal values"
        present["env-keys"] = Source("env-keys", True, f"static keys AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY ({how})")
    profile = next((n for n in PROFILE_VARS if _set(values, n)), None)
    if profile is not None:
        present["profile"] = Source("profile", False, f"profile {_origin(container, profile)}")
    files: tuple[tuple[Kind, str], ...] = (
        ("credentials-file", "AWS_SHARED_CREDENTIALS_FILE"),
        ("config-file", "AWS_CONFIG_FILE"),
    )
    for kind, name in files:
        var = env.get(name)
        if var is None:
            continue
        where, exists = _file_origin(pod, container, posixpath.normpath(var.value)) if var.value else ("", False)
        # A mounted file holds a profile (a Helm chart's credentials Secret): keys, a role or a
        # credential_process. Its contents are never read here.
        present[kind] = Source(kind, exists, f"{_origin(container, name)}{where}")
    if _set(values, "AWS_ROLE_ARN") and _set(values, "AWS_WEB_IDENTITY_TOKEN_FILE"):
        role = values.get("AWS_ROLE_ARN")
        present["web-identity"] = Source("web-identity", True, f"the IRSA role{f' {role}' if role else ''} "
                                         "(AWS_ROLE_ARN + AWS_WEB_IDENTITY_TOKEN_FILE)")
    if _set(values, "AWS_CONTAINER_CREDENTIALS_FULL_URI") or _set(values, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"):
        agent = is_agent_uri(values)
        present["container"] = Source(
            "container", True,
            "the Pod Identity agent (AWS_CONTAINER_CREDENTIALS_FULL_URI)" if agent
            else "the container credentials endpoint (AWS_CONTAINER_CREDENTIALS_*)",
        )
    if imds.reachable != "no":
        what = ("the node's role through IMDS" if imds.reachable == "yes"
                else "the node's role through IMDS (or no credentials where IMDS is blocked)")
        present["imds"] = Source("imds", imds.reachable == "yes", what)
    return present


def _identity(
    source: Kind | None, env: Mapping[str, str | None], association_role: str | None, node_role: str | None,
    imds: ImdsReach,
) -> str:
    if source == "env-keys":
        return "the IAM user or role of the static keys in AWS_ACCESS_KEY_ID (not visible from outside)"
    if source in ("profile", "credentials-file", "config-file"):
        return "whatever the profile in the container's files yields (not visible from outside)"
    if source == "web-identity":
        return str(env.get("AWS_ROLE_ARN") or "the role in AWS_ROLE_ARN (set from a secret)")
    if source == "container":
        if not is_agent_uri(env):
            uri = env.get("AWS_CONTAINER_CREDENTIALS_FULL_URI") or env.get("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI")
            return f"whatever {uri} serves (not the EKS Pod Identity agent)"
        return association_role or "the Pod Identity association's role"
    if source == "imds":
        who = f"the node role {node_role}" if node_role else "the node's instance role (not readable)"
        return who if imds.reachable == "yes" else f"{who}, if IMDS answers ({imds.why})"
    return f"no credentials: {imds.why}" if imds.reachable == "no" else "no credentials found in the chain"


def _choice(
    sdk: Sdk, env: Mapping[str, str | None], present: Mapping[Kind, Source], imds: ImdsReach,
    association_role: str | None, node_role: str | None,
) -> SdkChoice:
    order = list(ORDER[sdk])
    skipped: list[str] = []
    if sdk == "js-v3" and "env-keys" in present and _set(env, "AWS_PROFILE"):
        order.remove("env-keys")
        skipped.append(
            "env-keys: skipped because AWS_PROFILE is set (JS v3 warns \"Multiple credential sources detected\")"
        )
    if sdk == "js-v3" and "container" in present and "imds" in present:
        order.remove("imds")
        skipped.append("imds: never tried, the container-credentials env is set")
    elif sdk == "js-v3" and "imds" in present and str(env.get("AWS_EC2_METADATA_DISABLED") or "false").lower() != "false":
        # JS v3's remoteProvider disables IMDS for any value but "false"; the others need "true"
        order.remove("imds")
        skipped.append(
            f"imds: AWS_EC2_METADATA_DISABLED={env.get('AWS_EC2_METADATA_DISABLED')} disables it in JS v3 "
            "(any value but \"false\"), not in the other SDKs (they need \"true\")"
        )
    possible = [k for k in order if k in present]
    chosen = next((k for k in possible if present[k].certain), possible[0] if possible else None)
    may_preempt = tuple(possible[: possible.index(chosen)]) if chosen is not None else ()
    shadows = tuple(possible[possible.index(chosen) + 1:]) if chosen is not None else ()
    if sdk == "java-v2" and chosen in ("web-identity", "container", "profile", "credentials-file", "config-file") \
            and shadows:
        nxt = shadows[0]
        on_failure = (
            f"falls through to {nxt} ({_identity(nxt, env, association_role, node_role, imds)}), logging only at "
            "DEBUG: a broken IRSA/Pod Identity then shows up as AccessDenied for that identity"
        )
    elif chosen is None:
        on_failure = "no source: the SDK raises a no-credentials error"
    else:
        on_failure = "the call fails with that source's error; no later source is tried"
    if chosen == "profile" and sdk in ("botocore", "go-v2") and _set(env, "AWS_PROFILE"):
        missing = (
            f"ProfileNotFound: The config profile ({env.get('AWS_PROFILE')}) could not be found"
            if sdk == "botocore"
            else f"failed to get shared config profile, {env.get('AWS_PROFILE')}"
        )
        on_failure += f"; a profile missing from the container's files fails every call ({missing})"
    return SdkChoice(
        sdk=sdk,
        source=chosen,
        identity=_identity(chosen, env, association_role, node_role, imds),
        shadows=shadows,
        may_preempt=may_preempt,
        skipped=tuple(skipped),
        on_failure=on_failure,
    )


def container_credentials(
    container: ContainerFacts,
    pod: PodFacts | None = None,
    *,
    node: NodeMetadata | None = None,
    host_network: bool | None = None,
    association_role: str | None = None,
    node_role: str | None = None,
    sdks: Sequence[Sdk] = SDKS,
) -> ContainerCredentials:
    """The source each SDK family uses in this container, what it shadows, and IMDS reachability.

    ``node``: the node's IMDS settings (None: unknown); ``host_network`` defaults to the pod's;
    ``association_role``: the Pod Identity association's role (its target role when it has one);
    ``node_role``: the node's instance role (instance -> instance profile -> role).
    """
    env = {v.name: v.value for v in container.env}
    hn = host_network if host_network is not None else bool(pod and pod.host_network)
    imds = imds_reach(node, hn, env)
    present = _present(container, pod, imds)
    choices = tuple(_choice(sdk, env, present, imds, association_role, node_role) for sdk in sdks)
    notes: list[str] = []
    if _set(env, "AWS_ACCESS_KEY_ID") != _set(env, "AWS_SECRET_ACCESS_KEY"):
        which = "AWS_ACCESS_KEY_ID" if _set(env, "AWS_ACCESS_KEY_ID") else "AWS_SECRET_ACCESS_KEY"
        notes.append(f"only {which} is set: static env keys need both (botocore raises PartialCredentialsError)")
    if _set(env, "AWS_ROLE_ARN") != _set(env, "AWS_WEB_IDENTITY_TOKEN_FILE"):
        notes.append("web identity needs both AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE; only one is set")
    if len({c.source for c in choices}) > 1:
        differ = ", ".join(f"{c.sdk}: {c.source or 'none'}" for c in choices)
        notes.append(f"SDK families differ here ({differ})")
    return ContainerCredentials(
        container=container.name,
        present=tuple(present[k] for k in KINDS if k in present),
        choices=choices,
        imds=imds,
        notes=tuple(notes),
        init=container.kind == "init",
    )


def pod_credentials(
    pod: PodFacts, node: NodeIdentity | None = None, association_role: str | None = None
) -> tuple[ContainerCredentials, ...]:
    """Every app and init container's credentials (ephemeral debug containers left out)."""
    meta = node.metadata if node is not None else None
    if meta is None and pod.fargate:
        meta = NodeMetadata(fargate=True)
    role = node.role_arn if node is not None else None
    return tuple(
        container_credentials(c, pod, node=meta, association_role=association_role, node_role=role)
        for c in pod.containers
        if c.kind in ("container", "init")
    )


def fallback(credentials: Sequence[ContainerCredentials], node: NodeIdentity | None) -> str:
    """What the app container gets when no identity env applies (or it fails): the node role, or nothing."""
    app = [c for c in credentials if not c.init] or list(credentials)
    if not app:
        return "no containers"
    reach = app[0].imds
    role = node.role_arn if node is not None else None
    unread = "; ".join(node.unknown) if node is not None and node.unknown else "unknown"
    who = role or f"(not readable: {unread})"
    if reach.reachable == "yes":
        return f"the node role {who} through IMDS ({reach.why})"
    if reach.reachable == "no":
        return f"no credentials at all: {reach.why}"
    return f"the node role {who}, if IMDS answers ({reach.why})"


def credentials_json(
    credentials: Sequence[ContainerCredentials], node: NodeIdentity | None
) -> dict[str, Any]:
    """The JSON ``credentials`` section (README: JSON contract)."""
    app = [c for c in credentials if not c.init]
    return {
        "node": node.to_json() if node is not None else None,
        "fallback": fallback(credentials, node),
        "falls_back": any(ch.source in ("imds", None) for c in app for ch in c.choices),
        "containers": [c.to_json() for c in credentials],
    }


def falls_back(pod: PodFacts) -> bool:
    """Whether the node's role and IMDS settings matter: some SDK family of an app container may end at
    IMDS. Only then are the node's instance and instance profile read (loading botocore's EC2 model
    alone costs ~0.1-0.2 s of CPU, a third or more of a whole IRSA check)."""
    return any(c.may_fall_back for c in pod_credentials(pod) if not c.init)


NOT_NEEDED = ("every SDK family of the app containers uses a source before the node role (it matters only "
              "when that source fails, in Java v2)")
