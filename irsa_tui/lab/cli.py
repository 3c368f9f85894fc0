"""``irsa-tui lab list | run SCENARIO -- CMD ARGS... | serve [SCENARIO...]``."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from typing import NoReturn

from irsa_tui.lab import scenario as scn_mod

__all__ = ["main"]

EXIT_USAGE = 64
# Settings that would make a child mix the lab with a real account; removed for ``lab run``.
_SCRUB = (
    "AWS_PROFILE",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_ROLE_ARN",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "SSL_CERT_DIR",
)


class _Usage(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise _Usage(message)


def _parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="irsa-tui lab", description="A local IRSA world on 127.0.0.1: one kube context per scenario."
    )
    sub = p.add_subparsers(dest="cmd", required=True, parser_class=_Parser)
    ls = sub.add_parser("list", help="the scenario catalogue")
    ls.add_argument("--json", action="store_true", help="machine-readable catalogue")
    run = sub.add_parser("run", help="run CMD inside the world with SCENARIO as the current kube context")
    run.add_argument("scenario")
    run.add_argument("command", nargs=argparse.REMAINDER, help="-- CMD ARGS...")
    serve = sub.add_parser("serve", help="start the world, print export lines, wait for Ctrl-C")
    serve.add_argument("scenarios", nargs="*")
    serve.add_argument("--latency-ms", type=float, default=0.0, help="delay every request the lab answers")
    return p


def _unknown(name: str) -> _Usage:
    close = scn_mod.close_names(name)
    hint = f"; did you mean: {', '.join(close)}" if close else "; 'irsa-tui lab list' shows them all"
    return _Usage(f"unknown scenario {name!r}{hint}")


def _check_names(names: list[str]) -> None:
    known = {s.name for s in scn_mod.scenarios()}
    for name in names:
        if name not in known:
            raise _unknown(name)


def _list(as_json: bool) -> int:
    items = scn_mod.scenarios()
    if as_json:
        doc = [
            {
                "name": s.name,
                "breaks": s.breaks,
                "title": s.title,
                "namespace": s.namespace,
                "pod": s.pod,
                "expect": {
                    "verdict": s.expect.verdict,
                    "first_failure": s.expect.first_failure,
                    "codes": list(s.expect.codes),
                },
            }
            for s in items
        ]
        sys.stdout.write(json.dumps(doc, indent=2) + "\n")
        return 0
    width = max(len(s.name) for s in items)
    link_width = max(len(s.breaks or "-") for s in items)
    for s in items:
        sys.stdout.write(f"{s.name:<{width}}  {s.breaks or '-':<{link_width}}  {s.title}\n")
    return 0


def _run(name: str, command: list[str]) -> int:
    if command and command[0] == "--":
        command = command[1:]
    if not command:
        raise _Usage("lab run needs a command: irsa-tui lab run SCENARIO -- CMD ARGS...")
    _check_names([name])
    from irsa_tui.lab.world import LabWorld

    world = LabWorld.start([name])
    try:
        env = {
            k: v for k, v in os.environ.items() if k not in _SCRUB and not k.startswith("AWS_ENDPOINT_URL_")
        }
        env.update(world.env)
        # The world's kubeconfig has current-context = this scenario (the only one started).
        try:
            return subprocess.call(command, env=env)
        except FileNotFoundError:
            print(f"irsa-tui lab: command not found: {command[0]}", file=sys.stderr)
            return 127
        except PermissionError:
            print(f"irsa-tui lab: command not executable: {command[0]}", file=sys.stderr)
            return 126
    finally:
        world.stop()


def main(argv: list[str]) -> int:
    try:
        args = _parser().parse_args(argv)
        if args.cmd == "list":
            return _list(args.json)
        if args.cmd == "run":
            return _run(args.scenario, list(args.command))
        _check_names(list(args.scenarios))
        from irsa_tui.lab.world import serve

        return serve(list(args.scenarios) or None, latency_ms=args.latency_ms)
    except _Usage as exc:
        print(f"irsa-tui lab: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except ValueError as exc:  # a broken scenario file
        print(f"irsa-tui lab: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
