"""EKS Pod Identity trust: the service principal, both actions, session-tag conditions, the target role."""

from __future__ import annotations

from typing import Any

import pytest

from irsa_tui.policy import PolicyError
from irsa_tui.policy.pod_identity import (
    SessionTags,
    evaluate_pod_identity_trust,
    evaluate_target_trust,
    session_tag_references,
)

ACCOUNT = "111122223333"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/payments-api"
TAGS = SessionTags(
    cluster_arn=f"arn:aws:eks:eu-west-1:{ACCOUNT}:cluster/prod",
    cluster_name="prod",
    namespace="payments",
    service_account="api",
    pod_name="api-7d9f8c6b5-x2x4z",
    pod_uid="0b7f2c1e-8a6d-4d0e-9d3b-2f1a5c6e7d8f",
)
BOTH = ["sts:AssumeRole", "sts:TagSession"]


def trust(
    action: Any = BOTH,
    principal: Any = None,
    condition: dict[str, Any] | None = None,
    effect: str = "Allow",
    extra: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    stmt: dict[str, Any] = {
        "Effect": effect,
        "Principal": principal if principal is not None else {"Service": "pods.eks.amazonaws.com"},
        "Action": action,
    }
    if condition:
        stmt["Condition"] = condition
    return {"Version": "2012-10-17", "Statement": [stmt, *(extra or [])]}


def ns_condition(value: str, key: str = "aws:RequestTag/kubernetes-namespace") -> dict[str, Any]:
    return {"StringEquals": {key: value}}


# (case, policy, disable_session_tags, decision, a problem fragment or None)
CASES: list[tuple[str, dict[str, Any], bool, str, str | None]] = [
    ("documented", trust(), False, "allow", None),
    ("wildcard-action", trust(action="sts:*"), False, "allow", None),
    ("no-tag-session", trust(action="sts:AssumeRole"), False, "implicit-deny", "not sts:TagSession"),
    ("no-tag-session-tags-off", trust(action="sts:AssumeRole"), True, "allow", None),
    ("irsa-style", trust(action="sts:AssumeRoleWithWebIdentity",
                         principal={"Federated": f"arn:aws:iam::{ACCOUNT}:oidc-provider/oidc.eks.x/id/A"}),
     False, "implicit-deny", "set up for IRSA"),
    ("other-service", trust(principal={"Service": "ec2.amazonaws.com"}), False, "implicit-deny",
     "do not include 'pods.eks.amazonaws.com'"),
    ("service-case", trust(principal={"Service": "Pods.EKS.amazonaws.com"}), False, "implicit-deny", "only in case"),
    ("star-principal", trust(principal="*"), False, "allow", None),
    ("namespace-pinned", trust(condition=ns_condition("payments")), False, "allow", None),
    ("namespace-pinned-other", trust(condition=ns_condition("billing")), False, "implicit-deny",
     "aws:RequestTag/kubernetes-namespace"),
    ("namespace-pinned-tags-off", trust(condition=ns_condition("payments")), True, "implicit-deny",
     "disables session tags"),
    ("sa-like", trust(condition={"StringLike": {"aws:RequestTag/kubernetes-service-account": "api*"}}), False,
     "allow", None),
    ("cluster-arn", trust(condition=ns_condition(TAGS.cluster_arn, "aws:RequestTag/eks-cluster-arn")), False,
     "allow", None),
    ("cluster-arn-other", trust(condition=ns_condition(TAGS.cluster_arn + "-old", "aws:RequestTag/eks-cluster-arn")),
     False, "implicit-deny", "eks-cluster-arn"),
    ("deny-other-namespace-applies", trust(extra=[{"Effect": "Deny", "Principal": {"Service": "pods.eks.amazonaws.com"},
                                                   "Action": "sts:TagSession",
                                                   "Condition": {"StringNotEquals": {
                                                       "aws:RequestTag/kubernetes-namespace": "billing"}}}]),
     False, "explicit-deny", "denies it explicitly"),
    ("tag-keys", trust(condition={"ForAllValues:StringEquals": {"aws:TagKeys": [
        "eks-cluster-arn", "eks-cluster-name", "kubernetes-namespace", "kubernetes-service-account",
        "kubernetes-pod-name", "kubernetes-pod-uid"]}}), False, "allow", None),
]


@pytest.mark.parametrize(("case", "doc", "tags_off", "decision", "fragment"), CASES, ids=[c[0] for c in CASES])
def test_association_role_trust(case: str, doc: dict[str, Any], tags_off: bool, decision: str, fragment: str | None) -> None:
    result = evaluate_pod_identity_trust(doc, TAGS, disable_session_tags=tags_off)
    assert result.decision == decision
    assert [a.action for a in result.actions] == (["sts:AssumeRole"] if tags_off else BOTH)
    assert result.session_tags is not tags_off
    if fragment is None:
        assert result.problems == ()
    else:
        assert any(fragment in p for p in result.problems), result.problems


def test_missing_tag_session_is_named_first_with_the_fix() -> None:
    result = evaluate_pod_identity_trust(trust(action="sts:AssumeRole"), TAGS)
    assert result.problems[0].startswith("the trust policy allows sts:AssumeRole but not sts:TagSession")
    assert "add sts:TagSession" in result.problems[0]


def test_tags_off_notes_that_tag_session_is_not_needed() -> None:
    result = evaluate_pod_identity_trust(trust(action="sts:AssumeRole"), TAGS, disable_session_tags=True)
    assert result.notes and "fine while the association disables session tags" in result.notes[0]


def test_a_bad_document_is_a_policy_error() -> None:
    with pytest.raises(PolicyError):
        evaluate_pod_identity_trust("{not json", TAGS)


def target(condition: dict[str, Any] | None = None, principal: Any = None, action: Any = BOTH) -> dict[str, Any]:
    return trust(action=action, principal=principal if principal is not None else {"AWS": ROLE}, condition=condition)


EXT = f"eu-west-1/{ACCOUNT}/prod/payments/api"
TARGET_CASES: list[tuple[str, dict[str, Any], bool, str | None, str, str | None]] = [
    ("role-arn", target(), False, None, "allow", None),
    ("account-id", target(principal={"AWS": ACCOUNT}), False, None, "allow", None),
    ("account-root", target(principal={"AWS": f"arn:aws:iam::{ACCOUNT}:root"}), False, None, "allow", None),
    ("other-role", target(principal={"AWS": f"arn:aws:iam::{ACCOUNT}:role/other"}), False, None, "implicit-deny",
     "do not include"),
    ("pod-identity-service", target(principal={"Service": "pods.eks.amazonaws.com"}), False, None, "implicit-deny",
     "'AWS'"),
    ("no-tag-session", target(action="sts:AssumeRole"), False, None, "implicit-deny", "transitive"),
    ("no-tag-session-tags-off", target(action="sts:AssumeRole"), True, EXT, "allow", None),
    ("request-tag-sa", target({"StringEquals": {"aws:RequestTag/kubernetes-service-account": "api"}}), False, None,
     "allow", None),
    ("principal-tag-ns", target({"StringEquals": {"aws:PrincipalTag/kubernetes-namespace": "payments"}}), False, None,
     "allow", None),
    ("principal-arn", target({"ArnEquals": {"aws:PrincipalArn": ROLE}}), False, None, "allow", None),
    ("external-id", target({"StringEquals": {"sts:ExternalId": EXT}}), True, EXT, "allow", None),
    ("external-id-wrong", target({"StringEquals": {"sts:ExternalId": "eu-west-1/1/prod/payments/api"}}), True, EXT,
     "implicit-deny", "sts:ExternalId"),
    ("request-tag-tags-off", target({"StringEquals": {"aws:RequestTag/kubernetes-service-account": "api"}}), True, EXT,
     "implicit-deny", "disables session tags"),
]


@pytest.mark.parametrize(
    ("case", "doc", "tags_off", "external", "decision", "fragment"), TARGET_CASES, ids=[c[0] for c in TARGET_CASES]
)
def test_target_role_trust(
    case: str, doc: dict[str, Any], tags_off: bool, external: str | None, decision: str, fragment: str | None
) -> None:
    result = evaluate_target_trust(doc, ROLE, TAGS, disable_session_tags=tags_off, external_id=external)
    assert result.decision == decision
    if fragment is None:
        assert result.problems == ()
    else:
        assert any(fragment in p for p in result.problems), result.problems


@pytest.mark.parametrize(
    ("doc", "refs"),
    [
        ({"Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
                         "Resource": "arn:aws:s3:::b/${aws:PrincipalTag/kubernetes-namespace}/*"}]},
         ("kubernetes-namespace",)),
        ('{"Condition":{"StringEquals":{"aws:PrincipalTag/eks-cluster-name":"prod",'
         '"aws:principaltag/KUBERNETES-NAMESPACE":"x"}}}', ("eks-cluster-name", "kubernetes-namespace")),
        ({"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*",
                         "Condition": {"StringEquals": {"aws:PrincipalTag/team": "a"}}}]}, ()),
    ],
    ids=["resource-variable", "condition-keys-any-case", "other-tags"],
)
def test_session_tag_references(doc: Any, refs: tuple[str, ...]) -> None:
    assert session_tag_references(doc) == refs
