"""Start-up benchmarks: `irsa-tui --help`, cold `check --json` on the lab, TUI first frame, peak memory.

Targets on a 2-core machine: --help < 0.3 s, check --json cold < 0.5 s (10x faster than the manual
runbook: bench/runbook.py), first frame < 1.5 s. Each figure is also given as a multiple of a bare
``python -c pass`` measured in the same minute, which makes runs on a loaded machine comparable.
Prints one line per measurement and a final summary line
`python_s=… help_s=… check_s=… check_x_python=… first_frame_s=… check_rss_mb=…`.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import time

RUNS = int(os.environ.get("BENCH_RUNS", "5"))


def timed(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, int]:
    start = time.perf_counter()
    proc = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
    elapsed = time.perf_counter() - start
    if proc.returncode not in (0, 1, 2):
        sys.exit(f"{cmd} failed ({proc.returncode}): {proc.stderr.decode()[-500:]}")
    return elapsed, proc.returncode


def median(cmd: list[str], env: dict[str, str] | None = None) -> float:
    timed(cmd, env)  # warm the page cache: "cold" means a new process, not a cold disk
    return statistics.median(timed(cmd, env)[0] for _ in range(RUNS))


FIRST_FRAME = """
import asyncio, time
t0 = time.perf_counter()
from irsa_tui.ui.app import IrsaApp
async def main():
    app = IrsaApp()
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        print(time.perf_counter() - t0)
asyncio.run(main())
"""


def compile_package() -> None:
    """Write irsa_tui's bytecode, as ``pip install`` does for a regular install.

    The dev venv installs the package editable, and with PYTHONDONTWRITEBYTECODE=1 (set in
    many CI and sandbox shells) no .pyc is ever written: every start would compile ~40
    modules again (~50 ms) - a cost no installed user pays.
    """
    import irsa_tui

    pkg = os.path.dirname(irsa_tui.__file__)
    subprocess.run([sys.executable, "-m", "compileall", "-q", pkg], check=True, stdout=subprocess.DEVNULL)


def main() -> None:
    exe = os.path.join(os.path.dirname(sys.executable), "irsa-tui")
    compile_package()
    python_s = median([sys.executable, "-c", "pass"])
    print(f"python -c pass             median {python_s * 1000:7.1f} ms  (the floor)")
    help_s = median([exe, "--help"])
    print(f"irsa-tui --help            median {help_s * 1000:7.1f} ms  (target < 300 ms; {help_s / python_s:.1f}x python)")

    sys.path.insert(0, os.path.dirname(__file__))
    from _lab import lab_process

    with lab_process(["healthy"]) as lab_env:
        env = {**os.environ, **lab_env}
        ns, pod = "payments", "api-7d9f8c6b5-x2x4z"
        cmd = [exe, "check", f"{ns}/{pod}", "--context", "healthy", "--json"]
        check_s = median(cmd, env)
        print(f"check --json (cold, lab)   median {check_s * 1000:7.1f} ms  (target < 500 ms; "
              f"{check_s / python_s:.1f}x python)")
        rss_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(f"check peak RSS (children)  {rss_mb:7.1f} MB")
        frames = []
        for _ in range(max(1, RUNS // 2)):
            out = subprocess.run([sys.executable, "-c", FIRST_FRAME], env=env, capture_output=True, text=True, check=True)
            frames.append(float(out.stdout.strip().splitlines()[-1]))
        first_s = statistics.median(frames)
        print(f"TUI first frame            median {first_s * 1000:7.1f} ms  (target < 1500 ms)")
    print(f"python_s={python_s:.3f} help_s={help_s:.3f} check_s={check_s:.3f} check_x_python={check_s / python_s:.1f} "
          f"first_frame_s={first_s:.3f} check_rss_mb={rss_mb:.0f}")


if __name__ == "__main__":
    main()
