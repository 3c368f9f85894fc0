"""irsa-tui versus the manual runbook, in the same lab world and the same minute.

The runbook is what an SRE types to gather the same facts by hand (fetch only, no thinking time):
15 commands, each its own process, one after the other because each needs the previous answer:
the pod, its ServiceAccount, the webhooks, a TokenRequest (kubectl); the cluster, the OIDC
providers, the provider, the role and its policies (aws); the issuer's discovery and JWKS (curl);
AssumeRoleWithWebIdentity with the token, then an S3 list with the credentials (aws).
Needs kubectl, aws (the AWS CLI) and curl on PATH; says which is missing otherwise.

Two lab-specific adjustments (against EKS the runbook would be plain kubectl): kubectl's ``get --raw``
drops the kubeconfig server's path and the lab serves each scenario under ``/clusters/<scenario>``, so
the raw paths carry that prefix; and the lab's API stand-in does not read chunked request bodies, which
``kubectl create token`` sends, so the TokenRequest is one curl with the kubeconfig's bearer token
(curl starts faster than kubectl: this favours the runbook).

Prints the median of each and ``runbook_s=… check_s=… ratio=…``. ``BENCH_LATENCY_MS=50`` has the lab
delay every answer (as a real cluster and AWS are a network away), for both.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

from _lab import lab_process

RUNS = int(os.environ.get("BENCH_RUNS", "5"))
LATENCY_MS = float(os.environ.get("BENCH_LATENCY_MS", "0"))
SCENARIO, NS, POD, SA = "healthy", "payments", "api-7d9f8c6b5-x2x4z", "api"


def _run(argv: list[str], env: dict[str, str]) -> str:
    proc = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=60, check=False)
    if proc.returncode != 0:
        sys.exit(f"runbook step failed: {' '.join(argv[:6])}…: {proc.stderr.strip()[-300:]}")
    return proc.stdout


def _kube(env: dict[str, str], tmp: str) -> dict[str, str]:
    """Server, bearer token and CA file of the scenario's context (what kubectl reads)."""
    import base64

    import yaml

    with open(env["KUBECONFIG"]) as f:
        doc = yaml.safe_load(f)
    ctx = next(c["context"] for c in doc["contexts"] if c["name"] == SCENARIO)
    cluster = next(c["cluster"] for c in doc["clusters"] if c["name"] == ctx["cluster"])
    user = next(u["user"] for u in doc["users"] if u["name"] == ctx["user"])
    ca = os.path.join(tmp, "kube-ca.pem")
    with open(ca, "wb") as f:
        f.write(base64.b64decode(cluster["certificate-authority-data"]))
    return {"server": cluster["server"], "token": user["token"], "ca": ca}


