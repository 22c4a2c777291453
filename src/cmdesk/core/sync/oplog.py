"""The operation log: storing changes, decoding their field operations, and what is held.

A change is the set of field operations one device made to one record in one transaction.
Its operations are numbered `seq + offset` in the origin's sequence and share one HLC stamp.
Stored ops are JSON in one of two forms, chosen by `dump_ops` from the ops alone, so the text
is the same on every replica (texts written before the compact form existed stay general and
are relayed as they are):

- general: `[[offset, field, value, prev?, covers?], ...]` with `prev` and each `covers`
  entry as `[hlc, origin device id]`;
- compact, when the offsets are 0..n-1 and no operation carries `prev` or `covers` (every new
  record, nearly all of the log): `{"f":[field, ...],"v":[value, ...]}`. It is shorter, and
  it splits into field names and values with string operations alone, so a bundle carries the
  names once per table shape and the values text untouched (payload.py).
"""

from __future__ import annotations

import json
from typing import Any

from cmdesk.core.sync.db import Db, chunks, marks
from cmdesk.core.sync.merge import FieldOp, Stamp, Value
from cmdesk.core.sync.vectors import RangeSet, Vector

RawOp = list[Any]

# One encoder made once: `json.dumps` with options builds a new encoder at every call, which
# costs more than encoding a change (measured: ~2 us of a ~4 us dumps).
encode_json = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode

COMPACT_HEAD = '{"f":['
COMPACT_MID = '],"v":'


def compact_prefix(names: list[str] | tuple[str, ...]) -> str:
    """The compact text up to its values: `{"f":[...],"v":`."""
    return '{"f":' + encode_json(list(names)) + ',"v":'


def split_compact(text: str) -> tuple[str, str] | None:
    """(field names JSON, values JSON) of a stored compact text, by string slicing (field
    names never hold `]`), or None for the general form."""
    if not text.startswith(COMPACT_HEAD) or not text.endswith("}"):
        return None
    cut = text.find(COMPACT_MID, len(COMPACT_HEAD) - 1)
    if cut < 0:
        return None
    return text[5 : cut + 1], text[cut + len(COMPACT_MID) : -1]


class Change:
    """One change. Its operations are either `ops` (general) or, for a change decoded from
    the compact form, `names` and `values`: the fast path for new records reads those two
    directly, and `ops` is built from them only when something asks for it (3M small lists
    for a large import cost more than applying it)."""

    __slots__ = (
        "_ops",
        "hlc",
        "names",
        "origin",
        "row_id",
        "schema",
        "seen",
        "seq",
        "stored_span",
        "tbl",
        "text",
        "values",
    )

    def __init__(
        self,
        origin: str,
        seq: int,
        hlc: int,
        tbl: str,
        row_id: str,
        seen: int,
        schema: int,
        ops: list[RawOp] | None,
        text: str | None = None,
        stored_span: int = 0,
        names: tuple[str, ...] | None = None,
        values: list[Value] | None = None,
    ) -> None:
        self.origin = origin
        self.seq = seq
        self.hlc = hlc
        self.tbl = tbl
        self.row_id = row_id
        self.seen = seen
        self.schema = schema
        self._ops = ops
        # The ops as stored JSON text when known (as stored or received), so it is not
        # encoded again.
        self.text = text
        # Offset of the last operation + 1, when ops were not decoded (exports relay text).
        self.stored_span = stored_span
        self.names = names
        self.values = values

    @property
    def ops(self) -> list[RawOp]:
        if self._ops is None:
            names, values = self.names or (), self.values or []
            self._ops = [[i, n, v] for i, (n, v) in enumerate(zip(names, values, strict=True))]
        return self._ops

    @ops.setter
    def ops(self, ops: list[RawOp]) -> None:
        self._ops = ops
        self.names = self.values = None

    @property
    def span(self) -> int:
        if self.values is not None:
            return len(self.values)
        ops = self._ops
        return ops[-1][0] + 1 if ops else self.stored_span

    @property
    def stamp(self) -> Stamp:
        return Stamp(self.hlc, self.origin)

    def seqs(self) -> list[int]:
        return [self.seq + op[0] for op in self.ops]

    def field_ops(self) -> list[FieldOp]:
        return [field_op(self, op) for op in self.ops]

    def __repr__(self) -> str:
        return (
            f"Change({self.origin!r}, {self.seq}, {self.hlc}, {self.tbl!r}, {self.row_id!r}, "
            f"{self.seen}, {self.schema}, {self.ops!r})"
        )


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
    """The stored text of ops: compact when it can be (see the module docstring)."""
    if all(len(op) == 3 and op[0] == i for i, op in enumerate(ops)):
        return compact_prefix([op[1] for op in ops]) + encode_json([op[2] for op in ops]) + "}"
    return encode_json(ops)


def load_ops(text: str) -> list[RawOp]:
    """The operations of a stored text, in either form."""
    data = json.loads(text)
    if type(data) is dict:
        return [[i, n, v] for i, (n, v) in enumerate(zip(data["f"], data["v"], strict=True))]
    ops: list[RawOp] = data
    return ops


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
            origins.device(db, origin), seq, hlc, tbl, row_id, seen, schema, load_ops(ops)
        )
        out.append((change, state))
    return out
