"""The lab's own STS/S3 judge, without servers: policy semantics that decide scenario outcomes."""

from __future__ import annotations

import time
from typing import Any

import jwt
import pytest

from irsa_tui.lab.pki import signing_key
from irsa_tui.lab.sts_judge import Denied, evaluate, judge_s3, judge_web_identity

HP = "oidc.eks.eu-west-1.amazonaws.com/id/ABC"
ISS = f"https://{HP}"
PROVIDER = f"arn:aws:iam::123456789012:oidc-provider/{HP}"


def _trust(op: str, sub: str, action: str = "sts:AssumeRoleWithWebIdentity") -> dict[str, Any]:
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Federated": PROVIDER},
                "Action": action,
                "Condition": {op: {f"{HP}:sub": sub, f"{HP}:aud": "sts.amazonaws.com"}},
            }
        ],
    }


def _ctx(sub: str = "system:serviceaccount:payments:api") -> dict[str, list[str]]:
    return {f"{HP}:sub".lower(): [sub], f"{HP}:aud".lower(): ["sts.amazonaws.com"]}


def _decide(doc: dict[str, Any], ctx: dict[str, list[str]] | None = None) -> str:
    return evaluate(doc, "sts:AssumeRoleWithWebIdentity", None, ctx or _ctx(), {"Federated": {PROVIDER}})


def test_stringequals_is_literal_and_stringlike_globs() -> None:
    assert _decide(_trust("StringEquals", "system:serviceaccount:payments:api")) == "allow"
    assert _decide(_trust("StringEquals", "system:serviceaccount:payments:*")) == "none"
    assert _decide(_trust("StringLike", "system:serviceaccount:payments:*")) == "allow"
    assert _decide(_trust("StringLike", "system:serviceaccount:pay?ents:api")) == "allow"
    assert (
        _decide(_trust("StringEquals", "system:serviceaccount:Payments:api")) == "none"
    )  # values are case-sensitive


def test_condition_key_names_are_case_insensitive() -> None:
    doc = _trust("StringEquals", "system:serviceaccount:payments:api")
    cond = doc["Statement"][0]["Condition"]["StringEquals"]
    doc["Statement"][0]["Condition"]["StringEquals"] = {k.upper(): v for k, v in cond.items()}
    assert _decide(doc) == "allow"


def test_wrong_action_or_principal_never_allows() -> None:
    assert _decide(_trust("StringEquals", "system:serviceaccount:payments:api", "sts:AssumeRole")) == "none"
    doc = _trust("StringEquals", "system:serviceaccount:payments:api")
    doc["Statement"][0]["Principal"] = {"Federated": PROVIDER + "X"}
    assert _decide(doc) == "none"


def test_missing_key_ifexists_and_negation() -> None:
    base = {
        "Effect": "Allow",
        "Principal": {"Federated": PROVIDER},
        "Action": "sts:AssumeRoleWithWebIdentity",
    }
    for op, expected in (
        ("StringEquals", "none"),
        ("StringEqualsIfExists", "allow"),
        ("StringNotEquals", "allow"),
    ):
        doc = {"Statement": [{**base, "Condition": {op: {f"{HP}:amr": "x"}}}]}
        assert _decide(doc) == expected, op
    doc = {"Statement": [{**base, "Condition": {"ForAllValues:StringEquals": {f"{HP}:groups": "x"}}}]}
    assert _decide(doc) == "allow"  # the over-permissive ForAllValues trap


def test_explicit_deny_wins() -> None:
    doc = _trust("StringEquals", "system:serviceaccount:payments:api")
    doc["Statement"].append({"Effect": "Deny", "Principal": "*", "Action": "sts:*"})
    assert _decide(doc) == "deny"


def _token(claims: dict[str, Any], key_label: str = "judge-test") -> str:
    key = signing_key(key_label)
    return jwt.encode(claims, key.private_key, algorithm="RS256", headers={"kid": key.kid})


def _judge(token: str, role_arn: str = "arn:aws:iam::123456789012:role/r", **over: Any) -> Any:
    key = signing_key("judge-test")
    kw: dict[str, Any] = {
        "find_provider": lambda acct, hp: {"client_ids": ["sts.amazonaws.com"]} if hp == HP else None,
        "find_role": lambda acct, name: (
            {"trust_policy": _trust("StringEquals", "system:serviceaccount:payments:api")}
            if name == "r"
            else None
        ),
        "fetch_jwks": lambda iss: {"keys": [key.jwk]},
    }
    kw.update(over)
    return judge_web_identity({"RoleArn": role_arn, "RoleSessionName": "s1", "WebIdentityToken": token}, **kw)


def _claims(**over: Any) -> dict[str, Any]:
    now = int(time.time())
    return {
        "iss": ISS,
        "sub": "system:serviceaccount:payments:api",
        "aud": ["sts.amazonaws.com"],
        "iat": now,
        "nbf": now,
        "exp": now + 3600,
        **over,
    }


def test_judge_accepts_a_good_token() -> None:
    got = _judge(_token(_claims()))
    assert got.subject == "system:serviceaccount:payments:api" and got.provider_arn == PROVIDER


