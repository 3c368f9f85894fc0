"""Command line entry point. Heavy modules (textual, boto3, kubernetes) load inside commands
so ``irsa-tui --help`` stays instant.

    irsa-tui [NS/POD] [--context C] [-n NS] [--lab]     the TUI
    irsa-tui check NS/POD [--json|--markdown] ...       non-interactive diagnosis
    irsa-tui lab list | run SCENARIO -- CMD | serve     the local lab world
    irsa-tui debug graph [--mermaid]                    the engine's fetch-step graph
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import os
import re
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, NoReturn, cast

from irsa_tui import __version__

if TYPE_CHECKING:  # the lab (and moto) load only when asked for
    from irsa_tui.lab.world import LabWorld
    from irsa_tui.ui.backend import StartingBackend

__all__ = ["EXIT_USAGE", "console", "main", "parse_target"]

EXIT_OK, EXIT_BROKEN, EXIT_INCOMPLETE, EXIT_USAGE = 0, 1, 2, 64

# Namespaces are DNS-1123 labels; pod names DNS-1123 subdomains (dot-separated labels, <= 253).
_LABEL = r"[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?"
_NAME_RULES = {
    "namespace": (re.compile(_LABEL), 63, "lower-case letters, digits and '-'"),
    "pod": (re.compile(rf"{_LABEL}(?:\.{_LABEL})*"), 253, "lower-case letters, digits, '-' and '.'"),
}


def _quote(value: str, limit: int = 160) -> str:
    """repr of a user value for a one-line message, shortened."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"

EPILOG = """\
exit codes (check): 0 every link pass/warn/skip, 1 the chain is broken (a link fails),
2 could not finish (a link is error, none fails), 64 usage error.
Settings honoured as kubectl and the AWS CLI do: KUBECONFIG, AWS_PROFILE, AWS_REGION,
AWS_ENDPOINT_URL, SSL_CERT_FILE. irsa-tui changes nothing in your cluster or account:
its one write is a TokenRequest (a short-lived token, as the kubelet gets)."""


class UsageExit(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageExit(f"{self.prog}: {message}")


def parse_target(value: str | None, namespace: str | None) -> tuple[str, str]:
    """``NS/POD`` or ``POD`` (with ``-n``); returns (namespace, pod). Raises UsageExit."""
    if not value:
        raise UsageExit("no pod given: use NS/POD, or POD with -n NS")
    text = value.strip()
    if text.startswith("pod/") or text.startswith("pods/"):
        text = text.split("/", 1)[1]
    if "/" in text:
        ns, _, pod = text.partition("/")
        if namespace and namespace != ns:
            raise UsageExit(f"target {_quote(value)} names namespace {_quote(ns)} but -n says {_quote(namespace)}")
    else:
        ns, pod = namespace or "", text
    if not ns:
        raise UsageExit(f"no namespace for pod {_quote(value)}: use NS/POD or -n NS")
    for kind, name in (("namespace", ns), ("pod", pod)):
        pattern, limit, allowed = _NAME_RULES[kind]
        if not name or len(name) > limit or not pattern.fullmatch(name):
            raise UsageExit(f"{kind} name {_quote(name)} is not a valid Kubernetes name ({allowed}, at most {limit})")
    return ns, pod


def _seconds(value: str) -> float:
    """A positive, finite number of seconds (argparse type)."""
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number of seconds") from None
    if not 0 < number <= 3600 or number != number:
        raise argparse.ArgumentTypeError(f"{value!r}: give seconds between 0 and 3600 (exclusive of 0)")
    return number


def _bucket(value: str) -> str:
    """An S3 bucket name as S3 accepts it (argparse type)."""
    from irsa_tui.chain.buckets import bucket_name_problem

    problem = bucket_name_problem(value)
    if problem:
        raise argparse.ArgumentTypeError(problem)
    return value


def _object_key(value: str) -> str:
    """An S3 object key for --object (argparse type)."""
    from irsa_tui.chain.links.s3 import object_key_problem

    problem = object_key_problem(value)
    if problem:
        raise argparse.ArgumentTypeError(problem)
    return value


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--context", help="kube context (default: current-context of KUBECONFIG)")
    p.add_argument("-n", "--namespace", help="namespace of the pod")
    p.add_argument("--cluster", help="EKS cluster name (default: derived from the kube context)")
    p.add_argument("--region", help="AWS region (default: from the kube context, else AWS config)")
    p.add_argument("--bucket", type=_bucket, help="S3 bucket to probe (default: buckets named in the role's policies)")
    p.add_argument("--object", dest="object_key", type=_object_key, metavar="KEY",
                   help="with --bucket: also GetObject KEY (Range bytes=0-0: one byte, never shown)")
    p.add_argument("--no-live", dest="live", action="store_false",
                   help="static links only: no TokenRequest, STS or S3 call")
    p.add_argument("--timeout", type=_seconds, default=5.0, help="per network call, seconds (default 5)")
    p.add_argument("--deadline", type=_seconds, default=30.0, help="whole run, seconds (default 30)")


def _check_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="irsa-tui check", description="Diagnose the IRSA chain of one pod, non-interactively.",
                epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("target", nargs="?", help="NS/POD (or POD with -n)")
    _common(p)
    fmt = p.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="JSON (the stable contract, see README)")
    fmt.add_argument("--markdown", action="store_true", help="Markdown report")
    p.add_argument("-v", "--verbose", action="store_true", help="text: details for passing links too")
    p.add_argument("--lab", metavar="SCENARIO", help="run inside a lab scenario (starts and stops the local world)")
    p.add_argument("--debug", action="store_true",
                   help="log every call to stderr (tokens, keys and Authorization headers redacted)")
    return p


