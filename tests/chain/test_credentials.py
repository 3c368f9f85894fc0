"""What each SDK family uses in a container (chain/credentials.py, pod-identity.md §3.1)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from irsa_tui.chain.credentials import container_credentials
from irsa_tui.chain.facts import EnvVar, VolumeFacts, VolumeMount
from tests.chain.builders import app_container, healthy_pod

KEYS = (EnvVar("AWS_ACCESS_KEY_ID", None, "secretKeyRef k/id"), EnvVar("AWS_SECRET_ACCESS_KEY", None, "secretKeyRef k/s"))
FILE = (EnvVar("AWS_SHARED_CREDENTIALS_FILE", "/etc/aws/credentials"),)
CONFIG = (EnvVar("AWS_CONFIG_FILE", "/etc/aws/config"),)
PROFILE = (EnvVar("AWS_PROFILE", "legacy"),)
POD_ID = (EnvVar("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://169.254.170.23/v1/credentials"),)
SECRET_MOUNT = VolumeMount("aws-creds", "/etc/aws", True)


@pytest.mark.parametrize(
    ("extra", "irsa", "mounted", "uses_role", "picks"),
    [
        pytest.param((), True, False, True, "wwww", id="irsa-only"),
        pytest.param(KEYS, True, False, False, "kkkk", id="static-keys-beat-all"),
        pytest.param(KEYS + PROFILE, True, False, None, "kkkp", id="js-skips-keys-with-profile"),
        pytest.param(FILE, True, True, None, "wwwc", id="secret-file-js-first"),
        pytest.param(FILE, True, False, None, "wwwc", id="unmounted-file-maybe"),
        pytest.param(CONFIG, True, True, None, "wwwf", id="config-file-js-first"),
        pytest.param(PROFILE, True, False, None, "pwwp", id="profile-botocore-assume-role-maybe"),
        pytest.param(POD_ID, True, False, True, "wwww", id="web-identity-beats-container"),
        pytest.param(FILE, False, True, False, "cccc", id="no-irsa-file-for-all"),
        pytest.param(POD_ID, False, False, False, "oooo", id="pod-identity-only"),
        pytest.param((), False, False, False, "iiii", id="nothing-imds"),
    ],
)
def test_picks(extra: tuple[EnvVar, ...], irsa: bool, mounted: bool, uses_role: bool | None, picks: str) -> None:
    base = app_container()
    env = extra + (base.env if irsa else ())
    c = replace(base, env=env, mounts=base.mounts + ((SECRET_MOUNT,) if mounted else ()))
    pod = healthy_pod(containers=(c,), volumes=(VolumeFacts("aws-creds", "secret", detail="payments-aws-credentials"),))
    got = container_credentials(c, pod)
    letter = {"web-identity": "w", "env-keys": "k", "profile": "p", "credentials-file": "c", "config-file": "f",
              "container": "o", "imds": "i"}
    assert "".join(letter[s.kind] for s in got.picks.values()) == picks
    assert got.uses_role is uses_role
    if mounted and extra in (FILE, CONFIG):
        assert "secret payments-aws-credentials mounted at /etc/aws" in got.what()
