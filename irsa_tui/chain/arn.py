"""Parsing of IAM role and OIDC provider ARNs (pure).

``parse_role_arn`` never raises: it returns a ``RoleArn`` or an ``ArnProblem`` that
says, in words, what is wrong, so a malformed annotation becomes a finding.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = [
    "PARTITIONS",
    "ArnProblem",
    "RoleArn",
    "issuer_host_path",
    "parse_role_arn",
    "partition_for_region",
    "provider_arn",
]

PARTITIONS = ("aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "aws-eusc")

# Role name: 1-64 chars of [\w+=,.@-]; path: / or /seg/.../ with printable ASCII 0x21-0x7E.
_ROLE_NAME = re.compile(r"^[\w+=,.@-]{1,64}$", re.ASCII)
_PATH_SEG = re.compile(r"^[\x21-\x2e\x30-\x7e]+$")


@dataclass(frozen=True)
class RoleArn:
    partition: str
    account: str
    path: str
    """``/`` or ``/a/b/``."""
    name: str

    def __str__(self) -> str:
        return f"arn:{self.partition}:iam::{self.account}:role{self.path}{self.name}"


@dataclass(frozen=True)
class ArnProblem:
    value: str
    problem: str
    """What is wrong, in words: ``account id must be 12 digits, got '1234'``."""
    hint: str | None = None
    """A likely intended value, when we can guess one."""


def parse_role_arn(value: str) -> RoleArn | ArnProblem:
    """Parse ``arn:PARTITION:iam::ACCOUNT:role/[PATH/]NAME``."""
    if not isinstance(value, str):  # defensive: annotations can come from anywhere
        return ArnProblem(repr(value), "not a string")
    if value == "":
        return ArnProblem(value, "empty")
    stripped = value.strip().strip("\"'").strip()
    if stripped != value:
        inner = parse_role_arn(stripped)
        hint = str(inner) if isinstance(inner, RoleArn) else None
        return ArnProblem(value, "has surrounding whitespace or quotes, which are kept verbatim", hint)
    if "\x00" in value or any(ch.isspace() for ch in value):
        return ArnProblem(value, "contains whitespace or control characters")
    if not value.startswith("arn:"):
        if _ROLE_NAME.match(value):
            return ArnProblem(value, "is a role name, not an ARN", f"arn:aws:iam::<account-id>:role/{value}")
        return ArnProblem(value, "does not start with 'arn:'")
    parts = value.split(":", 5)
    if len(parts) != 6:
        return ArnProblem(value, "must have 6 ':'-separated parts: arn:PARTITION:iam::ACCOUNT:role/NAME")
    _, partition, service, region, account, resource = parts
    if partition not in PARTITIONS:
        return ArnProblem(value, f"unknown partition {partition!r} (expected one of aws, aws-cn, aws-us-gov)")
    if service != "iam":
        return ArnProblem(value, f"service must be 'iam', got {service!r}")
    if region != "":
        return ArnProblem(value, f"IAM ARNs have an empty region field, got {region!r}")
    if not (len(account) == 12 and account.isascii() and account.isdigit()):
        return ArnProblem(value, f"account id must be 12 digits, got {account!r}")
    kind, sep, rest = resource.partition("/")
    if kind != "role" or not sep:
        if kind in ("user", "group", "policy", "instance-profile", "oidc-provider", "saml-provider"):
            return ArnProblem(
                value,
                f"names an IAM {kind}, not a role (':{kind}/' instead of ':role/')",
                f"arn:{partition}:iam::{account}:role/{rest}" if kind in ("user", "instance-profile") else None,
            )
        return ArnProblem(value, "resource must be 'role/NAME'")
    segments = rest.split("/")
    name = segments[-1]
    path_segments = segments[:-1]
    if not _ROLE_NAME.match(name):
        return ArnProblem(value, f"role name {name!r} is not 1-64 characters of letters, digits and +=,.@_-")
    for seg in path_segments:
        if not seg or not _PATH_SEG.match(seg):
            return ArnProblem(value, "role path has an empty or invalid segment")
    path = "/" + "".join(seg + "/" for seg in path_segments)
    if len(path) > 512:
        return ArnProblem(value, "role path longer than 512 characters")
    return RoleArn(partition=partition, account=account, path=path, name=name)


def partition_for_region(region: str) -> str:
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    if region.startswith("us-iso-"):
        return "aws-iso"
    if region.startswith("us-isob-"):
        return "aws-iso-b"
    return "aws"


def issuer_host_path(issuer: str) -> str:
    """``https://oidc.eks.r.amazonaws.com/id/X`` -> ``oidc.eks.r.amazonaws.com/id/X``.

    This is how IAM names the provider and prefixes condition keys.
    """
    value = issuer.strip()
    for scheme in ("https://", "http://"):
        if value.lower().startswith(scheme):
            value = value[len(scheme) :]
            break
    return value.rstrip("/")


def provider_arn(partition: str, account: str, issuer: str) -> str:
    return f"arn:{partition}:iam::{account}:oidc-provider/{issuer_host_path(issuer)}"
