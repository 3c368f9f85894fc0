"""The principal an error text names, parsed from its ARNs (pure).

``assumed-role/<role>/<session>``: the session name says who made the session —
``botocore-session-<epoch>`` botocore's web identity default (IRSA, irsa-chain.md §6),
``eks-<cluster>-<pod>-<uuid>`` EKS Pod Identity (EKS Auth AssumedRoleUser, pod-identity.md §1.5),
``i-<hex>`` an EC2 instance profile, i.e. the node role via IMDS (pod-identity.md §3.3).
``:user/<name>``: an IAM user, i.e. long-term (static) access keys.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

__all__ = ["Principal", "caller", "parse", "role_arns"]

SessionKind = Literal["node-instance", "botocore", "pod-identity", "other"]

# Accounts are sometimes redacted in pasted texts (xxx, ***, <account>): accept any non-separator.
_ARN = re.compile(
    r"arn:(aws[a-z-]*):(sts|iam)::([^:\s\"'<>]{0,40}):"
    r"((?:assumed-role|role|user)/[^\s\"'<>,;()\[\]{}]+)"
)
_CALLER = re.compile(r"User: (arn:aws[a-z-]*:(?:sts|iam)::[^\s]+?)\s+is not authorized", re.IGNORECASE)
_INSTANCE = re.compile(r"^i-[0-9a-f]{8,17}$")
_BOTOCORE = re.compile(r"^botocore-session-\d+$")
_POD_IDENTITY = re.compile(r"^eks-.+-[0-9a-f]{4,}")


@dataclass(frozen=True)
class Principal:
    arn: str
    type: Literal["assumed-role", "role", "user"]
    account: str
    name: str
    """Role or user name (the last path segment)."""
    session: str | None = None
    session_kind: SessionKind | None = None

    @property
    def mechanism(self) -> str:
        """The credential mechanism this principal shows, or ``unknown``."""
        if self.type == "user":
            return "static-keys"
        return {
            "node-instance": "node-role",
            "botocore": "irsa",
            "pod-identity": "pod-identity",
        }.get(self.session_kind or "", "unknown")

    def as_dict(self) -> dict[str, str | None]:
        return {
            "arn": self.arn,
            "type": self.type,
            "account": self.account,
            "name": self.name,
            "session": self.session,
            "session_kind": self.session_kind,
        }


def _session_kind(session: str) -> SessionKind:
    if _INSTANCE.match(session):
        return "node-instance"
    if _BOTOCORE.match(session):
        return "botocore"
    if _POD_IDENTITY.match(session):
        return "pod-identity"
    return "other"


def parse(text: str) -> Principal | None:
    """The first ARN in ``text`` as a principal, or None."""
    match = _ARN.search(text)
    if match is None:
        return None
    partition, _service, account, resource = match.groups()
    resource = resource.rstrip(".:")
    kind, _, rest = resource.partition("/")
    arn = f"arn:{partition}:{_service}::{account}:{resource}"
    if kind == "assumed-role":
        role, _, session = rest.partition("/")
        if not session:
            return Principal(arn, "role", account, role)
        return Principal(arn, "assumed-role", account, role, session, _session_kind(session))
    name = rest.rsplit("/", 1)[-1]
    return Principal(arn, "user" if kind == "user" else "role", account, name)


def caller(text: str) -> Principal | None:
    """The caller of an AccessDenied (``User: ARN is not authorized…``), else the first ARN."""
    match = _CALLER.search(text)
    if match is not None:
        found = parse(match.group(1))
        if found is not None:
            return found
    return parse(text)


def role_arns(text: str) -> list[str]:
    """Role ARNs (``arn:…:iam::…:role/…``) named in ``text``."""
    return [
        f"arn:{m.group(1)}:iam::{m.group(3)}:{m.group(4).rstrip('.:')}"
        for m in _ARN.finditer(text)
        if m.group(2) == "iam" and m.group(4).startswith("role/")
    ]
