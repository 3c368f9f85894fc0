"""Incident bundles: any file is a Bundle that renders, or a one-line BundleError, never a crash.

Mutations of a real bundle (each value replaced by generated JSON), arbitrary JSON documents, and
arbitrary bytes are all read; what reads must render in every format, as replay would print it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from irsa_tui import report
from irsa_tui.bundle import BundleError, read_bundle, write_bundle
from irsa_tui.chain.model import ChainResult, Target
from tests.fuzz.strategies import assert_clear_message, dumps_lenient, fuzz, json_ish
from tests.ui.fakes import _links

_BASE: dict[str, Any] = {}


def _valid(tmp: Path) -> dict[str, Any]:
    if not _BASE:
        result = ChainResult(Target("payments", "api-1", "prod", "prod-eks", "eu-west-1"), _links(True), 640)
        write_bundle(tmp / "seed.json", result, {"namespace": "payments"}, {"live": True})
        _BASE.update(json.loads((tmp / "seed.json").read_text()))
    return json.loads(json.dumps(_BASE))


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(value, dict):
        for k, v in value.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out += _paths(v, (*prefix, i))
    return out


def _replace(doc: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    node = doc
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = new
    return doc


def _read(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "fuzz.json"
    path.write_bytes(data)
    try:
        bundle = read_bundle(path)
    except BundleError as exc:
        assert_clear_message(str(exc))
        return
    for render in (report.render_json, report.render_markdown, report.render_text):
        assert render(bundle.result)
    assert bundle.banner()


@fuzz()
@given(st.data(), json_ish())
def test_a_mutated_bundle_reads_or_says_why(tmp_path_factory: Any, data: st.DataObject, new: Any) -> None:
    tmp = tmp_path_factory.mktemp("bundle")
    doc = _valid(tmp)
    path = data.draw(st.sampled_from(_paths(doc)))
    _read(tmp, dumps_lenient(_replace(doc, path, new)).encode("utf-8", "surrogatepass"))


@fuzz()
@given(st.one_of(st.binary(max_size=200), json_ish().map(lambda v: dumps_lenient(v).encode("utf-8", "surrogatepass"))))
def test_any_file_reads_or_says_why(tmp_path_factory: Any, data: bytes) -> None:
    _read(tmp_path_factory.mktemp("bundle"), data)
