"""check --logs and --cloudtrail through the real CLI on the lab: the app's log (Kubernetes pods/log over the
wire) and CloudTrail (LookupEvents on the AWS front, from what its STS judge decided) as evidence on the
implicated link, in JSON, text and Markdown; a caller without the permission gets named evidence, never a
broken chain."""

from __future__ import annotations

import contextlib
import io
import json
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from irsa_tui.cli import main
from irsa_tui.lab.world import LabWorld

pytestmark = pytest.mark.integration


def run(world: LabWorld, scenario: str, *flags: str) -> tuple[int, str]:
    ns, pod = world.target(scenario)
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        code = main(["check", f"{ns}/{pod}", "--context", scenario, *world.check_args(scenario), *flags])
    return code, out.getvalue()


def as_json(world: LabWorld, scenario: str, *flags: str) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(run(world, scenario, "--json", *flags)[1])
    return doc


def evidence(doc: dict[str, Any], prefix: str) -> dict[str, tuple[str, dict[str, Any]]]:
    return {key: (link["id"], ev) for link in doc["links"] for key, ev in link["evidence"].items()
            if key.startswith(prefix)}


def test_logs_put_the_app_error_on_the_failing_link_in_every_format(world: LabWorld) -> None:
    scenario = "trust-sub-wrong-namespace"
    doc = as_json(world, scenario, "--logs")
    found = evidence(doc, "app-log-")
    link, ev = found["app-log-api-ERR-001"]
    assert link == "trust-policy" and ev["ok"] is False
    assert ev["expected"].startswith("agrees: the chain fails at trust-policy")
    assert "Not authorized to perform sts:AssumeRoleWithWebIdentity" in ev["actual"]
    assert "(x3)" in ev["label"] and "Z" in ev["label"]  # the API server's timestamp, three matching lines
    # nothing else from the log is shown: neither its start-up lines nor the DEBUG lines holding secrets
    text = json.dumps(doc)
    for unmatched in ("listening on 0.0.0.0:8080", "payments-api 1.42.0 starting", "Making request for OperationModel",
                      "DEBUG env", "AWS_SECRET_ACCESS_KEY="):
        assert unmatched not in text
    assert any(p.endswith("/log?container=api&tailLines=200&timestamps=true&limitBytes=4194304")
               for _, p in world.requests(scenario))
    _, plain = run(world, scenario, "--logs")
    assert "log of container api" in plain and "agrees: the chain fails at trust-policy" in plain
    _, markdown = run(world, scenario, "--logs", "--markdown")
    assert "| log of container api" in markdown and "Not authorized to perform" in markdown


def test_logs_showing_the_node_role_overrule_a_healthy_chain(world: LabWorld) -> None:
    doc = as_json(world, "injection-app-uses-node-role")  # its own args carry --logs
    assert doc["verdict"] == "broken" and doc["first_failure"] == "injection"
    injection = next(link for link in doc["links"] if link["id"] == "injection")
    assert injection["findings"][0]["code"] == "INJ-221"
    assert injection["details"]["live_overrules"]["source"] == "app-log"
    without = as_json(world, "healthy")
    assert without["verdict"] == "ok" and not evidence(without, "app-log")  # opt-in: nothing read without --logs


def test_logs_without_rbac_are_named_evidence_not_a_broken_chain(world: LabWorld) -> None:
    scenario = "healthy"
    world.set_rbac_deny(scenario, ["get pods/log"])
    try:
        code, out = run(world, scenario, "--json", "--logs")
    finally:
        world.set_rbac_deny(scenario, [])
    doc = json.loads(out)
    assert code == 0 and doc["verdict"] == "ok"
    ((link, ev),) = evidence(doc, "app-log").values()
    assert link == "injection" and ev["ok"] is None
    assert ev["actual"].startswith("not read:") and "get pods/log" in ev["actual"]


