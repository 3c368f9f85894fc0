"""One lab world per test process; every scenario is a kube context of it."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from irsa_tui.lab.world import LabWorld


@pytest.fixture(scope="session")
def world() -> Iterator[LabWorld]:
    lab = LabWorld.start()
    saved = {k: os.environ.get(k) for k in lab.env}
    os.environ.update(lab.env)
    try:
        yield lab
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        lab.stop()
