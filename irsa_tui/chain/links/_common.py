"""Helpers shared by the link checks: building results from findings, skip and error."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from irsa_tui.chain.facts import ROLE_ANNOTATION, Facts, PodFacts, ServiceAccountFacts, SourceError
from irsa_tui.chain.model import Evidence, Finding, LinkId, LinkResult, Status

__all__ = ["app_containers", "effective_role_arn", "errored", "from_findings", "skipped"]

_STATUS_ORDER = {Status.PASS: 0, Status.WARN: 1, Status.FAIL: 2}


def from_findings(
    link: LinkId,
    findings: Iterable[Finding],
    evidence: Iterable[Evidence] = (),
    details: Mapping[str, Any] | None = None,
) -> LinkResult:
    """Status = worst finding; summary, explanation and fix come from the worst findings.

    Findings must be pass/warn/fail codes of this link; at least one is required.
    """
    found = tuple(findings)
    if not found:
        raise ValueError(f"{link}: a check must report at least one finding")
    worst = max(found, key=lambda f: _STATUS_ORDER[f.status])
    top = [f for f in found if f.status is worst.status]
    fixes = [f.fix for f in top if f.fix]
    return LinkResult(
        id=link,
        status=worst.status,
        summary=worst.message,
        findings=found,
        evidence=tuple(evidence),
        explanation=worst.spec.render(worst.spec.why, worst.args),
        fix="\n".join(dict.fromkeys(fixes)) or None,
        details=dict(details or {}),
    )


def skipped(link: LinkId, reason: str, evidence: Iterable[Evidence] = ()) -> LinkResult:
    """An earlier link makes this one moot, or the user turned it off."""
    return LinkResult(id=link, status=Status.SKIP, summary=reason, evidence=tuple(evidence))


def errored(link: LinkId, error: SourceError, evidence: Iterable[Evidence] = ()) -> LinkResult:
    """We could not find out: the reason names the source, the fault and any missing permission."""
    explanation = (
        "irsa-tui could not gather the facts this link needs, so it cannot say whether the link "
        "holds. This is about the caller's access or the network, not (necessarily) the pod's chain."
    )
    fix = None
    if error.kind == "forbidden" and error.permission:
        explanation = (
            f"The identity irsa-tui runs as lacks {error.permission}. Grant it (see the README's "
            "'Permissions' section) or run irsa-tui as someone who has it; the chain itself may be fine."
        )
    return LinkResult(
        id=link,
        status=Status.ERROR,
        summary=error.one_line(),
        evidence=tuple(evidence),
        explanation=explanation,
        fix=fix,
        details={
            "source": error.source,
            "kind": error.kind,
            "permission": error.permission,
            "code": error.code,
        },
    )


def pod_or_result(link: LinkId, facts: Facts) -> PodFacts | LinkResult:
    """The pod, or the skip/error result a link returns when it could not be read."""
    pod = facts.pod
    if pod is None:
        return skipped(link, facts.gaps.get("pod", "the pod was not read"))
    if isinstance(pod, SourceError):
        return errored(link, pod)
    return pod


def app_containers(pod: PodFacts) -> list[Any]:
    """Containers the webhook mutates: init and regular (never ephemeral)."""
    return [c for c in pod.containers if c.kind in ("init", "container")]


def effective_role_arn(facts: Facts) -> tuple[str | None, str]:
    """The role the chain is tested against, and where it came from.

    The running pod uses ``AWS_ROLE_ARN`` from its env (what the webhook injected at
    creation); fall back to the ServiceAccount annotation (what new pods would get).
    Returns ``(None, reason)`` when neither names a role.
    """
    if isinstance(facts.pod, PodFacts):
        for container in app_containers(facts.pod):
            value = container.env_value("AWS_ROLE_ARN")
            if value:
                return value, f"AWS_ROLE_ARN of container {container.name}"
    if isinstance(facts.service_account, ServiceAccountFacts):
        value = facts.service_account.annotations.get(ROLE_ANNOTATION)
        if value:
            return (
                value.strip(),
                f"annotation {ROLE_ANNOTATION} of ServiceAccount {facts.service_account.name}",
            )
    return None, "no role: neither the pod's env nor its ServiceAccount names one"


def is_error(value: object) -> bool:
    return isinstance(value, SourceError)
