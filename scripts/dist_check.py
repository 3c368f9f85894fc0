"""`make dist-check`: install the built wheel into a fresh venv, as a user's pipx would, and run what a
user runs first. Fails (exit 1, one line per problem) when the wheel lacks a console script, the styles
or the scenarios, or a command does not work outside the checkout.

Usage: python scripts/dist_check.py dist/irsa_tui-*.whl
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(wheel: str) -> int:
    started = time.perf_counter()
    problems: list[str] = []
    names = zipfile.ZipFile(wheel).namelist()
    for folder, pattern in (("irsa_tui/ui/styles", "*.tcss"), ("irsa_tui/lab/scenarios", "*.yaml")):
        wanted = {f"{folder}/{p.name}" for p in (ROOT / folder).glob(pattern)}
        if missing := sorted(wanted - set(names)):
            problems.append(f"wheel lacks {len(missing)} of {len(wanted)} {folder}/{pattern}: {missing[:3]}")
    with tempfile.TemporaryDirectory(prefix="irsa-dist-") as tmp:
        venv = Path(tmp) / "venv"
        subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
        # the dev venv's pip installs into the fresh one: the wheel and its dependencies, nothing else
        pip = subprocess.run([sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install",
                              "-q", "--disable-pip-version-check", "--no-compile", wheel],
                             capture_output=True, text=True, check=False)
        if pip.returncode:
            print(f"dist-check: pip install {Path(wheel).name} failed:\n{pip.stderr[-2000:]}", file=sys.stderr)
            return 1
        installed = time.perf_counter() - started
        env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
        env["PATH"] = os.pathsep.join([str(venv / "bin"), env.get("PATH", "")])
        checks = [
            (["irsa-tui", "--version"], "irsa-tui "),
            (["kubectl-irsa", "--help"], "usage: kubectl irsa"),
            (["kubectl_complete-irsa", "ch"], "check\n:4"),
            (["irsa-tui", "k9s-plugin"], "shortCut:"),
            (["irsa-tui", "completion", "bash"], "_shtab_irsa_tui"),
            (["irsa-tui", "--lab"], "pipx install 'irsa-tui[lab]'"),  # no lab extra in this venv
            (["python", "-c", "import irsa_tui, sys; print(irsa_tui.__file__)"], str(venv)),
        ]
        for argv, expect in checks:
            proc = subprocess.run(argv, env=env, cwd=tmp, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                                  timeout=60, check=False)
            shown = proc.stdout + proc.stderr
            if expect not in shown or "Traceback" in shown:
                problems.append(f"{' '.join(argv)} (exit {proc.returncode}): {shown.strip()[-300:]!r}")
    for line in problems:
        print(f"dist-check: {line}", file=sys.stderr)
    total = time.perf_counter() - started
    print(f"dist-check: {'FAILED' if problems else 'ok'}: {Path(wheel).name} in a fresh venv "
          f"(install {installed:.0f} s, total {total:.0f} s)")
    return 1 if problems else 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    raise SystemExit(main(sys.argv[1]))
