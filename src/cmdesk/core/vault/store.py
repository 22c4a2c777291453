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

import sqlcipher3.dbapi2 as sqlcipher
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
from cmdesk.core.vault.engine import connect_keyed, make_engine
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
        # Where the engine reads the key for each new connection (replaced by rekey).
        self._key_holder: list[bytes] | None = None
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
        holder = [data_key]
        engine = make_engine(paths.db, lambda: holder[0], create=True)
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
        vault = cls(paths, slots, data_key, engine)
        vault._key_holder = holder
        return vault

    @classmethod
    def unlock(cls, root: Path, user: str, passphrase: str, clock: Clock = wall_clock) -> Vault:
        paths = VaultPaths(root)
        slots = cls._load_slots(paths)
        state = UnlockState.load(paths.unlock_state)
        wait = unlock_wait(state, slots, clock())
        if wait > 0:
            raise UnlockThrottled(seconds=int(wait + 0.999))
        opened = slots.open_slot(user, passphrase)
        if opened is None:
            now = clock()
            state.record_failure(user, now)
            state.save(paths.unlock_state)
            slots.failures, slots.last_failure = max(slots.failures + 1, state.failures), now
            slots.save(paths.slots)
            raise WrongPassphrase
        vault = cls._open(paths, slots, *opened)
        vault.deferred_audit = state.pending
        unrecorded = slots.failures - state.failures
        if unrecorded > 0:
            # unlock-state.json was deleted or replaced since: the failures it lost are told.
            vault.deferred_audit.append(
                {
                    "action": "unlock.failures_unrecorded",
                    "user": "",
                    "at": clock(),
                    "count": unrecorded,
                }
            )
        if slots.failures:
            slots.failures, slots.last_failure = 0, 0.0
            vault.save_slots()
        with contextlib.suppress(FileNotFoundError):
            paths.unlock_state.unlink()
        slot = slots.find(user)
        if slot is not None and slot.legacy:
            # A format-1 slot becomes a key-pair slot now that its passphrase is known
            # (keyslots.py), with the same key derivation cost.
            slots.set_passphrase(user, passphrase, vault.data_key, slot.kdf)
            vault.save_slots()
        if slots.rekey_pending and not slots.legacy_users() and vault.rekey():
            # The removal that waited for the last format-1 slot (or for the vault alone).
            vault.deferred_audit.append({"action": "vault.rekey", "user": user, "at": clock()})
        return vault

    @classmethod
    def unlock_with_recovery_key(cls, root: Path, private_key: bytes) -> Vault:
        paths = VaultPaths(root)
        slots = cls._load_slots(paths)
        opened = slots.recover(private_key)
        if opened is None:
            raise RecoveryKeyMismatch
        return cls._open(paths, slots, *opened)

    @staticmethod
    def _load_slots(paths: VaultPaths) -> KeySlots:
        if not paths.root.is_dir() or not paths.slots.is_file():
            raise NoSuchVault
        if not paths.db.is_file():
            raise VaultDamaged
        return KeySlots.load(paths.slots)

    @classmethod
    def _open(
        cls, paths: VaultPaths, slots: KeySlots, data_key: bytes, following: bytes | None = None
    ) -> Vault:
        if following is not None:
            # A re-key was under way: the database is under exactly one of the two keys.
            data_key = cls._settle_rekey(paths, slots, data_key, following)
        holder = [data_key]
        engine = make_engine(paths.db, lambda: holder[0])
        try:
            if migrate.needs_upgrade(engine):
                vault = cls(paths, slots, data_key, engine)
                vault.backup(paths.backups / f"before-upgrade-{int(time.time())}.db")
                migrate.upgrade(engine)
        except BaseException:
            engine.dispose()
            raise
        vault = cls(paths, slots, data_key, engine)
        vault._key_holder = holder
        return vault

    @staticmethod
    def _settle_rekey(
        paths: VaultPaths, slots: KeySlots, current: bytes, following: bytes
    ) -> bytes:
        """Which key opens the database after a re-key that may have been cut short; the slots
        are brought in line with it."""
        try:
            connect_keyed(paths.db, current).close()
        except VaultDamaged:
            connect_keyed(paths.db, following).close()  # neither: the vault is damaged
            slots.finish_rekey()
            slots.save(paths.slots)
            return following
        slots.abandon_rekey()
        slots.save(paths.slots)
        return current

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

    def rekey(self) -> bool:
        """Puts the database under a new data key sealed to every user's and the recovery
        slot's public key (keyslots.py): a copy of the old slot file opens only the old key.
        False, with nothing changed, while another program has the vault open (a re-key needs
        the database alone) or a format-1 slot remains; `slots.rekey_pending` then stays set
        and the next unlock tries again.

        Crash-safe: the next key is written into the slots before the database changes, and
        SQLCipher's rekey runs in one rollback-journal transaction, so whatever happens the
        database is under the old key or the new one and the slots open both until it is
        settled (_settle_rekey)."""
        if self.slots.legacy_users() or self._key_holder is None:
            self.slots.rekey_pending = True
            self.save_slots()
            return False
        new = crypto.new_data_key()
        self.engine.dispose()  # this program's idle connections; the rekey needs the file alone
        conn = connect_keyed(self.paths.db, self.data_key)
        try:
            try:
                conn.execute("PRAGMA busy_timeout = 0")
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                mode = str(conn.execute("PRAGMA journal_mode = DELETE").fetchone()[0])
            except sqlcipher.OperationalError:
                mode = "wal"
            if mode.lower() != "delete":
                self.slots.rekey_pending = True
                self.save_slots()
                return False
            self.slots.begin_rekey(new)
            self.save_slots()
            try:
                conn.execute(f"PRAGMA rekey = \"x'{new.hex()}'\"")
            except BaseException:
                self.slots.abandon_rekey()
                self.save_slots()
                raise
            conn.execute("PRAGMA journal_mode = WAL")
        finally:
            conn.close()
        self.slots.finish_rekey()
        self.save_slots()
        self._data_key = new
        self._key_holder[0] = new
        return True

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


def unlock_wait(state: UnlockState, slots: KeySlots, now: float) -> float:
    """Seconds to wait before the next attempt: the longer of what unlock-state.json and the
    slot file's mirror say (a deleted state file lifts nothing)."""
    mirrored = UnlockState(slots.failures, slots.last_failure)
    return max(state.wait_seconds(now), mirrored.wait_seconds(now))


def unlock_wait_for(root: Path, now: float) -> float:
    """The same for a vault folder, for a front end showing the countdown before unlocking."""
    paths = VaultPaths(root)
    return unlock_wait(UnlockState.load(paths.unlock_state), KeySlots.load(paths.slots), now)
