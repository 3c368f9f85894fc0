"""Link ``injection``: the pod identity webhook mutated the pod as IRSA needs.

At pod CREATE the webhook appends ``AWS_ROLE_ARN`` and ``AWS_WEB_IDENTITY_TOKEN_FILE`` to
every init and regular container (minus ``eks.amazonaws.com/skip-containers``), adds the
projected ``aws-iam-token`` volume and mounts it. It never touches running pods. This link
judges what the pod got, and when it got nothing, says why.
"""

from __future__ import annotations

import csv
import dataclasses
import posixpath
from collections.abc import Mapping
from typing import Any

from irsa_tui.chain.credentials import container_credentials, primary_container
from irsa_tui.chain.facts import (
    AUDIENCE_ANNOTATION,
    DEFAULT_AUDIENCE,
    ROLE_ANNOTATION,
    SKIP_CONTAINERS_ANNOTATION,
    SKIP_POD_LABEL,
    TOKEN_DIR,
    TOKEN_PATH,
    TOKEN_VOLUME,
    ClusterFacts,
    ContainerFacts,
    EnvVar,
    Facts,
    PodFacts,
    ServiceAccountFacts,
    SourceError,
    WebhookFacts,
)
from irsa_tui.chain.links import _common
from irsa_tui.chain.links.service_account import restart_command
from irsa_tui.chain.model import Evidence, Finding, LinkId, LinkResult, Status
from irsa_tui.chain.spec import LinkSpec

__all__ = ["LINK", "NEEDS", "SPEC", "check", "parse_skip_containers"]

LINK = LinkId.INJECTION
NEEDS: tuple[str, ...] = ("pod", "service_account", "webhook", "cluster")

ROLE_VAR = "AWS_ROLE_ARN"
TOKEN_VAR = "AWS_WEB_IDENTITY_TOKEN_FILE"
WINDOWS_TOKEN_PATH = "C:\\var\\run\\secrets\\eks.amazonaws.com\\serviceaccount\\token"
POD_IDENTITY_VOLUME = "eks-pod-identity-token"
POD_IDENTITY_HOST = "169.254.170.23"
MIN_EXPIRATION = 600
NON_ROOT_READABLE_SINCE = (1, 19)
_OTHER_CREDENTIAL_VARS = (
    "AWS_PROFILE",
    "AWS_SHARED_CREDENTIALS_FILE",
    "AWS_CONFIG_FILE",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
)


def parse_skip_containers(value: str | None) -> list[str]:
    """The skip list as the webhook reads it: one CSV line, spaces after commas kept."""
    if not value:
        return []
    first = value.splitlines()[0] if value.splitlines() else ""
    try:
        rows = list(csv.reader([first], strict=True))
    except csv.Error:
        return []  # Go: a parse error skips nothing
    return rows[0] if rows else []


def _is_windows(pod: PodFacts) -> bool:
    return any(pod.node_selector.get(k) == "windows" for k in ("kubernetes.io/os", "beta.kubernetes.io/os"))


def _env(container: ContainerFacts, name: str) -> EnvVar | None:
    for var in container.env:
        if var.name == name:
            return var
    return None


def _shown(var: EnvVar | None) -> str | None:
    if var is None:
        return None
    return var.value if var.value is not None else f"(from {var.source or 'valueFrom'})"


def _looks_hand_set(container: ContainerFacts) -> bool:
    """A heuristic: the webhook *appends* literal AWS_ROLE_ARN then AWS_WEB_IDENTITY_TOKEN_FILE.

    Values from ``valueFrom``, the pair not adjacent, or non-AWS variables after the pair
    (the manifest's own) mean the container set them itself.
    """
    names = [v.name for v in container.env]
    role, token = _env(container, ROLE_VAR), _env(container, TOKEN_VAR)
    if role is None or token is None or role.value is None or token.value is None:
        return True
    at = names.index(ROLE_VAR)
    if names.index(TOKEN_VAR) != at + 1:
        return True
    return any(not name.startswith("AWS_") for name in names[at + 2 :])


