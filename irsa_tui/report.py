"""Text, Markdown and JSON renderings of one ChainResult (the TUI renders the same result).

Renderers only read the result: whatever reaches them has already been redacted
(no raw token, no signature, no credentials ever enter a LinkResult).
"""

from __future__ import annotations

import json
import textwrap
from typing import Any

from irsa_tui.chain.credentials import ContainerCredentials, SdkChoice, fallback
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


def _sdk_groups(creds: ContainerCredentials) -> list[tuple[str, SdkChoice]]:
    """SDK families that make the same choice, merged: ``botocore, Go v2: env-keys …``."""
    groups: dict[tuple[object, ...], list[SdkChoice]] = {}
    for choice in creds.choices:
        key = (choice.source, choice.identity, choice.shadows, choice.may_preempt, choice.skipped)
        groups.setdefault(key, []).append(choice)
    return [(", ".join(c.label for c in group), group[0]) for group in groups.values()]


def _choice_line(families: str, choice: SdkChoice) -> str:
    text = f"{families}: {choice.source or 'no source'} → {choice.identity}"
    if choice.shadows:
        text += f"; shadows {', '.join(choice.shadows)}"
    if choice.may_preempt:
        text += f"; unless the files hold {', '.join(choice.may_preempt)}"
    for skipped in choice.skipped:
        text += f"; skips {skipped}"
    return text


def _node_line(result: ChainResult) -> str | None:
    node = result.node
    if node is None or node.node is None:
        return None
    parts = [f"node {node.node}"]
    if node.instance_id:
        parts.append(f"instance {node.instance_id}")
    if node.role_arn:
        parts.append(f"role {node.role_arn}")
    meta = node.metadata
    if meta is not None and not meta.fargate:
        parts.append(f"IMDS HttpTokens={meta.http_tokens}, hop limit {meta.hop_limit}"
                     + (", endpoint disabled" if meta.http_endpoint == "disabled" else ""))
    return " · ".join(parts)


def _notable(result: ChainResult) -> bool:
    """Worth showing without --verbose: a container that falls back, is shadowed, or whose SDKs differ."""
    return any(
        not c.agree or any(ch.source not in ("web-identity", "container") for ch in c.choices)
        for c in result.credentials if not c.init
    )


def _credentials_text(result: ChainResult, width: int | None) -> list[str]:
    head = "── credentials · what each container's SDK really uses "
    lines = ["", head + "─" * max(0, 78 - len(head))]
    node = _node_line(result)
    if node:
        lines += _wrap(node, "  ", width)
    if result.node is not None:
        for why in result.node.unknown:
            lines += _wrap(f"unknown: {why}", "  ", width)
    lines += _wrap(f"Without IRSA or Pod Identity env: {fallback(result.credentials, result.node)}", "  ", width)
    for creds in result.credentials:
        kind = " (init)" if creds.init else ""
        lines.append(f"  container {creds.container}{kind}: IMDS {creds.imds.reachable}")
        for families, choice in _sdk_groups(creds):
            lines += _wrap(_choice_line(families, choice), "    ", width)
        for note in creds.notes:
            lines += _wrap(f"note: {note}", "    ", width)
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
    if result.credentials and (verbose or _notable(result)):
        lines += _credentials_text(result, width)
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
    if result.credentials:
        out += _credentials_markdown(result)
    return "\n".join(out) + "\n"


def _credentials_markdown(result: ChainResult) -> list[str]:
    out = ["", "## Credentials: what each container's SDK really uses", ""]
    node = _node_line(result)
    if node:
        out.append(f"- **Node:** {_md_escape(node)}")
    if result.node is not None:
        out += [f"- **Unknown:** {_md_escape(why)}" for why in result.node.unknown]
    out.append(f"- **Without IRSA or Pod Identity env:** {_md_escape(fallback(result.credentials, result.node))}")
    for creds in result.credentials:
        kind = " (init)" if creds.init else ""
        out += ["", f"### Container `{creds.container}`{kind}", "",
                f"IMDS reachable: **{creds.imds.reachable}** — {_md_escape(creds.imds.why)}", "",
                "| SDK | source | identity | shadows | if it fails |", "|---|---|---|---|---|"]
        for families, choice in _sdk_groups(creds):
            extra = "".join(f"; unless the files hold {k}" for k in choice.may_preempt)
            extra += "".join(f"; skips {s}" for s in choice.skipped)
            out.append(
                f"| {families} | `{choice.source or 'none'}` | {_md_escape(choice.identity + extra)} | "
                f"{', '.join(choice.shadows) or '—'} | {_md_escape(choice.on_failure)} |"
            )
        out += [f"- {_md_escape(note)}" for note in creds.notes]
    return out


def to_document(result: ChainResult) -> dict[str, Any]:
    doc = result.to_json()
    doc["schema_version"] = SCHEMA_VERSION
    return doc


def render_json(result: ChainResult, indent: int | None = 2) -> str:
    return json.dumps(to_document(result), indent=indent, ensure_ascii=False, default=str) + "\n"
