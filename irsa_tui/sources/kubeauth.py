"""The kubernetes client's Configuration for one context, straight from the kubeconfig, for the
usual shapes: bearer ``token`` or ``tokenFile``, client certificate files, an ``exec`` credential
plugin (``aws eks get-token``), CA data or file, ``insecure-skip-tls-verify``, ``tls-server-name``.

Why: ``kubernetes.config.kube_config`` imports requests, oauthlib and requests_oauthlib at load
(for the legacy auth providers), ~40-50 ms of CPU on every cold ``check`` (see README Speed).
Anything else (``auth-provider``, username/password, ``*-data`` client keys, a proxy, several
kubeconfig files, relative paths we cannot anchor) returns False and the caller uses
``load_kube_config`` as before. tests/sources/test_kubeauth.py checks both give the same
Configuration.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from irsa_tui.sources.kubeconfig import KubeconfigError, kubeconfig_paths, load_merged

__all__ = ["configure"]

_CLUSTER_KEYS = frozenset({"server", "certificate-authority", "certificate-authority-data", "insecure-skip-tls-verify",
                           "tls-server-name", "extensions"})
_USER_KEYS = frozenset({"token", "tokenFile", "client-certificate", "client-key", "exec", "extensions"})
_EXEC_KEYS = frozenset({"command", "args", "env", "apiVersion", "installHint", "provideClusterInfo",
                        "interactiveMode"})
EXEC_TIMEOUT_S = 60.0


def _entry(doc: dict[str, Any], section: str, name: object, key: str) -> dict[str, Any] | None:
    for item in doc.get(section) or []:
        if item.get("name") == name:
            value = item.get(key)
            return value if isinstance(value, dict) else None
    return None


def configure(cfg: Any, context: str) -> bool:
    """Fill ``cfg`` (a kubernetes.client.Configuration) for ``context``; False when the kubeconfig
    has a shape this does not handle (then ``load_kube_config`` must). Raises KubeconfigError for an
    exec plugin that fails, as load_kube_config's ConfigException would."""
    paths = kubeconfig_paths()
    if len(paths) != 1:
        return False
    base = paths[0].resolve().parent
    doc = load_merged()
    ctx = _entry(doc, "contexts", context, "context")
    if ctx is None or set(ctx) - {"cluster", "user", "namespace", "extensions"}:
        return False
    cluster = _entry(doc, "clusters", ctx.get("cluster"), "cluster")
    user = _entry(doc, "users", ctx.get("user"), "user") if ctx.get("user") else {}
    if cluster is None or user is None or set(cluster) - _CLUSTER_KEYS or set(user) - _USER_KEYS:
        return False
    server = cluster.get("server")
    if not isinstance(server, str) or not server.startswith("https://"):
        return False
    files = {key: str(user[key]) for key in ("client-certificate", "client-key") if isinstance(user.get(key), str)}
    if len(files) != sum(key in user for key in ("client-certificate", "client-key")) or len(files) == 1:
        return False
    token: str | None = None
    if "token" in user:
        if not isinstance(user["token"], str):
            return False
        token = user["token"]
    elif "tokenFile" in user:
        try:
            token = (base / str(user["tokenFile"])).read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError):
            return False
    elif "exec" in user:
        exec_cfg = user["exec"]
        if not isinstance(exec_cfg, dict) or set(exec_cfg) - _EXEC_KEYS:
            return False
        status = _run_exec(exec_cfg, base, cluster)
        if not isinstance(status.get("token"), str):
            return False  # a client certificate from the plugin: load_kube_config handles it
        token = status["token"]
    ca_data = cluster.get("certificate-authority-data")
    if ca_data is not None:
        try:
            cfg.ca_cert_data = base64.b64decode(str(ca_data), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError, ValueError):
            return False
    elif isinstance(cluster.get("certificate-authority"), str):
        cfg.ssl_ca_cert = str(base / cluster["certificate-authority"])
    cfg.host = server
    if cluster.get("insecure-skip-tls-verify") is True:
        cfg.verify_ssl = False
    if isinstance(cluster.get("tls-server-name"), str):
        cfg.tls_server_name = cluster["tls-server-name"]
    if files:
        cfg.cert_file = str(base / files["client-certificate"])
        cfg.key_file = str(base / files["client-key"])
    if token:
        cfg.api_key = {"BearerToken": f"Bearer {token}"}  # as kubernetes.config sets it
    return True


def _run_exec(exec_cfg: dict[str, Any], base: Path, cluster: dict[str, Any]) -> dict[str, Any]:
    """Run a client.authentication.k8s.io credential plugin as client-go and kubernetes.config do."""
    command, api_version = exec_cfg.get("command"), exec_cfg.get("apiVersion")
    if not isinstance(command, str) or not isinstance(api_version, str):
        raise KubeconfigError("exec: malformed request: needs 'command' and 'apiVersion'")
    interactive = hasattr(sys.stdout, "isatty") and sys.stdout.isatty()
    spec: dict[str, Any] = {"interactive": interactive}
    if exec_cfg.get("provideClusterInfo"):
        spec["cluster"] = dict(cluster)
        for ext in cluster.get("extensions") or []:
            if isinstance(ext, dict) and ext.get("name") == "client.authentication.k8s.io/exec":
                spec["cluster"]["config"] = ext.get("extension")
                break
    env = dict(os.environ)
    for item in exec_cfg.get("env") or []:
        env[str(item["name"])] = str(item["value"])
    env["KUBERNETES_EXEC_INFO"] = json.dumps({"apiVersion": api_version, "kind": "ExecCredential", "spec": spec})
    argv = [command, *(str(a) for a in exec_cfg.get("args") or [])]
    try:
        # stdin inherited; stderr shown when interactive (a login prompt), else kept for the message
        proc = subprocess.run(argv, env=env, cwd=str(base), stdout=subprocess.PIPE,
                              stderr=None if interactive else subprocess.PIPE, text=True,
                              timeout=EXEC_TIMEOUT_S, check=False)
    except FileNotFoundError:
        hint = exec_cfg.get("installHint")
        raise KubeconfigError(f"exec: {command} not found" + (f" ({str(hint).strip()})" if hint else "")) from None
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise KubeconfigError(f"exec: {command}: {exc}") from None
    if proc.returncode != 0:
        last = (proc.stderr or "").strip().splitlines()[-1:] or [f"exit {proc.returncode}"]
        raise KubeconfigError(f"exec: process returned {proc.returncode}: {last[0][:200]}")
    try:
        data = json.loads(proc.stdout)
    except json.JSONDecodeError:
        raise KubeconfigError(f"exec: {command} did not print an ExecCredential (not JSON)") from None
    if not isinstance(data, dict) or data.get("apiVersion") != api_version or data.get("kind") != "ExecCredential":
        raise KubeconfigError(f"exec: {command} printed no ExecCredential of {api_version}")
    status = data.get("status")
    if not isinstance(status, dict):
        raise KubeconfigError(f"exec: {command}: the ExecCredential has no status")
    return status