def _cluster_region(facts: Facts) -> str | None:
    if isinstance(facts.cluster, ClusterFacts) and facts.cluster.region:
        return facts.cluster.region
    return facts.region


def _cluster_version(facts: Facts) -> tuple[int, int] | None:
    if not isinstance(facts.cluster, ClusterFacts) or not facts.cluster.version:
        return None
    parts = facts.cluster.version.lstrip("v").split(".")
    try:
        return int(parts[0]), int("".join(ch for ch in parts[1] if ch.isdigit()))
    except (ValueError, IndexError):
        return None


def _pod_identity(pod: PodFacts) -> str | None:
    """Evidence that the webhook chose EKS Pod Identity for this pod."""
    if any(v.name == POD_IDENTITY_VOLUME for v in pod.volumes):
        return f"volume {POD_IDENTITY_VOLUME}"
    for c in _common.app_containers(pod):
        uri = c.env_value("AWS_CONTAINER_CREDENTIALS_FULL_URI") or ""
        if POD_IDENTITY_HOST in uri or "fd00:ec2::23" in uri:
            return f"AWS_CONTAINER_CREDENTIALS_FULL_URI={uri} in container {c.name}"
    if pod.labels.get("eks.amazonaws.com/pod-identity") == "enabled":
        return "label eks.amazonaws.com/pod-identity=enabled"
    return None


def check(facts: Facts, prior: Mapping[LinkId, LinkResult]) -> LinkResult:
    pod = _common.pod_or_result(LINK, facts)
    if isinstance(pod, LinkResult):
        return pod
    sa = facts.service_account if isinstance(facts.service_account, ServiceAccountFacts) else None
    raw = sa.annotations.get(ROLE_ANNOTATION) if sa else None
    annotation = raw if raw and raw.strip() else None
    containers: list[ContainerFacts] = _common.app_containers(pod)
    has_env = [c for c in containers if c.has_env(ROLE_VAR) or c.has_env(TOKEN_VAR)]
    has_volume = any(v.name == TOKEN_VOLUME for v in pod.volumes)
    base = {
        "namespace": pod.namespace,
        "pod": pod.name,
        "sa": pod.sa_name,
        "restart": restart_command(facts),
        "region": _cluster_region(facts) or "<region>",
    }

    if annotation is None and not has_env:
        if isinstance(facts.service_account, SourceError) and facts.service_account.kind != "not-found":
            return _common.errored(LINK, facts.service_account)
        return _common.skipped(LINK, "no role to inject: service-account has none")

    evidence: list[Evidence] = [_webhook_evidence(facts.webhook)]
    if not has_env and not has_volume:
        assert annotation is not None
        result = _not_mutated(facts, pod, sa, annotation, containers, base, evidence)
        # On Fargate "not mutated" means no credentials at all (no IMDS): keep that note with the failure.
        notes = _notes(pod, [], base)
        return dataclasses.replace(result, findings=result.findings + tuple(notes)) if notes else result

    findings: list[Finding] = []
    skip_value = pod.annotations.get(SKIP_CONTAINERS_ANNOTATION)
    skip = parse_skip_containers(skip_value)
    names = {c.name for c in containers}
    for entry in skip:
        if entry not in names and entry.strip() in names and entry != entry.strip():
            fixed = ",".join(e.strip() for e in skip)
            findings.append(
                Finding("INJ-103", {**base, "entry": repr(entry), "container": entry.strip(), "fixed": fixed})
            )
    mutated = [c for c in containers if c.name not in skip]
    windows = _is_windows(pod)
    expected_path = WINDOWS_TOKEN_PATH if windows else TOKEN_PATH
    primary = _primary_container(pod, containers)
    for c in containers:
        if c.name in skip:
            # Skipping a sidecar is what the annotation is for; skipping the app container (or all
            # of them) leaves the workload without IRSA.
            harmful = c.name == primary or not mutated
            evidence.append(
                Evidence(
                    f"aws-role-arn/{c.name}",
                    f"{ROLE_VAR} in container {c.name}"
                    + ("" if harmful else " (skipped on purpose: eks.amazonaws.com/skip-containers)"),
                    annotation,
                    _shown(_env(c, ROLE_VAR)),
                    False if harmful else None,
                )
            )
            if harmful:
                findings.append(Finding("INJ-205", {**base, "container": c.name, "value": repr(skip_value)}))
            continue
        findings += _judge_container(
            facts, pod, sa, annotation, c, has_env, expected_path, windows, base, evidence
        )
    flags = facts.webhook.flags if isinstance(facts.webhook, WebhookFacts) else None
    findings += _judge_volume(pod, sa, base, evidence, flags or {})
    findings += _judge_readability(facts, pod, mutated, base, evidence)
    if isinstance(facts.webhook, WebhookFacts) and not facts.webhook.names:
        findings.append(Finding("INJ-111", base))
    notes = _notes(pod, evidence, base)
    if not any(f.status is Status.FAIL for f in findings):
        which = f"all {len(mutated)} containers" if len(mutated) > 1 else "the container"
        findings.insert(0, Finding("INJ-001", {**base, "containers": which}))
    findings += notes
    return _common.from_findings(
        LINK, findings, evidence, {"containers": [c.name for c in mutated], "skip_containers": skip}
    )


