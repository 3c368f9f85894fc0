"""The error-shape catalogue: well-formed, every shape sourced and recognising its own real text."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from irsa_tui.chain.model import LinkId
from irsa_tui.explain.engine import explain
from irsa_tui.explain.shapes import FAMILIES, LINKS, MECHANISMS, SHAPES, Shape, render_markdown

ROOT = Path(__file__).resolve().parents[2]
# A public source: a URL, owner/repo#number, or owner/repo plus a path in it.
SOURCE = re.compile(r"^(https://\S+|[\w.-]+/[\w.-]+#\d+(?: \(.+\))?|[\w.-]+/[\w.-]+ \S+.*)$")


def test_codes_are_well_formed() -> None:
    assert len(SHAPES) >= 40
    for code, shape in SHAPES.items():
        assert code == shape.code and re.fullmatch(r"ERR-\d{3}", code), code
        assert int(code[4:]) // 100 == FAMILIES[shape.family][1], f"{code}: hundreds do not match {shape.family}"
        assert (shape.family == "aws-cli") == (150 <= int(code[4:]) < 200), f"{code}: 150-199 are the AWS CLI's"
        assert shape.mechanism in MECHANISMS, code
        assert shape.link is None or shape.link in LINKS, code
        assert shape.title and shape.meaning and "\n" not in shape.meaning, code
        assert SOURCE.match(shape.source), f"{code}: source {shape.source!r} is not a URL or repo reference"
        assert all(other in SHAPES and other != code for other in shape.unless), code


@pytest.mark.parametrize("shape", SHAPES.values(), ids=lambda s: s.code)
def test_shape_recognises_its_own_real_text(shape: Shape) -> None:
    """The example is the text as printed in the source; the needle pre-filter must not hide it."""
    assert shape.regex.search(shape.example), shape.code
    assert any(needle in shape.example.lower() for needle in shape.needles), shape.code
    result = explain(shape.example)
    match = next((m for m in result.matches if m.shape.code == shape.code), None)
    assert match is not None, f"{shape.code} not found in its own example: {[m.shape.code for m in result.matches]}"
    if not shape.by_principal:
        assert (match.mechanism, match.link) == (shape.mechanism, shape.link)


def test_every_family_of_the_brief_has_shapes() -> None:
    families = {s.family for s in SHAPES.values()}
    assert families == set(FAMILIES), set(FAMILIES) - families


def test_link_ids_are_the_chain_models() -> None:
    assert set(LINKS) == {link.value for link in LinkId}


def test_both_mechanisms_and_every_link_but_association_are_covered() -> None:
    links = {s.link for s in SHAPES.values()}
    # An association that does not exist leaves no text of its own: the pod falls back (node role).
    assert set(LINKS) - {"association", "eks-auth"} <= links, set(LINKS) - links
    assert {"irsa", "pod-identity", "none"} <= {s.mechanism for s in SHAPES.values()}


def test_docs_errors_md_is_generated_and_current() -> None:
    doc = (ROOT / "docs/errors.md").read_text()
    assert doc.strip() == render_markdown().strip(), "docs/errors.md is stale: run `make docs`"


def test_readme_states_the_catalogue_size() -> None:
    readme = (ROOT / "README.md").read_text()
    assert f"It knows {len(SHAPES)} error shapes" in readme, "README's explain section: update the count"
