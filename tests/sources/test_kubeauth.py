"""The kubeconfig shapes sources/kubeauth.py handles give the same client Configuration as the
kubernetes client's own loader (the authority); every other shape is left to that loader."""

from __future__ import annotations

import base64
import os
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from irsa_tui.sources import kubeauth
from irsa_tui.sources.kubeconfig import KubeconfigError

CA = "-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n"
SERVER = "https://10.0.0.1:6443"

EXEC_SCRIPT = """#!{python}
import json, os, sys
info = json.loads(os.environ["KUBERNETES_EXEC_INFO"])
token = "exec-" + os.environ.get("EXTRA", "none") + "-" + ("cluster" if "cluster" in info["spec"] else "nocluster")
print(json.dumps({{"apiVersion": info["apiVersion"], "kind": "ExecCredential", "status": {{"token": token}}}}))
"""


def _write(tmp: Path, cluster: dict[str, Any], user: dict[str, Any]) -> Path:
    doc = {"apiVersion": "v1", "kind": "Config", "current-context": "c",
           "contexts": [{"name": "c", "context": {"cluster": "k", "user": "u", "namespace": "payments"}}],
           "clusters": [{"name": "k", "cluster": {"server": SERVER, **cluster}}],
           "users": [{"name": "u", "user": user}]}
    path = tmp / "config"
    path.write_text(yaml.safe_dump(doc))
    return path


def _fast(path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    from kubernetes.client import Configuration

    monkeypatch.setenv("KUBECONFIG", str(path))
    cfg = Configuration()
    return cfg if kubeauth.configure(cfg, "c") else None


def _reference(path: Path) -> Any:
    from kubernetes.client import Configuration
    from kubernetes.config.kube_config import load_kube_config

    cfg = Configuration()
    load_kube_config(config_file=str(path), context="c", client_configuration=cfg, persist_config=False)
    return cfg


def _effective(cfg: Any) -> dict[str, Any]:
    ca = cfg.ca_cert_data or (Path(cfg.ssl_ca_cert).read_text() if cfg.ssl_ca_cert else None)
    return {"host": cfg.host, "ca": ca, "verify": cfg.verify_ssl, "auth": cfg.auth_settings(),
            "cert": cfg.cert_file and Path(cfg.cert_file).read_text(), "key": cfg.key_file and Path(cfg.key_file).read_text(),
            "sni": cfg.tls_server_name}


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    out = {"ca": tmp_path / "ca.pem", "cert": tmp_path / "client.crt", "key": tmp_path / "client.key",
           "token": tmp_path / "token", "exec": tmp_path / "get-token"}
    out["ca"].write_text(CA)
    out["cert"].write_text("CERT")
    out["key"].write_text("KEY")
    out["token"].write_text("from-file")  # (kubernetes.config keeps a trailing newline; client-go and we strip it)
    out["exec"].write_text(EXEC_SCRIPT.format(python=sys.executable))
    out["exec"].chmod(out["exec"].stat().st_mode | stat.S_IXUSR)
    return out


B64 = base64.b64encode(CA.encode()).decode()
SUPPORTED = {
    "token + CA data": ({"certificate-authority-data": B64}, {"token": "abc"}),
    "token file + relative CA file": ({"certificate-authority": "ca.pem"}, {"tokenFile": "token"}),
    "client cert files": ({"certificate-authority-data": B64}, {"client-certificate": "client.crt", "client-key": "client.key"}),
    "insecure + tls-server-name": ({"insecure-skip-tls-verify": True, "tls-server-name": "api.internal"}, {"token": "t"}),
    "exec plugin (aws eks get-token)": ({"certificate-authority-data": B64}, {"exec": {
        "apiVersion": "client.authentication.k8s.io/v1beta1", "command": "{exec}", "args": [],
        "env": [{"name": "EXTRA", "value": "x1"}], "interactiveMode": "IfAvailable"}}),
    "exec with cluster info": ({"certificate-authority-data": B64}, {"exec": {
        "apiVersion": "client.authentication.k8s.io/v1", "command": "{exec}", "provideClusterInfo": True}}),
}


def _fill(user: dict[str, Any], files: dict[str, Path]) -> dict[str, Any]:
    if "exec" in user:
        return {"exec": {**user["exec"], "command": str(files["exec"])}}
    return user


@pytest.mark.parametrize("shape", list(SUPPORTED))
def test_same_configuration_as_the_kubernetes_loader(shape: str, tmp_path: Path, files: dict[str, Path],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    cluster, user = SUPPORTED[shape]
    path = _write(tmp_path, cluster, _fill(user, files))
    fast = _fast(path, monkeypatch)
    assert fast is not None, f"{shape} should be handled without kubernetes.config"
    assert _effective(fast) == _effective(_reference(path))


@pytest.mark.parametrize(
    ("cluster", "user"),
    [
        ({}, {"auth-provider": {"name": "oidc", "config": {}}}),
        ({}, {"username": "admin", "password": "secret"}),
        ({}, {"client-certificate-data": "Q0VSVA==", "client-key-data": "S0VZ"}),
        ({"proxy-url": "http://proxy:3128"}, {"token": "t"}),
        ({}, {"token": "t", "as": "someone"}),
        ({"certificate-authority-data": "%%% not base64"}, {"token": "t"}),
    ],
)
def test_other_shapes_are_left_to_the_kubernetes_loader(cluster: dict[str, Any], user: dict[str, Any],
                                                        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert _fast(_write(tmp_path, cluster, user), monkeypatch) is None


def test_several_kubeconfig_files_are_left_to_the_kubernetes_loader(tmp_path: Path, files: dict[str, Path],
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    path = _write(tmp_path, {}, {"token": "t"})
    monkeypatch.setenv("KUBECONFIG", os.pathsep.join([str(path), str(tmp_path / "other")]))
    from kubernetes.client import Configuration

    assert kubeauth.configure(Configuration(), "c") is False


@pytest.mark.parametrize(("script", "words"), [("import sys; sys.exit(3)", "returned 3"),
                                               ("print('not json')", "not JSON"),
                                               ("print('{\"kind\": \"Other\"}')", "no ExecCredential")])
def test_a_failing_exec_plugin_is_a_kubeconfig_error(script: str, words: str, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    plugin = tmp_path / "plugin"
    plugin.write_text(f"#!{sys.executable}\n{script}\n")
    plugin.chmod(0o755)
    path = _write(tmp_path, {}, {"exec": {"apiVersion": "client.authentication.k8s.io/v1", "command": str(plugin)}})
    with pytest.raises(KubeconfigError, match=words):
        _fast(path, monkeypatch)


def test_a_missing_exec_command_names_its_install_hint(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _write(tmp_path, {}, {"exec": {"apiVersion": "client.authentication.k8s.io/v1", "command": "no-such-aws-cli",
                                          "installHint": "install the AWS CLI"}})
    with pytest.raises(KubeconfigError, match=r"no-such-aws-cli not found.*install the AWS CLI"):
        _fast(path, monkeypatch)


def test_a_check_on_a_token_kubeconfig_never_imports_requests_or_oauthlib(tmp_path: Path) -> None:
    path = _write(tmp_path, {"certificate-authority-data": B64}, {"token": "abc"})
    script = ("import sys; from irsa_tui.sources.kube import Kube; Kube('c').api; "
              "print(sorted(m for m in ('requests', 'oauthlib', 'requests_oauthlib', 'kubernetes.config.kube_config') "
              "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", script], env={**os.environ, "KUBECONFIG": str(path)},
                         capture_output=True, text=True, timeout=60, check=True).stdout
    assert out.strip() == "[]"
