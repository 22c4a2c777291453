"""Key wrapping for key slots, built from well-kept libraries only.

- Passphrase slots: Argon2id (argon2-cffi) derives a key-encryption key; AES-256-GCM
  (cryptography) wraps the data key, with the slot's identity as associated data so a
  slot cannot be moved to another user or vault.
- Recovery slot: libsodium's sealed box (PyNaCl) to the organisation's recovery public key,
  whose private half stays offline.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass

from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from nacl.exceptions import CryptoError
from nacl.public import PrivateKey, PublicKey, SealedBox

DATA_KEY_BYTES = 32
_SALT_BYTES = 16
_NONCE_BYTES = 12


class UnwrapFailed(Exception):
    """The wrapping key is wrong or the wrapped bytes were altered."""


@dataclass(frozen=True)
class KdfParams:
    """Argon2id parameters. Stored in each slot, so tuning can change without breaking slots."""

    time_cost: int
    memory_kib: int
    parallelism: int
    salt: bytes

    def to_json(self) -> dict[str, object]:
        d = asdict(self)
        d["salt"] = self.salt.hex()
        d["alg"] = "argon2id"
        return d

    @classmethod
    def from_json(cls, d: dict[str, object]) -> KdfParams:
        if d.get("alg") != "argon2id":
            raise ValueError("unknown key derivation")
        return cls(
            time_cost=int(str(d["time_cost"])),
            memory_kib=int(str(d["memory_kib"])),
            parallelism=int(str(d["parallelism"])),
            salt=bytes.fromhex(str(d["salt"])),
        )

    def with_new_salt(self) -> KdfParams:
        return KdfParams(self.time_cost, self.memory_kib, self.parallelism, os.urandom(_SALT_BYTES))


# A field laptop may be old: 64 MiB keeps memory modest while still hurting GPU guessing.
DEFAULT_MEMORY_KIB = 64 * 1024
DEFAULT_PARALLELISM = 2
# A bound on tuning, so a broken timer cannot make unlocking take minutes.
MAX_TIME_COST = 64


def weak_kdf_for_tests() -> KdfParams:
    """Cheap parameters for test fixtures only; never chosen by a front end."""
    return KdfParams(1, 8 * 1024, 1, os.urandom(_SALT_BYTES))


def time_derivation(params: KdfParams) -> float:
    """Seconds one derivation with these parameters takes on this machine, now."""
    started = time.perf_counter()
    derive_key(b"tuning", params)
    return time.perf_counter() - started


def tune_kdf(
    target_seconds: float = 0.5,
    minimum_seconds: float = 0.3,
    *,
    timer: Callable[[KdfParams], float] = time_derivation,
) -> KdfParams:
    """Finds a time cost that makes one derivation take about target_seconds on this machine,
    and never less than minimum_seconds as measured."""
    salt = os.urandom(_SALT_BYTES)
    probe = KdfParams(1, DEFAULT_MEMORY_KIB, DEFAULT_PARALLELISM, salt)
    per_pass = max(timer(probe), 1e-3)
    time_cost = min(MAX_TIME_COST, max(2, round(target_seconds / per_pass)))
    params = KdfParams(time_cost, DEFAULT_MEMORY_KIB, DEFAULT_PARALLELISM, salt)
    # The estimate is linear; confirm once and step up if this machine was faster than it looked.
    while timer(params) < minimum_seconds and time_cost < MAX_TIME_COST:
        time_cost = min(MAX_TIME_COST, time_cost + max(1, time_cost // 2))
        params = KdfParams(time_cost, DEFAULT_MEMORY_KIB, DEFAULT_PARALLELISM, salt)
    return params.with_new_salt()


def derive_key(passphrase: bytes, params: KdfParams) -> bytes:
    return hash_secret_raw(
        secret=passphrase,
        salt=params.salt,
        time_cost=params.time_cost,
        memory_cost=params.memory_kib,
        parallelism=params.parallelism,
        hash_len=32,
        type=Type.ID,
    )


def new_data_key() -> bytes:
    return os.urandom(DATA_KEY_BYTES)


def wrap(kek: bytes, data_key: bytes, associated: bytes) -> tuple[bytes, bytes]:
    nonce = os.urandom(_NONCE_BYTES)
    return nonce, AESGCM(kek).encrypt(nonce, data_key, associated)


def unwrap(kek: bytes, nonce: bytes, wrapped: bytes, associated: bytes) -> bytes:
    try:
        return AESGCM(kek).decrypt(nonce, wrapped, associated)
    except InvalidTag as exc:
        raise UnwrapFailed from exc


def new_recovery_keypair() -> tuple[bytes, bytes]:
    """Returns (private, public) raw X25519 keys."""
    private = PrivateKey.generate()
    return bytes(private), bytes(private.public_key)


def seal_to(public_key: bytes, data_key: bytes) -> bytes:
    return bytes(SealedBox(PublicKey(public_key)).encrypt(data_key))


def open_sealed(private_key: bytes, sealed: bytes) -> bytes:
    try:
        return bytes(SealedBox(PrivateKey(private_key)).decrypt(sealed))
    except CryptoError as exc:
        raise UnwrapFailed from exc


def public_of(private_key: bytes) -> bytes:
    return bytes(PrivateKey(private_key).public_key)
