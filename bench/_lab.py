"""Run the lab world in its own process (as a remote cluster and AWS would be) for benchmarks."""

from __future__ import annotations

import os
import shlex
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def lab_process(scenarios: list[str], latency_ms: float = 0.0) -> Iterator[dict[str, str]]:
    """Start `irsa-tui lab serve`, yield the env it prints, stop it on exit."""
    cmd = [sys.executable, "-m", "irsa_tui", "lab", "serve", *scenarios, "--latency-ms", str(latency_ms)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    env: dict[str, str] = {}
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.startswith("export "):
                key, _, value = line[len("export ") :].strip().partition("=")
                env[key] = shlex.split(value)[0] if value else ""
            elif line.startswith("# irsa-tui lab:"):
                break
        if not env:
            raise RuntimeError("lab serve printed no environment")
        yield env
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def apply(env: dict[str, str]) -> None:
    os.environ.update(env)
