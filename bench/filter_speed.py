"""Type-to-filter on a 10,000-pod namespace: time per keystroke (target: < 50 ms, feels instant)."""

from __future__ import annotations

import statistics
import time

from irsa_tui.ui.filtering import FilterIndex


def main() -> None:
    names = [f"{kind}-{i:04d}-{i * 7919 % 100000:05x}" for i in range(10_000) for kind in ("api",)][:5000]
    names += [f"worker-{i:04d}-{i * 104729 % 100000:05x}" for i in range(5000)]
    index = FilterIndex(names)
    timings = []
    for query in ("a", "ap", "api", "api-0", "api-09", "api-099", "wrk", "wrk 7", "zzzz", "w-0042"):
        start = time.perf_counter()
        for _ in range(5):
            index.search(query, limit=500)
        timings.append((time.perf_counter() - start) / 5 * 1000)
    print(
        f"filter over {len(names)} names: median {statistics.median(timings):.1f} ms, max {max(timings):.1f} ms per keystroke"
    )
    print(f"filter_median_ms={statistics.median(timings):.1f} filter_max_ms={max(timings):.1f}")


if __name__ == "__main__":
    main()
