"""Fault injection for the lab: make one source misbehave the way real ones do.

A fault is ``SOURCE:KIND[:MATCH]``:

* SOURCE: ``kubernetes`` | ``iam`` | ``eks`` | ``sts`` | ``s3`` | ``oidc-issuer`` | ``ec2`` | ``eks-auth``
* KIND:
  ``refused``  nothing listens (AWS sources: the service's endpoint points at a closed port;
               kubernetes/oidc-issuer: the listener stops); with MATCH: the socket is closed
               without an answer;
  ``hang``     the request is read, then nothing is sent for up to 20 s (past any client timeout);
  ``tls``      the server presents a certificate for the wrong host name (from a trusted CA);
  ``tls-ca``   the server presents a certificate from a CA nobody trusts;
  ``401`` ``403`` ``404`` ``500`` ``503``  that status, in the service's own error shape;
  ``429``      throttling in the service's real shape (IAM/STS 400 ``Throttling``, EKS 429
               ``ThrottlingException``, S3 503 ``SlowDown``, Kubernetes 429 ``TooManyRequests``);
  ``garbage``  a 200 whose body is not what the API promised (an HTML page).
* MATCH (optional): only requests whose ``METHOD PATH`` or AWS action contains it
  (case-insensitive), e.g. ``GetRole``, ``serviceaccounts``, ``/keys``. TLS faults and
  ``refused`` without MATCH act on the whole listener.

Faults are process-wide (one lab world per process): ``LabWorld.start(faults=...)``,
``world.set_faults(...)``, or ``irsa-tui lab serve|run --fault SOURCE:KIND[:MATCH]``.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import threading
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

__all__ = [
    "AWS_SOURCES",
    "HANG_SECONDS",
    "KINDS",
    "SOURCES",
    "Fault",
    "FaultCerts",
    "active",
    "endpoint_var",
    "find",
    "hang",
    "listener_fault",
    "parse_fault",
    "response",
    "set_faults",
]

SOURCES = ("kubernetes", "iam", "eks", "sts", "s3", "oidc-issuer", "ec2", "eks-auth")
AWS_SOURCES = ("iam", "eks", "sts", "s3", "ec2", "eks-auth")
KINDS = ("refused", "hang", "tls", "tls-ca", "401", "403", "404", "429", "500", "503", "garbage")
LISTENER_KINDS = ("tls", "tls-ca")
HANG_SECONDS = 20.0
SYNTAX = "SOURCE:KIND[:MATCH]"


def endpoint_var(source: str) -> str:
    """The service-specific endpoint variable botocore reads: ``AWS_ENDPOINT_URL_EKS_AUTH`` for eks-auth."""
    return f"AWS_ENDPOINT_URL_{source.upper().replace('-', '_')}"


@dataclass(frozen=True)
class Fault:
    source: str
    kind: str
    match: str | None = None

    def __str__(self) -> str:
        return f"{self.source}:{self.kind}" + (f":{self.match}" if self.match else "")

    @property
    def listener_level(self) -> bool:
        """Acts before any request is read (TLS handshake, or nothing listening)."""
        return self.kind in LISTENER_KINDS or (self.kind == "refused" and not self.match)

    def applies(self, source: str, request: str) -> bool:
        if source != self.source:
            return False
        return not self.match or self.match.lower() in request.lower()


def parse_fault(spec: str | Fault) -> Fault:
    """``SOURCE:KIND[:MATCH]`` -> Fault; ValueError with a one-line reason otherwise."""
    if isinstance(spec, Fault):
        fault = spec
    else:
        parts = str(spec).strip().split(":", 2)
        if len(parts) < 2:
            raise ValueError(
                f"fault {spec!r}: expected {SYNTAX}, e.g. sts:hang or kubernetes:403:serviceaccounts"
            )
        fault = Fault(
            parts[0].strip().lower(),
            parts[1].strip().lower(),
            (parts[2].strip() if len(parts) > 2 else "") or None,
        )
    if fault.source not in SOURCES:
        raise ValueError(
            f"fault {str(spec)!r}: unknown source {fault.source!r} (one of {', '.join(SOURCES)})"
        )
    if fault.kind not in KINDS:
        raise ValueError(f"fault {str(spec)!r}: unknown kind {fault.kind!r} (one of {', '.join(KINDS)})")
    return fault


_lock = threading.Lock()
_active: list[Fault] = []
_generation = {"n": 0}


def set_faults(faults: Iterable[Fault | str]) -> list[Fault]:
    """Replace the active faults (process-wide). Returns them parsed."""
    parsed = [parse_fault(f) for f in faults]
    with _lock:
        _active[:] = parsed
        _generation["n"] += 1
    return parsed


def active() -> list[Fault]:
    with _lock:
        return list(_active)


def find(source: str, request: str) -> Fault | None:
    """The first request-level fault for this source and request, if any."""
    for fault in active():
        if not fault.listener_level and fault.applies(source, request):
            return fault
    return None


def listener_fault(source: str, kinds: Iterable[str] = LISTENER_KINDS) -> Fault | None:
    wanted = tuple(kinds)
    for fault in active():
        if fault.source == source and fault.kind in wanted and fault.listener_level:
            return fault
    return None


def hang(fault: Fault, seconds: float = HANG_SECONDS) -> None:
    """Sleep past the client's deadline; ends early when the fault is lifted (bounded either way)."""
    with _lock:
        generation = _generation["n"]
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        with _lock:
            if _generation["n"] != generation:
                return
        time.sleep(0.05)


