"""Text, Markdown and JSON render the same result; JSON keeps the documented contract."""

from __future__ import annotations

import json

from irsa_tui.chain.model import ChainResult, Evidence, LinkId, LinkResult, Status, Target, exit_code
from irsa_tui.chain.registry import IRSA
from irsa_tui.report import render_json, render_markdown, render_text


def _result(statuses: dict[LinkId, Status]) -> ChainResult:
    links = []
    for link in IRSA.link_ids:
        status = statuses.get(link, Status.PASS)
        links.append(
            LinkResult(
                id=link,
                status=status,
                summary=f"{link.value} is {status.value}",
                evidence=(Evidence("sub", "trust policy sub", "system:serviceaccount:payments:api",
                                   "system:serviceaccount:payments:worker", status is Status.PASS),),
                explanation=f"why {link.value} matters",
                fix="aws iam update-assume-role-policy --role-name payments-api" if status is Status.FAIL else None,
            )
        )
    target = Target(namespace="payments", pod="api-1", context="prod", cluster="prod-eks", region="eu-west-1")
    return ChainResult(target=target, links=tuple(links), duration_ms=123)


def test_json_contract() -> None:
    doc = json.loads(render_json(_result({LinkId.TRUST_POLICY: Status.FAIL, LinkId.STS: Status.FAIL})))
    assert set(doc) >= {"target", "mechanism", "verdict", "first_failure", "links", "duration_ms"}
    assert doc["mechanism"] == "irsa"
    assert doc["target"] == {"context": "prod", "cluster": "prod-eks", "region": "eu-west-1",
                             "namespace": "payments", "pod": "api-1"}
    assert doc["verdict"] == "broken"
    assert doc["first_failure"] == "trust-policy"
    # The public contract of the irsa mechanism, spelled out on purpose: its seven links in chain order.
    assert [link["id"] for link in doc["links"]] == [
        "service-account", "injection", "token", "oidc-provider", "trust-policy", "sts", "s3"]
    for link in doc["links"]:
        assert set(link) >= {"id", "status", "summary", "evidence", "explanation", "fix"}
        assert link["evidence"]["sub"]["expected"] == "system:serviceaccount:payments:api"


def test_verdicts_and_exit_codes() -> None:
    assert exit_code(_result({})) == 0
    assert exit_code(_result({LinkId.S3: Status.WARN, LinkId.STS: Status.SKIP})) == 0
    assert exit_code(_result({LinkId.TOKEN: Status.ERROR})) == 2
    assert exit_code(_result({LinkId.TOKEN: Status.ERROR, LinkId.S3: Status.FAIL})) == 1
    assert _result({LinkId.TOKEN: Status.ERROR}).verdict.value == "incomplete"


def test_text_shows_failure_details_and_fix() -> None:
    text = render_text(_result({LinkId.TRUST_POLICY: Status.FAIL}))
    assert "Verdict: BROKEN at trust-policy" in text
    assert "✘ FAIL" in text
    assert "expected: system:serviceaccount:payments:api" in text
    assert "actual:   system:serviceaccount:payments:worker" in text
    assert "aws iam update-assume-role-policy --role-name payments-api" in text
    assert "\x1b[" not in text  # no colour unless asked
    assert "\x1b[31" in render_text(_result({LinkId.TRUST_POLICY: Status.FAIL}), color=True)


def test_markdown_has_table_and_fix_block() -> None:
    md = render_markdown(_result({LinkId.S3: Status.FAIL}))
    assert "| ✘ | `s3` | fail | s3 is fail |" in md
    assert "```sh\naws iam update-assume-role-policy --role-name payments-api\n```" in md