def runbook(env: dict[str, str], cluster: str, tmp: str) -> float:
    """One pass of the manual runbook; returns its wall time."""
    kube = _kube(env, tmp)
    k = ["kubectl", "--context", SCENARIO]
    api = f"/clusters/{SCENARIO}"
    request = os.path.join(tmp, "token-request.json")
    with open(request, "w") as f:
        json.dump({"apiVersion": "authentication.k8s.io/v1", "kind": "TokenRequest",
                   "spec": {"audiences": ["sts.amazonaws.com"], "expirationSeconds": 600}}, f)
    started = time.perf_counter()
    pod = json.loads(_run([*k, "get", "--raw", f"{api}/api/v1/namespaces/{NS}/pods/{POD}"], env))
    sa_name = pod["spec"].get("serviceAccountName") or "default"
    sa = json.loads(_run([*k, "get", "--raw", f"{api}/api/v1/namespaces/{NS}/serviceaccounts/{sa_name}"], env))
    role_arn = sa["metadata"]["annotations"]["eks.amazonaws.com/role-arn"]
    _run([*k, "get", "--raw", f"{api}/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations"], env)
    token = json.loads(_run(["curl", "-sf", "--cacert", kube["ca"], "-H", f"Authorization: Bearer {kube['token']}",
                             "-H", "Content-Type: application/json", "--data-binary", f"@{request}",
                             f"{kube['server']}/api/v1/namespaces/{NS}/serviceaccounts/{sa_name}/token"],
                            env))["status"]["token"]
    described = json.loads(_run(["aws", "eks", "describe-cluster", "--name", cluster], env))
    issuer = described["cluster"]["identity"]["oidc"]["issuer"]
    discovery = json.loads(_run(["curl", "-sf", "--cacert", env["SSL_CERT_FILE"],
                                 f"{issuer}/.well-known/openid-configuration"], env))
    _run(["curl", "-sf", "--cacert", env["SSL_CERT_FILE"], discovery["jwks_uri"]], env)
    providers = json.loads(_run(["aws", "iam", "list-open-id-connect-providers"], env))
    host = issuer.split("://", 1)[1]
    arn = next(p["Arn"] for p in providers["OpenIDConnectProviderList"] if p["Arn"].endswith(host))
    _run(["aws", "iam", "get-open-id-connect-provider", "--open-id-connect-provider-arn", arn], env)
    role = role_arn.rsplit("/", 1)[1]
    _run(["aws", "iam", "get-role", "--role-name", role], env)
    inline = json.loads(_run(["aws", "iam", "list-role-policies", "--role-name", role], env))
    for name in inline["PolicyNames"][:1]:
        policy = json.loads(_run(["aws", "iam", "get-role-policy", "--role-name", role, "--policy-name", name], env))
    attached = json.loads(_run(["aws", "iam", "list-attached-role-policies", "--role-name", role], env))
    text = json.dumps(policy if inline["PolicyNames"] else attached)
    bucket = (re.findall(r"arn:aws:s3:::([a-z0-9.-]+)", text) or ["payments-invoices"])[0]
    creds = json.loads(_run(["aws", "sts", "assume-role-with-web-identity", "--role-arn", role_arn,
                             "--role-session-name", "runbook", "--web-identity-token", token], env))["Credentials"]
    s3_env = {**env, "AWS_ACCESS_KEY_ID": creds["AccessKeyId"], "AWS_SECRET_ACCESS_KEY": creds["SecretAccessKey"],
              "AWS_SESSION_TOKEN": creds["SessionToken"]}
    _run(["aws", "s3", "ls", f"s3://{bucket}"], s3_env)
    return time.perf_counter() - started


def main() -> None:
    missing = [tool for tool in ("kubectl", "aws", "curl") if shutil.which(tool) is None]
    if missing:
        sys.exit(f"bench/runbook.py needs {', '.join(missing)} on PATH")
    exe = os.path.join(os.path.dirname(sys.executable), "irsa-tui")
    with lab_process([SCENARIO], latency_ms=LATENCY_MS) as lab_env, tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, **lab_env}
        check = [exe, "check", f"{NS}/{POD}", "--context", SCENARIO, "--json"]
        doc = json.loads(subprocess.run(check, env=env, capture_output=True, text=True, check=False).stdout)
        cluster = doc["target"]["cluster"]
        runbook(env, cluster, tmp)  # warm the page cache for both, as check is warmed below
        books, checks = [], []
        for _ in range(RUNS):  # interleaved: both see the same machine load
            books.append(runbook(env, cluster, tmp))
            started = time.perf_counter()
            subprocess.run(check, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
            checks.append(time.perf_counter() - started)
    book_s, check_s = statistics.median(books), statistics.median(checks)
    print(f"manual runbook (15 commands)  median {book_s * 1000:7.0f} ms  (runs {', '.join(f'{b:.2f}' for b in books)})")
    print(f"irsa-tui check --json (cold)  median {check_s * 1000:7.0f} ms  (runs {', '.join(f'{c:.2f}' for c in checks)})")
    print(f"runbook_s={book_s:.3f} check_s={check_s:.3f} ratio={book_s / check_s:.1f}  (target >= 10; "
          f"lab latency {LATENCY_MS:g} ms a call)")


if __name__ == "__main__":
    main()
