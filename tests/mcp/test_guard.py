"""The guard every tool call passes through, and the tool registry, without a lab or a subprocess."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from typing import Any

import anyio
import pytest
from typing_extensions import TypedDict

from irsa_tui.mcp_server import tools as registry
from irsa_tui.mcp_server.adapter import Problem
from irsa_tui.mcp_server.server import build, call_guarded
from irsa_tui.mcp_server.tools import Reply, Settings, ToolSpec


def spec(fn: Any, budget: float = 5.0) -> ToolSpec:
    return ToolSpec("probe", "Probe", "A test tool.", fn, dict, lambda _s: budget)


def run(tool: ToolSpec, **arguments: Any) -> Any:
    return anyio.run(call_guarded, tool, Settings(), arguments)


def test_a_reply_is_text_and_the_same_structured_document() -> None:
    result = run(spec(lambda settings, n: Reply.of({"n": n, "context": settings.context})), n=3)
    assert not result.is_error
    assert result.structured_content == {"n": 3, "context": None} == json.loads(result.content[0].text)


def test_a_problem_is_an_error_object() -> None:
    def fails(settings: Settings) -> Reply:
        raise Problem("pod-not-found", "pod a/b not found")

    result = run(spec(fails))
    assert result.is_error
    assert result.structured_content == {"error": {"code": "pod-not-found", "message": "pod a/b not found"}}


def test_a_bug_is_an_error_object_that_shows_no_detail() -> None:
    def crashes(settings: Settings) -> Reply:
        raise RuntimeError("Authorization: Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl")

    result = run(spec(crashes))
    assert result.is_error and result.structured_content["error"]["code"] == "internal"
    assert "RuntimeError" in result.content[0].text and "eyJ" not in result.content[0].text


def test_the_server_side_limit_answers_for_a_call_that_does_not_return() -> None:
    release = threading.Event()

    def stuck(settings: Settings) -> Reply:
        release.wait(30)
        return Reply.of({})

    try:
        result = run(spec(stuck, budget=0.2))
    finally:
        release.set()
    assert result.is_error
    assert result.structured_content["error"]["code"] == "timeout"
    assert "0.2 s" in result.structured_content["error"]["message"]


@pytest.fixture
def extra_tool() -> Iterator[str]:
    class EchoOut(TypedDict):
        said: str

    @registry.tool("Echo", EchoOut)
    def echo_for_test(settings: Settings, text: str) -> Reply:
        """Say it back."""
        return Reply.of({"said": text})

    try:
        yield "echo_for_test"
    finally:
        registry.TOOLS.pop("echo_for_test", None)


def test_adding_a_tool_is_one_function(extra_tool: str) -> None:
    server = build(Settings(deadline=7))
    listed = {t.name: t for t in anyio.run(server.list_tools)}
    echo = listed[extra_tool]
    assert echo.input_schema["required"] == ["text"] and "settings" not in echo.input_schema["properties"]
    assert echo.output_schema is not None and echo.output_schema["properties"]["said"]["type"] == "string"
    assert (echo.description or "").startswith("Say it back.") and "read-only" in (echo.description or "")
    assert "within 17 s" in (listed["check"].description or "")  # --deadline + 10


def test_an_unknown_server_context_is_a_usage_error(tmp_path: Any, monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    from irsa_tui.cli import EXIT_USAGE, main

    kubeconfig = tmp_path / "config"
    kubeconfig.write_text(
        "apiVersion: v1\nkind: Config\ncurrent-context: prod\n"
        "clusters: [{name: prod, cluster: {server: 'https://127.0.0.1:1'}}]\n"
        "users: [{name: me, user: {}}]\ncontexts: [{name: prod, context: {cluster: prod, user: me}}]\n",
        encoding="utf-8")
    monkeypatch.setenv("KUBECONFIG", str(kubeconfig))
    assert main(["mcp", "--context", "prdo"]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "'prdo' not found" in err and "did you mean prod" in err
