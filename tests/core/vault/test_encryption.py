"""What a thief with the files, or a careless path, must never get."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest
from sqlalchemy import text

from cmdesk.core.errors import NoSuchVault, VaultDamaged, WrongPassphrase
from cmdesk.core.workspace import Workspace
from tests.conftest import ADMIN, ADMIN_PASS

CANARY = "CANARY-ด.ญ.ทดสอบ-7f3a9c"


def all_bytes_under(root: Path) -> list[tuple[Path, bytes]]:
    return [(p, p.read_bytes()) for p in root.rglob("*") if p.is_file()]


def test_vault_file_has_no_sqlite_header_and_stdlib_cannot_read_it(vault_dir: Path) -> None:
    db = vault_dir / "cmdesk.db"
    assert not db.read_bytes().startswith(b"SQLite format 3")
    conn = sqlite3.connect(db)
    with pytest.raises(sqlite3.DatabaseError):
        conn.execute("SELECT * FROM sqlite_master").fetchall()
    conn.close()


def test_canary_written_through_the_app_appears_in_no_file(vault_dir: Path, tmp_path: Path) -> None:
    ws = Workspace.open(vault_dir, ADMIN, ADMIN_PASS)
    ws.users.add("canary", "canary passphrase!", "field_worker", display_name=CANARY)
    # Read it back while the WAL still holds it, so the WAL and SHM are scanned too.
    assert any(u.display_name == CANARY for u in ws.users.list())
    ws.backup(vault_dir / "backups" / "copy")
    files = all_bytes_under(vault_dir)
    assert any(p.name.endswith("-wal") for p, _ in files), "expected a live WAL to scan"
    for needle in (CANARY.encode("utf-8"), CANARY.encode("utf-16-le"), b"CANARY-"):
        for path, data in files:
            assert needle not in data, f"plaintext found in {path.name}"
    ws.close()


def test_wrong_passphrase_is_refused(vault_dir: Path) -> None:
    with pytest.raises(WrongPassphrase):
        Workspace.open(vault_dir, ADMIN, "not the passphrase")


def test_unknown_user_gets_the_same_answer_as_a_wrong_passphrase(vault_dir: Path) -> None:
    with pytest.raises(WrongPassphrase):
        Workspace.open(vault_dir, "nobody", ADMIN_PASS)


def test_mistyped_vault_path_creates_nothing(tmp_path: Path) -> None:
    missing = tmp_path / "typo" / "vault"
    with pytest.raises(NoSuchVault):
        Workspace.open(missing, ADMIN, ADMIN_PASS)
    assert not (tmp_path / "typo").exists()


def test_missing_database_beside_its_key_slots_is_damage_not_a_new_vault(vault_dir: Path) -> None:
    (vault_dir / "cmdesk.db").unlink()
    with pytest.raises(VaultDamaged):
        Workspace.open(vault_dir, ADMIN, ADMIN_PASS)
    assert not (vault_dir / "cmdesk.db").exists()


@pytest.mark.parametrize("how", ["truncate", "flip-first-page", "flip-middle", "garbage-slots"])
def test_damaged_vault_is_reported_not_crashed(vault_dir: Path, how: str) -> None:
    # Grow the database first so that damage beyond page 1 is possible.
    with Workspace.open(vault_dir, ADMIN, ADMIN_PASS) as ws:
        for i in range(40):
            ws.users.add(
                f"user{i:02d}", "a long passphrase", "field_worker", display_name="x" * 900
            )
    db = vault_dir / "cmdesk.db"
    data = bytearray(db.read_bytes())
    if how == "truncate":
        db.write_bytes(bytes(data[: len(data) // 2 + 100]))
    elif how == "flip-first-page":
        data[200] ^= 0x01
        db.write_bytes(bytes(data))
    elif how == "flip-middle":
        data[len(data) // 2] ^= 0x10
        db.write_bytes(bytes(data))
    else:
        (vault_dir / "keyslots.json").write_text("{not json", "utf-8")
    with pytest.raises(VaultDamaged):
        ws = Workspace.open(vault_dir, ADMIN, ADMIN_PASS)
        # Damage beyond the first pages shows when those pages are read.
        ws.users.list()
        report = ws.check()
        ws.close()
        if not report.ok:
            raise VaultDamaged


def test_twenty_threads_all_get_keyed_connections(ws: Workspace) -> None:
    results: list[int] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(20)

    def work() -> None:
        try:
            barrier.wait()
            with ws.ctx.read() as s:
                results.append(int(s.execute(text("SELECT count(*) FROM app_user")).scalar_one()))
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert results == [2] * 20


def test_database_errors_never_quote_stored_values(ws: Workspace) -> None:
    from sqlalchemy.exc import IntegrityError

    from cmdesk.core.model import VaultMeta

    with ws.ctx.write() as s:
        s.add(VaultMeta(key="dup", value=CANARY))
    with pytest.raises(IntegrityError) as err, ws.ctx.write() as s:
        s.add(VaultMeta(key="dup", value=CANARY))
    assert CANARY not in str(err.value)