def _primary_container(pod: PodFacts, containers: list[ContainerFacts]) -> str | None:
    """The app container: kubectl's default-container annotation, else the first regular container."""
    found = primary_container(pod)
    return found.name if found is not None and found in containers else None


def _webhook_evidence(webhook: WebhookFacts | SourceError | None) -> Evidence:
    label = "pod identity webhook (MutatingWebhookConfiguration)"
    if isinstance(webhook, WebhookFacts):
        actual = ", ".join(webhook.names) or "(none)"
        if webhook.failure_policy:
            actual += f" (failurePolicy {webhook.failure_policy})"
        if webhook.service is not None:  # self-managed: the flags decide audience, region, STS endpoint
            shown = ", ".join(f"--{k}={v}" for k, v in sorted((webhook.flags or {}).items()))
            actual += f"; self-managed, Deployment {webhook.service}: " + (
                shown or "no IRSA flags (defaults: --token-audience=sts.amazonaws.com, no region, global STS)"
                if webhook.flags is not None else f"flags not readable ({webhook.flags_note})"
            )
        return Evidence("webhook", label, "present", actual, bool(webhook.names))
    if isinstance(webhook, SourceError):
        return Evidence("webhook", label, "present", f"unknown: {webhook.one_line()}", None)
    return Evidence("webhook", label, "present", "not checked", None)


def _not_mutated(
    facts: Facts,
    pod: PodFacts,
    sa: ServiceAccountFacts | None,
    annotation: str,
    containers: list[ContainerFacts],
    base: dict[str, str],
    evidence: list[Evidence],
) -> LinkResult:
    """The SA names a role but the pod got nothing: say why, first match wins."""
    for c in containers:
        evidence.append(
            Evidence(f"aws-role-arn/{c.name}", f"{ROLE_VAR} in container {c.name}", annotation, None, False)
        )
    evidence.append(
        Evidence("token-volume", f"volume {TOKEN_VOLUME}", "projected serviceAccountToken", None, False)
    )
    pod_identity = _pod_identity(pod)
    if pod_identity is not None:
        cluster = facts.cluster.name if isinstance(facts.cluster, ClusterFacts) else "<cluster-name>"
        args = {**base, "evidence": pod_identity, "role_arn": annotation, "cluster": cluster}
        return _common.from_findings(LINK, [Finding("INJ-106", args)], evidence)
    if SKIP_POD_LABEL in pod.labels:
        finding = Finding("INJ-201", {**base, "value": repr(pod.labels[SKIP_POD_LABEL])})
        return _common.from_findings(LINK, [finding], evidence)
    annotated = (sa.annotations_changed or sa.created) if sa else None
    if pod.created is not None and annotated is not None and pod.created < annotated:
        evidence.append(
            Evidence(
                "pod-created", "pod created", f"after {annotated.isoformat()}", pod.created.isoformat(), False
            )
        )
        args = {**base, "pod_created": pod.created.isoformat(), "annotation_set": annotated.isoformat()}
        return _common.from_findings(LINK, [Finding("INJ-202", args)], evidence)
    webhook = facts.webhook
    if isinstance(webhook, WebhookFacts) and not webhook.names:
        return _common.from_findings(LINK, [Finding("INJ-203", base)], evidence)
    findings: list[Finding] = []
    name = "pod-identity-webhook"
    if isinstance(webhook, WebhookFacts):
        name = webhook.names[0]
    elif isinstance(webhook, SourceError):
        findings.append(Finding("INJ-101", {**base, "error": webhook.one_line()}))
        name = "(presumably) pod-identity-webhook"
    findings.insert(0, Finding("INJ-204", {**base, "webhook": name}))
    return _common.from_findings(LINK, findings, evidence)


