"""The MCP server: every registered tool behind the same guard, the code catalogue as resources.

Built on the official SDK's ``MCPServer`` (mcp 2.x; FastMCP in 1.x). Each tool function runs in
a worker thread under a server-side time limit; its ``Reply`` becomes a ``CallToolResult``
whose text is the JSON document and whose structured content is the same document, and a
``Problem`` (or a timeout, or a bug) becomes an error object with ``isError`` set.
"""

from __future__ import annotations

import functools
import inspect
import itertools
import json
import logging
from typing import TYPE_CHECKING, Annotated, Any

from irsa_tui import __version__
from irsa_tui.mcp_server import adapter
from irsa_tui.mcp_server.adapter import Problem
from irsa_tui.mcp_server.tools import TOOLS, Reply, Settings, ToolSpec

if TYPE_CHECKING:
    from mcp.server.mcpserver import MCPServer
    from mcp.types import CallToolResult

__all__ = ["INSTRUCTIONS", "build", "call_guarded", "serve"]

log = logging.getLogger("irsa_tui.mcp")

INSTRUCTIONS = """\
irsa-tui tells why a pod on Amazon EKS cannot reach AWS through IRSA, in one deterministic, read-only call.
Find a pod with list_contexts -> list_namespaces -> list_pods (pods with a role first), then call check:
it returns the same JSON as `irsa-tui check --json` (verdict, first_failure, each link with evidence,
finding codes and the fix). fix_for returns only a link's fix commands, for a human to review; irsa-tui
never runs them. Finding codes are stable: read irsa-tui://codes (index) or irsa-tui://codes/{code}."""


def _to_result(reply: Reply | Problem) -> CallToolResult:
    from mcp.types import CallToolResult, TextContent

    if isinstance(reply, Problem):
        doc = reply.to_json()
        return CallToolResult(content=[TextContent(type="text", text=json.dumps(doc, ensure_ascii=False))],
                              structured_content=doc, is_error=True)
    return CallToolResult(content=[TextContent(type="text", text=reply.text)], structured_content=reply.data)


async def call_guarded(spec: ToolSpec, settings: Settings, arguments: dict[str, Any]) -> CallToolResult:
    """Run one tool call in a worker thread within its time limit; never raises."""
    import anyio

    limit = spec.budget(settings)
    outcome: Reply | Problem
    try:
        with anyio.fail_after(limit):
            outcome = await anyio.to_thread.run_sync(
                functools.partial(spec.fn, settings, **arguments), abandon_on_cancel=True)
    except TimeoutError:
        outcome = Problem("timeout", f"{spec.name} did not finish within the server's limit of {limit:g} s")
    except Problem as problem:
        outcome = problem
    except Exception as exc:  # a bug: say which, never the (possibly sensitive) details
        log.warning("tool %s failed: %s", spec.name, type(exc).__name__)
        outcome = Problem("internal", f"internal error in {spec.name} ({type(exc).__name__}); please report it")
    return _to_result(outcome)


def _one_line_arguments_error(text: str) -> str:
    """The SDK's argument-validation text (pydantic's, several lines) as one line, without the values."""
    fields: list[str] = []
    lines = text.splitlines()
    for loc, message in itertools.pairwise(lines[1:]):
        if loc and not loc[0].isspace() and message.startswith("  ") and not message.startswith("    "):
            fields.append(f"{loc}: {message.strip().split(' [type=', 1)[0]}")
    if not fields:
        return lines[0] if lines else "arguments do not match the tool's input schema"
    return "arguments do not match the tool's input schema: " + "; ".join(fields)


