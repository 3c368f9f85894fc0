"""A self-managed webhook: its Service from the configuration, its flags from the Deployment."""

from __future__ import annotations

from typing import Any

import pytest

from irsa_tui.sources.kube import parse_webhooks, webhook_flags


def _deployment(command: list[str], args: list[str]) -> dict[str, Any]:
    return {"spec": {"template": {"spec": {"containers": [{"name": "w", "command": command, "args": args}]}}}}


@pytest.mark.parametrize(
    ("command", "args", "expected"),
    [
        pytest.param(["/webhook"], ["--token-audience=amazonaws.com", "--aws-default-region=eu-west-1"], {
            "token-audience": "amazonaws.com", "aws-default-region": "eu-west-1"}, id="equals-form"),
        pytest.param(["/webhook", "--token-audience", "amazonaws.com", "--sts-regional-endpoint"], [], {
            "token-audience": "amazonaws.com", "sts-regional-endpoint": "true"}, id="space-form-and-bare-bool"),
        pytest.param(["/webhook"], ["--in-cluster=false", "--namespace=default"], {}, id="no-irsa-flags"),
        pytest.param(["/webhook"], ["-sts-regional-endpoint=false", "--token-expiration=3600"], {
            "sts-regional-endpoint": "false", "token-expiration": "3600"}, id="go-single-dash"),
    ],
)
def test_flags(command: list[str], args: list[str], expected: dict[str, str]) -> None:
    assert webhook_flags(_deployment(command, args)) == expected


def test_self_managed_webhook_names_its_service_and_eks_none() -> None:
    oss = {"items": [{"metadata": {"name": "pod-identity-webhook"}, "webhooks": [{
        "name": "pod-identity-webhook.amazonaws.com", "failurePolicy": "Ignore",
        "clientConfig": {"service": {"name": "pod-identity-webhook", "namespace": "kube-system"}}}]}]}
    assert parse_webhooks(oss).service == "kube-system/pod-identity-webhook"
    eks = {"items": [{"metadata": {"name": "pod-identity-webhook"}, "webhooks": [{
        "name": "iam-for-pods.amazonaws.com", "clientConfig": {"url": "https://127.0.0.1:23443/mutate"}}]}]}
    assert parse_webhooks(eks).service is None