def _judge_container(
    facts: Facts,
    pod: PodFacts,
    sa: ServiceAccountFacts | None,
    annotation: str | None,
    c: ContainerFacts,
    has_env: list[ContainerFacts],
    expected_path: str,
    windows: bool,
    base: dict[str, str],
    evidence: list[Evidence],
) -> list[Finding]:
    args = {**base, "container": c.name}
    role, token = _env(c, ROLE_VAR), _env(c, TOKEN_VAR)
    findings: list[Finding] = []
    role_ok = role is not None and (annotation is None or role.value == annotation)
    token_ok = token is not None and token.value == expected_path
    evidence.append(
        Evidence(
            f"aws-role-arn/{c.name}", f"{ROLE_VAR} in container {c.name}", annotation, _shown(role), role_ok
        )
    )
    evidence.append(
        Evidence(
            f"token-file/{c.name}",
            f"{TOKEN_VAR} in container {c.name}",
            expected_path,
            _shown(token),
            token_ok,
        )
    )
    if role is None and token is None:
        others = ", ".join(o.name for o in has_env)
        evidence.append(
            Evidence(f"token-mount/{c.name}", f"token mount in container {c.name}", TOKEN_DIR, None, False)
        )
        return [Finding("INJ-211", {**args, "others": others})]
    hand = _looks_hand_set(c)
    if role is None or token is None:
        present, missing = (ROLE_VAR, TOKEN_VAR) if token is None else (TOKEN_VAR, ROLE_VAR)
        var = role or token
        assert var is not None
        problem = f"{missing} is missing (the webhook injects neither when a container sets either)"
        findings.append(
            Finding("INJ-207", {**args, "variable": present, "value": _shown(var) or "", "problem": problem})
        )
    if role is not None and annotation is not None and role.value is not None and role.value != annotation:
        annotated = (sa.annotations_changed or sa.created) if sa else None
        changed_later = pod.created is not None and annotated is not None and annotated > pod.created
        if hand and not changed_later:
            problem = f"the ServiceAccount names {annotation}"
            findings.append(
                Finding("INJ-207", {**args, "variable": ROLE_VAR, "value": role.value, "problem": problem})
            )
        else:
            findings.append(Finding("INJ-206", {**args, "old": role.value, "new": annotation}))
    if token is not None and token.value != expected_path:
        problem = f"the projected token is at {expected_path}"
        findings.append(
            Finding(
                "INJ-207", {**args, "variable": TOKEN_VAR, "value": _shown(token) or "", "problem": problem}
            )
        )
    if hand and not findings:
        set_vars = " and ".join(v for v in (ROLE_VAR, TOKEN_VAR) if c.has_env(v))
        findings.append(Finding("INJ-102", {**args, "variables": set_vars}))
    if token is not None:
        findings += _judge_mount(pod, c, token, windows, args, evidence)
    findings += _judge_credentials(pod, c, args, evidence)
    findings += _judge_region(facts, c, args)
    return findings


