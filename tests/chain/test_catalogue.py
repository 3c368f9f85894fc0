"""The code catalogue: every code used, documented and well-formed; the core stays pure."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from irsa_tui.chain.codes import CODES, Code, render_markdown
from irsa_tui.chain.model import LinkId, Status
from irsa_tui.chain.registry import all_specs

ROOT = Path(__file__).resolve().parents[2]


def test_codes_are_well_formed() -> None:
    assert CODES, "the catalogue is empty"
    for code in CODES.values():
        assert code.link in all_specs(), f"{code.id}: its link {code.link} is in no mechanism"
        assert re.fullmatch(rf"{code.link.code_prefix}-\d{{3}}", code.id), code.id
        assert code.message and code.why and code.title, code.id
        assert "\n" not in code.message, f"{code.id}: a summary is one line"


@pytest.mark.parametrize(
    ("code", "link", "status"),
    [
        ("SA-001", LinkId.SERVICE_ACCOUNT, Status.PASS),
        ("OIDC-104", LinkId.OIDC_PROVIDER, Status.WARN),
        ("TRUST-201", LinkId.TRUST_POLICY, Status.FAIL),
        ("EKSAUTH-210", LinkId.EKS_AUTH, Status.FAIL),
    ],
)
def test_the_link_and_status_follow_from_the_id(code: str, link: LinkId, status: Status) -> None:
    declared = Code(code, title="t", message="m", why="w")
    assert (declared.link, declared.status) == (link, status)


@pytest.mark.parametrize("code", ["TRUST-301", "NOPE-001", "SA-01", "SA-x01"])
def test_an_id_that_names_no_link_or_status_is_refused(code: str) -> None:
    with pytest.raises(ValueError, match=repr(code)):
        Code(code, title="t", message="m", why="w")


def test_every_link_has_a_pass_code() -> None:
    for link in all_specs():
        assert any(c.link is link and c.status is Status.PASS for c in CODES.values()), link


def test_every_code_is_emitted_by_a_check() -> None:
    chain = ROOT / "irsa_tui/chain"
    scan = ROOT / "irsa_tui/scan"  # findings about many targets at once (irsa-tui scan)
    sources = "".join(p.read_text() for p in [*chain.joinpath("links").glob("*.py"), chain / "reconcile.py",
                                              chain / "evidence.py", *scan.glob("*.py")])
    unused = [c for c in CODES if f'"{c}"' not in sources]
    assert not unused, f"codes in the catalogue that no check emits: {unused}"


def test_docs_codes_md_is_generated_and_current() -> None:
    doc = (ROOT / "docs/codes.md").read_text()
    assert doc.strip() == render_markdown().strip(), "docs/codes.md is stale: run `make docs`"


def test_core_imports_no_io_libraries() -> None:
    code = (
        "import sys, irsa_tui.chain.walk, irsa_tui.chain.plan, irsa_tui.chain.registry, irsa_tui.policy, irsa_tui.report,"
        " irsa_tui.explain.engine, irsa_tui.explain.agreement;"
        "import irsa_tui.chain.mechanism, irsa_tui.chain.credentials, irsa_tui.policy.pod_identity;"
        "bad = [m for m in ('textual', 'boto3', 'botocore', 'kubernetes', 'httpx', 'jwt', 'urllib3', 'yaml') if m in sys.modules];"
        "print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"the pure core imported {out.stdout.strip()}"
