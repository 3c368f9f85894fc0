"""Lab PKI: root CA -> intermediate CA -> leaf for 127.0.0.1/localhost, plus issuer signing keys.

Servers present leaf + intermediate (the root is not sent, like real hosts); clients trust the
root through ``SSL_CERT_FILE`` / ``certificate-authority-data``. Keys are generated once per
process and cached, because 2048-bit RSA generation costs ~50-100 ms each.
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import hashlib
import ipaddress
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

__all__ = ["Pki", "SigningKey", "pki", "signing_key"]


@functools.lru_cache(maxsize=64)
def _load_private(pem: bytes) -> Any:
    return serialization.load_pem_private_key(pem, password=None)


@dataclass(frozen=True)
class SigningKey:
    """An RSA issuer key as EKS uses it: RS256, kid = 40 hex chars."""

    kid: str
    private_pem: bytes
    public_pem: bytes
    jwk: dict[str, str]

    @property
    def private_key(self) -> Any:
        # Loading a PEM RSA key re-checks the key (~40 ms); keep the loaded one per process.
        return _load_private(self.private_pem)


@dataclass(frozen=True)
class Pki:
    root_pem: bytes
    intermediate_pem: bytes
    leaf_pem: bytes
    leaf_key_pem: bytes

    @property
    def chain_pem(self) -> bytes:
        """What servers present: leaf then intermediate."""
        return self.leaf_pem + self.intermediate_pem

    @property
    def root_der_sha1(self) -> str:
        cert = x509.load_pem_x509_certificate(self.root_pem)
        return cert.fingerprint(hashes.SHA1()).hex()

    @property
    def intermediate_der_sha1(self) -> str:
        """The thumbprint IAM wants: the top CA cert the server actually sends (last of the chain)."""
        cert = x509.load_pem_x509_certificate(self.intermediate_pem)
        return cert.fingerprint(hashes.SHA1()).hex()

    def write(self, directory: Path) -> tuple[Path, Path, Path]:
        """Write root CA, server chain and server key; return their paths."""
        directory.mkdir(parents=True, exist_ok=True)
        ca = directory / "lab-root-ca.pem"
        chain = directory / "server-chain.pem"
        key = directory / "server-key.pem"
        ca.write_bytes(self.root_pem)
        chain.write_bytes(self.chain_pem)
        key.write_bytes(self.leaf_key_pem)
        key.chmod(0o600)
        return ca, chain, key


_lock = threading.Lock()
_pki: Pki | None = None
_keys: dict[str, SigningKey] = {}


def _name(cn: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "irsa-tui lab"),
            x509.NameAttribute(NameOID.COMMON_NAME, cn),
        ]
    )


def _cert(
    subject: str,
    key: Any,
    issuer_name: x509.Name,
    issuer_key: Any,
    *,
    ca: bool,
    path_len: int | None = None,
    issuer_pub: Any = None,
) -> x509.Certificate:
    now = dt.datetime.now(dt.timezone.utc)
    pub = key.public_key()
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(subject))
        .issuer_name(issuer_name)
        .public_key(pub)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30 if not ca else 365))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=path_len), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(pub), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_pub or issuer_key.public_key()),
            critical=False,
        )
    )
    if ca:
        builder = builder.add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
    else:
        builder = (
            builder.add_extension(
                x509.SubjectAlternativeName(
                    [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
                ),
                critical=False,
            )
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True,
                    content_commitment=False,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=False,
                    crl_sign=False,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        )
    return builder.sign(issuer_key, hashes.SHA256())


def pki() -> Pki:
    """The process-wide lab PKI (EC P-256 keys for the TLS chain: fast to generate)."""
    global _pki
    with _lock:
        if _pki is None:
            root_key = ec.generate_private_key(ec.SECP256R1())
            inter_key = ec.generate_private_key(ec.SECP256R1())
            leaf_key = ec.generate_private_key(ec.SECP256R1())
            root = _cert(
                "irsa-tui lab root CA", root_key, _name("irsa-tui lab root CA"), root_key, ca=True, path_len=1
            )
            inter = _cert(
                "irsa-tui lab intermediate CA", inter_key, root.subject, root_key, ca=True, path_len=0
            )
            leaf = _cert("127.0.0.1", leaf_key, inter.subject, inter_key, ca=False)
            pem = serialization.Encoding.PEM
            _pki = Pki(
                root_pem=root.public_bytes(pem),
                intermediate_pem=inter.public_bytes(pem),
                leaf_pem=leaf.public_bytes(pem),
                leaf_key_pem=leaf_key.private_bytes(
                    pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
                ),
            )
        return _pki


def _b64u(value: int) -> str:
    raw = value.to_bytes((value.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def signing_key(label: str) -> SigningKey:
    """The RSA 2048 issuer key for ``label`` (one per scenario), generated once per process."""
    with _lock:
        found = _keys.get(label)
        if found is not None:
            return found
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pub = key.public_key()
    der = pub.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    kid = hashlib.sha1(der).hexdigest()
    nums = pub.public_numbers()
    made = SigningKey(
        kid=kid,
        private_pem=key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ),
        public_pem=pub.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        ),
        jwk={"kty": "RSA", "kid": kid, "use": "sig", "alg": "RS256", "n": _b64u(nums.n), "e": _b64u(nums.e)},
    )
    with _lock:
        return _keys.setdefault(label, made)
