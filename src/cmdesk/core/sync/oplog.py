"""The operation log: storing changes, decoding their field operations, and what is held.

A change is the set of field operations one device made to one record in one transaction.
Its operations are numbered `seq + offset` in the origin's sequence and share one HLC stamp.
Stored ops are JSON `[[offset, field, value, prev?, covers?], ...]` with `prev` and each
`covers` entry as `[hlc, origin device id]`, so the text is the same on every replica.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from cmdesk.core.sync.db import Db, chunks, marks
from cmdesk.core.sync.merge import FieldOp, Stamp, Value
from cmdesk.core.sync.vectors import RangeSet, Vector

RawOp = list[Any]


@dataclass(slots=True)
class Change:
    origin: str
    seq: int
    hlc: int
    tbl: str
    row_id: str
    seen: int
    schema: int
    ops: list[RawOp]
    # The ops as JSON text when known (as stored or received), so it is not encoded again.
    text: str | None = None
    # Offset of the last operation + 1, when ops were not decoded (exports relay stored text).
    stored_span: int = 0

    @property
    def span(self) -> int:
        return self.ops[-1][0] + 1 if self.ops else self.stored_span

    @property
    def stamp(self) -> Stamp:
        return Stamp(self.hlc, self.origin)

    def seqs(self) -> list[int]:
        return [self.seq + op[0] for op in self.ops]

    def field_ops(self) -> list[FieldOp]:
        return [field_op(self, op) for op in self.ops]


def stamp_of(pair: Any) -> Stamp:
    return Stamp(int(pair[0]), str(pair[1]))


def field_op(change: Change, op: RawOp) -> FieldOp:
    prev = stamp_of(op[3]) if len(op) > 3 and op[3] is not None else None
    covers = tuple(stamp_of(c) for c in op[4]) if len(op) > 4 else ()
    return FieldOp(op[1], op[2], change.stamp, prev, covers, change.seen)


def raw_op(offset: int, name: str, value: Value, prev: Stamp | None, covers: list[Stamp]) -> RawOp:
    op: RawOp = [offset, name, value]
    if prev is not None or covers:
        op.append([prev.hlc, prev.origin] if prev is not None else None)
    if covers:
        op.append([[c.hlc, c.origin] for c in covers])
    return op


def dump_ops(ops: list[RawOp]) -> str:
    return json.dumps(ops, ensure_ascii=False, separators=(",", ":"))


class Origins:
    """Device id <-> small local number. Numbers never change once given, so caching is safe."""

    def __init__(self) -> None:
        self.by_id: dict[str, int] = {}
        self.by_idx: dict[int, str] = {}

    def load(self, db: Db) -> None:
        for idx, device in db.execute("SELECT idx, device_id FROM sync_origin"):
            self.by_id[device] = idx
            self.by_idx[idx] = device

    def idx(self, db: Db, device: str) -> int:
        found = self.by_id.get(device)
        if found is not None:
            return found
        row = db.execute("SELECT idx FROM sync_origin WHERE device_id = ?", (device,)).fetchone()
        if row is None:
            db.execute("INSERT INTO sync_origin (device_id) VALUES (?)", (device,))
            row = db.execute(
                "SELECT idx FROM sync_origin WHERE device_id = ?", (device,)
            ).fetchone()
        self.by_id[device], self.by_idx[row[0]] = row[0], device
        return int(row[0])

    def device(self, db: Db, idx: int) -> str:
        found = self.by_idx.get(idx)
        if found is None:
            self.load(db)
            found = self.by_idx[idx]
        return found


def load_held(db: Db, origins: Origins, only: list[int] | None = None) -> Vector:
    if only is None:
        rows = db.execute("SELECT origin, ranges FROM sync_held").fetchall()
    else:
        rows = []
        for part in chunks(only):
            rows += db.execute(
                f"SELECT origin, ranges FROM sync_held WHERE origin IN ({marks(len(part))})",
                list(part),
            ).fetchall()
    return {origins.device(db, idx): RangeSet.from_json(json.loads(r)) for idx, r in rows}


def save_held(db: Db, origins: Origins, held: Vector) -> None:
    db.executemany(
        "INSERT INTO sync_held (origin, ranges, contiguous) VALUES (?, ?, ?) "
        "ON CONFLICT (origin) DO UPDATE SET ranges = excluded.ranges, "
        "contiguous = excluded.contiguous",
        [(origins.idx(db, o), json.dumps(r.to_json()), r.contiguous()) for o, r in held.items()],
    )


def load_row_changes(db: Db, origins: Origins, tbl: str, row_id: str) -> list[tuple[Change, int]]:
    """Every stored change of one record, with its state."""
    out: list[tuple[Change, int]] = []
    for origin, seq, hlc, seen, schema, ops, state in db.execute(
        "SELECT origin, seq, hlc, seen, schema, ops, state FROM sync_change "
        "WHERE tbl = ? AND row_id = ?",
        (tbl, row_id),
    ):
        change = Change(
            origins.device(db, origin), seq, hlc, tbl, row_id, seen, schema, json.loads(ops)
        )
        out.append((change, state))
    return out
