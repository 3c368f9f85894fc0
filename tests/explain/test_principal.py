"""Principals parsed from the ARNs an error text names."""

from __future__ import annotations

import pytest

from irsa_tui.explain.principal import caller, parse, role_arns


@pytest.mark.parametrize(
    ("text", "type_", "name", "session_kind", "mechanism"),
    [
        ("arn:aws:sts::123456789012:assumed-role/node-role/i-0abc123def4567890", "assumed-role", "node-role",
         "node-instance", "node-role"),
        ("arn:aws:sts::123456789012:assumed-role/app/botocore-session-1699999999", "assumed-role", "app",
         "botocore", "irsa"),
        ("arn:aws:sts::123456789012:assumed-role/app/eks-prod-api-7d9f8-0f1e2d3c-4b5a-6978-8695-a4b3c2d1e0f9",
         "assumed-role", "app", "pod-identity", "pod-identity"),
        ("arn:aws:sts::123456789012:assumed-role/app/irsa-tui-1796112897", "assumed-role", "app", "other",
         "unknown"),
        ("arn:aws:iam::123456789012:user/ci/deployer", "user", "deployer", None, "static-keys"),
        ("arn:aws:iam::123456789012:role/path/app.", "role", "app", None, "unknown"),
        ("arn:aws-cn:sts::xxx:assumed-role/r/i-0123456789abcdef0", "assumed-role", "r", "node-instance", "node-role"),
    ],
)
def test_parse(text: str, type_: str, name: str, session_kind: str | None, mechanism: str) -> None:
    found = parse(f"prefix {text} suffix")
    assert found is not None
    assert (found.type, found.name, found.session_kind, found.mechanism) == (type_, name, session_kind, mechanism)
    assert not found.arn.endswith(".")


def test_caller_is_the_user_not_the_resource() -> None:
    text = (
        "User: arn:aws:iam::123456789012:user/aws-user is not authorized to perform: sts:AssumeRole on resource: "
        "arn:aws:iam::210987654321:role/cross"
    )
    who = caller(text)
    assert who is not None and who.arn == "arn:aws:iam::123456789012:user/aws-user"
    assert role_arns(text) == ["arn:aws:iam::210987654321:role/cross"]


def test_no_arn() -> None:
    assert parse("AccessDenied: Access Denied") is None and caller("nothing") is None
