"""Link eks-auth (EKS Pod Identity): the live AssumeRoleForPodIdentity answer, and the link its error names."""

from __future__ import annotations

from typing import Any

import pytest

from irsa_tui.chain.errors import SourceError
from irsa_tui.chain.links import eks_auth
from irsa_tui.chain.model import LinkId, Status
from irsa_tui.chain.pod_identity_facts import EksAuthFacts
from tests.chain import pod_identity_builders as pib

ENDPOINT = "https://eks-auth.eu-west-1.api.aws"


def refused(code: str, message: str, http: int = 400) -> EksAuthFacts:
    return EksAuthFacts(ok=False, endpoint=ENDPOINT, error_code=code, error_message=message, http_status=http)


@pytest.mark.parametrize(
    ("changes", "status", "points_at", "words"),
    [
        pytest.param({}, Status.PASS, None, "assumed-role/payments-api-pi", id="healthy"),
        pytest.param({"eks_auth": refused("ResourceNotFoundException", "No association found", 404)}, Status.FAIL,
                     LinkId.ASSOCIATION, "create-pod-identity-association", id="no-association"),
        pytest.param({"eks_auth": refused("AccessDeniedException", "Unauthorized Exception! EKS does not have "
                                          "permissions to assume the associated role.")},
                     Status.FAIL, LinkId.TRUST_POLICY, "trust policy", id="trust"),
        pytest.param({"eks_auth": refused("InvalidTokenException", "token is invalid")}, Status.FAIL, LinkId.TOKEN,
                     "rollout restart", id="invalid-token"),
        pytest.param({"eks_auth": refused("ExpiredTokenException", "token is expired")}, Status.FAIL, LinkId.TOKEN,
                     "expired", id="expired-token"),
        pytest.param({"eks_auth": SourceError("eks-auth", "forbidden", "eks-auth AssumeRoleForPodIdentity: denied",
                                              permission="eks-auth:AssumeRoleForPodIdentity")},
                     Status.ERROR, None, "eks-auth:AssumeRoleForPodIdentity", id="caller-denied"),
        pytest.param({"eks_auth": None, "live": False}, Status.SKIP, None, "live probes off", id="no-live"),
    ],
)
def test_eks_auth(changes: dict[str, Any], status: Status, points_at: LinkId | None, words: str) -> None:
    facts = pib.pi_facts(**changes)
    if "live" in changes:
        facts.gaps["eks_auth"] = "live probes off"
    result = eks_auth.check(facts, {})
    assert result.status is status, result.summary
    if points_at is not None:
        assert result.details["points_at"] == points_at.value
        assert "EKSAUTH-201" in {f.code for f in result.findings}
    assert words in " ".join([result.summary, result.fix or "", result.explanation, str(result.details)])
