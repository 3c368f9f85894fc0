"""Chain latency against the lab with N ms injected per API call.

Prints the wall time of a full diagnosis, the critical-path floor (the longest chain of
dependent round trips the engine made × N) and their ratio, ending with one line:
``wall_ms=… floor_ms=… ratio=…``. Target: ratio ≤ 1.25 at 50 ms.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--latency-ms", type=int, default=50)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--scenario", default="healthy")
    args = parser.parse_args()

    sys.path.insert(0, os.path.dirname(__file__))
    from _lab import lab_process

    from irsa_tui.engine import Options, Run, diagnose
    from irsa_tui.lab.scenario import get
    from irsa_tui.runner import critical_path
    from irsa_tui.steps import STEPS

    with lab_process([args.scenario], args.latency_ms) as env:
        os.environ.update(env)
        scenario = get(args.scenario)
        ns, pod = scenario.namespace, scenario.pod
        options = Options(namespace=ns, pod=pod, context=args.scenario)
        diagnose(options)  # warm-up: imports and model loading are start-up cost, measured by bench/startup.py
        walls: list[float] = []
        depths: list[int] = []
        calls = 0
        for _ in range(args.runs):
            runs: list[Run] = []
            start = time.perf_counter()
            result = diagnose(options, run_out=runs)
            walls.append((time.perf_counter() - start) * 1000)
            depths.append(runs[0].floor_depth)
            calls = len(runs[0].calls)
        wall = statistics.median(walls)
        depth = max(depths)
        floor = depth * args.latency_ms
        print(f"scenario {args.scenario}: verdict {result.verdict.value}, {calls} API calls per run")
        worst, path = critical_path(STEPS)
        print(f"latency {args.latency_ms} ms/call, critical path {depth} dependent round trips "
              f"(the step graph's worst case: {worst}, {' -> '.join(path)})")
        print(f"wall (median of {args.runs}) {wall:.0f} ms; runs: {', '.join(f'{w:.0f}' for w in walls)}")
        ratio = wall / floor if floor else float("inf")
        print(f"wall_ms={wall:.0f} floor_ms={floor} ratio={ratio:.2f}")


if __name__ == "__main__":
    main()
