"""Removing a user puts the database under a new key (issue 10: a copy of the old key-slot
file plus the removed user's passphrase opened the live database)."""

from __future__ import annotations

import json
import shutil
import time
import uuid
from pathlib import Path

import pytest
from sqlalchemy import text

from cmdesk.core.errors import VaultDamaged, WrongPassphrase
from cmdesk.core.vault import crypto
from cmdesk.core.vault.engine import connect_keyed
from cmdesk.core.vault.keyslots import KeySlots, PassphraseSlot
from cmdesk.core.vault.throttle import delay_after
from cmdesk.core.workspace import Workspace
from tests.conftest import ADMIN, ADMIN_PASS, WORKER, WORKER_PASS

SUPERVISOR, SUPERVISOR_PASS = "malee", "supervisor passphrase"


def old_key_of(slot_file: Path, user: str, passphrase: str) -> bytes:
    key = KeySlots.load(slot_file).unlock(user, passphrase)
    assert key is not None
    return key


def opens(db: Path, key: bytes) -> bool:
    try:
        connect_keyed(db, key).close()
    except VaultDamaged:
        return False
    return True


def actions(ws: Workspace) -> list[str]:
    with ws.ctx.read() as s:
        return [str(r[0]) for r in s.execute(text("SELECT action FROM audit_entry"))]


def children(ws: Workspace) -> int:
    with ws.ctx.read() as s:
        return int(s.execute(text("SELECT count(*) FROM child")).scalar_one())


def test_a_removed_users_old_key_file_no_longer_opens_the_vault(
    vault_dir: Path, tmp_path: Path
) -> None:
    stolen = tmp_path / "keyslots-copy.json"
    shutil.copy(vault_dir / "keyslots.json", stolen)
    db = vault_dir / "cmdesk.db"
    with Workspace.open(vault_dir, ADMIN, ADMIN_PASS) as ws:
        recovery = ws.new_recovery_key()
        before = children(ws)
        removal = ws.users.remove(WORKER)
        assert removal.rekeyed and removal.waiting_for == ()
        # The open workspace goes on under the new key.
        assert children(ws) == before
        assert "vault.rekey" in actions(ws)
    old = old_key_of(stolen, WORKER, WORKER_PASS)
    assert not opens(db, old)
    with pytest.raises(WrongPassphrase):
        Workspace.open(vault_dir, WORKER, WORKER_PASS)
    time.sleep(delay_after(1))
    with Workspace.open(vault_dir, ADMIN, ADMIN_PASS) as ws:
        assert children(ws) == before
    with Workspace.recover(vault_dir, recovery, ADMIN, "a new admin passphrase") as ws:
        assert children(ws) == before


def test_a_rekey_cut_short_leaves_a_vault_one_key_opens(vault_dir: Path) -> None:
    """Before the database changed, or after it changed but before the slots said so: either
    way the next unlock opens it and settles the slots."""
    db, slot_file = vault_dir / "cmdesk.db", vault_dir / "keyslots.json"
    current = old_key_of(slot_file, ADMIN, ADMIN_PASS)

    slots = KeySlots.load(slot_file)
    slots.begin_rekey(crypto.new_data_key())
    slots.save(slot_file)  # the crash came before PRAGMA rekey
    with Workspace.open(vault_dir, ADMIN, ADMIN_PASS) as ws:
        assert children(ws) >= 0
    assert all(not s.next_sealed for s in KeySlots.load(slot_file).slots)
    assert opens(db, current)

    new = crypto.new_data_key()
    slots = KeySlots.load(slot_file)
    slots.begin_rekey(new)
    slots.save(slot_file)
    conn = connect_keyed(db, current)
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.execute(f"PRAGMA rekey = \"x'{new.hex()}'\"")
    conn.close()  # the crash came after the database changed, before the slots were settled
    with Workspace.open(vault_dir, WORKER, WORKER_PASS) as ws:
        assert children(ws) >= 0
    assert old_key_of(slot_file, ADMIN, ADMIN_PASS) == new
    assert not opens(db, current)


def make_legacy(slot_file: Path, user: str, passphrase: str) -> None:
    """Rewrites the user's slot as a format-1 slot (the data key wrapped directly), as a vault
    made before key-pair slots has it."""
    slots = KeySlots.load(slot_file)
    key = slots.unlock(user, passphrase)
    assert key is not None
    old = slots.find(user)
    assert old is not None
    slots.remove(user)
    legacy = PassphraseSlot(uuid.uuid4().hex, user, old.kdf.with_new_salt(), b"", b"")
    kek = crypto.derive_key(passphrase.encode(), legacy.kdf)
    legacy.nonce, legacy.wrapped = crypto.wrap(kek, key, legacy.associated(slots.vault_id))
    slots.slots.append(legacy)
    slots.save(slot_file)
    raw = json.loads(slot_file.read_text())
    raw["format"] = 1
    for s in raw["slots"]:
        if s["user"] == user:
            for k in ("public_key", "sealed", "next_sealed"):
                del s[k]
    slot_file.write_text(json.dumps(raw))


def test_older_slots_wait_for_their_users_then_the_key_changes(
    vault_dir: Path, tmp_path: Path
) -> None:
    slot_file, db = vault_dir / "keyslots.json", vault_dir / "cmdesk.db"
    with Workspace.open(vault_dir, ADMIN, ADMIN_PASS) as ws:
        ws.users.add(SUPERVISOR, SUPERVISOR_PASS, "supervisor")
    make_legacy(slot_file, SUPERVISOR, SUPERVISOR_PASS)
    stolen = tmp_path / "keyslots-copy.json"
    shutil.copy(slot_file, stolen)

    with Workspace.open(vault_dir, ADMIN, ADMIN_PASS) as ws:
        removal = ws.users.remove(WORKER)
    assert not removal.rekeyed and removal.waiting_for == (SUPERVISOR,)
    assert opens(db, old_key_of(stolen, WORKER, WORKER_PASS))  # not yet: said so

    # The supervisor unlocks: the slot becomes a key-pair slot and the waiting re-key runs.
    with Workspace.open(vault_dir, SUPERVISOR, SUPERVISOR_PASS) as ws:
        assert "vault.rekey" in actions(ws)
    slots = KeySlots.load(slot_file)
    assert slots.legacy_users() == [] and not slots.rekey_pending
    assert not opens(db, old_key_of(stolen, WORKER, WORKER_PASS))
    with Workspace.open(vault_dir, ADMIN, ADMIN_PASS) as ws:
        assert children(ws) >= 0


def test_another_program_holding_the_vault_delays_the_rekey_to_the_next_unlock(
    vault_dir: Path, tmp_path: Path
) -> None:
    stolen = tmp_path / "keyslots-copy.json"
    shutil.copy(vault_dir / "keyslots.json", stolen)
    other = Workspace.open(vault_dir, ADMIN, ADMIN_PASS)  # e.g. the GUI, open meanwhile
    try:
        children(other)
        with Workspace.open(vault_dir, ADMIN, ADMIN_PASS) as ws:
            removal = ws.users.remove(WORKER)
        assert not removal.rekeyed and removal.waiting_for == ()
        assert children(other) >= 0  # the other program was not disturbed
    finally:
        other.close()
    with Workspace.open(vault_dir, ADMIN, ADMIN_PASS):
        pass
    assert not KeySlots.load(vault_dir / "keyslots.json").rekey_pending
    assert not opens(vault_dir / "cmdesk.db", old_key_of(stolen, WORKER, WORKER_PASS))
