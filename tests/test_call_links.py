"""Every network call the engine makes is shown on the link that waits for it."""

from __future__ import annotations

import pytest

from irsa_tui.chain.model import LinkId
from irsa_tui.engine import link_for_call


@pytest.mark.parametrize(
    ("call", "link"),
    [
        ("kubernetes GET pod payments/api-1", LinkId.SERVICE_ACCOUNT),
        ("kubernetes GET serviceaccount payments/api", LinkId.SERVICE_ACCOUNT),
        ("kubernetes LIST mutatingwebhookconfigurations", LinkId.INJECTION),
        ("kubernetes TokenRequest payments/api", LinkId.TOKEN),
        ("iam GetRole payments-api", LinkId.SERVICE_ACCOUNT),
        ("eks DescribeCluster prod", LinkId.OIDC_PROVIDER),
        (
            "oidc GET https://oidc.eks.eu-west-1.amazonaws.com/id/X/.well-known/openid-configuration + JWKS",
            LinkId.OIDC_PROVIDER,
        ),
        ("iam ListOpenIDConnectProviders + GetOpenIDConnectProvider", LinkId.OIDC_PROVIDER),
        ("sts AssumeRoleWithWebIdentity", LinkId.STS),
        ("iam GetRolePolicy payments-api/p", LinkId.S3),
        ("iam SimulatePrincipalPolicy", LinkId.S3),
        ("s3 ListObjectsV2 payments-invoices", LinkId.S3),
        ("something new", None),
    ],
)
def test_link_for_call(call: str, link: LinkId | None) -> None:
    assert link_for_call(call) is link
