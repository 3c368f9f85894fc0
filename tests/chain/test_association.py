"""Link association (EKS Pod Identity): the association for the pod's namespace/SA, its role, its timing."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from irsa_tui.chain.errors import SourceError
from irsa_tui.chain.links import association
from irsa_tui.chain.model import Status
from tests.chain import builders as b
from tests.chain import pod_identity_builders as pib

NO_ENV = pib.pi_pod(containers=(pib.pi_container(env=()),))


@pytest.mark.parametrize(
    ("changes", "status", "code", "words"),
    [
        pytest.param({}, Status.PASS, "ASSOC-001", pib.PI_ROLE_ARN, id="healthy"),
        pytest.param({"associations": ()}, Status.FAIL, "ASSOC-201", "no EKS Pod Identity association", id="none"),
        pytest.param({"associations": (pib.association(service_account="api-sa"),)}, Status.FAIL, "ASSOC-202",
                     "api-sa", id="other-sa"),
        pytest.param({"association_role": SourceError("iam", "not-found", "NoSuchEntity")}, Status.FAIL, "ASSOC-203",
                     "does not exist", id="role-missing"),
        pytest.param({"associations": (pib.association(role_arn="arn:aws:iam::999988887777:role/x"),)}, Status.FAIL,
                     "ASSOC-204", "account 999988887777", id="role-other-account"),
        pytest.param({"associations": (pib.association(created=b.NOW - timedelta(minutes=30)),), "pod": NO_ENV},
                     Status.WARN, "ASSOC-102", "restart", id="created-after-pod"),
        pytest.param({"associations": (pib.association(modified=b.NOW - timedelta(minutes=30)),)}, Status.WARN,
                     "ASSOC-101", "old role", id="modified-after-pod"),
        pytest.param({"associations": None}, Status.SKIP, None, "not listed", id="not-listed"),
        pytest.param({"associations": SourceError("eks", "forbidden", "eks ListPodIdentityAssociations: denied",
                                                  permission="eks:ListPodIdentityAssociations")},
                     Status.ERROR, None, "eks:ListPodIdentityAssociations", id="list-forbidden"),
        pytest.param({"associations": (pib.association(role_arn=None, detail_error=SourceError(
            "eks", "forbidden", "eks DescribePodIdentityAssociation: denied",
            permission="eks:DescribePodIdentityAssociation")),)},
                     Status.ERROR, None, "eks:DescribePodIdentityAssociation", id="describe-forbidden"),
    ],
)
def test_association(changes: dict[str, Any], status: Status, code: str | None, words: str) -> None:
    result = association.check(pib.pi_facts(**changes), {})
    assert result.status is status, result.summary
    if code:
        assert code in {f.code for f in result.findings}
    text = " ".join([result.summary, result.fix or "", result.explanation, str(result.details)])
    assert words in text


def test_missing_association_fix_is_the_create_command_with_real_names() -> None:
    result = association.check(pib.pi_facts(associations=()), {})
    assert result.fix is not None
    assert (f"aws eks create-pod-identity-association --cluster-name {b.CLUSTER} --namespace {b.NS} "
            f"--service-account {b.SA} --role-arn arn:aws:iam::{b.ACCOUNT}:role/") in result.fix
    assert "kubectl -n payments rollout restart deployment/api" in result.fix