def _tui_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="irsa-tui",
        description="Find exactly why a pod on Amazon EKS cannot reach AWS through IRSA.",
        epilog="commands:\n  check      diagnose one pod non-interactively (irsa-tui check --help)\n"
        "  lab        the local lab world (irsa-tui lab --help)\n\n" + EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("target", nargs="?", help="NS/POD to open straight on its chain")
    _common(p)
    p.add_argument("--lab", nargs="?", const="", metavar="SCENARIO",
                   help="open on the lab world (every scenario is a context)")
    p.add_argument("--version", action="version", version=f"irsa-tui {__version__}")
    return p


def _check(argv: Sequence[str]) -> int:
    parser = _check_parser()
    args = parser.parse_args(argv)
    from irsa_tui.options import probe_problem

    if problem := probe_problem(args.bucket, args.object_key):
        parser.error(problem)
    world = None
    handler = None
    if args.debug:
        from irsa_tui.redact import debug_handler

        handler = debug_handler(sys.stderr)
    try:
        if args.lab:
            world = _start_lab([args.lab])
            context = args.lab
            # The scenario's own probe options (e.g. --bucket/--object for an S3 object scenario) apply
            # unless the user gave their own.
            if args.bucket is None and args.object_key is None:
                own = parser.parse_args([*world.check_args(args.lab)])
                args.bucket, args.object_key = own.bucket, own.object_key
            if args.target:
                ns, pod = parse_target(args.target, args.namespace)
            else:
                ns, pod = world.target(args.lab)
        else:
            ns, pod = parse_target(args.target, args.namespace or _context_namespace(args.context))
            context = args.context
        from irsa_tui import report
        from irsa_tui.chain.model import exit_code
        from irsa_tui.engine import Options, UsageError, diagnose

        options = Options(namespace=ns, pod=pod, context=context, cluster=args.cluster, region=args.region,
                          bucket=args.bucket, object_key=args.object_key, live=args.live, timeout=args.timeout, deadline=args.deadline)
        try:
            result = diagnose(options)
        except UsageError as exc:
            raise UsageExit(str(exc)) from None
        if args.json:
            sys.stdout.write(report.render_json(result))
        elif args.markdown:
            sys.stdout.write(report.render_markdown(result))
        else:
            color = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
            sys.stdout.write(report.render_text(result, color=color, verbose=args.verbose))
        sys.stdout.flush()
        return exit_code(result)
    finally:
        if handler is not None:
            from irsa_tui.redact import remove_debug_handler

            remove_debug_handler(handler)
        if world is not None:
            world.stop()


def _context_namespace(context: str | None) -> str | None:
    """The namespace the kube context sets, like kubectl's default."""
    try:
        from irsa_tui.sources.kubeconfig import KubeconfigError, find_context

        return find_context(context).namespace
    except KubeconfigError:
        return None


