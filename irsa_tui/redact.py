"""Redaction for ``--debug`` logs: no token, token signature, AWS key or Authorization header
ever reaches the log stream, whatever library logged it (botocore, urllib3, kubernetes, httpx)."""

from __future__ import annotations

import logging
import re
from typing import IO, Any

__all__ = ["RedactingFilter", "debug_handler", "redact", "redact_text", "remove_debug_handler"]

_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    # JWTs (service-account tokens): header.payload.signature, base64url, header starts with eyJ.
    (re.compile(r"eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*\.?[A-Za-z0-9_-]*"), "<jwt redacted>"),
    # Authorization / X-Amz-Security-Token headers, in header dumps, dict reprs and wire logs.
    (
        re.compile(
            r"(?i)(authorization|x-amz-security-token)(['\"]?\s*[:=]\s*b?['\"]?)(?:bearer\s+)?[^'\"\r\n,}]+"
        ),
        r"\1\2<redacted>",
    ),
    # Access key ids (long-term AKIA, temporary ASIA): keep a recognisable prefix only.
    (re.compile(r"\b((?:AKIA|ASIA)[A-Z0-9]{4})[A-Z0-9]{8,}\b"), r"\1…"),
    # Secret keys and session tokens by name (XML, JSON, query strings, kwargs reprs).
    (
        re.compile(
            r"(?i)(secret_?access_?key|aws_secret_access_key|session_?token|aws_session_token|"
            r"securitytoken|WebIdentityToken|\"token\")(['\"]?\s*[:=>]\s*b?['\"]?)[^'\"<&\s,}]+"
        ),
        r"\1\2<redacted>",
    ),
    (re.compile(r"(<(SecretAccessKey|SessionToken)>)[^<]*(</\2>)"), r"\1<redacted>\3"),
]


def redact(text: str) -> str:
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


# Unnamed secrets in pasted text (``explain``): a SigV4 signature, a bare 40-character secret access
# key (mixed case and digits), and any base64 run of 100+ characters (session tokens, certificates).
_SIGNATURE = re.compile(r"(?i)((?:x-amz-)?signature=)[0-9a-f]{16,}")
_BLOB = re.compile(r"(?<![A-Za-z0-9+/=])[A-Za-z0-9+/=]{40,}(?![A-Za-z0-9+/=])")


def _blob(match: re.Match[str]) -> str:
    value = match.group(0)
    if len(value) >= 100:
        return "<redacted>"
    looks_like_key = (
        len(value) == 40
        and any(c.isdigit() for c in value)
        and any(c.isupper() for c in value)
        and any(c.islower() for c in value)
    )
    return "<redacted>" if looks_like_key else value


def redact_text(text: str) -> str:
    """``redact`` plus secrets that carry no name: for text a user pasted (error messages, logs)."""
    return _BLOB.sub(_blob, _SIGNATURE.sub(r"\1<redacted>", redact(text)))


class RedactingFilter(logging.Filter):
    """Formats the record once, redacts it, and freezes the result into the record."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a library's broken format args must not break the run
            message = str(record.msg)
        record.msg = redact(message)
        record.args = None
        if record.exc_info:
            record.msg += " | " + redact(logging.Formatter().formatException(record.exc_info)).replace(
                "\n", " | "
            )
            record.exc_info = None
            record.exc_text = None
        return True


def debug_handler(stream: IO[str]) -> logging.Handler:
    """Attach a redacting stderr handler to the root logger at DEBUG; returns it for removal."""
    handler = logging.StreamHandler(stream)
    handler.setLevel(logging.DEBUG)
    handler.addFilter(RedactingFilter())
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
    root = logging.getLogger()
    handler._irsa_previous_level = root.level  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    return handler


def remove_debug_handler(handler: Any) -> None:
    root = logging.getLogger()
    root.removeHandler(handler)
    root.setLevel(getattr(handler, "_irsa_previous_level", logging.WARNING))
