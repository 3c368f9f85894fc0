"""What the lab pod's app prints (served as ``pods/log`` by the Kubernetes stand-in).

The app is a Python service (boto3). When its chain is broken it prints what botocore prints for that
failure; the lines are taken from the explain catalogue's shapes (irsa_tui/explain/shapes.py, each
line names the shape it shows). A scenario may give its own lines (``world.logs: {container: [..]}``,
placeholders allowed), for failures whose words depend on more than the link (static keys, a custom
SDK). Sidecars print start-up lines only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from irsa_tui.lab.aws import STS_ERRORS
from irsa_tui.lab.scenario import Scenario

__all__ = ["BY_LINK", "POD_IDENTITY_BY_LINK", "POD_TOKEN", "app_logs", "failing_link", "with_timestamps"]

_START = ["INFO  payments-api 1.42.0 starting (python 3.12, boto3 1.35.0)", "INFO  listening on 0.0.0.0:8080"]
POD_TOKEN = "@@POD_TOKEN@@"
"""Replaced by a real token the stand-in mints when it serves the log (the secrets tests look for it)."""
_CARELESS = [
    # never matched by a shape: irsa-tui must not keep or show them at all
    "DEBUG botocore.endpoint Making request for OperationModel(name=AssumeRoleWithWebIdentity) with params: "
    f"{{'body': {{'Action': 'AssumeRoleWithWebIdentity', 'WebIdentityToken': '{POD_TOKEN}'}}}}",
    "DEBUG env AWS_SECRET_ACCESS_KEY=@@CALLER_SECRET@@",
]
_CLIENT_ERROR = "botocore.exceptions.ClientError: An error occurred ({code}) when calling the {op} operation: {message}"
_ASSUME = "AssumeRoleWithWebIdentity"
NODE_ROLE = "arn:aws:sts::${ACCOUNT}:assumed-role/eks-node-group-role/i-0abc12345def67890"

BY_LINK: dict[str | None, tuple[str, str]] = {
    # link the scenario breaks -> (explain shape code, the line botocore prints)
    None: ("", "INFO  GET /invoices/2024/06/INV-0001.pdf 200 (s3://${BUCKET})"),
    # No role reaches the SDK: it falls back to the node's instance profile (ERR-022 names the node role).
    "service-account": ("ERR-022", _CLIENT_ERROR.format(
        code="AccessDenied", op="ListObjectsV2",
        message=f"User: {NODE_ROLE} is not authorized to perform: s3:ListBucket on resource: "
                '"arn:aws:s3:::${BUCKET}" because no identity-based policy allows the s3:ListBucket action')),
    "token": ("ERR-005", _CLIENT_ERROR.format(
        code="ExpiredTokenException", op=_ASSUME,
        message="Token expired: current date/time 1764630000 must be before the expiration date/time1764629000")),
    "oidc-provider": ("ERR-002", _CLIENT_ERROR.format(
        code="InvalidIdentityToken", op=_ASSUME, message="No OpenIDConnect provider found in your account for ${ISSUER}")),
    "trust-policy": ("ERR-001", _CLIENT_ERROR.format(
        code="AccessDenied", op=_ASSUME, message="Not authorized to perform sts:AssumeRoleWithWebIdentity")),
    "sts": ("ERR-006", _CLIENT_ERROR.format(
        code="IDPCommunicationError", op=_ASSUME, message=STS_ERRORS["IDPCommunicationError"][2])),
    "s3": ("ERR-022", _CLIENT_ERROR.format(
        code="AccessDenied", op="GetObject",
        message="User: arn:aws:sts::${ACCOUNT}:assumed-role/${ROLE_NAME}/botocore-session-1764630000 is not "
                'authorized to perform: s3:GetObject on resource: "arn:aws:s3:::${BUCKET}/2024/06/INV-0001.pdf" '
                "because no identity-based policy allows the s3:GetObject action")),
}
BY_LINK["injection"] = BY_LINK["service-account"]
_AGENT = "http://169.254.170.23/v1/credentials"
_CONTAINER_ROLE = "botocore.exceptions.CredentialRetrievalError: Error when retrieving credentials from container-role: "
# EKS Pod Identity: botocore's container provider talks to the node's agent, which relays EKS Auth.
POD_IDENTITY_BY_LINK: dict[str | None, tuple[str, str]] = {
    **BY_LINK,
    "agent": ("ERR-103", _CONTAINER_ROLE + "Error retrieving metadata: Received error when attempting to retrieve "
              f'container metadata: Connect timeout on endpoint URL: "{_AGENT}"'),
    # The agent answers 400 with EKS Auth's refusal: the words do not say association or eks-auth.
    "association": ("ERR-105", _CONTAINER_ROLE + "Error retrieving metadata: Received non 200 response 400 from "
                    "container metadata"),
    "eks-auth": ("ERR-105", _CONTAINER_ROLE + "Error retrieving metadata: Received non 200 response 400 from "
                 "container metadata"),
    "trust-policy": ("ERR-023", _CONTAINER_ROLE + "Error retrieving metadata: Received non 200 response 400 from "
                     "container metadata: Unauthorized Exception! EKS does not have permissions to assume the "
                     "associated role., fault: client"),
    "token": ("ERR-025", _CONTAINER_ROLE + "Error retrieving metadata: Received non 200 response 400 from container "
              "metadata: [a1b2]: (ExpiredTokenException): The token included in the request is expired: current "
              "date/time 1764630000 must be before the expiration date/time 1764629000"),
    "s3": ("ERR-022", _CLIENT_ERROR.format(
        code="AccessDenied", op="GetObject",
        message="User: arn:aws:sts::${ACCOUNT}:assumed-role/${ROLE_NAME}/eks-${CLUSTER}-api-7d9f8c6b-1b2c3d4e is not "
                'authorized to perform: s3:GetObject on resource: "arn:aws:s3:::${BUCKET}/2024/06/INV-0001.pdf" '
                "because no identity-based policy allows the s3:GetObject action")),
}


def _expand(line: str, names: Mapping[str, str]) -> str:
    for key, value in names.items():
        line = line.replace("${" + key + "}", value)
    return line


def failing_link(scn: Scenario) -> str | None:
    """The link where the scenario's app really fails: its first failure when the chain is broken (a
    scenario that only warns, or that the caller cannot read, has an app that works)."""
    return scn.expect.first_failure if scn.expect.verdict == "broken" else None


def app_logs(breaks: str | None, cfg: Mapping[str, Any], names: Mapping[str, str],
             mechanism: str = "irsa") -> dict[str, list[str]]:
    """Container name -> its log lines (no timestamps), for the scenario's pod."""
    table = POD_IDENTITY_BY_LINK if mechanism == "pod-identity" else BY_LINK
    pod = cfg.get("pod") or {}
    given = cfg.get("logs")
    out: dict[str, list[str]] = {}
    if isinstance(given, Mapping):
        out = {str(name): [_expand(str(line), names) for line in lines or []] for name, lines in given.items()}
    if "app" not in out:
        sts_error = (cfg.get("sts") or {}).get("error")
        if breaks == "sts" and sts_error in STS_ERRORS:
            _, code, message = STS_ERRORS[sts_error]
            error = _CLIENT_ERROR.format(code=code, op=_ASSUME, message=message)
        else:
            error = _expand(table.get(breaks, table[None])[1], names)
        retries = [] if breaks is None else [
            error.replace("botocore.exceptions.ClientError: ", "ERROR retrying: "),
            # a careless app logs the token with the error: kept (matched), so it must come out redacted
            f"ERROR credential refresh with WebIdentityToken={POD_TOKEN} failed: " + error.split(": ", 1)[-1],
        ]
        out["app"] = [*_START, *_CARELESS, error, *retries]
    for sidecar in pod.get("sidecars") or []:
        name = str(sidecar.get("name") or "sidecar")
        out.setdefault(name, [f"INFO  {name} ready"])
    return out


def with_timestamps(lines: list[str], until: dt.datetime) -> list[str]:
    """``timestamps=true``: RFC 3339 with nanoseconds, one line every 20 seconds up to ``until``."""
    start = until - dt.timedelta(seconds=20 * len(lines))
    return [f"{(start + dt.timedelta(seconds=20 * n)).strftime('%Y-%m-%dT%H:%M:%S')}.{n:09d}Z {line}"
            for n, line in enumerate(lines, 1)]
