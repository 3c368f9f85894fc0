"""``explain`` on arbitrary text: never raises, stays well-formed, never echoes a token or a key."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from irsa_tui.explain.engine import explain, render_text
from irsa_tui.explain.shapes import LINKS, MECHANISMS, SHAPES
from tests.fuzz.strategies import fuzz, huge_text, text_like

EXAMPLES = [s.example for s in SHAPES.values()]
B64URL = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", min_size=16, max_size=80)


@fuzz()
@given(st.one_of(text_like(*EXAMPLES), huge_text(), st.lists(st.sampled_from(EXAMPLES)).map("\n".join)))
def test_explain_is_total_and_well_formed(text: str) -> None:
    result = explain(text)
    assert result.mechanism in MECHANISMS
    assert result.link is None or result.link in LINKS
    assert result.recognised == bool(result.matches) == (result.root is not None)
    assert "\n" not in result.meaning
    json.dumps(result.as_dict())
    render_text(result)
    for match in result.matches:
        assert "\n" not in match.line and len(match.line) <= 260


@fuzz()
@given(st.sampled_from(EXAMPLES), B64URL, B64URL, B64URL, st.sampled_from(["", " ", "Bearer ", "token="]))
def test_a_token_next_to_an_error_is_never_echoed(example: str, header: str, payload: str, sig: str, glue: str) -> None:
    token = f"eyJ{header}.eyJ{payload}.{sig}"
    result = explain(f"{example} {glue}{token}")
    shown = render_text(result) + json.dumps(result.as_dict())
    assert token not in shown and f"eyJ{payload}" not in shown
