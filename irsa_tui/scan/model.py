"""What a scan returns: one row per workload (or idle ServiceAccount, or orphan association), the
cluster-wide findings no single-pod check shows, counts and the scan's own errors. Plain data.

The JSON contract (``ScanReport.to_json``) is documented in the README ("scan --json"); a test
validates real output against it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from irsa_tui.chain.model import ChainResult

__all__ = [
    "KINDS",
    "ROW_VERDICTS",
    "ClusterFinding",
    "OddReplica",
    "RowVerdict",
    "ScanOptions",
    "ScanReport",
    "WorkloadRow",
]

RowVerdict = Literal["ok", "broken", "incomplete", "error"]
ROW_VERDICTS: tuple[RowVerdict, ...] = ("ok", "broken", "incomplete", "error")
"""``error``: the target could not be judged at all (its pod vanished, a deadline, a bug)."""

KINDS = ("Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob", "ReplicaSet", "ReplicationController",
         "Pod", "ServiceAccount", "PodIdentityAssociation")
"""Row kinds: the pods' top controller (``Pod``: a bare pod, or an owner irsa-tui does not know);
``ServiceAccount``: a ServiceAccount with a role and no pod; ``PodIdentityAssociation``: an
association whose ServiceAccount or namespace does not exist. Other controller kinds (a CRD
owning pods) appear under their own kind name."""


@dataclass(frozen=True)
class ScanOptions:
    """One scan: where, how far, how fast."""

    context: str | None = None
    namespaces: tuple[str, ...] | None = None
    """Namespaces to scan; None: every namespace (``-A``)."""
    cluster: str | None = None
    region: str | None = None
    live: bool = False
    """Run the live probes too (TokenRequest, STS; S3 only with ``bucket``). Static by default."""
    bucket: str | None = None
    timeout: float = 5.0
    """Per network call, seconds."""
    deadline: float = 120.0
    """Whole scan, seconds: targets not judged by then are ``error`` rows."""
    workers: int = 8
    """Targets diagnosed at once (each target's own fetches run concurrently besides)."""


@dataclass(frozen=True)
class OddReplica:
    """A replica whose identity set-up differs from most of its siblings (e.g. not injected)."""

    pod: str
    differs: str
    """One line: how it differs (``no AWS_ROLE_ARN in container app``)."""
    verdict: RowVerdict
    first_failure: str | None = None
    summary: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"pod": self.pod, "differs": self.differs, "verdict": self.verdict,
                "first_failure": self.first_failure, "summary": self.summary}


@dataclass(frozen=True)
class WorkloadRow:
    """One workload (its pods share an owner and a ServiceAccount), judged on a representative pod."""

    namespace: str
    kind: str
    """``Deployment``, ``StatefulSet``, ``DaemonSet``, ``Job``, ``CronJob``, ``Pod``, ``ServiceAccount``,
    ``PodIdentityAssociation`` (``KINDS``)."""
    name: str
    service_account: str | None
    mechanism: str
    """``irsa``, ``pod-identity`` or ``none`` (configured but nothing injected)."""
    verdict: RowVerdict
    first_failure: str | None = None
    """The first failing link of the row's worst replica group (None when none fails)."""
    summary: str = ""
    """One line: the first failing link's summary, else the verdict text."""
    role_arn: str | None = None
    replicas: int = 0
    """Pods of the workload that were found (0 for an idle ServiceAccount or an orphan association)."""
    pods: tuple[str, ...] = ()
    representative: str | None = None
    """The pod whose chain is ``chain``."""
    odd_replicas: tuple[OddReplica, ...] = ()
    chain: ChainResult | None = None
    codes: tuple[str, ...] = ()
    """Every finding code of the row's chain(s), sorted."""
    error: str | None = None
    """Why the row could not be judged (verdict ``error``)."""

    @property
    def key(self) -> str:
        """``namespace/Kind/name``: unique within a report."""
        return f"{self.namespace}/{self.kind}/{self.name}"

    def to_json(self, chain: bool = True) -> dict[str, Any]:
        doc: dict[str, Any] = {
            "namespace": self.namespace,
            "kind": self.kind,
            "name": self.name,
            "service_account": self.service_account,
            "mechanism": self.mechanism,
            "role_arn": self.role_arn,
            "verdict": self.verdict,
            "first_failure": self.first_failure,
            "summary": self.summary,
            "replicas": self.replicas,
            "pods": list(self.pods),
            "representative": self.representative,
            "odd_replicas": [o.to_json() for o in self.odd_replicas],
            "codes": list(self.codes),
            "error": self.error,
        }
        if chain:
            doc["chain"] = self.chain.to_json() if self.chain is not None else None
        return doc


