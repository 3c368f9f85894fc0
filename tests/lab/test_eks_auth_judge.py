"""The lab's EKS Auth judge, table-driven (no servers): what it allows, and the code/status/message it denies with."""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

import jwt
import pytest

from irsa_tui.lab.eks_api import Association, PodIdentityCluster
from irsa_tui.lab.eks_auth import Grant, judge_pod_identity
from irsa_tui.lab.pki import signing_key
from irsa_tui.lab.sts_judge import Denied

ISSUER = "https://oidc.eks.eu-west-1.amazonaws.com/id/ABC"
ACCOUNT = "123456789012"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/app"
TARGET = f"arn:aws:iam::{ACCOUNT}:role/target"
NOW = 1_800_000_000
KEY = signing_key("judge-test")
OTHER_KEY = signing_key("judge-test-other")
TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "pods.eks.amazonaws.com"}, "Action": ["sts:AssumeRole", "sts:TagSession"]}
    ],
}


def cluster(**assoc: Any) -> PodIdentityCluster:
    fields = {
        "association_id": "a-abcdefghijklmnopq", "namespace": "payments", "service_account": "api",
        "role_arn": ROLE, "created_at": NOW - 86400, "modified_at": NOW - 86400, **assoc,
    }
    return PodIdentityCluster(
        name="prod", arn=f"arn:aws:eks:eu-west-1:{ACCOUNT}:cluster/prod", account=ACCOUNT, region="eu-west-1",
        scenario="t", issuer=ISSUER, jwk=KEY.jwk, associations=[Association(**fields)],
    )


def token(key: Any = KEY, **claims: Any) -> str:
    body: dict[str, Any] = {
        "iss": ISSUER, "aud": ["pods.eks.amazonaws.com"], "exp": NOW + 3600, "iat": NOW, "nbf": NOW,
        "sub": "system:serviceaccount:payments:api",
        "kubernetes.io": {"namespace": "payments", "serviceaccount": {"name": "api", "uid": "u1"},
                          "pod": {"name": "api-1", "uid": "p1"}},
    }
    body.update(claims)
    return jwt.encode(body, key.private_key, algorithm="RS256", headers={"kid": key.kid})


def judge(
    tok: str,
    roles: Mapping[str, Any] | None = None,
    policies: Mapping[str, list[Any]] | None = None,
    **assoc: Any,
) -> Grant:
    found = {ROLE: TRUST} if roles is None else roles
    return judge_pod_identity(
        cluster(**assoc), "prod", tok,
        find_role=lambda arn: {"trust_policy": found[arn]} if arn in found else None,
        identity_policies=lambda name: (policies or {}).get(name, []),
        now=NOW,
    )


def chained_trust(condition: dict[str, Any] | None = None) -> dict[str, Any]:
    stmt: dict[str, Any] = {"Effect": "Allow", "Principal": {"AWS": ROLE}, "Action": ["sts:AssumeRole", "sts:TagSession"]}
    if condition:
        stmt["Condition"] = condition
    return {"Version": "2012-10-17", "Statement": [stmt]}


ASSUME_TARGET = {"app": [{"Statement": [{"Effect": "Allow", "Action": ["sts:AssumeRole", "sts:TagSession"], "Resource": TARGET}]}]}


def test_a_good_token_gets_the_association_role_with_the_six_session_tags() -> None:
    grant = judge(token())
    assert grant.role_arn == ROLE and grant.role_name == "app" and grant.account == ACCOUNT
    assert grant.session_name.startswith("eks-prod-api-1-") and len(grant.session_name) <= 64
    assert grant.tags == {
        "eks-cluster-arn": f"arn:aws:eks:eu-west-1:{ACCOUNT}:cluster/prod", "eks-cluster-name": "prod",
        "kubernetes-namespace": "payments", "kubernetes-service-account": "api",
        "kubernetes-pod-name": "api-1", "kubernetes-pod-uid": "p1",
    }


def _cond(op: str, key: str, value: str) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": [{**TRUST["Statement"][0], "Condition": {op: {key: value}}}]}


