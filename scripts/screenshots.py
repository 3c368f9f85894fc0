"""Generate screenshots/*.svg (and *.png) of the TUI on the lab world.

    .venv/bin/python scripts/screenshots.py [--size 120x36] [--no-png]

Shots: the picker, the healthy chain, a chain broken at each of the seven IRSA links (one lab
scenario per link, the first whose expected first failure is that link), an EKS Pod Identity chain
with its why-this-mechanism dialog (m), the Credentials tab (i) of a pod whose SDK families
disagree, and the scan screen on the generated fleet world. ``--only SHOT`` makes one of them. PNGs
are made with
cairosvg (pip) or, failing that, rsvg-convert (Debian librsvg2-bin), with the SVG's Fira Code
swapped for an installed monospace font so the grid stays aligned.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from irsa_tui.chain.registry import LINK_ORDER  # noqa: E402

OUT = ROOT / "screenshots"
PREFERRED = {"trust-policy": "trust-sub-wrong-namespace", "oidc-provider": "oidc-provider-missing"}
"""The best-known failure of a link, when the lab has it."""
CREDENTIALS = ("credentials-aws-profile-js-node-role",)
"""The Credentials tab's best shot: JS v3 takes another source than the other SDK families."""
KEYS = {"mechanism-why": ("m",), "credentials": ("i",)}
"""Keys pressed on the chain before a shot."""
MONO = '"DejaVu Sans Mono", "Liberation Mono", monospace'


def pick_scenarios() -> dict[str, str]:
    """Shot name -> scenario name."""
    from irsa_tui.lab.scenario import scenarios

    shots: dict[str, str] = {"chain-healthy": "healthy"}
    names = {s.name for s in scenarios()}
    for link in LINK_ORDER:
        if PREFERRED.get(link.value) in names:
            shots[f"chain-broken-{link.value}"] = PREFERRED[link.value]
            continue
        # prefer a scenario that breaks this link and fails first there, then either
        ranked = sorted(
            (s for s in scenarios() if link.value in (s.breaks, s.expect.first_failure)),
            key=lambda s: (
                s.expect.mechanism != "irsa",  # these shots walk IRSA's links; the others have their own
                s.name.startswith("credentials-"),
                s.breaks != link.value or s.expect.first_failure != link.value,
                s.expect.first_failure != link.value,
            ),
        )
        if ranked:
            shots[f"chain-broken-{link.value}"] = ranked[0].name
    everything = scenarios()
    pod_identity = [s for s in everything if s.expect.mechanism == "pod-identity"]
    pod_identity.sort(key=lambda s: s.expect.verdict != "ok")  # a healthy one first
    if pod_identity:
        shots["chain-pod-identity"] = pod_identity[0].name
        shots["mechanism-why"] = pod_identity[0].name
    creds = sorted((s for s in everything if s.name.startswith("credentials-")), key=lambda s: s.name not in CREDENTIALS)
    if creds:
        shots["credentials"] = creds[0].name
    return shots


async def wait(pilot: Any, predicate: Any, timeout: float = 30.0) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        await pilot.pause(0.1)
        try:
            if predicate():
                return
        except Exception:
            pass
    raise TimeoutError("screen did not settle")


async def shoot_picker(world: Any, size: tuple[int, int]) -> Path:
    from irsa_tui.ui.app import IrsaApp
    from irsa_tui.ui.widgets.filter_list import FilterList

    ns, _ = world.target("healthy")
    app = IrsaApp(context="healthy", namespace=ns)
    async with app.run_test(size=size) as pilot:
        await wait(pilot, lambda: len(app.screen.query_one("#pods", FilterList).items) > 0)
        app.screen.query_one("#pods", FilterList).focus_list()
        await pilot.pause(0.3)
        return Path(app.save_screenshot("picker.svg", str(OUT)))


