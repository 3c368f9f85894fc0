"""An explained error against the chain just walked: agrees, disagrees, or cannot say."""

from __future__ import annotations

import pytest

from irsa_tui.explain.agreement import agreement
from irsa_tui.explain.engine import explain

LINKS = ("service-account", "injection", "token", "oidc-provider", "trust-policy", "sts", "s3")
HEALTHY = dict.fromkeys(LINKS, "pass")
TRUST_BROKEN = {**HEALTHY, "trust-policy": "fail", "sts": "fail", "s3": "skip"}
NO_ANNOTATION = {**HEALTHY, "service-account": "fail", "injection": "skip", "token": "skip",
                 "oidc-provider": "skip", "trust-policy": "skip", "sts": "skip", "s3": "skip"}
NODE = "User: arn:aws:sts::123456789012:assumed-role/ng-role/i-0abc123def4567890 is not authorized to perform: s3:GetObject"
TRUST = "An error occurred (AccessDenied) when calling the AssumeRoleWithWebIdentity operation: Not authorized to perform sts:AssumeRoleWithWebIdentity"


@pytest.mark.parametrize(
    ("text", "chain", "verdict", "link", "words"),
    [
        (NODE, HEALTHY, "disagrees", "injection", "not using the injected identity"),
        (NODE, NO_ANNOTATION, "agrees", "service-account", "fails at service-account"),
        ("Unable to locate credentials", HEALTHY, "disagrees", "injection", "no credentials at all"),
        (TRUST, TRUST_BROKEN, "agrees", "trust-policy", "fails at trust-policy too"),
        (TRUST, HEALTHY, "disagrees", "trust-policy", "passes trust-policy"),
        ("InvalidIdentityToken: Incorrect token audience", TRUST_BROKEN, "disagrees", "oidc-provider",
         "it fails at trust-policy"),
        ("CredentialsProviderError: 169.254.170.23 is not a valid container metadata service hostname", HEALTHY,
         "disagrees", None, "Pod Identity"),
        ("just some text", HEALTHY, "unknown", None, "does not know"),
        ("InvalidClientTokenId: The security token included in the request is invalid", HEALTHY, "unknown", None,
         "does not say which link"),
        ("Error fetching credentials: unable to fetch credentials from EKS Auth", HEALTHY, "disagrees", None,
         "Pod Identity"),
        (TRUST, {**HEALTHY, "trust-policy": "error"}, "unknown", "trust-policy", "could not judge"),
    ],
)
def test_agreement(text: str, chain: dict[str, str], verdict: str, link: str | None, words: str) -> None:
    found = agreement(explain(text), chain)
    assert (found.verdict, found.link) == (verdict, link), found
    assert words in found.message
