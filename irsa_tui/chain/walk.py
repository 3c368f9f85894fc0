"""Judge: run a mechanism's checks in chain order over one set of facts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from irsa_tui.chain.evidence import with_evidence
from irsa_tui.chain.facts import Facts
from irsa_tui.chain.model import LinkId, LinkResult, Status
from irsa_tui.chain.reconcile import reconcile
from irsa_tui.chain.registry import IRSA
from irsa_tui.chain.spec import LinkSpec, Mechanism

__all__ = ["judge", "judge_link", "one_line"]


SUMMARY_MAX = 400


def one_line(text: str, limit: int = SUMMARY_MAX) -> str:
    """Summaries echo user data (env values, claims, error codes): keep them one printable line."""
    cleaned = " ".join("".join(ch if ch.isprintable() else " " for ch in text).split())
    return cleaned if len(cleaned) <= limit else cleaned[: limit - 1] + "…"


def judge_link(spec: LinkSpec, facts: Facts, prior: dict[LinkId, LinkResult]) -> LinkResult:
    """Run one check; a bug in a check becomes an ``error`` link, never a crash."""
    try:
        result = spec.check(facts, prior)
        summary = one_line(result.summary)
        return result if summary == result.summary else replace(result, summary=summary)
    except Exception as exc:
        return LinkResult(
            id=spec.id,
            status=Status.ERROR,
            summary=f"internal error while judging {spec.id}: {type(exc).__name__}: {exc}"[:300],
            explanation="This is a bug in irsa-tui, not in your chain. Please report it with `--json` output.",
        )


def judge(
    facts: Facts, on_link: Callable[[LinkResult], None] | None = None, mechanism: Mechanism = IRSA
) -> tuple[LinkResult, ...]:
    """Every check in chain order, then the live-over-static rules (chain/reconcile.py)."""
    prior: dict[LinkId, LinkResult] = {}
    for spec in mechanism.links:
        result = judge_link(spec, facts, prior)
        prior[result.id] = result
        if on_link is not None:
            on_link(result)
    judged = tuple(prior[spec.id] for spec in mechanism.links)
    try:
        final = tuple(
            link if one_line(link.summary) == link.summary else replace(link, summary=one_line(link.summary))
            # The rules read IRSA's links (web identity, its STS answers); another mechanism brings its own,
            # but what the app's log and CloudTrail saw is evidence for any mechanism (chain/evidence.py).
            for link in (reconcile(facts, judged) if mechanism.id == IRSA.id else with_evidence(facts, judged))
        )
    except Exception:  # a bug in the rules must not hide the checks' own judgement
        return judged
    if on_link is not None:
        for before, after in zip(judged, final, strict=True):
            if after != before:
                on_link(after)
    return final
