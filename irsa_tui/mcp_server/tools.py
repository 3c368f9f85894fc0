"""The MCP tools: a registry of plain functions, each ``fn(settings, **arguments) -> reply``.

Adding a tool is one function with the ``@tool`` decorator: its docstring is the description
(the guarantees are appended), its annotated parameters become the JSON input schema, and
``output`` (a TypedDict) the output schema. server.py wraps every registered function the same
way: a worker thread, a server-side time limit, and ``Problem`` -> an error object.
The functions know nothing about the SDK; everything they need from irsa-tui is in adapter.py.
"""

from __future__ import annotations

import json
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import Field
from typing_extensions import TypedDict

from irsa_tui.mcp_server import adapter
from irsa_tui.mcp_server.adapter import Problem

__all__ = ["GUARANTEES", "TOOLS", "Reply", "Settings", "ToolSpec", "tool"]


@dataclass(frozen=True)
class Settings:
    """The server's own defaults (``irsa-tui mcp --context C --timeout S --deadline S``)."""

    context: str | None = None
    timeout: float = 5.0
    """Per network call, seconds."""
    deadline: float = 30.0
    """Whole diagnosis, seconds (the engine's deadline)."""


@dataclass(frozen=True)
class Reply:
    """A tool's answer: the JSON text clients show, and the same document as structured content."""

    text: str
    data: dict[str, Any]

    @classmethod
    def of(cls, data: dict[str, Any]) -> Reply:
        return cls(json.dumps(data, indent=2, ensure_ascii=False) + "\n", data)


@dataclass(frozen=True)
class ToolSpec:
    name: str
    title: str
    doc: str
    fn: Callable[..., Reply]
    output: type[Any]
    """A TypedDict: the tool's outputSchema (error objects come with isError and are not held to it)."""
    budget: Callable[[Settings], float]
    """The server-side limit of one call, seconds."""

    def description(self, settings: Settings) -> str:
        return f"{self.doc.strip()}\n\n{GUARANTEES.format(limit=f'{self.budget(settings):g}')}"


GUARANTEES = (
    "Guarantees: read-only - irsa-tui changes nothing in the cluster or the AWS account; its one write is a "
    "Kubernetes TokenRequest (a short-lived service-account token, as the kubelet gets), made only by check "
    "and fix_for with live=true. No token, credential or log line leaves this server: results hold token "
    "claims and a redacted signature, never a token or key. Bounded time: every network call has a timeout, "
    "a diagnosis stops at its deadline (links it could not finish say error), and the server answers within "
    "{limit} s. Bad input (unknown context, pod not found, bad names) returns isError with "
    '{{"error": {{"code": ..., "message": ...}}}} instead of failing.'
)

TOOLS: dict[str, ToolSpec] = {}


def _list_budget(settings: Settings) -> float:
    return settings.timeout * 3 + 5


def _check_budget(settings: Settings) -> float:
    return settings.deadline + 10


def tool(title: str, output: type[Any], budget: Callable[[Settings], float] = _list_budget) -> Callable[
        [Callable[..., Reply]], Callable[..., Reply]]:
    """Register ``fn`` as the MCP tool of its name."""

    def register(fn: Callable[..., Reply]) -> Callable[..., Reply]:
        TOOLS[fn.__name__] = ToolSpec(fn.__name__, title, fn.__doc__ or "", fn, output, budget)
        return fn

    return register


# --- argument types (their descriptions land in the JSON input schema) ------------------------

Context = Annotated[
    str | None,
    Field(description="Kube context name as list_contexts shows it. Default: the server's --context, "
                      "else the current-context of KUBECONFIG."),
]
Namespace = Annotated[str, Field(description="Kubernetes namespace of the pod (a DNS-1123 label).")]
PodName = Annotated[str, Field(description="Pod name, as list_pods shows it.")]
Bucket = Annotated[
    str | None,
    Field(description="S3 bucket to probe with the pod's credentials (ListObjectsV2). Default: the buckets "
                      "named in the role's policies, else ListBuckets."),
]
ObjectKey = Annotated[
    str | None,
    Field(description="With bucket: also GetObject this key (Range bytes=0-0; the byte is never shown)."),
]
Live = Annotated[
    bool,
    Field(description="true: live probes (TokenRequest, STS AssumeRoleWithWebIdentity, S3), as `check`. "
                      "false: static links only, as `check --no-live` (no TokenRequest, STS or S3 call)."),
]


# --- outputs ----------------------------------------------------------------------------------

