"""The one catalogue of finding codes.

Checks emit ``Finding(code, args)``; the message, explanation and fix come from here,
so wording lives in one place and ``docs/codes.md`` is generated from it
(``python -m irsa_tui.chain.codes > docs/codes.md``). Codes are stable: never renumber,
only add. Prefix per link: SA, INJ, TOK, OIDC, TRUST, STS, S3. Within a link, 0xx are
passes, 1xx warnings, 2xx failures (the default status of the finding).

Templates use ``{name}`` placeholders filled from the finding's args; a missing arg is
left visible as ``{name}`` rather than raising.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from typing import Mapping

from irsa_tui.chain.model import LinkId, Status

__all__ = ["Code", "CODES", "codes_for", "render_markdown"]


class _Missing(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


@dataclass(frozen=True)
class Code:
    id: str
    link: LinkId
    status: Status
    title: str
    """Short name of the situation, for docs and lists."""
    message: str
    """One-line template, the finding's summary."""
    why: str
    """Why it matters / what is going on (a few sentences)."""
    fix: str | None = None
    """Template of the exact fix; None when nothing needs fixing."""

    @staticmethod
    def render(template: str, args: Mapping[str, str]) -> str:
        return string.Formatter().vformat(template, (), _Missing({k: str(v) for k, v in args.items()}))


_S = LinkId.SERVICE_ACCOUNT
_I = LinkId.INJECTION
_T = LinkId.TOKEN
_O = LinkId.OIDC_PROVIDER
_P = LinkId.TRUST_POLICY
_STS = LinkId.STS
_S3 = LinkId.S3
P, W, F = Status.PASS, Status.WARN, Status.FAIL

_ALL: list[Code] = [
    # --- service-account (begin) ---
    # --- service-account (end) ---
    # --- injection (begin) ---
    # --- injection (end) ---
    # --- token (begin) ---
    # --- token (end) ---
    # --- oidc-provider (begin) ---
    # --- oidc-provider (end) ---
    # --- trust-policy (begin) ---
    # --- trust-policy (end) ---
    # --- sts (begin) ---
    # --- sts (end) ---
    # --- s3 (begin) ---
    # --- s3 (end) ---
]

CODES: dict[str, Code] = {}
for _code in _ALL:
    if _code.id in CODES:  # pragma: no cover - guarded by tests
        raise ValueError(f"duplicate code {_code.id}")
    CODES[_code.id] = _code


def codes_for(link: LinkId) -> list[Code]:
    return [c for c in _ALL if c.link is link]


def render_markdown() -> str:
    """The body of docs/codes.md."""
    out = [
        "# Finding codes",
        "",
        "Generated from `irsa_tui/chain/codes.py` by `make docs`; do not edit by hand.",
        "Each finding irsa-tui reports carries one of these stable codes.",
        "",
    ]
    for link in LinkId:
        out += [f"## `{link.value}` — {link.title}", "", "| code | status | situation | message |", "|---|---|---|---|"]
        for c in codes_for(link):
            msg = c.message.replace("|", "\\|")
            out.append(f"| `{c.id}` | {c.status.value} | {c.title} | {msg} |")
        out.append("")
        for c in codes_for(link):
            out += [f"### {c.id}: {c.title}", "", c.why, ""]
            if c.fix:
                out += ["Fix:", "", "```", c.fix, "```", ""]
    return "\n".join(out)


if __name__ == "__main__":  # pragma: no cover
    print(render_markdown())