def _start_lab(names: list[str] | None, announce: bool = True) -> LabWorld:
    from irsa_tui.lab.world import LabWorld

    if announce:
        what = f"scenario {names[0]}" if names and len(names) == 1 else "every scenario"
        print(f"irsa-tui: starting the lab world ({what}; a few seconds)…", file=sys.stderr, flush=True)
    try:
        world = LabWorld.start(names)
    except KeyError as exc:
        raise UsageExit(str(exc).strip("'\"")) from None
    except ValueError as exc:
        raise UsageExit(str(exc)) from None
    os.environ.update(world.env)
    return world


def _tui(argv: Sequence[str]) -> int:
    args = _tui_parser().parse_args(argv)
    world: LabWorld | None = None
    backend: StartingBackend | None = None
    try:
        ns = pod = None
        if args.target:
            ns, pod = parse_target(args.target, args.namespace or _context_namespace(args.context))
        context = args.context
        from irsa_tui.options import probe_problem

        if problem := probe_problem(args.bucket, args.object_key):
            _tui_parser().error(problem)
        if args.lab is not None:
            context = args.lab or context
            from irsa_tui.lab.scenario import scenarios

            own_args = next((s.args for s in scenarios() if s.name == args.lab), ())
            if own_args and args.bucket is None and args.object_key is None:
                # the scenario's probe options (--bucket/--object) need its world's names: start it first
                world = _start_lab(None)
                own = _check_parser().parse_args(world.check_args(args.lab))
                args.bucket, args.object_key = own.bucket, own.object_key
            else:
                # the first frame does not wait for the world: the panes say "loading…" until it is up
                from irsa_tui.ui.backend import RealBackend, StartingBackend

                backend = StartingBackend(RealBackend(args.timeout), lambda: _start_lab(None, announce=False))
        from irsa_tui.ui.app import IrsaApp

        IrsaApp(context=context, namespace=ns or args.namespace, pod=pod, bucket=args.bucket, live=args.live,
                timeout=args.timeout, object_key=args.object_key, backend=backend).run()
        return 0
    finally:
        if backend is not None:
            backend.ready.wait(180)  # a world still starting is stopped once it is up, not left behind
            world = cast("LabWorld | None", backend.started)
        if world is not None:
            world.stop()


def _debug(argv: Sequence[str]) -> int:
    p = _Parser(prog="irsa-tui debug", description="Look inside irsa-tui itself.")
    sub = p.add_subparsers(dest="what", required=True, parser_class=_Parser)
    graph = sub.add_parser("graph", help="the fetch-step graph of a mechanism: text, or Mermaid with --mermaid")
    graph.add_argument("--mechanism", default="irsa", help="mechanism id (default irsa)")
    graph.add_argument("--mermaid", action="store_true", help="a Mermaid flowchart instead of text")
    args = p.parse_args(argv)
    from irsa_tui.chain.registry import MECHANISMS
    from irsa_tui.engine import GRAPHS
    from irsa_tui.runner import graph_mermaid, graph_text

    if args.mechanism not in MECHANISMS:
        raise UsageExit(f"unknown mechanism {_quote(args.mechanism)} (known: {', '.join(MECHANISMS)})")
    steps = GRAPHS[args.mechanism].steps
    sys.stdout.write(graph_mermaid(steps) if args.mermaid else graph_text(steps))
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        if argv and argv[0] == "check":
            return _check(argv[1:])
        if argv and argv[0] == "debug":
            return _debug(argv[1:])
        if argv and argv[0] == "lab":
            from irsa_tui.lab.cli import main as lab_main

            return lab_main(argv[1:])
        return _tui(argv)
    except UsageExit as exc:
        print(f"irsa-tui: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


def console() -> int:
    """The ``irsa-tui`` console script: ``main()`` with the cyclic collector tuned for a one-shot run.

    Importing kubernetes, boto3 and httpx makes ~120k long-lived objects. During a ``check``
    (short, bounded by --deadline) the collector would walk them again and again (~60 ms of CPU
    that the fetch threads wait for); peak memory is the same without it, so it is paused.
    At exit the interpreter's final collection walked them all once more, 150-250 ms between
    the report and the exit: ``gc.freeze()`` moves them out of its sight (the process is about
    to free them anyway); finalizers, atexit handlers and thread joins still run as usual.
    Not in ``main()``: tests call that in-process. The TUI keeps its collector.
    """
    if sys.argv[1:2] == ["check"]:
        gc.disable()
    code = main()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe or stream: nothing to flush
            stream.flush()
    gc.freeze()
    return code


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(console())
