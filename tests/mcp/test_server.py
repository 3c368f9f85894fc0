"""``irsa-tui mcp`` driven over stdio by the SDK's own client, against the lab world.

One server process (a real subprocess with the lab's standard settings) serves the module.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from irsa_tui.cli import main
from irsa_tui.lab.world import LabWorld
from tests.faults.test_secrets import _secrets
from tests.mcp.client import McpServerProcess

pytestmark = pytest.mark.integration

TOOLS = {"list_contexts", "list_namespaces", "list_pods", "check", "fix_for", "explain"}
# healthy, two broken links far apart, and an S3 object probe with the scenario's own --bucket/--object
SCENARIOS = ("healthy", "sa-annotation-missing", "trust-sub-wrong-namespace", "s3-object-missing")
DEFAULT_CONTEXT = "trust-sub-wrong-namespace"  # the server's --context, not KUBECONFIG's current-context


def server_env(world: LabWorld) -> dict[str, str]:
    return {**world.env, "PATH": os.environ.get("PATH", ""), "HOME": os.environ.get("HOME", "")}


@pytest.fixture(scope="module")
def server(world: LabWorld, tmp_path_factory: pytest.TempPathFactory) -> Iterator[McpServerProcess]:
    errlog = tmp_path_factory.mktemp("mcp") / "stderr.log"
    proc = McpServerProcess(server_env(world), errlog, ("--context", DEFAULT_CONTEXT))
    try:
        yield proc
    finally:
        proc.close()


def cli_json(world: LabWorld, scenario: str) -> dict[str, Any]:
    ns, pod = world.target(scenario)
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        main(["check", f"{ns}/{pod}", "--context", scenario, "--json", *world.check_args(scenario)])
    doc: dict[str, Any] = json.loads(out.getvalue())
    return doc


def probe_args(world: LabWorld, scenario: str) -> dict[str, str]:
    """The scenario's own --bucket/--object as tool arguments."""
    args = world.check_args(scenario)
    names = {"--bucket": "bucket", "--object": "object"}
    return {names[flag]: value for flag, value in zip(args[::2], args[1::2], strict=True)}


def error_of(result: Any) -> dict[str, str]:
    assert result.is_error, result.content
    error: dict[str, str] = result.structured_content["error"]
    assert error["message"] and "\n" not in error["message"] and "Traceback" not in error["message"]
    return error


def test_tools_are_listed_with_schemas_and_guarantees(server: McpServerProcess) -> None:
    tools = {t.name: t for t in server.run(lambda s: s.list_tools()).tools}
    assert set(tools) == TOOLS
    for tool in tools.values():
        text = tool.description or ""
        for guarantee in ("read-only", "TokenRequest", "No token, credential or log line", "Bounded time",
                          '"error"'):
            assert guarantee in text, (tool.name, guarantee)
        assert tool.output_schema and tool.output_schema["type"] == "object"
        assert tool.annotations and tool.annotations.read_only_hint and not tool.annotations.destructive_hint
    check = tools["check"].input_schema
    assert sorted(check["required"]) == ["namespace", "pod"]
    assert {"context", "bucket", "object", "live"} <= set(check["properties"])
    assert all(prop.get("description") for prop in check["properties"].values())
    assert "first_failure" in tools["check"].output_schema["properties"]