@dataclass(frozen=True)
class ClusterFinding:
    """A finding about many targets at once (a role's trust, pods to restart), from the code catalogue."""

    code: str
    args: Mapping[str, str] = field(default_factory=dict)
    subjects: tuple[str, ...] = ()
    """What it is about: ``namespace/Kind/name`` rows, ``namespace/pod`` pods, role ARNs, provider ARNs."""

    @property
    def status(self) -> str:
        from irsa_tui.chain.codes import CODES

        return CODES[self.code].status.value

    @property
    def message(self) -> str:
        from irsa_tui.chain.codes import CODES

        spec = CODES[self.code]
        return spec.render(spec.message, self.args)

    @property
    def fix(self) -> str | None:
        from irsa_tui.chain.codes import CODES

        spec = CODES[self.code]
        return spec.render(spec.fix, self.args) if spec.fix else None

    def to_json(self) -> dict[str, Any]:
        return {"code": self.code, "status": self.status, "message": self.message, "subjects": list(self.subjects),
                "fix": self.fix}


@dataclass(frozen=True)
class ScanReport:
    context: str | None
    cluster: str | None
    region: str | None
    namespaces: tuple[str, ...] | None
    """The namespaces scanned; None: all."""
    live: bool
    rows: tuple[WorkloadRow, ...]
    findings: tuple[ClusterFinding, ...] = ()
    errors: tuple[str, ...] = ()
    """One line each: what the scan itself could not read (a namespace's pods, the associations)."""
    duration_ms: int = 0
    stats: Mapping[str, int] = field(default_factory=dict)
    """``calls``: network calls made; ``pods``: pods listed; ``targets``: chains judged; ``roles``: distinct roles."""

    @property
    def counts(self) -> dict[str, int]:
        out: dict[str, int] = dict.fromkeys(ROW_VERDICTS, 0)
        for row in self.rows:
            out[row.verdict] += 1
        return out

    @property
    def verdict(self) -> Literal["ok", "broken", "incomplete"]:
        counts = self.counts
        if counts["broken"]:
            return "broken"
        if counts["incomplete"] or counts["error"] or self.errors:
            return "incomplete"
        return "ok"

    @property
    def exit_code(self) -> int:
        """As ``check``: 0 every row ok, 1 some row broken, 2 some row (or the scan) could not be judged."""
        return {"ok": 0, "broken": 1, "incomplete": 2}[self.verdict]

    def row(self, key: str) -> WorkloadRow:
        for row in self.rows:
            if row.key == key:
                return row
        raise KeyError(key)

    def to_json(self, chains: bool = True) -> dict[str, Any]:
        return {
            "context": self.context,
            "cluster": self.cluster,
            "region": self.region,
            "namespaces": list(self.namespaces) if self.namespaces is not None else None,
            "live": self.live,
            "verdict": self.verdict,
            "counts": self.counts,
            "rows": [r.to_json(chain=chains) for r in self.rows],
            "findings": [f.to_json() for f in self.findings],
            "errors": list(self.errors),
            "duration_ms": self.duration_ms,
            "stats": dict(self.stats),
        }
