"""Role ARNs, issuer host paths and provider ARNs: never raise, clear one-line problems."""

from __future__ import annotations

import re
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from irsa_tui.chain.arn import PARTITIONS, ArnProblem, RoleArn, issuer_host_path, parse_role_arn, provider_arn
from tests.fuzz.strategies import any_text, assert_clear_message, fuzz, json_ish, nasty_text, text_like

_NAME_CHARS = st.sampled_from("abcXYZ019+=,.@_-")
role_names = st.text(_NAME_CHARS, min_size=1, max_size=64)
path_segments = st.lists(
    st.text(
        st.characters(min_codepoint=0x21, max_codepoint=0x7E, exclude_characters="/"), min_size=1, max_size=10
    ),
    max_size=4,
)
accounts = st.text(st.sampled_from("0123456789"), min_size=12, max_size=12)


@st.composite
def arn_like(draw: st.DrawFn) -> str:
    """Six ':'-separated parts, each plausible or hostile: reaches every branch of the parser."""
    prefix = draw(st.sampled_from(["arn", "ARN", "arn ", ""]) | any_text)
    partition = draw(st.sampled_from([*PARTITIONS, "aws-xx", ""]) | nasty_text)
    service = draw(st.sampled_from(["iam", "sts", "IAM"]) | nasty_text)
    region = draw(st.sampled_from(["", "us-east-1"]) | nasty_text)
    account = draw(accounts | st.sampled_from(["1234", "١٢٣٤٥٦٧٨٩٠١٢", "11112222333a"]) | nasty_text)
    kind = draw(
        st.sampled_from(["role", "user", "instance-profile", "oidc-provider", "Role", ""]) | nasty_text
    )
    rest = draw(st.one_of(role_names, nasty_text, path_segments.map(lambda p: "/".join([*p, "n"]))))
    sep = draw(st.sampled_from(["/", ":", ""]))
    value = f"{prefix}:{partition}:{service}:{region}:{account}:{kind}{sep}{rest}"
    if draw(st.booleans()):
        value = (
            draw(st.sampled_from(["", " ", '"', "'", "\n", "\x00"]))
            + value
            + draw(st.sampled_from(["", " ", '"', "\t", "\x00"]))
        )
    return value


@st.composite
def valid_arns(draw: st.DrawFn) -> tuple[str, str, str, str, str]:
    partition = draw(st.sampled_from(PARTITIONS))
    account = draw(accounts)
    segs = draw(path_segments)
    path = "/" + "".join(s + "/" for s in segs)
    name = draw(role_names)
    return f"arn:{partition}:iam::{account}:role{path}{name}", partition, account, path, name


def _check(value: Any) -> RoleArn | ArnProblem:
    result = parse_role_arn(value)
    assert isinstance(result, RoleArn | ArnProblem)
    if isinstance(result, ArnProblem):
        assert_clear_message(result.problem, max_len=1000)
        assert result.hint is None or isinstance(result.hint, str)
    else:
        assert isinstance(value, str) and str(result) == value  # accepted means: nothing dropped or changed
        assert re.fullmatch(r"\d{12}", result.account, re.ASCII)
        assert result.partition in PARTITIONS and result.path.startswith("/") and result.path.endswith("/")
    return result


@fuzz()
@given(st.one_of(arn_like(), text_like("arn:aws:iam::111122223333:role/x", "payments-api"), json_ish()))
def test_parse_role_arn_returns_a_value_never_raises(value: Any) -> None:
    result = _check(value)
    if isinstance(result, ArnProblem) and result.hint is not None and "<account-id>" not in result.hint:
        # a hint is offered as "did you mean": it must itself be a well-formed role ARN
        assert isinstance(parse_role_arn(result.hint), RoleArn), result


@fuzz()
@given(valid_arns(), st.sampled_from(["", " ", '"', "\n", " '"]))
def test_every_well_formed_role_arn_is_accepted(parts: tuple[str, str, str, str, str], wrap: str) -> None:
    value, partition, account, path, name = parts
    result = _check(value)
    assert result == RoleArn(partition=partition, account=account, path=path, name=name) or len(path) > 512
    if wrap:  # quoted or padded: refused with the clean ARN as hint
        wrapped = _check(wrap + value + wrap[::-1])
        assert isinstance(wrapped, ArnProblem)
        assert wrapped.hint in (value, None)


issuers = st.one_of(
    st.builds(
        lambda s, h, t: s + h + t,
        st.sampled_from(["https://", "HTTPS://", "http://", "", " https://"]),
        st.sampled_from(["oidc.eks.eu-west-1.amazonaws.com/id/ABC", "issuer.example/x"]) | nasty_text,
        st.sampled_from(["", "/", "//", " ", "/\n"]),
    ),
    text_like(),
)


@fuzz()
@given(issuers, st.sampled_from(PARTITIONS) | any_text, accounts | any_text)
def test_issuer_host_path_and_provider_arn_never_raise(issuer: str, partition: str, account: str) -> None:
    host_path = issuer_host_path(issuer)
    assert isinstance(host_path, str)
    assert not host_path.endswith("/")
    assert not host_path.lower().startswith("https://") or issuer.strip().lower().startswith(
        "https://https://"
    )
    arn = provider_arn(partition, account, issuer)
    assert arn == f"arn:{partition}:iam::{account}:oidc-provider/{host_path}"


@fuzz()
@given(
    st.sampled_from(["https://", "HTTPS://", "http://", ""]),
    st.from_regex(r"[a-z0-9.-]{1,30}(/[A-Za-z0-9]{1,20}){0,3}", fullmatch=True),
)
def test_issuer_host_path_strips_only_scheme_and_trailing_slash(scheme: str, host_path: str) -> None:
    assert issuer_host_path(f"  {scheme}{host_path}/  ") == host_path
