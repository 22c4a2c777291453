"""A vault on disk: a folder with the SQLCipher database and its key slots.

`Vault` owns the data key and the engine while unlocked. Locking disposes the engine and drops
the key; Python cannot wipe bytes from memory, so the key object is released for collection.
"""

from __future__ import annotations

import contextlib
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, text

from cmdesk.core.errors import (
    NoSuchVault,
    RecoveryKeyMismatch,
    UnlockThrottled,
    VaultDamaged,
    VaultExists,
    VaultLocked,
    WrongPassphrase,
)
from cmdesk.core.vault import crypto, migrate
from cmdesk.core.vault.engine import make_engine
from cmdesk.core.vault.keyslots import KeySlots
from cmdesk.core.vault.throttle import Clock, UnlockState, wall_clock

# vault_meta key set in a copy made by Vault.backup, never in the live vault.
COPY_MARK = "copy_of_vault"

DB_NAME = "cmdesk.db"
SLOTS_NAME = "keyslots.json"
UNLOCK_STATE_NAME = "unlock-state.json"
BACKUPS_DIR = "backups"


@dataclass(frozen=True)
class VaultPaths:
    root: Path

    @property
    def db(self) -> Path:
        return self.root / DB_NAME

    @property
    def slots(self) -> Path:
        return self.root / SLOTS_NAME

    @property
    def unlock_state(self) -> Path:
        return self.root / UNLOCK_STATE_NAME

    @property
    def backups(self) -> Path:
        return self.root / BACKUPS_DIR

    def exists(self) -> bool:
        return self.db.is_file() and self.slots.is_file()


class Vault:
    def __init__(self, paths: VaultPaths, slots: KeySlots, data_key: bytes, engine: Engine):
        self.paths = paths
        self.slots = slots
        self._data_key: bytes | None = data_key
        self._engine: Engine | None = engine
        # Events since the last unlock (failed attempts, passphrase changes); the workspace
        # moves them into the audit trail.
        self.deferred_audit: list[dict[str, object]] = []

    # -- opening ---------------------------------------------------------------
    @classmethod
    def create(
        cls, root: Path, user: str, passphrase: str, kdf: crypto.KdfParams | None = None
    ) -> Vault:
        paths = VaultPaths(root)
        if paths.db.exists() or paths.slots.exists():
            raise VaultExists
        root.mkdir(parents=True, exist_ok=True)
        root.chmod(0o700)
        data_key = crypto.new_data_key()
        slots = KeySlots(vault_id=str(uuid.uuid4()))
        slots.set_passphrase(user, passphrase, data_key, kdf or crypto.tune_kdf())
        engine = make_engine(paths.db, data_key, create=True)
        try:
            migrate.create_schema(engine)
        except BaseException:
            engine.dispose()
            for leftover in root.glob(f"{DB_NAME}*"):
                leftover.unlink()
            raise
        paths.db.chmod(0o600)
        # The slot file is written last: a vault without it is not a vault, never half of one.
        slots.save(paths.slots)
        return cls(paths, slots, data_key, engine)

    @classmethod
    def unlock(cls, root: Path, user: str, passphrase: str, clock: Clock = wall_clock) -> Vault:
        paths = VaultPaths(root)
        slots = cls._load_slots(paths)
        state = UnlockState.load(paths.unlock_state)
        wait = state.wait_seconds(clock())
        if wait > 0:
            raise UnlockThrottled(seconds=int(wait + 0.999))
        data_key = slots.unlock(user, passphrase)
        if data_key is None:
            state.record_failure(user, clock())
            state.save(paths.unlock_state)
            raise WrongPassphrase
        vault = cls._open(paths, slots, data_key)
        vault.deferred_audit = state.pending
        with contextlib.suppress(FileNotFoundError):
            paths.unlock_state.unlink()
        return vault

    @classmethod
    def unlock_with_recovery_key(cls, root: Path, private_key: bytes) -> Vault:
        paths = VaultPaths(root)
        slots = cls._load_slots(paths)
        data_key = slots.recover(private_key)
        if data_key is None:
            raise RecoveryKeyMismatch
        return cls._open(paths, slots, data_key)

    @staticmethod
    def _load_slots(paths: VaultPaths) -> KeySlots:
        if not paths.root.is_dir() or not paths.slots.is_file():
            raise NoSuchVault
        if not paths.db.is_file():
            raise VaultDamaged
        return KeySlots.load(paths.slots)

    @classmethod
    def _open(cls, paths: VaultPaths, slots: KeySlots, data_key: bytes) -> Vault:
        engine = make_engine(paths.db, data_key)
        try:
            if migrate.needs_upgrade(engine):
                vault = cls(paths, slots, data_key, engine)
                vault.backup(paths.backups / f"before-upgrade-{int(time.time())}.db")
                migrate.upgrade(engine)
        except BaseException:
            engine.dispose()
            raise
        return cls(paths, slots, data_key, engine)

    # -- while unlocked ----------------------------------------------------------
    @property
    def engine(self) -> Engine:
        if self._engine is None:
            raise VaultLocked
        return self._engine

    @property
    def data_key(self) -> bytes:
        if self._data_key is None:
            raise VaultLocked
        return self._data_key

    @property
    def is_locked(self) -> bool:
        return self._engine is None

    def lock(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
        self._engine = None
        self._data_key = None

    def save_slots(self) -> None:
        self.slots.save(self.paths.slots)

    def defer_audit(
        self, action: str, user: str, clock: Clock = wall_clock, *, by: str = ""
    ) -> None:
        """Records an event for the audit trail without writing to the database now."""
        state = UnlockState.load(self.paths.unlock_state)
        state.defer(action, user, clock(), by=by)
        state.save(self.paths.unlock_state)

    def backup(self, dest: Path) -> Path:
        """A consistent copy, encrypted with the same data key (so the same slots open it)."""
        dest = dest.resolve()
        if dest.exists():
            raise FileExistsError(dest)
        dest.parent.mkdir(parents=True, exist_ok=True)
        # VACUUM cannot run inside a transaction, so it goes straight to the driver connection.
        raw = self.engine.raw_connection()
        try:
            raw.driver_connection.execute("VACUUM INTO ?", (str(dest),))  # type: ignore[union-attr]
        finally:
            raw.close()
        dest.chmod(0o600)
        # The copy says it is one: a copy opened as a vault (restored, or carried to another
        # laptop) must not go on under the live vault's device id (sync/reidentify.py).
        copy = make_engine(dest, self.data_key)
        try:
            with copy.begin() as conn:
                conn.execute(
                    text(
                        "INSERT INTO vault_meta (key, value) VALUES (:k, '1') "
                        "ON CONFLICT (key) DO UPDATE SET value = '1'"
                    ),
                    {"k": COPY_MARK},
                )
        finally:
            copy.dispose()
        return dest

    def integrity_problems(self) -> list[str]:
        """Every page's HMAC, then SQLite's own structural check; empty when all is well."""
        problems: list[str] = []
        with self.engine.connect() as conn:
            problems += [str(r[0]) for r in conn.execute(text("PRAGMA cipher_integrity_check"))]
            rows = [str(r[0]) for r in conn.execute(text("PRAGMA integrity_check"))]
            problems += [r for r in rows if r != "ok"]
        return problems
