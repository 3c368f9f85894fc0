"""Where SREs already work: shell completion (from the argument parsers, by shtab) and a k9s plugin.

Both are printed by subcommands (``irsa-tui completion SHELL``, ``irsa-tui k9s-plugin``); nothing
here writes a file or runs anything.
"""

from __future__ import annotations

import argparse

__all__ = ["SHELLS", "completion_script", "k9s_plugin"]

SHELLS = ("bash", "zsh", "fish")

K9S_PLUGINS_FILE = "$XDG_CONFIG_HOME/k9s/plugins.yaml"


def completion_script(shell: str, parser: argparse.ArgumentParser) -> str:
    """The completion script for ``shell``, generated from ``parser`` (subcommands included)."""
    import shtab

    script: str = shtab.complete(parser, shell=shell)
    return script if script.endswith("\n") else script + "\n"


def k9s_plugin(shortcut: str = "Shift-W") -> str:
    """A k9s ``plugins.yaml`` entry: on the pods view, ``shortcut`` opens irsa-tui on the selected pod
    in k9s's context. ``${NAMESPACE}/${NAME}`` is always read as a pod (never as a subcommand)."""
    return f"""\
# irsa-tui for k9s: on the pods view, {shortcut} opens irsa-tui on the selected pod.
# Put the entry under "plugins:" in {K9S_PLUGINS_FILE}
# (default ~/.config/k9s/plugins.yaml; macOS: ~/Library/Application Support/k9s/plugins.yaml),
# or save this file as ~/.config/k9s/plugins/irsa-tui.yaml. irsa-tui must be on k9s's PATH.
plugins:
  irsa-tui:
    shortCut: {shortcut}
    description: IRSA chain
    scopes:
      - pods
    command: irsa-tui
    background: false
    confirm: false
    args:
      - ${{NAMESPACE}}/${{NAME}}
      - --context
      - $CONTEXT
"""


def kubectl_complete(parser: argparse.ArgumentParser, args: list[str]) -> str:
    """``kubectl irsa <TAB>``: kubectl runs ``kubectl_complete-irsa ARGS… PARTIAL`` and reads cobra's
    ``__complete`` output: the candidates for PARTIAL, one a line, then ``:<directive>``
    (4: no file completion; 0: the shell's default, files, after an option that takes a FILE)."""
    *done, partial = args or [""]
    current = parser
    for word in done:
        for action in current._actions:
            if isinstance(action, argparse._SubParsersAction) and word in action.choices:
                current = action.choices[word]
    previous = done[-1] if done else ""
    if previous == "--context":  # the kube contexts, as kubectl completes its own --context
        return "".join(f"{name}\n" for name in _context_names() if name.startswith(partial)) + ":4\n"
    for action in current._actions:
        if previous in action.option_strings and action.nargs != 0:
            return ":0\n" if action.metavar == "FILE" else ":4\n"  # a value: files, or nothing to offer
    if partial.startswith("-"):
        words = [s for a in current._actions for s in a.option_strings if s.startswith("--") or len(s) == 2]
    else:
        words = [name for a in current._actions if isinstance(a, argparse._SubParsersAction) for name in a.choices]
    return "".join(f"{w}\n" for w in words if w.startswith(partial)) + ":4\n"


def _context_names() -> list[str]:
    from irsa_tui.sources.kubeconfig import KubeconfigError, list_contexts

    try:
        return [ctx.name for ctx in list_contexts()]
    except (KubeconfigError, OSError):
        return []
