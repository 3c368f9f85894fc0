"""The credentials a container really gets: the SDK credential chains, per SDK family (pure).

pod-identity.md §3.1 gives the default chains (first match wins):

- botocore: env keys -> assume-role profile -> web identity -> SSO -> shared credentials file ->
  login -> credential_process -> config-file keys -> ... -> container provider -> IMDS;
- Go v2: env keys -> env web identity -> shared config profile (keys, role, process, SSO) ->
  container provider -> IMDS;
- Java v2: system properties -> env keys -> web identity -> profile files -> container -> IMDS;
- JS v3: env keys (skipped when AWS_PROFILE is set) -> SSO -> ini profile (credentials and config
  file: keys, role, process) -> web identity -> container -> IMDS.

What a container's spec shows is its env (and where values and files come from); a file's
contents (a Secret) are never read. A source that only *may* apply (a file or profile whose
contents are unknown) is "maybe": an SDK that reaches a "maybe" source first may or may not use it.
"""

from __future__ import annotations

import posixpath
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from irsa_tui.chain.endpoints import StsEndpoint, sts_endpoint
from irsa_tui.chain.facts import ContainerFacts, PodFacts

__all__ = [
    "FAMILIES",
    "ContainerCredentials",
    "Source",
    "container_credentials",
    "pod_sts_endpoint",
    "primary_container",
]

FAMILIES = ("botocore", "Go v2", "Java v2", "JS v3")
DEFAULT_CONTAINER_ANNOTATION = "kubectl.kubernetes.io/default-container"

Kind = Literal["env-keys", "profile", "credentials-file", "config-file", "web-identity", "container", "imds"]

# Per family: the sources in chain order. "profile" is AWS_PROFILE naming a profile (botocore reads an
# assume-role profile before web identity, its keys/process after); files are the ones the env names.
_ORDER: dict[str, tuple[Kind, ...]] = {
    "botocore": ("env-keys", "profile", "web-identity", "credentials-file", "config-file", "container", "imds"),
    "Go v2": ("env-keys", "web-identity", "profile", "credentials-file", "config-file", "container", "imds"),
    "Java v2": ("env-keys", "web-identity", "profile", "credentials-file", "config-file", "container", "imds"),
    "JS v3": ("env-keys", "profile", "credentials-file", "config-file", "web-identity", "container", "imds"),
}


@dataclass(frozen=True)
class Source:
    kind: Kind
    certain: bool
    """False when the source only may apply (a file or profile whose contents are unknown)."""
    what: str
    """In words, naming the variable, the file and where it comes from."""


@dataclass(frozen=True)
class ContainerCredentials:
    container: str
    picks: Mapping[str, Source]
    """Per SDK family, the first source that applies or may apply."""

    @property
    def uses_role(self) -> bool | None:
        """True: every SDK family uses the web-identity role. False: none does. None: it depends."""
        kinds = {s.kind for s in self.picks.values()}
        if kinds == {"web-identity"}:
            return True
        if all(s.kind != "web-identity" and s.certain for s in self.picks.values()):
            return False
        return None

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


def container_credentials(container: ContainerFacts, pod: PodFacts | None = None) -> ContainerCredentials:
    """Which credential source each SDK family picks for this container."""
    env = {v.name: v for v in container.env}
    present: dict[Kind, Source] = {}
    if "AWS_ACCESS_KEY_ID" in env and "AWS_SECRET_ACCESS_KEY" in env:
        secret = env["AWS_SECRET_ACCESS_KEY"]
        how = f"from {secret.source}" if secret.source else "literal values"
        present["env-keys"] = Source("env-keys", True, f"static keys AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY ({how})")
    if env.get("AWS_PROFILE") is not None:
        present["profile"] = Source("profile", False, f"profile {_origin(container, 'AWS_PROFILE')}")
    files: tuple[tuple[Kind, str], ...] = (
        ("credentials-file", "AWS_SHARED_CREDENTIALS_FILE"),
        ("config-file", "AWS_CONFIG_FILE"),
    )
    for kind, name in files:
        var = env.get(name)
        if var is None:
            continue
        where, exists = _file_origin(pod, container, posixpath.normpath(var.value)) if var.value else ("", False)
        # A mounted file holds a profile (a Helm chart's credentials Secret); JS v3 and Go v2 read its
        # default profile, botocore the same for its keys. Its contents are never read here.
        present[kind] = Source(kind, exists, f"{_origin(container, name)}{where}")
    if container.has_env("AWS_ROLE_ARN") and container.has_env("AWS_WEB_IDENTITY_TOKEN_FILE"):
        present["web-identity"] = Source("web-identity", True, "the IRSA role (AWS_ROLE_ARN + token file)")
    if container.has_env("AWS_CONTAINER_CREDENTIALS_FULL_URI") or container.has_env(
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"
    ):
        present["container"] = Source("container", True, "the container credentials endpoint (AWS_CONTAINER_*)")
    imds = Source("imds", True, "the node's role through IMDS (or no credentials where IMDS is blocked)")
    picks: dict[str, Source] = {}
    for family, order in _ORDER.items():
        chosen = imds
        for kind in order:
            source = present.get(kind)
            if source is None:
                continue
            if kind == "env-keys" and family == "JS v3" and "profile" in present:
                continue  # JS v3 skips env keys when AWS_PROFILE is set
            if kind == "profile" and family == "botocore" and "web-identity" in present:
                # botocore: only an assume-role profile comes before web identity; keys/process come after
                chosen = Source("profile", False, source.what + " (if it is an assume-role profile)")
                break
            chosen = source
            break
        picks[family] = chosen
    return ContainerCredentials(container.name, picks)
