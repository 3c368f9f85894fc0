"""The fault suite shares the session lab world (tests/conftest.py); faults are healed after each test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from irsa_tui.lab.world import LabWorld
from tests.faults.cells import sync_env


@pytest.fixture(scope="session")
def world(lab_world: LabWorld) -> LabWorld:
    return lab_world


@pytest.fixture(autouse=True)
def healed(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    if "world" in request.fixturenames:
        lab: LabWorld = request.getfixturevalue("world")
        lab.set_faults([])
        lab.set_denied_actions([])
        sync_env(lab)
