"""The role's trust policy as JSON, the deciding statement and the failing condition keys highlighted."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import ScrollableContainer
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


class PolicyView(ScrollableContainer):
    """The decision, each statement in words, then the JSON as written: not wrapped (a wrapped ARN or
    condition key reads wrong), scrolled sideways when wider than the view."""

    COMPONENT_CLASSES = {"policy--allow", "policy--deny", "policy--fail", "policy--key"}
    DEFAULT_CSS = """
    PolicyView { padding: 0 1; }
    PolicyView > .policy-decision { text-style: bold; margin-bottom: 1; }
    PolicyView > .policy-statements { height: auto; margin-bottom: 1; width: 1fr; }
    PolicyView > .policy-json { width: auto; text-wrap: nowrap; }
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
        # one block per statement, prose wrapping at words (a table cut `eff/ect`, `All/ow` at 80 columns)
        text = Text()
        for n, st in enumerate(details.get("statements") or []):
            why = "; ".join(
                str(m.get("reason") or m.get("key") or m.get("element")) for m in st.get("mismatches") or []
            )
            if n:
                text.append("\n")
            number = st.get("number", st.get("index", 0) + 1)
            sid = f" ({st.get('sid')})" if st.get("sid") else ""
            text.append(f"statement #{number}{sid}: {st.get('effect')}", style="bold")
            text.append(f", applies to this token: {'yes' if st.get('applies') else 'no'}")
            if why:
                text.append(f"\n  why not: {why}")
        statements.update(text)
        styles = {
            name: self.get_component_rich_style(f"policy--{name}", partial=True)
            for name in ("allow", "deny", "fail", "key")
        }
        self.query_one(".policy-json", Static).update(policy_text(details, styles))
