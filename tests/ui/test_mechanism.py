"""The chain screen for EKS Pod Identity: the mechanism in the header, its links, the why dialog (m), the
Credentials tab (i) and learn mode with the pod's real values; on hand-built results (no lab)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from textual.widgets import ListView, Static, TabbedContent

from irsa_tui.chain import registry
from irsa_tui.chain.links import service_account
from irsa_tui.chain.model import ChainResult, LinkId, Status, Target
from irsa_tui.chain.spec import Mechanism
from irsa_tui.ui.app import IrsaApp
from irsa_tui.ui.mechanisms import guess_mechanism, mechanism_links, mechanism_sections, result_links
from irsa_tui.ui.screens.chain import ChainScreen
from irsa_tui.ui.screens.learn import LearnScreen, learn_steps, learn_values, session_tags
from irsa_tui.ui.screens.mechanism_dialog import MechanismDialog
from irsa_tui.ui.widgets.credentials_view import CredentialBlock, container_class, render_container
from irsa_tui.ui.widgets.link_row import LinkRow
from tests.chain import builders as b
from tests.ui.conftest import wait_for
from tests.ui.fakes import (
    ASSOCIATION_ID,
    NODE_ROLE_ARN,
    PI_ROLE_ARN,
    POD_IDENTITY_CONTEXT,
    FakeBackend,
    pod_identity_backend,
    pod_identity_detection_and_credentials,
    pod_identity_links,
    pod_identity_node,
)

pytestmark = pytest.mark.ui

PI_ORDER = [link.id.value for link in pod_identity_links()]


def pi_result(**changes: object) -> ChainResult:
    detection, creds = pod_identity_detection_and_credentials()
    target = Target(b.NS, b.POD, POD_IDENTITY_CONTEXT, "pi-eks", b.REGION, PI_ROLE_ARN)
    result = ChainResult(target, pod_identity_links(), 42, "pod-identity", detection, creds, pod_identity_node())
    return replace(result, **changes)  # type: ignore[arg-type]


def pi_app() -> IrsaApp:
    return IrsaApp(context=POD_IDENTITY_CONTEXT, namespace=b.NS, pod=b.POD, backend=pod_identity_backend(), frozen=True)


async def finished(pilot: object, app: IrsaApp) -> ChainScreen:
    await wait_for(pilot, lambda: isinstance(app.screen, ChainScreen) and app.screen.result is not None)  # type: ignore[arg-type]
    assert isinstance(app.screen, ChainScreen)
    return app.screen


async def test_the_chain_names_pod_identity_and_walks_its_links() -> None:
    app = pi_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await finished(pilot, app)
        await pilot.pause(0.1)
        assert [row.link.value for row in screen.query(LinkRow)] == PI_ORDER
        assert [row.number for row in screen.query(LinkRow)] == list(range(1, 9))
        left = screen.query_one("#chain-left")
        assert left.border_title == "1 Pod Identity links"
        assert left.border_subtitle == "m: why"
        assert screen.sub_title.endswith("· EKS Pod Identity")
        # the first failure of *this* chain is selected: trust-policy is the 6th Pod Identity link
        assert screen.query_one("#links", ListView).index == PI_ORDER.index("trust-policy")
        assert all(row.result is not None for row in screen.query(LinkRow))


async def test_an_irsa_chain_keeps_its_seven_links_and_says_irsa() -> None:
    app = IrsaApp(context="healthy", namespace=b.NS, pod=b.POD, backend=FakeBackend(), frozen=True)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await finished(pilot, app)
        assert tuple(row.link for row in screen.query(LinkRow)) == mechanism_links("irsa")
        assert screen.query_one("#chain-left").border_title == "1 IRSA links"
        assert "through IRSA" in str(screen.query_one("#verdict", Static).render())


async def test_m_explains_why_pod_identity_and_escape_closes() -> None:
    app = pi_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await finished(pilot, app)
        await pilot.press("m")
        await wait_for(pilot, lambda: isinstance(app.screen, MechanismDialog))
        body = str(app.screen.query_one("#mechanism-body", Static).render())
        assert "precedence at injection" in body
        assert ASSOCIATION_ID in body
        assert "uploader" in body and "SDK families differ" in body
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, ChainScreen))


async def test_m_before_the_run_ends_says_so() -> None:
    backend = pod_identity_backend(delay=60.0)  # released by the test
    app = IrsaApp(context=POD_IDENTITY_CONTEXT, namespace=b.NS, pod=b.POD, backend=backend, frozen=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, ChainScreen) and bool(app.screen.results))
        await pilot.press("m")
        await pilot.pause(0.1)
        assert isinstance(app.screen, ChainScreen), type(app.screen).__name__
        assert any("has not finished" in str(n.message) for n in app._notifications)
        backend.release.set()


async def test_links_of_another_mechanism_rebuild_the_list_as_they_stream() -> None:
    """An association arriving on the default (IRSA) list: the list becomes the Pod Identity chain."""
    backend = pod_identity_backend(delay=60.0)  # released by the test
    app = IrsaApp(context=POD_IDENTITY_CONTEXT, namespace=b.NS, pod=b.POD, backend=backend, frozen=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, ChainScreen) and LinkId.ASSOCIATION in app.screen.results)
        screen = app.screen
        assert isinstance(screen, ChainScreen)
        await pilot.pause(0.1)
        rows = [row.link for row in screen.query(LinkRow)]
        assert LinkId.ASSOCIATION in rows and screen.row(LinkId.ASSOCIATION).result is not None
        backend.release.set()
        await wait_for(pilot, lambda: screen.result is not None)
        await pilot.pause(0.1)
        assert [row.link.value for row in screen.query(LinkRow)] == PI_ORDER


async def test_i_shows_each_containers_credentials() -> None:
    app = pi_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await finished(pilot, app)
        await pilot.press("i")
        await pilot.pause(0.2)
        assert app.screen.query_one("#tabs", TabbedContent).active == "credentials"
        blocks = list(app.screen.query(CredentialBlock))
        assert [blk.creds.container for blk in blocks] == ["app", "uploader"]
        assert "-warn" in blocks[1].classes  # its SDK families use different credentials
        text = " ".join(str(blocks[1].render()).split())
        assert "the SDK families use different credentials" in text
        assert "AWS_PROFILE" in text


async def test_learn_explains_pod_identity_with_the_pods_values() -> None:
    app = pi_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await finished(pilot, app)
        await pilot.press("L")
        await wait_for(pilot, lambda: isinstance(app.screen, LearnScreen))
        screen = app.screen
        assert "EKS Pod Identity" in str(screen.query_one("#learn-title", Static).render())
        assert screen.query_one("#learn-association")
        assert screen.query_one("#learn-eks-auth")
        assert not screen.query("#learn-oidc-provider")


# --- pure parts ------------------------------------------------------------------------------------


def test_guess_mechanism_follows_the_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    assert guess_mechanism([LinkId.SERVICE_ACCOUNT], "irsa") == "irsa"
    assert guess_mechanism([LinkId.SERVICE_ACCOUNT, LinkId.ASSOCIATION], "irsa") == "pod-identity"
    assert guess_mechanism([LinkId.EKS_AUTH, LinkId.OIDC_PROVIDER], "irsa") == "irsa"  # nobody lists both
    other = Mechanism("other", "another mechanism", (
        service_account.SPEC,
        replace(service_account.SPEC, id=LinkId.OIDC_PROVIDER),
        replace(service_account.SPEC, id=LinkId.EKS_AUTH),
    ))
    monkeypatch.setitem(registry.MECHANISMS, "other", other)
    assert guess_mechanism([LinkId.EKS_AUTH, LinkId.OIDC_PROVIDER], "irsa") == "other"
    assert mechanism_links("other") == (LinkId.SERVICE_ACCOUNT, LinkId.OIDC_PROVIDER, LinkId.EKS_AUTH)


def test_result_links_are_the_results_order() -> None:
    assert [link.value for link in result_links(pi_result())] == PI_ORDER
    assert result_links(pi_result(links=())) == mechanism_links("pod-identity")


def test_the_why_dialog_without_detection_says_so() -> None:
    sections = mechanism_sections(pi_result(detection=None))
    assert [s.heading for s in sections] == ["Diagnosed", "Why"]
    assert "no detection detail" in sections[1].lines[0]


def test_the_why_dialog_names_what_is_configured_and_each_container() -> None:
    sections = {s.heading: s.lines for s in mechanism_sections(pi_result())}
    assert any(line.startswith("IRSA") for line in sections["Configured"])
    assert any(ASSOCIATION_ID in line and PI_ROLE_ARN in line for line in sections["Configured"])
    app_line = next(line for line in sections["Each container"] if line.startswith("app:"))
    assert "container credentials (Pod Identity)" in app_line and PI_ROLE_ARN in app_line


@pytest.mark.parametrize("width", [30, 46, 90])
def test_a_container_block_fits_its_width_and_calls_out_sdk_differences(width: int) -> None:
    _, creds = pod_identity_detection_and_credentials()
    text = render_container(creds[1], width)
    assert all(len(line) <= width for line in text.plain.splitlines())
    flat = " ".join(text.plain.split())
    assert "JS v3" in flat and "the SDK families use different credentials" in flat
    plain = " ".join(render_container(creds[0], width).plain.split())
    assert "different credentials" not in plain
    assert "(Java v2): falls through" in plain  # Java v2 falls through to the node role: said
    assert NODE_ROLE_ARN in "".join(plain.split())  # wrapped at its separators, never cut


def test_container_class_reads_no_credentials_as_fail() -> None:
    _, creds = pod_identity_detection_and_credentials()
    assert container_class(creds[0]) == "-pass"
    assert container_class(creds[1]) == "-warn"
    nothing = replace(creds[0], choices=tuple(replace(c, source=None) for c in creds[0].choices))
    assert container_class(nothing) == "-fail"


def test_learn_steps_follow_the_mechanism() -> None:
    mech, steps = learn_steps(pi_result())
    assert mech == "pod-identity"
    assert [s.link.value for s in steps] == PI_ORDER
    assert all(s.prose for s in steps)
    assert learn_steps(None)[0] == "irsa"
    assert learn_steps(pi_result(mechanism="none", links=()))[0] == "irsa"


def test_pod_identity_learn_values_are_the_pods() -> None:
    values = learn_values(pi_result())
    assert ("association", ASSOCIATION_ID) in values[LinkId.ASSOCIATION]
    assert ("role ARN", PI_ROLE_ARN) in values[LinkId.ASSOCIATION]
    tags = dict(session_tags(pi_result()))
    assert tags["kubernetes-namespace"] == b.NS
    assert tags["kubernetes-service-account"] == b.SA
    assert tags["eks-cluster-arn"] == f"arn:aws:eks:{b.REGION}:{b.ACCOUNT}:cluster/pi-eks"
    failed = [v for k, v in values[LinkId.TRUST_POLICY] if k == "result"]
    assert failed and failed[0].startswith(Status.FAIL.glyph)


def test_reported_session_tags_win_over_derived_ones() -> None:
    result = pi_result()
    links = tuple(
        replace(link, details={"session_tags": {"kubernetes-pod-uid": "1234"}}) if link.id is LinkId.EKS_AUTH else link
        for link in result.links
    )
    assert session_tags(replace(result, links=links)) == [("kubernetes-pod-uid", "1234")]
