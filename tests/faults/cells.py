"""One cell of the fault matrix: switch a fault on, run ``irsa-tui check --json`` in process, judge.

Shared by ``tests/faults/test_matrix.py`` and ``bench/fault_matrix.py``.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import time
import traceback
from dataclasses import dataclass, field
from typing import Any

from irsa_tui.cli import main
from irsa_tui.lab import faults as faults_mod
from irsa_tui.lab.world import LabWorld

SCENARIO = "healthy"

# The request filter each source's cells use (None: every request to that source).
MATCH: dict[str, str | None] = {
    "kubernetes": None,
    "iam": None,
    "eks": None,  # run with --no-live: without a live token only DescribeCluster names the issuer
    "sts": None,
    "s3": None,
    "oidc-issuer": None,
    "ec2": None,
    "eks-auth": None,
}
# The scenario each source's cells run (healthy unless a source is only reached by another world).
SCENARIO_FOR: dict[str, str] = {"eks-auth": "injection-pod-identity-association",
                                 "ec2": "credentials-no-identity-node-role"}


@dataclass
class Outcome:
    code: int | None
    seconds: float
    doc: dict[str, Any] | None
    stdout: str
    stderr: str
    crash: str | None = None
    statuses: dict[str, str] = field(default_factory=dict)
    summaries: dict[str, str] = field(default_factory=dict)
    baseline: tuple[int | None, dict[str, str]] | None = None
    """(exit code, statuses) of the same scenario without the fault, for sources no link reads."""


def sync_env(world: LabWorld) -> None:
    """Make os.environ match the world's env (faults may add or drop AWS_ENDPOINT_URL_* / AWS_CA_BUNDLE)."""
    for key in ("AWS_CA_BUNDLE", *(faults_mod.endpoint_var(s) for s in faults_mod.AWS_SOURCES)):
        os.environ.pop(key, None)
    os.environ.update(world.env)


def check(world: LabWorld, *extra: str, scenario: str = SCENARIO, timeout: float = 1.0) -> Outcome:
    ns, pod = world.target(scenario)
    out, err = io.StringIO(), io.StringIO()
    crash = None
    code: int | None = None
    started = time.perf_counter()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(
                [
                    "check",
                    f"{ns}/{pod}",
                    "--context",
                    scenario,
                    "--json",
                    "--timeout",
                    f"{timeout:g}",
                    "--deadline",
                    f"{max(6.0, timeout * 6):g}",
                    *extra,
                ]
            )
        except BaseException:  # a crash is a finding of this matrix, not of pytest
            crash = traceback.format_exc()
    seconds = time.perf_counter() - started
    doc = None
    with contextlib.suppress(ValueError):
        doc = json.loads(out.getvalue()) if out.getvalue().strip() else None
    outcome = Outcome(code, seconds, doc, out.getvalue(), err.getvalue(), crash)
    for link in (doc or {}).get("links") or []:
        outcome.statuses[link["id"]] = link["status"]
        outcome.summaries[link["id"]] = link["summary"]
    return outcome


def run_cell(world: LabWorld, source: str, kind: str, timeout: float = 1.0) -> Outcome:
    scenario = SCENARIO_FOR.get(source, SCENARIO)
    baseline = None
    if source in UNLINKED:
        clean = check(world, timeout=5.0, scenario=scenario)
        baseline = (clean.code, clean.statuses)
    world.set_faults([faults_mod.Fault(source, kind, MATCH[source])])
    sync_env(world)
    try:
        outcome = check(world, *(("--no-live",) if source == "eks" else ()), timeout=timeout, scenario=scenario)
    finally:
        world.set_faults([])
        sync_env(world)
    outcome.baseline = baseline
    return outcome


