"""Explain an error text: which shapes it holds, and which one is nearest the root cause (pure).

Bounded work on any input: the text is cut to ``MAX_CHARS`` (the end is kept: the latest lines
of a log), ANSI and control characters are dropped, each shape's literal needle is searched in the
ASCII-lowered bytes (C speed), and only the lines around a hit (at most ``WINDOW`` bytes either
side) are decoded and matched against the shape's expression.

The root cause: a failure of the injected mechanism (IRSA or Pod Identity) first, then any other
cause (node role, static keys, no credentials), then wrappers that only say which step failed;
within a group the link nearest the start of the chain, then the earliest line.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from irsa_tui.explain import principal as principals
from irsa_tui.explain.principal import Principal
from irsa_tui.explain.shapes import FAMILIES, LINKS, SHAPES, Shape
from irsa_tui.redact import redact_text

__all__ = ["MAX_CHARS", "Explanation", "Match", "explain", "render_text"]

MAX_CHARS = 16 * 1024 * 1024
WINDOW = 4096
EXCERPT = 240
CHECK = "irsa-tui check <namespace>/<pod>"

_ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-Z\\-_]")
_CONTROL = {c: None for c in (*range(0, 9), 11, 12, *range(14, 32), 127)}
_CONTROL[13] = None
_ACTION = re.compile(
    r"is not authorized to perform: ([a-z0-9-]+:[A-Za-z0-9*]+)"
    r"(?: on resource: \"?([^\"\s]+)\"?)?(?: (with an explicit deny in an? [\w -]+?policy|because no [\w -]+? allows))?",
    re.IGNORECASE,
)
_GROUP_INJECTED, _GROUP_OTHER, _GROUP_WRAPPER = 0, 1, 2


@dataclass(frozen=True)
class Match:
    shape: Shape
    line: str
    """The matched line (the segment holding the match, redacted and shortened)."""
    line_number: int
    count: int
    mechanism: str
    link: str | None
    meaning: str
    principal: Principal | None = None
    role: str | None = None
    """Role name the line names (for the next commands)."""

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.shape.code,
            "family": self.shape.family,
            "kind": self.shape.kind,
            "mechanism": self.mechanism,
            "link": self.link,
            "meaning": self.meaning,
            "principal": self.principal.arn if self.principal else None,
            "line_number": self.line_number,
            "count": self.count,
            "line": self.line,
        }


@dataclass(frozen=True)
class Explanation:
    mechanism: str
    link: str | None
    principal: Principal | None
    meaning: str
    next: tuple[str, ...]
    matches: tuple[Match, ...] = ()
    root: Match | None = None
    truncated: bool = False
    sdk: tuple[str, ...] = field(default=())

    @property
    def recognised(self) -> bool:
        return bool(self.matches)

    def as_dict(self) -> dict[str, Any]:
        return {
            "mechanism": self.mechanism,
            "link": self.link,
            "principal": self.principal.arn if self.principal else None,
            "meaning": self.meaning,
            "next": list(self.next),
            "matches": [m.as_dict() for m in self.matches],
            "recognised": self.recognised,
            "code": self.root.shape.code if self.root else None,
            "principal_detail": self.principal.as_dict() if self.principal else None,
            "sdk": list(self.sdk),
            "truncated": self.truncated,
        }


def _clean(text: str) -> str:
    if "\x1b" in text:
        text = _ANSI.sub("", text)
    return text.translate(_CONTROL)


def _segment(line: str, start: int, end: int) -> str:
    """The part of ``line`` around [start, end): one logical line of an escaped (JSON) log line."""
    left = max(line.rfind("\\n", 0, start), line.rfind("\n", 0, start))
    left = 0 if left < 0 else left + 2 if line.startswith("\\n", left) else left + 1
    right_candidates = [i for i in (line.find("\\n", end), line.find("\n", end)) if i >= 0]
    right = min(right_candidates) if right_candidates else len(line)
    return line[left:right].strip()


def _excerpt(segment: str, match_start: int) -> str:
    text = redact_text(segment)
    if len(text) <= EXCERPT:
        return text
    lo = max(0, min(match_start - EXCERPT // 3, len(text) - EXCERPT))
    return ("…" if lo else "") + text[lo : lo + EXCERPT].strip() + ("…" if lo + EXCERPT < len(text) else "")


def _hits(data: bytes, low: bytes, shape: Shape) -> dict[int, tuple[int, str, re.Match[str]]]:
    """Line start (byte offset) -> (line end, line text, regex match) for every line the shape matches."""
    found: dict[int, tuple[int, str, re.Match[str]]] = {}
    for needle_text in shape.needles:
        needle = needle_text.encode()
        pos = low.find(needle)
        while pos >= 0:
            start = low.rfind(b"\n", max(0, pos - WINDOW), pos) + 1 or max(0, pos - WINDOW)
            newline = low.find(b"\n", pos, pos + WINDOW)
            end = newline if newline >= 0 else min(len(low), pos + WINDOW)
            if start not in found:
                line = data[start:end].decode("utf-8", "replace")
                match = shape.regex.search(line)
                if match is not None:
                    found[start] = (end, line, match)
            pos = low.find(needle, max(end, pos + 1))
    return found


def _action_phrase(line: str) -> str:
    m = _ACTION.search(line)
    if m is None:
        return "the action"
    action, resource, why = m.groups()
    text = action + (f" on {resource}" if resource else "")
    return text + (f" ({why})" if why else "")


def _refine(shape: Shape, line: str) -> tuple[str, str | None, str, Principal | None]:
    """Mechanism, link, meaning and principal of one matched line."""
    if not shape.by_principal:
        who = principals.parse(line)
        return shape.mechanism, shape.link, shape.meaning, who
    who = principals.caller(line)
    action = _action_phrase(line)
    if who is not None and who.mechanism == "node-role":
        return (
            "node-role",
            "injection",
            f"the call was made as the node's instance role {who.name} (session {who.session}), not as the pod's "
            f"own role: IRSA/Pod Identity was not injected (no role annotation or association, pod created "
            f"before it, webhook skipped) or the container ignores it (static keys, a profile, an SDK too old) "
            f"- an identity problem, not a missing permission for {action}",
            who,
        )
    if who is not None and who.mechanism == "static-keys":
        return (
            "static-keys",
            "injection",
            f"the call was made as IAM user {who.name}: long-term access keys (AWS_ACCESS_KEY_ID, a credentials "
            f"file or profile) are used instead of the pod's role - an identity problem, not a missing "
            f"permission for {action}",
            who,
        )
    via = {"irsa": " (IRSA, botocore session)", "pod-identity": " (Pod Identity session)"}
    if who is not None:
        subject = f"role {who.name}{via.get(who.mechanism, '')}"
    else:
        subject = "the caller"
    if shape.link == "trust-policy":
        meaning = f"{subject} may not {action}: the target role's trust policy or the caller's policies refuse it"
    else:
        meaning = f"{subject} is not allowed {action}"
    mechanism = who.mechanism if who is not None else shape.mechanism
    return mechanism, shape.link, meaning, who


def _group(match: Match) -> int:
    if match.shape.kind == "wrapper":
        return _GROUP_WRAPPER
    return _GROUP_INJECTED if match.mechanism in ("irsa", "pod-identity") else _GROUP_OTHER


def _rank(match: Match) -> tuple[int, int, int]:
    link = LINKS.index(match.link) if match.link in LINKS else len(LINKS)
    return _group(match), link, match.line_number


def _next_steps(root: Match) -> tuple[str, ...]:
    steps = [CHECK]
    role = root.role or "<role>"
    if root.mechanism in ("node-role", "static-keys"):
        steps += [
            "kubectl -n <namespace> get pod <pod> -o jsonpath='{.spec.serviceAccountName}'",
            "kubectl -n <namespace> get pod <pod> -o jsonpath='{.spec.containers[*].env}'",
        ]
    for step in root.shape.next:
        filled = step.replace("{role}", role)
        if filled not in steps:
            steps.append(filled)
    return tuple(steps)


def _line_numbers(low: bytes, starts: list[int]) -> dict[int, int]:
    numbers: dict[int, int] = {}
    line, last = 1, 0
    for start in sorted(set(starts)):
        line += low.count(b"\n", last, start)
        numbers[start] = line
        last = start
    return numbers


def explain(text: str, shapes: Mapping[str, Shape] = SHAPES, *, truncated: bool = False) -> Explanation:
    """What ``text`` (an error message, a stack trace, a whole log) says about the credential chain.

    ``truncated``: the caller already cut the text (it is said in the result).
    """
    if len(text) > MAX_CHARS:
        truncated = True
        text = text[-MAX_CHARS:]
    data = _clean(text).encode("utf-8", "replace")
    low = data.lower()
    per_line: dict[int, set[str]] = {}
    hits: dict[str, dict[int, tuple[int, str, re.Match[str]]]] = {}
    for shape in shapes.values():
        found = _hits(data, low, shape)
        if found:
            hits[shape.code] = found
            for start in found:
                per_line.setdefault(start, set()).add(shape.code)
    firsts: dict[str, int] = {}
    counts: dict[str, int] = {}
    for code, found in hits.items():
        unless = set(shapes[code].unless)
        kept = [start for start in found if not unless & per_line[start]]
        if kept:
            firsts[code] = min(kept)
            counts[code] = len(kept)
    numbers = _line_numbers(low, list(firsts.values()))
    matches: list[Match] = []
    for code, start in firsts.items():
        shape = shapes[code]
        _end, line, m = hits[code][start]
        segment = _segment(line, m.start(), m.end())
        mechanism, link, meaning, who = _refine(shape, segment)
        roles = principals.role_arns(segment)
        role = who.name if who is not None and who.type != "user" else roles[0].rsplit("/", 1)[-1] if roles else None
        matches.append(
            Match(
                shape=shape,
                line=_excerpt(segment, max(0, segment.find(m.group(0)))),
                line_number=numbers[start],
                count=counts[code],
                mechanism=mechanism,
                link=link,
                meaning=meaning,
                principal=who,
                role=role,
            )
        )
    matches.sort(key=lambda m: (m.line_number, m.shape.code))
    if not matches:
        return Explanation(
            mechanism="unknown",
            link=None,
            principal=None,
            meaning="no known credential error in this text (see docs/errors.md for the shapes irsa-tui knows)",
            next=(CHECK,),
            truncated=truncated,
        )
    root = min(matches, key=_rank)
    mechanism = root.mechanism
    if mechanism == "unknown":
        same_line = [m.mechanism for m in matches if m.line_number == root.line_number and m.mechanism != "unknown"]
        anywhere = [m.mechanism for m in matches if m.mechanism != "unknown"]
        mechanism = (same_line or anywhere or ["unknown"])[0]
    who = root.principal or next(
        (m.principal for m in matches if m.principal is not None and m.line_number == root.line_number), None
    )
    sdk = tuple(dict.fromkeys(m.shape.family for m in matches if m.shape.family not in ("aws", "agent")))
    return Explanation(
        mechanism=mechanism,
        link=root.link,
        principal=who,
        meaning=root.meaning,
        next=_next_steps(root),
        matches=tuple(matches),
        root=root,
        truncated=truncated,
        sdk=sdk,
    )


def render_text(result: Explanation) -> str:
    """The human-readable answer of ``irsa-tui explain``."""
    rows = [
        ("mechanism", result.mechanism),
        ("link", result.link or "-"),
        ("principal", result.principal.arn if result.principal else "-"),
        ("meaning", result.meaning),
    ]
    if result.sdk:
        rows.append(("sdk", ", ".join(FAMILIES[f][0] for f in result.sdk)))
    out = [f"{label:<10} {value}" for label, value in rows]
    out.append(f"{'next':<10} {result.next[0]}")
    out += [f"{'':<10} {step}" for step in result.next[1:]]
    if result.matches:
        out.append("matches")
        for m in result.matches:
            root = "*" if m is result.root else " "
            times = f" (x{m.count})" if m.count > 1 else ""
            out.append(f" {root}{m.shape.code}  line {m.line_number}{times}  {m.link or '-'}  {m.line}")
    if result.truncated:
        out.append(f"(input longer than {MAX_CHARS // (1024 * 1024)} MiB: only its last part was read)")
    return "\n".join(out) + "\n"
