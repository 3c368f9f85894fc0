"""The MCP tests share the session lab world (tests/conftest.py) and start their own server processes."""

from __future__ import annotations

import pytest

from irsa_tui.lab.world import LabWorld


@pytest.fixture(scope="session")
def world(lab_world: LabWorld) -> LabWorld:
    return lab_world
