"""The key-slot file: one random data key, opened by each user's passphrase and by recovery.

Each user's slot holds an X25519 key pair: the private key wrapped under the passphrase
(Argon2id + AES-GCM), the public key in the clear, and the data key sealed to that public key.
So the data key can be replaced for every remaining user without knowing their passphrases:
removing a user re-keys the database and seals the new key to the others (Vault.rekey), and a
copy of the old slot file with the removed user's passphrase opens only the old key, which no
longer opens the live database.

Slots written before this (format 1) wrap the data key itself; each is turned into a key-pair
slot at its user's next unlock (the passphrase is needed for that). A re-key waits until none
is left (`rekey_pending`), because those users could not be given the new key.

While a re-key is under way the slots also hold the next key (`next_sealed`), written before the
database changes, so a crash at any moment leaves a vault that one of the two keys opens.

Changing a passphrase rewrites one slot; the database is never re-encrypted. The file holds
no personal data about children: user names of staff, KDF parameters and wrapped keys.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from cmdesk.core.errors import VaultDamaged
from cmdesk.core.vault import crypto
from cmdesk.core.vault.files import atomic_write

FORMAT = 2
READABLE = (1, 2)


@dataclass
class PassphraseSlot:
    slot_id: str
    user: str
    kdf: crypto.KdfParams
    nonce: bytes
    # The user's private key wrapped under the passphrase; in a format-1 slot, the data key.
    wrapped: bytes
    public_key: bytes = b""  # empty in a format-1 slot
    sealed: bytes = b""  # the data key sealed to public_key
    next_sealed: bytes = b""  # the next data key while a re-key is under way

    def associated(self, vault_id: str) -> bytes:
        return f"cmdesk-slot|{vault_id}|{self.slot_id}|{self.user}".encode()

    @property
    def legacy(self) -> bool:
        return not self.public_key


@dataclass
class RecoverySlot:
    public_key: bytes
    sealed: bytes
    next_sealed: bytes = b""


@dataclass
class KeySlots:
    vault_id: str
    slots: list[PassphraseSlot] = field(default_factory=list)
    recovery: RecoverySlot | None = None
    # A user was removed while format-1 slots remained: re-key once they are gone.
    rekey_pending: bool = False
    # Wrong passphrases since the last unlock, mirrored from unlock-state.json (throttle.py):
    # deleting that file no longer lifts the backoff or hides the failures from the audit
    # trail. Anyone who can write both files can still reset both; the passphrase's key
    # derivation is what holds against guessing with the files in hand.
    failures: int = 0
    last_failure: float = 0.0

    # -- reading and writing -------------------------------------------------
    @classmethod
    def load(cls, path: Path) -> KeySlots:
        try:
            raw = json.loads(path.read_text("utf-8"))
            if raw.get("format") not in READABLE:
                raise ValueError("format")
            slots = [
                PassphraseSlot(
                    slot_id=s["slot_id"],
                    user=s["user"],
                    kdf=crypto.KdfParams.from_json(s["kdf"]),
                    nonce=bytes.fromhex(s["nonce"]),
                    wrapped=bytes.fromhex(s["wrapped"]),
                    public_key=bytes.fromhex(s.get("public_key", "")),
                    sealed=bytes.fromhex(s.get("sealed", "")),
                    next_sealed=bytes.fromhex(s.get("next_sealed", "")),
                )
                for s in raw["slots"]
            ]
            rec = raw.get("recovery")
            recovery = (
                RecoverySlot(
                    bytes.fromhex(rec["public_key"]),
                    bytes.fromhex(rec["sealed"]),
                    bytes.fromhex(rec.get("next_sealed", "")),
                )
                if rec
                else None
            )
            return cls(
                vault_id=str(raw["vault_id"]),
                slots=slots,
                recovery=recovery,
                rekey_pending=raw.get("rekey_pending") is True,
                failures=int(raw.get("failures", 0)),
                last_failure=float(raw.get("last_failure", 0.0)),
            )
        except FileNotFoundError:
            raise
        except (ValueError, KeyError, TypeError) as exc:
            raise VaultDamaged from exc

    def save(self, path: Path) -> None:
        raw = {
            "format": FORMAT,
            "vault_id": self.vault_id,
            "slots": [
                {
                    "slot_id": s.slot_id,
                    "user": s.user,
                    "kdf": s.kdf.to_json(),
                    "nonce": s.nonce.hex(),
                    "wrapped": s.wrapped.hex(),
                    "public_key": s.public_key.hex(),
                    "sealed": s.sealed.hex(),
                    "next_sealed": s.next_sealed.hex(),
                }
                for s in self.slots
            ],
            "recovery": (
                {
                    "public_key": self.recovery.public_key.hex(),
                    "sealed": self.recovery.sealed.hex(),
                    "next_sealed": self.recovery.next_sealed.hex(),
                }
                if self.recovery
                else None
            ),
            "rekey_pending": self.rekey_pending,
            "failures": self.failures,
            "last_failure": self.last_failure,
        }
        atomic_write(path, json.dumps(raw, indent=1).encode("utf-8"))

    # -- slots -----------------------------------------------------------------
    def find(self, user: str) -> PassphraseSlot | None:
        folded = user.casefold()
        return next((s for s in self.slots if s.user.casefold() == folded), None)

    def set_passphrase(
        self, user: str, passphrase: str, data_key: bytes, kdf: crypto.KdfParams
    ) -> None:
        """Adds the user's slot, or replaces it (a passphrase change): a new key pair, its
        private key wrapped under the passphrase, the data key sealed to its public key."""
        self.remove(user)
        private, public = crypto.new_recovery_keypair()
        slot = PassphraseSlot(uuid.uuid4().hex, user, kdf.with_new_salt(), b"", b"", public)
        kek = crypto.derive_key(passphrase.encode("utf-8"), slot.kdf)
        slot.nonce, slot.wrapped = crypto.wrap(kek, private, slot.associated(self.vault_id))
        slot.sealed = crypto.seal_to(public, data_key)
        self.slots.append(slot)

    def remove(self, user: str) -> bool:
        before = len(self.slots)
        folded = user.casefold()
        self.slots = [s for s in self.slots if s.user.casefold() != folded]
        return len(self.slots) != before

    def unlock(self, user: str, passphrase: str) -> bytes | None:
        """The data key, or None when the user has no slot or the passphrase is wrong."""
        opened = self.open_slot(user, passphrase)
        return opened[0] if opened else None

    def open_slot(self, user: str, passphrase: str) -> tuple[bytes, bytes | None] | None:
        """(data key, next data key while a re-key is under way), or None when the user has
        no slot or the passphrase is wrong."""
        slot = self.find(user)
        if slot is None:
            # Spend the same time as a real attempt so user names cannot be probed by timing.
            if self.slots:
                crypto.derive_key(passphrase.encode("utf-8"), self.slots[0].kdf)
            return None
        kek = crypto.derive_key(passphrase.encode("utf-8"), slot.kdf)
        try:
            opened = crypto.unwrap(kek, slot.nonce, slot.wrapped, slot.associated(self.vault_id))
            if slot.legacy:
                return opened, None
            key = crypto.open_sealed(opened, slot.sealed)
            following = crypto.open_sealed(opened, slot.next_sealed) if slot.next_sealed else None
        except crypto.UnwrapFailed:
            return None
        return key, following

    def legacy_users(self) -> list[str]:
        """Users whose slot still wraps the data key itself (format 1)."""
        return [s.user for s in self.slots if s.legacy]

    # -- re-keying ---------------------------------------------------------------
    def begin_rekey(self, new_key: bytes) -> None:
        """Seals the next data key beside the current one in every slot (none may be legacy)."""
        if self.legacy_users():
            raise ValueError("format-1 slots cannot receive a new key")
        for slot in self.slots:
            slot.next_sealed = crypto.seal_to(slot.public_key, new_key)
        if self.recovery is not None:
            self.recovery.next_sealed = crypto.seal_to(self.recovery.public_key, new_key)

    def finish_rekey(self) -> None:
        """The next data key becomes the data key (the database is now under it)."""
        for slot in self.slots:
            if slot.next_sealed:
                slot.sealed, slot.next_sealed = slot.next_sealed, b""
        if self.recovery is not None and self.recovery.next_sealed:
            self.recovery.sealed, self.recovery.next_sealed = self.recovery.next_sealed, b""
        self.rekey_pending = False

    def abandon_rekey(self) -> None:
        """The database stayed under the current key: forget the next one."""
        for slot in self.slots:
            slot.next_sealed = b""
        if self.recovery is not None:
            self.recovery.next_sealed = b""

    # -- recovery ----------------------------------------------------------------
    def set_recovery(self, public_key: bytes, data_key: bytes) -> None:
        self.recovery = RecoverySlot(public_key, crypto.seal_to(public_key, data_key))

    def recover(self, private_key: bytes) -> tuple[bytes, bytes | None] | None:
        """(data key, next data key while a re-key is under way), or None."""
        rec = self.recovery
        if rec is None or crypto.public_of(private_key) != rec.public_key:
            return None
        try:
            key = crypto.open_sealed(private_key, rec.sealed)
            following = (
                crypto.open_sealed(private_key, rec.next_sealed) if rec.next_sealed else None
            )
        except crypto.UnwrapFailed:
            return None
        return key, following
