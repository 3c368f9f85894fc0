"""MCP server latency: `irsa-tui mcp` spawned by the SDK's stdio client against the lab (in its own process).

Measures, per fresh server: spawn -> initialized, tools/list, the first check (cold imports), a second
check (warm), next to a cold `irsa-tui check --json` process. Prints one line per measurement and a
summary line `mcp_init_s=… mcp_check_cold_s=… mcp_check_warm_s=… cli_check_s=…`.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import subprocess
import sys
import time

RUNS = int(os.environ.get("BENCH_RUNS", "5"))
SCENARIO, NS, POD = "trust-sub-wrong-namespace", "payments", "api-7d9f8c6b5-x2x4z"


async def one_server(exe: str, env: dict[str, str]) -> tuple[float, float, float, float]:
    from mcp import ClientSession, StdioServerParameters, stdio_client

    params = StdioServerParameters(command=exe, args=["mcp", "--context", SCENARIO], env=env)
    arguments = {"namespace": NS, "pod": POD}
    with open(os.devnull, "w") as errlog:
        start = time.perf_counter()
        async with stdio_client(params, errlog=errlog) as (read, write), ClientSession(read, write) as session:
            await session.initialize()
            init = time.perf_counter() - start
            start = time.perf_counter()
            await session.list_tools()
            listed = time.perf_counter() - start
            start = time.perf_counter()
            first = await session.call_tool("check", arguments)
            cold = time.perf_counter() - start
            start = time.perf_counter()
            await session.call_tool("check", arguments)
            warm = time.perf_counter() - start
            if first.is_error:
                sys.exit(f"check failed: {first.content}")
    return init, listed, cold, warm


def main() -> None:
    exe = os.path.join(os.path.dirname(sys.executable), "irsa-tui")
    sys.path.insert(0, os.path.dirname(__file__))
    from _lab import lab_process

    with lab_process([SCENARIO]) as lab_env:
        env = {**lab_env, "PATH": os.environ.get("PATH", ""), "HOME": os.environ.get("HOME", "")}
        rows = [asyncio.run(one_server(exe, env)) for _ in range(RUNS)]
        cli = []
        for _ in range(RUNS):
            start = time.perf_counter()
            subprocess.run([exe, "check", f"{NS}/{POD}", "--context", SCENARIO, "--json"], env=env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
            cli.append(time.perf_counter() - start)
    init, listed, cold, warm = (statistics.median(column) for column in zip(*rows, strict=True))
    cli_s = statistics.median(cli)
    print(f"mcp spawn -> initialized    median {init * 1000:7.1f} ms")
    print(f"mcp tools/list              median {listed * 1000:7.1f} ms")
    print(f"mcp check, first (cold)     median {cold * 1000:7.1f} ms")
    print(f"mcp check, again (warm)     median {warm * 1000:7.1f} ms")
    print(f"check --json process (cold) median {cli_s * 1000:7.1f} ms")
    print(f"mcp_init_s={init:.3f} mcp_check_cold_s={cold:.3f} mcp_check_warm_s={warm:.3f} cli_check_s={cli_s:.3f}")


if __name__ == "__main__":
    main()
