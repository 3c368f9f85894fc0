"""`explain` recognises what the lab's AWS front answered in every scenario that fails live.

The lab's STS/S3 front answers with real error strings (lab/sts_judge.py, lab/aws.py); `check --json`
carries them as the `sts` / `s3` evidence. Each is explained to the link the scenario breaks, except
where the words alone cannot tell (listed below, with why): there the chain walk decides.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from irsa_tui.cli import main
from irsa_tui.explain.engine import explain, render_text
from irsa_tui.lab.scenario import Scenario, expand, scenarios
from irsa_tui.lab.world import LabWorld

pytestmark = pytest.mark.integration

EVIDENCE = ("sts-result", "s3-call", "s3-object", "s3-redirect")
# scenario -> the link its AWS error text names, when that is not the link the scenario breaks.
TEXT_CANNOT_TELL = {
    # STS answers a missing role, a role of another partition and a role the pod should not have with the
    # same words as a refused trust policy: "Not authorized to perform sts:AssumeRoleWithWebIdentity".
    "sts-role-missing": "trust-policy",
    "sa-role-arn-partition": "trust-policy",
    "injection-annotation-changed": "trust-policy",
    "injection-preset-role-arn": "trust-policy",
    # "Incorrect token audience": the token's aud or the provider's client IDs; STS does not say which.
    "token-audience-custom": "oidc-provider",
    "injection-kops-webhook-audience": "oidc-provider",
    # The wrong region shows at S3; that the webhook injected it only the chain can say.
    "injection-region-mismatch": "s3",
}
_seen: dict[str, list[str]] = {}


def live_errors(world: LabWorld, scenario: Scenario, capsys: pytest.CaptureFixture[str]) -> list[str]:
    ns, pod = world.target(scenario.name)
    extra = [str(expand(arg, world.placeholders(scenario.name))) for arg in scenario.args]
    main(["check", f"{ns}/{pod}", "--context", scenario.name, "--json", *extra])
    doc: dict[str, Any] = json.loads(capsys.readouterr().out)
    return [
        str(evidence["actual"])
        for link in doc["links"]
        for key, evidence in link["evidence"].items()
        if key in EVIDENCE and evidence.get("ok") is False and evidence.get("actual")
    ]


@pytest.mark.parametrize("scenario", [s for s in scenarios() if s.breaks], ids=lambda s: s.name)
def test_live_failure_is_explained_to_its_link(
    world: LabWorld, scenario: Scenario, capsys: pytest.CaptureFixture[str]
) -> None:
    errors = live_errors(world, scenario, capsys)
    _seen[scenario.name] = errors
    if not errors:
        pytest.skip("the lab's AWS front answers no error in this scenario (the break is seen before any call)")
    result = explain("\n".join(errors))
    assert result.recognised, f"{scenario.name}: {errors}"
    expected = TEXT_CANNOT_TELL.get(scenario.name, scenario.breaks)
    assert result.link == expected, f"{scenario.name}: {errors}\n{render_text(result)}"
    # the scenario's mechanism (IRSA sessions irsa-tui-…, Pod Identity sessions eks-<cluster>-<pod>-…)
    assert result.mechanism in (scenario.expect.mechanism, "unknown"), render_text(result)


def test_most_broken_scenarios_fail_live() -> None:
    """Guards the skips above: if the lab stopped answering errors, every case would skip."""
    if len(_seen) < 20:
        pytest.skip("run with the scenario cases (same process)")
    assert sum(1 for errors in _seen.values() if errors) >= 30, _seen
    assert set(TEXT_CANNOT_TELL) <= {name for name, errors in _seen.items() if errors}
