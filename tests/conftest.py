"""The one lab world of a test process (moto keeps state process-wide: one world per process).

Every suite that needs the lab (lab/, integration/, ui/, faults/) uses this session fixture,
so a pytest-xdist worker that runs files from several suites never starts a second world.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from irsa_tui.lab.world import LabWorld

# Settings that must not leak from the developer's shell into the lab world.
_SCRUB = ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_CA_BUNDLE", "AWS_CONFIG_FILE",
          "AWS_SHARED_CREDENTIALS_FILE")


@pytest.fixture(scope="session")
def lab_world() -> Iterator[LabWorld]:
    saved = dict(os.environ)
    lab = LabWorld.start()
    for key in _SCRUB:
        os.environ.pop(key, None)
    os.environ.update(lab.env)
    try:
        yield lab
    finally:
        lab.stop()
        os.environ.clear()
        os.environ.update(saved)
