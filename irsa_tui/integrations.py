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
