"""Many OIDC issuers on one HTTPS port: ``/id/<32 HEX>/.well-known/openid-configuration`` and ``/keys``."""

from __future__ import annotations

import threading
from pathlib import Path

from irsa_tui.lab._server import LabHandler, LabServer

__all__ = ["IssuerServer"]

_CACHE = {"Cache-Control": "max-age=3600"}


class _Handler(LabHandler):
    def do_GET(self) -> None:
        srv: IssuerServer = self.server.lab  # type: ignore[attr-defined]
        path = self.path.split("?", 1)[0]
        parts = path.strip("/").split("/")
        if len(parts) >= 3 and parts[0] == "id":
            issuer_id = parts[1]
            rest = "/".join(parts[2:])
            keys = srv.keys_for(issuer_id)
            if keys is not None:
                issuer = f"{srv.base_url}/id/{issuer_id}"
                if rest == ".well-known/openid-configuration":
                    self.send_json(
                        200,
                        {
                            "issuer": issuer,
                            "jwks_uri": f"{issuer}/keys",
                            "authorization_endpoint": "urn:kubernetes:programmatic_authorization",
                            "response_types_supported": ["id_token"],
                            "subject_types_supported": ["public"],
                            "id_token_signing_alg_values_supported": ["RS256"],
                            "claims_supported": ["sub", "iss"],
                        },
                        _CACHE,
                    )
                    return
                if rest == "keys":
                    self.send_json(200, {"keys": list(keys)}, _CACHE)
                    return
        self.send(
            404,
            b'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>NoSuchKey</Code>'
            b"<Message>The specified key does not exist.</Message></Error>",
            "application/xml",
        )

    do_HEAD = do_GET


class IssuerServer:
    """Serves ``https://127.0.0.1:PORT/id/<ID>`` for every registered issuer id."""

    def __init__(self, tls: tuple[Path, Path]) -> None:
        self._lock = threading.Lock()
        self._issuers: dict[str, tuple[dict[str, str], ...]] = {}
        self.server = LabServer(_Handler, tls, self)
        self.server.httpd.fault_source = "oidc-issuer"
        self.base_url = self.server.url

    def register(self, issuer_id: str, jwks: list[dict[str, str]]) -> str:
        with self._lock:
            self._issuers[issuer_id] = tuple(jwks)
        return f"{self.base_url}/id/{issuer_id}"

    def keys_for(self, issuer_id: str) -> tuple[dict[str, str], ...] | None:
        with self._lock:
            return self._issuers.get(issuer_id)

    def start(self) -> IssuerServer:
        self.server.start()
        return self

    def stop(self) -> None:
        self.server.stop()

    def __repr__(self) -> str:
        return f"IssuerServer({self.base_url}, {len(self._issuers)} issuers)"
