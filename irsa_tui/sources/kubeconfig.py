"""Reading kubeconfig files the way kubectl does, without importing the kubernetes client.

Kept light (yaml only) so the TUI's context list appears instantly. Honours
``KUBECONFIG`` (several files joined by ``:``, first definition of a name wins,
``current-context`` from the first file that sets it) and ``~/.kube/config``.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = [
    "EXTENSION",
    "ContextInfo",
    "KubeconfigError",
    "derive_eks",
    "kubeconfig_paths",
    "list_contexts",
    "load_merged",
    "probe_defaults",
]

_ARN_CLUSTER = re.compile(r"^arn:aws[a-z-]*:eks:([a-z0-9-]+):(\d{12}):cluster/([A-Za-z0-9][A-Za-z0-9_-]*)$")
_EKS_HOST = re.compile(r"\.([a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d)\.eks\.amazonaws\.com(?:\.cn)?(?::\d+)?$")
_EKSCTL = re.compile(r"@([A-Za-z0-9][A-Za-z0-9_-]*)\.([a-z]{2}(?:-gov)?-[a-z]+-\d)\.eksctl\.io$")


class KubeconfigError(Exception):
    """A kubeconfig problem worth a one-line message (missing file, bad YAML, unknown context)."""


@dataclass(frozen=True)
class ContextInfo:
    name: str
    cluster: str
    """The kubeconfig cluster entry name."""
    server: str
    namespace: str | None
    eks_cluster: str | None
    """EKS cluster name derived from exec args, ARN-style names or eksctl names."""
    region: str | None
    current: bool
    user: str = ""
    eks_account: str | None = None
    """The cluster's AWS account, when the kubeconfig names it by ARN (``aws eks update-kubeconfig``)."""
    bucket: str | None = None
    """The S3 bucket to probe for pods of this context, from its ``irsa-tui`` extension (see below)."""
    object_key: str | None = None
    """With ``bucket``: the object to read one byte of, from the same extension."""


def kubeconfig_paths() -> list[Path]:
    value = os.environ.get("KUBECONFIG")
    if value:
        return [Path(p).expanduser() for p in value.split(os.pathsep) if p]
    return [Path("~/.kube/config").expanduser()]


_CACHE: dict[tuple[Any, ...], dict[str, Any]] = {}


def load_merged() -> dict[str, Any]:
    """Merge the kubeconfig files like kubectl: first occurrence of each name wins.

    Cached on the files' paths, sizes and mtimes, so re-runs do not re-parse.
    """
    key: list[Any] = []
    for path in kubeconfig_paths():
        try:
            st = path.stat()
            key.append((str(path), st.st_mtime_ns, st.st_size))
        except OSError:
            key.append((str(path), None))
    cached = _CACHE.get(tuple(key))
    if cached is not None:
        return cached
    merged = _load_merged()
    _CACHE.clear()
    _CACHE[tuple(key)] = merged
    return merged


def _load_merged() -> dict[str, Any]:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    merged: dict[str, Any] = {"contexts": [], "clusters": [], "users": [], "current-context": None}
    seen: dict[str, set[str]] = {"contexts": set(), "clusters": set(), "users": set()}
    found = False
    for path in kubeconfig_paths():
        if not path.exists():
            continue
        found = True
        try:
            doc = yaml.load(path.read_text(encoding="utf-8"), Loader=loader) or {}
        except (OSError, UnicodeDecodeError, yaml.YAMLError, ValueError) as exc:
            first = str(exc).splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise KubeconfigError(f"cannot read kubeconfig {path}: {first}") from None
        except RecursionError:
            raise KubeconfigError(f"cannot read kubeconfig {path}: nested too deeply") from None
        if not isinstance(doc, dict):
            raise KubeconfigError(f"kubeconfig {path} is not a YAML mapping")
        if not merged["current-context"] and isinstance(doc.get("current-context"), str):
            merged["current-context"] = doc["current-context"]
        for section in ("contexts", "clusters", "users"):
            items = doc.get(section) or []
            if not isinstance(items, list):
                raise KubeconfigError(f"kubeconfig {path}: '{section}' must be a list")
            for item in items:
                if isinstance(item, dict) and isinstance(item.get("name"), str) and item["name"] not in seen[section]:
                    seen[section].add(item["name"])
                    merged[section].append(item)
    if not found:
        where = os.pathsep.join(str(p) for p in kubeconfig_paths())
        raise KubeconfigError(f"no kubeconfig found at {where} (set KUBECONFIG or run 'aws eks update-kubeconfig'; "
            "'irsa-tui --lab' tries it on a local lab world)")
    return merged


def _arg_after(args: list[str], *flags: str) -> str | None:
    for i, arg in enumerate(args):
        for flag in flags:
            if arg == flag and i + 1 < len(args):
                return args[i + 1]
            if arg.startswith(flag + "="):
                return arg.split("=", 1)[1]
    return None


def eks_account(context_name: str, cluster_name: str) -> str | None:
    """The account of an ARN-style cluster or context name, e.g. ``arn:aws:eks:R:ACCOUNT:cluster/N``."""
    for candidate in (cluster_name, context_name):
        match = _ARN_CLUSTER.match(candidate or "")
        if match:
            return match.group(2)
    return None


