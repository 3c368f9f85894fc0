"""Command line entry point. Heavy modules (textual, boto3, kubernetes) load inside commands
so ``irsa-tui --help`` stays instant.

    irsa-tui [NS/POD] [--context C] [-n NS] [--lab]     the TUI
    irsa-tui check NS/POD [--json|--markdown] ...       non-interactive diagnosis
    irsa-tui scan [-n NS | -A] [--json|--markdown]      every workload of a namespace or cluster
    irsa-tui lab list | run SCENARIO -- CMD | serve     the local lab world
    irsa-tui explain [TEXT | -] [--json]                what an error text says about the chain
    irsa-tui mcp [--context C]                          an MCP server over stdio (irsa-tui[mcp])
    irsa-tui debug graph [--mermaid]                    the engine's fetch-step graph

The subcommands are listed once, in ``COMMANDS``; a first word that is none of them and is
close to one is an unknown command, never a pod name.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import importlib.util
import os
import re
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, NoReturn, cast

from irsa_tui import __version__

if TYPE_CHECKING:  # the lab (and moto) load only when asked for
    from irsa_tui.chain.model import ChainResult
    from irsa_tui.lab.world import LabWorld
    from irsa_tui.sources.kubeconfig import ContextInfo
    from irsa_tui.ui.backend import StartingBackend

__all__ = ["COMMANDS", "EXIT_USAGE", "console", "kubectl_complete", "kubectl_console", "main", "parse_target"]

EXIT_OK, EXIT_BROKEN, EXIT_INCOMPLETE, EXIT_USAGE = 0, 1, 2, 64

PROG = "irsa-tui"
"""How the user invoked us: ``kubectl irsa`` through the kubectl plugin (``kubectl-irsa``)."""

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


LAB_EXTRA_HINT = (
    "the lab needs the 'lab' extra (moto): pipx install 'irsa-tui[lab]' or, on an installed irsa-tui, "
    "pipx inject irsa-tui 'moto[server]' (in a venv: pip install 'irsa-tui[lab]')"
)
_LAB_MODULES = ("moto", "flask")  # moto[server]: the lab's AWS runs in moto's Flask server


def require_lab() -> None:
    """UsageExit with the install hint when the lab extra is not installed (no traceback)."""
    for name in _LAB_MODULES:
        try:
            found = importlib.util.find_spec(name) is not None
        except (ImportError, ValueError):
            found = False
        if not found:
            raise UsageExit(LAB_EXTRA_HINT)


def _has_terminal() -> bool:
    """stdin and stdout are both a terminal (the TUI reads keys from one and draws on the other)."""
    try:
        return sys.stdin is not None and sys.stdout is not None and sys.stdin.isatty() and sys.stdout.isatty()
    except (AttributeError, ValueError):  # a closed or replaced stream
        return False


NO_TERMINAL = (
    "the TUI needs a terminal on stdin and stdout; in scripts and CI use "
    "'irsa-tui check NS/POD' (--json or --markdown)"
)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageExit(f"{self.prog}: {message}")


def parse_target(value: str | None, namespace: str | None, default_namespace: str | None = None) -> tuple[str, str]:
    """``NS/POD`` or ``POD`` (with ``-n``, else the kube context's namespace, ``default_namespace``); returns
    (namespace, pod). Raises UsageExit. As with kubectl, the context's namespace is only a default: an explicit
    ``NS/POD`` wins over it, and only an explicit ``-n`` that disagrees is an error."""
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
        ns, pod = namespace or default_namespace or "", text
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


def _kubeconfig_file(value: str) -> str:
    """``--kubeconfig FILE`` (argparse type): a readable file; empty means not given, as for kubectl."""
    if value and not os.path.isfile(value):
        raise argparse.ArgumentTypeError(f"kubeconfig {_quote(value)} is not a file")
    return value


def _use_kubeconfig(args: argparse.Namespace) -> None:
    """``--kubeconfig FILE`` wins over ``$KUBECONFIG``, as in kubectl (one file, no merging)."""
    if getattr(args, "kubeconfig", None):
        os.environ["KUBECONFIG"] = os.path.abspath(args.kubeconfig)


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--kubeconfig", type=_kubeconfig_file, metavar="FILE",
                   help="kubeconfig file to use (default: $KUBECONFIG, else ~/.kube/config)")
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
    p.add_argument("--logs", action="store_true",
                   help="also read the tail of each app container's log for known error shapes, shown redacted "
                        "as evidence (RBAC get pods/log)")
    p.add_argument("--log-lines", type=_log_lines, default=200, metavar="N",
                   help="with --logs: how many lines of each log to read (default 200)")
    p.add_argument("--cloudtrail", action="store_true",
                   help="also count the role's AssumeRoleWithWebIdentity events of the last hour by subject "
                        "(cloudtrail:LookupEvents)")


def _log_lines(value: str) -> int:
    """``--log-lines N`` (argparse type): 1 to 5000."""
    if not value.isdigit() or not 1 <= int(value) <= 5000:
        raise argparse.ArgumentTypeError(f"--log-lines takes a number from 1 to 5000, not {_quote(value)}")
    return int(value)


def _evidence_options(args: argparse.Namespace) -> dict[str, Any]:
    """The Options fields of ``--logs`` / ``--cloudtrail``."""
    return {"logs": bool(getattr(args, "logs", False)), "log_lines": int(getattr(args, "log_lines", 200)),
            "cloudtrail": bool(getattr(args, "cloudtrail", False))}


def _check_parser() -> argparse.ArgumentParser:
    p = _Parser(prog=f"{PROG} check", description="Diagnose the IRSA chain of one pod, non-interactively.",
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
    p.add_argument("--save", type=_bundle_path, metavar="FILE",
                   help="also write an incident bundle: the facts and the result, redacted "
                        "(open it anywhere with: irsa-tui replay FILE)")
    return p


def _bundle_path(value: str) -> str:
    """``--save FILE`` (argparse type): its directory must exist; the file is written after the run."""
    folder = os.path.dirname(os.path.abspath(value)) or "."
    if not value or os.path.isdir(value) or not os.path.isdir(folder):
        raise argparse.ArgumentTypeError(f"cannot write a bundle to {_quote(value)}: no such directory, or a directory")
    return value


def _print_result(result: ChainResult, args: argparse.Namespace) -> int:
    """Print ``result`` as ``check`` does (text, --json or --markdown); returns check's exit code."""
    from irsa_tui import report
    from irsa_tui.chain.model import exit_code

    if args.json:
        sys.stdout.write(report.render_json(result))
    elif args.markdown:
        sys.stdout.write(report.render_markdown(result))
    else:
        tty = sys.stdout.isatty()
        color = tty and not os.environ.get("NO_COLOR")
        # wrap prose at the terminal's width; piped to a file, keep every value on one line
        import shutil

        width = max(60, shutil.get_terminal_size().columns) if tty else None
        sys.stdout.write(report.render_text(result, color=color, verbose=args.verbose, width=width))
    sys.stdout.flush()
    return exit_code(result)


def _tui_parser(target: bool = True) -> argparse.ArgumentParser:
    p = _Parser(
        prog=PROG,
        description="Find exactly why a pod on Amazon EKS cannot reach AWS through IRSA.",
        epilog="commands:\n" + "".join(f"  {name:<12} {text}\n" for name, (text, _) in COMMANDS.items() if text)
        + "\n" + EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    if target:  # not in the completion parser: there the first word completes to a command
        p.add_argument("target", nargs="?", help="NS/POD to open straight on its chain")
    _common(p)
    p.add_argument("--lab", nargs="?", const="", metavar="SCENARIO",
                   help="open on the lab world (every scenario is a context)")
    p.add_argument("--version", action="version", version=f"irsa-tui {__version__}")
    return p


def _check(argv: Sequence[str]) -> int:
    parser = _check_parser()
    args = parser.parse_args(argv)
    _use_kubeconfig(args)
    from irsa_tui.options import probe_problem

    if problem := probe_problem(args.bucket, args.object_key):
        parser.error(problem)
    world = None
    handler = None
    if args.debug:
        from irsa_tui.redact import debug_handler

        handler = debug_handler(sys.stderr)
    if args.lab:
        require_lab()
    try:
        if args.lab:
            _known_scenario(args.lab)  # before starting anything
            world = _start_lab([args.lab])
            context = args.lab
        else:
            context = args.context
        # the context's namespace is kubectl's default for -n; its irsa-tui extension, the probe target
        ctx = _context_info(context)
        if args.lab and not args.target:
            ns, pod = world.target(args.lab)  # type: ignore[union-attr]
        else:
            ns, pod = parse_target(args.target, args.namespace, ctx.namespace if ctx else None)
        if args.bucket is None and args.object_key is None and ctx is not None:
            args.bucket, args.object_key = ctx.bucket, ctx.object_key
        from irsa_tui.engine import Options, Run, UsageError, diagnose

        options = Options(namespace=ns, pod=pod, context=context, cluster=args.cluster, region=args.region,
                          bucket=args.bucket, object_key=args.object_key, live=args.live, timeout=args.timeout, deadline=args.deadline,
                          **_evidence_options(args))
        runs: list[Run] = []
        try:
            result = diagnose(options, run_out=runs)
        except UsageError as exc:
            raise UsageExit(str(exc)) from None
        code = _print_result(result, args)
        if args.save:
            from irsa_tui.bundle import write_bundle

            try:
                write_bundle(args.save, result, runs[0].facts if runs else None, _probe_options(args))
            except OSError as exc:
                raise UsageExit(f"could not save the bundle to {_quote(args.save)}: {exc.strerror or exc}") from None
            print(f"{PROG}: bundle saved to {args.save} (replay it with: irsa-tui replay {args.save})",
                  file=sys.stderr)
        return code
    finally:
        if handler is not None:
            from irsa_tui.redact import remove_debug_handler

            remove_debug_handler(handler)
        if world is not None:
            world.stop()


SCAN_EPILOG = """\
exit codes (scan): 0 every workload ok, 1 some workload is broken, 2 some workload (or the scan)
could not be judged, 64 usage error.
Static by default: no TokenRequest, STS or S3 call (token claims are predicted as the kubelet would
mint them); --live runs the live probes too. The JSON contract: README 'scan --json'."""


def _workers(value: str) -> int:
    """Targets judged at once (argparse type): 1..64."""
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None
    if not 1 <= number <= 64:
        raise argparse.ArgumentTypeError(f"{value!r}: give 1 to 64")
    return number


def _scan_parser() -> argparse.ArgumentParser:
    p = _Parser(prog=f"{PROG} scan", formatter_class=argparse.RawDescriptionHelpFormatter, epilog=SCAN_EPILOG,
                description="Judge every workload whose ServiceAccount has an IAM role (IRSA) or a Pod Identity "
                "association, in a namespace or the whole cluster: one row per workload, plus what no single-pod "
                "check shows.")
    p.add_argument("--kubeconfig", type=_kubeconfig_file, metavar="FILE",
                   help="kubeconfig file to use (default: $KUBECONFIG, else ~/.kube/config)")
    p.add_argument("--context", help="kube context (default: current-context of KUBECONFIG)")
    where = p.add_mutually_exclusive_group()
    where.add_argument("-n", "--namespace", action="append", metavar="NS",
                       help="namespace to scan (repeat for several; default: the context's, else default)")
    where.add_argument("-A", "--all-namespaces", action="store_true", help="scan every namespace")
    p.add_argument("--cluster", help="EKS cluster name (default: derived from the kube context)")
    p.add_argument("--region", help="AWS region (default: from the kube context, else AWS config)")
    p.add_argument("--live", action="store_true",
                   help="also run the live probes (TokenRequest, STS) of every workload's representative pod")
    p.add_argument("--timeout", type=_seconds, default=5.0, help="per network call, seconds (default 5)")
    p.add_argument("--deadline", type=_seconds, default=120.0,
                   help="whole scan, seconds (default 120); workloads not judged by then are 'error'")
    p.add_argument("--workers", type=_workers, default=8, help="workloads judged at once (default 8)")
    fmt = p.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="JSON (the stable contract, see README)")
    fmt.add_argument("--markdown", action="store_true", help="Markdown report")
    p.add_argument("--progress", action="store_true",
                   help="show the progress bar on stderr even when it is not a terminal (never with --json)")
    p.add_argument("--lab", metavar="SCENARIO", help="scan a lab scenario (starts and stops the local world)")
    return p


class _Progress:
    """A one-line progress bar on stderr, redrawn in place."""

    def __init__(self) -> None:
        self.shown = False

    def __call__(self, done: int, total: int) -> None:
        width = 30
        filled = width * done // total if total else width
        sys.stderr.write(f"\r{PROG} scan: [{'#' * filled}{'.' * (width - filled)}] {done}/{total} judged ")
        sys.stderr.flush()
        self.shown = True

    def clear(self) -> None:
        if self.shown:
            sys.stderr.write("\r" + " " * 72 + "\r")
            sys.stderr.flush()


def _scan(argv: Sequence[str]) -> int:
    args = _scan_parser().parse_args(argv)
    _use_kubeconfig(args)
    world = None
    if args.lab:
        require_lab()
        _known_scenario(args.lab)
    try:
        if args.lab:
            world = _start_lab([args.lab])
            context = args.lab
        else:
            context = args.context
        namespaces: tuple[str, ...] | None = None
        if not args.all_namespaces:
            chosen = args.namespace or [_context_namespace(context) or "default"]
            for ns in chosen:
                pattern, limit, allowed = _NAME_RULES["namespace"]
                if not ns or len(ns) > limit or not pattern.fullmatch(ns):
                    raise UsageExit(f"namespace name {_quote(ns)} is not a valid Kubernetes name ({allowed}, at most {limit})")
            namespaces = tuple(dict.fromkeys(chosen))
        from irsa_tui.engine import UsageError
        from irsa_tui.scan import ScanOptions, render_json, render_markdown, render_text, scan

        options = ScanOptions(context=context, namespaces=namespaces, cluster=args.cluster, region=args.region,
                              live=args.live, timeout=args.timeout, deadline=args.deadline, workers=args.workers)
        progress = None
        if not args.json and (args.progress or _stderr_tty()):
            progress = _Progress()
        try:
            report = scan(options, on_progress=progress)
        except UsageError as exc:
            raise UsageExit(str(exc)) from None
        finally:
            if progress is not None:
                progress.clear()
        if args.json:
            sys.stdout.write(render_json(report))
        elif args.markdown:
            sys.stdout.write(render_markdown(report))
        else:
            sys.stdout.write(render_text(report, color=sys.stdout.isatty() and not os.environ.get("NO_COLOR")))
        sys.stdout.flush()
        return report.exit_code
    finally:
        if world is not None:
            world.stop()


def _stderr_tty() -> bool:
    try:
        return sys.stderr is not None and sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


def _probe_options(args: argparse.Namespace) -> dict[str, object]:
    return {"live": args.live, "bucket": args.bucket, "object_key": args.object_key, "timeout": args.timeout,
            "deadline": getattr(args, "deadline", None)}


def _replay_parser() -> argparse.ArgumentParser:
    p = _Parser(prog=f"{PROG} replay", formatter_class=argparse.RawDescriptionHelpFormatter,
                description="Open an incident bundle (written by 'check --save' or the TUI's save key) with no "
                "cluster and no AWS: the TUI, or the report exactly as check printed it.",
                epilog="exit codes with --text/--markdown/--json: those of the check that was captured.")
    p.add_argument("bundle", metavar="FILE", help="the bundle (.json)")
    fmt = p.add_mutually_exclusive_group()
    fmt.add_argument("--text", action="store_true", help="the text report, as check prints it")
    fmt.add_argument("--json", action="store_true", help="the JSON report, as check --json prints it")
    fmt.add_argument("--markdown", action="store_true", help="the Markdown report")
    p.add_argument("-v", "--verbose", action="store_true", help="text: details for passing links too")
    return p


def _replay(argv: Sequence[str]) -> int:
    args = _replay_parser().parse_args(argv)
    from irsa_tui.bundle import BundleError, read_bundle

    try:
        bundle = read_bundle(args.bundle)
    except BundleError as exc:
        raise UsageExit(str(exc)) from None
    if args.text or args.json or args.markdown:
        return _print_result(bundle.result, args)
    if not _has_terminal():
        raise UsageExit(NO_TERMINAL.replace("'irsa-tui check NS/POD'", f"'irsa-tui replay {args.bundle} --text'"))
    from irsa_tui.ui.app import IrsaApp
    from irsa_tui.ui.backend import ReplayBackend

    t = bundle.result.target
    options = bundle.options
    IrsaApp(context=t.context, namespace=t.namespace, pod=t.pod, bucket=options.get("bucket"),
            live=bool(options.get("live", True)), object_key=options.get("object_key"),
            backend=ReplayBackend(bundle)).run()
    return 0


def _context_info(context: str | None) -> ContextInfo | None:
    """The kube context as the kubeconfig describes it (None when it cannot be read: the run says why)."""
    try:
        from irsa_tui.sources.kubeconfig import KubeconfigError, find_context

        return find_context(context)
    except KubeconfigError:
        return None


def _context_namespace(context: str | None) -> str | None:
    """The namespace the kube context sets, like kubectl's default."""
    ctx = _context_info(context)
    return ctx.namespace if ctx else None


def _known_scenario(name: str) -> None:
    """A usage error for an unknown lab scenario, before the world starts (a few seconds)."""
    from irsa_tui.lab.scenario import scenarios

    names = [s.name for s in scenarios()]
    if name not in names:
        import difflib

        close = difflib.get_close_matches(name, names, n=3)
        hint = f"did you mean {', '.join(close)}?" if close else "irsa-tui lab list shows them"
        raise UsageExit(f"unknown scenario {_quote(name)}; {hint}")


def _start_lab(names: list[str] | None, announce: bool = True) -> LabWorld:
    require_lab()
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
    try:
        args = _tui_parser().parse_args(argv)
    except UsageExit:  # `irsa-tui chek payments/api`: a mistyped command with its arguments
        problem = _unknown_command(argv[0], None) if argv and not argv[0].startswith("-") else None
        if problem:
            raise UsageExit(problem) from None
        raise
    problem = _unknown_command(args.target, args.namespace)
    if problem:
        raise UsageExit(problem)
    _use_kubeconfig(args)
    world: LabWorld | None = None
    backend: StartingBackend | None = None
    try:
        ns = pod = None
        if args.target:
            try:
                ns, pod = parse_target(args.target, args.namespace, _context_namespace(args.context))
            except UsageExit as exc:  # `irsa-tui scna`: a bare word that is neither a pod we can place nor a command
                if "/" in args.target:
                    raise
                raise UsageExit(f"{exc}; or, if you meant a command, one of: {', '.join(COMMANDS)}") from None
        context = args.context
        from irsa_tui.options import probe_problem

        if problem := probe_problem(args.bucket, args.object_key):
            _tui_parser().error(problem)
        if args.lab is not None:
            require_lab()
            if args.lab:
                _known_scenario(args.lab)
        if not _has_terminal():
            raise UsageExit(NO_TERMINAL)
        if args.lab is not None:
            context = args.lab or context
            # the first frame does not wait for the world: the panes say "loading…" until it is up. A
            # scenario's probe options travel in its kube context (the irsa-tui extension), as for any context.
            from irsa_tui.ui.backend import RealBackend, StartingBackend

            backend = StartingBackend(RealBackend(args.timeout, _evidence_options(args)),
                                      lambda: _start_lab(None, announce=False))
        real = None
        if backend is None and (args.logs or args.cloudtrail):
            from irsa_tui.ui.backend import RealBackend

            real = RealBackend(args.timeout, _evidence_options(args))
        from irsa_tui.ui.app import IrsaApp

        IrsaApp(context=context, namespace=ns or args.namespace, pod=pod, bucket=args.bucket, live=args.live,
                timeout=args.timeout, object_key=args.object_key, backend=backend or real).run()
        return 0
    finally:
        if backend is not None:
            backend.ready.wait(180)  # a world still starting is stopped once it is up, not left behind
            world = cast("LabWorld | None", backend.started)
        if world is not None:
            world.stop()


def _lab_command(argv: Sequence[str]) -> int:
    require_lab()
    from irsa_tui.lab.cli import main as lab_main

    return lab_main(list(argv))


def _completion(argv: Sequence[str]) -> int:
    from irsa_tui.integrations import SHELLS, completion_script

    p = _Parser(prog=f"{PROG} completion", description="Print the shell completion script for irsa-tui.",
                epilog="install: see README 'Shell completion'")
    p.add_argument("shell", choices=SHELLS)
    args = p.parse_args(argv)
    sys.stdout.write(completion_script(args.shell, completion_parser()))
    return 0


def _k9s_plugin(argv: Sequence[str]) -> int:
    from irsa_tui.integrations import k9s_plugin

    p = _Parser(prog=f"{PROG} k9s-plugin", description="Print a k9s plugin (plugins.yaml) that opens irsa-tui "
                "on the pod selected in k9s.")
    p.add_argument("--shortcut", default="Shift-W", help="k9s key (default Shift-W)")
    args = p.parse_args(argv)
    sys.stdout.write(k9s_plugin(args.shortcut))
    return 0
def _explain(argv: Sequence[str]) -> int:
    """``irsa-tui explain``: exit 0 when the text holds a known error shape, 1 when not, 64 on usage."""
    p = _Parser(prog="irsa-tui explain", formatter_class=argparse.RawDescriptionHelpFormatter,
                description="Say what an error text (a message, a stack trace, whole log output) shows: the "
                "credential mechanism, the chain link it implicates, the principal it names, and what to run next.",
                epilog="exit codes: 0 a known error shape was found, 1 none was, 64 usage error.\n"
                "The shapes: docs/errors.md. Nothing is sent anywhere; matched lines are shown redacted.")
    p.add_argument("text", nargs="?", help="the error text; '-' or nothing (with a pipe) reads stdin")
    p.add_argument("--json", action="store_true", help="one JSON object (see README)")
    args = p.parse_args(argv)
    from irsa_tui.explain.engine import MAX_CHARS, explain, render_text

    truncated = False
    if args.text is not None and args.text != "-":
        text = args.text
    elif args.text is None and sys.stdin.isatty():
        raise UsageExit("explain: give the error text as an argument, or pipe it in (irsa-tui explain - < log.txt)")
    else:
        buf = bytearray()
        while chunk := sys.stdin.buffer.read(1 << 20):  # keep the last MAX_CHARS bytes: the latest lines
            buf += chunk
            if len(buf) > 2 * MAX_CHARS:
                truncated = True
                del buf[: len(buf) - MAX_CHARS]
        truncated = truncated or len(buf) > MAX_CHARS
        text = bytes(buf[-MAX_CHARS:]).decode("utf-8", "replace")
    if not text.strip():
        raise UsageExit("explain: the text is empty")
    result = explain(text, truncated=truncated)
    if args.json:
        import json

        sys.stdout.write(json.dumps(result.as_dict(), indent=2) + "\n")
    else:
        sys.stdout.write(render_text(result))
    return EXIT_OK if result.recognised else EXIT_BROKEN
def _mcp(argv: Sequence[str]) -> int:
    """``irsa-tui mcp``: the MCP server over stdio (the SDK is the optional extra irsa-tui[mcp])."""
    p = _Parser(prog="irsa-tui mcp", description="Serve irsa-tui's tools to an AI assistant: an MCP server "
                "over stdio (stdin/stdout carry the protocol; stderr its log).", epilog=EPILOG.split("\n", 2)[2],
                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--context", help="default kube context of every tool (default: current-context of KUBECONFIG)")
    p.add_argument("--timeout", type=_seconds, default=5.0, help="per network call, seconds (default 5)")
    p.add_argument("--deadline", type=_seconds, default=30.0, help="one diagnosis, seconds (default 30)")
    args = p.parse_args(argv)
    try:
        import mcp.server.mcpserver  # noqa: F401  - the SDK is optional
    except ImportError:
        raise UsageExit("mcp needs the MCP SDK, an optional extra: pip install 'irsa-tui[mcp]'") from None
    from irsa_tui.mcp_server.adapter import Problem, resolve_context
    from irsa_tui.mcp_server.server import serve
    from irsa_tui.mcp_server.tools import Settings

    if args.context is not None:
        try:
            resolve_context(args.context)
        except Problem as problem:
            raise UsageExit(problem.message) from None
    return serve(Settings(context=args.context, timeout=args.timeout, deadline=args.deadline))


def _debug(argv: Sequence[str]) -> int:
    p = _Parser(prog=f"{PROG} debug", description="Look inside irsa-tui itself.")
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


# Every subcommand, in one place: name -> (one-line help, runner). ``irsa-tui --help`` lists them,
# an unknown first word close to one of them is an error rather than a pod name.
COMMANDS: dict[str, tuple[str, Callable[[Sequence[str]], int]]] = {
    "check": ("diagnose one pod non-interactively (irsa-tui check --help)", lambda a: _check(a)),
    "scan": ("judge every IRSA / Pod Identity workload of a namespace or cluster (irsa-tui scan --help)",
             lambda a: _scan(a)),
    "lab": ("the local lab world (irsa-tui lab --help; needs the lab extra)", _lab_command),
    "replay": ("open an incident bundle (check --save): TUI, or --text/--json/--markdown", _replay),
    "completion": ("print the completion script: completion bash|zsh|fish", _completion),
    "k9s-plugin": ("print a k9s plugin that opens irsa-tui on the selected pod", _k9s_plugin),
    "explain": ("what an error text or a log says about the chain (irsa-tui explain --help)", _explain),
    "mcp": ("serve the tools to an AI assistant over MCP stdio (irsa-tui mcp --help; irsa-tui[mcp])", _mcp),
    "debug": ("look inside irsa-tui: debug graph [--mermaid] (the fetch-step graph)", _debug),
}

# Parsers of the subcommands for shell completion (a command without one completes its name only).
_COMMAND_PARSERS: dict[str, Callable[[], argparse.ArgumentParser]] = {
    "check": lambda: _check_parser(), "scan": lambda: _scan_parser(), "replay": _replay_parser,
}


def completion_parser() -> argparse.ArgumentParser:
    """One parser with every subcommand under it: what shtab generates completion from."""
    p = _tui_parser(target=False)
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    for name, (text, _) in COMMANDS.items():
        sub.add_parser(name, help=text)
        builder = _COMMAND_PARSERS.get(name)
        if builder is not None:
            sub.choices[name] = builder()
    if "lab" in sub.choices:
        from irsa_tui.lab.cli import _parser as lab_parser

        sub.choices["lab"] = lab_parser()
    import shtab

    for parser in [p, *sub.choices.values()]:
        for action in parser._actions:
            if action.metavar == "FILE":
                action.complete = shtab.FILE  # type: ignore[attr-defined]
    return p


def _unknown_command(target: str | None, namespace: str | None) -> str | None:
    """The message when the TUI's target is a mistyped command rather than a pod.

    ``NS/POD`` and ``POD -n NS`` are pods. A bare word close to a command name is a typo
    (``scna``, ``chekc``); any other bare word is a pod in the context's namespace, as before.
    """
    if not target or "/" in target or namespace:
        return None
    import difflib

    close = difflib.get_close_matches(target, list(COMMANDS), n=1, cutoff=0.6)
    if not close:
        return None
    return (f"unknown command {_quote(target)}; did you mean {close[0]}? "
            f"(commands: {', '.join(COMMANDS)}; a pod is NS/POD, or POD -n NS)")


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        if argv and argv[0] in COMMANDS:
            return COMMANDS[argv[0]][1](argv[1:])
        return _tui(argv)
    except UsageExit as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
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
    if sys.argv[1:2] in (["check"], ["scan"]):
        gc.disable()
    code = main()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe or stream: nothing to flush
            stream.flush()
    gc.freeze()
    return code


def kubectl_console() -> int:
    """The ``kubectl-irsa`` console script: kubectl's plugin discovery runs it for ``kubectl irsa ARGS``
    (same commands and options; kubectl's ``--context``, ``-n``, ``--kubeconfig`` as kubectl means them)."""
    global PROG
    PROG = "kubectl irsa"
    return console()


def kubectl_complete() -> int:
    """The ``kubectl_complete-irsa`` console script: completion of ``kubectl irsa …`` (kubectl >= 1.26)."""
    from irsa_tui.integrations import kubectl_complete as complete

    global PROG
    PROG = "kubectl irsa"
    sys.stdout.write(complete(completion_parser(), sys.argv[1:]))
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(console())