# --- answers in each service's own shape -----------------------------------------------------------

_KUBE = {
    401: ("Unauthorized", "Unauthorized"),
    403: ("Forbidden", 'forbidden: User "lab-caller" cannot perform this request (lab fault)'),
    404: ("NotFound", "the server could not find the requested resource"),
    429: ("TooManyRequests", "Too many requests, please try again later."),
    500: ("InternalError", "Internal error occurred: lab fault"),
    503: ("ServiceUnavailable", "the server is currently unable to handle the request"),
}

# (HTTP status, code, message) per AWS service and fault kind.
_AWS: dict[str, dict[str, tuple[int, str, str]]] = {
    "iam": {
        "401": (401, "InvalidClientTokenId", "The security token included in the request is invalid."),
        "404": (404, "NoSuchEntity", "The role with name {name} cannot be found."),
        "429": (400, "Throttling", "Rate exceeded"),
        "500": (
            500,
            "ServiceFailure",
            "The request processing has failed because of an unknown error, exception or failure.",
        ),
        "503": (503, "ServiceUnavailable", "Service is unable to handle request."),
    },
    "sts": {
        "401": (401, "InvalidClientTokenId", "The security token included in the request is invalid."),
        "404": (404, "UnknownOperation", "The requested operation is not available at this endpoint."),
        "429": (400, "Throttling", "Rate exceeded"),
        "500": (
            500,
            "InternalFailure",
            "The request processing has failed because of an unknown error, exception or failure.",
        ),
        "503": (503, "ServiceUnavailable", "Service is unable to handle request."),
    },
    "eks": {
        "401": (401, "UnrecognizedClientException", "The security token included in the request is invalid."),
        "404": (404, "ResourceNotFoundException", "No cluster found for name: {name}."),
        "429": (429, "ThrottlingException", "Rate exceeded"),
        "500": (500, "ServerException", "An internal server error occurred."),
        "503": (503, "ServiceUnavailableException", "The service is unavailable. Back off and retry."),
    },
    # EC2's query protocol: AuthFailure, RequestLimitExceeded (503), InternalError, Unavailable.
    "ec2": {
        "401": (401, "AuthFailure", "AWS was not able to validate the provided access credentials"),
        "404": (404, "InvalidInstanceID.NotFound", "The instance ID '{name}' does not exist"),
        "429": (503, "RequestLimitExceeded", "Request limit exceeded."),
        "500": (500, "InternalError", "An internal error has occurred"),
        "503": (503, "Unavailable", "The server is overloaded and can't handle the request."),
    },
    # EKS Auth's errors (botocore eks-auth model): ThrottlingException 429, InternalServerException 500, ...
    "eks-auth": {
        "401": (401, "UnrecognizedClientException", "The security token included in the request is invalid."),
        "404": (404, "ResourceNotFoundException", "The specified resource could not be found."),
        "429": (429, "ThrottlingException", "Rate exceeded"),
        "500": (500, "InternalServerException", "An internal server error occurred."),
        "503": (503, "ServiceUnavailableException", "The service is unavailable. Back off and retry."),
    },
    "s3": {
        "401": (
            401,
            "InvalidAccessKeyId",
            "The AWS Access Key Id you provided does not exist in our records.",
        ),
        "404": (404, "NoSuchBucket", "The specified bucket does not exist"),
        "429": (503, "SlowDown", "Please reduce your request rate."),
        "500": (500, "InternalError", "We encountered an internal error. Please try again."),
        "503": (503, "ServiceUnavailable", "Service is unable to handle request."),
    },
}

GARBAGE = (
    b"<!DOCTYPE html>\n<html><head><title>Sign in to the network</title></head>"
    b"<body><h1>Captive portal</h1><p>lab fault: this is not the API you asked for.</p></body></html>\n"
)

Answer = tuple[int, bytes, str, dict[str, str]]


def response(fault: Fault, action: str = "", resource: str = "", caller: str = "") -> Answer | None:
    """(status, body, content type, headers) for an HTTP-level fault; None for refused/hang/tls."""
    import json

    kind = fault.kind
    if kind == "garbage":
        return 200, GARBAGE, "text/html; charset=utf-8", {}
    if not kind.isdigit():
        return None
    status = int(kind)
    if fault.source == "kubernetes":
        reason, message = _KUBE[status]
        doc = {
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Failure",
            "message": message,
            "reason": reason,
            "code": status,
        }
        headers = {"Retry-After": "1"} if status == 429 else {}
        return status, json.dumps(doc).encode(), "application/json", headers
    if fault.source == "oidc-issuer":
        code = {
            401: "AccessDenied",
            403: "AccessDenied",
            404: "NoSuchKey",
            429: "SlowDown",
            500: "InternalError",
            503: "ServiceUnavailable",
        }[status]
        body = f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{code}</Code><Message>lab fault</Message></Error>'
        return status, body.encode(), "application/xml", {}
    name = resource.rsplit("/", 1)[-1] if resource else "unknown"
    if kind == "403":
        service_action = f"{fault.source}:{action or 'Unknown'}"
        message = (
            f"User: {caller or 'arn:aws:iam::111122223333:user/lab-caller'} is not authorized to perform: "
            f"{service_action} on resource: {resource or '*'} because no identity-based policy allows the "
            f"{service_action} action"
        )
        code = {"eks": "AccessDeniedException", "eks-auth": "AccessDeniedException",
                "ec2": "UnauthorizedOperation"}.get(fault.source, "AccessDenied")
        answer = (403, code, message)
    else:
        answer = _AWS[fault.source][kind]
    return aws_error(fault.source, answer[0], answer[1], answer[2].replace("{name}", name))