def derive_eks(context_name: str, cluster_name: str, server: str, user: dict[str, Any]) -> tuple[str | None, str | None]:
    """EKS cluster name and region from what a kubeconfig says, most specific first.

    1. exec args: ``aws eks get-token --cluster-name X --region Y`` (or ``--cluster-id``),
       ``aws-iam-authenticator token -i X``; region also from the exec env ``AWS_REGION``.
    2. ARN-style cluster/context names written by ``aws eks update-kubeconfig``.
    3. eksctl context names ``user@NAME.REGION.eksctl.io``.
    4. the API server host ``*.REGION.eks.amazonaws.com`` (region only).
    """
    name: str | None = None
    region: str | None = None
    exec_cfg = user.get("exec") if isinstance(user, dict) else None
    if isinstance(exec_cfg, dict):
        raw_args = exec_cfg.get("args") or []
        args = [str(a) for a in raw_args] if isinstance(raw_args, list) else []
        command = str(exec_cfg.get("command") or "")
        if "get-token" in args or command.endswith("aws"):
            name = _arg_after(args, "--cluster-name", "--cluster-id")
            region = _arg_after(args, "--region")
        if name is None and ("aws-iam-authenticator" in command or "token" in args):
            name = _arg_after(args, "-i", "--cluster-id")
            region = region or _arg_after(args, "--region")
        env_list = exec_cfg.get("env") or []
        for env in env_list if isinstance(env_list, list) else []:
            if isinstance(env, dict) and env.get("name") in ("AWS_REGION", "AWS_DEFAULT_REGION") and not region:
                region = str(env.get("value") or "") or None
    for candidate in (cluster_name, context_name):
        match = _ARN_CLUSTER.match(candidate or "")
        if match:
            region = region or match.group(1)
            name = name or match.group(3)
    match = _EKSCTL.search(context_name or "")
    if match:
        name = name or match.group(1)
        region = region or match.group(2)
    host = re.sub(r"^https?://", "", server or "").split("/", 1)[0]
    match = _EKS_HOST.search(host)
    if match:
        region = region or match.group(1)
    return name, region


EXTENSION = "irsa-tui"
"""The name of a context extension holding probe defaults for that context's pods::

    contexts:
    - name: prod
      context:
        cluster: ...
        extensions:
        - name: irsa-tui
          extension: {bucket: invoices-prod, object: 2024/08/INV-0004.pdf}

Kubeconfig contexts carry ``extensions`` (a list of ``{name, extension}``) for exactly this:
tool-specific settings that travel with the context. Invalid values are ignored.
"""


def probe_defaults(body: dict[str, Any]) -> tuple[str | None, str | None]:
    """(bucket, object) from a context's ``irsa-tui`` extension; (None, None) when absent or invalid."""
    from irsa_tui.chain.buckets import bucket_name_problem
    from irsa_tui.chain.links.s3 import object_key_problem

    extensions = body.get("extensions")
    for ext in extensions if isinstance(extensions, list) else []:
        if not isinstance(ext, dict) or ext.get("name") != EXTENSION or not isinstance(ext.get("extension"), dict):
            continue
        bucket, key = ext["extension"].get("bucket"), ext["extension"].get("object")
        if not isinstance(bucket, str) or bucket_name_problem(bucket):
            return None, None
        if not isinstance(key, str) or object_key_problem(key):
            key = None
        return bucket, key
    return None, None


def list_contexts() -> list[ContextInfo]:
    doc = load_merged()
    clusters = {c["name"]: c.get("cluster") or {} for c in doc["clusters"]}
    users = {u["name"]: u.get("user") or {} for u in doc["users"]}
    out: list[ContextInfo] = []
    for ctx in doc["contexts"]:
        body = ctx.get("context") if isinstance(ctx.get("context"), dict) else {}
        cluster_name = str(body.get("cluster") or "")
        cluster = clusters.get(cluster_name, {})
        server = str(cluster.get("server") or "") if isinstance(cluster, dict) else ""
        user = users.get(str(body.get("user") or ""), {})
        eks, region = derive_eks(ctx["name"], cluster_name, server, user if isinstance(user, dict) else {})
        bucket, object_key = probe_defaults(body)
        out.append(
            ContextInfo(
                name=ctx["name"],
                cluster=cluster_name,
                server=server,
                namespace=body.get("namespace") if isinstance(body.get("namespace"), str) else None,
                eks_cluster=eks,
                region=region,
                current=ctx["name"] == doc["current-context"],
                user=str(body.get("user") or ""),
                eks_account=eks_account(ctx["name"], cluster_name),
                bucket=bucket,
                object_key=object_key,
            )
        )
    return out


def find_context(name: str | None) -> ContextInfo:
    contexts = list_contexts()
    if name is None:
        for ctx in contexts:
            if ctx.current:
                return ctx
        raise KubeconfigError("no current-context in kubeconfig; pass --context")
    for ctx in contexts:
        if ctx.name == name:
            return ctx
    import difflib

    close = difflib.get_close_matches(name, [c.name for c in contexts], n=3)
    shown = [n if n.isprintable() else repr(n) for n in close or [c.name for c in contexts[:8]]]  # one line
    hint = f"; did you mean {', '.join(shown)}?" if close else f"; known: {', '.join(shown)}" if shown else ""
    quoted = repr(name) if len(repr(name)) <= 200 else repr(name)[:199] + "…"
    raise KubeconfigError(f"context {quoted} not found in kubeconfig{hint}"[:2000])
