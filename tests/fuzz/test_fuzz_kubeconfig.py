"""kubeconfig: deriving the EKS cluster never raises; loading hostile files raises only KubeconfigError."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import yaml
from hypothesis import given
from hypothesis import strategies as st

from irsa_tui.sources.kubeconfig import KubeconfigError, derive_eks, find_context, list_contexts, load_merged
from tests.fuzz.strategies import assert_clear_message, fuzz, json_ish, nasty_text, text_like

hostile = json_ish(leaves=10)
FLAGS = ["--cluster-name", "--cluster-id", "--region", "-i", "get-token", "eks", "token", "--cluster-name="]
args = st.one_of(
    st.lists(st.one_of(st.sampled_from(FLAGS), nasty_text, st.integers(), st.none()), max_size=8),
    hostile,
)
exec_cfg = st.fixed_dictionaries(
    {},
    optional={
        "command": st.sampled_from(["aws", "/usr/local/bin/aws", "aws-iam-authenticator", "kubelogin"])
        | hostile,
        "args": args,
        "env": st.one_of(
            st.lists(
                st.one_of(
                    st.fixed_dictionaries(
                        {"name": st.sampled_from(["AWS_REGION", "AWS_DEFAULT_REGION", "X"]) | hostile},
                        optional={"value": hostile},
                    ),
                    hostile,
                ),
                max_size=3,
            ),
            hostile,
        ),
        "apiVersion": hostile,
    },
)
users = st.one_of(st.fixed_dictionaries({"exec": st.one_of(exec_cfg, hostile)}), hostile)
names = text_like(
    "arn:aws:eks:eu-west-1:111122223333:cluster/prod", "admin@green.ap-south-1.eksctl.io", "kind"
)
servers = text_like("https://ABC.gr7.eu-central-1.eks.amazonaws.com", "https://127.0.0.1:6443")


def _check_derived(result: Any) -> None:
    assert isinstance(result, tuple) and len(result) == 2
    assert all(v is None or isinstance(v, str) for v in result)


@fuzz()
@given(names, names, servers, users)
def test_derive_eks_never_raises(context: str, cluster: str, server: str, user: Any) -> None:
    _check_derived(derive_eks(context, cluster, server, user))


@fuzz()
@given(
    st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_-]{0,30}", fullmatch=True),
    st.from_regex(r"[a-z]{2}-[a-z]+-[0-9]", fullmatch=True),
    st.sampled_from(["aws", "/opt/bin/aws"]),
    st.booleans(),
)
def test_derive_eks_reads_aws_exec_args(name: str, region: str, command: str, equals: bool) -> None:
    flag = [f"--cluster-name={name}"] if equals else ["--cluster-name", name]
    user = {"exec": {"command": command, "args": ["--region", region, "eks", "get-token", *flag]}}
    assert derive_eks("ctx", "ctx", "https://x", user) == (name, region)


def _yaml_text(value: Any) -> str:
    try:
        return yaml.safe_dump(value, allow_unicode=True)
    except (yaml.YAMLError, RecursionError, ValueError):
        return repr(value)


section_item = st.one_of(
    st.fixed_dictionaries(
        {"name": names | hostile},
        optional={
            "context": st.one_of(
                st.fixed_dictionaries(
                    {}, optional={"cluster": names | hostile, "user": names | hostile, "namespace": hostile}
                ),
                hostile,
            ),
            "cluster": st.one_of(st.fixed_dictionaries({}, optional={"server": servers | hostile}), hostile),
            "user": users,
        },
    ),
    hostile,
)
documents = st.fixed_dictionaries(
    {},
    optional={
        "apiVersion": st.just("v1"),
        "current-context": names | hostile,
        "contexts": st.one_of(st.lists(section_item, max_size=4), hostile),
        "clusters": st.one_of(st.lists(section_item, max_size=3), hostile),
        "users": st.one_of(st.lists(section_item, max_size=3), hostile),
    },
)
file_contents = st.one_of(
    documents.map(_yaml_text).map(str.encode),
    hostile.map(_yaml_text).map(str.encode),
    st.binary(max_size=300),
    st.text(max_size=200).map(lambda t: t.encode("utf-8", "surrogatepass")),
    st.builds(
        lambda d, o: (o * d).encode(), st.integers(1, 3_000), st.sampled_from(["[", "{a: ", "- ", "&a [*a, "])
    ),
    st.sampled_from(
        [
            b"",
            b"\x00",
            b"contexts: 5",
            b"contexts: [1, [2]]",
            b"- a\n- b",
            b"a: !!python/object:os.system x",
            b"current-context: x\ncontexts: [{name: x, context: [1]}]",
            b"\xef\xbb\xbfcontexts: []",
        ]
    ),
)


@contextmanager
def kubeconfig(contents: list[bytes]) -> Iterator[None]:
    """Point KUBECONFIG at files holding ``contents`` (not a pytest fixture: hypothesis reruns the body)."""
    old = os.environ.get("KUBECONFIG")
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for i, data in enumerate(contents):
            path = Path(tmp) / f"config-{i}"
            path.write_bytes(data)
            paths.append(str(path))
        os.environ["KUBECONFIG"] = os.pathsep.join([*paths, str(Path(tmp) / "absent")])
        try:
            yield
        finally:
            if old is None:
                os.environ.pop("KUBECONFIG", None)
            else:
                os.environ["KUBECONFIG"] = old


@fuzz()
@given(st.lists(file_contents, min_size=1, max_size=3), st.one_of(st.none(), names))
def test_hostile_kubeconfig_files_raise_only_kubeconfig_error(
    contents: list[bytes], wanted: str | None
) -> None:
    with kubeconfig(contents):
        for step in (load_merged, list_contexts, lambda: find_context(wanted)):
            try:
                result = step()
            except KubeconfigError as err:
                assert_clear_message(str(err), max_len=2000)
                continue
            if isinstance(result, list):
                for ctx in result:
                    assert isinstance(ctx.name, str)
                    _check_derived((ctx.eks_cluster, ctx.region))
                    assert ctx.namespace is None or isinstance(ctx.namespace, str)


@fuzz()
@given(
    st.lists(st.from_regex(r"[a-z][a-z0-9@.:/-]{0,20}", fullmatch=True), min_size=1, max_size=5, unique=True),
    st.data(),
)
def test_well_formed_kubeconfig_finds_every_context(context_names: list[str], data: st.DataObject) -> None:
    current = data.draw(st.sampled_from(context_names))
    doc = {
        "apiVersion": "v1",
        "current-context": current,
        "contexts": [
            {"name": n, "context": {"cluster": n, "user": n, "namespace": "ns"}} for n in context_names
        ],
        "clusters": [{"name": n, "cluster": {"server": "https://x"}} for n in context_names],
        "users": [{"name": n, "user": {}} for n in context_names],
    }
    with kubeconfig([yaml.safe_dump(doc).encode()]):
        assert [c.name for c in list_contexts()] == context_names
        assert find_context(None).name == current
        for name in context_names:
            assert find_context(name).name == name
