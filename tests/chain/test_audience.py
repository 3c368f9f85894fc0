"""The audience the token, the provider's client IDs and the trust policy must share (chain/audience.py)."""

from __future__ import annotations

import json

import pytest

from irsa_tui.chain.audience import AudienceSides, odd_side, trust_audiences

HP = "oidc.eks.eu-west-1.amazonaws.com/id/ABC"


@pytest.mark.parametrize(
    ("token", "provider", "trust", "expected"),
    [
        pytest.param(("sts.amazonaws.com",), ("sts.amazonaws.com",), ("sts.amazonaws.com",), None, id="eks-agree"),
        pytest.param(("amazonaws.com",), ("amazonaws.com",), ("amazonaws.com",), None, id="kops-agree"),
        pytest.param(("amazonaws.com",), ("sts.amazonaws.com",), ("sts.amazonaws.com",),
                     ("token", "sts.amazonaws.com"), id="token-differs"),
        pytest.param(("amazonaws.com",), ("sts.amazonaws.com",), ("amazonaws.com",),
                     ("provider", "amazonaws.com"), id="provider-differs"),
        pytest.param(("amazonaws.com",), ("amazonaws.com", "x"), ("sts.amazonaws.com",),
                     ("trust", "amazonaws.com"), id="trust-differs"),
        pytest.param(("a",), ("b",), ("c",), None, id="all-differ-no-majority"),
        pytest.param(("a",), None, ("b",), None, id="provider-unknown"),
        pytest.param(("a",), ("b",), None, None, id="trust-unknown-or-unconditioned"),
        pytest.param((), ("b",), ("b",), None, id="token-unknown"),
    ],
)
def test_odd_side(
    token: tuple[str, ...], provider: tuple[str, ...] | None, trust: tuple[str, ...] | None,
    expected: tuple[str, str] | None,
) -> None:
    assert odd_side(AudienceSides(token, provider, trust)) == expected


@pytest.mark.parametrize(
    ("statements", "expected"),
    [
        pytest.param([{"Effect": "Allow", "Condition": {"StringEquals": {f"{HP}:aud": "sts.amazonaws.com"}}}],
                     ("sts.amazonaws.com",), id="string-equals"),
        pytest.param([{"Effect": "Allow", "Condition": {"StringLike": {f"{HP.upper()}:AUD": ["a", "b"]}}}],
                     ("a", "b"), id="key-case-insensitive-list"),
        pytest.param([{"Effect": "Deny", "Condition": {"StringEquals": {f"{HP}:aud": "x"}}}], None, id="deny-ignored"),
        pytest.param([{"Effect": "Allow", "Condition": {"StringEquals": {"other.example/id/Z:aud": "x"}}}], None,
                     id="other-issuer-ignored"),
        pytest.param([{"Effect": "Allow"}], None, id="no-condition"),
    ],
)
def test_trust_audiences(statements: list[dict[str, object]], expected: tuple[str, ...] | None) -> None:
    policy = json.dumps({"Version": "2012-10-17", "Statement": statements})
    assert trust_audiences(policy, HP) == expected
    assert trust_audiences("not json", HP) is None
