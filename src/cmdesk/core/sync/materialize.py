"""Turning held operations into rows: per-record clocks, batched row writes, and the full
recomputation of one record from its history (the reference the fast paths must agree with).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from cmdesk.core.sync import number_clash
from cmdesk.core.sync.db import Db, chunks, marks, quote, written
from cmdesk.core.sync.merge import (
    DELETED_AT,
    REMOVED,
    Conflict,
    FieldOp,
    FieldState,
    Stamp,
    Value,
    row_state,
)
from cmdesk.core.sync.model import QUARANTINED
from cmdesk.core.sync.oplog import Origins, encode_json, field_op, load_row_changes
from cmdesk.core.sync.tables import APPEND_ONLY, synced_tables

HAS_CONFLICTS, DELETED, IS_REMOVED = 1, 2, 4

# [hlc, origin_idx] or [hlc, origin_idx, [[hlc, origin_idx], ...]] (other heads)
Clock = list[Any]
Key = tuple[str, str]


# Key of the clock shared by every column not listed on its own: a record made in one change
# (nearly all of them) stores one clock instead of one per column.
EVERY = "*"


@dataclass(slots=True)
class RowClocks:
    clocks: dict[str, Clock] = field(default_factory=dict)
    flags: int = 0

    def entry(self, name: str, columns: frozenset[str]) -> Clock | None:
        found = self.clocks.get(name)
        if found is None and name != REMOVED and name in columns:
            found = self.clocks.get(EVERY)
        return found

    def row_max(self) -> int:
        best = 0
        for entry in self.clocks.values():
            best = max(best, entry[0])
            if len(entry) > 2:
                best = max(best, *(e[0] for e in entry[2]))
        return best

    def compact(self, columns: tuple[str, ...]) -> None:
        """Folds the most common single-head clock into EVERY when every column has one."""
        if EVERY in self.clocks or not all(c in self.clocks for c in columns):
            return
        counts: dict[tuple[int, int], int] = {}
        for c in columns:
            entry = self.clocks[c]
            if len(entry) == 2:
                counts[(entry[0], entry[1])] = counts.get((entry[0], entry[1]), 0) + 1
        if not counts:
            return
        common = max(counts, key=lambda k: counts[k])
        for c in columns:
            entry = self.clocks[c]
            if len(entry) == 2 and (entry[0], entry[1]) == common:
                del self.clocks[c]
        self.clocks[EVERY] = list(common)


def load_clocks(db: Db, keys: Iterable[Key]) -> dict[Key, RowClocks]:
    by_table: dict[str, list[str]] = {}
    for tbl, row_id in keys:
        by_table.setdefault(tbl, []).append(row_id)
    out: dict[Key, RowClocks] = {}
    for tbl, ids in by_table.items():
        for part in chunks(ids):
            for row_id, clocks, flags in db.execute(
                f"SELECT row_id, clocks, flags FROM sync_row "
                f"WHERE tbl = ? AND row_id IN ({marks(len(part))})",
                [tbl, *part],
            ):
                out[(tbl, row_id)] = RowClocks(json.loads(clocks), flags)
    return out


def save_clocks(db: Db, rows: Iterable[tuple[Key, RowClocks]]) -> None:
    save_clock_texts(
        db,
        [(tbl, row_id, encode_json(rc.clocks), rc.flags) for (tbl, row_id), rc in rows],
    )


def save_clock_texts(db: Db, rows: Iterable[tuple[str, str, str, int]]) -> None:
    """(tbl, row_id, clocks as JSON text, flags) of each record."""
    db.executemany(
        "INSERT INTO sync_row (tbl, row_id, clocks, flags) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (tbl, row_id) DO UPDATE SET clocks = excluded.clocks, "
        "flags = excluded.flags",
        rows,
    )


class RowWriter:
    """Collects row upserts and removals; `flush` writes them with one statement per shape."""

    def __init__(self) -> None:
        self._upserts: dict[tuple[str, tuple[str, ...], bool], list[Sequence[Value]]] = {}
        self._deletes: dict[str, list[str]] = {}
        # Records that could not be written for a unique key other than their id (flush).
        self.set_aside: list[tuple[str, str]] = []

    def upsert(self, tbl: str, row_id: str, values: dict[str, Value], *, new: bool = False) -> None:
        """new: the record is not expected to exist (a plain insert, the cheapest write)."""
        names = tuple(values)
        row: list[Value] = [row_id, *values.values()]
        if synced_tables()[tbl].has_blob:
            row = [_bytes(v) if isinstance(v, list) else v for v in row]  # type: ignore[misc]
        self._upserts.setdefault((tbl, names, new), []).append(row)

    def new_rows(self, tbl: str, names: tuple[str, ...]) -> list[Sequence[Value]]:
        """The list to append whole new records of one shape to, each as (id, *values) in the
        order of `names` (blob values already bytes): the import's fast path builds no dict
        per record."""
        return self._upserts.setdefault((tbl, names, True), [])

    def delete(self, tbl: str, row_id: str) -> None:
        self._deletes.setdefault(tbl, []).append(row_id)

    def flush(self, db: Db) -> None:
        tables = synced_tables()
        for (tbl, names, new), rows in self._upserts.items():
            table = tables[tbl]
            rest = [c for c in table.columns if c not in names]
            cols = ["id", *names, *rest]
            fill = [table.fillers[c] for c in rest]
            sets = ", ".join(f"{quote(c)} = excluded.{quote(c)}" for c in names)
            conflict = f"DO UPDATE SET {sets}" if names else "DO NOTHING"
            insert = (
                f"INSERT INTO {quote(tbl)} ({', '.join(quote(c) for c in cols)}) "
                f"VALUES ({marks(len(cols))})"
            )
            params = [[*row, *fill] for row in rows] if fill else rows
            # A record thought new may be there already (written outside sync).
            if new and written(db, "sync_rows", db.executemany, insert, params):
                continue
            upsert = f"{insert} ON CONFLICT (id) {conflict}"
            if written(db, "sync_upsert", db.executemany, upsert, params):
                continue
            # Another unique key than the id (an audit chain position written twice by two
            # vaults under one device id, a case number used twice): write the rows one by
            # one; a case number used twice is settled (number_clash), others are set aside
            # rather than fail the import and every later one. Their changes stay in the
            # history.
            for one in params:
                if not written(db, "sync_one", db.execute, upsert, one) and (
                    not number_clash.settle(db, tbl, cols, one, upsert)
                ):
                    self.set_aside.append((tbl, str(one[0])))
        for tbl, ids in self._deletes.items():
            for part in chunks(ids):
                db.execute(f"DELETE FROM {quote(tbl)} WHERE id IN ({marks(len(part))})", list(part))
        self._upserts.clear()
        self._deletes.clear()


def blob_values(row: Sequence[Value]) -> list[Value | bytes]:
    """A row's values with base64-carried bytes turned back into bytes."""
    return [_bytes(v) if isinstance(v, list) else v for v in row]


