"""weak_allow_statements: Allow statements that let more than the intended service account in."""

from __future__ import annotations

from typing import Any

import pytest

from irsa_tui.policy import PolicyError, WeakAllow, WeakReason, weak_allow_statements
from tests.policy.helpers import (
    AUD,
    AUD_KEY,
    CLUSTER_ID,
    ISSUER,
    PROVIDER,
    SUB,
    SUB_KEY,
    canonical,
    policy,
    statement,
)

OTHER_PROVIDER = PROVIDER.replace(CLUSTER_ID, "0123456789ABCDEF0123456789ABCDEF")

# (statement, flagged?, phrase in the why)
CASES: list[tuple[dict[str, Any], bool, str]] = [
    (canonical()["Statement"][0], False, ""),
    (statement({"StringLike": {SUB_KEY: "system:serviceaccount:payments:*"}}), False, ""),
    (statement({"StringEqualsIgnoreCase": {SUB_KEY.upper(): SUB}}), False, ""),
    (statement({"StringEquals": {AUD_KEY: AUD}}), True, "no condition on"),
    (statement(), True, "any service account of the cluster"),
    (statement({"StringLike": {SUB_KEY: "system:serviceaccount:*"}}), True, "every namespace"),
    (statement({"StringLike": {SUB_KEY: "system:serviceaccount:*:api"}}), True, "every namespace"),
    (statement({"StringLike": {SUB_KEY: "*"}}), True, "every namespace"),
    (statement({"StringNotEquals": {SUB_KEY: "system:serviceaccount:kube-system:x"}}), True, "does not pin"),
    (statement({"ForAllValues:StringEquals": {SUB_KEY: SUB}}), True, "absent"),
    (statement({"StringEquals": {SUB_KEY: []}}), False, ""),
    (statement(principal="*"), True, 'Principal is "*"'),
    (statement({"StringEquals": {SUB_KEY: SUB}}, principal={"AWS": "*"}), True, 'Principal is "*"'),
    (statement(effect="Deny"), False, ""),
    (statement(action="sts:AssumeRole"), False, ""),
    (statement(principal={"Federated": OTHER_PROVIDER}), False, ""),
    (statement(principal={"Service": "pods.eks.amazonaws.com"}, action="sts:AssumeRole"), False, ""),
]


@pytest.mark.parametrize(
    ("stmt", "flagged", "phrase"),
    CASES,
    ids=[
        "canonical",
        "namespace-wildcard",
        "ignore-case-key",
        "aud-only",
        "no-condition",
        "sub-any-namespace",
        "sub-any-namespace-fixed-name",
        "sub-star",
        "negated-sub",
        "for-all-values",
        "empty-values-never-apply",
        "principal-star",
        "aws-star",
        "deny",
        "assume-role-action",
        "other-cluster",
        "pod-identity",
    ],
)
def test_weak_allow_statements(stmt: dict[str, Any], flagged: bool, phrase: str) -> None:
    found = weak_allow_statements(policy(canonical()["Statement"][0], stmt), ISSUER)
    if flagged:
        assert [w.statement for w in found] == [1]
        assert phrase in found[0].why
        assert found[0].reason is REASONS[phrase]
    else:
        assert found == []


REASONS = {
    "no condition on": WeakReason.NO_SUB_CONDITION,
    "any service account of the cluster": WeakReason.NO_SUB_CONDITION,
    "every namespace": WeakReason.SUB_ANY_NAMESPACE,
    "does not pin": WeakReason.SUB_NOT_PINNED,
    "absent": WeakReason.FOR_ALL_VALUES,
    'Principal is "*"': WeakReason.PRINCIPAL_STAR,
}


def test_issuer_may_be_given_as_url() -> None:
    assert weak_allow_statements(policy(statement()), f"https://{ISSUER}/") == [
        WeakAllow(0, f"no condition on {SUB_KEY}: any service account of the cluster can assume the role",
                  WeakReason.NO_SUB_CONDITION)
    ]


def test_weak_allow_rejects_invalid_documents() -> None:
    with pytest.raises(PolicyError):
        weak_allow_statements("{not json", ISSUER)