@pytest.mark.parametrize(
    ("token_claims", "role", "status", "code", "message"),
    [
        ({}, "arn:aws:iam:123456789012:role/r", 400, "ValidationError", "Request ARN is invalid"),
        ({"aud": ["other"]}, None, 400, "InvalidIdentityToken", "Incorrect token audience"),
        (
            {"iss": "https://elsewhere"},
            None,
            400,
            "InvalidIdentityToken",
            "No OpenIDConnect provider found in your account for https://elsewhere",
        ),
        (
            {"sub": "system:serviceaccount:default:api"},
            None,
            403,
            "AccessDenied",
            "Not authorized to perform sts:AssumeRoleWithWebIdentity",
        ),
        (
            {},
            "arn:aws:iam::123456789012:role/gone",
            403,
            "AccessDenied",
            "Not authorized to perform sts:AssumeRoleWithWebIdentity",
        ),
    ],
)
def test_judge_errors_match_real_sts(
    token_claims: dict[str, Any], role: str | None, status: int, code: str, message: str
) -> None:
    with pytest.raises(Denied) as info:
        _judge(_token(_claims(**token_claims)), role or "arn:aws:iam::123456789012:role/r")
    assert (info.value.status, info.value.code, info.value.message) == (status, code, message)


def test_expired_token_message_has_no_space_before_expiry() -> None:
    exp = int(time.time()) - 3600
    with pytest.raises(Denied) as info:
        _judge(_token(_claims(exp=exp)))
    assert info.value.code == "ExpiredTokenException"
    assert info.value.message.endswith(f"must be before the expiration date/time{exp}")


def test_not_a_jwt_and_foreign_key() -> None:
    with pytest.raises(Denied) as info:
        _judge("not-a-jwt-at-all")
    assert info.value.message.startswith("The ID Token provided is not a valid JWT.")
    with pytest.raises(Denied) as info:
        _judge(_token(_claims(), key_label="judge-foreign"))
    assert info.value.message == (
        "Couldn't retrieve verification key from your identity provider,  please "
        "reference AssumeRoleWithWebIdentity documentation for requirements"
    )


def test_s3_messages_name_where_the_deny_is() -> None:
    caller = "arn:aws:sts::123456789012:assumed-role/r/s1"
    allow = {"Statement": [{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::b"}]}
    common: dict[str, Any] = {
        "action": "s3:ListBucket",
        "resource": "arn:aws:s3:::b",
        "caller_arn": caller,
        "role_arn": "arn:aws:iam::123456789012:role/r",
        "account": "123456789012",
    }
    assert judge_s3(identity_policies=[allow], **common) is None
    objects_only = {
        "Statement": [{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::b/*"}]
    }
    assert judge_s3(identity_policies=[objects_only], **common) == (
        f'User: {caller} is not authorized to perform: s3:ListBucket on resource: "arn:aws:s3:::b" '
        "because no identity-based policy allows the s3:ListBucket action"
    )
    deny = {
        "Statement": [{"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "arn:aws:s3:::b"}]
    }
    assert str(judge_s3(identity_policies=[allow], bucket_policy=deny, **common)).endswith(
        "with an explicit deny in a resource-based policy"
    )
    assert str(judge_s3(identity_policies=[allow], scp=deny | {}, **common)).endswith(
        "with an explicit deny in a service control policy"
    )
    boundary = {"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}
    assert str(judge_s3(identity_policies=[allow], boundary=boundary, **common)).endswith(
        "because no permissions boundary allows the s3:ListBucket action"
    )


def test_judge_cannot_see_a_role_of_another_partition() -> None:
    """A role ARN copied from aws-cn names no role STS of this partition can see: AccessDenied."""
    role = {"arn": "arn:aws:iam::123456789012:role/r", "trust_policy": _trust("StringEquals", "system:serviceaccount:payments:api")}
    with pytest.raises(Denied) as caught:
        _judge(_token(_claims()), role_arn="arn:aws-cn:iam::123456789012:role/r", find_role=lambda acct, name: role)
    assert (caught.value.status, caught.value.code) == (403, "AccessDenied")
    assert _judge(_token(_claims()), find_role=lambda acct, name: role).role_name == "r"


@pytest.mark.parametrize(
    ("thumbprints", "trusted", "refused"),
    [
        pytest.param([], True, False, id="trusted-ca-ignores-thumbprints"),
        pytest.param([], False, True, id="untrusted-ca-empty-list"),
        pytest.param(["aa" * 20], False, True, id="untrusted-ca-wrong-thumbprint"),
        pytest.param(["bb" * 20], False, False, id="untrusted-ca-matching-thumbprint"),
    ],
)
def test_thumbprints_matter_only_when_iam_does_not_trust_the_ca(
    thumbprints: list[str], trusted: bool, refused: bool
) -> None:
    provider = {"client_ids": ["sts.amazonaws.com"], "thumbprints": thumbprints}
    check = {
        "find_provider": lambda acct, hp: provider if hp == HP else None,
        "thumbprint_ok": lambda thumbs: trusted or "bb" * 20 in thumbs,
    }
    if not refused:
        assert _judge(_token(_claims()), **check).issuer == ISS
        return
    with pytest.raises(Denied) as info:
        _judge(_token(_claims()), **check)
    assert (info.value.code, info.value.message) == (
        "InvalidIdentityToken",
        "OpenIDConnect provider's HTTPS certificate doesn't match configured thumbprint",
    )
