"""How a fact could not be gathered: the one error value every layer shares.

``SourceError`` is data (a fact's value when the source could not tell); ``SourceFailure`` is the
exception a source raises to carry one. Both live here, apart from any one source, so that the
sources, the fetch steps and the checks import them from one neutral place.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["ErrorKind", "SourceError", "SourceFailure"]

ErrorKind = Literal[
    "not-found",  # the object does not exist (404)
    "forbidden",  # 403: the caller lacks a permission (see .permission)
    "unauthorized",  # 401 / expired or missing credentials
    "no-credentials",  # no AWS credentials could be found at all
    "timeout",  # the call did not answer before its deadline
    "unreachable",  # connection refused / DNS / network
    "tls",  # TLS handshake / certificate verification failed
    "throttled",  # 429 / Throttling
    "server-error",  # 5xx
    "bad-response",  # the body was not what the API promised
    "invalid",  # the API rejected our request / bad input (400 ValidationError...)
    "other",
]


@dataclass(frozen=True)
class SourceError:
    """We asked a source and could not get the fact."""

    source: str
    """``kubernetes``, ``iam``, ``eks``, ``sts``, ``s3``, ``oidc-issuer``, ``kubeconfig``, ``aws-config``."""
    kind: ErrorKind
    message: str
    """One line, names the call and the fault, e.g. ``GET pod payments/api: 403 Forbidden``."""
    permission: str | None = None
    """The missing permission when kind is forbidden: ``create serviceaccounts/token``, ``iam:GetRole``."""
    code: str | None = None
    """The API's own error code (``AccessDenied``, ``NoSuchEntity``...) when there is one."""
    status: int | None = None
    """HTTP status when there is one."""

    def one_line(self) -> str:
        text = f"{self.source}: {self.message}"
        if self.permission:
            text += f" (caller lacks {self.permission})"
        return text


class SourceFailure(Exception):
    """A source call failed; ``error`` says how, in one line."""

    def __init__(self, error: SourceError) -> None:
        super().__init__(error.one_line())
        self.error = error