# The links a source's fault must turn to error (or fail, below), and those that must still pass.
AFFECTED: dict[str, tuple[str, ...]] = {
    "kubernetes": ("service-account", "injection"),
    "iam": ("oidc-provider", "trust-policy"),
    "eks": ("oidc-provider",),
    "sts": ("sts",),
    "s3": ("s3",),
    "oidc-issuer": ("oidc-provider",),
    # EC2 feeds only the credentials section (the node's instance: IMDS options, instance profile)
    "ec2": (),
    "eks-auth": ("eks-auth",),
}
# Sources no link of the cell's scenario reads: every link and the exit code as without the fault, and
# the JSON section that reads the source names it and the fault (``section_names``).
UNLINKED = {"ec2"}
STILL_PASS: dict[str, tuple[str, ...]] = {
    "kubernetes": ("oidc-provider",),
    "iam": ("injection", "token", "sts"),
    "eks": ("service-account", "injection"),
    "sts": ("service-account", "injection", "token", "oidc-provider", "trust-policy"),
    "s3": ("service-account", "injection", "token", "oidc-provider", "trust-policy", "sts"),
    "oidc-issuer": ("service-account", "injection", "token", "trust-policy"),
    "ec2": (),
    "eks-auth": ("service-account", "association", "injection", "token", "agent", "trust-policy"),
}
# Cells where the fault IS the finding: {(source, kind): {link: "fail"}}; exit code 1.
FINDING: dict[tuple[str, str], dict[str, str]] = {
    ("iam", "404"): {"service-account": "fail"},  # NoSuchEntity on GetRole: the role does not exist
    # AccessDenied is STS's verdict on the trust policy: live over static fails trust-policy too.
    ("sts", "403"): {"sts": "fail", "trust-policy": "fail"},
    # Throttling / InternalFailure / ServiceUnavailable answered by STS to the pod's own call: findings.
    ("sts", "429"): {"sts": "fail"},
    ("sts", "500"): {"sts": "fail"},
    ("sts", "503"): {"sts": "fail"},
    # ResourceNotFoundException is EKS Auth's verdict on the pod's token: no association for it.
    ("eks-auth", "404"): {"eks-auth": "fail"},
    ("s3", "401"): {"s3": "fail"},
    ("s3", "403"): {"s3": "fail"},
    ("s3", "404"): {"s3": "fail"},  # NoSuchBucket
    # The issuer answered, and what it served is what STS would get: no usable discovery document.
    ("oidc-issuer", "404"): {"oidc-provider": "fail"},
    ("oidc-issuer", "500"): {"oidc-provider": "fail"},
    ("oidc-issuer", "503"): {"oidc-provider": "fail"},
    ("oidc-issuer", "garbage"): {"oidc-provider": "fail"},
}
# Links a live STS success settles when the fault only hides what the caller could read (chain/reconcile.py):
# they pass, and their summary names what could not be read; exit 0 unless something else fails.
SETTLED: dict[str, tuple[str, ...]] = {
    "iam": ("oidc-provider", "trust-policy"),
    "oidc-issuer": ("oidc-provider",),
}
# DescribeCluster 404 for a name guessed from the context: the API server's discovery document gives the
# issuer (a cluster without EKS, or in another account), so the link passes and its evidence names the 404.
APISERVER_FALLBACK = {("eks", "404")}
# A 404 on the pod itself is "pod not found": a usage answer (exit 64, one line on stderr).
USAGE = {("kubernetes", "404")}
FAULT_WORDS: dict[str, tuple[str, ...]] = {
    "refused": ("cannot connect", "refused"),
    "hang": ("timed out",),
    "tls": ("TLS failure",),
    "tls-ca": ("TLS failure",),
    "401": ("401", "InvalidClientTokenId", "UnrecognizedClientException", "InvalidAccessKeyId", "AuthFailure"),
    "403": ("403", "AccessDenied", "not authorized", "no identity-based policy"),
    "404": ("404", "NoSuchEntity", "NotFound", "UnknownOperation", "does not exist"),
    "429": ("429", "Throttling", "SlowDown", "TooManyRequests", "RequestLimitExceeded"),
    "500": ("500", "InternalError", "ServiceFailure", "InternalFailure", "ServerException"),
    "503": ("503", "ServiceUnavailable", "Unavailable"),
    "garbage": ("not what the API promised", "not JSON"),
}
SOURCE_WORDS: dict[str, tuple[str, ...]] = {
    "kubernetes": ("kubernetes:",),
    # "iam GetRole …" names its source once ("iam: iam GetRole …" said it twice, issue 17 #9)
    "iam": ("iam:", "iam ", "role "),
    "eks": ("eks:", "eks "),
    "sts": ("sts:", "sts ", "STS"),
    "s3": ("s3:", "s3 ", "S3", "bucket"),
    "oidc-issuer": ("oidc-issuer:", "issuer"),
    "ec2": ("ec2 ", "ec2:"),
    "eks-auth": ("eks-auth ", "eks-auth:", "EKS Auth"),
}