def _judge_mount(
    pod: PodFacts,
    c: ContainerFacts,
    token: EnvVar,
    windows: bool,
    args: dict[str, str],
    evidence: list[Evidence],
) -> list[Finding]:
    path = token.value or TOKEN_PATH
    directory = TOKEN_DIR if windows else posixpath.dirname(path)
    mount = next((m for m in c.mounts if m.name == TOKEN_VOLUME), None)
    label = f"token mount in container {c.name}"
    expected = f"{TOKEN_VOLUME} at {directory}"
    if mount is None:
        evidence.append(Evidence(f"token-mount/{c.name}", label, expected, None, False))
        problem = f"no mount of volume {TOKEN_VOLUME}"
        return [Finding("INJ-208", {**args, "path": path, "problem": problem, "directory": directory})]
    actual = f"{mount.name} at {mount.mount_path}"
    if not windows and mount.mount_path.rstrip("/") != directory.rstrip("/"):
        evidence.append(Evidence(f"token-mount/{c.name}", label, expected, actual, False))
        problem = f"volume {TOKEN_VOLUME} is mounted at {mount.mount_path}"
        return [Finding("INJ-208", {**args, "path": path, "problem": problem, "directory": directory})]
    evidence.append(Evidence(f"token-mount/{c.name}", label, expected, actual, True))
    findings = []
    for other in c.mounts:
        if other.name != TOKEN_VOLUME and other.mount_path.rstrip("/") == TOKEN_DIR:
            what = f"volume {other.name} is mounted at {TOKEN_DIR} in container {c.name}"
            findings.append(Finding("INJ-209", {**args, "what": what, "volume": other.name}))
    return findings


def _judge_credentials(
    pod: PodFacts, c: ContainerFacts, args: dict[str, str], evidence: list[Evidence]
) -> list[Finding]:
    """Which source each SDK family picks in this container (chain/credentials.py), as findings."""
    findings: list[Finding] = []
    creds = container_credentials(c, pod)
    primary = primary_container(pod)
    is_app = primary is None or primary.name == c.name
    picks = "; ".join(f"{family}: {source.kind}" for family, source in creds.picks.items())
    evidence.append(
        Evidence(f"credentials/{c.name}", f"credentials each SDK family uses in container {c.name}",
                 "web-identity (the IRSA role)", picks, creds.uses_role)
    )
    key_id, secret = _env(c, "AWS_ACCESS_KEY_ID"), _env(c, "AWS_SECRET_ACCESS_KEY")
    if creds.uses_role is False and is_app:
        findings.append(Finding("INJ-212", {**args, "what": creds.what()}))
    elif key_id is not None and secret is not None and creds.uses_role is False:
        origin = "from " + secret.source if secret.source else "literal values"
        findings.append(Finding("INJ-104", {**args, "origin": origin}))
    elif creds.uses_role is None:
        for source in creds.shadowing():
            families = ", ".join(creds.families(source.kind))
            role_families = ", ".join(creds.families("web-identity")) or "none"
            findings.append(
                Finding("INJ-112", {**args, "what": source.what, "families": families, "role_families": role_families})
            )
    covered = {"AWS_PROFILE", "AWS_SHARED_CREDENTIALS_FILE", "AWS_CONFIG_FILE"}
    others = [name for name in _OTHER_CREDENTIAL_VARS if c.has_env(name) and name not in covered]
    if others:
        effect = "these are fallbacks after web identity, used when IRSA is misconfigured"
        findings.append(Finding("INJ-105", {**args, "variables": ", ".join(others), "effect": effect}))
    secrets = [s for s in c.env_from if s.startswith("secret/")]
    if secrets:
        evidence.append(
            Evidence(
                f"env-from/{c.name}",
                f"envFrom secrets of container {c.name} (may hold AWS_ACCESS_KEY_ID, which would beat IRSA)",
                None,
                ", ".join(secrets),
                None,
            )
        )
    return findings


def _judge_region(facts: Facts, c: ContainerFacts, args: dict[str, str]) -> list[Finding]:
    region = _cluster_region(facts)
    present = [(name, c.env_value(name)) for name in ("AWS_REGION", "AWS_DEFAULT_REGION") if c.has_env(name)]
    if not present:
        return [Finding("INJ-109", args)]
    for name, value in present:
        if region and value and value != region:
            return [Finding("INJ-110", {**args, "variable": name, "value": value, "region": region})]
    return []


