"""Organisation and device keys, identity files and enrolment files.

- Each organisation has an X25519 key pair (bundles are encrypted to it, so every laptop of
  the organisation can read them and nobody else can) and an Ed25519 certification key. The
  certification key stays on the vault where the organisation was created (the data
  manager's); other laptops hold only its public half.
- Each device has its own Ed25519 signing key and a certificate chain from the organisation's
  key to it (certs.py). A bundle carries its sender's chain, so a receiver trusts any laptop
  its partner enrols without hearing about it first; a relaying laptop never needs to be
  trusted at all.
- An identity file is an organisation's public keys, self-signed, exchanged between
  organisations and checked by fingerprint (read aloud over the phone).
- An enrolment file lets new laptops join their organisation: the organisation's public
  identity and encryption key pair, a short-lived enrolment key with the organisation's
  certificate for it, and the partners it trusts, encrypted with XChaCha20-Poly1305 under a key
  derived by Argon2id from a one-time passphrase. Each joining laptop makes its own device key
  and certifies it with the enrolment key.

All primitives are libsodium's, through PyNaCl.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from nacl.bindings import (
    crypto_aead_xchacha20poly1305_ietf_decrypt,
    crypto_aead_xchacha20poly1305_ietf_encrypt,
)
from nacl.exceptions import BadSignatureError, CryptoError
from nacl.public import PrivateKey, SealedBox
from nacl.pwhash import argon2id
from nacl.signing import SigningKey, VerifyKey

from cmdesk.core.errors import PermissionDenied
from cmdesk.core.model.base import new_id
from cmdesk.core.model.org import org_id_for
from cmdesk.core.sync import rejections as rej
from cmdesk.core.sync.certs import DeviceCert as DeviceCert  # callers import it from here
from cmdesk.core.sync.certs import (
    EnrolCert,
    Link,
    chain_from_json,
    chain_to_json,
    now_text,
)

# Re-exported: the bundle format and tests import these from here.
from cmdesk.core.sync.keycodec import b64 as b64
from cmdesk.core.sync.keycodec import canonical as canonical
from cmdesk.core.sync.keycodec import req_str as _str
from cmdesk.core.sync.keycodec import unb64 as unb64

IDENTITY_KIND = "cmdesk-identity"
OLD_ENROL_MAGIC = b"cmdesk enrolment v1\n"  # carried the organisation's private keys
ENROL_MAGIC = b"cmdesk enrolment v2\n"
ENROL_DAYS = 14
# The passphrase is random (125 bits), so the KDF guards against nothing a person chose;
# interactive limits keep joining quick on an old laptop.
ENROL_OPS = argon2id.OPSLIMIT_INTERACTIVE
ENROL_MEM = argon2id.MEMLIMIT_INTERACTIVE
_ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"  # no 0/O, 1/I/L, U


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
    # None on a laptop limited to one team's cases: it opens only bundles sealed to its own
    # device key, never one made for every laptop of the organisation.
    box_secret: bytes | None
    # Only on the vault where the organisation was created.
    sign_secret: bytes | None

    def certifying_key(self) -> bytes:
        """The organisation's certification key, or PermissionDenied on a laptop that joined."""
        if self.sign_secret is None:
            raise PermissionDenied(rej.ORG_KEY_ELSEWHERE)
        return self.sign_secret

    def without_certifying_key(self) -> OrgKeys:
        return OrgKeys(self.identity, self.box_secret, None)

    @classmethod
    def generate(cls, org_id: str, code: str, name_th: str, name_en: str) -> OrgKeys:
        box, sign = PrivateKey.generate(), SigningKey.generate()
        ident = OrgIdentity(
            org_id, code, name_th, name_en, bytes(box.public_key), bytes(sign.verify_key)
        )
        return cls(ident, bytes(box), bytes(sign))

    def identity_file(self) -> bytes:
        body = self.identity.body()
        signature = SigningKey(self.certifying_key()).sign(canonical(body)).signature
        doc = {"kind": IDENTITY_KIND, "format": 1, "org": body, "signature": b64(signature)}
        return json.dumps(doc, ensure_ascii=False, indent=2).encode() + b"\n"


def read_identity_file(data: bytes) -> OrgIdentity:
    try:
        doc = json.loads(data.decode("utf-8"))
        if not isinstance(doc, dict) or doc.get("kind") != IDENTITY_KIND:
            raise ValueError
        ident = OrgIdentity.from_body(doc.get("org"))
        signature = unb64(doc.get("signature"), 64)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise rej.invalid("file", rej.NOT_AN_IDENTITY) from None
    if doc.get("format") != 1:
        raise rej.reject(rej.TOO_NEW)
    try:
        VerifyKey(ident.sign_public).verify(canonical(ident.body()), signature)
    except BadSignatureError:
        raise rej.invalid("file", rej.IDENTITY_ALTERED) from None
    return ident


