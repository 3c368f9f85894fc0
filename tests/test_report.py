"""Text, Markdown and JSON render the same result; JSON keeps the documented contract."""

from __future__ import annotations

import json
import re

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


def test_an_ok_with_warnings_says_so_in_every_output() -> None:
    result = _result({LinkId.TRUST_POLICY: Status.WARN})
    assert exit_code(result) == 0
    assert "Verdict: OK, 1 warning: trust-policy: trust-policy is warn" in render_text(result)
    assert "OK, 1 warning: trust-policy: trust-policy is warn" in render_markdown(result)
    doc = json.loads(render_json(result))
    assert doc["verdict"] == "ok"  # the documented values stay; the warnings are added
    assert doc["warnings"] == [{"link": "trust-policy", "summary": "trust-policy is warn"}]
    assert doc["verdict_text"].startswith("OK, 1 warning")
    two = _result({LinkId.TRUST_POLICY: Status.WARN, LinkId.S3: Status.WARN})
    assert two.verdict_text().startswith("OK, 2 warnings: trust-policy:") and "(+1 more)" in two.verdict_text()
    assert _result({}).verdict_text() == "OK"


def test_a_broken_verdict_names_what_the_pod_really_uses() -> None:
    result = _result({LinkId.INJECTION: Status.FAIL})
    links = tuple(
        LinkResult(link.id, link.status, link.summary,
                   details={"pod_uses": "static keys (literal values)", "pod_uses_role": False})
        if link.id is LinkId.INJECTION else link
        for link in result.links
    )
    broken = ChainResult(result.target, links)
    assert "Verdict: BROKEN at injection (the pod uses static keys (literal values), not the IRSA role)" in render_text(
        broken
    )
    assert json.loads(render_json(broken))["pod_uses"] == "static keys (literal values)"


def test_a_pod_whose_credentials_depend_on_its_sdk_is_not_said_to_skip_the_role() -> None:
    result = _result({LinkId.INJECTION: Status.WARN})
    links = tuple(
        LinkResult(link.id, link.status, link.summary,
                   details={"pod_uses": "JS v3: a credentials file; botocore: the IRSA role", "pod_uses_role": None})
        if link.id is LinkId.INJECTION else link
        for link in result.links
    )
    assert ChainResult(result.target, links).verdict_text() == "OK, 1 warning: injection: injection is warn"


def _with_evidence(*evidence: Evidence) -> ChainResult:
    result = _result({LinkId.OIDC_PROVIDER: Status.FAIL})
    links = tuple(
        LinkResult(link.id, link.status, link.summary, evidence=evidence, fix=link.fix)
        if link.id is LinkId.OIDC_PROVIDER else link
        for link in result.links
    )
    return ChainResult(target=result.target, links=links, duration_ms=1)


ARN = "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/8BAC0F1E2D3C4B5A69788796A5B4C3D2"
MANY = ", ".join(f"{ARN[:-2]}{n:02d}" for n in range(69))


def test_markdown_renders_absent_values_as_words_not_empty_code_spans() -> None:
    """Issue 17 #8: seven empty code spans in one report."""
    md = render_markdown(_with_evidence(Evidence("p", "providers in account", None, MANY, None),
                                        Evidence("x", "provider ARN", ARN, None, False)))
    assert "``" not in md.replace("```", "")
    assert "| providers in account | *no expectation* |" in md and f"`{ARN}` | *absent* | ✘ |" in md


def test_text_keeps_values_whole_when_not_a_terminal_and_the_deciding_row_first() -> None:
    """Issue 17 #8: piped text wrapped ARNs mid-token; the ✘ row came after informational rows."""
    evidence = (
        Evidence("info", "OIDC providers in the account", None, MANY, None),
        Evidence("ok", "issuer served", "HTTPS", "HTTPS", True),
        Evidence("arn", "provider for the issuer", ARN, "(none)", False),
    )
    text = render_text(_with_evidence(*evidence))
    assert f"expected: {ARN}" in text.splitlines()[text.splitlines().index("    ✘ provider for the issuer") + 1]
    assert any(line.strip() == f"actual:   {MANY}" for line in text.splitlines())
    section = text[text.index("── oidc-provider"):]
    assert section.index("✘ provider for the issuer") < section.index("✔ issuer served")
    assert section.index("✔ issuer served") < section.index("· OIDC providers in the account")
    # on a terminal, prose wraps at words: never inside an ARN
    wrapped = render_text(_with_evidence(*evidence), width=80)
    arns = [token for token in wrapped.split() if "arn:" in token or ":oidc-provider/" in token]
    assert arns and all(re.fullmatch(r"arn:aws:iam::\d{12}:oidc-provider/[\w./-]+/id/[0-9A-F]{32},?", t) for t in arns)
    assert max(len(line) for line in wrapped.splitlines() if "," in line) <= 130


def test_json_evidence_carries_full_values() -> None:
    doc = json.loads(render_json(_with_evidence(Evidence("arn", "provider", ARN, MANY, False))))
    oidc = next(link for link in doc["links"] if link["id"] == "oidc-provider")
    assert oidc["evidence"]["arn"] == {"label": "provider", "expected": ARN, "actual": MANY, "ok": False}
    assert "…" not in json.dumps(doc, ensure_ascii=False)


def test_every_rendering_names_the_mechanism_and_why() -> None:
    from dataclasses import replace as _replace

    from irsa_tui.chain.mechanism import MechanismVerdict
    from irsa_tui.report import render_json, render_markdown, render_text

    base = _result({})
    verdict = MechanismVerdict("pod-identity", ("irsa", "pod-identity"), "pod-identity", (),
                               ("both are configured; the webhook gives the Pod Identity association precedence",))
    result = _replace(base, mechanism="pod-identity", detection=verdict)
    text, md = render_text(result), render_markdown(result)
    assert "Mechanism: EKS Pod Identity (pod-identity) — both are configured" in text
    assert "- **Mechanism:** EKS Pod Identity (pod-identity) — both are configured" in md
    doc = json.loads(render_json(result))
    assert doc["mechanism"] == "pod-identity"
    assert doc["mechanism_detail"]["configured"] == ["irsa", "pod-identity"]
    assert doc["mechanism_detail"]["reasons"][0].startswith("both are configured")
    assert json.loads(render_json(base))["mechanism_detail"] is None