def _judge_volume(
    pod: PodFacts, sa: ServiceAccountFacts | None, base: dict[str, str], evidence: list[Evidence],
    flags: Mapping[str, str],
) -> list[Finding]:
    # The audience is not fixed to sts.amazonaws.com (kOps: amazonaws.com; --token-audience): the volume is
    # held to the ServiceAccount's annotation when there is one; otherwise to what the provider and the
    # trust policy share, which chain/reconcile.py judges once they are read (INJ-214).
    # A self-managed webhook's --token-audience is what it injects when the ServiceAccount names none.
    annotated = (sa.annotations.get(AUDIENCE_ANNOTATION) if sa else None) or flags.get("token-audience")
    volume = next((v for v in pod.volumes if v.name == TOKEN_VOLUME), None)
    audience = annotated or (volume.token.audience if volume and volume.token else None) or DEFAULT_AUDIENCE
    label = f"volume {TOKEN_VOLUME}"
    expected = f"projected serviceAccountToken, audience {audience}" + (
        "" if annotated else " (shared with the provider's client IDs and the trust policy's :aud)"
    )
    if volume is None:
        evidence.append(Evidence("token-volume", label, expected, None, False))
        return []  # containers then lack the mount: reported per container
    if volume.kind != "projected" or volume.token is None:
        actual = volume.kind + (f" {volume.detail}" if volume.detail else "")
        evidence.append(Evidence("token-volume", label, expected, actual, False))
        what = f"volume {TOKEN_VOLUME} is a {actual} volume, not a projected serviceAccountToken"
        return [Finding("INJ-209", {**base, "what": what, "volume": TOKEN_VOLUME})]
    token = volume.token
    actual = f"projected serviceAccountToken, audience {token.audience}, expirationSeconds {token.expiration_seconds}"
    findings: list[Finding] = []
    ok = token.audience == audience
    if not ok:
        shown = token.audience or "(none: the API server's default audience)"
        findings.append(Finding("INJ-210", {**base, "actual": shown, "expected": audience}))
    if token.expiration_seconds is not None and token.expiration_seconds < MIN_EXPIRATION:
        ok = False
        findings.append(Finding("INJ-107", {**base, "seconds": str(token.expiration_seconds)}))
    evidence.append(Evidence("token-volume", label, expected, actual, ok))
    return findings


def _judge_readability(
    facts: Facts, pod: PodFacts, mutated: list[ContainerFacts], base: dict[str, str], evidence: list[Evidence]
) -> list[Finding]:
    non_root = [c.name for c in mutated if c.run_as_user not in (None, 0)]
    if not non_root or pod.fs_group is not None:
        return []
    version = _cluster_version(facts)
    label = "token file readable by non-root containers"
    actual = f"runAsUser non-root in {', '.join(non_root)}, no fsGroup"
    if version is None:
        evidence.append(
            Evidence(
                "token-readable", label, "Kubernetes >= 1.19 or fsGroup", actual + ", version unknown", None
            )
        )
        return []
    shown = f"{version[0]}.{version[1]}"
    if version >= NON_ROOT_READABLE_SINCE:
        evidence.append(
            Evidence(
                "token-readable",
                label,
                "Kubernetes >= 1.19 or fsGroup",
                f"{actual}, Kubernetes {shown}",
                True,
            )
        )
        return []
    evidence.append(
        Evidence(
            "token-readable", label, "Kubernetes >= 1.19 or fsGroup", f"{actual}, Kubernetes {shown}", False
        )
    )
    return [Finding("INJ-108", {**base, "containers": ", ".join(non_root), "version": shown})]


