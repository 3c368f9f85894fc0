"""No secret reaches the screen or an export: the real app on lab scenarios, with the app's log and
CloudTrail as evidence (--logs --cloudtrail; the lab app's log prints a token and a key), searched for the
lab's minted tokens, their signatures, and every credential STS issued (as tests/faults/test_secrets.py)."""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

import pytest

from irsa_tui.lab.world import CALLER_SECRET
from irsa_tui.ui.app import IrsaApp
from irsa_tui.ui.backend import RealBackend
from irsa_tui.ui.screens.chain import ChainScreen
from irsa_tui.ui.widgets.link_detail import EvidenceTable
from irsa_tui.ui.widgets.token_view import TokenView
from tests.ui.conftest import wait_for

pytestmark = [pytest.mark.ui, pytest.mark.integration]

SIZE = (120, 36)
WINDOW = 20
"""Secret material is also searched for as any WINDOW-character slice: a truncated or wrapped secret
is still a leak."""


def secrets(world: Any) -> tuple[list[str], list[str]]:
    """(whole tokens, pure secret material: signatures, secret keys, session tokens)."""
    tokens = list(world.minted_tokens())
    material = [CALLER_SECRET]
    material += [t.rsplit(".", 1)[-1] for t in tokens]
    for _akid, secret, session in world.issued_credentials():
        material += [secret, session]
    return tokens, [m for m in material if len(m) >= WINDOW]


def svg_text(svg: str) -> str:
    """The characters an SVG screenshot shows, in order (tags stripped, entities decoded)."""
    return html.unescape(re.sub(r"<[^>]+>", "", svg)).replace("\xa0", " ")


def leaks(text: str, tokens: list[str], material: list[str]) -> list[str]:
    found = [t[:10] + "…(token)" for t in tokens if t in text]
    for secret in material:
        if any(secret[i : i + WINDOW] in text for i in range(len(secret) - WINDOW + 1)):
            found.append(secret[:6] + "…")
    return found


@pytest.mark.parametrize("scenario", ["healthy", "trust-sub-wrong-namespace", "s3-bucket-policy-deny"])
async def test_no_secret_on_screen_or_in_exports(
    lab: Any, scenario: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("IRSA_TUI_EXPORT_DIR", str(tmp_path))
    ns, pod = lab.target(scenario)
    minted_before = len(lab.minted_tokens())
    evidence = RealBackend(5.0, {"logs": True, "log_lines": 200, "cloudtrail": True})
    app = IrsaApp(context=scenario, namespace=ns, pod=pod, frozen=False, backend=evidence)
    shots: list[Path] = []
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(
            pilot, lambda: isinstance(app.screen, ChainScreen) and app.screen.result is not None, 30
        )
        await pilot.pause(0.1)
        shots.append(Path(app.save_screenshot("detail.svg", str(tmp_path))))
        app.screen.query_one(EvidenceTable).scroll_visible(animate=False)  # the evidence, below the fix
        await pilot.pause(0.2)
        shots.append(Path(app.save_screenshot("evidence.svg", str(tmp_path))))
        await pilot.press("t")
        view = app.screen.query_one(TokenView)
        await wait_for(pilot, lambda: view.exp is not None)  # the decoded claims are on screen
        await pilot.pause(0.1)
        shots.append(Path(app.save_screenshot("token.svg", str(tmp_path))))
        await pilot.press("p")
        await pilot.pause(0.1)
        shots.append(Path(app.save_screenshot("policy.svg", str(tmp_path))))
        await pilot.press("e")
        await wait_for(pilot, lambda: any(p.stat().st_size > 0 for p in tmp_path.glob("irsa-*.json")))
        await pilot.pause(0.1)  # let the second file finish
        (js,) = tmp_path.glob(f"irsa-*-{ns}-{pod}-*.json")
        md = js.with_suffix(".md")
    tokens, material = secrets(lab)
    # The run really minted a token (and, past the trust policy, STS issued keys): the search has teeth.
    assert len(lab.minted_tokens()) > minted_before
    assert lab.issued_credentials()
    token_svg = svg_text(shots[2].read_text(encoding="utf-8"))
    if scenario == "trust-sub-wrong-namespace":  # the failing link's evidence shows the app's log line
        detail = svg_text(shots[1].read_text(encoding="utf-8"))
        assert "log of container" in detail and "Not authorized to perform" in detail, detail
    exported = js.read_text(encoding="utf-8")
    assert "app-log-" in exported and '"cloudtrail"' in exported  # the evidence was really gathered
    # claims were shown (a long sub wraps after a ':' onto the next screen row)
    assert "sub" in token_svg and "system:serviceaccount:" in token_svg and f"{ns}:" in token_svg
    for path in [*shots, md, js]:
        raw = path.read_text(encoding="utf-8")
        text = svg_text(raw) if path.suffix == ".svg" else raw
        found = leaks(text, tokens, material) + leaks(raw, tokens, material)
        assert not found, f"{path.name} of {scenario} shows secrets: {found}"
