"""Change capture: at every commit, the fields marked dirty by triggers become operations.

Runs inside the committing transaction (SQLAlchemy's `commit` event, just before COMMIT), so a
write and its operations are committed together or not at all. All changes of one commit share
one HLC stamp; each field gets its own sequence number. Each operation records the stamp of
the value it replaced (`prev`) and, if the field was in conflict, the other values the writer
had in front of them (`covers`): writing a field is taking a position on every value shown.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlcipher3.dbapi2 as sqlcipher
from sqlalchemy import Engine, event

from cmdesk.core.sync.db import Db, chunks, marks, quote
from cmdesk.core.sync.erasure import ERASURE_TABLE, erased_keys, purge
from cmdesk.core.sync.hlc import Hlc, MsClock
from cmdesk.core.sync.materialize import (
    DELETED,
    EVERY,
    HAS_CONFLICTS,
    IS_REMOVED,
    Key,
    RowClocks,
    RowWriter,
    load_clocks,
    recompute,
    save_clocks,
    stamp_from_clock,
)
from cmdesk.core.sync.merge import DELETED_AT, REMOVED, SILENT_FIELDS, Value
from cmdesk.core.sync.oplog import Change, Origins, dump_ops, load_held, raw_op, save_held
from cmdesk.core.sync.tables import APPEND_ONLY, SCHEMA_VERSION, synced_tables
from cmdesk.core.sync.triggers import ALL_COLUMNS, ROW_REMOVED
from cmdesk.core.sync.vectors import RangeSet


@dataclass
class LocalCounters:
    hlc: int
    next_seq: int

    @classmethod
    def load(cls, db: Db) -> LocalCounters:
        values = dict(db.execute("SELECT key, value FROM sync_local").fetchall())
        return cls(int(values.get("hlc", 0)), int(values.get("next_seq", 1)))

    def save(self, db: Db) -> None:
        db.executemany(
            "INSERT INTO sync_local (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [("hlc", self.hlc), ("next_seq", self.next_seq)],
        )


def current_rows(db: Db, tbl: str, ids: list[str]) -> dict[str, dict[str, Value]]:
    cols = synced_tables()[tbl].columns
    select = ", ".join(quote(c) for c in ("id", *cols))
    out: dict[str, dict[str, Value]] = {}
    for part in chunks(ids):
        for row in db.execute(
            f"SELECT {select} FROM {quote(tbl)} WHERE id IN ({marks(len(part))})", list(part)
        ):
            out[row[0]] = dict(zip(cols, _plain(row[1:]), strict=True))
    return out


def _plain(values: tuple[Any, ...]) -> list[Value]:
    # Bytes are the one SQLite value JSON cannot carry; none of the model's columns hold them
    # today, but a column that does must still sync.
    if not any(isinstance(v, bytes) for v in values):
        return list(values)
    import base64

    return [["b64", base64.b64encode(v).decode()] if isinstance(v, bytes) else v for v in values]


def capture(db: Db, origins: Origins, device: str, now: MsClock) -> int:
    """Turns every dirty mark into operations. Returns the number of operations made."""
    try:
        dirty = db.execute("SELECT tbl, row_id, col FROM sync_dirty").fetchall()
    except sqlcipher.OperationalError as exc:
        # A migration that takes the schema back below sync commits with the hook still on.
        if "no such table" in str(exc):
            return 0
        raise
    if not dirty:
        return 0
    tables = synced_tables()
    by_row: dict[Key, set[str]] = {}
    for tbl, row_id, col in dirty:
        if tbl in tables:
            by_row.setdefault((tbl, row_id), set()).add(col)
    # An erasure in this transaction: its records leave no operation behind, old or new.
    erasing = erased_keys(db, [r for t, r in by_row if t == ERASURE_TABLE])
    for key in erasing:
        by_row.pop(key, None)
    current: dict[str, dict[str, dict[str, Value]]] = {}
    for tbl in {t for t, _ in by_row}:
        current[tbl] = current_rows(db, tbl, [r for t, r in by_row if t == tbl])
    clocks = load_clocks(db, by_row)

    counters = LocalCounters.load(db)
    clock = Hlc(counters.hlc, now)
    stamp = clock.tick()
    me = origins.idx(db, device)
    first_seq = seq = counters.next_seq
    changes: list[Change] = []
    touched: list[tuple[Key, RowClocks]] = []
    refresh: list[Key] = []
    for key in sorted(by_row):
        tbl, row_id = key
        cols = by_row[key]
        values = current[tbl].get(row_id)
        rc = clocks.get(key)
        was_removed = rc is not None and bool(rc.flags & IS_REMOVED)
        fields: dict[str, Value]
        if values is None:
            if rc is None or was_removed:
                continue  # made and removed in one transaction, or already removed
            if tbl in APPEND_ONLY:
                continue  # never removed: a held entry not written here was set aside
            fields = {REMOVED: 1}
        elif rc is None or ALL_COLUMNS in cols or ROW_REMOVED in cols:
            fields = dict(values)
            if was_removed:
                fields[REMOVED] = None
        else:
            fields = {c: values[c] for c in sorted(cols) if c in values}
        if not fields:
            continue
        rc = rc or RowClocks()
        columns = tables[tbl].column_set
        ops = []
        for offset, (name, value) in enumerate(fields.items()):
            entry = rc.entry(name, columns)
            prev = stamp_from_clock(origins, db, entry) if entry else None
            covers = (
                [stamp_from_clock(origins, db, e) for e in entry[2]]
                if entry and len(entry) > 2 and name not in SILENT_FIELDS
                else []
            )
            ops.append(raw_op(offset, name, value, prev, covers))
        changes.append(Change(device, seq, stamp, tbl, row_id, rc.row_max(), SCHEMA_VERSION, ops))
        seq += len(ops)
        if rc.flags & HAS_CONFLICTS:
            refresh.append(key)
        if all(c in fields for c in tables[tbl].columns):
            # Every column written at once (a new record): one clock stands for all.
            rc.clocks = {k: v for k, v in rc.clocks.items() if k not in columns}
            rc.clocks[EVERY] = [stamp, me]
            if REMOVED in fields:
                rc.clocks[REMOVED] = [stamp, me]
        else:
            for name in fields:
                rc.clocks[name] = [stamp, me]
        for name, value in fields.items():
            if name == DELETED_AT:
                rc.flags = (rc.flags | DELETED) if value else (rc.flags & ~DELETED)
            elif name == REMOVED:
                rc.flags = (rc.flags | IS_REMOVED) if value else (rc.flags & ~IS_REMOVED)
        touched.append((key, rc))

    if changes:
        db.executemany(
            "INSERT INTO sync_change "
            "(origin, seq, span, hlc, tbl, row_id, seen, schema, ops, state) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0)",
            [
                (me, c.seq, len(c.ops), c.hlc, c.tbl, c.row_id, c.seen, c.schema, dump_ops(c.ops))
                for c in changes
            ],
        )
        save_clocks(db, touched)
        held = load_held(db, origins, [me])
        held.setdefault(device, RangeSet()).add(first_seq, seq - 1)
        save_held(db, origins, {device: held[device]})
        counters.hlc, counters.next_seq = stamp, seq
        counters.save(db)
        # A local write may have settled a conflict (it covers every value it replaced).
        writer = RowWriter()
        for key in refresh:
            recompute(db, origins, key, writer)
        writer.flush(db)
    if erasing:
        purge(db, erasing)
    # Including marks made just now by rewriting rows to the values they already had.
    db.execute("DELETE FROM sync_dirty")
    return seq - first_seq


CaptureFn = Callable[[Db], int]


def install(engine: Engine, run: CaptureFn) -> Callable[[], None]:
    """Runs `run` on the raw connection before each commit that wrote something.

    Returns a function that removes the hook (a locked workspace must not keep capturing)."""

    def on_begin(conn: Any) -> None:
        conn.info["sync_changes_at_begin"] = conn.connection.driver_connection.total_changes

    def on_commit(conn: Any) -> None:
        raw = conn.connection.driver_connection
        if raw.total_changes != conn.info.pop("sync_changes_at_begin", -1):
            run(raw)

    event.listen(engine, "begin", on_begin)
    event.listen(engine, "commit", on_commit)

    def remove() -> None:
        event.remove(engine, "begin", on_begin)
        event.remove(engine, "commit", on_commit)

    return remove