def test_contexts_namespaces_and_pods_as_the_picker_shows_them(server: McpServerProcess, world: LabWorld) -> None:
    contexts = server.call("list_contexts").structured_content["contexts"]
    assert {c["name"] for c in contexts} == {s.name for s in world.scenarios}
    assert [c["name"] for c in contexts if c["current"]] == ["healthy"]  # KUBECONFIG's current-context

    ns, pod = world.target("sa-annotation-missing")
    namespaces = server.call("list_namespaces", context="sa-annotation-missing").structured_content
    assert namespaces["context"] == "sa-annotation-missing" and ns in namespaces["namespaces"]

    listed = server.call("list_pods", namespace=ns, context="sa-annotation-missing").structured_content
    assert pod in [p["name"] for p in listed["pods"]]
    flags = [p["has_identity"] for p in listed["pods"]]
    assert flags == sorted(flags, reverse=True), "pods with an identity come first"
    assert all(p["has_identity"] == (p["role_arn"] is not None) for p in listed["pods"])

    only = server.call("list_pods", namespace=ns, context="sa-annotation-missing", filter=pod.upper()).structured_content
    assert [p["name"] for p in only["pods"]] == [pod] and only["total"] == listed["total"]
    assert server.call("list_pods", namespace=ns, filter="no-such-pod-anywhere").structured_content["matched"] == 0


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_check_gives_the_verdict_of_check_json(server: McpServerProcess, world: LabWorld, scenario: str) -> None:
    ns, pod = world.target(scenario)
    result = server.call("check", namespace=ns, pod=pod, context=scenario, **probe_args(world, scenario))
    assert not result.is_error
    doc = result.structured_content
    cli = cli_json(world, scenario)
    assert (doc["verdict"], doc["first_failure"]) == (cli["verdict"], cli["first_failure"])
    assert [(link["id"], link["status"]) for link in doc["links"]] == [
        (link["id"], link["status"]) for link in cli["links"]]
    assert [[f["code"] for f in link["findings"]] for link in doc["links"]] == [
        [f["code"] for f in link["findings"]] for link in cli["links"]]
    assert set(doc) == set(cli), "the same document as check --json"
    schema = server.run(lambda s: s.list_tools()).tools
    check_schema = next(t for t in schema if t.name == "check").output_schema
    assert set(doc) <= set(check_schema["properties"]), "outputSchema misses a field of the document"
    if scenario != "healthy":
        assert doc["verdict"] == "broken"


def test_the_server_context_is_the_default(server: McpServerProcess, world: LabWorld) -> None:
    ns, pod = world.target(DEFAULT_CONTEXT)
    doc = server.call("check", namespace=ns, pod=pod, live=False).structured_content
    assert doc["target"]["context"] == DEFAULT_CONTEXT
    assert doc["first_failure"] == cli_json(world, DEFAULT_CONTEXT)["first_failure"]


def test_fix_for_gives_the_commands_of_the_failing_link(server: McpServerProcess, world: LabWorld) -> None:
    scenario = "sa-role-arn-user"  # an IRSA chain: other links pass (sa-annotation-missing is mechanism none now)
    ns, pod = world.target(scenario)
    checked = server.call("check", namespace=ns, pod=pod, context=scenario).structured_content
    fix = server.call("fix_for", namespace=ns, pod=pod, context=scenario).structured_content
    failing = next(link for link in checked["links"] if link["id"] == checked["first_failure"])
    assert fix["from_earlier_check"] is True
    assert fix["fixes"] == [{"link": failing["id"], "status": "fail", "codes": [f["code"] for f in failing["findings"]],
                             "commands": failing["fix"], "for_human_review": True}]
    assert "kubectl" in failing["fix"] and "never runs" in fix["notice"]

    quiet = next(link for link in checked["links"] if not link["fix"])  # a link that needs no fix
    asked = server.call("fix_for", namespace=ns, pod=pod, context=scenario, link=quiet["id"]).structured_content
    assert asked["fixes"] == [] and asked["first_failure"] == checked["first_failure"]
    assert error_of(server.call("fix_for", namespace=ns, pod=pod, context=scenario, link="nope"))["code"] == "unknown-link"

    fresh = server.call("fix_for", namespace=ns, pod=pod, context=scenario, live=False).structured_content
    assert fresh["from_earlier_check"] is False and fresh["fixes"][0]["link"] == checked["first_failure"]


def test_bad_input_gets_an_error_object(server: McpServerProcess, world: LabWorld) -> None:
    ns, pod = world.target("healthy")
    cases = [
        ("unknown-context", "check", {"namespace": ns, "pod": pod, "context": "no-such-context"}),
        ("unknown-context", "list_namespaces", {"context": "no-such-context"}),
        ("pod-not-found", "check", {"namespace": ns, "pod": "no-such-pod", "context": "healthy"}),
        ("bad-bucket", "check", {"namespace": ns, "pod": pod, "context": "healthy", "bucket": "Not_A_Bucket"}),
        ("object-needs-bucket", "check", {"namespace": ns, "pod": pod, "context": "healthy", "object": "a/key"}),
        ("bad-name", "check", {"namespace": "Not A Namespace", "pod": pod, "context": "healthy"}),
        ("bad-name", "list_pods", {"namespace": "-bad-"}),
    ]
    for code, tool, arguments in cases:
        error = error_of(server.call(tool, **arguments))
        assert error["code"] == code, (tool, arguments, error)
    missing = error_of(server.call("check", namespace=ns, pod="no-such-pod", context="healthy"))
    assert "no-such-pod" in missing["message"]
    # the session is still healthy after all that
    assert server.call("list_contexts").structured_content["contexts"]


