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


FAULT_HELP = """\
faults (--fault SOURCE:KIND[:MATCH], repeatable, on serve and run):
  SOURCE  kubernetes | iam | eks | sts | s3 | oidc-issuer
  KIND    refused   nothing listens (with MATCH: the socket closes without an answer)
          hang      no answer for 20 s (past any --timeout)
          tls       certificate for the wrong host name;  tls-ca  certificate from an unknown CA
          401 403 404 500 503   that status in the service's own error shape
          429       throttling as the service does it (IAM/STS Throttling, EKS ThrottlingException,
                    S3 503 SlowDown, Kubernetes 429 TooManyRequests)
          garbage   a 200 whose body is not what the API promised
  MATCH   only requests whose METHOD PATH or AWS action contains it, e.g. GetRole, serviceaccounts, /keys
examples:
  irsa-tui lab run healthy --fault sts:hang -- irsa-tui check --timeout 1 --json payments/api-7d9f8c6b5-x2x4z
  irsa-tui lab serve healthy --fault kubernetes:403:serviceaccounts --fault iam:429:GetRole"""


def _fault(value: str) -> str:
    from irsa_tui.lab.faults import parse_fault

    try:
        return str(parse_fault(value))
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="irsa-tui lab",
        description="A local IRSA world on 127.0.0.1: one kube context per scenario.",
        epilog=FAULT_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = p.add_subparsers(dest="cmd", required=True, parser_class=_Parser)
    ls = sub.add_parser("list", help="the scenario catalogue")
    ls.add_argument("--json", action="store_true", help="machine-readable catalogue")
    run = sub.add_parser("run", help="run CMD inside the world with SCENARIO as the current kube context")
    run.add_argument("scenario")
    run.add_argument("--fault", action="append", default=[], type=_fault, metavar="SOURCE:KIND[:MATCH]",
                     help="inject a fault (see below); repeatable")
    run.add_argument("command", nargs=argparse.REMAINDER, help="-- CMD ARGS...")
    serve = sub.add_parser("serve", help="start the world, print export lines, wait for Ctrl-C")
    serve.add_argument("scenarios", nargs="*")
    serve.add_argument("--latency-ms", type=float, default=0.0, help="delay every request the lab answers")
    serve.add_argument("--fault", action="append", default=[], type=_fault, metavar="SOURCE:KIND[:MATCH]",
                       help="inject a fault (see 'irsa-tui lab --help'); repeatable")
    for sp in (run, serve):
        sp.epilog = FAULT_HELP
        sp.formatter_class = argparse.RawDescriptionHelpFormatter
    return p


def _unknown(name: str) -> _Usage:
    close = scn_mod.close_names(name)
    hint = f"; did you mean: {', '.join(close)}" if close else "; 'irsa-tui lab list' shows them all"
    return _Usage(f"unknown scenario {name!r}{hint}")


def _check_names(names: list[str]) -> None:
    known = {s.name for s in scn_mod.scenarios() + scn_mod.generated()}
    for name in names:
        if name not in known:
            raise _unknown(name)


def _list(as_json: bool) -> int:
    items = scn_mod.scenarios() + scn_mod.generated()  # generated worlds (fleet) last
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
                    "mechanism": s.expect.mechanism,
                },
                **({"generated": True} if s.generator else {}),
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


def _run(name: str, command: list[str], faults: list[str] | None = None) -> int:
    faults = list(faults or [])
    while command and command[0].startswith("--fault"):  # options after SCENARIO, before "--"
        flag = command.pop(0)
        if "=" in flag:
            value = flag.split("=", 1)[1]
        elif command:
            value = command.pop(0)
        else:
            raise _Usage("--fault needs SOURCE:KIND[:MATCH]")
        try:
            faults.append(_fault(value))
        except argparse.ArgumentTypeError as exc:
            raise _Usage(str(exc)) from None
    if command and command[0] == "--":
        command = command[1:]
    if not command:
        raise _Usage("lab run needs a command: irsa-tui lab run SCENARIO -- CMD ARGS...")
    _check_names([name])
    from irsa_tui.lab.world import LabWorld

    world = LabWorld.start([name], faults=faults or [])
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
            return _run(args.scenario, list(args.command), args.fault)
        _check_names(list(args.scenarios))
        from irsa_tui.lab.world import serve

        return serve(list(args.scenarios) or None, latency_ms=args.latency_ms, faults=args.fault)
    except _Usage as exc:
        print(f"irsa-tui lab: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except ValueError as exc:  # a broken scenario file
        print(f"irsa-tui lab: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
