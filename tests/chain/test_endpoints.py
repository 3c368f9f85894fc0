"""Which STS endpoint the pod's SDK calls (chain/endpoints.py)."""

from __future__ import annotations

import pytest

from irsa_tui.chain.endpoints import sts_endpoint


@pytest.mark.parametrize(
    ("env", "fallback", "kind", "url", "reason_word"),
    [
        pytest.param({"AWS_STS_REGIONAL_ENDPOINTS": "regional", "AWS_REGION": "eu-west-1"}, None, "regional",
                     "https://sts.eu-west-1.amazonaws.com", "regional", id="regional"),
        pytest.param({"AWS_STS_REGIONAL_ENDPOINTS": "regional", "AWS_DEFAULT_REGION": "eu-west-1"}, None,
                     "regional", "https://sts.eu-west-1.amazonaws.com", "AWS_DEFAULT_REGION", id="default-region"),
        pytest.param({"AWS_REGION": "eu-west-1"}, None, "global", "https://sts.amazonaws.com", "unset",
                     id="unset-legacy-region.global"),
        pytest.param({"AWS_STS_REGIONAL_ENDPOINTS": "legacy", "AWS_REGION": "us-east-1"}, None, "global",
                     "https://sts.amazonaws.com", "legacy", id="legacy.global"),
        pytest.param({"AWS_STS_REGIONAL_ENDPOINTS": "legacy", "AWS_REGION": "af-south-1"}, None, "regional",
                     "https://sts.af-south-1.amazonaws.com", "not a legacy-global", id="legacy-newer-region.regional"),
        pytest.param({"AWS_STS_REGIONAL_ENDPOINTS": "regional"}, None, "global", "https://sts.amazonaws.com",
                     "no region", id="regional-without-region.global"),
        pytest.param({"AWS_STS_REGIONAL_ENDPOINTS": "regional"}, "eu-central-1", "regional",
                     "https://sts.eu-central-1.amazonaws.com", "cluster", id="cluster-region-fallback"),
        pytest.param({"AWS_STS_REGIONAL_ENDPOINTS": "Regional ", "AWS_REGION": "cn-north-1"}, None, "regional",
                     "https://sts.cn-north-1.amazonaws.com.cn", "regional", id="china"),
        pytest.param({"AWS_STS_REGIONAL_ENDPOINTS": "yes", "AWS_REGION": "eu-west-1"}, None, "global",
                     "https://sts.amazonaws.com", "not regional/legacy", id="invalid-value.legacy"),
        pytest.param({}, None, "global", "https://sts.amazonaws.com", "no region", id="nothing.global"),
    ],
)
def test_endpoint(env: dict[str, str | None], fallback: str | None, kind: str, url: str, reason_word: str) -> None:
    got = sts_endpoint(env, fallback)
    assert (got.kind, got.url) == (kind, url)
    assert reason_word in got.reason
    assert got.describe().startswith(url)