@pytest.fixture
def trail_world(world: LabWorld) -> LabWorld:
    """The account's event history as these scenarios left it: CloudTrail is account-wide, and the session
    world's other tests make hundreds of web-identity calls, more than the pages irsa-tui reads (its answer
    would then say the counts are lower bounds, and the seeded refusals fall off the last page)."""
    world.reset_cloudtrail(["healthy-cloudtrail-refused-earlier"])
    return world


def test_cloudtrail_counts_the_pods_refusals_on_sts(trail_world: LabWorld) -> None:
    world = trail_world
    scenario = "healthy-cloudtrail-refused-earlier"
    doc = as_json(world, scenario)  # its own args carry --cloudtrail
    assert doc["verdict"] == "ok"
    sts = next(link for link in doc["links"] if link["id"] == "sts")
    assert sts["status"] == "warn" and sts["findings"][0]["code"] == "STS-104"
    link, ev = evidence(doc, "cloudtrail")["cloudtrail"]
    assert link == "sts" and ev["ok"] is False
    assert ev["actual"].startswith("42 refused in the last hour for system:serviceaccount:payments:api, last at ")
    assert "AccessDenied; 3 succeeded" in ev["actual"]
    assert "payments:batch" in evidence(doc, "cloudtrail-others")["cloudtrail-others"][1]["actual"]
    _, plain = run(world, scenario)
    assert "42 refused in the last hour" in plain
    _, markdown = run(world, scenario, "--markdown")
    assert "42 refused in the last hour" in markdown and "STS-104" in markdown, [ln for ln in markdown.splitlines() if "CloudTrail" in ln]


def test_cloudtrail_holds_what_the_lab_sts_decided(trail_world: LabWorld) -> None:
    """The pod's own call (a botocore session, as its SDK names it), refused by the lab's STS judge,
    shows in LookupEvents; irsa-tui's own probes are counted apart."""
    world = trail_world
    scenario = "trust-sub-wrong-namespace"
    as_json(world, scenario)  # a TokenRequest for the pod's ServiceAccount
    token = world.kube.clusters[scenario].minted[-1]  # type: ignore[union-attr]
    role = world.placeholders(scenario)["ROLE_ARN"]
    sts = boto3.client("sts", endpoint_url=world.env["AWS_ENDPOINT_URL"], region_name="eu-west-1",
                       config=Config(retries={"max_attempts": 1}, connect_timeout=5, read_timeout=5))
    with pytest.raises(ClientError) as refused:
        sts.assume_role_with_web_identity(RoleArn=role, RoleSessionName="botocore-session-1764630000",
                                          WebIdentityToken=token)
    assert refused.value.response["Error"]["Code"] == "AccessDenied"
    doc = as_json(world, scenario, "--cloudtrail")
    link, ev = evidence(doc, "cloudtrail")["cloudtrail"]
    assert link == "sts" and ev["ok"] is False
    assert "refused in the last hour for system:serviceaccount:payments:api" in ev["actual"]
    assert ev["actual"].endswith("AccessDenied") or "AccessDenied;" in ev["actual"]
    detail = next(link for link in doc["links"] if link["id"] == "sts")["details"]["cloudtrail"][0]
    assert detail["own_probes"] >= 1  # the first check's own probe, refused too, not counted as the pod's
    assert token not in json.dumps(doc)


def test_cloudtrail_without_permission_is_a_named_skip(world: LabWorld) -> None:
    scenario = "healthy"
    world.set_denied_actions(["cloudtrail:LookupEvents"])
    try:
        code, out = run(world, scenario, "--json", "--cloudtrail")
    finally:
        world.set_denied_actions([])
    doc = json.loads(out)
    assert code == 0 and doc["verdict"] == "ok"
    link, ev = evidence(doc, "cloudtrail")["cloudtrail"]
    assert link == "sts" and ev["ok"] is None
    assert ev["actual"].startswith("not read:") and "cloudtrail:LookupEvents" in ev["actual"]
