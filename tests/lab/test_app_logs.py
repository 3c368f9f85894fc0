"""The lab app's log (served as pods/log) shows each scenario's failure as a real app prints it, and
`explain` (the catalogue check --logs uses) recognises it, agreeing with the chain the scenario breaks."""

from __future__ import annotations

import datetime as dt

import pytest

from irsa_tui.explain.agreement import agreement
from irsa_tui.explain.engine import explain
from irsa_tui.lab import scenario as scn_mod
from irsa_tui.lab.app_logs import (
    BY_LINK,
    POD_IDENTITY_BY_LINK,
    POD_TOKEN,
    app_logs,
    failing_link,
    with_timestamps,
)
from irsa_tui.lab.scenario import Scenario, scenarios

# Pod Identity: the agent relays EKS Auth's refusal as a 400; the words cannot tell association or eks-auth
# from the agent (no shape of the catalogue names those links).
TEXT_CANNOT_TELL = {"association": "agent", "eks-auth": "agent"}
# scenario -> why its app log disagrees with the chain walked from its spec (on purpose)
DISAGREES = {
    "injection-app-uses-node-role": "the spec gives the role; the app's old SDK uses the node role (INJ-221)",
}


def logs_of(scn: Scenario) -> dict[str, list[str]]:
    names = scn_mod.placeholders(scn, "https://127.0.0.1:8443", "0" * 40, "https://127.0.0.1:6443/clusters/x")
    return app_logs(failing_link(scn), scn_mod.expand(scn.config(), names), names, scn.expect.mechanism)


def expected_chain(scn: Scenario) -> dict[str, str]:
    links = scn_mod.mechanism_links(scn.expect.mechanism)
    first = scn.expect.first_failure
    if first is None:
        return dict.fromkeys(links, "pass")
    at = links.index(first)
    return {link: "pass" if i < at else "fail" if i == at else "skip" for i, link in enumerate(links)}


@pytest.mark.parametrize("scn", scenarios(), ids=lambda s: s.name)
def test_every_scenario_log_is_explained_and_agrees(scn: Scenario) -> None:
    app = logs_of(scn)["app"]
    result = explain("\n".join(app))
    if failing_link(scn) is None and scn.name not in DISAGREES:
        assert not result.recognised, [m.shape.code for m in result.matches]  # a healthy app prints no error
        return
    assert result.recognised, f"{scn.name}: {app}"
    if scn.name in DISAGREES:  # compared with the chain walked from the spec alone: every link passes
        verdict = agreement(result, dict.fromkeys(scn_mod.mechanism_links(scn.expect.mechanism), "pass"))
    else:
        verdict = agreement(result, expected_chain(scn))
    if scn.name in DISAGREES:
        assert verdict.verdict == "disagrees", verdict
    elif failing_link(scn) in TEXT_CANNOT_TELL and scn.expect.mechanism == "pod-identity":
        assert result.link == TEXT_CANNOT_TELL[str(failing_link(scn))], result.link
    else:
        assert verdict.verdict != "disagrees", f"{scn.name}: {verdict.message}\n{app}"


def test_each_link_line_shows_the_shape_it_names() -> None:
    names = {"ACCOUNT": "123456789012", "BUCKET": "b", "ISSUER": "https://i", "ROLE_NAME": "r", "CLUSTER": "c"}
    for link, (code, line) in [*BY_LINK.items(), *POD_IDENTITY_BY_LINK.items()]:
        for key, value in names.items():
            line = line.replace("${" + key + "}", value)
        codes = {m.shape.code for m in explain(line).matches}
        assert (code in codes) if code else not codes, (link, codes)


def test_secrets_the_app_prints_are_placeholders_filled_when_served() -> None:
    app = logs_of(next(s for s in scenarios() if s.name == "trust-sub-wrong-namespace"))["app"]
    assert sum(POD_TOKEN in line for line in app) == 2 and any("@@CALLER_SECRET@@" in line for line in app)


def test_timestamps_as_the_api_server_writes_them() -> None:
    until = dt.datetime(2026, 12, 1, 10, 4, tzinfo=dt.UTC)
    stamped = with_timestamps(["a", "b"], until)
    assert stamped == ["2026-12-01T10:03:40.000000001Z a", "2026-12-01T10:04:00.000000002Z b"]