def _bytes(value: list[str]) -> bytes:
    return base64.b64decode(value[1])


def clock_entry(origins: Origins, db: Db, st: FieldState) -> Clock:
    w = st.winner.stamp
    entry: Clock = [w.hlc, origins.idx(db, w.origin)]
    if len(st.heads) > 1:
        entry.append([[h.stamp.hlc, origins.idx(db, h.stamp.origin)] for h in st.heads[1:]])
    return entry


def stamp_from_clock(origins: Origins, db: Db, pair: Clock) -> Stamp:
    return Stamp(pair[0], origins.device(db, pair[1]))


def conflict_rows(conflicts: Iterable[Conflict]) -> list[tuple[str, str, str, str, str, str]]:
    return [
        (
            c.id,
            c.table,
            c.row_id,
            c.field,
            c.kind,
            json.dumps(
                [[s.hlc, s.origin, f, v] for s, f, v in c.sides],
                ensure_ascii=False,
                separators=(",", ":"),
            ),
        )
        for c in conflicts
    ]


def replace_conflicts(db: Db, key: Key, conflicts: Iterable[Conflict]) -> None:
    db.execute("DELETE FROM sync_conflict WHERE tbl = ? AND row_id = ?", key)
    db.executemany(
        "INSERT INTO sync_conflict (id, tbl, row_id, field, kind, sides) VALUES (?,?,?,?,?,?)",
        conflict_rows(conflicts),
    )


def held_ops(db: Db, origins: Origins, tbl: str, row_id: str) -> tuple[list[FieldOp], bool]:
    """The operations of one record that may be applied now, and whether any held operation
    waits for an app upgrade (it names a field this version does not know)."""
    table = synced_tables().get(tbl)
    ops: list[FieldOp] = []
    waiting = False
    for change, state in load_row_changes(db, origins, tbl, row_id):
        if state == QUARANTINED:
            continue
        for raw in change.ops:
            name = raw[1]
            if table is None or (name not in table.columns and name != REMOVED):
                waiting = True
                continue
            ops.append(field_op(change, raw))
    return ops, waiting


def recompute(db: Db, origins: Origins, key: Key, writer: RowWriter) -> RowClocks | None:
    """Rebuilds one record from its held history: values, clocks, flags, conflicts."""
    tbl, row_id = key
    if tbl not in synced_tables():
        return None
    ops, _ = held_ops(db, origins, tbl, row_id)
    if not ops:
        db.execute("DELETE FROM sync_row WHERE tbl = ? AND row_id = ?", key)
        replace_conflicts(db, key, ())
        return None
    st = row_state(tbl, row_id, ops)
    rc = RowClocks({name: clock_entry(origins, db, fs) for name, fs in st.fields.items()})
    rc.compact(synced_tables()[tbl].columns)
    deleted = DELETED_AT in st.fields and any(h.value for h in st.fields[DELETED_AT].heads)
    rc.flags = (
        (HAS_CONFLICTS if st.conflicts else 0)
        | (DELETED if deleted else 0)
        | (IS_REMOVED if st.removed else 0)
    )
    save_clocks(db, [(key, rc)])
    replace_conflicts(db, key, st.conflicts)
    if st.removed:
        # An audit entry stays whatever its history says: the trail is append-only (its
        # trigger would stop the whole import), and no laptop removes one; an operation
        # removing one came from a damaged or hostile copy of the app.
        if tbl not in APPEND_ONLY:
            writer.delete(tbl, row_id)
    else:
        writer.upsert(tbl, row_id, {k: v for k, v in st.values.items() if k != REMOVED})
    return rc