def org_id_follows_from_code(ident: OrgIdentity) -> bool:
    """Organisation ids are uuid5 of the code (model/org.py), so one code has one id."""
    try:
        return ident.org_id == org_id_for(ident.code) and bool(ident.code.strip())
    except (ValueError, TypeError):
        return False


@dataclass(frozen=True)
class DeviceKeys:
    device_id: str
    sign_secret: bytes
    cert: DeviceCert
    # The links above `cert`, the organisation's side first (empty: the organisation signed it).
    chain: tuple[Link, ...] = ()

    @classmethod
    def generate(cls, org: OrgKeys, device_id: str) -> DeviceKeys:
        """A device certified by the organisation's own key (on the data manager's vault)."""
        return cls.certified(org.certifying_key(), device_id, org.identity.org_id)

    @classmethod
    def certified(
        cls,
        issuer_secret: bytes,
        device_id: str,
        org_id: str,
        *,
        role: str | None = None,
        issuer: str | None = None,
        chain: tuple[Link, ...] = (),
        issued_at: str | None = None,
    ) -> DeviceKeys:
        """A fresh key pair for `device_id`, certified with `issuer_secret`: the organisation's
        key, an enrolment key (`issuer` its id) or a device's own (`issuer` that device); `chain`
        is the links above the new certificate."""
        key = SigningKey.generate()
        cert = DeviceCert.issue(
            issuer_secret,
            device_id,
            org_id,
            bytes(key.verify_key),
            role=role,
            issuer=issuer,
            issued_at=issued_at,
        )
        return cls(device_id, bytes(key), cert, chain)

    def sign(self, message: bytes) -> bytes:
        return bytes(SigningKey(self.sign_secret).sign(message).signature)

    def chain_json(self) -> bytes:
        return canonical(chain_to_json(self.chain))


def successor_identity(current: DeviceKeys, device_id: str | None = None) -> DeviceKeys:
    """A new identity (new device id and key pair) for this device, certified by its current
    key: the chain becomes organisation → [enrolment] → current → successor, with the same
    organisation and role. Needs no organisation key, so any laptop can do it, e.g. when it
    finds its vault was cloned or restored and must stop using its old id. Verifiers accept
    the successor as long as no link of its chain is revoked. The caller stores the result
    (keystore.save_device) and switches the vault's device id in the same transaction."""
    return DeviceKeys.certified(
        current.sign_secret,
        device_id or new_id(),
        current.cert.org_id,
        role=current.cert.role,
        issuer=current.device_id,
        chain=(*current.chain, current.cert),
    )


def grant_box_secret(device_sign_public: bytes, box_secret: bytes) -> bytes:
    """The organisation's X25519 private key sealed to one device (its Ed25519 key as X25519)."""
    recipient = VerifyKey(device_sign_public).to_curve25519_public_key()
    return bytes(SealedBox(recipient).encrypt(box_secret))


def open_box_grant(device: DeviceKeys, sealed: bytes, box_public: bytes) -> bytes | None:
    """The organisation's new private key from a grant to this device, if it is for this
    device and matches the signed public key."""
    try:
        own = SigningKey(device.sign_secret).to_curve25519_private_key()
        secret = bytes(SealedBox(own).decrypt(sealed))
    except (CryptoError, ValueError, TypeError):
        return None
    if len(secret) != 32 or bytes(PrivateKey(secret).public_key) != box_public:
        return None
    return secret


