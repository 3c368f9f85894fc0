"""The role's trust policy as JSON, the deciding statement and the failing condition keys highlighted."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from rich import box
from rich.style import Style
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Label, Static

from irsa_tui.chain.model import LinkResult

__all__ = ["PolicyView", "policy_text"]


def _statements(policy: Any) -> list[Any]:
    if not isinstance(policy, Mapping):
        return []
    raw = policy.get("Statement")
    if isinstance(raw, list):
        return raw
    return [raw] if raw is not None else []


def policy_text(details: Mapping[str, Any], styles: Mapping[str, Style]) -> Text:
    """Pretty JSON of ``details['policy']``: each statement styled by its role in the decision
    (``allow``, ``deny``, ``fail``) and every mismatching condition key styled ``key``."""
    policy = details.get("policy")
    if not isinstance(policy, Mapping):
        return Text(str(policy) if policy is not None else "(no policy)")
    analysis = {s.get("index"): s for s in details.get("statements") or [] if isinstance(s, Mapping)}
    head = {k: v for k, v in policy.items() if k != "Statement"}
    text = Text("{\n")
    for key, value in head.items():
        text.append(f"  {json.dumps(key)}: {json.dumps(value)},\n")
    text.append('  "Statement": [\n')
    statements = _statements(policy)
    for index, statement in enumerate(statements):
        block = "\n".join("    " + line for line in json.dumps(statement, indent=2).splitlines())
        block += ",\n" if index < len(statements) - 1 else "\n"
        piece = Text(block)
        info = analysis.get(index, {})
        role = None
        if details.get("allowed_by") == index:
            role = "allow"
        elif details.get("denied_by") == index:
            role = "deny"
        elif info.get("effect") == "Allow" and info.get("mismatches"):
            role = "fail"
        if role:
            piece.stylize(styles[role])
        for mismatch in info.get("mismatches") or []:
            key = mismatch.get("key") or mismatch.get("element")
            if key:
                piece.highlight_words([json.dumps(key)], styles["key"])
        text.append_text(piece)
    text.append("  ]\n}")
    return text


class PolicyView(VerticalScroll):
    COMPONENT_CLASSES = {"policy--allow", "policy--deny", "policy--fail", "policy--key"}
    DEFAULT_CSS = """
    PolicyView { padding: 0 1; }
    PolicyView > .policy-decision { text-style: bold; margin-bottom: 1; }
    PolicyView > .policy-statements { height: auto; margin-bottom: 1; }
    PolicyView > .policy--allow { color: $success; }
    PolicyView > .policy--deny { color: $error; text-style: bold; }
    PolicyView > .policy--fail { color: $warning; }
    PolicyView > .policy--key { background: $error 50%; text-style: bold underline; }
    """

    def compose(self) -> ComposeResult:
        yield Label("No trust policy yet", classes="policy-decision", markup=False)
        yield Static("", classes="policy-statements")
        yield Static("", classes="policy-json")

    def show(self, result: LinkResult | None) -> None:
        statements = self.query_one(".policy-statements", Static)
        statements.update("")
        details = dict(result.details) if result is not None else {}
        if "policy" not in details:
            message = "No trust policy" + (f": {result.summary}" if result is not None else " yet")
            self.query_one(".policy-decision", Label).update(message)
            self.query_one(".policy-json", Static).update(str(details.get("policy_text", "")))
            return
        decision = details.get("decision", "?")
        self.query_one(".policy-decision", Label).update(f"Decision for this pod's token: {decision}")
        table = Table(expand=True, box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
        for name, ratio in (("#", 1), ("sid", 3), ("effect", 2), ("applies", 2), ("why not", 10)):
            table.add_column(name, ratio=ratio, overflow="fold")
        for s in details.get("statements") or []:
            why = "; ".join(
                str(m.get("reason") or m.get("key") or m.get("element")) for m in s.get("mismatches") or []
            )
            table.add_row(
                str(s.get("number", s.get("index", 0) + 1)),
                str(s.get("sid") or "—"),
                str(s.get("effect")),
                "yes" if s.get("applies") else "no",
                why or "—",
            )
        statements.update(table)
        styles = {
            name: self.get_component_rich_style(f"policy--{name}", partial=True)
            for name in ("allow", "deny", "fail", "key")
        }
        self.query_one(".policy-json", Static).update(policy_text(details, styles))