def _notes(pod: PodFacts, evidence: list[Evidence], base: dict[str, str]) -> list[Finding]:
    """Informational: network mode (as pass-level notes) and STS endpoint config (evidence)."""
    notes: list[Finding] = []
    if pod.fargate:
        evidence.append(
            Evidence("network", "network", None, "Fargate: no IMDS, IRSA is the only AWS identity", None)
        )
        node = pod.node_name or ""
        how = f"node {node}" if node.startswith("fargate-") else "label eks.amazonaws.com/fargate-profile"
        notes.append(Finding("INJ-003", {**base, "how": how}))
    elif pod.host_network:
        evidence.append(
            Evidence(
                "network", "network", None, "hostNetwork: IRSA works; IMDS (node role) is the fallback", None
            )
        )
        notes.append(Finding("INJ-002", base))
    regional: dict[str, Any] = {
        c.name: c.env_value("AWS_STS_REGIONAL_ENDPOINTS") for c in _common.app_containers(pod)
    }
    missing = [name for name, value in regional.items() if value is None]
    if missing:
        evidence.append(
            Evidence(
                "sts-regional-endpoints",
                "AWS_STS_REGIONAL_ENDPOINTS",
                "regional",
                f"absent in {', '.join(missing)}: SDKs before botocore 1.40 use the global endpoint",
                None,
            )
        )
    return notes


SPEC = LinkSpec(
    id=LINK,
    title="Webhook injection",
    short="webhook",
    needs=NEEDS,
    check=check,
    learn=(
        "The EKS Pod Identity webhook sees the annotation at pod creation and injects AWS_ROLE_ARN, "
        "AWS_WEB_IDENTITY_TOKEN_FILE and a projected token volume."
    ),
    learn_what="mutating webhook",
)


# --- EKS Pod Identity variant ----------------------------------------------------------------------
POD_IDENTITY_NEEDS: tuple[str, ...] = ("pod", "associations")
AGENT_URI = f"http://{POD_IDENTITY_HOST}/v1/credentials"
FULL_URI_VAR = "AWS_CONTAINER_CREDENTIALS_FULL_URI"
AUTH_TOKEN_VAR = "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"


def _pi_mounted(pod: PodFacts, container: ContainerFacts, path: str | None) -> bool:
    """The token file path lies under a mount of the eks-pod-identity-token volume."""
    if not any(v.name == POD_IDENTITY_VOLUME for v in pod.volumes):
        return False
    for mount in container.mounts:
        if mount.name == POD_IDENTITY_VOLUME and (path is None or posixpath.normpath(path).startswith(
                posixpath.normpath(mount.mount_path).rstrip("/") + "/")):
            return True
    return False