def section_names(source: str, outcome: Outcome) -> list[str]:
    """The lines of the JSON sections (not links) that read ``source``: the credentials node's ``unknown``."""
    if source == "ec2":
        node = ((outcome.doc or {}).get("credentials") or {}).get("node") or {}
        return list(node.get("unknown") or [])
    return []


def time_bound(kind: str, timeout: float) -> float:
    """Wall-time bound of a cell: hangs cost a few per-call timeouts (dependent calls), nothing else does."""
    return timeout * 4 + 2.5 if kind == "hang" else 4.0


def judge_cell(source: str, kind: str, outcome: Outcome, timeout: float = 1.0, timing: bool = True) -> list[str]:
    """Everything wrong with one cell's outcome (empty: the cell passes).

    ``timing``: also hold the cell to its wall-time bound (bench/fault_matrix.py does; the gating
    pytest matrix does not, as a loaded machine must not fail it).
    """
    problems: list[str] = []
    if outcome.crash or "Traceback" in outcome.stderr:
        return [f"crashed: {(outcome.crash or outcome.stderr).strip().splitlines()[-1]}"]
    if timing and outcome.seconds > time_bound(kind, timeout):
        problems.append(f"took {outcome.seconds:.1f}s (bound {time_bound(kind, timeout):.1f}s)")
    if (source, kind) in USAGE:
        lines = outcome.stderr.strip().splitlines()
        if outcome.code != 64 or len(lines) != 1 or "not found" not in lines[0]:
            problems.append(
                f"expected exit 64 and one 'not found' line, got {outcome.code}: {outcome.stderr!r}"
            )
        return problems
    if outcome.doc is None:
        return [*problems, f"no JSON on stdout (exit {outcome.code}, stderr {outcome.stderr.strip()!r})"]
    if (source, kind) in APISERVER_FALLBACK:
        if outcome.code != 0 or outcome.statuses.get("oidc-provider") != "pass":
            problems.append(f"exit {outcome.code}, oidc-provider {outcome.statuses.get('oidc-provider')}: "
                            "expected the API server's issuer to stand in (exit 0, pass)")
        if "DescribeCluster" not in json.dumps(outcome.doc) or not any(w in json.dumps(outcome.doc)
                                                                       for w in FAULT_WORDS[kind]):
            problems.append("the oidc-provider evidence does not name the DescribeCluster 404")
        return problems
    if source in UNLINKED:
        return problems + _judge_unlinked(source, kind, outcome)
    finding = FINDING.get((source, kind), {})
    settled = () if finding else SETTLED.get(source, ())
    want_code = 1 if finding else 0 if settled else 2
    if outcome.code != want_code:
        problems.append(f"exit {outcome.code}, expected {want_code}")
    for link in AFFECTED[source]:
        status = outcome.statuses.get(link)
        want = finding.get(link, "pass" if link in settled else "error")
        if (link in finding or not finding) and status != want:
            problems.append(f"{link} is {status}, expected {want}")
    for link, want in finding.items():
        if outcome.statuses.get(link) != want:
            problems.append(f"{link} is {outcome.statuses.get(link)}, expected {want}")
    named = [
        outcome.summaries[link]
        for link in (*AFFECTED[source], *finding)
        if outcome.statuses.get(link) in ("error", "fail") or link in settled
    ]
    if not any(
        any(w in s for w in SOURCE_WORDS[source]) and any(w in s for w in FAULT_WORDS[kind]) for s in named
    ):
        problems.append(f"no summary names {source} and the fault {kind}: {named}")
    for summary in outcome.summaries.values():
        if "\n" in summary:
            problems.append(f"multi-line summary: {summary!r}")
    for link in STILL_PASS[source]:
        if link not in finding and outcome.statuses.get(link) not in ("pass", "warn"):
            problems.append(f"{link} is {outcome.statuses.get(link)}: it does not depend on {source}")
    return problems


def _judge_unlinked(source: str, kind: str, outcome: Outcome) -> list[str]:
    problems: list[str] = []
    code, statuses = outcome.baseline or (None, {})
    if (outcome.code, outcome.statuses) != (code, statuses):
        problems.append(f"exit {outcome.code} {outcome.statuses}, expected exit {code} {statuses} as without "
                        f"the fault: no link reads {source}")
    lines = section_names(source, outcome)
    if source == "ec2" and not any(
        any(w in s for w in SOURCE_WORDS[source]) and any(w in s for w in FAULT_WORDS[kind]) for s in lines
    ):
        problems.append(f"the credentials section does not name {source} and the fault {kind}: {lines}")
    return problems
