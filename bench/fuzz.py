"""Fuzz bench: every parser property with 10,000 generated inputs each (``make test`` runs 200).

    .venv/bin/python bench/fuzz.py [--examples N] [PARSER ...]

Runs ``tests/fuzz/test_fuzz_<parser>.py`` once per parser with ``IRSA_FUZZ_EXAMPLES=N`` and prints
one line per parser, then a total:

    parser=policy examples=30000 failures=0 seconds=41.2 properties=3 min_per_property=10000

``examples`` counts the passing examples hypothesis reports for the parser's properties;
``min_per_property`` is the smallest of them. Exit status 1 when any property failed.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FUZZ = ROOT / "tests" / "fuzz"
_TEST = re.compile(r"^(tests/fuzz/\S+::\S+):\s*$")
_COUNTS = re.compile(r"^\s*- (\d+) passing, (\d+) failing")
_OUTCOME = re.compile(r"(\d+) (passed|failed|error|errors|skipped)")


def parsers() -> list[str]:
    return sorted(p.stem.removeprefix("test_fuzz_") for p in FUZZ.glob("test_fuzz_*.py"))


def run(parser: str, examples: int) -> tuple[int, int, int, int, float, str]:
    """(examples, failures, properties, min per property, seconds, note) for one parser."""
    env = {**os.environ, "IRSA_FUZZ_EXAMPLES": str(examples)}
    cmd = [
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        "--hypothesis-show-statistics",
        str(FUZZ / f"test_fuzz_{parser}.py"),
    ]
    started = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    per_test: dict[str, int] = {}
    current = None
    for line in proc.stdout.splitlines():
        test = _TEST.match(line)
        if test:
            current = test.group(1)
            per_test.setdefault(current, 0)
            continue
        counts = _COUNTS.match(line)
        if counts and current is not None:
            per_test[current] += int(counts.group(1))
    outcomes = {
        kind: int(n) for n, kind in _OUTCOME.findall(proc.stdout.splitlines()[-1] if proc.stdout else "")
    }
    failures = outcomes.get("failed", 0) + outcomes.get("error", 0) + outcomes.get("errors", 0)
    if proc.returncode not in (0, 5) and failures == 0:
        failures = 1  # collection error or crash: count it, never report a clean run
    note = "skipped" if outcomes.get("skipped") and not per_test else ""
    if failures:
        sys.stderr.write(proc.stdout[-4000:] + proc.stderr[-2000:])
    total = sum(per_test.values())
    return total, failures, len(per_test), min(per_test.values(), default=0), seconds, note


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--examples", type=int, default=10_000, help="examples per property (default 10000)")
    ap.add_argument("parsers", nargs="*", help=f"subset of: {', '.join(parsers())}")
    args = ap.parse_args(argv)
    chosen = args.parsers or parsers()
    unknown = sorted(set(chosen) - set(parsers()))
    if unknown:
        ap.error(f"unknown parser(s): {', '.join(unknown)}")
    all_examples = all_failures = 0
    all_seconds = 0.0
    for parser in chosen:
        examples, failures, props, least, seconds, note = run(parser, args.examples)
        all_examples += examples
        all_failures += failures
        all_seconds += seconds
        extra = f" note={note}" if note else ""
        print(
            f"parser={parser} examples={examples} failures={failures} seconds={seconds:.1f} "
            f"properties={props} min_per_property={least}{extra}",
            flush=True,
        )
    print(f"total examples={all_examples} failures={all_failures} seconds={all_seconds:.1f}", flush=True)
    return 1 if all_failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
