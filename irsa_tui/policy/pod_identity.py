"""EKS Pod Identity trust, decided with the same evaluator as IRSA (no I/O).

EKS Auth assumes the association's role as the service principal ``pods.eks.amazonaws.com``,
with ``sts:AssumeRole`` and, unless the association sets ``disableSessionTags``, with
``sts:TagSession`` and six session tags that trust-policy conditions see as
``aws:RequestTag/<key>``. With a ``targetRoleArn`` it then assumes the target role *as the
association role's session* (``Principal.AWS``): the tags travel on (they are transitive) and are
also that session's ``aws:PrincipalTag/<key>``; ``sts:ExternalId`` carries the association's
``externalId``. Sources: pod-identity.md §1.1, §1.6, §1.7 (UG pod-id-role, pod-id-abac,
pod-id-assign-target-role).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from irsa_tui.policy.evaluate import Evaluation, RequestContext, evaluate
from irsa_tui.policy.parse import PolicyDocument, parse_policy

__all__ = [
    "SERVICE_PRINCIPAL",
    "SESSION_TAG_KEYS",
    "ActionResult",
    "PodIdentityTrust",
    "SessionTags",
    "evaluate_pod_identity_trust",
    "evaluate_target_trust",
    "session_tag_references",
]

SERVICE_PRINCIPAL = "pods.eks.amazonaws.com"
ASSUME = "sts:AssumeRole"
TAG = "sts:TagSession"
SESSION_TAG_KEYS = (
    "eks-cluster-arn",
    "eks-cluster-name",
    "kubernetes-namespace",
    "kubernetes-service-account",
    "kubernetes-pod-name",
    "kubernetes-pod-uid",
)

Decision = Literal["allow", "explicit-deny", "implicit-deny"]


@dataclass(frozen=True)
class SessionTags:
    """The six session tags EKS Auth sets for one pod (UG pod-id-abac)."""

    cluster_arn: str
    cluster_name: str
    namespace: str
    service_account: str
    pod_name: str
    pod_uid: str

    def items(self) -> dict[str, str]:
        values = (self.cluster_arn, self.cluster_name, self.namespace, self.service_account, self.pod_name,
                  self.pod_uid)
        return dict(zip(SESSION_TAG_KEYS, values, strict=True))


@dataclass(frozen=True)
class ActionResult:
    action: str
    evaluation: Evaluation


@dataclass(frozen=True)
class PodIdentityTrust:
    decision: Decision
    """allow only when every needed action is allowed; explicit-deny when any is explicitly denied."""
    actions: tuple[ActionResult, ...]
    """One per needed action: sts:AssumeRole, then sts:TagSession while session tags are on."""
    session_tags: bool
    problems: tuple[str, ...]
    """One line per reason the role cannot be assumed, first the most useful."""
    notes: tuple[str, ...] = ()


def _keys(tags: SessionTags | None, prefix: str) -> dict[str, str]:
    return {f"{prefix}/{k}": v for k, v in (tags.items() if tags else {}).items()}


def _decide(
    doc: PolicyDocument,
    actions: Sequence[str],
    make: Any,
    tags_on: bool,
) -> tuple[Decision, tuple[ActionResult, ...], list[str]]:
    results = tuple(ActionResult(a, evaluate(doc, make(a))) for a in actions)
    problems: list[str] = []
    for r in results:
        ev = r.evaluation
        if ev.decision == "explicit-deny" and ev.denied_by is not None:
            problems.append(f"{r.action}: statement {ev.denied_by} denies it explicitly")
        elif ev.decision == "implicit-deny":
            problems.append(f"{r.action}: {_why(ev, tags_on)}")
    if any(r.evaluation.decision == "explicit-deny" for r in results):
        decision: Decision = "explicit-deny"
    elif all(r.evaluation.decision == "allow" for r in results):
        decision = "allow"
    else:
        decision = "implicit-deny"
    return decision, results, problems


def _why(ev: Evaluation, tags_on: bool) -> str:
    """The reason of the Allow statement that came closest (fewest mismatches)."""
    allows = [s for s in ev.statements if s.effect == "Allow"]
    if not allows:
        return "no Allow statement in the trust policy"
    best = min(allows, key=lambda s: len(s.mismatches))
    reasons = []
    for m in best.mismatches:
        reason = m.reason
        if not tags_on and m.key and m.key.lower().startswith(("aws:requesttag/", "aws:principaltag/")) and m.actual is None:
            reason = (
                f"the association disables session tags (disableSessionTags), so {m.key} is absent "
                "and the condition is false"
            )
        reasons.append(reason)
    return f"statement {best.index}: " + "; ".join(reasons)


def evaluate_pod_identity_trust(
    document: str | Mapping[str, Any] | PolicyDocument,
    tags: SessionTags,
    disable_session_tags: bool = False,
) -> PodIdentityTrust:
    """Does the association role trust EKS Auth for this pod? Raises PolicyError on a bad document."""
    doc = parse_policy(document)
    tags_on = not disable_session_tags
    condition_keys: dict[str, str | Sequence[str]] = dict(_keys(tags, "aws:RequestTag")) if tags_on else {}
    if tags_on:
        condition_keys["aws:TagKeys"] = list(SESSION_TAG_KEYS)
    actions = (ASSUME, TAG) if tags_on else (ASSUME,)

    def make(action: str) -> RequestContext:
        return RequestContext("", condition_keys, action=action, principal_service=SERVICE_PRINCIPAL)

    decision, results, problems = _decide(doc, actions, make, tags_on)
    notes: list[str] = []
    if not tags_on:
        tag_ev = evaluate(doc, make(TAG))
        if tag_ev.decision != "allow":
            notes.append("sts:TagSession is not allowed, which is fine while the association disables session tags")
    elif results[0].evaluation.decision == "allow" and results[1].evaluation.decision != "allow":
        problems.insert(
            0,
            "the trust policy allows sts:AssumeRole but not sts:TagSession for pods.eks.amazonaws.com; "
            "EKS Auth tags every session, so add sts:TagSession to the Action list",
        )
    return PodIdentityTrust(decision, results, tags_on, tuple(problems), tuple(notes))


def evaluate_target_trust(
    document: str | Mapping[str, Any] | PolicyDocument,
    association_role_arn: str,
    tags: SessionTags,
    disable_session_tags: bool = False,
    external_id: str | None = None,
) -> PodIdentityTrust:
    """Does the target role trust the association role's session (the second hop)?"""
    doc = parse_policy(document)
    tags_on = not disable_session_tags
    parts = association_role_arn.split(":")
    condition_keys: dict[str, str | Sequence[str]] = {
        "aws:PrincipalArn": association_role_arn,
        "aws:PrincipalAccount": parts[4] if len(parts) > 4 else "",
        "aws:PrincipalType": "AssumedRole",
    }
    if tags_on:
        condition_keys.update(_keys(tags, "aws:RequestTag"))
        condition_keys.update(_keys(tags, "aws:PrincipalTag"))
        condition_keys["aws:TagKeys"] = list(SESSION_TAG_KEYS)
    if external_id:
        condition_keys["sts:ExternalId"] = external_id
    actions = (ASSUME, TAG) if tags_on else (ASSUME,)

    def make(action: str) -> RequestContext:
        return RequestContext("", condition_keys, action=action, principal_aws=association_role_arn)

    decision, results, problems = _decide(doc, actions, make, tags_on)
    if tags_on and results[0].evaluation.decision == "allow" and results[1].evaluation.decision != "allow":
        problems.insert(
            0,
            "the target role trusts the association role for sts:AssumeRole but not sts:TagSession; "
            "the session tags are transitive, so the second hop needs sts:TagSession too",
        )
    return PodIdentityTrust(decision, results, tags_on, tuple(problems))


_TAG_REF = re.compile(r"aws:PrincipalTag/(" + "|".join(map(re.escape, SESSION_TAG_KEYS)) + r")\b", re.IGNORECASE)


def session_tag_references(document: str | Mapping[str, Any]) -> tuple[str, ...]:
    """The Pod Identity session tags a permissions policy uses (``${aws:PrincipalTag/kubernetes-namespace}``,
    or a condition key): with ``disableSessionTags`` they are absent and such statements never match."""
    text = document if isinstance(document, str) else json.dumps(document)
    seen: list[str] = []
    for match in _TAG_REF.finditer(text):
        key = match.group(1).lower()
        if key not in seen:
            seen.append(key)
    return tuple(seen)