def test_explain_answers_as_explain_json(server: McpServerProcess) -> None:
    """The explain tool gives the document of `irsa-tui explain --json`, key for key, with the line redacted."""
    text = ("botocore.exceptions.ClientError: An error occurred (AccessDenied) when calling the ListObjectsV2 "
            "operation: User: arn:aws:sts::111122223333:assumed-role/eks-node-group-role/i-0abc12345def67890 is "
            "not authorized to perform: s3:ListBucket on resource: \"arn:aws:s3:::payments-invoices\"")
    got = server.call("explain", text=text).structured_content
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["explain", "--json", text]) == 0
    assert got == json.loads(out.getvalue())
    assert (got["mechanism"], got["link"]) == ("node-role", "injection")
    unknown = server.call("explain", text="all good here").structured_content
    assert unknown["mechanism"] == "unknown" and not unknown["recognised"]
    assert error_of(server.run(lambda s: s.call_tool("explain", {"text": ""})))["message"]


def test_codes_catalogue_resources(server: McpServerProcess) -> None:
    index = json.loads(server.run(lambda s: s.read_resource("irsa-tui://codes")).contents[0].text)
    codes = {c["code"] for c in index["codes"]}
    assert {"SA-201", "SA-001"} <= codes
    one = json.loads(server.run(lambda s: s.read_resource("irsa-tui://codes/SA-201")).contents[0].text)
    assert one["link"] == "service-account" and one["status"] == "fail" and one["fix"]


def test_the_diagnose_prompt(server: McpServerProcess) -> None:
    prompts = {p.name: p for p in server.run(lambda s: s.list_prompts()).prompts}
    assert [a.name for a in prompts["diagnose_pod"].arguments or []] == ["namespace", "pod", "context"]
    got = server.run(lambda s: s.get_prompt("diagnose_pod", {"namespace": "payments", "pod": "api-1"}))
    text = got.messages[0].content.text
    assert "payments/api-1" in text and "check" in text and "fix_for" in text and "Do not run" in text


def test_read_only_and_no_secret_leaves_the_server(server: McpServerProcess, world: LabWorld) -> None:
    """Every live tool call: only reads and TokenRequests reach the lab; no token or key in any output."""
    aws_before = len(world.aws_requests())
    kube_before = {s: len(world.requests(s)) for s in SCENARIOS}
    for scenario in SCENARIOS:
        ns, pod = world.target(scenario)
        server.call("check", namespace=ns, pod=pod, context=scenario, **probe_args(world, scenario))
        server.call("fix_for", namespace=ns, pod=pod, context=scenario, **probe_args(world, scenario))
        server.call("list_pods", namespace=ns, context=scenario)
    writes = [(m, p) for s in SCENARIOS for m, p in world.requests(s)[kube_before[s]:]
              if m != "GET" and not (m == "POST" and p.endswith("/token"))]
    assert not writes, f"kubernetes writes other than TokenRequest: {writes}"
    assert any(p.endswith("/token") for s in SCENARIOS for _, p in world.requests(s)[kube_before[s]:])
    read_only = ("Get", "List", "Describe", "Simulate", "AssumeRoleWithWebIdentity", "Head")
    aws_writes = [a for a in world.aws_requests()[aws_before:] if not a[1].startswith(read_only)]
    assert not aws_writes, f"AWS calls that are not reads: {aws_writes}"

    assert world.minted_tokens() and world.issued_credentials(), "nothing secret was made: the test proves nothing"
    text = "\n".join(server.outputs) + server.errlog_path.read_text(encoding="utf-8")
    leaked = [s[:12] + "…" for s in _secrets(world) if len(s) >= 8 and s in text]
    assert not leaked, f"secrets in MCP tool outputs or the server's stderr: {leaked}"