async def shoot_chain(world: Any, name: str, scenario: str, size: tuple[int, int]) -> Path:
    from irsa_tui.ui.app import IrsaApp
    from irsa_tui.ui.screens.chain import ChainScreen

    ns, pod = world.target(scenario)
    app = IrsaApp(context=scenario, namespace=ns, pod=pod)
    async with app.run_test(size=size) as pilot:
        await wait(pilot, lambda: isinstance(app.screen, ChainScreen) and app.screen.result is not None)
        await pilot.pause(0.5)  # let notifications fade and layout settle
        for key in KEYS.get(name, ()):
            await pilot.press(key)
            await pilot.pause(0.5)
        return Path(app.save_screenshot(f"{name}.svg", str(OUT)))


async def shoot_scan(size: tuple[int, int]) -> Path:
    """The scan screen on the generated fleet world (lab/fleet.py), every namespace, worst first."""
    from irsa_tui.ui.app import IrsaApp
    from irsa_tui.ui.screens.picker import ALL_NAMESPACES, PickerScreen
    from irsa_tui.ui.screens.scan import ScanScreen

    app = IrsaApp(context="fleet", namespace=ALL_NAMESPACES)
    async with app.run_test(size=size) as pilot:
        await wait(pilot, lambda: isinstance(app.screen, PickerScreen) and app.screen.context == "fleet")
        await pilot.press("S")
        await wait(pilot, lambda: isinstance(app.screen, ScanScreen) and app.screen.report is not None, 180.0)
        await pilot.pause(0.5)
        return Path(app.save_screenshot("scan.svg", str(OUT)))


def to_png(svg: Path) -> str | None:
    """Write ``svg`` as PNG next to it; returns the tool used, or None when none works."""
    text = svg.read_text(encoding="utf-8").replace("Fira Code, monospace", MONO).replace('"Fira Code"', MONO)
    png = svg.with_suffix(".png")
    try:
        import cairosvg

        cairosvg.svg2png(bytestring=text.encode("utf-8"), write_to=str(png), output_width=1600)
        return "cairosvg"
    except ImportError:
        pass
    if shutil.which("rsvg-convert"):
        subprocess.run(["rsvg-convert", "-w", "1600", "-o", str(png)], input=text.encode(), check=True)
        return "rsvg-convert"
    return None


async def main_async(size: tuple[int, int], png: bool, only: str | None = None) -> int:
    from irsa_tui.lab.world import LabWorld

    shots = pick_scenarios()
    if only is not None:
        shots = {k: v for k, v in shots.items() if k == only}
    world = LabWorld.start([*sorted(set(shots.values())), "fleet"] if only in (None, "scan") else sorted(set(shots.values())))
    os.environ.update(world.env)
    written: list[Path] = []
    try:
        OUT.mkdir(exist_ok=True)
        if only in (None, "picker"):
            written.append(await shoot_picker(world, size))
        for name, scenario in shots.items():
            written.append(await shoot_chain(world, name, scenario, size))
            print(f"  {name:<32} <- lab scenario {scenario}")
        if only in (None, "scan"):
            written.append(await shoot_scan(size))
            print(f"  {'scan':<32} <- lab world fleet (generated)")
    finally:
        world.stop()
    tool = None
    if png:
        for svg in written:
            tool = to_png(svg)
            if tool is None:
                print(
                    "no PNG converter: pip install cairosvg, or apt-get install librsvg2-bin", file=sys.stderr
                )
                break
    print(f"wrote {len(written)} SVG{' + PNG via ' + tool if tool else ''} into {OUT.relative_to(ROOT)}/")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", default="120x36", help="terminal size, COLSxROWS (default 120x36)")
    parser.add_argument("--no-png", dest="png", action="store_false", help="SVG only")
    parser.add_argument("--only", metavar="SHOT", help="one shot: picker, scan, or chain-healthy / chain-broken-LINK")
    args = parser.parse_args()
    try:
        cols, rows = (int(v) for v in args.size.lower().split("x"))
    except ValueError:
        parser.error(f"--size {args.size!r}: expected COLSxROWS, e.g. 120x36")
    return asyncio.run(main_async((cols, rows), args.png, args.only))


if __name__ == "__main__":
    raise SystemExit(main())
