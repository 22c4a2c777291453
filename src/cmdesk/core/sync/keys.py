"""Organisation and device keys, identity files, device certificates and enrolment files.

- Each organisation has an X25519 key pair (bundles are encrypted to it, so every laptop of
  the organisation can read them and nobody else can) and an Ed25519 certification key.
- Each device has its own Ed25519 signing key, and a certificate: the organisation's
  certification key signing (device id, organisation id, device public key). A bundle carries
  its sender's certificate, so a receiver trusts any laptop its partner enrols without hearing
  about it first; a relaying laptop never needs to be trusted at all.
- An identity file is an organisation's public keys, self-signed, exchanged between
  organisations and checked by fingerprint (read aloud over the phone).
- An enrolment file lets a new laptop join its organisation: the organisation's keys, a fresh
  device key and certificate, and the partners it trusts, encrypted with XChaCha20-Poly1305
  under a key derived by Argon2id from a one-time passphrase.

All primitives are libsodium's, through PyNaCl.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from nacl.bindings import (
    crypto_aead_xchacha20poly1305_ietf_decrypt,
    crypto_aead_xchacha20poly1305_ietf_encrypt,
)
from nacl.exceptions import BadSignatureError, CryptoError
from nacl.public import PrivateKey
from nacl.pwhash import argon2id
from nacl.signing import SigningKey, VerifyKey

from cmdesk.core.sync import rejections as rej

IDENTITY_KIND = "cmdesk-identity"
ENROL_MAGIC = b"cmdesk enrolment v1\n"
ENROL_DAYS = 14
# The passphrase is random (125 bits), so the KDF guards against nothing a person chose;
# interactive limits keep joining quick on an old laptop.
ENROL_OPS = argon2id.OPSLIMIT_INTERACTIVE
ENROL_MEM = argon2id.MEMLIMIT_INTERACTIVE
_ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"  # no 0/O, 1/I/L, U


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: object, size: int | None = None) -> bytes:
    if not isinstance(text, str):
        raise ValueError("not base64 text")
    raw = base64.b64decode(text, validate=True)
    if size is not None and len(raw) != size:
        raise ValueError("wrong length")
    return raw


def canonical(obj: object) -> bytes:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def _str(d: dict[str, Any], key: str, limit: int = 200) -> str:
    value = d.get(key)
    if not isinstance(value, str) or len(value) > limit:
        raise ValueError(key)
    return value


@dataclass(frozen=True)
class OrgIdentity:
    org_id: str
    code: str
    name_th: str
    name_en: str
    box_public: bytes
    sign_public: bytes

    def body(self) -> dict[str, str]:
        return {
            "org_id": self.org_id,
            "code": self.code,
            "name_th": self.name_th,
            "name_en": self.name_en,
            "box_public": b64(self.box_public),
            "sign_public": b64(self.sign_public),
        }

    @classmethod
    def from_body(cls, d: object) -> OrgIdentity:
        if not isinstance(d, dict):
            raise ValueError("identity")
        return cls(
            _str(d, "org_id", 36),
            _str(d, "code", 32),
            _str(d, "name_th"),
            _str(d, "name_en"),
            unb64(d.get("box_public"), 32),
            unb64(d.get("sign_public"), 32),
        )

    def fingerprint(self) -> str:
        """What two data managers read to each other to check an identity file."""
        digest = hashlib.sha256(self.box_public + self.sign_public).hexdigest()[:32].upper()
        return " ".join(digest[i : i + 4] for i in range(0, 32, 4))


@dataclass(frozen=True)
class OrgKeys:
    identity: OrgIdentity
    box_secret: bytes
    sign_secret: bytes

    @classmethod
    def generate(cls, org_id: str, code: str, name_th: str, name_en: str) -> OrgKeys:
        box, sign = PrivateKey.generate(), SigningKey.generate()
        ident = OrgIdentity(
            org_id, code, name_th, name_en, bytes(box.public_key), bytes(sign.verify_key)
        )
        return cls(ident, bytes(box), bytes(sign))

    def identity_file(self) -> bytes:
        body = self.identity.body()
        signature = SigningKey(self.sign_secret).sign(canonical(body)).signature
        doc = {"kind": IDENTITY_KIND, "format": 1, "org": body, "signature": b64(signature)}
        return json.dumps(doc, ensure_ascii=False, indent=2).encode() + b"\n"


def read_identity_file(data: bytes) -> OrgIdentity:
    try:
        doc = json.loads(data.decode("utf-8"))
        if not isinstance(doc, dict) or doc.get("kind") != IDENTITY_KIND:
            raise ValueError
        ident = OrgIdentity.from_body(doc.get("org"))
        signature = unb64(doc.get("signature"), 64)
    except (ValueError, UnicodeDecodeError):
        raise rej.invalid("file", rej.NOT_AN_IDENTITY) from None
    if doc.get("format") != 1:
        raise rej.reject(rej.TOO_NEW)
    try:
        VerifyKey(ident.sign_public).verify(canonical(ident.body()), signature)
    except BadSignatureError:
        raise rej.invalid("file", rej.IDENTITY_ALTERED) from None
    return ident


@dataclass(frozen=True)
class DeviceCert:
    device_id: str
    org_id: str
    sign_public: bytes
    signature: bytes

    def body(self) -> dict[str, str]:
        return {
            "device_id": self.device_id,
            "org_id": self.org_id,
            "sign_public": b64(self.sign_public),
        }

    def to_json(self) -> dict[str, str]:
        return {**self.body(), "signature": b64(self.signature)}

    @classmethod
    def from_json(cls, d: object) -> DeviceCert:
        if not isinstance(d, dict):
            raise ValueError("cert")
        return cls(
            _str(d, "device_id", 36),
            _str(d, "org_id", 36),
            unb64(d.get("sign_public"), 32),
            unb64(d.get("signature"), 64),
        )

    @classmethod
    def issue(cls, org: OrgKeys, device_id: str, device_public: bytes) -> DeviceCert:
        body = {
            "device_id": device_id,
            "org_id": org.identity.org_id,
            "sign_public": b64(device_public),
        }
        signature = SigningKey(org.sign_secret).sign(b"cmdesk-device\n" + canonical(body))
        return cls(device_id, org.identity.org_id, device_public, signature.signature)

    def valid_for(self, org_sign_public: bytes) -> bool:
        try:
            VerifyKey(org_sign_public).verify(
                b"cmdesk-device\n" + canonical(self.body()), self.signature
            )
        except BadSignatureError:
            return False
        return True


@dataclass(frozen=True)
class DeviceKeys:
    device_id: str
    sign_secret: bytes
    cert: DeviceCert

    @classmethod
    def generate(cls, org: OrgKeys, device_id: str) -> DeviceKeys:
        key = SigningKey.generate()
        return cls(device_id, bytes(key), DeviceCert.issue(org, device_id, bytes(key.verify_key)))

    def sign(self, message: bytes) -> bytes:
        return bytes(SigningKey(self.sign_secret).sign(message).signature)


def verify_signature(public: bytes, message: bytes, signature: bytes) -> bool:
    try:
        VerifyKey(public).verify(message, signature)
    except (BadSignatureError, ValueError):
        return False
    return True


# -- enrolment ------------------------------------------------------------------
def new_enrolment_passphrase() -> str:
    groups = ["".join(secrets.choice(_ALPHABET) for _ in range(5)) for _ in range(5)]
    return "-".join(groups)


def _normalise(passphrase: str) -> bytes:
    # Typed from paper: case, spaces and dashes do not matter.
    return "".join(ch for ch in passphrase.upper() if ch.isalnum()).encode()


@dataclass(frozen=True)
class Enrolment:
    org: OrgKeys
    device: DeviceKeys
    trusted: tuple[OrgIdentity, ...]
    role: str
    expires_at: datetime


def seal_enrolment(enrolment: Enrolment, passphrase: str) -> bytes:
    body = {
        "org": {
            **enrolment.org.identity.body(),
            "box_secret": b64(enrolment.org.box_secret),
            "sign_secret": b64(enrolment.org.sign_secret),
        },
        "device": {
            "device_id": enrolment.device.device_id,
            "sign_secret": b64(enrolment.device.sign_secret),
            "cert": enrolment.device.cert.to_json(),
        },
        "trusted": [t.body() for t in enrolment.trusted],
        "role": enrolment.role,
        "expires_at": enrolment.expires_at.isoformat(),
    }
    salt = os.urandom(argon2id.SALTBYTES)
    nonce = os.urandom(24)
    header = {
        "kdf": {"alg": "argon2id", "ops": ENROL_OPS, "mem": ENROL_MEM, "salt": b64(salt)},
        "nonce": b64(nonce),
    }
    header_line = canonical(header)
    key = argon2id.kdf(32, _normalise(passphrase), salt, opslimit=ENROL_OPS, memlimit=ENROL_MEM)
    sealed = crypto_aead_xchacha20poly1305_ietf_encrypt(
        canonical(body), ENROL_MAGIC + header_line, nonce, key
    )
    return ENROL_MAGIC + header_line + b"\n" + base64.b64encode(sealed) + b"\n"


def open_enrolment(data: bytes, passphrase: str, now: datetime | None = None) -> Enrolment:
    try:
        if not data.startswith(ENROL_MAGIC):
            raise ValueError
        header_line, sealed_line = data[len(ENROL_MAGIC) :].split(b"\n")[:2]
        header = json.loads(header_line)
        kdf = header["kdf"]
        if kdf["alg"] != "argon2id":
            raise ValueError
        ops, mem = int(kdf["ops"]), int(kdf["mem"])
        # Bounds keep a hostile file from asking for absurd work or memory.
        if not (1 <= ops <= 16 and 8192 <= mem <= 1 << 30):
            raise ValueError
        salt = unb64(kdf["salt"], argon2id.SALTBYTES)
        nonce = unb64(header["nonce"], 24)
        sealed = base64.b64decode(sealed_line, validate=True)
    except (ValueError, KeyError, TypeError):
        raise rej.invalid("file", rej.NOT_ENROLMENT) from None
    key = argon2id.kdf(32, _normalise(passphrase), salt, opslimit=ops, memlimit=mem)
    try:
        plain = crypto_aead_xchacha20poly1305_ietf_decrypt(
            sealed, ENROL_MAGIC + header_line, nonce, key
        )
    except CryptoError:
        raise rej.invalid("passphrase", rej.ENROL_WRONG_PASSPHRASE) from None
    try:
        body = json.loads(plain)
        org_d, dev_d = body["org"], body["device"]
        ident = OrgIdentity.from_body(org_d)
        org = OrgKeys(ident, unb64(org_d["box_secret"], 32), unb64(org_d["sign_secret"], 32))
        cert = DeviceCert.from_json(dev_d["cert"])
        device = DeviceKeys(_str(dev_d, "device_id", 36), unb64(dev_d["sign_secret"], 32), cert)
        trusted = tuple(OrgIdentity.from_body(t) for t in body["trusted"])
        role = _str(body, "role", 32)
        expires = datetime.fromisoformat(_str(body, "expires_at", 40))
    except (ValueError, KeyError, TypeError):
        raise rej.invalid("file", rej.NOT_ENROLMENT) from None
    if expires < (now or datetime.now(UTC)):
        raise rej.invalid("file", rej.ENROL_EXPIRED)
    return Enrolment(org, device, trusted, role, expires)


def enrolment_expiry(now: datetime | None = None) -> datetime:
    return (now or datetime.now(UTC)) + timedelta(days=ENROL_DAYS)
