"""Role ARN parsing: every malformed shape named in words, never an exception."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from irsa_tui.chain.arn import ArnProblem, RoleArn, issuer_host_path, parse_role_arn


@pytest.mark.parametrize(
    ("value", "name", "path", "partition"),
    [
        ("arn:aws:iam::111122223333:role/payments-api", "payments-api", "/", "aws"),
        ("arn:aws:iam::111122223333:role/team/svc/payments-api", "payments-api", "/team/svc/", "aws"),
        ("arn:aws-cn:iam::111122223333:role/x", "x", "/", "aws-cn"),
        ("arn:aws-us-gov:iam::111122223333:role/a+b=c,d.e@f_g-h", "a+b=c,d.e@f_g-h", "/", "aws-us-gov"),
    ],
)
def test_valid(value: str, name: str, path: str, partition: str) -> None:
    parsed = parse_role_arn(value)
    assert isinstance(parsed, RoleArn)
    assert (parsed.name, parsed.path, parsed.partition, str(parsed)) == (name, path, partition, value)


@pytest.mark.parametrize(
    ("value", "problem", "hint"),
    [
        ("arn:aws:iam::1111222233:role/x", "account id must be 12 digits", None),
        (
            "arn:aws:iam::111122223333:user/x",
            "names an IAM user, not a role",
            "arn:aws:iam::111122223333:role/x",
        ),
        ("payments-api", "is a role name, not an ARN", "arn:aws:iam::<account-id>:role/payments-api"),
        (
            " arn:aws:iam::111122223333:role/x",
            "surrounding whitespace or quotes",
            "arn:aws:iam::111122223333:role/x",
        ),
        (
            '"arn:aws:iam::111122223333:role/x"',
            "surrounding whitespace or quotes",
            "arn:aws:iam::111122223333:role/x",
        ),
        ("arn:aws:s3::111122223333:role/x", "service must be 'iam'", None),
        ("arn:amazon:iam::111122223333:role/x", "unknown partition", None),
        ("arn:aws:iam:eu-west-1:111122223333:role/x", "empty region field", None),
        ("arn:aws:iam::111122223333:role/", "role name ''", None),
        ("arn:aws:iam::111122223333:role/a b", "whitespace", None),
        ("", "empty", None),
        ("arn:aws:iam::111122223333", "6 ':'-separated parts", None),
    ],
)
def test_malformed(value: str, problem: str, hint: str | None) -> None:
    parsed = parse_role_arn(value)
    assert isinstance(parsed, ArnProblem)
    assert problem in parsed.problem
    assert parsed.hint == hint


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_never_raises(value: str) -> None:
    assert isinstance(parse_role_arn(value), (RoleArn, ArnProblem))


def test_issuer_host_path() -> None:
    assert (
        issuer_host_path("https://oidc.eks.eu-west-1.amazonaws.com/id/ABC/")
        == "oidc.eks.eu-west-1.amazonaws.com/id/ABC"
    )