async def _argument_errors(ctx: Any, call_next: Any) -> Any:
    """An error the SDK answers before a tool runs (unknown tool, arguments against the schema) gets the
    same error object as the tools' own. The chain hands middleware the wire form (a dict)."""
    result = await call_next(ctx)
    if (ctx.method == "tools/call" and isinstance(result, dict) and result.get("isError")
            and result.get("structuredContent") is None):
        text = "".join(str(block.get("text", "")) for block in result.get("content") or [] if isinstance(block, dict))
        if text.startswith("Unknown tool"):
            problem = Problem("unknown-tool", f"{text.splitlines()[0]}; tools/list names them")
        else:
            problem = Problem("bad-arguments", _one_line_arguments_error(text))
        return _to_result(problem).model_dump(by_alias=True, mode="json", exclude_none=True)
    return result


def _bound(spec: ToolSpec, settings: Settings) -> Any:
    """An async callable for the SDK with the tool's signature, less ``settings``."""
    from mcp.types import CallToolResult

    signature = inspect.signature(spec.fn, eval_str=True)

    async def call(**arguments: Any) -> CallToolResult:
        return await call_guarded(spec, settings, arguments)

    call.__name__ = spec.name
    call.__doc__ = spec.doc
    call.__signature__ = signature.replace(  # type: ignore[attr-defined]
        parameters=list(signature.parameters.values())[1:],
        return_annotation=Annotated[CallToolResult, spec.output],
    )
    return call


def build(settings: Settings) -> MCPServer[Any]:
    from mcp.server.mcpserver import MCPServer
    from mcp.types import ToolAnnotations

    server: MCPServer[Any] = MCPServer(name="irsa-tui", title="irsa-tui", version=__version__,
                                       instructions=INSTRUCTIONS, log_level="WARNING",
                                       middleware=[_argument_errors])
    _redact_logs()
    for spec in TOOLS.values():
        server.add_tool(
            _bound(spec, settings), name=spec.name, title=spec.title, description=spec.description(settings),
            annotations=ToolAnnotations(title=spec.title, read_only_hint=True, destructive_hint=False,
                                        idempotent_hint=True, open_world_hint=True),
            structured_output=True,
        )

    @server.resource("irsa-tui://codes", name="finding-codes", title="irsa-tui finding codes",
                     description="Index of every finding code irsa-tui reports: code, link, status, title. "
                                 "Read irsa-tui://codes/{code} for one code's message, why and fix.",
                     mime_type="application/json")
    def codes() -> str:
        return json.dumps({"codes": adapter.codes_index()}, separators=(",", ":"))

    @server.resource("irsa-tui://codes/{code}", name="finding-code", title="One irsa-tui finding code",
                     description="One finding code (e.g. SA-201): its link, status, title, message template, "
                                 "why it matters and the fix template.", mime_type="application/json")
    def code(code: str) -> str:
        try:
            return json.dumps(adapter.code_entry(code), ensure_ascii=False)
        except Problem as problem:
            from mcp.server.mcpserver.exceptions import ResourceError

            raise ResourceError(problem.message) from None

    @server.prompt(name="diagnose_pod", title="Why can't this pod reach AWS?",
                   description="Diagnose one pod with irsa-tui and explain the result, citing finding codes; "
                               "fixes are shown for you to review, never run.")
    def diagnose_pod(namespace: str, pod: str, context: str | None = None) -> str:
        return DIAGNOSE_PROMPT.format(target=f"{namespace}/{pod}",
                                      context=f" in kube context {context}" if context else "")

    return server


DIAGNOSE_PROMPT = """Why can pod {target}{context} not reach AWS? Call irsa-tui's check tool for it. Report the verdict and the
first failing link, with that link's evidence (expected vs actual) and its finding codes (read
irsa-tui://codes/{{code}} to explain a code). Then call fix_for and show its commands for me to review.
Do not run any command yourself."""


def _redact_logs() -> None:
    """Whatever a library logs to stderr passes the ``--debug`` redaction first."""
    from irsa_tui.redact import RedactingFilter

    for handler in logging.getLogger().handlers:
        handler.addFilter(RedactingFilter())


def serve(settings: Settings) -> int:
    """Serve over stdin/stdout until the client closes stdin."""
    build(settings).run("stdio")
    return 0
