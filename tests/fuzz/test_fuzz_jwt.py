"""JWT decoding, signature redaction and signature verification against arbitrary JWKS."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import warnings
from datetime import UTC, datetime
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from hypothesis import given
from hypothesis import strategies as st

from irsa_tui import engine
from irsa_tui.sources.issuer import verify_signature
from tests.fuzz.strategies import (
    assert_clear_message,
    deep_json_text,
    dumps_lenient,
    fuzz,
    json_ish,
    nasty_text,
)

NOW = datetime(2026, 1, 1, tzinfo=UTC)
B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64json(value: Any) -> str:
    return b64(dumps_lenient(value).encode("utf-8", "surrogatepass"))


segment = st.one_of(
    st.text(B64URL, max_size=60),
    nasty_text,
    json_ish(leaves=8).map(b64json),
    st.builds(
        lambda d, o: b64(deep_json_text(d, o).encode()), st.integers(1, 50_000), st.sampled_from(["[", "{"])
    ),
    st.sampled_from(["", "e30", "bnVsbA", "WzFd", "eyJhbGciOiJub25lIn0", "=", "===="]),
)
near_jwts = st.one_of(
    st.lists(segment, min_size=1, max_size=5).map(".".join),
    st.text(max_size=200),
    st.binary(max_size=100).map(lambda b: b.decode("latin-1")),
)

# A few real keys: tokens they sign must verify; any tampering must not.
RSA_KEYS = [rsa.generate_private_key(public_exponent=65537, key_size=2048) for _ in range(2)]
EC_KEY = ec.generate_private_key(ec.SECP256R1())


def jwk(private: Any, kid: str, alg: str) -> dict[str, Any]:
    algorithm = jwt.get_algorithm_by_name(alg)
    doc = json.loads(algorithm.to_jwk(private.public_key()))
    doc.update(kid=kid, alg=alg, use="sig")
    return doc


REAL_JWKS = {
    "keys": [
        jwk(RSA_KEYS[0], "rsa-0", "RS256"),
        jwk(RSA_KEYS[1], "rsa-1", "RS256"),
        jwk(EC_KEY, "ec-0", "ES256"),
    ]
}
SIGNERS = [(RSA_KEYS[0], "rsa-0", "RS256"), (RSA_KEYS[1], "rsa-1", "RS256"), (EC_KEY, "ec-0", "ES256")]

claims = st.dictionaries(
    st.text(max_size=10), json_ish(keys=st.text(max_size=8), leaves=6), max_size=6
).filter(
    lambda c: all(k not in c for k in ("exp", "nbf", "iat", "aud", "iss"))  # pyjwt validates these on encode
)

jwks_shapes = st.one_of(
    st.just(REAL_JWKS),
    st.fixed_dictionaries(
        {
            "keys": st.one_of(
                st.lists(
                    st.one_of(
                        st.fixed_dictionaries(
                            {"kty": st.sampled_from(["RSA", "EC", "oct", "OKP", "", 5])},
                            optional={
                                "kid": st.sampled_from(["rsa-0", "ec-0", "k"]) | nasty_text,
                                "n": segment,
                                "e": segment,
                                "x": segment,
                                "y": segment,
                                "crv": st.sampled_from(["P-256", "Ed25519", "x"]),
                                "k": segment,
                                "alg": st.sampled_from(["RS256", "HS256", "none", ""]),
                            },
                        ),
                        json_ish(leaves=6),
                    ),
                    max_size=4,
                ),
                json_ish(leaves=6),
            )
        }
    ),
    json_ish(leaves=10).filter(lambda v: isinstance(v, dict)),
    st.just({}),
)


@fuzz()
@given(near_jwts)
def test_decode_token_raises_only_value_error_with_a_clear_message(token: str) -> None:
    try:
        facts = engine.decode_token(token, NOW)
    except ValueError as err:
        assert str(err).startswith("token is not a JWT")
        assert_clear_message(str(err), max_len=1000)
        assert token not in str(err) or len(token) < 8  # the token itself is never echoed
        return
    assert isinstance(facts.claims, dict) and isinstance(facts.header, dict)
    assert facts.raw == token
    assert facts.signature_redacted == engine.redact_signature(token)


@fuzz()
@given(claims, st.sampled_from(SIGNERS))
def test_real_tokens_decode_and_verify_and_tampering_is_caught(payload: dict[str, Any], signer: Any) -> None:
    private, kid, alg = signer
    token = jwt.encode(payload, private, algorithm=alg, headers={"kid": kid})
    facts = engine.decode_token(token, NOW)
    assert facts.claims == json.loads(json.dumps(payload))
    assert facts.header["kid"] == kid
    assert verify_signature(token, REAL_JWKS)[0] == "valid"
    head, body, sig = token.split(".")
    raw = bytearray(base64.urlsafe_b64decode(sig + "=" * (-len(sig) % 4)))
    raw[len(raw) // 2] ^= 0x01
    status, detail = verify_signature(f"{head}.{body}.{b64(bytes(raw))}", REAL_JWKS)
    assert status == "invalid"
    assert_clear_message(detail)
    # a claim changed after signing must not verify either
    forged_body = b64json({**payload, "sub": "system:serviceaccount:kube-system:admin"})
    assert verify_signature(f"{head}.{forged_body}.{sig}", REAL_JWKS)[0] == "invalid"
    # a kid the issuer does not publish: no key, never valid
    other = jwt.encode(payload, private, algorithm=alg, headers={"kid": kid + "-rotated"})
    assert verify_signature(other, REAL_JWKS)[0] == "no-key"


@fuzz()
@given(claims, st.sampled_from(["HS256", "none", "None", "RS256"]), st.sampled_from(["rsa-0", "ec-0"]))
def test_algorithm_confusion_is_never_valid(payload: dict[str, Any], alg: str, kid: str) -> None:
    """HMAC-signed with the public key, or alg none: must never be reported as a valid signature."""
    pem = jwk(RSA_KEYS[0], "x", "RS256")["n"].encode()
    head = b64json({"alg": alg, "kid": kid, "typ": "JWT"})
    body = b64json(payload)
    signing_input = f"{head}.{body}".encode()
    for sig in ("", b64(hmac.new(pem, signing_input, hashlib.sha256).digest())):
        status, detail = verify_signature(f"{head}.{body}.{sig}", REAL_JWKS)
        assert status in ("invalid", "no-key")
        assert_clear_message(detail)


@fuzz()
@given(
    st.one_of(
        near_jwts,
        claims.map(lambda c: jwt.encode(c, RSA_KEYS[0], algorithm="RS256", headers={"kid": "rsa-0"})),
    ),
    jwks_shapes,
)
def test_verify_signature_never_raises(token: str, jwks: dict[str, Any]) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pyjwt warns about short HMAC keys from random JWKS
        status, detail = verify_signature(token, jwks)
    assert status in ("valid", "invalid", "no-key")
    assert detail is None or isinstance(detail, str)
    if detail is not None:
        assert_clear_message(detail)
    if status == "valid":
        assert jwks is REAL_JWKS or any(isinstance(k, dict) for k in jwks.get("keys") or [])


@fuzz()
@given(
    st.one_of(
        st.tuples(st.text(B64URL, max_size=40), st.text(B64URL, max_size=40), st.text(B64URL, max_size=700)),
        st.tuples(st.text(max_size=20), st.text(max_size=20), st.text(max_size=200)),
    )
)
def test_redact_signature_never_reveals_the_signature(parts: tuple[str, str, str]) -> None:
    token = ".".join(parts)
    sig = parts[2] if "." not in "".join(parts) else token.rsplit(".", 1)[-1]
    out = engine.redact_signature(token)
    assert isinstance(out, str) and "\n" not in out
    shown = sig[:4] + sig[-4:]
    if token.count(".") != 2 or len(sig) < 12 or not all(c in B64URL for c in shown):
        assert re.fullmatch(r"<\d+ chars>", out)
        return
    assert out == f"{sig[:4]}…{sig[-4:]} ({len(sig)} chars)"
    if all(c in B64URL for c in sig):  # a real signature: no 8 characters of it beyond the first/last 4
        middle = sig[4:-4]
        for i in range(len(middle) - 7):
            assert middle[i : i + 8] not in out
