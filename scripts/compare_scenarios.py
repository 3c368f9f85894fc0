"""Every lab scenario through ``irsa-tui check --json``, captured before a refactor and compared after.

    python scripts/compare_scenarios.py capture DIR      # one world, every scenario, live and --no-live
    python scripts/compare_scenarios.py compare OLD NEW  # exit 1 when any scenario's JSON differs

A refactor of the core must not change what any scenario reports. ``compare`` ignores what differs
from one lab world to the next or from one second to the next (``duration_ms``, timestamps, ports,
the world's generated names and fingerprints) and the additive ``mechanism`` field, which it checks
instead: when NEW has it, it must be ``irsa``.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import re
import sys
from pathlib import Path
from typing import Any

_VOLATILE = (
    (re.compile(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)?"), "<time>"),
    (re.compile(r"127\.0\.0\.1:\d+"), "127.0.0.1:<port>"),
    (re.compile(r"localhost:\d+"), "localhost:<port>"),
    (re.compile(r"irsa-tui-\d{9,}"), "irsa-tui-<ts>"),
    (re.compile(r"(?<!\d)1[6-9]\d{8}(?!\d)"), "<epoch>"),
    (re.compile(r"^\+[0-2] s$"), "+<0-2> s"),  # token-iat: the token was minted a second or so ago
    (re.compile(r"\b\d+ h \d+ min ago\b"), "<h min> ago"),  # the lab's expired token, against the clock
    (re.compile(r"\b[0-9a-f]{40}\b"), "<sha1>"),
    # a summary cut at its length limit ends inside a value whose length varies from world to world
    (re.compile(r"\S*…$"), "<cut>…"),
    (re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b"), "<uuid>"),
    (re.compile(r"/id/[0-9A-F]{32}\b"), "/id/<eks-oidc-id>"),
    (re.compile(r"[A-Za-z0-9_-]{4}…[A-Za-z0-9_-]{4} \(\d+ chars\)"), "<sig>"),
    (re.compile(r"\b(?:in|within|expires in|valid for|for) \d+[hms](?: ?\d+[ms])*\b"), "<duration>"),
)


def normalise(doc: Any, names: dict[str, str]) -> Any:
    """The JSON with what varies between worlds and runs replaced by stable markers."""
    if isinstance(doc, dict):
        return {
            normalise(k, names): (round(v, -1) if k == "expires_in_s" and isinstance(v, int) else normalise(v, names))
            for k, v in doc.items()
            if k not in ("duration_ms", "mechanism")
        }
    if isinstance(doc, list):
        items = [normalise(v, names) for v in doc]
        # lists of plain names (e.g. every OIDC provider of the account) come in the world's random order
        return sorted(items) if all(isinstance(v, str) for v in items) else items
    if isinstance(doc, str):
        text = doc
        for value, name in sorted(names.items(), key=lambda kv: -len(kv[0])):
            if len(value) >= 6:
                text = text.replace(value, f"<{name}>")
        for pattern, marker in _VOLATILE:
            text = pattern.sub(marker, text)
        return text
    if isinstance(doc, int) and not isinstance(doc, bool) and doc > 1_500_000_000:
        return "<epoch>"
    return doc


def capture(out: Path, only: list[str]) -> None:
    from irsa_tui.cli import main
    from irsa_tui.lab.scenario import scenarios
    from irsa_tui.lab.world import LabWorld

    names = [s.name for s in scenarios() if not only or s.name in only]
    out.mkdir(parents=True, exist_ok=True)
    for key in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_CA_BUNDLE", "AWS_CONFIG_FILE",
                "AWS_SHARED_CREDENTIALS_FILE"):
        os.environ.pop(key, None)
    world = LabWorld.start(names)
    os.environ.update(world.env)
    try:
        for name in names:
            ns, pod = world.target(name)
            placeholders = {str(v): k for k, v in world.placeholders(name).items() if isinstance(v, str)}
            for variant, extra in (("live", []), ("static", ["--no-live"])):
                buf = io.StringIO()
                with contextlib.redirect_stdout(buf), contextlib.redirect_stderr(io.StringIO()):
                    code = main(["check", f"{ns}/{pod}", "--context", name, "--json", *world.check_args(name), *extra])
                raw = json.loads(buf.getvalue()) if buf.getvalue() else None
                record = {"exit": code, "raw": raw, "placeholders": placeholders}
                (out / f"{name}.{variant}.json").write_text(json.dumps(record, indent=1, sort_keys=True))
            print(f"captured {name}", file=sys.stderr)
    finally:
        world.stop()


def _diff(a: Any, b: Any, path: str = "") -> list[str]:
    if isinstance(a, dict) and isinstance(b, dict):
        out: list[str] = []
        for key in sorted(set(a) | set(b)):
            if key not in a or key not in b:
                out.append(f"{path}/{key}: only in {'new' if key in b else 'old'}")
            else:
                out.extend(_diff(a[key], b[key], f"{path}/{key}"))
        return out
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return [d for i, (x, y) in enumerate(zip(a, b, strict=True)) for d in _diff(x, y, f"{path}[{i}]")]
    return [] if a == b else [f"{path}: {json.dumps(a)[:300]} -> {json.dumps(b)[:300]}"]


def compare(old: Path, new: Path) -> int:
    files = sorted({p.name for p in old.glob("*.json")} | {p.name for p in new.glob("*.json")})
    same = differ = 0
    for name in files:
        if not (old / name).exists() or not (new / name).exists():
            print(f"DIFF {name}: only in {'new' if (new / name).exists() else 'old'}")
            differ += 1
            continue
        a, b = (json.loads((d / name).read_text()) for d in (old, new))
        problems = _diff(
            {"exit": a["exit"], "json": normalise(a["raw"], a["placeholders"])},
            {"exit": b["exit"], "json": normalise(b["raw"], b["placeholders"])},
        )
        if b["raw"] is not None and b["raw"].get("mechanism", "irsa") != "irsa":
            problems.append(f"/mechanism: {b['raw'].get('mechanism')!r}, expected 'irsa'")
        if problems:
            differ += 1
            print(f"DIFF {name}")
            for line in problems[:20]:
                print(f"  {line}")
        else:
            same += 1
    with_mechanism = sum(
        1 for p in new.glob("*.json") if (json.loads(p.read_text())["raw"] or {}).get("mechanism") == "irsa"
    )
    print(f"{same} same, {differ} different, of {len(files)} runs; {with_mechanism} new runs carry mechanism=irsa")
    return 1 if differ else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="cmd", required=True)
    cap = sub.add_parser("capture", help="run every scenario and write DIR/<scenario>.<live|static>.json")
    cap.add_argument("dir", type=Path)
    cap.add_argument("scenarios", nargs="*", help="only these scenarios (default: all)")
    cmp = sub.add_parser("compare", help="compare two captures")
    cmp.add_argument("old", type=Path)
    cmp.add_argument("new", type=Path)
    args = parser.parse_args()
    if args.cmd == "capture":
        capture(args.dir, args.scenarios)
        return 0
    return compare(args.old, args.new)


if __name__ == "__main__":
    raise SystemExit(main())
