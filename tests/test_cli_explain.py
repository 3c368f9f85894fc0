"""``irsa-tui explain`` through the real console script: argument, stdin, JSON, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

EXE = str(Path(sys.executable).with_name("irsa-tui"))
GO_V1 = "WebIdentityErr: failed to retrieve credentials\ncaused by: InvalidIdentityToken: Incorrect token audience\n"


def run(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([EXE, "explain", *args], input=stdin, capture_output=True, timeout=60, check=False)


def test_stdin_json_names_the_root_cause_and_every_match() -> None:
    out = run("-", "--json", stdin=GO_V1.encode())
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert (doc["mechanism"], doc["link"], doc["principal"], doc["code"]) == ("irsa", "oidc-provider", None, "ERR-003")
    assert [(m["code"], m["line_number"]) for m in doc["matches"]] == [("ERR-201", 1), ("ERR-003", 2)]
    assert doc["next"][0] == "irsa-tui check <namespace>/<pod>"


def test_argument_text_output_names_the_node_role() -> None:
    text = (
        "User: arn:aws:sts::123456789012:assumed-role/eks-node-group-role/i-0abc123def4567890 is not authorized "
        "to perform: s3:GetObject"
    )
    out = run(text)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.decode().splitlines()
    assert lines[0].split() == ["mechanism", "node-role"]
    assert lines[1].split() == ["link", "injection"]
    assert "identity problem" in out.stdout.decode()


def test_piped_without_dash_reads_stdin() -> None:
    out = run(stdin=b"botocore.exceptions.NoCredentialsError: Unable to locate credentials\n")
    assert out.returncode == 0 and b"mechanism  none" in out.stdout


def test_unknown_text_exits_1_and_says_unknown() -> None:
    out = run("--json", stdin=b"connection reset by peer\n")
    assert out.returncode == 1
    assert json.loads(out.stdout)["mechanism"] == "unknown"


def test_usage_errors_exit_64_with_one_line() -> None:
    for args, stdin in ((["--nope"], b"x"), (["   "], None), (["-"], b"")):
        out = run(*args, stdin=stdin)
        assert out.returncode == 64, (args, out)
        assert out.stderr.decode().count("\n") == 1 and b"Traceback" not in out.stderr


def test_binary_stdin_is_not_a_crash() -> None:
    out = run("-", stdin=bytes(range(256)) * 4000 + b"\nWebIdentityErr: role ARN is not set\n")
    assert out.returncode == 0 and b"ERR-203" in out.stdout