def device_box_secret(device: DeviceKeys) -> bytes:
    """This device's signing key as an X25519 key: what opens a bundle sealed to it alone."""
    return bytes(SigningKey(device.sign_secret).to_curve25519_private_key())


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
    """What an enrolment file holds: no organisation certification key, and nothing that
    certifies a device after `expires_at`."""

    org: OrgKeys  # without its certification key
    enrol_secret: bytes
    enrol_cert: EnrolCert
    trusted: tuple[OrgIdentity, ...]
    # The laptop that made the file (the organisation's office): the new laptop counts it
    # among the organisation's laptops, holding nothing, until it hears from it, so what it
    # relays for the organisation is never left out for the office (hint only, unsigned:
    # a wrong id only makes bundles larger).
    issuer_device: str = ""
    # The issuing vault's accounts as directory entries (colleagues.py; nothing that signs in):
    # the new laptop knows its colleagues from the start, and one joining under a name there
    # takes that account's id for its first user (an account made before ids followed from
    # names keeps its own: model.org.user_id_for). A hint, checked where it is kept.
    staff: tuple[dict[str, Any], ...] = ()

    @property
    def role(self) -> str:
        return self.enrol_cert.role

    @property
    def expires_at(self) -> datetime:
        return self.enrol_cert.expires

    @property
    def laptops(self) -> int:
        return self.enrol_cert.laptops

    @property
    def team(self) -> str | None:
        return self.enrol_cert.team

    @classmethod
    def issue(
        cls,
        org: OrgKeys,
        enrol_id: str,
        role: str,
        trusted: tuple[OrgIdentity, ...],
        *,
        laptops: int = 1,
        now: datetime | None = None,
        issuer_device: str = "",
        team: str | None = None,
        staff: Sequence[dict[str, Any]] = (),
    ) -> Enrolment:
        """A fresh enrolment key certified by the organisation (needs its certifying key).
        With a team, the file carries no organisation private key at all: the laptops that
        join with it receive bundles sealed to their own device keys, holding that team's
        cases only (sharing.team_scope)."""
        at = now or datetime.now(UTC)
        key = SigningKey.generate()
        cert = EnrolCert.issue(
            org.certifying_key(),
            enrol_id,
            org.identity.org_id,
            bytes(key.verify_key),
            role=role,
            issued_at=at,
            expires_at=enrolment_expiry(at),
            laptops=laptops,
            team=team,
        )
        keys = org.without_certifying_key()
        if team is not None:
            keys = OrgKeys(keys.identity, None, None)
        return cls(keys, bytes(key), cert, trusted, issuer_device, tuple(staff))

    def new_device(self, now: datetime | None = None) -> DeviceKeys:
        """This laptop's own identity: a fresh id and key pair, certified by the enrolment key."""
        return DeviceKeys.certified(
            self.enrol_secret,
            new_id(),
            self.enrol_cert.org_id,
            role=self.enrol_cert.role,
            issuer=self.enrol_cert.enrol_id,
            chain=(self.enrol_cert,),
            issued_at=now_text(now),
        )


def seal_enrolment(enrolment: Enrolment, passphrase: str) -> bytes:
    org: dict[str, str] = dict(enrolment.org.identity.body())
    if enrolment.org.box_secret is not None:
        org["box_secret"] = b64(enrolment.org.box_secret)
    body = {
        "org": org,
        "enrol": {
            "sign_secret": b64(enrolment.enrol_secret),
            "cert": enrolment.enrol_cert.to_json(),
        },
        "trusted": [t.body() for t in enrolment.trusted],
        "issuer_device": enrolment.issuer_device,
        "staff": list(enrolment.staff),
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


def unseal_enrolment(data: bytes, passphrase: str) -> bytes:
    """The decrypted body of an enrolment file, unchecked (tests look inside with it)."""
    if data.startswith(OLD_ENROL_MAGIC):
        raise rej.invalid("file", rej.ENROL_OLD)
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
        return bytes(
            crypto_aead_xchacha20poly1305_ietf_decrypt(
                sealed, ENROL_MAGIC + header_line, nonce, key
            )
        )
    except CryptoError:
        raise rej.invalid("passphrase", rej.ENROL_WRONG_PASSPHRASE) from None


def open_enrolment(data: bytes, passphrase: str, now: datetime | None = None) -> Enrolment:
    plain = unseal_enrolment(data, passphrase)
    try:
        body = json.loads(plain)
        org_d, enrol_d = body["org"], body["enrol"]
        ident = OrgIdentity.from_body(org_d)
        cert = EnrolCert.from_json(enrol_d["cert"])
        # A team's enrolment carries no organisation private key (Enrolment.issue).
        box = None if cert.team is not None else unb64(org_d["box_secret"], 32)
        org = OrgKeys(ident, box, None)
        enrol_secret = unb64(enrol_d["sign_secret"], 32)
        trusted = tuple(OrgIdentity.from_body(t) for t in body["trusted"])
        issuer = str(body.get("issuer_device") or "")[:64]
        staff = _staff_hint(body.get("staff"))
    except (ValueError, KeyError, TypeError, AttributeError):
        raise rej.invalid("file", rej.NOT_ENROLMENT) from None
    if (
        cert.org_id != ident.org_id
        or not cert.signed_by(ident.sign_public)
        or bytes(SigningKey(enrol_secret).verify_key) != cert.sign_public
    ):
        raise rej.invalid("file", rej.NOT_ENROLMENT)
    if cert.expires < (now or datetime.now(UTC)):
        raise rej.invalid("file", rej.ENROL_EXPIRED)
    return Enrolment(org, enrol_secret, cert, trusted, issuer, staff)


def _staff_hint(value: object) -> tuple[dict[str, Any], ...]:
    """The file's directory entries (a file made before it carried them has none)."""
    if not isinstance(value, list):
        return ()
    return tuple(entry for entry in value[:5000] if isinstance(entry, dict))


def enrolment_expiry(now: datetime | None = None) -> datetime:
    return (now or datetime.now(UTC)) + timedelta(days=ENROL_DAYS)


def chain_from_text(text: bytes | None) -> tuple[Link, ...]:
    return chain_from_json(json.loads(text)) if text else ()
