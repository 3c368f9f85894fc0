"""Deriving the EKS cluster and region from a kubeconfig, and merging like kubectl."""

from __future__ import annotations

from pathlib import Path

import pytest

from irsa_tui.sources.kubeconfig import KubeconfigError, derive_eks, eks_account, find_context, list_contexts

AWS_EXEC = {
    "exec": {
        "apiVersion": "client.authentication.k8s.io/v1beta1",
        "command": "aws",
        "args": ["--region", "eu-west-1", "eks", "get-token", "--cluster-name", "prod-eks", "--output", "json"],
    }
}


@pytest.mark.parametrize(
    ("context", "cluster", "server", "user", "expected"),
    [
        pytest.param("prod", "prod", "https://x", AWS_EXEC, ("prod-eks", "eu-west-1"), id="aws-eks-get-token"),
        pytest.param(
            "c", "c", "https://x",
            {"exec": {"command": "aws-iam-authenticator", "args": ["token", "-i", "legacy-eks"]}},
            ("legacy-eks", None), id="aws-iam-authenticator",
        ),
        pytest.param(
            "arn:aws:eks:us-east-2:111122223333:cluster/blue", "arn:aws:eks:us-east-2:111122223333:cluster/blue",
            "https://x", {}, ("blue", "us-east-2"), id="update-kubeconfig-arn-names",
        ),
        pytest.param("admin@green.ap-south-1.eksctl.io", "green.ap-south-1.eksctl.io", "https://x", {},
                     ("green", "ap-south-1"), id="eksctl-context"),
        pytest.param("x", "x", "https://ABCDEF.gr7.eu-central-1.eks.amazonaws.com", {}, (None, "eu-central-1"),
                     id="server-host-region-only"),
        pytest.param("kind-kind", "kind-kind", "https://127.0.0.1:6443", {}, (None, None), id="not-eks"),
        pytest.param(
            "c", "c", "https://x",
            {"exec": {"command": "aws", "args": ["eks", "get-token", "--cluster-name=z"],
                      "env": [{"name": "AWS_REGION", "value": "cn-north-1"}]}},
            ("z", "cn-north-1"), id="exec-env-region-and-equals-flag",
        ),
    ],
)
def test_derive_eks(context: str, cluster: str, server: str, user: dict, expected: tuple) -> None:
    assert derive_eks(context, cluster, server, user) == expected


@pytest.mark.parametrize(
    ("context", "cluster", "expected"),
    [
        pytest.param("prod", "arn:aws:eks:eu-west-1:210987654321:cluster/prod", "210987654321", id="cluster-arn"),
        pytest.param("arn:aws-cn:eks:cn-north-1:123456789012:cluster/x", "x", "123456789012", id="context-arn"),
        pytest.param("user@prod.eu-west-1.eksctl.io", "prod.eu-west-1.eksctl.io", None, id="eksctl-no-account"),
        pytest.param("prod", "arn:aws:eks:eu-west-1:12345:cluster/prod", None, id="short-account-not-taken"),
    ],
)
def test_eks_account(context: str, cluster: str, expected: str | None) -> None:
    assert eks_account(context, cluster) == expected


def _write(path: Path, current: str, names: list[str]) -> None:
    import yaml

    path.write_text(
        yaml.safe_dump(
            {
                "apiVersion": "v1",
                "kind": "Config",
                "current-context": current,
                "clusters": [{"name": n, "cluster": {"server": f"https://{n}.example"}} for n in names],
                "users": [{"name": n, "user": {"token": "t"}} for n in names],
                "contexts": [{"name": n, "context": {"cluster": n, "user": n, "namespace": f"ns-{n}"}} for n in names],
            }
        )
    )


def test_kubeconfig_list_merges_first_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    _write(a, "one", ["one", "two"])
    _write(b, "three", ["two", "three"])
    monkeypatch.setenv("KUBECONFIG", f"{a}:{b}")
    contexts = list_contexts()
    assert [c.name for c in contexts] == ["one", "two", "three"]
    assert [c.name for c in contexts if c.current] == ["one"]
    assert find_context(None).namespace == "ns-one"
    assert find_context("three").server == "https://three.example"


def test_unknown_context_names_close_matches(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _write(tmp_path / "k", "prod", ["prod", "staging"])
    monkeypatch.setenv("KUBECONFIG", str(tmp_path / "k"))
    with pytest.raises(KubeconfigError, match="did you mean staging"):
        find_context("stagin")


def test_missing_and_broken_kubeconfig(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KUBECONFIG", str(tmp_path / "absent"))
    with pytest.raises(KubeconfigError, match="no kubeconfig found"):
        list_contexts()
    bad = tmp_path / "bad"
    bad.write_text("contexts: [unclosed\n")
    monkeypatch.setenv("KUBECONFIG", str(bad))
    with pytest.raises(KubeconfigError, match="cannot read kubeconfig"):
        list_contexts()


@pytest.mark.parametrize(
    ("extensions", "expected"),
    [
        pytest.param(None, (None, None), id="none"),
        pytest.param([{"name": "irsa-tui", "extension": {"bucket": "inv-prod"}}], ("inv-prod", None), id="bucket"),
        pytest.param(
            [{"name": "other", "extension": {}}, {"name": "irsa-tui", "extension": {"bucket": "b-1", "object": "a/b"}}],
            ("b-1", "a/b"),
            id="bucket-and-object-after-another-tool",
        ),
        pytest.param([{"name": "irsa-tui", "extension": {"bucket": "Bad_Name", "object": "k"}}], (None, None),
                     id="invalid-bucket-ignored"),
        pytest.param([{"name": "irsa-tui", "extension": {"object": "k"}}], (None, None), id="object-without-bucket"),
        pytest.param([{"name": "irsa-tui", "extension": "bucket"}], (None, None), id="not-a-mapping"),
    ],
)
def test_probe_defaults_come_from_the_contexts_irsa_tui_extension(
    extensions: object, expected: tuple[str | None, str | None]
) -> None:
    from irsa_tui.sources.kubeconfig import probe_defaults

    assert probe_defaults({"cluster": "c", "extensions": extensions}) == expected
