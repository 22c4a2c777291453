"""Applying received changes: skip what is held, quarantine what is stamped too far ahead,
store the rest, and bring each touched record up to date.

Most changes are fast-forwards: every field operation replaced exactly the value this replica
holds and the record has no open conflict. Those are merged from the per-record clocks alone
and written with one statement per table shape. Anything else (concurrent edits, deletions,
out-of-order arrivals, fields from a newer app) is recomputed from the record's full history
with `merge.row_state`, the reference both paths must agree with.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from cmdesk.core.sync.db import Db
from cmdesk.core.sync.erasure import ERASURE_TABLE, erased_keys, purge
from cmdesk.core.sync.hlc import Hlc
from cmdesk.core.sync.materialize import (
    DELETED,
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
from cmdesk.core.sync.tables import synced_tables
from cmdesk.core.sync.vectors import RangeSet


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


def _state(change: Change, clock: Hlc) -> int:
    if not clock.accepts(change.hlc):
        return QUARANTINED
    table = synced_tables().get(change.tbl)
    if table is None:
        return DEFERRED
    cols = table.columns
    if any(op[1] not in cols and op[1] != REMOVED for op in change.ops):
        return DEFERRED
    return APPLIED


def _store(db: Db, origins: Origins, fresh: list[tuple[Change, int, bool]]) -> None:
    whole = [(c, s) for c, s, partial in fresh if not partial]
    db.executemany(
        "INSERT INTO sync_change (origin, seq, span, hlc, tbl, row_id, seen, schema, ops, state) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                origins.idx(db, c.origin),
                c.seq,
                c.ops[-1][0] + 1,
                c.hlc,
                c.tbl,
                c.row_id,
                c.seen,
                c.schema,
                c.text if c.text is not None else dump_ops(c.ops),
                s,
            )
            for c, s in whole
        ],
    )
    for c, s, partial in fresh:
        if not partial:
            continue
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
                    s,
                ),
            )
        else:
            merged = {op[0]: op for op in json.loads(row[0])}
            merged.update({op[0]: op for op in c.ops})
            c.ops = [merged[k] for k in sorted(merged)]
            db.execute(
                "UPDATE sync_change SET ops = ?, span = ?, state = MAX(state, ?) "
                "WHERE origin = ? AND seq = ?",
                (dump_ops(c.ops), c.ops[-1][0] + 1, s, *key),
            )


def _fast_forward(
    changes: Sequence[Change],
    rc: RowClocks,
    cols: frozenset[str],
    origins: Origins,
    db: Db,
) -> dict[str, Value] | None:
    """The record's new field values if every change is a fast-forward (rc is updated),
    else None (rc may be partly updated and must be discarded)."""
    if rc.flags & (HAS_CONFLICTS | IS_REMOVED):
        return None
    row_max = rc.row_max()
    deleted = bool(rc.flags & DELETED)
    values: dict[str, Value] = {}
    for c in changes:
        stamp = (c.hlc, c.origin)
        for op in c.ops:
            name = op[1]
            if name not in cols or name == REMOVED or len(op) > 4:
                return None
            prev = op[3] if len(op) > 3 else None
            cur = rc.clocks.get(name)
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
            elif name not in SILENT_FIELDS and deleted:
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


def apply_changes(db: Db, origins: Origins, changes: Sequence[Change], clock: Hlc) -> ApplyStats:
    """Applies changes inside the caller's transaction."""
    stats = ApplyStats()
    tables = synced_tables()
    held = load_held(db, origins, [origins.idx(db, o) for o in {c.origin for c in changes}])
    erased = erased_keys(db)
    fresh: list[tuple[Change, int, bool]] = []
    for c in changes:
        n = len(c.ops)
        stats.operations += n
        have = held.setdefault(c.origin, RangeSet())
        lo, hi = c.seq + c.ops[0][0], c.seq + c.ops[-1][0]
        if have.covers(lo, hi):
            stats.duplicates += n
            continue
        partial = any(c.seq + op[0] in have for op in c.ops)
        if partial:
            kept = [op for op in c.ops if c.seq + op[0] not in have]
            stats.duplicates += n - len(kept)
            c = Change(c.origin, c.seq, c.hlc, c.tbl, c.row_id, c.seen, c.schema, kept)
        for op in c.ops:
            have.add(c.seq + op[0])
        if (c.tbl, c.row_id) in erased:
            stats.dropped_erased += len(c.ops)
            continue
        state = _state(c, clock)
        if state == QUARANTINED:
            stats.quarantined += len(c.ops)
        else:
            clock.receive(c.hlc)
            if state == DEFERRED:
                stats.deferred += len(c.ops)
        stats.new += len(c.ops)
        fresh.append((c, state, partial))

    _store(db, origins, fresh)
    save_held(db, origins, held)

    by_row: dict[Key, list[Change]] = {}
    slow: set[Key] = set()
    for c, state, partial in fresh:
        if state == QUARANTINED:
            continue
        key = (c.tbl, c.row_id)
        by_row.setdefault(key, []).append(c)
        if state == DEFERRED or partial:
            slow.add(key)
    clocks = load_clocks(db, by_row)
    writer = RowWriter()
    touched: list[tuple[Key, RowClocks]] = []
    for key, row_changes in by_row.items():
        if key in slow:
            continue
        row_changes.sort(key=lambda ch: (ch.hlc, ch.origin))
        rc = clocks.get(key) or RowClocks()
        saved = RowClocks(dict(rc.clocks), rc.flags)
        values = _fast_forward(row_changes, rc, tables[key[0]].column_set, origins, db)
        if values is None:
            clocks[key] = saved
            slow.add(key)
            continue
        writer.upsert(key[0], key[1], values)
        touched.append((key, rc))
    save_clocks(db, touched)
    writer.flush(db)
    for key in sorted(slow):
        recompute(db, origins, key, writer)
    writer.flush(db)

    erasures = [c.row_id for c, s, _ in fresh if c.tbl == ERASURE_TABLE and s != QUARANTINED]
    if erasures:
        purge(db, erased_keys(db, erasures))
    return stats
