"""Static ``irsa-tui scan -A`` of the generated fleet world with 20 ms per API call (issue 12 item 8).

The fleet (lab/fleet.py: 100 namespaces, 5,000 ServiceAccounts, 2,000 pods, 500 roles) runs in this
process with ``--latency-ms``-style delay on every request its servers answer; the scan runs as the real
CLI in a child process, so its peak RSS is its own (``wait4``). The lab records every request, so the
floor is computed from what the scan really asked:

* listing: LIST pages are sequential per resource (``continue`` tokens), the Pod Identity associations'
  pages too, then their Describe calls 8 at a time; the longest of those chains;
* roles: GetRole for every distinct role, prefetched ``PREFETCH_WORKERS`` (16) at a time;
* judging: every other call (the cluster's facts, nodes) at the scan's concurrency (``--workers``)
  at best: ``ceil(calls / workers)`` round trips.

floor = (listing + roles + judging round trips) x latency. Prints a table, then the last line
``wall_ms=… floor_ms=… ratio=… rss_mb=…``. Targets on a 2-core machine: under 10 s, under 300 MB.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import time
from collections import Counter
from urllib.parse import parse_qs, urlsplit

LATENCY_MS = 20.0
WORKERS = 8
TARGET_S = 10.0
TARGET_MB = 300.0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--latency-ms", type=float, default=LATENCY_MS)
    ap.add_argument("--workers", type=int, default=WORKERS)
    args = ap.parse_args()

    from irsa_tui.lab._server import set_latency
    from irsa_tui.lab.world import LabWorld

    t0 = time.perf_counter()
    world = LabWorld.start(["fleet"])
    started = time.perf_counter() - t0
    try:
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_") and k != "KUBECONFIG"}
        env.update(world.env)
        cmd = [sys.executable, "-m", "irsa_tui", "scan", "--context", "fleet", "-A", "--json",
               "--workers", str(args.workers)]
        kube_before = len(world.requests("fleet"))
        aws_before = len(world.aws_requests())
        set_latency(args.latency_ms)
        t1 = time.perf_counter()
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        out, err = proc.communicate(timeout=600)
        wall = time.perf_counter() - t1
        set_latency(0)
        # communicate() reaped the child: its rusage is in RUSAGE_CHILDREN (the only child we ran)
        import resource

        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        rss_mb = usage.ru_maxrss / 1024
        cpu_s = usage.ru_utime + usage.ru_stime
        kube = world.requests("fleet")[kube_before:]
        aws = world.aws_requests()[aws_before:]
    finally:
        world.stop()
    if proc.returncode not in (0, 1, 2):
        sys.stderr.write(err.decode(errors="replace")[-2000:])
        print(f"scan failed: exit {proc.returncode}")
        return 1
    doc = json.loads(out)

    pages: Counter[str] = Counter()
    for method, path in kube:
        url = urlsplit(path)
        if method == "GET" and ("limit" in parse_qs(url.query) or "continue" in parse_qs(url.query)):
            pages[url.path] += 1
    actions = Counter(a[1] for a in aws)
    # the listing phase: each LIST's pages one after the other; the associations' pages, then their
    # Describe calls DESCRIBE_WORKERS at a time (sources/pod_identity.py)
    from irsa_tui.sources.pod_identity import DESCRIBE_WORKERS

    assoc = actions["ListPodIdentityAssociations"] + math.ceil(
        actions["DescribePodIdentityAssociation"] / DESCRIBE_WORKERS)
    listing = max(max(pages.values(), default=0), assoc)
    listed = sum(pages.values()) + actions["ListPodIdentityAssociations"] + actions["DescribePodIdentityAssociation"]
    # roles are prefetched PREFETCH_WORKERS at a time (scan/run.py) when the scan has that phase
    try:
        from irsa_tui.scan.run import PREFETCH_WORKERS
    except ImportError:
        PREFETCH_WORKERS = args.workers
    roles = actions["GetRole"]
    other = len(kube) + len(aws) - listed - roles
    depth = (listing + math.ceil(roles / max(args.workers, PREFETCH_WORKERS))
             + math.ceil(other / max(1, args.workers)))
    floor_ms = depth * args.latency_ms
    wall_ms = wall * 1000
    print(f"fleet world: started in {started:.2f}s (latency then {args.latency_ms:g} ms per request)")
    print(f"scan: {len(doc['rows'])} rows {doc['counts']}, {len(doc['findings'])} findings, exit {proc.returncode}")
    print(f"requests: kubernetes {len(kube)} (LIST pages {dict(pages)}), AWS {len(aws)} {dict(actions.most_common(6))}")
    print(f"floor: listing {listing} round trips (longest LIST page chain {max(pages.values(), default=0)}, "
          f"associations {assoc}) + {roles} GetRole {max(args.workers, PREFETCH_WORKERS)} at a time "
          f"+ ceil({other} other calls / {args.workers} workers) = {depth} x {args.latency_ms:g} ms")
    print(f"scan process: {cpu_s:.1f} s CPU; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores "
          "(wall grows with the other processes' load)")
    ok = wall < TARGET_S and rss_mb < TARGET_MB
    print(f"target: under {TARGET_S:g} s and {TARGET_MB:g} MB: {'met' if ok else 'NOT met'}")
    print(f"wall_ms={wall_ms:.0f} floor_ms={floor_ms:.0f} ratio={wall_ms / max(1.0, floor_ms):.2f} rss_mb={rss_mb:.0f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
