"""The hub's own TLS certificate (self-signed, made on first start) and its pin.

Laptops pin the SHA-256 of the certificate's public key, read to them over the phone, so no
certificate authority or captive portal can stand in between."""

from __future__ import annotations

import hashlib
import ipaddress
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

CERT = "hub-cert.pem"
KEY = "hub-key.pem"


def ensure_certificate(data: Path, hosts: tuple[str, ...] = ("localhost",)) -> tuple[Path, Path]:
    data.mkdir(parents=True, exist_ok=True)
    cert_path, key_path = data / CERT, data / KEY
    if cert_path.exists() and key_path.exists():
        return cert_path, key_path
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "cmdesk-hub")])
    now = datetime.now(UTC)
    names: list[x509.GeneralName] = [x509.DNSName(h) for h in hosts]
    names.append(x509.IPAddress(ipaddress.ip_address("127.0.0.1")))
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        # Laptops pin the key, not a CA: a long life spares operators a renewal that would
        # break every laptop's pin.
        .not_valid_after(now + timedelta(days=3650))
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .sign(key, hashes.SHA256())
    )
    pem_key = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    fd = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(pem_key)
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return cert_path, key_path


def public_key_pin(cert_der_or_pem: bytes) -> str:
    """SHA-256 of the certificate's SubjectPublicKeyInfo, hex in groups of four."""
    if cert_der_or_pem.startswith(b"-----"):
        cert = x509.load_pem_x509_certificate(cert_der_or_pem)
    else:
        cert = x509.load_der_x509_certificate(cert_der_or_pem)
    spki = cert.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return readable(hashlib.sha256(spki).hexdigest())


def readable(digest_hex: str) -> str:
    text = digest_hex.upper()
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def normalise_pin(pin: str) -> str:
    return readable("".join(pin.split()).lower())