def aws_error(service: str, status: int, code: str, message: str) -> Answer:
    """An error body in the service's protocol: query XML (IAM, STS), REST-JSON (EKS, EKS Auth),
    REST-XML (S3), EC2's own XML (``<Response><Errors>``)."""
    import json

    rid = str(uuid.uuid4())
    if service == "ec2":
        body = (
            f'<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>{escape(code)}</Code>'
            f"<Message>{escape(message)}</Message></Error></Errors><RequestID>{rid}</RequestID></Response>"
        )
        return status, body.encode(), "text/xml;charset=UTF-8", {}
    if service in ("eks", "eks-auth"):
        return (
            status,
            json.dumps({"message": message}).encode(),
            "application/json",
            {"x-amzn-ErrorType": code, "x-amzn-RequestId": rid},
        )
    if service == "s3":
        body = (
            f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{code}</Code><Message>{escape(message)}'
            f"</Message><RequestId>{rid[:16].upper()}</RequestId></Error>"
        )
        return status, body.encode(), "application/xml", {"x-amz-request-id": rid[:16].upper()}
    ns = {
        "iam": "https://iam.amazonaws.com/doc/2010-05-08/",
        "sts": "https://sts.amazonaws.com/doc/2011-06-15/",
    }
    kind = "Sender" if status < 500 else "Receiver"
    body = (
        f'<ErrorResponse xmlns="{ns.get(service, ns["iam"])}">\n  <Error>\n    <Type>{kind}</Type>\n'
        f"    <Code>{escape(code)}</Code>\n    <Message>{escape(message)}</Message>\n  </Error>\n"
        f"  <RequestId>{rid}</RequestId>\n</ErrorResponse>\n"
    )
    return status, body.encode(), "text/xml", {"x-amzn-RequestId": rid}


# --- certificates for the TLS faults ---------------------------------------------------------------


@dataclass(frozen=True)
class FaultCerts:
    """PEM files: a 'fault CA' root the world trusts next to its own (so a wrong-host leaf fails on the
    host name alone), a leaf from it for ``wrong-host.invalid``, and a leaf for 127.0.0.1 from a CA
    nobody trusts."""

    trusted_ca_pem: bytes
    wrong_host: tuple[Path, Path]
    unknown_ca: tuple[Path, Path]


def make_certs(directory: Path) -> FaultCerts:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = dt.datetime.now(dt.UTC)

    def name(cn: str) -> x509.Name:
        return x509.Name(
            [
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, "irsa-tui lab faults"),
                x509.NameAttribute(NameOID.COMMON_NAME, cn),
            ]
        )

    def build(subject: str, key: Any, issuer: x509.Name, issuer_key: Any, ca: bool, sans: list[Any]) -> Any:
        b = (
            x509.CertificateBuilder()
            .subject_name(name(subject))
            .issuer_name(issuer)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=30))
            .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        )
        if ca:
            b = b.add_extension(
                x509.KeyUsage(True, False, False, False, False, True, True, False, False), critical=True
            )
        else:
            b = b.add_extension(x509.SubjectAlternativeName(sans), critical=False).add_extension(
                x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False
            )
        return b.sign(issuer_key, hashes.SHA256())

    pem = serialization.Encoding.PEM
    directory.mkdir(parents=True, exist_ok=True)
    out: list[tuple[Path, Path]] = []
    ca_pems: list[bytes] = []
    for label, sans in (
        ("wrong-host", [x509.DNSName("wrong-host.invalid")]),
        ("unknown-ca", [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
    ):
        ca_key, leaf_key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
        ca = build(f"irsa-tui lab {label} CA", ca_key, name(f"irsa-tui lab {label} CA"), ca_key, True, [])
        leaf = build(label, leaf_key, ca.subject, ca_key, False, sans)
        chain, key = directory / f"{label}-chain.pem", directory / f"{label}-key.pem"
        chain.write_bytes(leaf.public_bytes(pem) + ca.public_bytes(pem))
        key.write_bytes(
            leaf_key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        )
        key.chmod(0o600)
        out.append((chain, key))
        ca_pems.append(ca.public_bytes(pem))
    return FaultCerts(trusted_ca_pem=ca_pems[0], wrong_host=out[0], unknown_ca=out[1])