DENIALS: list[tuple[str, dict[str, Any], tuple[int, str, str]]] = [
    ("expired", {"tok": token(exp=NOW - 1)}, (400, "ExpiredTokenException", "The token included in the request is expired")),
    ("not-yet-valid", {"tok": token(nbf=NOW + 600)}, (400, "InvalidTokenException", "token is invalid")),
    ("foreign-key", {"tok": token(OTHER_KEY)}, (400, "InvalidTokenException", "token is invalid")),
    ("not-a-jwt", {"tok": "a.b"}, (400, "InvalidTokenException", "token is invalid")),
    ("other-issuer", {"tok": token(iss="https://elsewhere")}, (400, "InvalidTokenException", "token is invalid")),
    ("irsa-audience", {"tok": token(aud="sts.amazonaws.com")}, (400, "InvalidTokenException", "token is invalid")),
    ("no-association", {"tok": token(**{"kubernetes.io": {"namespace": "payments", "serviceaccount": {"name": "web"},
                                                        "pod": {"name": "w", "uid": "u"}}})},
     (404, "ResourceNotFoundException", "service account web")),
    ("role-deleted", {"tok": token(), "roles": {}}, (400, "AccessDeniedException", "associated role")),
    ("irsa-style-trust", {"tok": token(), "roles": {ROLE: {"Statement": [{"Effect": "Allow", "Principal": {
        "Federated": "arn:aws:iam::123456789012:oidc-provider/x"}, "Action": "sts:AssumeRoleWithWebIdentity"}]}}},
     (400, "AccessDeniedException", "associated role")),
    ("no-tag-session", {"tok": token(), "roles": {ROLE: {"Statement": [{"Effect": "Allow", "Principal": {
        "Service": "pods.eks.amazonaws.com"}, "Action": "sts:AssumeRole"}]}}}, (400, "AccessDeniedException", "associated role")),
    ("request-tag-other-namespace", {"tok": token(), "roles": {ROLE: _cond(
        "StringEquals", "aws:RequestTag/kubernetes-namespace", "billing")}}, (400, "AccessDeniedException", "associated role")),
    ("tags-off-request-tag-condition", {"tok": token(), "disable_session_tags": True, "roles": {ROLE: _cond(
        "StringEquals", "aws:RequestTag/kubernetes-namespace", "payments")}}, (400, "AccessDeniedException", "associated role")),
    ("target-missing", {"tok": token(), "target_role_arn": TARGET, "policies": ASSUME_TARGET},
     (400, "AccessDeniedException", "target role")),
    ("target-identity-policy-missing", {"tok": token(), "target_role_arn": TARGET,
                                        "roles": {ROLE: TRUST, TARGET: chained_trust()}},
     (400, "AccessDeniedException", "target role")),
    ("target-external-id-wrong", {"tok": token(), "target_role_arn": TARGET, "external_id": "eu-west-1/1/prod/payments/api",
                                  "policies": ASSUME_TARGET, "roles": {ROLE: TRUST, TARGET: chained_trust(
                                      {"StringEquals": {"sts:ExternalId": "eu-west-1/123456789012/prod/payments/api"}})}},
     (400, "AccessDeniedException", "target role")),
]


@pytest.mark.parametrize(("case", "args", "want"), DENIALS, ids=[d[0] for d in DENIALS])
def test_denials(case: str, args: dict[str, Any], want: tuple[int, str, str]) -> None:
    with pytest.raises(Denied) as info:
        judge(**args)
    assert (info.value.status, info.value.code) == want[:2]
    assert want[2] in info.value.message


def test_tags_off_without_conditions_allows_with_no_tags_and_only_assume_role() -> None:
    only_assume = {"Statement": [{"Effect": "Allow", "Principal": {"Service": "pods.eks.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
    grant = judge(token(), roles={ROLE: only_assume}, disable_session_tags=True)
    assert grant.tags == {}


def test_target_role_with_external_id_and_request_tags_is_the_final_role() -> None:
    ext = "eu-west-1/123456789012/prod/payments/api"
    trust = chained_trust({"StringEquals": {"sts:ExternalId": ext, "aws:RequestTag/kubernetes-service-account": "api"}})
    grant = judge(token(), roles={ROLE: TRUST, TARGET: trust}, policies=ASSUME_TARGET, target_role_arn=TARGET, external_id=ext)
    assert grant.role_arn == TARGET and grant.role_name == "target"


def test_unknown_cluster_is_not_found() -> None:
    with pytest.raises(Denied) as info:
        judge_pod_identity(None, "ghost", token(), find_role=lambda a: None, identity_policies=lambda n: [], now=time.time())
    assert (info.value.status, info.value.code, info.value.message) == (
        404, "ResourceNotFoundException", "No cluster found for name: ghost."
    )