class ContextRow(TypedDict):
    name: str
    current: bool
    cluster: str
    server: str
    namespace: str | None
    eks_cluster: str | None
    region: str | None


class ContextsOut(TypedDict):
    contexts: list[ContextRow]


class NamespacesOut(TypedDict):
    context: str
    namespaces: list[str]


class PodRow(TypedDict):
    name: str
    service_account: str
    role_arn: str | None
    has_identity: bool
    phase: str | None


class PodsOut(TypedDict):
    context: str
    namespace: str
    filter: str | None
    total: int
    """Pods in the namespace."""
    matched: int
    """Pods the filter kept (``pods`` holds at most ``limit`` of them)."""
    pods: list[PodRow]


class EvidenceDoc(TypedDict):
    label: str
    expected: str | None
    actual: str | None
    ok: bool | None


class FindingDoc(TypedDict):
    code: str
    status: str
    message: str


class LinkDoc(TypedDict):
    id: str
    status: str
    summary: str
    evidence: dict[str, EvidenceDoc]
    explanation: str
    fix: str | None
    findings: list[FindingDoc]
    details: dict[str, Any]


class TargetDoc(TypedDict):
    context: str | None
    cluster: str | None
    region: str | None
    namespace: str
    pod: str


class WarningDoc(TypedDict):
    link: str
    summary: str


class AssociationDoc(TypedDict):
    id: str
    namespace: str
    service_account: str
    role_arn: str | None
    target_role_arn: str | None
    created: str | None


class ContainerMechanismDoc(TypedDict):
    name: str
    mechanism: str
    web_identity: bool
    container_credentials: bool
    why: str


class MechanismDetailDoc(TypedDict):
    """Why ``mechanism``: what the pod uses, what is configured and injected, who wins and why."""

    diagnosed: str
    uses: str
    configured: list[str]
    injected: str
    uniform: bool
    reasons: list[str]
    association: AssociationDoc | None
    containers: list[ContainerMechanismDoc]


class CheckOut(TypedDict):
    """The document of ``irsa-tui check --json`` (README: JSON contract)."""

    schema_version: int
    target: TargetDoc
    mechanism: str
    """How the pod gets AWS credentials: ``irsa``, ``pod-identity`` or ``none`` (its links are ``links``)."""
    mechanism_detail: MechanismDetailDoc | None
    verdict: str
    first_failure: str | None
    verdict_text: str
    """The verdict in words: "OK", "OK, 1 warning: …", "BROKEN at injection (the pod uses …)"."""
    warnings: list[WarningDoc]
    """The links that warn, each with its one-line summary."""
    pod_uses: str | None
    """What the pod's containers really use for credentials, when that is not simply the role."""
    links: list[LinkDoc]
    credentials: dict[str, Any] | None
    """Per container, the credential source each SDK family uses, what it shadows, the identity it yields
    and IMDS reach; the pod's node, its role, and what the pod falls back to (README: JSON contract)."""
    duration_ms: int


class FixRow(TypedDict):
    link: str
    status: str
    codes: list[str]
    commands: str
    for_human_review: bool


class FixOut(TypedDict):
    target: TargetDoc
    verdict: str
    first_failure: str | None
    diagnosed_at: str
    from_earlier_check: bool
    fixes: list[FixRow]
    notice: str


class ExplainMatchDoc(TypedDict):
    code: str
    family: str
    kind: str
    mechanism: str
    link: str | None
    meaning: str
    principal: str | None
    line_number: int
    count: int
    line: str


class ExplainOut(TypedDict):
    """The document of ``irsa-tui explain --json``."""

    mechanism: str
    link: str | None
    principal: str | None
    meaning: str
    next: list[str]
    matches: list[ExplainMatchDoc]
    recognised: bool
    code: str | None
    principal_detail: dict[str, Any] | None
    sdk: list[str]
    truncated: bool


# --- the tools --------------------------------------------------------------------------------

@tool("Kube contexts", ContextsOut)
def list_contexts(settings: Settings) -> Reply:
    """List the kube contexts of the server's KUBECONFIG (what the irsa-tui picker's first pane shows).

    Returns {"contexts": [{"name", "current", "cluster", "server", "namespace", "eks_cluster", "region"}]};
    "current" marks KUBECONFIG's current-context, the default of every other tool's `context`.
    "eks_cluster"/"region" are what irsa-tui derived from the context for its AWS calls. Reads the
    kubeconfig files only (no network)."""
    return Reply.of({"contexts": adapter.list_contexts()})


