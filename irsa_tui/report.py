"""Text, Markdown and JSON renderings of one ChainResult (the TUI renders the same result).

Renderers only read the result: whatever reaches them has already been redacted
(no raw token, no signature, no credentials ever enter a LinkResult).
"""

from __future__ import annotations

import json
import textwrap
from typing import Any

from irsa_tui.chain.model import ChainResult, LinkResult, Status

__all__ = ["SCHEMA_VERSION", "render_json", "render_markdown", "render_text"]

SCHEMA_VERSION = 1

_ANSI = {
    Status.PASS: "\x1b[32m",
    Status.WARN: "\x1b[33m",
    Status.FAIL: "\x1b[31;1m",
    Status.SKIP: "\x1b[2m",
    Status.ERROR: "\x1b[35m",
}
_RESET = "\x1b[0m"


def _target_line(result: ChainResult) -> str:
    t = result.target
    parts = [f"{t.namespace}/{t.pod}"]
    if t.context:
        parts.append(f"context {t.context}")
    if t.cluster:
        parts.append(f"cluster {t.cluster}" + (f" ({t.region})" if t.region else ""))
    elif t.region:
        parts.append(f"region {t.region}")
    return " · ".join(parts)


def _verdict_line(result: ChainResult) -> str:
    return f"Verdict: {result.verdict_text()}   ({result.duration_ms / 1000:.2f} s)"


def _mechanism_line(result: ChainResult) -> str:
    """``Mechanism: EKS Pod Identity — <the decisive reason>``."""
    from irsa_tui.chain.registry import MECHANISMS

    known = MECHANISMS.get(result.mechanism)
    line = f"Mechanism: {known.title if known else result.mechanism} ({result.mechanism})"
    reasons = result.detection.reasons if result.detection is not None else ()
    return line + (f" — {reasons[0]}" if reasons else "")


def _status_word(status: Status, color: bool) -> str:
    word = f"{status.glyph} {status.value if status is not Status.FAIL else 'FAIL'}"
    return f"{_ANSI[status]}{word:<7}{_RESET}" if color else f"{word:<7}"


def _wrap(text: str, indent: str, width: int | None) -> list[str]:
    """Wrapped at words for a terminal ``width``; with None (a file or a pipe) one line per paragraph, so
    ARNs and commands stay whole for grep and copy."""
    out: list[str] = []
    for para in text.splitlines() or [""]:
        if width is None:
            out.append(indent + para)
            continue
        out += textwrap.wrap(
            para, width=width, initial_indent=indent, subsequent_indent=indent, break_long_words=False,
            break_on_hyphens=False,
        ) or [indent]
    return out


_DECIDING_FIRST = {False: 0, True: 1, None: 2}
"""Evidence order in reports, as in the TUI: the mismatch that decides first, then matches, then facts."""


def _detail_text(link: LinkResult, color: bool, width: int | None) -> list[str]:
    head = f"── {link.id.value} · {link.id.label} · {link.status.value.upper()} "
    lines = ["", head + "─" * max(0, 78 - len(head))]
    lines += _wrap(link.summary, "  ", width)
    if link.evidence:
        lines.append("  Evidence:")
        for ev in sorted(link.evidence, key=lambda e: _DECIDING_FIRST[e.ok]):
            mark = "✔" if ev.ok else ("✘" if ev.ok is False else "·")
            lines.append(f"    {mark} {ev.label}")
            if ev.expected is not None:
                lines += _wrap(f"expected: {ev.expected}", "        ", width)
            if ev.actual is not None:
                lines += _wrap(f"actual:   {ev.actual}", "        ", width)
    if len(link.findings) > 1:
        lines.append("  Findings:")
        for f in link.findings:
            lines += _wrap(f"{f.status.glyph} {f.code:<9} {f.message}", "    ", width)
    if link.explanation:
        lines.append("  Why it matters:")
        lines += _wrap(link.explanation, "    ", width)
    if link.fix:
        lines.append("  Fix:")
        lines += ["    " + ln for ln in link.fix.splitlines()]
    return lines


def render_text(result: ChainResult, color: bool = False, verbose: bool = False, width: int | None = None) -> str:
    """``width``: the terminal's columns to wrap prose at; None (not a terminal): nothing is wrapped."""
    lines = [f"irsa-tui · {_target_line(result)}", _verdict_line(result), *_wrap(_mechanism_line(result), "", width),
             ""]
    id_width = max(len(link.id.value) for link in result.links) if result.links else 10
    for link in result.links:
        lines.append(f"  {_status_word(link.status, color)} {link.id.value:<{id_width}}  {link.summary}")
    for link in result.links:
        if verbose or link.status in (Status.FAIL, Status.WARN, Status.ERROR):
            lines += _detail_text(link, color, width)
    return "\n".join(lines) + "\n"


def _md_escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _md_value(value: str | None, missing: str) -> str:
    """A value as a code span; an absent one as a word (an empty code span renders as nothing)."""
    if value is None or not value.strip():
        return f"*{missing}*" if value is None else "*(empty)*"
    ticks = "``" if "`" in value else "`"
    return f"{ticks}{_md_escape(value)}{ticks}"


def render_markdown(result: ChainResult) -> str:
    out = [
        f"# irsa-tui: `{result.target.namespace}/{result.target.pod}`",
        "",
        f"- **Target:** {_target_line(result)}",
        f"- **Verdict:** `{result.verdict.value}`"
        + (f", first failure at `{result.first_failure.value}`" if result.first_failure else "")
        + f" — {_md_escape(result.verdict_text())}",
        f"- **Mechanism:** {_md_escape(_mechanism_line(result).removeprefix('Mechanism: '))}",
        f"- **Duration:** {result.duration_ms} ms",
        "",
        "| | link | status | summary |",
        "|---|---|---|---|",
    ]
    for link in result.links:
        out.append(f"| {link.status.glyph} | `{link.id.value}` | {link.status.value} | {_md_escape(link.summary)} |")
    for link in result.links:
        out += ["", f"## {link.status.glyph} `{link.id.value}` — {link.id.label}: {link.status.value}", "", link.summary]
        if link.evidence:
            out += ["", "| evidence | expected | actual | ok |", "|---|---|---|---|"]
            for ev in sorted(link.evidence, key=lambda e: _DECIDING_FIRST[e.ok]):
                ok = "✔" if ev.ok else ("✘" if ev.ok is False else "·")
                out.append(
                    f"| {_md_escape(ev.label)} | {_md_value(ev.expected, 'no expectation')} | "
                    f"{_md_value(ev.actual, 'absent')} | {ok} |"
                )
        if link.findings:
            out += [""] + [f"- `{f.code}` ({f.status.value}): {f.message}" for f in link.findings]
        if link.explanation:
            out += ["", f"**Why it matters.** {link.explanation}"]
        if link.fix:
            out += ["", "**Fix:**", "", "```sh", link.fix, "```"]
    return "\n".join(out) + "\n"


def to_document(result: ChainResult) -> dict[str, Any]:
    doc = result.to_json()
    doc["schema_version"] = SCHEMA_VERSION
    return doc


def render_json(result: ChainResult, indent: int | None = 2) -> str:
    return json.dumps(to_document(result), indent=indent, ensure_ascii=False, default=str) + "\n"
