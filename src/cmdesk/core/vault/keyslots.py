"""The key-slot file: one random data key, wrapped once per user and once for recovery.

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

FORMAT = 1


@dataclass
class PassphraseSlot:
    slot_id: str
    user: str
    kdf: crypto.KdfParams
    nonce: bytes
    wrapped: bytes

    def associated(self, vault_id: str) -> bytes:
        return f"cmdesk-slot|{vault_id}|{self.slot_id}|{self.user}".encode()


@dataclass
class RecoverySlot:
    public_key: bytes
    sealed: bytes


@dataclass
class KeySlots:
    vault_id: str
    slots: list[PassphraseSlot] = field(default_factory=list)
    recovery: RecoverySlot | None = None

    # -- reading and writing -------------------------------------------------
    @classmethod
    def load(cls, path: Path) -> KeySlots:
        try:
            raw = json.loads(path.read_text("utf-8"))
            if raw.get("format") != FORMAT:
                raise ValueError("format")
            slots = [
                PassphraseSlot(
                    slot_id=s["slot_id"],
                    user=s["user"],
                    kdf=crypto.KdfParams.from_json(s["kdf"]),
                    nonce=bytes.fromhex(s["nonce"]),
                    wrapped=bytes.fromhex(s["wrapped"]),
                )
                for s in raw["slots"]
            ]
            rec = raw.get("recovery")
            recovery = (
                RecoverySlot(bytes.fromhex(rec["public_key"]), bytes.fromhex(rec["sealed"]))
                if rec
                else None
            )
            return cls(vault_id=str(raw["vault_id"]), slots=slots, recovery=recovery)
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
                }
                for s in self.slots
            ],
            "recovery": (
                {
                    "public_key": self.recovery.public_key.hex(),
                    "sealed": self.recovery.sealed.hex(),
                }
                if self.recovery
                else None
            ),
        }
        atomic_write(path, json.dumps(raw, indent=1).encode("utf-8"))

    # -- slots -----------------------------------------------------------------
    def find(self, user: str) -> PassphraseSlot | None:
        folded = user.casefold()
        return next((s for s in self.slots if s.user.casefold() == folded), None)

    def set_passphrase(
        self, user: str, passphrase: str, data_key: bytes, kdf: crypto.KdfParams
    ) -> None:
        """Adds the user's slot, or replaces it (a passphrase change)."""
        self.remove(user)
        slot = PassphraseSlot(uuid.uuid4().hex, user, kdf.with_new_salt(), b"", b"")
        kek = crypto.derive_key(passphrase.encode("utf-8"), slot.kdf)
        slot.nonce, slot.wrapped = crypto.wrap(kek, data_key, slot.associated(self.vault_id))
        self.slots.append(slot)

    def remove(self, user: str) -> bool:
        before = len(self.slots)
        folded = user.casefold()
        self.slots = [s for s in self.slots if s.user.casefold() != folded]
        return len(self.slots) != before

    def unlock(self, user: str, passphrase: str) -> bytes | None:
        """The data key, or None when the user has no slot or the passphrase is wrong."""
        slot = self.find(user)
        if slot is None:
            # Spend the same time as a real attempt so user names cannot be probed by timing.
            if self.slots:
                crypto.derive_key(passphrase.encode("utf-8"), self.slots[0].kdf)
            return None
        kek = crypto.derive_key(passphrase.encode("utf-8"), slot.kdf)
        try:
            return crypto.unwrap(kek, slot.nonce, slot.wrapped, slot.associated(self.vault_id))
        except crypto.UnwrapFailed:
            return None

    def set_recovery(self, public_key: bytes, data_key: bytes) -> None:
        self.recovery = RecoverySlot(public_key, crypto.seal_to(public_key, data_key))

    def recover(self, private_key: bytes) -> bytes | None:
        if self.recovery is None or crypto.public_of(private_key) != self.recovery.public_key:
            return None
        try:
            return crypto.open_sealed(private_key, self.recovery.sealed)
        except crypto.UnwrapFailed:
            return None
