"""Error mapping: any AWS or Kubernetes client failure becomes a one-line SourceError."""

from __future__ import annotations

import json
from typing import Any, get_args

import botocore.exceptions as bx
from botocore.parsers import ResponseParserError
from hypothesis import given
from hypothesis import strategies as st
from kubernetes.client.exceptions import ApiException
from urllib3 import exceptions as u3

from irsa_tui.chain.facts import ErrorKind, SourceError
from irsa_tui.chain.links.s3 import classify_denial
from irsa_tui.chain.links.sts import implicated_link, is_transient
from irsa_tui.chain.model import LinkId
from irsa_tui.sources.aws import map_aws_error
from irsa_tui.sources.kube import map_kube_error
from tests.fuzz.strategies import assert_clear_message, deep_json_text, fuzz, huge_text, json_ish, text_like

hostile = json_ish(leaves=8)
AWS_CODES = [
    "AccessDenied",
    "NoSuchEntity",
    "Throttling",
    "ExpiredToken",
    "InvalidClientTokenId",
    "InternalError",
    "InvalidIdentityToken",
    "403",
    "404",
    "429",
    "",
    "Unknown",
]
messages = st.one_of(
    text_like(
        "User: arn:aws:sts::1:assumed-role/r/s is not authorized", "explicit deny in a service control policy"
    ),
    st.lists(st.text(max_size=20), max_size=5).map("\n".join),
    huge_text(),
    hostile,
)
codes = st.one_of(st.sampled_from(AWS_CODES), text_like(), hostile)
error_responses = st.fixed_dictionaries(
    {},
    optional={
        "Error": st.one_of(
            st.fixed_dictionaries({}, optional={"Code": codes, "Message": messages, "Type": hostile}), hostile
        ),
        "ResponseMetadata": st.one_of(
            st.fixed_dictionaries(
                {},
                optional={"HTTPStatusCode": st.one_of(st.integers(0, 600), hostile), "HTTPHeaders": hostile},
            ),
            hostile,
        ),
        "message": messages,
    },
)
texts = text_like("https://sts.eu-west-1.amazonaws.com", "default")


@st.composite
def client_errors(draw: st.DrawFn) -> bx.ClientError:
    exc = bx.ClientError(
        {"Error": {"Code": "X", "Message": "y"}}, draw(st.sampled_from(["GetRole", "ListBuckets"]))
    )
    exc.response = draw(
        st.one_of(error_responses, hostile)
    )  # botocore never checks the shape: neither may we
    return exc


other_aws = st.one_of(
    st.builds(bx.EndpointConnectionError, endpoint_url=texts),
    st.builds(bx.ConnectTimeoutError, endpoint_url=texts),
    st.builds(bx.ReadTimeoutError, endpoint_url=texts),
    st.builds(bx.SSLError, endpoint_url=texts, error=texts),
    st.builds(bx.ConnectionClosedError, endpoint_url=texts),
    st.builds(bx.ProxyConnectionError, proxy_url=texts),
    st.builds(bx.ProfileNotFound, profile=texts),
    st.builds(bx.ParamValidationError, report=texts),
    st.builds(bx.SSOTokenLoadError, error_msg=texts),
    st.builds(bx.TokenRetrievalError, provider=texts, error_msg=texts),
    st.builds(lambda: bx.NoCredentialsError()),
    st.builds(lambda: bx.NoRegionError()),
    st.builds(lambda: bx.UnauthorizedSSOTokenError()),
    st.builds(lambda: ResponseParserError("bad xml")),
    st.builds(ValueError, texts),
    st.builds(KeyError, texts),
    st.builds(RuntimeError, texts),
    st.builds(lambda: Exception()),
)
KINDS = set(get_args(ErrorKind))


def _check(err: Any, source: str | None = None) -> None:
    assert isinstance(err, SourceError)
    assert err.kind in KINDS
    assert_clear_message(err.message, max_len=2000)
    assert_clear_message(err.one_line(), max_len=2500)
    if source is not None:
        assert err.source in (source, "aws-config")


@fuzz()
@given(
    st.one_of(client_errors(), other_aws),
    st.sampled_from(["iam", "sts", "s3", "eks"]),
    st.sampled_from(["iam GetRole payments-api", "s3 ListObjectsV2 b"]),
    st.one_of(st.none(), st.just("iam:GetRole")),
)
def test_map_aws_error_always_gives_a_one_line_source_error(
    exc: BaseException, service: str, what: str, action: str | None
) -> None:
    err = map_aws_error(exc, service, what, action)
    _check(err, service)
    assert err.message.startswith(what)


