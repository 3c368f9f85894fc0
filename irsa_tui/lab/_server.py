"""A stdlib HTTP(S) server on 127.0.0.1, port 0, in a daemon thread; stop() frees the port."""

from __future__ import annotations

import contextlib
import json
import socket
import ssl
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from irsa_tui.lab import faults as _faults

__all__ = ["LabHandler", "LabServer", "set_latency"]

_LATENCY = {"seconds": 0.0}


def set_latency(ms: float) -> None:
    """Delay every request the lab's servers answer by ``ms`` (benchmarks, fault drills)."""
    _LATENCY["seconds"] = max(0.0, ms) / 1000.0


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    # server_close() joins handler threads; stop() first hangs up on idle keep-alive clients.
    block_on_close = True
    ssl_context: ssl.SSLContext | None = None
    fault_source: str | None = None
    """Which lab source this listener plays, for request- and handshake-level faults."""
    fault_contexts: dict[str, ssl.SSLContext] = {}  # replaced per instance

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.open_sockets: set[Any] = set()
        self.sockets_lock = threading.Lock()

    def close_connections(self) -> None:
        """Hang up on idle keep-alive clients so no handler thread outlives stop()."""
        with self.sockets_lock:
            for sock in list(self.open_sockets):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        with self.sockets_lock:
            self.open_sockets.add(request)
        try:
            super().process_request_thread(request, client_address)
        finally:
            with self.sockets_lock:
                self.open_sockets.discard(request)

    def finish_request(self, request: Any, client_address: Any) -> None:
        """TLS handshake in the handler thread, so a slow client never blocks accept()."""
        if self.ssl_context is not None:
            request.settimeout(10)
            context = self.ssl_context
            fault = _faults.listener_fault(self.fault_source) if self.fault_source else None
            if fault is not None and fault.kind in self.fault_contexts:
                context = self.fault_contexts[fault.kind]
            try:
                tls = context.wrap_socket(request, server_side=True)  # detaches ``request``
            except (OSError, ssl.SSLError):
                return  # the client refused our certificate (a TLS fault) or hung up
            tls.settimeout(None)
            with self.sockets_lock:
                self.open_sockets.add(tls)
            try:
                super().finish_request(tls, client_address)
            finally:
                with self.sockets_lock:
                    self.open_sockets.discard(tls)
                tls.close()
            return
        super().finish_request(request, client_address)

    def handle_error(self, request: Any, client_address: Any) -> None:  # quiet: clients hang up
        return


class LabHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in separate writes: without TCP_NODELAY, Nagle + the client's
    # delayed ACK add ~40 ms to every keep-alive answer.
    disable_nagle_algorithm = True
    server_version = "irsa-tui-lab"
    sys_version = ""

    def log_message(self, format: str, *args: Any) -> None:
        return

    def parse_request(self) -> bool:
        ok = super().parse_request()
        if ok and _LATENCY["seconds"]:
            time.sleep(_LATENCY["seconds"])
        source = getattr(self.server, "fault_source", None)
        if ok and source:
            fault = _faults.find(source, f"{self.command} {self.path}")
            if fault is not None:
                self.body()
                self.inject(fault)
                return False
        return ok

    def inject(self, fault: _faults.Fault, action: str = "", resource: str = "", caller: str = "") -> None:
        """Answer (or do not answer) as the fault says. The request body must already be read."""
        if fault.kind == "hang":
            _faults.hang(fault)
        answer = _faults.response(fault, action, resource, caller)
        if answer is None:  # hang, refused (with a match), tls: hang up without a word
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        status, payload, ctype, headers = answer
        self.send(status, payload, ctype, headers)

    def body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def send(
        self,
        status: int,
        payload: bytes,
        content_type: str = "application/json",
        headers: dict[str, str] | None = None,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

    def send_json(self, status: int, doc: Any, headers: dict[str, str] | None = None) -> None:
        self.send(status, json.dumps(doc).encode(), "application/json", headers)


class LabServer:
    """Owns one server thread. ``tls`` = (chain_pem_path, key_path) for HTTPS."""

    def __init__(
        self, handler: type[BaseHTTPRequestHandler], tls: tuple[Path, Path] | None = None, context: Any = None
    ) -> None:
        self.httpd = _Server(("127.0.0.1", 0), handler)
        self.httpd.lab = context  # type: ignore[attr-defined]
        self.scheme = "http"
        if tls is not None:
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.minimum_version = ssl.TLSVersion.TLSv1_2
            ctx.load_cert_chain(str(tls[0]), str(tls[1]))
            self.httpd.ssl_context = ctx
            self.scheme = "https"
        self.port: int = self.httpd.server_address[1]
        self._thread = threading.Thread(
            target=self.httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"irsa-tui-lab-{handler.__name__}-{self.port}",
            daemon=True,
        )
        self._stopped = False
        self._paused = False

    def pause(self) -> None:
        """Stop listening (clients get 'connection refused') but keep the port for resume()."""
        if self._paused or self._stopped:
            return
        self._paused = True
        if self._thread.is_alive():
            self.httpd.shutdown()
            self._thread.join(timeout=5)
        self.httpd.close_connections()
        self.httpd.socket.close()

    def resume(self) -> None:
        if not self._paused or self._stopped:
            return
        old = self.httpd
        self.httpd = _Server(("127.0.0.1", self.port), old.RequestHandlerClass)
        for attr in ("lab", "ssl_context", "fault_source", "fault_contexts"):
            setattr(self.httpd, attr, getattr(old, attr, None))
        self._thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, name=self._thread.name, daemon=True
        )
        self._thread.start()
        self._paused = False

    @property
    def url(self) -> str:
        return f"{self.scheme}://127.0.0.1:{self.port}"

    def start(self) -> LabServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._stopped:
            return
        self._stopped = True
        if self._thread.is_alive():
            self.httpd.shutdown()
            self._thread.join(timeout=5)
        self.httpd.close_connections()
        self.httpd.server_close()
