"""The plaintext inside a bundle: what the sender holds and knows, then the changes in
segments (each applied in one transaction on import), in causal (stamp) order.

    line 0      {"kind", "devices": [id...], "held": {i: ranges}, "knowledge": {...},
                 "segments": [changes per segment]}
    line 1..n   one segment: [[device index, seq, hlc, table, row id, seen, schema, ops], ...]

`ops` is the stored JSON text of the change's operations (oplog.py), carried as a string so
neither side re-encodes it. Every field is checked before anything is applied.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from cmdesk.core.sync import rejections as rej
from cmdesk.core.sync.oplog import Change, dump_ops
from cmdesk.core.sync.tables import synced_tables
from cmdesk.core.sync.vectors import RangeSet, Vector

KIND = "cmdesk-payload"
SEGMENT_OPS = 50_000
_NAME = re.compile(r"^(?:[a-z_][a-z0-9_]{0,63}|-)$")
_MAX_INT = 1 << 62


@dataclass
class Knowledge:
    org_id: str
    held: Vector


@dataclass
class Payload:
    held: Vector
    knowledge: dict[str, Knowledge] = field(default_factory=dict)
    segments: list[list[Change]] = field(default_factory=list)

    def operations(self) -> int:
        """Operation numbers covered (a change's span; equal to the count for whole changes)."""
        return sum(c.span for seg in self.segments for c in seg)


def cut_segments(changes: list[Change], limit: int | None = None) -> list[list[Change]]:
    limit = limit or SEGMENT_OPS
    segments: list[list[Change]] = []
    current: list[Change] = []
    n = 0
    for c in changes:
        if current and n + c.span > limit:
            segments.append(current)
            current, n = [], 0
        current.append(c)
        n += c.span
    if current:
        segments.append(current)
    return segments


def encode(payload: Payload) -> bytes:
    devices: dict[str, int] = {}

    def dev(d: str) -> int:
        return devices.setdefault(d, len(devices))

    lines: list[str] = []
    for seg in payload.segments:
        rows = []
        for c in seg:
            ops = c.text if c.text is not None else dump_ops(c.ops)
            rows.append([dev(c.origin), c.seq, c.hlc, c.tbl, c.row_id, c.seen, c.schema, ops])
        lines.append(json.dumps(rows, ensure_ascii=False, separators=(",", ":")))
    meta = {
        "kind": KIND,
        "held": {str(dev(o)): r.to_json() for o, r in sorted(payload.held.items())},
        "knowledge": {
            device: {
                "org": k.org_id,
                "held": {str(dev(o)): r.to_json() for o, r in sorted(k.held.items())},
            }
            for device, k in sorted(payload.knowledge.items())
        },
        "segments": [len(seg) for seg in payload.segments],
    }
    meta["devices"] = list(devices)
    head = json.dumps(meta, ensure_ascii=False, separators=(",", ":"))
    return "\n".join([head, *lines]).encode("utf-8")


def _int(v: Any, low: int = 0) -> int:
    if type(v) is not int or not low <= v < _MAX_INT:
        raise ValueError("int")
    return v


def _id(v: Any) -> str:
    if not isinstance(v, str) or not 0 < len(v) <= 36:
        raise ValueError("id")
    return v


def _stamp(v: Any) -> None:
    if type(v) is not list or len(v) != 2:
        raise ValueError("stamp")
    _int(v[0])
    _id(v[1])


_SCALARS = (type(None), int, float, str)
_known_names: set[str] = set()


def _name(v: Any) -> None:
    # Field names repeat in every change: check each distinct one once.
    if v not in _known_names:
        if not isinstance(v, str) or not _NAME.match(v):
            raise ValueError("field")
        _known_names.add(v)


def check_ops(ops: Any, *, blobs: bool = True) -> list[list[Any]]:
    """The operations of one change, checked: [[offset, field, value, prev?, covers?], ...]
    with offsets strictly increasing. A base64 value is allowed only where `blobs`."""
    if type(ops) is not list or not ops:
        raise ValueError("ops")
    last = -1
    for op in ops:
        if type(op) is not list:
            raise ValueError("op")
        n = len(op)
        off = op[0] if n >= 3 else None
        if type(off) is not int or off <= last or n > 5:
            raise ValueError("op")
        last = off
        _name(op[1])
        value = op[2]
        if type(value) not in _SCALARS and not (
            blobs
            and type(value) is list
            and len(value) == 2
            and value[0] == "b64"
            and type(value[1]) is str
        ):
            raise ValueError("value")
        if n > 3:
            if op[3] is not None:
                _stamp(op[3])
            if n > 4:
                if type(op[4]) is not list or not op[4]:
                    raise ValueError("covers")
                for c in op[4]:
                    _stamp(c)
    if last >= _MAX_INT:
        raise ValueError("offset")
    return ops


def _vector(d: Any, devices: list[str]) -> Vector:
    if not isinstance(d, dict):
        raise ValueError("vector")
    return {devices[int(k)]: RangeSet.from_json(v) for k, v in d.items()}


def decode(data: bytes) -> Payload:
    try:
        text = data.decode("utf-8")
        head, *lines = text.split("\n")
        meta = json.loads(head)
        if not isinstance(meta, dict) or meta.get("kind") != KIND:
            raise ValueError("kind")
        devices = meta["devices"]
        if not isinstance(devices, list):
            raise ValueError("devices")
        devices = [_id(d) for d in devices]
        held = _vector(meta["held"], devices)
        knowledge = {
            _id(dev): Knowledge(_id(k["org"]), _vector(k["held"], devices))
            for dev, k in meta["knowledge"].items()
        }
        counts = meta["segments"]
        if not isinstance(counts, list) or len(counts) != len(lines):
            raise ValueError("segments")
        segments: list[list[Change]] = []
        tables = synced_tables()
        for line, count in zip(lines, counts, strict=True):
            rows = json.loads(line)
            if not isinstance(rows, list) or len(rows) != count:
                raise ValueError("segment")
            seg: list[Change] = []
            for row in rows:
                if not isinstance(row, list) or len(row) != 8:
                    raise ValueError("change")
                d, seq, hlc, tbl, row_id, seen, schema, ops_text = row
                if not isinstance(tbl, str) or not _NAME.match(tbl) or tbl == "-":
                    raise ValueError("table")
                if not isinstance(ops_text, str):
                    raise ValueError("ops")
                known = tables.get(tbl)
                ops = check_ops(json.loads(ops_text), blobs=known is None or known.has_blob)
                origin = devices[_int(d)]
                first = _int(seq, 1)
                _int(first + ops[-1][0], 1)
                seg.append(
                    Change(
                        origin,
                        first,
                        _int(hlc),
                        tbl,
                        _id(row_id),
                        _int(seen),
                        _int(schema),
                        ops,
                        ops_text,
                    )
                )
            segments.append(seg)
    except (ValueError, KeyError, TypeError, IndexError, UnicodeDecodeError, RecursionError):
        raise rej.reject(rej.UNREADABLE) from None
    return Payload(held, knowledge, segments)