@tool("Namespaces of a cluster", NamespacesOut)
def list_namespaces(settings: Settings, context: Context = None) -> Reply:
    """List the namespaces of one cluster (Kubernetes LIST namespaces).

    Returns {"context", "namespaces": [name, ...]} sorted by name. When the caller may not list
    namespaces the error object's code is "forbidden" and its message names the missing RBAC verb."""
    ctx = adapter.resolve_context(context or settings.context)
    return Reply.of({"context": ctx, "namespaces": adapter.list_namespaces(ctx, settings.timeout)})


@tool("Pods of a namespace", PodsOut)
def list_pods(
    settings: Settings,
    namespace: Namespace,
    context: Context = None,
    filter: Annotated[  # the argument's public name
        str | None,
        Field(description="Keep pods whose name, ServiceAccount or role ARN contain every word of this "
                          "(case-insensitive)."),
    ] = None,
    limit: Annotated[int, Field(ge=1, le=1000, description="At most this many pods in the answer.")] = 200,
) -> Reply:
    """List the pods of a namespace with their ServiceAccount and the IAM role it names, pods with an
    identity (a role ARN on their ServiceAccount) first, then by name - the order of the irsa-tui picker.

    Returns {"context", "namespace", "filter", "total", "matched", "pods": [{"name", "service_account",
    "role_arn", "has_identity", "phase"}]}. Pick a pod here, then call check with its namespace and name."""
    adapter.validate_target(namespace)
    ctx = adapter.resolve_context(context or settings.context)
    pods = adapter.list_pods(ctx, namespace, settings.timeout)
    words = (filter or "").lower().split()
    kept = [p for p in pods
            if all(w in f"{p['name']} {p['service_account']} {p['role_arn'] or ''}".lower() for w in words)]
    return Reply.of({"context": ctx, "namespace": namespace, "filter": filter, "total": len(pods),
                     "matched": len(kept), "pods": kept[:limit]})


def _diagnose(settings: Settings, namespace: str, pod: str, context: str | None, bucket: str | None,
              object_key: str | None, live: bool) -> tuple[tuple[Any, ...], str, dict[str, Any]]:
    adapter.validate_target(namespace, pod)
    adapter.validate_probe(bucket, object_key)
    ctx = adapter.resolve_context(context or settings.context)
    key = (ctx, namespace, pod, bucket, object_key, live)
    text, doc = adapter.check_document(namespace=namespace, pod=pod, context=ctx, bucket=bucket,
                                       object_key=object_key, live=live, timeout=settings.timeout,
                                       deadline=settings.deadline)
    _RECENT.remember(key, doc)
    return key, text, doc


@tool("Diagnose a pod's IRSA chain", CheckOut, _check_budget)
def check(
    settings: Settings,
    namespace: Namespace,
    pod: PodName,
    context: Context = None,
    bucket: Bucket = None,
    object: ObjectKey = None,  # the argument's public name, as --object
    live: Live = True,
) -> Reply:
    """Diagnose why one pod on Amazon EKS can or cannot reach AWS through IRSA or EKS Pod Identity: detect
    the mechanism, walk every link of its chain (IRSA: service-account, injection, token, oidc-provider,
    trust-policy, sts, s3; Pod Identity: service-account, association, injection, token, agent,
    trust-policy, eks-auth, s3) and judge each.

    Returns exactly the JSON of `irsa-tui check --json` (schema_version 1): {"target", "mechanism"
    ("irsa" | "pod-identity" | "none"), "mechanism_detail" (why: uses, configured, injected, reasons), "verdict"
    ("ok" | "broken" | "incomplete"), "first_failure" (the first failing link id or null), "verdict_text",
    "warnings" ([{"link", "summary"}]), "pod_uses" (what the pod really uses, or null), "links":
    [{"id", "status" (pass|warn|fail|skip|error), "summary", "evidence", "explanation", "fix",
    "findings": [{"code", "status", "message"}], "details"}], "duration_ms"}. Finding codes (e.g.
    SA-201) are stable: read resource irsa-tui://codes/{code} for one. A link's "fix" holds commands for a
    human to review (fix_for returns just those)."""
    _, text, doc = _diagnose(settings, namespace, pod, context, bucket, object, live)
    return Reply(text, doc)


FIX_NOTICE = ("These are commands for a human to review and run. irsa-tui never runs them, and this server "
              "has no tool that changes anything.")


