"""Where a target's probe settings start (ui/probes.py): flags only in the start context, else the
context's kubeconfig extension, else nothing; live from the flags everywhere; then remembered."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from irsa_tui.ui.probes import Probe, ProbeBook


@dataclass(frozen=True)
class Ctx:
    name: str
    current: bool = False
    bucket: str | None = None
    object_key: str | None = None


CONTEXTS = {
    "prod": Ctx("prod", current=True),
    "staging": Ctx("staging", bucket="stage-b", object_key="k/1"),
}
FLAGS = Probe("flag-b", "flag-k", False, "flag")


@pytest.mark.parametrize(
    ("start", "target_context", "expected"),
    [
        pytest.param("prod", "prod", FLAGS, id="flags-in-the-start-context"),
        pytest.param(None, None, FLAGS, id="flags-in-the-current-context-unnamed"),
        pytest.param(None, "prod", FLAGS, id="flags-in-the-current-context-by-name"),
        pytest.param("prod", "staging", Probe("stage-b", "k/1", False, "kubeconfig"), id="other-context-extension"),
        pytest.param("staging", "prod", Probe(None, None, False, ""), id="other-context-nothing"),
    ],
)
def test_first_probe_of_a_target(start: str | None, target_context: str | None, expected: Probe) -> None:
    book = ProbeBook(FLAGS, start)
    assert book.first((target_context, "payments", "api"), CONTEXTS) == expected


def test_a_target_keeps_what_was_set_for_it() -> None:
    book = ProbeBook(Probe(), None)
    book.set(("prod", "payments", "api"), Probe("mine", None, True, "set here"))
    assert book.first(("prod", "payments", "api"), CONTEXTS).bucket == "mine"
    assert book.first(("prod", "payments", "worker"), CONTEXTS).bucket is None
