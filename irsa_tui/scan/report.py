"""Text, Markdown and JSON renderings of a ScanReport (the JSON is the documented contract)."""

from __future__ import annotations

import json
from typing import Any

from irsa_tui.scan.model import ScanReport, WorkloadRow

__all__ = ["SCAN_SCHEMA_VERSION", "render_json", "render_markdown", "render_text", "to_document"]

SCAN_SCHEMA_VERSION = 1

_GLYPH = {"ok": "✔", "broken": "✘", "incomplete": "?", "error": "!"}
_ANSI = {"ok": "\x1b[32m", "broken": "\x1b[31;1m", "incomplete": "\x1b[35m", "error": "\x1b[35m"}
_RESET = "\x1b[0m"


def to_document(report: ScanReport, chains: bool = True) -> dict[str, Any]:
    doc = {"schema_version": SCAN_SCHEMA_VERSION, "kind": "scan", **report.to_json(chains=chains)}
    for row, out in zip(report.rows, doc["rows"], strict=True):
        if chains and row.chain is not None:
            from irsa_tui.report import SCHEMA_VERSION

            out["chain"]["schema_version"] = SCHEMA_VERSION
    return doc


def render_json(report: ScanReport, indent: int | None = 2, chains: bool = True) -> str:
    return json.dumps(to_document(report, chains), indent=indent, ensure_ascii=False, default=str) + "\n"


def _scope(report: ScanReport) -> str:
    where = "all namespaces" if report.namespaces is None else "namespace " + ", ".join(report.namespaces)
    parts = [where]
    if report.context:
        parts.append(f"context {report.context}")
    if report.cluster:
        parts.append(f"cluster {report.cluster}" + (f" ({report.region})" if report.region else ""))
    parts.append("live probes" if report.live else "static (no TokenRequest, STS or S3 call)")
    return " · ".join(parts)


def _counts(report: ScanReport) -> str:
    counts = report.counts
    return ", ".join(f"{n} {v}" for v, n in counts.items() if n) or "nothing to scan"


def _workload(row: WorkloadRow) -> str:
    return f"{row.namespace}/{row.kind.lower()}/{row.name}"


def _replicas(row: WorkloadRow) -> str:
    if row.kind in ("ServiceAccount", "PodIdentityAssociation"):
        return "-"
    odd = f" ({len(row.odd_replicas)} odd)" if row.odd_replicas else ""
    return f"{row.replicas}{odd}"


def render_text(report: ScanReport, color: bool = False) -> str:
    lines = [f"irsa-tui scan · {_scope(report)}",
             f"Verdict: {report.verdict.upper()}   {_counts(report)}   ({report.duration_ms / 1000:.2f} s)", ""]
    if report.rows:
        width = min(60, max(len(_workload(r)) for r in report.rows))
        lines.append(f"  {'':<2}{'WORKLOAD':<{width}}  {'MECHANISM':<12} {'REPLICAS':<9} {'FIRST FAILURE':<16} SUMMARY")
        for row in report.rows:
            glyph = _GLYPH[row.verdict]
            mark = f"{_ANSI[row.verdict]}{glyph}{_RESET}" if color else glyph
            lines.append(f"  {mark} {_workload(row):<{width}}  {row.mechanism:<12} {_replicas(row):<9} "
                         f"{row.first_failure or '-':<16} {row.summary}")
            for odd in row.odd_replicas:
                lines.append(f"      ↳ odd replica {odd.pod}: {odd.differs} ({odd.verdict}"
                             + (f" at {odd.first_failure}" if odd.first_failure else "") + ")")
    if report.findings:
        lines += ["", "Cluster findings:"]
        for f in report.findings:
            lines.append(f"  {_GLYPH['broken'] if f.status == 'fail' else '▲'} {f.code:<10} {f.message}")
            shown = list(f.subjects[:5])
            if shown:
                more = f" (+{len(f.subjects) - 5} more)" if len(f.subjects) > 5 else ""
                lines.append(f"      {', '.join(shown)}{more}")
    if report.errors:
        lines += ["", "Could not read:"] + [f"  ! {e}" for e in report.errors]
    lines += ["", "Details of a workload: irsa-tui check NS/POD (its representative pod), or scan --json."]
    return "\n".join(lines) + "\n"


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_markdown(report: ScanReport) -> str:
    out = [f"# irsa-tui scan: {_md(_scope(report))}", "",
           f"- **Verdict:** `{report.verdict}` — {_counts(report)}", f"- **Duration:** {report.duration_ms} ms", ""]
    if report.rows:
        out += ["| | workload | mechanism | replicas | first failure | summary |", "|---|---|---|---|---|---|"]
        for row in report.rows:
            out.append(f"| {_GLYPH[row.verdict]} | `{_md(_workload(row))}` | {row.mechanism} | {_replicas(row)} | "
                       f"{('`' + row.first_failure + '`') if row.first_failure else '-'} | {_md(row.summary)} |")
        odd = [(row, o) for row in report.rows for o in row.odd_replicas]
        if odd:
            out += ["", "## Odd replicas", ""]
            out += [f"- `{_md(_workload(row))}` pod `{o.pod}`: {_md(o.differs)} ({o.verdict})" for row, o in odd]
    if report.findings:
        out += ["", "## Cluster findings", ""]
        for f in report.findings:
            out.append(f"- `{f.code}` ({f.status}): {_md(f.message)}")
            if f.fix:
                out += ["", "  ```sh", *("  " + ln for ln in f.fix.splitlines()), "  ```"]
    if report.errors:
        out += ["", "## Could not read", ""] + [f"- {_md(e)}" for e in report.errors]
    return "\n".join(out) + "\n"
