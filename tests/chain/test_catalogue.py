"""The code catalogue: every code used, documented and well-formed; the core stays pure."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from irsa_tui.chain.codes import CODES, render_markdown
from irsa_tui.chain.model import Status
from irsa_tui.chain.registry import all_specs

ROOT = Path(__file__).resolve().parents[2]


def test_codes_are_well_formed() -> None:
    assert CODES, "the catalogue is empty"
    for code in CODES.values():
        assert code.link in all_specs(), f"{code.id}: its link {code.link} is in no mechanism"
        assert re.fullmatch(rf"{code.link.code_prefix}-\d{{3}}", code.id), code.id
        hundreds = int(code.id.rsplit("-", 1)[1]) // 100
        assert {0: Status.PASS, 1: Status.WARN, 2: Status.FAIL}[hundreds] is code.status, code.id
        assert code.message and code.why and code.title, code.id
        assert "\n" not in code.message, f"{code.id}: a summary is one line"


def test_every_link_has_a_pass_code() -> None:
    for link in all_specs():
        assert any(c.link is link and c.status is Status.PASS for c in CODES.values()), link


def test_every_code_is_emitted_by_a_check() -> None:
    sources = "".join(p.read_text() for p in (ROOT / "irsa_tui/chain/links").glob("*.py"))
    unused = [c for c in CODES if f'"{c}"' not in sources]
    assert not unused, f"codes in the catalogue that no check emits: {unused}"


def test_docs_codes_md_is_generated_and_current() -> None:
    doc = (ROOT / "docs/codes.md").read_text()
    assert doc.strip() == render_markdown().strip(), "docs/codes.md is stale: run `make docs`"


def test_core_imports_no_io_libraries() -> None:
    code = (
        "import sys, irsa_tui.chain.walk, irsa_tui.chain.plan, irsa_tui.chain.registry, irsa_tui.policy, irsa_tui.report;"
        "import irsa_tui.chain.mechanism, irsa_tui.chain.credentials, irsa_tui.policy.pod_identity;"
        "bad = [m for m in ('textual', 'boto3', 'botocore', 'kubernetes', 'httpx', 'jwt', 'urllib3', 'yaml') if m in sys.modules];"
        "print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"the pure core imported {out.stdout.strip()}"