@fuzz()
@given(st.sampled_from(["AccessDenied", "NoSuchEntity", "Throttling"]), messages, st.integers(200, 599))
def test_well_formed_aws_errors_keep_their_meaning(code: str, message: Any, status: int) -> None:
    exc = bx.ClientError({"Error": {"Code": code, "Message": "m"}}, "GetRole")
    exc.response = {
        "Error": {"Code": code, "Message": message},
        "ResponseMetadata": {"HTTPStatusCode": status},
    }
    err = map_aws_error(exc, "iam", "iam GetRole r", "iam:GetRole")
    _check(err)
    assert (
        err.kind
        == {"AccessDenied": "forbidden", "NoSuchEntity": "not-found", "Throttling": "throttled"}[code]
    )
    assert err.code == code and err.status == status
    if err.kind == "forbidden":
        assert err.permission == "iam:GetRole"


bodies = st.one_of(
    st.none(),
    st.binary(max_size=100),
    text_like(
        '{"kind":"Status","message":"pods is forbidden","reason":"Forbidden"}', "not json", "[1]", "null"
    ),
    st.builds(
        lambda d: (
            {"message": d[0], "reason": d[1]} if False else json.dumps({"message": d[0], "reason": d[1]})
        ),
        st.tuples(
            st.one_of(st.text(max_size=30), st.lists(st.text(max_size=5), max_size=3).map("\n".join)),
            st.one_of(st.text(max_size=30), st.just("Forbidden\nX")),
        ),
    ),
    hostile.map(lambda v: json.dumps(v, default=str) if not isinstance(v, float) else str(v)),
    st.builds(lambda d: deep_json_text(d, "["), st.integers(1, 100_000)),
)


@st.composite
def api_exceptions(draw: st.DrawFn) -> ApiException:
    exc = ApiException(status=0, reason=None)
    exc.status = draw(
        st.one_of(st.sampled_from([0, 401, 403, 404, 409, 422, 429, 500, 503]), st.integers(), hostile)
    )
    exc.reason = draw(st.one_of(st.sampled_from(["Forbidden", "", None]), texts, hostile))
    exc.body = draw(bodies)
    return exc


other_kube = st.one_of(
    st.builds(lambda m: u3.MaxRetryError(None, "/api", u3.NewConnectionError(None, m)), texts),  # type: ignore[arg-type]
    st.builds(lambda m: u3.MaxRetryError(None, "/api", u3.SSLError(m)), texts),  # type: ignore[arg-type]
    st.builds(lambda m: u3.MaxRetryError(None, "/api", None), texts),  # type: ignore[arg-type]
    st.builds(lambda m: u3.ReadTimeoutError(None, "/api", m), texts),  # type: ignore[arg-type]
    st.builds(lambda m: u3.ProtocolError(m), texts),
    st.builds(ConnectionResetError, texts),
    st.builds(TimeoutError, texts),
    st.builds(ValueError, texts),
    st.builds(RuntimeError, texts),
)


@fuzz()
@given(
    st.one_of(api_exceptions(), other_kube),
    st.sampled_from(["GET pod payments/api", "TokenRequest payments/api"]),
)
def test_map_kube_error_always_gives_a_one_line_source_error(exc: BaseException, what: str) -> None:
    err = map_kube_error(exc, what, "get", "pods")
    _check(err, "kubernetes")
    assert err.message.startswith(what)


@fuzz()
@given(st.sampled_from([401, 403, 404, 429, 500, 503]), bodies)
def test_kube_status_decides_the_kind(status: int, body: Any) -> None:
    exc = ApiException(status=status, reason="R")
    exc.body = body
    err = map_kube_error(exc, "GET pod a/b", "get", "pods")
    _check(err)
    expected = {401: "unauthorized", 403: "forbidden", 404: "not-found", 429: "throttled"}.get(
        status, "server-error"
    )
    assert err.kind == expected and err.status == status


@fuzz()
@given(
    st.one_of(codes.filter(lambda c: isinstance(c, str)), st.sampled_from(AWS_CODES)),
    messages.filter(lambda m: isinstance(m, str)),
)
def test_sts_and_s3_classifiers_never_raise(code: str, message: str) -> None:
    link, cause = implicated_link(code, message)
    assert isinstance(link, LinkId)
    assert_clear_message(cause)
    assert isinstance(is_transient(code, message), bool)
    assert classify_denial(message) in ("identity", "resource", "scp", "boundary", "session", "unknown")
    if code == "InvalidIdentityToken" and "no openidconnect provider found" in message.lower():
        assert link is LinkId.OIDC_PROVIDER
