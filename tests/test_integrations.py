"""kubectl plugin, k9s plugin, shell completion: as kubectl, k9s and the shells will see them."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from irsa_tui import cli

BIN = Path(sys.executable).parent
ON_PATH = {"PATH": os.pathsep.join([str(BIN), os.environ.get("PATH", "")])}
KUBECTL = shutil.which("kubectl")


def _run(cmd: list[str], env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, env={**os.environ, **ON_PATH, **(env or {})}, stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=60, check=False)


# --- kubectl irsa ---------------------------------------------------------------------------------
def _kubectl_irsa() -> list[str]:
    """``kubectl irsa`` when kubectl is installed (its plugin discovery finds kubectl-irsa on PATH),
    else the binary kubectl would exec, by that exact name."""
    return [KUBECTL, "irsa"] if KUBECTL else [str(BIN / "kubectl-irsa")]


@pytest.mark.parametrize(("argv", "usage"), [(["--help"], "usage: kubectl irsa ["),
                                             (["check", "--help"], "usage: kubectl irsa check [")])
def test_kubectl_irsa_help(argv: list[str], usage: str) -> None:
    proc = _run([*_kubectl_irsa(), *argv])
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith(usage)
    for flag in ("--kubeconfig", "--context", "-n NAMESPACE"):
        assert flag in proc.stdout


def test_kubectl_irsa_honours_kubeconfig_flag_over_the_environment(tmp_path: Path) -> None:
    """kubectl's --kubeconfig wins over $KUBECONFIG: the context is looked up in the flag's file."""
    flag_file = tmp_path / "flag.yaml"
    flag_file.write_text("apiVersion: v1\nkind: Config\ncontexts:\n- name: from-flag\n  context: {cluster: c, user: u}\n"
                         "clusters: []\nusers: []\n")
    env_file = tmp_path / "env.yaml"
    env_file.write_text("apiVersion: v1\nkind: Config\ncontexts: []\nclusters: []\nusers: []\n")
    proc = _run([*_kubectl_irsa(), "check", "payments/api", "--context", "missing", "--kubeconfig", str(flag_file)],
                {"KUBECONFIG": str(env_file)})
    assert proc.returncode == cli.EXIT_USAGE
    assert proc.stderr.startswith("kubectl irsa: ") and len(proc.stderr.strip().splitlines()) == 1
    assert "from-flag" in proc.stderr or str(flag_file) in proc.stderr, proc.stderr


@pytest.mark.parametrize("entry", ["irsa-tui", "kubectl-irsa"])
def test_a_missing_kubeconfig_file_is_a_usage_error(entry: str, tmp_path: Path) -> None:
    proc = _run([str(BIN / entry), "check", "payments/api", "--kubeconfig", str(tmp_path / "nope")])
    assert proc.returncode == cli.EXIT_USAGE
    assert "is not a file" in proc.stderr and "Traceback" not in proc.stderr


def test_kubeconfig_environment_is_honoured(tmp_path: Path) -> None:
    env_file = tmp_path / "env.yaml"
    env_file.write_text("apiVersion: v1\nkind: Config\ncontexts:\n- name: from-env\n  context: {cluster: c, user: u}\n"
                        "clusters: []\nusers: []\n")
    proc = _run([str(BIN / "kubectl-irsa"), "check", "payments/api", "--context", "missing"], {"KUBECONFIG": str(env_file)})
    assert proc.returncode == cli.EXIT_USAGE
    assert "from-env" in proc.stderr or str(env_file) in proc.stderr, proc.stderr


# --- k9s ------------------------------------------------------------------------------------------
def test_k9s_plugin_is_a_plugins_yaml_that_opens_the_selected_pod(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["k9s-plugin"]) == 0
    doc = yaml.safe_load(capsys.readouterr().out)
    plugin = doc["plugins"]["irsa-tui"]
    # k9s decodes plugins with KnownFields(true): only its Plugin struct's fields (internal/config/plugin.go)
    assert set(plugin) <= {"scopes", "args", "shortCut", "override", "pipes", "description", "command", "confirm",
                           "background", "dangerous", "overwriteOutput"}
    assert plugin["scopes"] == ["pods"] and plugin["background"] is False
    assert plugin["shortCut"] and plugin["description"]
    command = [plugin["command"], *plugin["args"]]
    assert command == ["irsa-tui", "${NAMESPACE}/${NAME}", "--context", "$CONTEXT"]
    # what k9s runs, with its variables filled in, is the TUI on that pod in that context
    filled = [a.replace("${NAMESPACE}", "payments").replace("${NAME}", "api-7d9f").replace("$CONTEXT", "prod")
              for a in command[1:]]
    args = cli._tui_parser().parse_args(filled)
    assert (args.target, args.context) == ("payments/api-7d9f", "prod")
    assert cli._unknown_command(args.target, args.namespace) is None
    assert cli.parse_target(args.target, args.namespace) == ("payments", "api-7d9f")


def test_k9s_plugin_shortcut_option(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["k9s-plugin", "--shortcut", "Ctrl-I"]) == 0
    assert yaml.safe_load(capsys.readouterr().out)["plugins"]["irsa-tui"]["shortCut"] == "Ctrl-I"


# --- completion -----------------------------------------------------------------------------------
@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completion_scripts_name_every_command(shell: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["completion", shell]) == 0
    script = capsys.readouterr().out
    options = ["--context", "--kubeconfig", "--json"]
    if shell == "fish":  # fish spells a long option `-l name`
        options = [f"-l {o[2:]}" for o in options]
    for word in [*cli.COMMANDS, *options]:
        assert word in script, (shell, word)


def test_completion_unknown_shell_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["completion", "tcsh-ish"]) == cli.EXIT_USAGE
    assert "invalid choice" in capsys.readouterr().err


def _bash_complete(words: list[str]) -> list[str]:
    script = subprocess.run([sys.executable, "-m", "irsa_tui", "completion", "bash"], capture_output=True,
                            text=True, check=True).stdout
    line = " ".join(words)
    driver = (f"{script}\nCOMP_WORDS=({line}); COMP_CWORD={len(words) - 1}; COMP_LINE='{line}'; "
              f"COMP_POINT=${{#COMP_LINE}}; _shtab_irsa_tui; printf '%s\\n' \"${{COMPREPLY[@]}}\"")
    out = subprocess.run(["bash", "--norc", "-c", driver], capture_output=True, text=True, check=True, timeout=30)
    return sorted(out.stdout.split())


@pytest.mark.skipif(shutil.which("bash") is None, reason="no bash")
def test_bash_completes_commands_and_options() -> None:
    assert _bash_complete(["irsa-tui", "ch"]) == ["check"]
    assert "--markdown" in _bash_complete(["irsa-tui", "check", "--m"])
    assert _bash_complete(["irsa-tui", "lab", "s"]) == ["serve"]


# --- kubectl irsa <TAB> -----------------------------------------------------------------------------
def _kubectl_complete(words: list[str], env: dict[str, str] | None = None) -> list[str]:
    """What kubectl's plugin completion gets (``kubectl __complete irsa …`` when kubectl is here, else the
    helper it would run, by its exact name)."""
    cmd = [KUBECTL, "__complete", "irsa", *words] if KUBECTL else [str(BIN / "kubectl_complete-irsa"), *words]
    proc = _run(cmd, env)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.splitlines()


def test_kubectl_irsa_completes_commands_options_and_contexts(tmp_path: Path) -> None:
    assert _kubectl_complete(["ch"]) == ["check", ":4"]
    assert _kubectl_complete(["check", "--js"]) == ["--json", ":4"]
    assert _kubectl_complete(["check", "--kubeconfig", ""]) == [":0"]  # files
    config = tmp_path / "config"
    config.write_text("apiVersion: v1\nkind: Config\ncontexts:\n- name: prod-eks\n  context: {cluster: c, user: u}\n"
                      "- name: staging\n  context: {cluster: c, user: u}\nclusters: []\nusers: []\n")
    assert _kubectl_complete(["--context", "pr"], {"KUBECONFIG": str(config)}) == ["prod-eks", ":4"]
