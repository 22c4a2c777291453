"""Applying received changes: skip what is held, quarantine what is stamped too far ahead,
store the rest, and bring each touched record up to date.

Most changes are fast-forwards: every field operation replaced exactly the value this replica
holds and the record has no open conflict. Those are merged from the per-record clocks alone
and written with one statement per table shape. The commonest of all, a change that creates a
whole record this replica has never heard of, alone in its segment, takes a shorter lane still:
its values go from the decoded bundle into the insert as they are, its clock is one stamp for
every field, and no dict or operation list is made for it (the result is the fast-forward's).
Anything else (concurrent edits, deletions, out-of-order arrivals, fields from a newer app) is
recomputed from the record's full history with `merge.row_state`, the reference every path
must agree with (the stateful test checks every record against it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cmdesk.core.sync import batches
from cmdesk.core.sync.db import Db, chunks, marks, written
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
    blob_values,
    load_clocks,
    recompute,
    save_clocks,
)
from cmdesk.core.sync.merge import DELETED_AT, LIVENESS_FIELDS, REMOVED, SILENT_FIELDS, Value
from cmdesk.core.sync.model import APPLIED, DEFERRED, QUARANTINED
from cmdesk.core.sync.oplog import Change, Origins, dump_ops, load_held, load_ops, save_held
from cmdesk.core.sync.tables import APPEND_ONLY, SyncedTable, synced_tables
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
    # Operations held under the same (origin, sequence) with other content: two vaults worked
    # under one device id (a copied folder). Never applied over what is held; counted, and
    # their origins named so the import can make the next bundle to them carry the history.
    forked: int = 0
    forked_origins: frozenset[str] = frozenset()
    # Records that could not be written for a unique key other than their id (a forked audit
    # chain, a clashing case number): kept in the history, not in the table.
    set_aside: int = 0

    def __iadd__(self, other: ApplyStats) -> ApplyStats:
        for name in self.__dataclass_fields__:
            mine, theirs = getattr(self, name), getattr(other, name)
            setattr(self, name, mine | theirs if isinstance(mine, frozenset) else mine + theirs)
        return self


_INSERT_CHANGE = (
    "INSERT INTO sync_change (origin, seq, span, hlc, tbl, row_id, seen, schema, ops, state) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def _store(
    db: Db, idx: dict[str, int], fresh: list[Change], states: list[int], partial: set[int]
) -> set[Key]:
    """Stores the changes; returns the records some of whose changes were merged into a change
    held in part before (their history changed shape: recompute them)."""
    whole = [i for i in range(len(fresh)) if i not in partial]
    rows = [
        (
            idx[fresh[i].origin],
            fresh[i].seq,
            fresh[i].span,
            fresh[i].hlc,
            fresh[i].tbl,
            fresh[i].row_id,
            fresh[i].seen,
            fresh[i].schema,
            fresh[i].text if fresh[i].text is not None else dump_ops(fresh[i].ops),
            states[i],
        )
        for i in whole
    ]
    inserted = db.executemany(f"{_INSERT_CHANGE} ON CONFLICT (origin, seq) DO NOTHING", rows)
    merged: set[Key] = set()
    to_merge = sorted(partial)
    if inserted.rowcount != len(rows):
        # A change none of whose operations was held can still share its (origin, seq) with a
        # change held in part: a partner received some sections of a record, and now others
        # (whose operations lie before or after those it holds). The rows not inserted are
        # found and merged like a partial change; before this, the insert failed on the
        # unique key and every later bundle from that sender with it.
        for i, row in zip(whole, rows, strict=True):
            held = db.execute(
                "SELECT ops FROM sync_change WHERE origin = ? AND seq = ?", row[:2]
            ).fetchone()
            if held is not None and held[0] != row[8]:
                to_merge.append(i)
    for i in to_merge:
        c = fresh[i]
        key = (idx[c.origin], c.seq)
        row = db.execute("SELECT ops FROM sync_change WHERE origin = ? AND seq = ?", key).fetchone()
        if row is None:
            db.execute(
                _INSERT_CHANGE,
                (
                    *key,
                    c.span,
                    c.hlc,
                    c.tbl,
                    c.row_id,
                    c.seen,
                    c.schema,
                    dump_ops(c.ops),
                    states[i],
                ),
            )
            continue
        both = {op[0]: op for op in load_ops(row[0])}
        both.update({op[0]: op for op in c.ops})
        ops = [both[k] for k in sorted(both)]
        db.execute(
            "UPDATE sync_change SET ops = ?, span = ?, state = MAX(state, ?) "
            "WHERE origin = ? AND seq = ?",
            (dump_ops(ops), ops[-1][0] + 1, states[i], *key),
        )
        merged.add((c.tbl, c.row_id))
    return merged


def _forks(db: Db, origins: Origins, changes: list[Change]) -> list[Change]:
    """The changes among those already held whose stored stamp differs: the same numbers used
    twice by two vaults under one device id. (A change's stamp is taken once at commit, so
    the same change always carries the same one, however it was split into pieces.) A change
    whose numbers are held but whose own first number starts no held change was cut
    differently by the other vault: a fork too, when held changes lie over it."""
    by_origin: dict[str, list[Change]] = {}
    for c in changes:
        by_origin.setdefault(c.origin, []).append(c)
    forks: list[Change] = []
    for origin, group in by_origin.items():
        idx = origins.idx(db, origin)
        for part in chunks(group):
            stored = dict(
                db.execute(
                    f"SELECT seq, hlc FROM sync_change WHERE origin = ? AND seq IN "
                    f"({marks(len(part))})",
                    [idx, *(c.seq for c in part)],
                ).fetchall()
            )
            for c in part:
                if c.seq in stored:
                    if stored[c.seq] != c.hlc:
                        forks.append(c)
                elif rivals(db, idx, c, *bounds(c)):
                    forks.append(c)
    return forks


def bounds(c: Change) -> tuple[int, int]:
    if c.values is not None:
        return c.seq, c.seq + len(c.values) - 1
    return c.seq + c.ops[0][0], c.seq + c.ops[-1][0]


_HELD = "seq, span, hlc, tbl, row_id, seen, schema, ops"


def rivals(db: Db, idx: int, c: Change, lo: int, hi: int) -> list[Change]:
    """The held changes of `c`'s origin other than `c` itself (another number or another
    stamp) that cover any of the numbers lo..hi."""
    rows = db.execute(
        f"SELECT {_HELD} FROM sync_change WHERE origin = ? AND seq BETWEEN ? AND ?",
        (idx, lo, hi),
    ).fetchall()
    before = db.execute(
        f"SELECT {_HELD} FROM sync_change WHERE origin = ? AND seq < ? ORDER BY seq DESC LIMIT 1",
        (idx, lo),
    ).fetchone()
    if before is not None and before[0] + before[1] - 1 >= lo:
        rows.append(before)
    return [
        Change(c.origin, seq, hlc, tbl, row_id, seen, schema, load_ops(ops), ops, span)
        for seq, span, hlc, tbl, row_id, seen, schema, ops in rows
        if (seq, hlc) != (c.seq, c.hlc)
    ]


def forget(db: Db, idx: int, r: Change, have: RangeSet) -> RangeSet:
    """Drops a held change whose version lost (batches.rank); returns `have` without its
    numbers, so another version of them applies."""
    db.execute("DELETE FROM sync_change WHERE origin = ? AND seq = ?", (idx, r.seq))
    return have.without(r.seq, r.seq + r.span - 1)


def _overlaps_another(db: Db, origins: Origins, c: Change, lo: int, hi: int) -> bool:
    """Does a held change of `c`'s origin other than `c` itself cover any of the numbers
    lo..hi? A partner's change received in parts is always held under its own number and
    stamp; anything else is a fork."""
    return bool(rivals(db, origins.idx(db, c.origin), c, lo, hi))


def _replace_forked(
    db: Db,
    origins: Origins,
    forks: list[Change],
    own_org: str,
    held: dict[str, RangeSet],
    erased: set[Key],
) -> tuple[list[Change], set[Key]]:
    """Two copies of a vault under one device id made different changes under the same
    numbers, and laptops received one version or the other first. Every replica keeps the
    version of lower rank (batches.rank: the one made first): a fork whose rank is below that
    of every held change it lies over takes their place, when a stored batch of its origin
    signs it and the origin is of this organisation (batches.vouches; a partner's copies, cut
    down to what is shared, are never whole signed changes: it keeps what it holds). Returns
    the changes to apply and the records whose history changed (to recompute).

    Decided for issue 10 (found by the stateful test): every replica kept the first version it
    received, so a laptop that got one copy's version first (through a relay, or from the
    office before the copy reported) kept it while the others took the other one, and they
    never converged; records that only the other version held were missing there for ever.
    The vault whose version loses sends its work again under its new identity
    (reidentify.reissue_forked), so nothing it made is lost."""
    won: list[Change] = []
    reshaped: set[Key] = set()
    for c in sorted(forks, key=batches.rank):
        if (c.tbl, c.row_id) in erased:
            continue
        idx = origins.idx(db, c.origin)
        held_over = rivals(db, idx, c, *bounds(c))
        if not batches.outranks(c, held_over) or not batches.vouches(db, origins, c, own_org):
            continue
        have = held[c.origin]
        for r in held_over:
            have = forget(db, idx, r, have)
            reshaped.add((r.tbl, r.row_id))
        for n in c.seqs():
            have.add(n)
        held[c.origin] = have
        reshaped.add((c.tbl, c.row_id))
        won.append(c)
    return won, reshaped


def _creates(c: Change, table: SyncedTable) -> dict[str, Value] | None:
    """The values of a change that makes a whole new record, else None."""
    if c.names is not None and c.values is not None:
        if len(c.names) != len(table.columns) or not _is_whole(c.names, table):
            return None
        return dict(zip(c.names, c.values, strict=True))
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


def _is_whole(names: tuple[str, ...], table: SyncedTable) -> bool:
    """True when names are every column of the table, once each."""
    return len(names) == len(table.columns) and set(names) == set(table.columns)


# The new-record lane of one table shape: where its rows go, whether values hold base64 bytes,
# and the position of deleted_at (-1: none).
_Lane = tuple[list[Sequence[Value]], bool, int]


def _lane(writer: RowWriter, table: SyncedTable | None, names: tuple[str, ...]) -> _Lane | None:
    if table is None or not _is_whole(names, table):
        return None
    deleted_at = names.index(DELETED_AT) if DELETED_AT in names else -1
    return writer.new_rows(table.name, names), table.has_blob, deleted_at


def _insert_new_clocks(
    db: Db, candidates: list[tuple[Key, Change, _Lane]], idx: dict[str, int]
) -> bool:
    """Inserts the clock of each new record (one stamp for every field: json.dumps of
    {EVERY: [hlc, origin]}, written out); False, with nothing inserted, if one exists."""
    rows = [
        (
            key[0],
            key[1],
            f'{{"{EVERY}":[{c.hlc},{idx[c.origin]}]}}',
            DELETED if deleted_at >= 0 and c.values and c.values[deleted_at] else 0,
        )
        for key, c, (_, _, deleted_at) in candidates
    ]
    insert = "INSERT INTO sync_row (tbl, row_id, clocks, flags) VALUES (?, ?, ?, ?)"
    return written(db, "sync_new_rows", db.executemany, insert, rows)


def apply_changes(
    db: Db,
    origins: Origins,
    changes: Sequence[Change],
    clock: Hlc,
    own_org: str | None = None,
) -> ApplyStats:
    """Applies changes inside the caller's transaction. `own_org`: this vault's organisation,
    when a forked change of one of its devices may take the place of the version held
    (_replace_forked)."""
    stats = ApplyStats()
    tables = synced_tables()
    held = load_held(db, origins, [origins.idx(db, o) for o in {c.origin for c in changes}])
    erased = erased_keys(db)
    # Changes not held before, to store and apply; their states; those some of whose
    # operations were held before (by index in fresh).
    fresh: list[Change] = []
    states: list[int] = []
    partial: set[int] = set()
    # One reading of the wall clock for the batch: the largest acceptable stamp.
    limit = pack(clock.now() + clock.drift_ms, COUNTER_MASK)
    newest = 0
    # Counted in locals: this loop runs once per change of a whole organisation.
    n_ops = n_dup = n_erased = n_quarantined = n_new = 0
    held_before: list[Change] = []
    forked_partial: list[Change] = []
    for c in changes:
        values = c.values
        if values is not None:
            n = len(values)
            lo = c.seq
            hi = lo + n - 1
            dense = True
        else:
            ops = c.ops
            n = len(ops)
            lo, hi = c.seq + ops[0][0], c.seq + ops[-1][0]
            dense = hi - lo + 1 == n
        n_ops += n
        have = held.get(c.origin)
        if have is None:
            have = held[c.origin] = RangeSet()
        if have.covers(lo, hi):
            n_dup += n
            held_before.append(c)
            continue
        is_partial = have.intersects(lo, hi)
        if is_partial and _overlaps_another(db, origins, c, lo, hi):
            # Numbers held as part of another change: two vaults worked under one device id
            # (a copied folder) and cut their histories differently. Merging the operations
            # not held yet into the held change made a change neither vault made, which its
            # origin's signature refuses everywhere (found by the stateful test). Treated like
            # any fork: nothing of it is applied, and the vault that made it takes a new
            # identity when it sees the held version (reidentify.py), sending its work again.
            n_dup += n
            held_before.append(c)
            forked_partial.append(c)
            continue
        if is_partial:
            kept = [op for op in c.ops if c.seq + op[0] not in have]
            n_dup += n - len(kept)
            c = Change(c.origin, c.seq, c.hlc, c.tbl, c.row_id, c.seen, c.schema, kept)
            for op in kept:
                have.add(c.seq + op[0])
            n = len(kept)
        elif dense:
            have.add(lo, hi)
        else:
            for op in c.ops:
                have.add(c.seq + op[0])
        if erased and (c.tbl, c.row_id) in erased:
            n_erased += n
            continue
        if c.hlc > limit:
            n_quarantined += n
            state = QUARANTINED
        else:
            if c.hlc > newest:
                newest = c.hlc
            state = APPLIED
        n_new += n
        if is_partial:
            partial.add(len(fresh))
        fresh.append(c)
        states.append(state)
    reshaped: set[Key] = set()
    if held_before:
        forks = _forks(db, origins, held_before)
        found = {id(c) for c in forks}
        forks += [c for c in forked_partial if id(c) not in found]
        stats.forked = sum(len(c.values) if c.values is not None else len(c.ops) for c in forks)
        stats.forked_origins = frozenset(c.origin for c in forks)
        if forks and own_org is not None:
            won, reshaped = _replace_forked(db, origins, forks, own_org, held, erased)
            for c in won:
                n = len(c.values) if c.values is not None else len(c.ops)
                n_dup -= n
                n_new += n
                if c.hlc > limit:
                    n_quarantined += n
                    states.append(QUARANTINED)
                else:
                    newest = max(newest, c.hlc)
                    states.append(APPLIED)
                fresh.append(c)
    stats.operations, stats.duplicates, stats.dropped_erased = n_ops, n_dup, n_erased
    stats.quarantined, stats.new = n_quarantined, n_new
    if newest:
        clock.receive(newest)

    idx = {o: origins.idx(db, o) for o in {c.origin for c in fresh}}
    by_row: dict[Key, list[int]] = {}
    slow: set[Key] = set()
    for i, c in enumerate(fresh):
        if states[i] == QUARANTINED:
            continue
        key = (c.tbl, c.row_id)
        by_row.setdefault(key, []).append(i)
        if i in partial:
            slow.add(key)
    slow |= reshaped

    # The new-record lane: a compact change of every column, alone in the segment for its
    # record. Whether the record is new is asked of sync_row by inserting its clock: the
    # primary key does the lookup a SELECT would (half the index descents of a large import).
    # Should any be known already, the attempt is rolled back and each is looked up.
    writer = RowWriter()
    lanes: dict[tuple[str, tuple[str, ...]], _Lane | None] = {}
    candidates: list[tuple[Key, Change, _Lane]] = []
    rest: dict[Key, list[int]] = {}
    for key, group in by_row.items():
        if len(group) == 1 and key not in slow:
            c = fresh[group[0]]
            names = c.names
            if names is not None:
                shape = (key[0], names)
                if shape in lanes:
                    lane = lanes[shape]
                else:
                    lane = lanes[shape] = _lane(writer, tables.get(key[0]), names)
                if lane is not None:
                    candidates.append((key, c, lane))
                    continue
        rest[key] = group
    if candidates and not _insert_new_clocks(db, candidates, idx):
        known = load_clocks(db, [key for key, _, _ in candidates])
        rest.update((key, by_row[key]) for key, _, _ in candidates if key in known)
        candidates = [t for t in candidates if t[0] not in known]
        if not _insert_new_clocks(db, candidates, idx):
            raise RuntimeError("sync_row changed while a segment was applied")
    for key, c, (rows, blobs, _) in candidates:
        values = c.values
        assert values is not None
        rows.append((key[1], *(blob_values(values) if blobs else values)))

    clocks = load_clocks(db, rest)
    touched: list[tuple[Key, RowClocks]] = []
    for key, group in rest.items():
        table = tables.get(key[0])
        ff = None
        before = None
        if key not in slow and table is not None:
            if len(group) > 1:
                group.sort(key=lambda i: (fresh[i].hlc, fresh[i].origin))
            before = clocks.get(key)
            rc = RowClocks(dict(before.clocks), before.flags) if before else RowClocks()
            ff = _fast_forward([fresh[i] for i in group], rc, table, origins, db)
        if ff is not None:
            # (A fast-forward has checked that every field is known.)
            writer.upsert(key[0], key[1], ff, new=before is None)
            touched.append((key, rc))
            continue
        slow.add(key)
        for i in group:
            if not _knows_fields(fresh[i], table):
                states[i] = DEFERRED
                stats.deferred += len(fresh[i].ops)

    slow |= _store(db, idx, fresh, states, partial)
    save_held(db, origins, held)
    save_clocks(db, touched)
    writer.flush(db)
    for key in sorted(slow):
        rebuilt = recompute(db, origins, key, writer)
        # No history left: it was a version that lost (_replace_forked). An audit entry stays
        # (the trail is append-only): the vault that wrote it sends it again.
        if rebuilt is None and key in reshaped and key[0] in tables and key[0] not in APPEND_ONLY:
            writer.delete(*key)
    writer.flush(db)

    stats.set_aside = len(writer.set_aside)
    erasures = [c.row_id for c in fresh if c.tbl == ERASURE_TABLE]
    if erasures:
        purge(db, erased_keys(db, erasures))
    return stats
