"""Target parsing and usage errors: one line, exit 64, never a traceback."""

from __future__ import annotations

import pytest

from irsa_tui.cli import EXIT_USAGE, UsageExit, main, parse_target


@pytest.mark.parametrize(
    ("value", "namespace", "expected"),
    [
        ("payments/api-7d9f", None, ("payments", "api-7d9f")),
        ("api-7d9f", "payments", ("payments", "api-7d9f")),
        ("pod/api-7d9f", "payments", ("payments", "api-7d9f")),
        ("payments/api-7d9f", "payments", ("payments", "api-7d9f")),
    ],
)
def test_parse_target_ok(value: str, namespace: str | None, expected: tuple[str, str]) -> None:
    assert parse_target(value, namespace) == expected


@pytest.mark.parametrize(
    ("value", "namespace", "message"),
    [
        ("api", None, "no namespace"),
        ("payments/API", None, "not a valid Kubernetes name"),
        ("payments/", None, "not a valid Kubernetes name"),
        ("a/b", "c", "names namespace 'a' but -n says 'c'"),
        ("pay ments/api", None, "not a valid Kubernetes name"),
        ("payments/api\x00", None, "not a valid Kubernetes name"),
        (None, None, "no pod given"),
    ],
)
def test_parse_target_rejects(value: str | None, namespace: str | None, message: str) -> None:
    with pytest.raises(UsageExit, match=message):
        parse_target(value, namespace)


def test_usage_errors_exit_64_with_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path, monkeypatch
) -> None:
    monkeypatch.setenv("KUBECONFIG", str(tmp_path / "none"))
    assert main(["check", "--bogus"]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert err.startswith("irsa-tui: ") and "Traceback" not in err
    assert main(["check", "payments/api", "--context", "nope"]) == EXIT_USAGE
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "no kubeconfig found" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--timeout", "-1"], "between 0 and 3600"),
        (["--timeout", "0"], "between 0 and 3600"),
        (["--timeout", "nan"], "between 0 and 3600"),
        (["--deadline", "abc"], "is not a number of seconds"),
        (["--bucket", "Bad Bucket!"], "is not an S3 bucket name"),
        (["--bucket", "a..b"], "is not an S3 bucket name"),
    ],
)
def test_bad_numbers_and_buckets_are_usage_errors(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", "payments/api", *args]) == EXIT_USAGE
    err = capsys.readouterr().err.strip()
    assert message in err and len(err.splitlines()) == 1 and "Traceback" not in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--object", "2024/06/INV-0001.pdf"], "--object needs --bucket"),
        (["--bucket", "payments-invoices", "--object", ""], "cannot be empty"),
        (["--bucket", "payments-invoices", "--object", "a\x07b"], "control characters"),
        (["--bucket", "payments-invoices", "--object", "k" * 1025], "at most 1024 bytes"),
    ],
)
def test_object_without_bucket_or_bad_key_is_a_usage_error(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", "payments/api", *args]) == EXIT_USAGE
    captured = capsys.readouterr()
    err = captured.err.strip()
    assert message in err and len(err.splitlines()) == 1 and "Traceback" not in err
    assert captured.out == ""


def test_engine_refuses_object_without_bucket() -> None:
    from irsa_tui.engine import Options, UsageError, diagnose

    with pytest.raises(UsageError, match="--object needs --bucket"):
        diagnose(Options(namespace="payments", pod="api", object_key="k"))


@pytest.mark.parametrize(
    ("value", "namespace", "context_ns", "expected"),
    [
        ("accounts-prod/api-1", None, "payments", ("accounts-prod", "api-1")),  # NS/POD wins over the context
        ("api-1", None, "payments", ("payments", "api-1")),  # the context's namespace is the default
        ("api-1", "orders", "payments", ("orders", "api-1")),  # -n wins over the context
    ],
)
def test_the_context_namespace_is_only_a_default(
    value: str, namespace: str | None, context_ns: str, expected: tuple[str, str]
) -> None:
    assert parse_target(value, namespace, context_ns) == expected
