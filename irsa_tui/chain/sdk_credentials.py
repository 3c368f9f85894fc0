"""The credentials each container's SDK really gets, per SDK family, and whether IMDS is reachable (pure).

Default chains (first match wins), from pod-identity.md §3.1:

* botocore: env keys -> profile ``role_arn`` (assume-role) -> web identity -> shared credentials /
  config / ``credential_process`` -> container credentials -> IMDS. No fall-through on failure.
* Go v2: env keys -> web identity -> shared config profile -> container credentials -> IMDS. No fall-through.
* Java v2: env keys -> web identity -> profile -> container credentials -> IMDS; a provider that
  *fails* is skipped (``AwsCredentialsProviderChain``), so a broken IRSA/Pod Identity falls through
  to the node role.
* JS v3: env keys (skipped when ``AWS_PROFILE`` is set) -> ini profile / ``credential_process`` ->
  web identity -> container credentials when their env is set, else IMDS (unless
  ``AWS_EC2_METADATA_DISABLED``).

What a profile holds (``AWS_PROFILE``, ``AWS_SHARED_CREDENTIALS_FILE``, ``AWS_CONFIG_FILE``) lives in
files inside the container and cannot be read from outside: such a source is *possible*, not certain.
IMDS from a pod (§3.3): ``hostNetwork`` always reaches it; otherwise IMDSv2 needs a hop limit ≥ 2,
and with ``HttpTokens=optional`` IMDSv1 still answers at hop limit 1.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from irsa_tui.chain.mechanism import ContainerEnv, is_agent_uri
from irsa_tui.chain.pod_identity_facts import InstanceFacts, NodeFacts

__all__ = [
    "SDKS",
    "ContainerCredentials",
    "ImdsReach",
    "NodeMetadata",
    "SdkChoice",
    "Source",
    "container_credentials",
    "imds_reach",
    "node_metadata",
]

Sdk = Literal["botocore", "go-v2", "java-v2", "js-v3"]
SDKS: tuple[Sdk, ...] = ("botocore", "go-v2", "java-v2", "js-v3")
Source = Literal["env-keys", "profile", "web-identity", "container", "imds"]

ORDER: Mapping[Sdk, tuple[Source, ...]] = {
    # botocore: a profile's role_arn (assume-role) comes before web identity, its static keys and
    # credential_process after; from outside both are only possible, so the earlier place is kept.
    "botocore": ("env-keys", "profile", "web-identity", "container", "imds"),
    "go-v2": ("env-keys", "web-identity", "profile", "container", "imds"),
    "java-v2": ("env-keys", "web-identity", "profile", "container", "imds"),
    "js-v3": ("env-keys", "profile", "web-identity", "container", "imds"),
}
PROFILE_ENV = ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SHARED_CREDENTIALS_FILE", "AWS_CONFIG_FILE")


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
class SdkChoice:
    sdk: Sdk
    source: Source | None
    """The first certain source in this SDK's chain; None when it has none (no credentials)."""
    identity: str
    """Who the calls run as: a role ARN, the node role, or why nothing."""
    shadows: tuple[Source, ...]
    """Present sources later in the chain that this one hides."""
    may_preempt: tuple[Source, ...]
    """Possible sources (a profile) earlier in the chain that win if the container's files hold them."""
    skipped: tuple[str, ...]
    """Present sources this SDK skips, and why."""
    on_failure: str
    """What happens when the chosen source fails."""


@dataclass(frozen=True)
class ContainerCredentials:
    container: str
    present: tuple[Source, ...]
    """Sources whose settings exist (IMDS unless unreachable), in the common order."""
    choices: tuple[SdkChoice, ...]
    imds: ImdsReach
    notes: tuple[str, ...] = ()

    @property
    def agree(self) -> bool:
        return len({c.source for c in self.choices}) == 1


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


def _present(env: Mapping[str, str | None], imds: ImdsReach) -> dict[Source, bool]:
    """Source -> certain (True) or only possible (False), for the sources this container has."""
    out: dict[Source, bool] = {}
    if _set(env, "AWS_ACCESS_KEY_ID") and _set(env, "AWS_SECRET_ACCESS_KEY"):
        out["env-keys"] = True
    if any(_set(env, n) for n in PROFILE_ENV):
        out["profile"] = False
    if _set(env, "AWS_WEB_IDENTITY_TOKEN_FILE") and _set(env, "AWS_ROLE_ARN"):
        out["web-identity"] = True
    if _set(env, "AWS_CONTAINER_CREDENTIALS_FULL_URI") or _set(env, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"):
        out["container"] = True
    if imds.reachable != "no":
        out["imds"] = imds.reachable == "yes"
    return out


def _identity(
    source: Source | None, env: Mapping[str, str | None], association_role: str | None, node_role: str | None,
    imds: ImdsReach,
) -> str:
    if source == "env-keys":
        return "the IAM user or role of the static keys in AWS_ACCESS_KEY_ID (not visible from outside)"
    if source == "profile":
        return "whatever the profile in the container's files yields"
    if source == "web-identity":
        return str(env.get("AWS_ROLE_ARN") or "the role in AWS_ROLE_ARN (set from a secret)")
    if source == "container":
        if not is_agent_uri(env):
            uri = env.get("AWS_CONTAINER_CREDENTIALS_FULL_URI") or env.get("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI")
            return f"whatever {uri} serves (not the EKS Pod Identity agent)"
        return association_role or "the Pod Identity association's role (no association found)"
    if source == "imds":
        who = f"the node role {node_role}" if node_role else "the node's instance role (not readable)"
        return who if imds.reachable == "yes" else f"{who}, if IMDS answers ({imds.why})"
    return f"no credentials: {imds.why}" if imds.reachable == "no" else "no credentials found in the chain"


def _choice(
    sdk: Sdk, env: Mapping[str, str | None], present: Mapping[Source, bool], imds: ImdsReach,
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
    chosen: Source | None = None
    may_preempt: list[Source] = []
    for source in order:
        if source not in present:
            continue
        if present[source]:
            chosen = source
            break
        may_preempt.append(source)
    if chosen is None and may_preempt:
        chosen = may_preempt.pop()  # only a profile: it is what the SDK will try
    shadows: tuple[Source, ...] = ()
    if chosen is not None:
        later = order[order.index(chosen) + 1:]
        shadows = tuple(s for s in later if s in present)
    if sdk == "java-v2" and chosen in ("web-identity", "container", "profile") and shadows:
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
        may_preempt=tuple(may_preempt),
        skipped=tuple(skipped),
        on_failure=on_failure,
    )


def container_credentials(
    container: ContainerEnv,
    *,
    host_network: bool = False,
    node: NodeMetadata | None = None,
    association_role: str | None = None,
    node_role: str | None = None,
    sdks: Sequence[Sdk] = SDKS,
) -> ContainerCredentials:
    """The source each SDK family uses in this container, what it shadows, and IMDS reachability.

    ``association_role``: the Pod Identity association's role (its target role when it has one);
    ``node_role``: the node's instance role (instance -> instance profile -> role).
    """
    env = container.env
    imds = imds_reach(node, host_network, env)
    present = _present(env, imds)
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
    order = ("env-keys", "web-identity", "profile", "container", "imds")
    return ContainerCredentials(
        container=container.name,
        present=tuple(s for s in order if s in present),
        choices=choices,
        imds=imds,
        notes=tuple(notes),
    )
