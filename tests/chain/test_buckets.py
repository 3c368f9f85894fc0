"""The TUI S3 dialog input: bucket, bucket/key or s3://bucket/key (pure parsing)."""

from __future__ import annotations

import pytest

from irsa_tui.chain.buckets import parse_s3_target


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("", (None, None, None), id="empty-means-role-policies"),
        pytest.param("  my-bucket ", ("my-bucket", None, None), id="bucket"),
        pytest.param("my-bucket/", ("my-bucket", None, None), id="bucket-trailing-slash"),
        pytest.param("my-bucket/2024/a.pdf", ("my-bucket", "2024/a.pdf", None), id="bucket-and-key"),
        pytest.param("S3://my-bucket/a b.pdf", ("my-bucket", "a b.pdf", None), id="s3-url"),
    ],
)
def test_parse_s3_target(text: str, expected: tuple[str | None, str | None, str | None]) -> None:
    assert parse_s3_target(text) == expected


@pytest.mark.parametrize("text", ["Bad_Bucket", "s3://ab/x", "my-bucket/a\x00b"])
def test_parse_s3_target_problems(text: str) -> None:
    bucket, key, problem = parse_s3_target(text)
    assert (bucket, key) == (None, None) and problem
