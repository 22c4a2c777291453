"""Applying received changes: skip what is held, quarantine what is stamped too far ahead,
store the rest, and bring each touched record up to date.

Most changes are fast-forwards: every field operation replaced exactly the value this replica
holds and the record has no open conflict (a new record is the simplest case). Those are
merged from the per-record clocks alone and written with one statement per table shape.
Anything else (concurrent edits, deletions, out-of-order arrivals, fields from a newer app) is
recomputed from the record's full history with `merge.row_state`, the reference both paths
must agree with (the stateful test checks every record against it).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from cmdesk.core.sync.db import Db
from cmdesk.core.sync.erasure import ERASURE_TABLE, erased_keys, purge
from cmdesk.core.sync.hlc import COUNTER_MASK, Hlc, pack
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
)
from cmdesk.core.sync.merge import LIVENESS_FIELDS, REMOVED, SILENT_FIELDS, Value
from cmdesk.core.sync.model import APPLIED, DEFERRED, QUARANTINED
from cmdesk.core.sync.oplog import Change, Origins, dump_ops, load_held, save_held
from cmdesk.core.sync.tables import SyncedTable, synced_tables
from cmdesk.core.sync.vectors import RangeSet

_PLAIN = frozenset(SILENT_FIELDS) | LIVENESS_FIELDS


@dataclass
class ApplyStats:
    operations: int = 0
    new: int = 0
    duplicates: int = 0
    quarantined: int = 0
    deferred: int = 0
    dropped_erased: int = 0

    def __iadd__(self, other: ApplyStats) -> ApplyStats:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        return self


@dataclass(slots=True)
class _Fresh:
    change: Change
    state: int
    partial: bool


def _store(db: Db, origins: Origins, fresh: list[_Fresh]) -> None:
    db.executemany(
        "INSERT INTO sync_change (origin, seq, span, hlc, tbl, row_id, seen, schema, ops, state) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                origins.idx(db, f.change.origin),
                f.change.seq,
                f.change.ops[-1][0] + 1,
                f.change.hlc,
                f.change.tbl,
                f.change.row_id,
                f.change.seen,
                f.change.schema,
                f.change.text if f.change.text is not None else dump_ops(f.change.ops),
                f.state,
            )
            for f in fresh
            if not f.partial
        ],
    )
    for f in fresh:
        if not f.partial:
            continue
        c = f.change
        # Some fields of this change arrived before (a partner sent more sections later).
        key = (origins.idx(db, c.origin), c.seq)
        row = db.execute("SELECT ops FROM sync_change WHERE origin = ? AND seq = ?", key).fetchone()
        if row is None:
            db.execute(
                "INSERT INTO sync_change (origin, seq, span, hlc, tbl, row_id, seen, schema, "
                "ops, state) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    *key,
                    c.ops[-1][0] + 1,
                    c.hlc,
                    c.tbl,
                    c.row_id,
                    c.seen,
                    c.schema,
                    dump_ops(c.ops),
                    f.state,
                ),
            )
        else:
            merged = {op[0]: op for op in json.loads(row[0])}
            merged.update({op[0]: op for op in c.ops})
            ops = [merged[k] for k in sorted(merged)]
            db.execute(
                "UPDATE sync_change SET ops = ?, span = ?, state = MAX(state, ?) "
                "WHERE origin = ? AND seq = ?",
                (dump_ops(ops), ops[-1][0] + 1, f.state, *key),
            )


def _creates(c: Change, table: SyncedTable) -> dict[str, Value] | None:
    """The values of a change that makes a whole new record, else None."""
    ops = c.ops
    if len(ops) != len(table.columns):
        return None
    values = {op[1]: op[2] for op in ops if len(op) == 3}
    if len(values) != len(ops) or values.keys() != table.column_set - {REMOVED}:
        return None
    return values


def _fast_forward(
    changes: Sequence[Change], rc: RowClocks, table: SyncedTable, origins: Origins, db: Db
) -> dict[str, Value] | None:
    """The record's new field values if every change is a fast-forward (rc is updated),
    else None (rc may be partly updated and must be discarded)."""
    if rc.flags & (HAS_CONFLICTS | IS_REMOVED):
        return None
    cols = table.column_set
    values: dict[str, Value] = {}
    first = 0
    if not rc.clocks:
        made = _creates(changes[0], table)
        if made is not None:
            c = changes[0]
            rc.clocks[EVERY] = [c.hlc, origins.idx(db, c.origin)]
            values.update(made)
            if made.get("deleted_at"):
                rc.flags |= DELETED
            first = 1
    row_max = rc.row_max()
    deleted = bool(rc.flags & DELETED)
    for c in changes[first:]:
        stamp = (c.hlc, c.origin)
        for op in c.ops:
            name = op[1]
            if name not in cols or name == REMOVED or len(op) > 4:
                return None
            prev = op[3] if len(op) > 3 else None
            cur = rc.entry(name, cols)
            if cur is None:
                if prev is not None:
                    return None
            else:
                cur_stamp = (cur[0], origins.device(db, cur[1]))
                if name in SILENT_FIELDS:
                    if stamp <= cur_stamp:
                        return None
                elif (
                    len(cur) > 2
                    or prev is None
                    or prev[0] != cur[0]
                    or prev[1] != cur_stamp[1]
                    or stamp <= cur_stamp
                ):
                    return None
            if name in LIVENESS_FIELDS:
                if op[2] and c.seen < row_max:
                    return None
            elif name not in _PLAIN and deleted:
                return None
        idx = origins.idx(db, c.origin)
        for op in c.ops:
            name = op[1]
            rc.clocks[name] = [c.hlc, idx]
            values[name] = op[2]
            if name in LIVENESS_FIELDS:
                deleted = bool(op[2])
        row_max = max(row_max, c.hlc)
    rc.flags = (rc.flags | DELETED) if deleted else (rc.flags & ~DELETED)
    return values


def _knows_fields(c: Change, table: SyncedTable | None) -> bool:
    if table is None:
        return False
    cols = table.column_set
    return all(op[1] in cols for op in c.ops)


def apply_changes(db: Db, origins: Origins, changes: Sequence[Change], clock: Hlc) -> ApplyStats:
    """Applies changes inside the caller's transaction."""
    stats = ApplyStats()
    tables = synced_tables()
    held = load_held(db, origins, [origins.idx(db, o) for o in {c.origin for c in changes}])
    erased = erased_keys(db)
    fresh: list[_Fresh] = []
    # One reading of the wall clock for the batch: the largest acceptable stamp.
    limit = pack(clock.now() + clock.drift_ms, COUNTER_MASK)
    newest = 0
    for c in changes:
        ops = c.ops
        n = len(ops)
        stats.operations += n
        have = held.setdefault(c.origin, RangeSet())
        lo, hi = c.seq + ops[0][0], c.seq + ops[-1][0]
        if have.covers(lo, hi):
            stats.duplicates += n
            continue
        partial = have.intersects(lo, hi)
        if partial:
            kept = [op for op in ops if c.seq + op[0] not in have]
            stats.duplicates += n - len(kept)
            c = Change(c.origin, c.seq, c.hlc, c.tbl, c.row_id, c.seen, c.schema, kept)
            for op in kept:
                have.add(c.seq + op[0])
        elif hi - lo + 1 == n:
            have.add(lo, hi)
        else:
            for op in ops:
                have.add(c.seq + op[0])
        if (c.tbl, c.row_id) in erased:
            stats.dropped_erased += len(c.ops)
            continue
        if c.hlc > limit:
            stats.quarantined += len(c.ops)
            state = QUARANTINED
        else:
            newest = max(newest, c.hlc)
            state = APPLIED
        stats.new += len(c.ops)
        fresh.append(_Fresh(c, state, partial))
    if newest:
        clock.receive(newest)

    by_row: dict[Key, list[_Fresh]] = {}
    slow: set[Key] = set()
    for f in fresh:
        if f.state == QUARANTINED:
            continue
        key = (f.change.tbl, f.change.row_id)
        by_row.setdefault(key, []).append(f)
        if f.partial:
            slow.add(key)
    clocks = load_clocks(db, by_row)
    writer = RowWriter()
    touched: list[tuple[Key, RowClocks]] = []
    for key, group in by_row.items():
        table = tables.get(key[0])
        values = None
        before = None
        if key not in slow and table is not None:
            group.sort(key=lambda f: (f.change.hlc, f.change.origin))
            before = clocks.get(key)
            rc = RowClocks(dict(before.clocks), before.flags) if before else RowClocks()
            values = _fast_forward([f.change for f in group], rc, table, origins, db)
        if values is not None:
            # (A fast-forward has checked that every field is known.)
            writer.upsert(key[0], key[1], values, new=before is None)
            touched.append((key, rc))
            continue
        slow.add(key)
        for f in group:
            if not _knows_fields(f.change, table):
                f.state = DEFERRED
                stats.deferred += len(f.change.ops)

    _store(db, origins, fresh)
    save_held(db, origins, held)
    save_clocks(db, touched)
    writer.flush(db)
    for key in sorted(slow):
        recompute(db, origins, key, writer)
    writer.flush(db)

    erasures = [f.change.row_id for f in fresh if f.change.tbl == ERASURE_TABLE]
    if erasures:
        purge(db, erased_keys(db, erasures))
    return stats