def check_pod_identity(facts: Facts, prior: Mapping[LinkId, LinkResult]) -> LinkResult:
    """Pod Identity: FULL_URI, the token-file env and the eks-pod-identity-token volume in every container."""
    from irsa_tui.chain.links import _pod_identity as pi

    pod = _common.pod_or_result(LINK, facts)
    if isinstance(pod, LinkResult):
        return pod
    assoc = pi.association_for(facts, pod)
    restart = restart_command(facts)
    base = {"pod": pod.name, "namespace": pod.namespace, "sa": pod.sa_name, "restart": restart,
            "association": assoc.association_id if assoc else "(none)"}
    containers = _common.app_containers(pod)
    skipped = set(parse_skip_containers(pod.annotations.get(SKIP_CONTAINERS_ANNOTATION, ""))) & {
        c.name for c in containers}
    evidence: list[Evidence] = []
    findings: list[Finding] = []
    injected = [c for c in containers if pi.has_pod_identity_env(c)]
    for c in containers:
        uri = c.env_value(FULL_URI_VAR)
        evidence.append(Evidence(f"full-uri-{c.name}", f"{FULL_URI_VAR} in container {c.name}", AGENT_URI,
                                 uri if c.has_env(FULL_URI_VAR) else "(absent)", pi.has_pod_identity_env(c)))
    if not injected:
        if SKIP_POD_LABEL in pod.labels:
            evidence.append(Evidence("skip-label", f"label {SKIP_POD_LABEL}", "absent", pod.labels[SKIP_POD_LABEL], False))
            unlabel = _unlabel(pod)
            return _common.from_findings(LINK, [Finding("INJ-216", {**base, "unlabel": unlabel})], evidence)
        preset = next((c for c in containers if c.has_env(FULL_URI_VAR) or c.has_env(AUTH_TOKEN_VAR)), None)
        if preset is not None:
            name = FULL_URI_VAR if preset.has_env(FULL_URI_VAR) else AUTH_TOKEN_VAR
            value = preset.env_value(name)
            return _common.from_findings(LINK, [Finding("INJ-218", {**base, "container": preset.name, "name": name,
                                                                    "value": value or "(valueFrom)"})], evidence)
        if assoc is None:
            return _common.skipped(LINK, "no association for the pod's ServiceAccount, so nothing to inject "
                                   "(see association)", evidence)
        if pod.created and assoc.created and assoc.created >= pod.created:
            when = {"pod_created": _stamp(pod.created), "assoc_created": _stamp(assoc.created)}
            evidence.append(Evidence("pod-created", "pod created", f"after {when['assoc_created']}",
                                     when["pod_created"], False))
            return _common.from_findings(LINK, [Finding("INJ-215", {**base, **when})], evidence)
        if skipped and skipped == {c.name for c in containers}:
            return _common.from_findings(LINK, [Finding("INJ-217", {**base, "containers": ", ".join(sorted(skipped))})],
                                         evidence)
        return _common.from_findings(LINK, [Finding("INJ-219", base)], evidence)
    missing = [c for c in containers if c not in injected]
    in_skip = [c.name for c in missing if c.name in skipped]
    if in_skip:
        findings.append(Finding("INJ-217", {**base, "containers": ", ".join(in_skip)}))
    for c in missing:
        if c.name in skipped:
            continue
        if c.has_env(FULL_URI_VAR) or c.has_env(AUTH_TOKEN_VAR):
            name = FULL_URI_VAR if c.has_env(FULL_URI_VAR) else AUTH_TOKEN_VAR
            findings.append(Finding("INJ-218", {**base, "container": c.name, "name": name,
                                                "value": c.env_value(name) or "(valueFrom)"}))
        elif c.kind == "container":
            findings.append(Finding("INJ-219", base))
    for c in injected:
        path = c.env_value(AUTH_TOKEN_VAR)
        ok = c.has_env(AUTH_TOKEN_VAR) and _pi_mounted(pod, c, path)
        evidence.append(Evidence(f"pi-token-file-{c.name}", f"{AUTH_TOKEN_VAR} in container {c.name}",
                                 f"a file of the {POD_IDENTITY_VOLUME} volume", path or "(absent)", ok))
        if not ok:
            findings.append(Finding("INJ-220", {**base, "container": c.name, "path": path or "(absent)"}))
    if not any(f.status.rank >= 4 for f in findings):
        uri = injected[0].env_value(FULL_URI_VAR) or AGENT_URI
        findings.insert(0, Finding("INJ-004", {**base, "uri": uri}))
    return _common.from_findings(LINK, findings, evidence, {"injected": [c.name for c in injected]})


def _stamp(when: Any) -> str:
    return when.strftime("%Y-%m-%d %H:%M:%SZ") if when is not None else "unknown"


def _unlabel(pod: PodFacts) -> str:
    owner = pod.owner
    kinds = {"Deployment": "deployment", "StatefulSet": "statefulset", "DaemonSet": "daemonset"}
    if owner is not None and owner.kind in kinds:
        path = json_pointer_escape(SKIP_POD_LABEL)
        return (f"kubectl -n {pod.namespace} patch {kinds[owner.kind]}/{owner.name} --type json "
                f"-p '[{{\"op\":\"remove\",\"path\":\"/spec/template/metadata/labels/{path}\"}}]'")
    return f"# remove the label {SKIP_POD_LABEL} from the manifest of pod {pod.name}"


def json_pointer_escape(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")


POD_IDENTITY_SPEC = LinkSpec(
    id=LINK,
    title="Webhook injection",
    short="webhook",
    needs=POD_IDENTITY_NEEDS,
    check=check_pod_identity,
    learn=(
        "At pod creation the webhook finds the association and injects AWS_CONTAINER_CREDENTIALS_FULL_URI, "
        "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE and a token volume for audience pods.eks.amazonaws.com."
    ),
    learn_what="mutating webhook",
)