@tool("Fix commands for a link", FixOut, _check_budget)
def fix_for(
    settings: Settings,
    namespace: Namespace,
    pod: PodName,
    link: Annotated[
        str | None,
        Field(description="Link id of the check result (service-account, injection, token, oidc-provider, "
                          "trust-policy, sts, s3). Default: the first failing link, else every link with a fix."),
    ] = None,
    context: Context = None,
    bucket: Bucket = None,
    object: ObjectKey = None,  # the argument's public name, as --object
    live: Live = True,
) -> Reply:
    """The fix of one link of a pod's check result: only the exact commands (or minimal patch), with the
    real names filled in, marked for a human to review. irsa-tui never runs them.

    Uses the result of the last check call with the same arguments when it is under 10 minutes old
    ("from_earlier_check": true), else diagnoses afresh. Returns {"target", "verdict", "first_failure",
    "diagnosed_at", "from_earlier_check", "fixes": [{"link", "status", "codes", "commands",
    "for_human_review": true}], "notice"}; "fixes" is empty when the link needs no fix."""
    adapter.validate_target(namespace, pod)
    adapter.validate_probe(bucket, object)
    key = (adapter.resolve_context(context or settings.context), namespace, pod, bucket, object, live)
    doc = _RECENT.get(key)
    earlier = doc is not None
    if doc is None:
        key, _, doc = _diagnose(settings, namespace, pod, context, bucket, object, live)
    links = {entry["id"]: entry for entry in doc["links"]}
    if link is not None and link not in links:
        raise Problem("unknown-link", f"no link {link[:40]!r} in this check result; its links: {', '.join(links)}")
    if link is not None:
        chosen = [links[link]]
    elif doc["first_failure"]:
        chosen = [links[doc["first_failure"]]]
    else:
        chosen = [entry for entry in doc["links"] if entry["fix"]]
    fixes = [{"link": e["id"], "status": e["status"], "codes": [f["code"] for f in e["findings"]],
              "commands": e["fix"], "for_human_review": True} for e in chosen if e["fix"]]
    return Reply.of({"target": doc["target"], "verdict": doc["verdict"], "first_failure": doc["first_failure"],
                     "diagnosed_at": _RECENT.when(key) or "", "from_earlier_check": earlier, "fixes": fixes,
                     "notice": FIX_NOTICE})


class _Recent:
    """The last check documents, for fix_for (small, bounded, in memory only)."""

    TTL = 600.0
    SIZE = 32

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._items: OrderedDict[tuple[Any, ...], tuple[float, str, dict[str, Any]]] = OrderedDict()

    def remember(self, key: tuple[Any, ...], doc: dict[str, Any]) -> None:
        with self._lock:
            self._items[key] = (time.monotonic(), datetime.now(UTC).isoformat(timespec="seconds"), doc)
            self._items.move_to_end(key)
            while len(self._items) > self.SIZE:
                self._items.popitem(last=False)

    def get(self, key: tuple[Any, ...]) -> dict[str, Any] | None:
        with self._lock:
            item = self._items.get(key)
        return item[2] if item and time.monotonic() - item[0] < self.TTL else None

    def when(self, key: tuple[Any, ...]) -> str | None:
        with self._lock:
            item = self._items.get(key)
        return item[1] if item else None


_RECENT = _Recent()


EXPLAIN_MAX = 1_000_000


def _explain_budget(settings: Settings) -> float:
    return 15.0


@tool("Explain an AWS credential error", ExplainOut, _explain_budget)
def explain(
    settings: Settings,
    text: Annotated[str, Field(min_length=1, max_length=EXPLAIN_MAX,
                               description="The error text: a message, a stack trace or log output (up to 1 MB).")],
) -> Reply:
    """Say what an AWS credential error text shows, as `irsa-tui explain --json`: which mechanism
    ("irsa", "pod-identity", "node-role" when the caller was the node's instance role, "static-keys",
    "none", "unknown"), which link of the chain it implicates, the principal it names and its meaning,
    with the next commands (usually `irsa-tui check NS/POD`, i.e. the check tool).

    Returns {"mechanism", "link", "principal", "meaning", "next", "matches": [{"code", "family", "kind",
    "mechanism", "link", "meaning", "principal", "line_number", "count", "line"}], "recognised", "code",
    "principal_detail", "sdk", "truncated"}; matched lines are redacted (tokens and keys masked). Unknown
    text gives mechanism "unknown" and recognised false, never a guess. No network call."""
    from irsa_tui.explain.engine import explain as run

    return Reply.of(run(text).as_dict())
