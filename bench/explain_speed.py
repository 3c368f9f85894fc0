"""`irsa-tui explain` on large inputs: a 10 MB application log with one error, 100,000 repeated
errors, 10 MB of binary noise, and one 12 MB line of a repeated needle; plus the whole command on
the 10 MB log through a pipe (process start-up included).

Targets on a 2-core machine: every case < 2 s, the piped command < 3 s; peak RSS printed.
Prints one line per case and a summary line `log_s=… repeated_s=… binary_s=… line_s=… cli_s=… rss_mb=…`.
"""

from __future__ import annotations

import random
import resource
import subprocess
import sys
import time
from pathlib import Path

from irsa_tui.explain.engine import explain

EXE = str(Path(sys.executable).with_name("irsa-tui"))


def timed(name: str, text: str) -> float:
    start = time.perf_counter()
    result = explain(text)
    elapsed = time.perf_counter() - start
    print(f"{name:<10} {len(text) / 1e6:5.1f} MB  {elapsed:.2f} s  recognised={result.recognised}")
    return elapsed


def main() -> None:
    rng = random.Random(7)
    lines = [f"2026-12-01T08:{i % 60:02d}:00Z INFO request {i} served in {rng.random():.3f}s path=/v1/items/{i}"
             for i in range(120_000)]
    lines.insert(60_000, "botocore.exceptions.ClientError: An error occurred (AccessDenied) when calling the "
                 "AssumeRoleWithWebIdentity operation: Not authorized to perform sts:AssumeRoleWithWebIdentity")
    log = "\n".join(lines)
    node = "User: arn:aws:sts::1:assumed-role/r/i-0123456789abcdef0 is not authorized to perform: s3:GetObject"
    results = {
        "log": timed("log", log),
        "repeated": timed("repeated", "\n".join([node] * 100_000)),
        "binary": timed("binary", bytes(rng.getrandbits(8) for _ in range(10_000_000)).decode("latin-1")),
        "line": timed("line", "is not authorized to perform: " * 400_000),
    }
    start = time.perf_counter()
    subprocess.run([EXE, "explain", "-"], input=log.encode(), capture_output=True, check=True)
    results["cli"] = time.perf_counter() - start
    print(f"cli        piped 10 MB log  {results['cli']:.2f} s")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(" ".join(f"{k}_s={v:.2f}" for k, v in results.items()) + f" rss_mb={rss:.0f}")


if __name__ == "__main__":
    main()