def test_the_deadline_bounds_a_check(world: LabWorld, tmp_path: Path) -> None:
    """A cluster API that never answers within --timeout: check still answers at the --deadline, the
    unfinished links as errors (the engine's deadline rule, as `check --deadline`)."""
    world.set_faults(["kubernetes:hang:serviceaccounts"])
    proc = McpServerProcess(server_env(world), tmp_path / "stderr.log", ("--timeout", "5", "--deadline", "2"))
    try:
        ns, pod = world.target("healthy")
        result = proc.call("check", namespace=ns, pod=pod, context="healthy")
        tools = {t.name: t for t in proc.run(lambda s: s.list_tools()).tools}
    finally:
        world.set_faults([])
        proc.close()
    assert not result.is_error
    doc = result.structured_content
    assert doc["verdict"] != "ok"
    sa = next(link for link in doc["links"] if link["id"] == "service-account")
    assert sa["status"] == "error" and "deadline of 2s passed" in sa["summary"], sa
    assert "within 12 s" in (tools["check"].description or "")  # the server-side limit: --deadline + 10


def test_without_the_sdk_one_line_and_exit_64() -> None:
    code = "import sys; sys.modules['mcp'] = None\nfrom irsa_tui.cli import main\nraise SystemExit(main(['mcp']))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 64
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1 and "pip install 'irsa-tui[mcp]'" in done.stderr


def test_arguments_against_the_schema_get_an_error_object(server: McpServerProcess) -> None:
    wrong = server.run(lambda s: s.call_tool("check", {"namespace": 3, "live": "maybe"}))
    error = error_of(wrong)
    assert error["code"] == "bad-arguments"
    for field in ("namespace", "pod", "live"):
        assert field in error["message"]
    assert error_of(server.run(lambda s: s.call_tool("no_such_tool", {})))["code"] == "unknown-tool"


def test_the_readme_snippet_starts_a_working_server(world: LabWorld, tmp_path: Path) -> None:
    """The README's registration snippet as a client runs it: its command and args (lab context swapped
    in) and only its env settings, the caller's keys coming from the AWS_PROFILE it names."""
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## For AI assistants (MCP)", 1)[1].split("\n## ", 1)[0]
    snippet = json.loads(section.split("```json", 1)[1].split("```", 1)[0])["mcpServers"]["irsa-tui"]
    assert snippet["command"] == "irsa-tui" and snippet["args"][0] == "mcp"
    assert set(snippet["env"]) <= {"KUBECONFIG", "AWS_PROFILE", "AWS_REGION", "AWS_ENDPOINT_URL", "SSL_CERT_FILE"}
    args = list(snippet["args"][1:])
    args[args.index("--context") + 1] = "healthy"
    script = Path(sys.executable).parent / snippet["command"]  # the console script, as installed
    home = tmp_path / "home"
    (home / ".aws").mkdir(parents=True)
    (home / ".aws" / "credentials").write_text(
        f"[{snippet['env']['AWS_PROFILE']}]\naws_access_key_id = {world.env['AWS_ACCESS_KEY_ID']}\n"
        f"aws_secret_access_key = {world.env['AWS_SECRET_ACCESS_KEY']}\n", encoding="utf-8")
    env = {key: world.env.get(key, value) for key, value in snippet["env"].items() if key != "AWS_PROFILE"}
    env |= {"AWS_PROFILE": snippet["env"]["AWS_PROFILE"], "AWS_ENDPOINT_URL": world.env["AWS_ENDPOINT_URL"],
            "SSL_CERT_FILE": world.env["SSL_CERT_FILE"], "HOME": str(home), "PATH": os.environ.get("PATH", "")}
    proc = McpServerProcess(env, tmp_path / "stderr.log", tuple(args), command=str(script))
    try:
        ns, pod = world.target("healthy")
        doc = proc.call("check", namespace=ns, pod=pod).structured_content
    finally:
        proc.close()
    assert doc["target"]["context"] == "healthy"
    assert doc["verdict"] == "ok", [(link["id"], link["summary"]) for link in doc["links"] if link["status"] != "pass"]
