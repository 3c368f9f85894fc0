"""The scenario catalogue and the ``irsa-tui lab`` command line (no servers started)."""

from __future__ import annotations

import json

import pytest

from irsa_tui.chain.registry import MECHANISMS
from irsa_tui.lab import scenario as scn_mod
from irsa_tui.lab.cli import main


def test_catalogue_covers_every_link_of_every_mechanism_twice() -> None:
    items = scn_mod.scenarios()
    assert items[0].name == "healthy" and items[0].breaks is None and items[0].expect.verdict == "ok"
    for mechanism in MECHANISMS.values():
        for link in mechanism.link_ids:
            breaking = [s for s in items if s.expect.mechanism == mechanism.id and s.breaks == link.value]
            assert len(breaking) >= 2, (mechanism.id, link)
    assert len({s.name for s in items}) == len(items)
    for s in items:
        assert s.title and "\n" not in s.title
        assert s.expect.verdict in ("ok", "broken", "incomplete")
        assert s.expect.first_failure in (None, *scn_mod.mechanism_links(s.expect.mechanism))


def test_every_scenario_expands_without_unknown_placeholders() -> None:
    for s in scn_mod.scenarios():
        names = scn_mod.placeholders(s, "https://127.0.0.1:1", "0" * 40, "https://127.0.0.1:2/clusters/x")
        text = json.dumps(scn_mod.expand(s.config(), names))
        assert "${" not in text, s.name


def test_unknown_placeholder_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match=r"unknown placeholder \$\{NOPE\}"):
        scn_mod.expand({"a": ["x ${NOPE}"]}, {"ISSUER": "i"})


def test_deep_merge_null_deletes_and_lists_replace() -> None:
    base = {"sa": {"annotations": {"a": "1", "b": "2"}}, "ids": ["x", "y"]}
    merged = scn_mod.deep_merge(base, {"sa": {"annotations": {"a": None}}, "ids": ["z"]})
    assert merged == {"sa": {"annotations": {"b": "2"}}, "ids": ["z"]}
    assert base["sa"]["annotations"] == {"a": "1", "b": "2"}  # the baseline is never mutated


def test_lab_list_prints_name_then_link_then_title(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == len(scn_mod.scenarios()) + len(scn_mod.generated())
    assert lines[-1].startswith("fleet ")
    first = lines[0].split()
    assert first[:2] == ["healthy", "-"]
    row = next(line for line in lines if line.startswith("trust-sub-wrong-namespace "))
    assert row.split()[1] == "trust-policy"
    assert "namespace default instead of payments" in row


def test_lab_list_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["list", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    by_name = {d["name"]: d for d in doc}
    assert by_name["sts-region-disabled"]["breaks"] == "sts"
    assert by_name["healthy"]["expect"] == {"verdict": "ok", "first_failure": None, "codes": [], "mechanism": "irsa"}
    assert by_name["agent-addon-missing"]["expect"]["mechanism"] == "pod-identity"


def test_unknown_scenario_exits_64_and_suggests(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "helthy", "--", "true"]) == 64
    err = capsys.readouterr().err
    assert "unknown scenario 'helthy'" in err and "healthy" in err
    assert len(err.strip().splitlines()) == 1


def test_run_without_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "healthy"]) == 64
    assert "needs a command" in capsys.readouterr().err


def test_bad_subcommand_is_a_usage_error_not_a_traceback(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["frobnicate"]) == 64
    assert "Traceback" not in capsys.readouterr().err


def test_sts_outage_names_an_endpoint_kind() -> None:
    text = "name: x\ntitle: t\nbreaks: sts\nworld: {sts: {outage: everywhere}}\n"
    with pytest.raises(ValueError, match=r"world\.sts\.outage must be one of global, regional"):
        scn_mod._load(text, "x.yaml")
