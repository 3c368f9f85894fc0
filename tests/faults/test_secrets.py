"""No secret is ever shown: every lab scenario through text, Markdown, JSON and --debug output, with the
app's log (--logs: the lab app prints a projected token and a secret key) and CloudTrail (--cloudtrail),
searched for the lab's real tokens, signatures and credentials; nothing written to env or disk."""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

import pytest

from irsa_tui.lab.scenario import scenarios
from irsa_tui.lab.world import CALLER_SECRET, LabWorld
from irsa_tui.redact import redact
from tests.faults.cells import check

pytestmark = pytest.mark.integration


def _secrets(world: LabWorld) -> list[str]:
    found = [CALLER_SECRET]
    for token in world.minted_tokens():
        found.append(token)
        found.append(token.rsplit(".", 1)[-1])  # the signature alone
    for _akid, secret, session in world.issued_credentials():
        found += [secret, session]
    return found


@pytest.mark.parametrize("scenario", [s.name for s in scenarios()])
def test_no_secret_in_any_output(world: LabWorld, scenario: str, tmp_path: Path) -> None:
    outputs: list[str] = []
    own = world.check_args(scenario)  # e.g. --bucket/--object: the GetObject path is searched too
    own = [*own, "--logs", "--cloudtrail"]  # the app's log lines and CloudTrail's events are searched too
    minted_before = len(world.minted_tokens())
    bundle = tmp_path / "bundle.json"  # the incident bundle (facts + result) is searched too
    outcome = check(world, "--debug", *own, "--save", str(bundle), scenario=scenario, timeout=3)  # JSON
    assert outcome.doc is not None and not outcome.crash
    saved = bundle.read_text(encoding="utf-8")
    assert '"facts": {' in saved and '"result": {' in saved  # the bundle really holds the facts
    keys = {key for link in outcome.doc["links"] for key in link["evidence"]}
    assert any(k.startswith("app-log") for k in keys)  # the log was really read
    no_role = outcome.statuses.get("service-account") in ("fail", "error")
    # and CloudTrail, whenever there is an IRSA role to look up (Pod Identity's events are not read yet)
    assert "cloudtrail" in keys or no_role or outcome.doc.get("mechanism") != "irsa"
    assert len(world.minted_tokens()) > minted_before  # the log served held a freshly minted token
    outputs += [outcome.stdout, outcome.stderr, saved]
    # Text and Markdown renderings too (check() always passes --json; run the others directly).
    from contextlib import redirect_stderr, redirect_stdout
    from io import StringIO

    from irsa_tui.cli import main

    ns, pod = world.target(scenario)
    for fmt in (["--markdown"], ["-v"]):
        out, err = StringIO(), StringIO()
        with redirect_stdout(out), redirect_stderr(err):
            main(["check", f"{ns}/{pod}", "--context", scenario, "--timeout", "3", *own, *fmt])
        outputs += [out.getvalue(), err.getvalue()]
    text = "\n".join(outputs)
    assert "DEBUG" in text  # the debug log really ran
    if "--object" in own:
        assert "GetObject" in text  # the object probe really ran
    bucket = world.configs[scenario].get("bucket") or {}
    contents = [str(v) for key in ("objects", "kms_objects") for v in (bucket.get(key) or {}).values()]
    leaked = [s[:12] + "…" for s in _secrets(world) + contents if len(s) >= 8 and s in text]
    assert not leaked, f"secrets shown for {scenario}: {leaked}"


def test_assumed_credentials_never_reach_env_or_disk(world: LabWorld) -> None:
    started = time.time()
    env_before = dict(os.environ)
    assert check(world, timeout=3).code == 0
    assert dict(os.environ) == env_before
    secrets = [s for s in _secrets(world) if len(s) >= 16]
    assert world.issued_credentials(), "STS issued nothing: the test would prove nothing"
    roots = [
        (world._dir, True),
        (Path.home() / ".aws", True),
        (Path.home() / ".kube", True),
        (Path(tempfile.gettempdir()), False),
        (Path.cwd(), False),
    ]
    for root, deep in roots:
        if not root.is_dir():
            continue
        try:
            paths = list(root.rglob("*") if deep else root.glob("*"))
        except OSError:  # other processes' temp files come and go
            continue
        for path in paths:
            try:
                if not path.is_file() or path.stat().st_mtime < started or path.stat().st_size > 2_000_000:
                    continue
                data = path.read_bytes()
            except OSError:
                continue
            for secret in secrets:
                assert secret.encode() not in data, f"{path} holds a credential or token"


def test_redact_covers_every_secret_shape() -> None:
    jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlc2lnbmF0dXJlc2lnbmF0dXJl"
    lines = [
        f"Authorization: Bearer {jwt}",
        "{'Authorization': 'AWS4-HMAC-SHA256 Credential=AKIAABCDEFGHIJKLMNOP/20250101/eu-west-1/iam/aws4_request'}",
        "<SecretAccessKey>wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY</SecretAccessKey>",
        "<SessionToken>FwoGZXIvYXdzEXAMPLESESSIONTOKENVALUE</SessionToken>",
        "aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        "WebIdentityToken=" + jwt,
        "key ASIAQWERTYUIOPASDFGH in use",
    ]
    out = redact("\n".join(lines))
    for secret in (
        jwt,
        "c2lnbmF0dXJl",
        "wJalrXUtnFEMI",
        "FwoGZXIvYXdz",
        "ASIAQWERTYUIOPASDFGH",
        "AKIAABCDEFGHIJKLMNOP",
    ):
        assert secret not in out, (secret, out)
    assert out.count("\n") == len(lines) - 1
