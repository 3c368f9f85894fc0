"""Which STS endpoint the pod's SDK calls: regional or global (pure).

Inputs are the container's env (``AWS_STS_REGIONAL_ENDPOINTS``, ``AWS_REGION``,
``AWS_DEFAULT_REGION``) and a fallback region. Rules (irsa-chain.md §6; botocore args.py):

- ``regional`` + a region: ``https://sts.<region>.amazonaws.com``;
- ``legacy`` (or the variable absent, the default of botocore < 1.40, AWS CLI v1 and the other
  SDKs of that generation): the global ``https://sts.amazonaws.com`` for the 16 regions that
  existed before regional STS (``LEGACY_GLOBAL_STS_REGIONS``), the regional endpoint elsewhere;
- no region at all: global.

When the variable is absent, newer SDKs (botocore >= 1.40, Go v2, Java v2, JS v3) use the regional
endpoint instead; the probe takes the legacy answer, so an outage of the global endpoint that
older SDKs in the pod would hit is seen, and says so in ``reason``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

__all__ = ["LEGACY_GLOBAL_STS_REGIONS", "StsEndpoint", "sts_endpoint"]

LEGACY_GLOBAL_STS_REGIONS = frozenset(
    {
        "ap-northeast-1",
        "ap-south-1",
        "ap-southeast-1",
        "ap-southeast-2",
        "aws-global",
        "ca-central-1",
        "eu-central-1",
        "eu-north-1",
        "eu-west-1",
        "eu-west-2",
        "eu-west-3",
        "sa-east-1",
        "us-east-1",
        "us-east-2",
        "us-west-1",
        "us-west-2",
    }
)


@dataclass(frozen=True)
class StsEndpoint:
    kind: Literal["regional", "global"]
    url: str
    region: str
    """The region the SDK's client is made for (us-east-1 for the global endpoint without one)."""
    reason: str
    """One line: why this endpoint, naming the setting that decided it."""

    @property
    def regional(self) -> bool:
        return self.kind == "regional"

    def describe(self) -> str:
        return f"{self.url} ({self.kind}: {self.reason})"


def _suffix(region: str) -> str:
    return "amazonaws.com.cn" if region.startswith("cn-") else "amazonaws.com"


def sts_endpoint(env: Mapping[str, str | None], fallback_region: str | None = None) -> StsEndpoint:
    """The STS endpoint a pod with this env calls for AssumeRoleWithWebIdentity."""
    region = (env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or "").strip()
    origin = "AWS_REGION" if env.get("AWS_REGION") else "AWS_DEFAULT_REGION" if region else ""
    if not region and fallback_region:
        region, origin = fallback_region, "the cluster's region"
    raw = env.get("AWS_STS_REGIONAL_ENDPOINTS")
    setting = (raw or "").strip().lower()
    if not region:
        where = f"AWS_STS_REGIONAL_ENDPOINTS={raw}" if raw else "AWS_STS_REGIONAL_ENDPOINTS unset"
        return StsEndpoint("global", "https://sts.amazonaws.com", "us-east-1", f"no region in the pod, {where}")
    regional_url = f"https://sts.{region}.{_suffix(region)}"
    if setting == "regional":
        return StsEndpoint(
            "regional", regional_url, region, f"AWS_STS_REGIONAL_ENDPOINTS=regional, {origin}={region}"
        )
    if setting == "legacy":
        why = "AWS_STS_REGIONAL_ENDPOINTS=legacy"
    elif setting:
        why = f"AWS_STS_REGIONAL_ENDPOINTS={raw} is not regional/legacy (SDKs fall back to their default: legacy)"
    else:
        why = (
            "AWS_STS_REGIONAL_ENDPOINTS unset: SDKs defaulting to legacy (botocore < 1.40, AWS CLI v1, "
            "Go v1, Java v1, JS v2) use the global endpoint; newer ones the regional"
        )
    if region in LEGACY_GLOBAL_STS_REGIONS:
        return StsEndpoint("global", "https://sts.amazonaws.com", region, f"{why}, {origin}={region}")
    return StsEndpoint(
        "regional", regional_url, region, f"{why}; {region} is not a legacy-global region, so regional"
    )
