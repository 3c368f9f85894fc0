"""A backend that scans from memory (scan.WorkloadRow values), for the scan screen's Pilot and snapshot tests."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from irsa_tui.scan.model import ClusterFinding, OddReplica, ScanReport, WorkloadRow
from irsa_tui.ui.backend import BackendError
from tests.ui.fakes import FakeBackend

ROLE = "arn:aws:iam::123456789012:role/{}"


def fleet_rows() -> list[WorkloadRow]:
    """Eight workloads of a small fleet: healthy ones, each kind of breakage, an idle SA and an orphan."""
    return [
        WorkloadRow("payments", "Deployment", "api", "api", "irsa", "ok", None,
                    "OK: every link passes", ROLE.format("payments-api"), 3,
                    ("api-7d9f8c6b5-x2x4z", "api-7d9f8c6b5-b8k2q", "api-7d9f8c6b5-m4n7p"), "api-7d9f8c6b5-x2x4z"),
        WorkloadRow("payments", "Deployment", "worker", "worker", "irsa", "broken", "injection",
                    "odd replica worker-5c8f7d9b4-q8t2n: the webhook did not mutate this pod", ROLE.format("payments-worker"),
                    3, ("worker-5c8f7d9b4-a1b2c", "worker-5c8f7d9b4-q8t2n", "worker-5c8f7d9b4-z9y8x"),
                    "worker-5c8f7d9b4-a1b2c",
                    odd_replicas=(OddReplica("worker-5c8f7d9b4-q8t2n", "no AWS_ROLE_ARN in container worker", "broken",
                                             "injection", "the webhook did not mutate this pod"),)),
        WorkloadRow("billing", "StatefulSet", "ledger", "ledger", "irsa", "broken", "trust-policy",
                    "trust policy names system:serviceaccount:default:ledger, the token says billing:ledger",
                    ROLE.format("billing-ledger"), 2, ("ledger-0", "ledger-1"), "ledger-0"),
        WorkloadRow("billing", "CronJob", "invoices", "invoices", "irsa", "broken", "service-account",
                    "role billing-invoices does not exist (NoSuchEntity)", ROLE.format("billing-invoices"), 1,
                    ("invoices-29000001-k2j4h",), "invoices-29000001-k2j4h"),
        WorkloadRow("search", "DaemonSet", "indexer", "indexer", "irsa", "ok", None,
                    "OK, 1 warning: trust-policy: StringLike matches every namespace", ROLE.format("search-indexer"), 2,
                    ("indexer-h7q2p", "indexer-w3e4r"), "indexer-h7q2p"),
        WorkloadRow("search", "Deployment", "events", "events", "pod-identity", "ok", None, "OK: every link passes",
                    ROLE.format("search-pod-identity"), 2, ("events-6f7d8-a2b3c", "events-6f7d8-d4e5f"),
                    "events-6f7d8-a2b3c"),
        WorkloadRow("search", "ServiceAccount", "reports", "reports", "irsa", "ok", None,
                    "ServiceAccount with a role and no pod", ROLE.format("search-reports")),
        WorkloadRow("retired", "PodIdentityAssociation", "a-71zk6jch9jwtwtlx0", "api", "pod-identity", "broken",
                    "association", "association for retired/api: namespace retired does not exist",
                    ROLE.format("search-pod-identity")),
    ]


class ScanningBackend(FakeBackend):
    """FakeBackend plus ``scan``: rows one by one; ``gate`` holds the scan after ``hold_after`` rows."""

    def __init__(self, rows: list[WorkloadRow] | None = None, fail: str | None = None, hold_after: int | None = None
                 ) -> None:
        super().__init__()
        self.scan_rows = fleet_rows() if rows is None else rows
        self.fail = fail
        self.hold_after = hold_after
        self.gate = threading.Event()
        self.scans: list[tuple[str | None, tuple[str, ...] | None]] = []

    def scan(self, context: str | None, namespaces: tuple[str, ...] | None, on_row: Callable[[Any], None],
             on_progress: Callable[[int, int], None]) -> ScanReport:
        self.scans.append((context, namespaces))
        if self.fail:
            raise BackendError(self.fail)
        rows = [r for r in self.scan_rows if namespaces is None or r.namespace in namespaces]
        on_progress(0, len(rows))
        for n, row in enumerate(rows, 1):
            if self.hold_after is not None and n > self.hold_after:
                self.gate.wait(10)
            on_row(row)
            on_progress(n, len(rows))
        findings = (ClusterFinding("SA-250", {"role_arn": ROLE.format("billing-invoices"), "role": "billing-invoices",
                                              "count": "1", "service_accounts": "billing/invoices"},
                                   (ROLE.format("billing-invoices"), "billing/CronJob/invoices")),)
        return ScanReport(context=context, cluster="fleet-eks", region="eu-west-1", namespaces=namespaces,
                          live=False, rows=tuple(sorted(rows, key=lambda r: r.key)),
                          findings=findings if namespaces is None else ())
