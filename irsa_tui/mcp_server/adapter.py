"""The MCP server's one door to the rest of irsa-tui: engine, report, sources, code catalogue.

Everything the tools need from the product goes through these functions, so a change to the
engine's API (Options, ChainResult) is absorbed here. Bad input becomes a ``Problem`` (a
stable code and a one-line message), never an exception the SDK would have to turn into text.
"""

from __future__ import annotations

import json
from typing import Any

__all__ = [
    "Problem",
    "check_document",
    "code_entry",
    "codes_index",
    "list_contexts",
    "list_namespaces",
    "list_pods",
    "resolve_context",
    "validate_target",
]


class Problem(Exception):
    """A request irsa-tui cannot serve as asked: ``code`` is stable, ``message`` one line."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    def to_json(self) -> dict[str, Any]:
        return {"error": {"code": self.code, "message": self.message}}


def resolve_context(name: str | None) -> str:
    """The kube context a call runs in (None: KUBECONFIG's current-context), or a Problem."""
    from irsa_tui.sources.kubeconfig import KubeconfigError, find_context

    try:
        return find_context(name).name
    except KubeconfigError as exc:
        message = str(exc)
        code = "unknown-context" if name is not None and "not found in kubeconfig" in message else "kubeconfig"
        raise Problem(code, message) from None
    except OSError as exc:
        raise Problem("kubeconfig", f"kubeconfig: {exc.strerror or exc}") from None


def validate_target(namespace: str, pod: str | None = None) -> None:
    """Kubernetes name rules, as ``irsa-tui check NS/POD`` applies them."""
    from irsa_tui.cli import UsageExit, parse_target

    try:
        parse_target(f"{namespace}/{pod or 'x'}", None)
    except UsageExit as exc:
        raise Problem("bad-name", str(exc)) from None


def validate_probe(bucket: str | None, object_key: str | None) -> None:
    """``--bucket`` / ``--object`` rules, as the CLI applies them."""
    from irsa_tui.chain.buckets import bucket_name_problem
    from irsa_tui.chain.links.s3 import object_key_problem
    from irsa_tui.options import probe_problem

    if bucket is not None and (problem := bucket_name_problem(bucket)):
        raise Problem("bad-bucket", problem)
    if problem := probe_problem(bucket, object_key):
        raise Problem("object-needs-bucket", problem)
    if object_key is not None and (problem := object_key_problem(object_key)):
        raise Problem("bad-object", problem)


def list_contexts() -> list[dict[str, Any]]:
    from irsa_tui.sources.kubeconfig import KubeconfigError, list_contexts

    try:
        found = list_contexts()
    except KubeconfigError as exc:
        raise Problem("kubeconfig", str(exc)) from None
    except OSError as exc:
        raise Problem("kubeconfig", f"kubeconfig: {exc.strerror or exc}") from None
    return [
        {"name": c.name, "current": c.current, "cluster": c.cluster, "server": c.server, "namespace": c.namespace,
         "eks_cluster": c.eks_cluster, "region": c.region}
        for c in found
    ]


def _source_problem(failure: Any) -> Problem:
    error = failure.error
    return Problem("forbidden" if error.kind == "forbidden" else "source-error", error.one_line())


def list_namespaces(context: str, timeout: float) -> list[str]:
    from irsa_tui.sources.kube import SourceFailure, list_namespaces

    try:
        return list_namespaces(context, timeout)
    except SourceFailure as failure:
        raise _source_problem(failure) from None


def list_pods(context: str, namespace: str, timeout: float) -> list[dict[str, Any]]:
    """The pods of a namespace as the picker shows them: pods with an identity (a role) first."""
    from irsa_tui.sources.kube import SourceFailure, list_pods

    try:
        pods = list_pods(context, namespace, timeout)
    except SourceFailure as failure:
        raise _source_problem(failure) from None
    ordered = sorted(pods, key=lambda p: (p.role_arn is None, p.name))
    return [
        {"name": p.name, "service_account": p.service_account, "role_arn": p.role_arn,
         "has_identity": p.role_arn is not None, "phase": p.phase}
        for p in ordered
    ]


def check_document(
    *,
    namespace: str,
    pod: str,
    context: str,
    bucket: str | None,
    object_key: str | None,
    live: bool,
    timeout: float,
    deadline: float,
) -> tuple[str, dict[str, Any]]:
    """One diagnosis: (the text of ``check --json``, the same document parsed).

    The text is ``report.render_json`` of the engine's result, the very code path of
    ``irsa-tui check --json``; the dict is that text parsed, not a second serialisation.
    """
    from irsa_tui import report
    from irsa_tui.engine import Options, UsageError, diagnose

    try:
        result = diagnose(Options(namespace=namespace, pod=pod, context=context, bucket=bucket,
                                  object_key=object_key, live=live, timeout=timeout, deadline=deadline))
    except UsageError as exc:
        message = str(exc)
        code = "pod-not-found" if message.startswith("pod ") and " not found" in message else "bad-input"
        raise Problem(code, message) from None
    text = report.render_json(result)
    return text, json.loads(text)


def codes_index() -> list[dict[str, str]]:
    """Every finding code, small: code, link, status, title."""
    from irsa_tui.chain.codes import CODES

    return [{"code": c.id, "link": c.link.value, "status": c.status.value, "title": c.title} for c in CODES.values()]


def code_entry(code: str) -> dict[str, Any]:
    """One finding code in full: message and fix templates, why it matters."""
    from irsa_tui.chain.codes import CODES

    spec = CODES.get(code.strip().upper())
    if spec is None:
        raise Problem("unknown-code", f"no finding code {code[:40]!r}; the resource irsa-tui://codes lists them")
    return {"code": spec.id, "link": spec.link.value, "status": spec.status.value, "title": spec.title,
            "message": spec.message, "why": spec.why, "fix": spec.fix}
