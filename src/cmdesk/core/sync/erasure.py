"""Erasure reaches the operation log: an erased record's history is purged on every replica,
and operations for it that arrive later are dropped, so no replica brings it back.

The records layer writes an `erasure` row listing {table: [ids]}; it holds ids only. The
purge runs in the same transaction as the capture or import that brought the erasure row.
"""

from __future__ import annotations

import json

from cmdesk.core.sync.db import Db, chunks, marks, quote
from cmdesk.core.sync.materialize import Key
from cmdesk.core.sync.tables import synced_tables
from cmdesk.core.vault.scrub import scrub_fts

ERASURE_TABLE = "erasure"


def _listed(erased: object) -> set[Key]:
    keys: set[Key] = set()
    if isinstance(erased, dict):
        for tbl, ids in erased.items():
            if isinstance(ids, list):
                keys.update((str(tbl), str(i)) for i in ids)
    return keys


def erased_keys(db: Db, only: list[str] | None = None) -> set[Key]:
    tables = synced_tables()
    if ERASURE_TABLE not in tables or "erased" not in tables[ERASURE_TABLE].columns:
        return set()
    keys: set[Key] = set()
    if only is None:
        rows = db.execute(f"SELECT erased FROM {quote(ERASURE_TABLE)}").fetchall()
    else:
        rows = []
        for part in chunks(only):
            rows += db.execute(
                f"SELECT erased FROM {quote(ERASURE_TABLE)} WHERE id IN ({marks(len(part))})",
                list(part),
            ).fetchall()
    for (text,) in rows:
        try:
            keys |= _listed(json.loads(text))
        except (TypeError, ValueError):
            continue
    return keys


def purge(db: Db, keys: set[Key]) -> int:
    """Removes erased records and every trace of their values from sync's tables."""
    tables = synced_tables()
    by_table: dict[str, list[str]] = {}
    for tbl, row_id in keys:
        if tbl in tables and tbl != ERASURE_TABLE:
            by_table.setdefault(tbl, []).append(row_id)
    purged = 0
    for tbl, ids in by_table.items():
        for part in chunks(sorted(ids)):
            q, args = marks(len(part)), list(part)
            db.execute(f"DELETE FROM {quote(tbl)} WHERE id IN ({q})", args)
            for aux in ("sync_change", "sync_row", "sync_conflict"):
                cur = db.execute(
                    f"DELETE FROM {aux} WHERE tbl = ? AND row_id IN ({q})", [tbl, *args]
                )
                if aux == "sync_change":
                    purged += max(getattr(cur, "rowcount", 0), 0)
    if by_table:
        # The search index held the erased words on this replica too; deleting its rows
        # leaves terms in index pages, so it is rebuilt here (the engine then checkpoints).
        scrub_fts(db.execute)
    return purged
