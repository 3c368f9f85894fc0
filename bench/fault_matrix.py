"""Every lab source x every fault kind through ``irsa-tui check --json`` (in process, real sockets).

    .venv/bin/python bench/fault_matrix.py            # the table: one cell per (source, fault)
    .venv/bin/python bench/fault_matrix.py -v         # plus each cell's link statuses and reason

A cell passes when the run ends within the time bound, without a traceback, every link the
fault touches is ``error`` (or ``fail`` where the fault is the finding), its summary names the
source, and the exit code is 2 (1 when the fault is a finding, 64 when the pod itself is gone).
The expectations live in ``tests/faults/cells.py`` (shared with the pytest matrix).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from irsa_tui.lab.faults import KINDS, SOURCES
from irsa_tui.lab.world import LabWorld
from tests.faults.cells import SCENARIO, SCENARIO_FOR, judge_cell, run_cell


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-v", "--verbose", action="store_true")
    ap.add_argument("--timeout", type=float, default=1.0)
    args = ap.parse_args()
    world = LabWorld.start(sorted({SCENARIO, *SCENARIO_FOR.values()}))
    saved = dict(os.environ)
    table: dict[tuple[str, str], str] = {}
    passed = 0
    try:
        for source in SOURCES:
            for kind in KINDS:
                outcome = run_cell(world, source, kind, timeout=args.timeout)
                problems = judge_cell(source, kind, outcome, timeout=args.timeout)
                table[(source, kind)] = "ok" if not problems else "FAIL"
                passed += not problems
                if args.verbose or problems:
                    print(
                        f"{source}:{kind} exit={outcome.code} {outcome.seconds:.1f}s "
                        + " ".join(f"{k}={v}" for k, v in outcome.statuses.items())
                    )
                    for line in problems:
                        print(f"    ! {line}")
                    for link, summary in outcome.summaries.items():
                        if outcome.statuses.get(link) in ("error", "fail"):
                            print(f"    {link}: {summary[:160]}")
    finally:
        world.set_faults([])
        os.environ.clear()
        os.environ.update(saved)
        world.stop()
    width = max(len(s) for s in SOURCES)
    print()
    print(" " * width + "  " + " ".join(f"{k:>7}" for k in KINDS) + "   pass")
    for source in SOURCES:
        row = [table[(source, k)] for k in KINDS]
        print(f"{source:<{width}}  " + " ".join(f"{c:>7}" for c in row) + f"   {row.count('ok')}/{len(row)}")
    total = len(SOURCES) * len(KINDS)
    print(f"\n{passed}/{total} cells pass")
    return 0 if passed == total else 1


if __name__ == "__main__":
    raise SystemExit(main())
