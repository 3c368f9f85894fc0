"""The issuer adapter builds its TLS trust once per fetch and still verifies with it."""

from __future__ import annotations

import ssl
from typing import Any

import httpx
import pytest

from irsa_tui.chain.facts import ClusterFacts
from irsa_tui.engine import Options, Run, diagnose
from irsa_tui.lab.world import LabWorld
from irsa_tui.sources import issuer as issuer_mod

pytestmark = pytest.mark.integration


def _issuer_url(world: LabWorld) -> str:
    ns, pod = world.target("healthy")
    runs: list[Run] = []
    diagnose(Options(namespace=ns, pod=pod, context="healthy", live=False), run_out=runs)
    cluster = runs[0].facts.cluster
    assert isinstance(cluster, ClusterFacts) and cluster.issuer
    return cluster.issuer


def test_one_ssl_context_serves_discovery_jwks_and_thumbprint(
    world: LabWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = _issuer_url(world)
    made: list[ssl.SSLContext] = []
    real = httpx.create_ssl_context

    def counting(*args: Any, **kwargs: Any) -> ssl.SSLContext:
        made.append(real(*args, **kwargs))
        return made[-1]

    monkeypatch.setattr(httpx, "create_ssl_context", counting)
    facts = issuer_mod.fetch_issuer(url, None, 5.0)
    assert isinstance(facts.jwks, dict) and facts.jwks.get("keys")
    assert facts.top_ca_thumbprint and len(facts.top_ca_thumbprint) == 40
    assert len(made) == 1


def test_thumbprint_handshake_still_verifies_the_chain(world: LabWorld) -> None:
    url = _issuer_url(world)
    untrusting = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)  # verifies, but trusts only an unrelated CA
    untrusting.load_verify_locations(cadata=_unrelated_ca_pem())
    with pytest.raises(ssl.SSLError):
        issuer_mod.top_ca_thumbprint(url, 5.0, untrusting)


def _unrelated_ca_pem() -> str:
    """A self-signed CA that did not sign the lab's certificates."""
    import datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "unrelated test CA")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    return cert.public_bytes(serialization.Encoding.PEM).decode()
