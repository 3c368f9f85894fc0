"""OIDC issuer adapter: discovery + JWKS over HTTPS with httpx, signature check with pyjwt,
and the thumbprint of the top certificate the JWKS host serves.

TLS trust follows httpx: the system/certifi bundle, or ``SSL_CERT_FILE`` /
``SSL_CERT_DIR`` when set.
"""

from __future__ import annotations

import hashlib
import json
import socket
import ssl
import sys
import threading
import types
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from irsa_tui.chain.facts import IssuerFacts, SourceError

__all__ = ["fetch_issuer", "map_http_error", "top_ca_thumbprint", "verify_signature"]

_MAX_BODY = 1_000_000
_IMPORT_LOCK = threading.Lock()


def _load_httpx() -> None:
    """Import httpx without its command-line client.

    httpx's ``__init__`` imports ``httpx._main`` (its CLI: click, rich, pygments) whenever
    those happen to be installed, as they are next to textual: ~60 ms of CPU on every cold
    start, for a CLI irsa-tui never runs. A placeholder ``httpx._main`` stands in during that
    one import and is removed right after; ``httpx.main`` still works (it loads the real CLI
    when called). Nothing changes when httpx is already imported.
    """
    with _IMPORT_LOCK:
        if "httpx" in sys.modules or "httpx._main" in sys.modules:
            return
        placeholder = types.ModuleType("httpx._main")

        def main(*args: Any, **kwargs: Any) -> Any:
            from httpx._main import main as real_main

            return real_main(*args, **kwargs)

        placeholder.main = main  # type: ignore[attr-defined]
        sys.modules["httpx._main"] = placeholder
        try:
            import httpx  # noqa: F401
        finally:
            if sys.modules.get("httpx._main") is placeholder:
                del sys.modules["httpx._main"]


def map_http_error(exc: BaseException, what: str) -> SourceError:
    _load_httpx()
    import httpx

    if isinstance(exc, httpx.TimeoutException):
        return SourceError("oidc-issuer", "timeout", f"{what}: timed out")
    text = str(exc)
    if isinstance(exc, httpx.ConnectError) and ("CERTIFICATE" in text or "SSL" in text or "certificate" in text):
        return SourceError("oidc-issuer", "tls", f"{what}: TLS failure: {text.splitlines()[0][:200]}")
    if isinstance(exc, (httpx.ConnectError, httpx.NetworkError)):
        return SourceError("oidc-issuer", "unreachable", f"{what}: cannot connect: {text.splitlines()[0][:200] if text else ''}")
    if isinstance(exc, ssl.SSLError):
        return SourceError("oidc-issuer", "tls", f"{what}: TLS failure: {exc}")
    if isinstance(exc, httpx.HTTPError):
        return SourceError("oidc-issuer", "other", f"{what}: {type(exc).__name__}: {text[:200]}")
    return SourceError("oidc-issuer", "other", f"{what}: {type(exc).__name__}: {text[:200]}")


def _get_json(client: Any, url: str, what: str) -> Mapping[str, Any] | SourceError:
    try:
        response = client.get(url)
    except Exception as exc:
        return map_http_error(exc, what)
    status = response.status_code
    if status != 200:
        kind = {401: "unauthorized", 403: "forbidden", 404: "not-found", 429: "throttled"}.get(
            status, "server-error" if status >= 500 else "invalid"
        )
        return SourceError("oidc-issuer", kind, f"{what}: HTTP {status}", status=status)  # type: ignore[arg-type]
    if len(response.content) > _MAX_BODY:
        return SourceError("oidc-issuer", "bad-response", f"{what}: body larger than 1 MB")
    try:
        doc = json.loads(response.content)
    except ValueError:
        return SourceError("oidc-issuer", "bad-response", f"{what}: body is not JSON")
    if not isinstance(doc, dict):
        return SourceError("oidc-issuer", "bad-response", f"{what}: body is not a JSON object")
    return doc


