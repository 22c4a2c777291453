"""Upgrading a vault full of records from every older revision: nothing is lost or changed.

How the vault at revision R is made: a demo vault at the head (generated cases, children,
casework, referrals, notes, audit trail, and their sync operations), taken back to R by the
revisions' own downgrades, on the real encrypted file. So every vault at R holds as much demo
data as R's schema can, written by the real app, without a second copy of the old schemas in
SQL to keep in step. Then the app opens it the way a user does (`Vault.unlock`: backup, then
upgrade), and every row of every table that existed at R is compared with what it held before.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from sqlalchemy import Connection, text

from cmdesk.core.demo.generate import generate
from cmdesk.core.search.schema import ALL_TABLES as SEARCH_TABLES
from cmdesk.core.sync.oplog import load_ops
from cmdesk.core.sync.tables import synced_tables
from cmdesk.core.vault import crypto, migrate
from cmdesk.core.vault.store import Vault
from cmdesk.core.workspace import Workspace
from tests.conftest import ADMIN, ADMIN_PASS

CASES = 24
SUPERVISOR = "supervisor"
SUPERVISOR_PASS = "supervisor passphrase"
# Older revisions, newest first (the head is where every vault goes).
OLDER = [r.revision for r in migrate.script().walk_revisions()][1:]
# The full-text tables are rewritten by the index's own triggers and migrations (their pages,
# and the codes a later revision adds); what a user sees of them is checked by searching.
NOT_ROW_COMPARED = {t for t in SEARCH_TABLES if t != "search_row"} | {"alembic_version"}

Rows = dict[str, list[tuple[Any, ...]]]


def _key(row: tuple[Any, ...]) -> tuple[str, ...]:
    return tuple(repr(v) for v in row)


def columns(conn: Connection) -> dict[str, list[str]]:
    names = [
        str(r[0])
        for r in conn.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    return {
        n: [str(c[1]) for c in conn.exec_driver_sql(f'PRAGMA table_info("{n}")')]
        for n in names
        if n not in NOT_ROW_COMPARED
    }


def snapshot(conn: Connection, cols: dict[str, list[str]]) -> Rows:
    out: Rows = {}
    for table, names in cols.items():
        select = ", ".join(f'"{c}"' for c in names)
        rows = [tuple(r) for r in conn.exec_driver_sql(f'SELECT {select} FROM "{table}"')]
        out[table] = sorted(rows, key=_key)
    return out


def searches(ws: Workspace, terms: list[str]) -> dict[str, list[str]]:
    return {t: sorted(r.id for r in ws.search.children(t, limit=100).rows) for t in terms}


@pytest.fixture(scope="module")
def demo_head(template_vault: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("populated") / "vault"
    shutil.copytree(template_vault, root)
    with Workspace.open(root, ADMIN, ADMIN_PASS) as ws:
        # A supervisor searches every child of the organisation.
        ws.users.add(SUPERVISOR, SUPERVISOR_PASS, "supervisor", kdf=crypto.weak_kdf_for_tests())
        # Syncable: the operation log and record clocks hold every row too.
        generate(ws, CASES, seed=5, workers=0, syncable=True)
    return root


@pytest.fixture(scope="module")
def terms(demo_head: Path) -> list[str]:
    with Workspace.open(demo_head, ADMIN, ADMIN_PASS) as ws, ws.ctx.read() as s:
        rows = s.execute(
            text("SELECT family_name_th, given_name_latin, village FROM child ORDER BY id LIMIT 6")
        ).all()
    # Trigram (3+ characters) and word-prefix (1-2 characters) queries, Thai and Latin.
    return sorted({w for r in rows for w in (r[0], r[1][:2], r[2]) if w})


@pytest.fixture(scope="module")
def found_at_head(demo_head: Path, terms: list[str]) -> dict[str, list[str]]:
    with Workspace.open(demo_head, SUPERVISOR, SUPERVISOR_PASS) as ws:
        found = searches(ws, terms)
    assert sum(len(v) for v in found.values()) >= len(terms), "the searches must find children"
    return found


@pytest.fixture
def at_revision(
    request: pytest.FixtureRequest, demo_head: Path, tmp_path: Path
) -> Iterator[tuple[Path, Rows, dict[str, list[str]]]]:
    """A copy of the demo vault taken back to the revision; its rows and columns there."""
    rev: str = request.param
    root = tmp_path / "vault"
    shutil.copytree(demo_head, root)
    vault = Vault.unlock(root, ADMIN, ADMIN_PASS)
    try:
        with vault.engine.begin() as conn:
            command.downgrade(migrate.alembic_config(conn), rev)
        with vault.engine.connect() as conn:
            cols = columns(conn)
            rows = snapshot(conn, cols)
    finally:
        vault.lock()
    yield root, rows, cols


@pytest.mark.parametrize("at_revision", OLDER, indirect=True)
def test_populated_vault_upgrades_from_every_older_revision_keeping_every_row(
    at_revision: tuple[Path, Rows, dict[str, list[str]]],
    terms: list[str],
    found_at_head: dict[str, list[str]],
) -> None:
    root, before, cols_before = at_revision
    assert sum(len(r) for r in before.values()) > 0
    assert len(before.get("audit_entry", [])) > 0

    vault = Vault.unlock(root, ADMIN, ADMIN_PASS)
    try:
        assert migrate.current_revision(vault.engine) == migrate.head()
        assert len(list((root / "backups").glob("before-upgrade-*.db"))) == 1
        with vault.engine.connect() as conn:
            cols_after = columns(conn)
            # Columns that existed at the older revision keep their values, row for row.
            after = snapshot(conn, cols_before)
            for table, names in cols_before.items():
                for new in set(cols_after[table]) - set(names):
                    default = next(
                        c[4]
                        for c in conn.exec_driver_sql(f'PRAGMA table_info("{table}")')
                        if c[1] == new
                    )
                    expected = (
                        None
                        if default is None
                        else conn.exec_driver_sql(f"SELECT {default}").scalar()
                    )
                    held = {r[0] for r in conn.exec_driver_sql(f'SELECT "{new}" FROM "{table}"')}
                    assert held <= {expected}, f"{table}.{new}: new column without its default"
    finally:
        vault.lock()
    for table in before:
        assert len(after[table]) == len(before[table]), f"{table}: rows lost or added"
        assert after[table] == before[table], f"{table}: a row changed in the upgrade"

    with Workspace.open(root, SUPERVISOR, SUPERVISOR_PASS) as ws:
        # Search finds the same children as in a vault that was never taken back (none, from
        # a revision before there were children).
        expected = found_at_head if "child" in before else {t: [] for t in terms}
        assert searches(ws, terms) == expected
        # Sync capture works: every row of every synced table, old or new, has been captured
        # (rows from before sync existed, at the first commit after the upgrade)...
        with ws.ctx.read() as s:
            for table in synced_tables():
                rows = set(s.scalars(text(f'SELECT id FROM "{table}"')))
                clocked = set(
                    s.scalars(text("SELECT row_id FROM sync_row WHERE tbl = :t"), {"t": table})
                )
                assert rows == clocked, f"{table}: rows not captured for sync"
            child = s.execute(text("SELECT id FROM child ORDER BY id LIMIT 1")).scalar()
        if child is None:
            return
        # ...and an edit after the upgrade becomes an operation.
        with ws.ctx.write() as s:
            s.execute(
                text("UPDATE child SET nickname = 'after-upgrade' WHERE id = :i"), {"i": child}
            )
        with ws.ctx.read() as s:
            ops = s.execute(
                text(
                    "SELECT ops FROM sync_change WHERE tbl = 'child' AND row_id = :i "
                    "ORDER BY hlc DESC, seq DESC LIMIT 1"
                ),
                {"i": child},
            ).scalar()
            dirty = s.execute(text("SELECT count(*) FROM sync_dirty")).scalar()
        assert ["nickname", "after-upgrade"] in [[op[1], op[2]] for op in load_ops(ops)]
        assert dirty == 0
