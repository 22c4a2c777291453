"""Leaving no readable trace of deleted text: full-text indexes and the WAL.

With secure_delete ON, SQLite zeroes the cells and pages it frees. Two places still keep
deleted words: FTS5 index segments (deleting an FTS5 row, even with its 'secure-delete'
option, can leave the row's terms as keys in leaf pages — measured on a contentless table),
and older copies of pages in the WAL. Both the erasure on the device where it was decided
and its arrival on every other replica use these.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Engine

FTS5_TABLES = (
    "SELECT name FROM sqlite_master WHERE type = 'table'"
    " AND sql LIKE 'CREATE VIRTUAL TABLE%' AND lower(sql) LIKE '%using fts5%'"
)
CHECKPOINT_ATTEMPTS = 20


def optimize_statements(names: Sequence[object]) -> list[str]:
    """'optimize' rebuilds each index from its live rows only."""
    statements = []
    for name in names:
        quoted = '"' + str(name).replace('"', '""') + '"'
        statements.append(f"INSERT INTO {quoted}({quoted}) VALUES ('optimize')")
    return statements


def scrub_fts(execute: Callable[[str], Any]) -> None:
    """Rewrites every FTS5 index in the vault, whoever made it, inside the caller's
    transaction. `execute(sql)` returns rows (a DBAPI cursor or a SQLAlchemy result)."""
    names = [row[0] for row in execute(FTS5_TABLES)]
    for statement in optimize_statements(names):
        execute(statement)


def checkpoint_wal(engine: Engine) -> bool:
    """Moves zeroed pages into the database file and empties the WAL. A reader in another
    window can hold the WAL for a moment, so this retries briefly; returns whether the WAL was
    emptied (if not, SQLite's next checkpoint finishes the work)."""
    for attempt in range(CHECKPOINT_ATTEMPTS):
        raw = engine.raw_connection()
        try:
            busy = raw.driver_connection.execute(  # type: ignore[union-attr]
                "PRAGMA wal_checkpoint(TRUNCATE)"
            ).fetchone()[0]
        finally:
            raw.close()
        if not busy:
            return True
        time.sleep(0.05 * (attempt + 1))
    return False
