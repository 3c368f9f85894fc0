"""The EKS Pod Identity mechanism end to end over pure facts, and the Pod Identity variants of shared links."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest

from irsa_tui.chain.errors import SourceError
from irsa_tui.chain.links import injection, service_account, token, trust_policy
from irsa_tui.chain.model import Status
from irsa_tui.chain.registry import NONE, POD_IDENTITY
from irsa_tui.chain.walk import judge
from tests.chain import builders as b
from tests.chain import pod_identity_builders as pib


def test_healthy_pod_identity_chain_passes_in_order() -> None:
    links = judge(pib.pi_facts(), mechanism=POD_IDENTITY)
    assert [str(link.id) for link in links] == ["service-account", "association", "injection", "token", "agent",
                                                 "trust-policy", "eks-auth", "s3"]
    assert [(str(link.id), link.status) for link in links if link.status is not Status.PASS] == []


NO_ENV = pib.pi_pod(containers=(pib.pi_container(env=(), mounts=()),), volumes=())


@pytest.mark.parametrize(
    ("check", "changes", "status", "code"),
    [
        (service_account.check_pod_identity, {}, Status.PASS, "SA-003"),
        (service_account.check_pod_identity, {"service_account": SourceError("kubernetes", "not-found", "gone")},
         Status.FAIL, "SA-210"),
        (injection.check_pod_identity, {}, Status.PASS, "INJ-004"),
        (injection.check_pod_identity, {"pod": NO_ENV, "associations": (pib.association(
            created=b.NOW - timedelta(minutes=5)),)}, Status.FAIL, "INJ-215"),
        (injection.check_pod_identity, {"pod": pib.pi_pod(containers=(pib.pi_container(env=(), mounts=()),),
                                                          labels={"eks.amazonaws.com/skip-pod-identity-webhook": "t"})},
         Status.FAIL, "INJ-216"),
        (injection.check_pod_identity, {"pod": NO_ENV}, Status.FAIL, "INJ-219"),
        (injection.check_pod_identity, {"pod": pib.pi_pod(containers=(pib.pi_container(mounts=()),))},
         Status.FAIL, "INJ-220"),
        (token.check_pod_identity, {}, Status.PASS, "TOK-003"),
        (token.check_pod_identity, {"pod_identity_token": pib.pi_token(aud=["sts.amazonaws.com"])}, Status.FAIL,
         "TOK-207"),
        (token.check_pod_identity, {"pod_identity_token": pib.pi_token(exp=int(b.NOW.timestamp()) - 60)},
         Status.FAIL, "TOK-208"),
        (trust_policy.check_pod_identity, {}, Status.PASS, "TRUST-003"),
        (trust_policy.check_pod_identity, {"association_role": pib.role({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "pods.eks.amazonaws.com"}, "Action": "sts:AssumeRole"}]})},
         Status.FAIL, "TRUST-204"),
        (trust_policy.check_pod_identity, {"association_role": pib.role({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "pods.eks.amazonaws.com"},
             "Action": ["sts:AssumeRole", "sts:TagSession"],
             "Condition": {"StringEquals": {"aws:RequestTag/kubernetes-namespace": "other"}}}]})},
         Status.FAIL, "TRUST-204"),
        (trust_policy.check_pod_identity, {
            "associations": (pib.association(target_role_arn=f"arn:aws:iam::{b.ACCOUNT}:role/target"),),
            "target_role": pib.role({"Version": "2012-10-17", "Statement": []}, name="target",
                                    arn=f"arn:aws:iam::{b.ACCOUNT}:role/target")},
         Status.FAIL, "TRUST-205"),
        (trust_policy.check_pod_identity, {
            "associations": (pib.association(target_role_arn="arn:aws:iam::444455556666:role/target"),),
            "target_role": SourceError("iam", "forbidden", "other account")}, Status.WARN, "TRUST-104"),
    ],
)
def test_pod_identity_variants(check: Any, changes: dict[str, Any], status: Status, code: str) -> None:
    result = check(pib.pi_facts(**changes), {})
    assert result.status is status, result.summary
    assert code in {f.code for f in result.findings}


def test_trust_fix_is_valid_json_with_the_pod_identity_statement() -> None:
    bad = pib.role({"Version": "2012-10-17", "Statement": []})
    result = trust_policy.check_pod_identity(pib.pi_facts(association_role=bad), {})
    assert result.fix is not None
    doc = json.loads(result.fix.split("<<'EOF'\n", 1)[1].split("\nEOF\n", 1)[0])
    assert doc["Statement"][-1]["Principal"] == {"Service": "pods.eks.amazonaws.com"}
    assert "aws iam update-assume-role-policy --role-name payments-api-pi" in result.fix


def test_no_identity_fails_at_service_account_with_sa_209() -> None:
    facts = pib.pi_facts(pod=NO_ENV, associations=(), service_account=b.healthy_sa(annotations={}))
    (link,) = judge(facts, mechanism=NONE)
    assert link.status is Status.FAIL
    assert link.findings[0].code == "SA-209"
    assert "SA-201" not in {f.code for f in link.findings}
    assert link.fix and "create-pod-identity-association" in link.fix and "eks.amazonaws.com/role-arn" in link.fix


def test_no_identity_names_the_association_of_a_similar_service_account() -> None:
    """F3: an association in the namespace for another ServiceAccount (typo, renamed, pod on default)."""
    facts = pib.pi_facts(pod=NO_ENV, associations=(pib.association(service_account="api-sa"),),
                         service_account=b.healthy_sa(annotations={}))
    (link,) = judge(facts, mechanism=NONE)
    assert link.findings[0].code == "SA-209"
    assert "is for ServiceAccount api-sa, not api" in link.summary


def test_policies_using_session_tags_that_the_association_disables_warn() -> None:
    from irsa_tui.chain.links import s3

    policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
              "Resource": "arn:aws:s3:::b/${aws:PrincipalTag/kubernetes-namespace}/*"}, *b.ROLE_POLICY["Statement"]]}
    role = pib.role(policies=(policy,))
    off = pib.pi_facts(association_role=role, associations=(pib.association(disable_session_tags=True),))
    result = s3.check_pod_identity(off, {})
    assert result.status is Status.WARN and "S3-104" in {f.code for f in result.findings}
    assert "aws:PrincipalTag/kubernetes-namespace" in result.summary
    on = pib.pi_facts(association_role=role)
    assert s3.check_pod_identity(on, {}).status is Status.PASS
