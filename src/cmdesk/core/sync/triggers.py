"""Triggers that mark every changed field of a synced table in `sync_dirty`.

Triggers, not ORM events: raw SQL, bulk updates and code that forgets the rules are captured
too. They only mark (table, row, column); the commit hook turns marks into stamped operations
(capture.py), which keeps the per-row cost of a write to one indexed insert per column changed.

The trigger text is derived from the model. `ensure_triggers` compares what the vault has with
what the model wants and recreates any that differ, so a migration that adds a column without
updating the triggers cannot silently stop capturing it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

import sqlcipher3.dbapi2 as sqlcipher

from cmdesk.core.sync.db import Db, quote
from cmdesk.core.sync.tables import SyncedTable, synced_tables

PREFIX = "sync_"
ALL_COLUMNS = "*"
ROW_REMOVED = "-"


def _lit(name: str) -> str:
    return "'" + name.replace("'", "''") + "'"


def trigger_sql(table: SyncedTable) -> dict[str, str]:
    """name -> CREATE TRIGGER statement, for one table."""
    t, lit = quote(table.name), _lit(table.name)
    mark = "INSERT OR IGNORE INTO sync_dirty (tbl, row_id, col) "
    changed = " UNION ALL ".join(
        f"SELECT {_lit(c)} AS col WHERE OLD.{quote(c)} IS NOT NEW.{quote(c)}" for c in table.columns
    )
    return {
        f"{PREFIX}ins_{table.name}": (
            f"CREATE TRIGGER {PREFIX}ins_{table.name} AFTER INSERT ON {t} BEGIN "
            f"{mark}VALUES ({lit}, NEW.id, '{ALL_COLUMNS}'); END"
        ),
        f"{PREFIX}upd_{table.name}": (
            f"CREATE TRIGGER {PREFIX}upd_{table.name} AFTER UPDATE ON {t} BEGIN "
            f"{mark}SELECT {lit}, NEW.id, col FROM ({changed}); "
            # A changed primary key is a removal of one row and the creation of another.
            f"{mark}SELECT {lit}, OLD.id, '{ROW_REMOVED}' WHERE OLD.id IS NOT NEW.id; "
            f"{mark}SELECT {lit}, NEW.id, '{ALL_COLUMNS}' WHERE OLD.id IS NOT NEW.id; END"
        ),
        f"{PREFIX}del_{table.name}": (
            f"CREATE TRIGGER {PREFIX}del_{table.name} AFTER DELETE ON {t} BEGIN "
            f"{mark}VALUES ({lit}, OLD.id, '{ROW_REMOVED}'); END"
        ),
    }


def wanted(tables: Iterable[SyncedTable] | None = None) -> dict[str, str]:
    out: dict[str, str] = {}
    for table in tables if tables is not None else synced_tables().values():
        out.update(trigger_sql(table))
    return out


def ensure_triggers(db: Db, *, dry_run: bool = False) -> int:
    """Creates or replaces triggers that are missing or differ; returns how many changed (or
    would change, with dry_run). Call inside a write transaction unless dry_run."""
    existing_tables = {
        r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    }
    have = {
        r[0]: r[1]
        for r in db.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE ? ESCAPE '!'",
            (PREFIX.replace("_", "!_") + "%",),
        )
    }
    tables = [t for t in synced_tables().values() if t.name in existing_tables]
    changed = 0
    want = wanted(tables)
    for name in sorted(have.keys() - want.keys()):
        # A table that stopped syncing (or was dropped) keeps no capture trigger.
        changed += 1
        if not dry_run:
            db.execute(f"DROP TRIGGER {quote(name)}")
    for name, sql in want.items():
        if have.get(name) != sql:
            changed += 1
            if dry_run:
                continue
            if name in have:
                db.execute(f"DROP TRIGGER {quote(name)}")
            db.execute(sql)
    return changed


@contextmanager
def suspended(db: Db) -> Iterator[None]:
    """Within the caller's write transaction, rows inserted inside leave no capture marks.

    Applying received changes must not capture them again as local changes. Deleting the
    marks afterwards works, but making them cost the records' inserts 40% more (one insert into
    sync_dirty per new record: 5.7 s instead of 4.0 s for the records of 10k cases). Instead the
    insert triggers (what an import mostly does) are dropped and recreated, with the same
    text, in the same transaction: while it holds the write lock nobody else can write, and
    readers never see the vault without them (a rollback or a crash brings them back with
    everything else). The DDL costs a few ms per transaction. Updates and deletions still
    mark, and the caller deletes those marks."""
    saved = db.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE ? ESCAPE '!'",
        ((PREFIX + "ins_").replace("_", "!_") + "%",),
    ).fetchall()
    for name, _sql in saved:
        db.execute(f"DROP TRIGGER {quote(name)}")
    try:
        yield
    except BaseException:
        # The transaction is being abandoned and its rollback restores the triggers. Should a
        # caller commit it anyway, put them back unless SQLite already rolled it back.
        for _name, sql in saved:
            try:
                db.execute(sql.replace("CREATE TRIGGER ", "CREATE TRIGGER IF NOT EXISTS ", 1))
            except sqlcipher.Error:
                break
        raise
    for _name, sql in saved:
        db.execute(sql)
