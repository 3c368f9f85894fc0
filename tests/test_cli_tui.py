"""The TUI entry point (`irsa-tui [NS/POD] [options]`): every option reaches the app, bad ones are usage
errors. The app's run() is replaced by a recorder: what is tested is the command line, not the screen."""

from __future__ import annotations

from typing import Any

import pytest

from irsa_tui import cli
from irsa_tui.ui.app import IrsaApp


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[IrsaApp]:
    apps: list[IrsaApp] = []

    def run(self: IrsaApp, *args: Any, **kwargs: Any) -> None:
        apps.append(self)

    monkeypatch.setattr(IrsaApp, "run", run)
    monkeypatch.setattr(cli, "_has_terminal", lambda: True)  # pytest's stdin is not a terminal
    return apps


def test_plain_irsa_tui_opens_the_picker(opened: list[IrsaApp]) -> None:
    assert cli.main([]) == 0
    assert len(opened) == 1 and opened[0].pod is None and opened[0].bucket is None


def test_every_option_reaches_the_app(opened: list[IrsaApp]) -> None:
    code = cli.main(
        ["payments/api-1", "--context", "prod", "--bucket", "my-bucket", "--object", "a/b.pdf", "--no-live",
         "--timeout", "2"]
    )
    assert code == 0
    app = opened[0]
    assert (app.context, app.namespace, app.pod) == ("prod", "payments", "api-1")
    assert (app.bucket, app.object_key, app.live, app.timeout) == ("my-bucket", "a/b.pdf", False, 2.0)


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["--object", "a.pdf"], "--object needs --bucket"),
        (["--bucket", "Bad_Bucket"], "bucket"),
        (["--timeout", "0"], "timeout"),
        (["payments/"], "pod"),
    ],
)
def test_bad_options_are_usage_errors(
    opened: list[IrsaApp], argv: list[str], words: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(argv) == cli.EXIT_USAGE
    err = capsys.readouterr().err.strip()
    assert words in err and "Traceback" not in err and len(err.splitlines()) == 1
    assert opened == []