def verify_signature(token: str, jwks: Mapping[str, Any]) -> tuple[str, str | None]:
    """('valid'|'invalid'|'no-key', detail). Only the signature: claims are judged by the checks."""
    import jwt

    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as exc:
        return "invalid", f"token header unreadable: {' '.join(str(exc).split())[:300]}"
    kid = header.get("kid")
    alg = header.get("alg") or "RS256"
    if not isinstance(alg, str) or alg.lower() == "none" or alg.upper().startswith("HS"):
        # STS accepts RS256/384/512 and ES256/384/512 only; an unsigned or HMAC token never verifies.
        return "invalid", f"token alg {str(alg)[:40]!r} is not an asymmetric signature STS accepts"
    listed = jwks.get("keys") if isinstance(jwks, Mapping) else None
    keys = [k for k in listed if isinstance(k, dict)] if isinstance(listed, list | tuple) else []
    matching = [k for k in keys if k.get("kid") == kid] if kid else keys
    if not matching:
        return "no-key", f"JWKS has no key with kid {kid!r} ({len(keys)} keys published)"
    last = None
    kid = repr(kid) if not isinstance(kid, str) or not kid.isprintable() else kid  # one line in messages
    for jwk in matching:
        try:
            key = jwt.PyJWK.from_dict(dict(jwk), algorithm=alg).key
            # JWS only: jwt.decode would also validate claims (jti/sub types, iat...) and call a
            # correctly signed token with odd claims "invalid"; the checks judge claims themselves.
            jwt.PyJWS().decode(token, key=key, algorithms=[alg])
            return "valid", f"signature verified with kid {kid} ({alg})"
        except jwt.InvalidSignatureError:
            last = f"signature does not verify with kid {kid}"
        except (jwt.PyJWTError, ValueError, TypeError, LookupError, RuntimeError) as exc:  # RuntimeError: unknown alg
            reason = (" ".join(str(exc).split()) or type(exc).__name__)[:300]
            last = f"cannot use JWKS key {kid}: {reason}"
    return "invalid", last


def top_ca_thumbprint(url: str, timeout: float, context: ssl.SSLContext | None = None) -> str | None:
    """SHA-1 (hex, lower case) of the last certificate the host serves, as IAM documents it.

    ``openssl s_client -showcerts`` shows the same chain. The handshake verifies the
    chain with the same trust httpx uses (``context``, else a new one); None when the
    chain cannot be read.
    """
    if context is None:
        _load_httpx()
        import httpx

        context = httpx.create_ssl_context()
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or 443
    with socket.create_connection((host, port), timeout=timeout) as raw, context.wrap_socket(
        raw, server_hostname=host
    ) as tls:
        getter = getattr(tls, "get_unverified_chain", None)
        if getter is None:
            sslobj = getattr(tls, "_sslobj", None)
            getter = getattr(sslobj, "get_unverified_chain", None)
        if getter is None:
            return None
        chain = getter()
        if not chain:
            return None
        last = chain[-1]
        der = last.public_bytes(ssl._ssl.ENCODING_DER) if hasattr(last, "public_bytes") else bytes(last)  # type: ignore[attr-defined]
        return hashlib.sha1(der).hexdigest()


def fetch_issuer(issuer: str, token: str | None, timeout: float) -> IssuerFacts:
    """Discovery, then JWKS, then signature and thumbprint. Every fault lands in the facts."""
    _load_httpx()
    import httpx

    base = issuer.rstrip("/")
    # httpx's own trust (certifi, or SSL_CERT_FILE/SSL_CERT_DIR), built once for both uses:
    # loading a full CA bundle costs 30-60 ms of CPU per context.
    context = httpx.create_ssl_context()
    with httpx.Client(
        verify=context, timeout=timeout, follow_redirects=False, headers={"User-Agent": "irsa-tui"}
    ) as client:
        discovery = _get_json(client, base + "/.well-known/openid-configuration", "GET discovery document")
        jwks_uri = base + "/keys"
        if isinstance(discovery, Mapping) and isinstance(discovery.get("jwks_uri"), str):
            jwks_uri = discovery["jwks_uri"]
        if isinstance(discovery, SourceError) and discovery.kind in ("timeout", "unreachable", "tls"):
            jwks: Mapping[str, Any] | SourceError = discovery
        else:
            jwks = _get_json(client, jwks_uri, f"GET JWKS {jwks_uri}")
    signature, detail = "unchecked", None
    if isinstance(jwks, Mapping) and token:
        signature, detail = verify_signature(token, jwks)
    thumb = None
    if not isinstance(jwks, SourceError) or jwks.kind not in ("timeout", "unreachable", "tls"):
        try:
            thumb = top_ca_thumbprint(jwks_uri, timeout, context)
        except (OSError, ValueError):
            thumb = None
    return IssuerFacts(
        issuer=issuer,
        discovery=discovery,
        jwks=jwks,
        top_ca_thumbprint=thumb,
        signature=signature,  # type: ignore[arg-type]
        signature_detail=detail,
    )


class HttpIssuer:
    """The OIDC issuer over HTTPS (the ``IssuerSource`` the engine uses)."""

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout

    def fetch(self, issuer: str) -> IssuerFacts:
        return fetch_issuer(issuer, None, self.timeout)

    def verify(self, token: str, jwks: Mapping[str, Any]) -> tuple[str, str | None]:
        return verify_signature(token, jwks)
