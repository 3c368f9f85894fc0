"""The chain screen's paste-an-error dialog: the implicated link is highlighted, and the app says
whether the error agrees with the chain it just walked."""

from __future__ import annotations

import pytest
from textual.widgets import ListView, TextArea

from irsa_tui.chain.model import LinkId
from irsa_tui.ui.app import IrsaApp
from irsa_tui.ui.screens.chain import ChainScreen
from irsa_tui.ui.screens.explain_dialog import ExplainDialog
from irsa_tui.ui.widgets.link_row import LinkRow
from tests.chain import builders as b
from tests.ui.conftest import wait_for
from tests.ui.fakes import FakeBackend

pytestmark = pytest.mark.ui

NODE_ROLE = (
    "botocore.exceptions.ClientError: An error occurred (AccessDenied) when calling the GetObject operation: "
    "User: arn:aws:sts::123456789012:assumed-role/eks-node-group-role/i-0abc123def4567890 is not authorized to "
    "perform: s3:GetObject"
)
TRUST = (
    "WebIdentityErr: failed to retrieve credentials\n"
    "caused by: AccessDenied: Not authorized to perform sts:AssumeRoleWithWebIdentity"
)


async def paste(app: IrsaApp, pilot: object, text: str) -> None:
    await pilot.press("x")  # type: ignore[attr-defined]
    await wait_for(pilot, lambda: isinstance(app.screen, ExplainDialog))  # type: ignore[arg-type]
    app.screen.query_one(TextArea).insert(text)
    await pilot.press("ctrl+s")  # type: ignore[attr-defined]
    await wait_for(pilot, lambda: isinstance(app.screen, ChainScreen))  # type: ignore[arg-type]


def implicated(app: IrsaApp) -> list[str]:
    return [row.link.value for row in app.screen.query(LinkRow) if row.has_class("-implicated")]


def highlighted(app: IrsaApp) -> LinkId:
    row = app.screen.query_one("#links", ListView).highlighted_child
    assert isinstance(row, LinkRow)
    return row.link


async def test_node_role_error_on_a_healthy_chain_disagrees_and_points_at_injection() -> None:
    app = IrsaApp(context="healthy", namespace=b.NS, pod=b.POD, backend=FakeBackend(), frozen=True)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, ChainScreen) and app.screen.result is not None)
        await paste(app, pilot, NODE_ROLE)
        assert implicated(app) == ["injection"] and highlighted(app) is LinkId.INJECTION
        note = app._notifications
        messages = [n.message for n in note]
        assert any("disagrees" in m and "not using the injected identity" in m for m in messages), messages


async def test_trust_error_on_a_chain_broken_at_trust_agrees() -> None:
    app = IrsaApp(context="trust-sub-wrong-namespace", namespace=b.NS, pod=b.POD, backend=FakeBackend(), frozen=True)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, ChainScreen) and app.screen.result is not None)
        await pilot.press("down", "down")  # the user moved away from the failing link
        await paste(app, pilot, TRUST)
        assert implicated(app) == ["trust-policy"] and highlighted(app) is LinkId.TRUST_POLICY
        assert any("agrees: the chain fails at trust-policy too" in n.message for n in app._notifications)


async def test_cancel_changes_nothing() -> None:
    app = IrsaApp(context="healthy", namespace=b.NS, pod=b.POD, backend=FakeBackend(), frozen=True)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, ChainScreen) and app.screen.result is not None)
        await pilot.press("x")
        await wait_for(pilot, lambda: isinstance(app.screen, ExplainDialog))
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, ChainScreen))
        assert implicated(app) == [] and not app._notifications


async def test_the_notification_renders_codes_and_arns_literally() -> None:
    app = IrsaApp(context="healthy", namespace=b.NS, pod=b.POD, backend=FakeBackend(), frozen=True)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, ChainScreen) and app.screen.result is not None)
        await paste(app, pilot, NODE_ROLE)
        note = next(iter(app._notifications))
        # shown as written: "[ERR-022]" read as markup would vanish (or fail) as an unknown style
        assert "[ERR-022]" in note.message and "i-0abc123def4567890" in note.message and note.markup is False
