"""Drive ``irsa-tui mcp`` with the SDK's own stdio client from synchronous tests.

The client (``stdio_client`` + ``ClientSession``) lives on an event loop in a thread of its own,
so one server process serves a whole test module and each test stays a plain function.
"""

from __future__ import annotations

import asyncio
import json
import sys
import threading
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")


class McpServerProcess:
    """``irsa-tui mcp ARGS`` (``python -m irsa_tui.cli``, or ``command``) as a real subprocess with ``env``;
    its stderr goes to ``errlog``."""

    def __init__(self, env: dict[str, str], errlog: Path, args: tuple[str, ...] = (), command: str | None = None) -> None:
        self.env, self.errlog_path, self.args = env, errlog, args
        self.command = [command, "mcp"] if command else [sys.executable, "-m", "irsa_tui.cli", "mcp"]
        self.outputs: list[str] = []
        """Every tool result's text and structured content, for the secrets search."""
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="mcp-client", daemon=True)
        self.thread.start()
        self._stop = asyncio.Event()
        self._ready: asyncio.Future[Any] = self.loop.create_future()
        self._main = asyncio.run_coroutine_threadsafe(self._serve(), self.loop)
        self.session: Any = asyncio.run_coroutine_threadsafe(self._await_ready(), self.loop).result(60)

    async def _await_ready(self) -> Any:
        return await self._ready

    async def _serve(self) -> None:
        from mcp import ClientSession, StdioServerParameters, stdio_client

        params = StdioServerParameters(command=self.command[0], args=[*self.command[1:], *self.args], env=self.env)
        try:
            with self.errlog_path.open("a", encoding="utf-8") as errlog:
                async with stdio_client(params, errlog=errlog) as (read, write), ClientSession(read, write) as session:
                    await session.initialize()
                    self._ready.set_result(session)
                    await self._stop.wait()
        except BaseException as exc:
            if not self._ready.done():
                self._ready.set_exception(exc)
            raise

    def run(self, fn: Callable[[Any], Coroutine[Any, Any, T]], timeout: float = 120) -> T:
        return asyncio.run_coroutine_threadsafe(fn(self.session), self.loop).result(timeout)

    def call(self, name: str, **arguments: Any) -> Any:
        """tools/call; returns the CallToolResult after checking its text and structured content agree."""
        result = self.run(lambda s: s.call_tool(name, arguments))
        text = "".join(block.text for block in result.content if block.type == "text")
        self.outputs += [text, json.dumps(result.structured_content)]
        assert json.loads(text) == result.structured_content, "text and structuredContent differ"
        return result

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self._stop.set)
        self._main.result(30)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
