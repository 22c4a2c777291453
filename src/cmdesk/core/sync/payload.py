"""The plaintext inside a bundle: what the sender holds and knows, then the changes in
segments (each applied in one transaction on import), in causal (stamp) order.

    line 0      {"kind", "devices": [id...], "held": {i: ranges}, "knowledge": {...},
                 "segments": [changes per segment]}
    line 1..n   one segment (format 2):
                SHAPES TAB CHANGE CHANGE ...
                SHAPES  [[table, [field, ...]], ...]: the field lists of compact changes
                CHANGE  [device index, seq, hlc, shape index, row id, seen, schema][value, ...]
                     or [device index, seq, hlc, table, row id, seen, schema][[op], ...]

A change's operations follow its header as raw JSON, not as a JSON string: the stored text of
the change (oplog.py) is copied into the bundle and back out of it by slicing, never escaped,
unescaped or re-encoded. A compact change (a new record, nearly every change) carries only its
values; its field names are said once per segment for all changes of the same shape.

Reading scans each segment with the json module's own scanner, which parses one value at a
given position and says where it ended: one pass over the text, the stored text of each change
is the slice between two positions. Format 1 (each change's ops as a JSON string, every field
named in every change) is still read. Every field is checked before anything is applied.

An import reads a payload from its plaintext in pieces (`Reader`), one segment decoded at a
time, never the whole text: the limits below bound what one segment may hold.
"""

from __future__ import annotations

import base64
import json
import json.encoder
import json.scanner
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from cmdesk.core.sync import rejections as rej
from cmdesk.core.sync.batches import Batch
from cmdesk.core.sync.certs import DeviceCert, Link, chain_from_json, chain_to_json
from cmdesk.core.sync.oplog import (
    COMPACT_HEAD,
    COMPACT_MID,
    Change,
    compact_prefix,
    dump_ops,
    split_compact,
)
from cmdesk.core.sync.tables import synced_tables
from cmdesk.core.sync.vectors import RangeSet, Vector

KIND = "cmdesk-payload"
# Operations per segment, the unit an import commits (and resumes from), and the most an
# import holds decoded at a time (importing.py). Every commit waits for the disk and writes its
# B-tree pages again: a 10k-case import took 10.3-10.6 s in 50k-op segments and 9.1-9.5 s in
# 200k-op ones on a loaded machine (CPU 8.2 -> 7.8 s); 100k-op ones cost 0.3 s of CPU more than
# 200k-op ones and 40 MB less at the import's peak (288 -> 248 MB, issue 10: <= 300 MB).
SEGMENT_OPS = 100_000
# A segment is also cut before its text passes SEGMENT_BYTES (long notes; a demo
# organisation's 100k-operation segments are 2.3 to 3.9 MB). A reader refuses a segment of more
# than MAX_SEGMENT_OPS operations or MAX_SEGMENT_BYTES of text (room for the segments of
# earlier versions, cut at 200k operations alone), and a first line of more than
# MAX_HEAD_BYTES (it grows by 32 bytes per change carried, its origin's signed digest: 7 MB for
# 10k cases). These bound an import's memory whatever a bundle declares.
SEGMENT_BYTES = 4 << 20
MAX_SEGMENT_BYTES = 16 << 20
MAX_SEGMENT_OPS = 200_000
MAX_HEAD_BYTES = 64 << 20
# Partner identities one payload may name (the agreement has a dozen organisations).
MAX_PARTNERS = 64
# Directory entries of the organisation's staff one payload may carry (colleagues.py).
MAX_STAFF = 5000
_NAME = re.compile(r"^(?:[a-z_][a-z0-9_]{0,63}|-)$")
_MAX_INT = 1 << 62
# The C scanner behind json.loads, called at a position: (value, end position).
_scan = json.scanner.make_scanner(json.JSONDecoder())  # type: ignore[arg-type]
_string = json.encoder.encode_basestring


@dataclass
class Knowledge:
    org_id: str
    held: Vector


@dataclass
class Payload:
    held: Vector
    knowledge: dict[str, Knowledge] = field(default_factory=dict)
    segments: list[list[Change]] = field(default_factory=list)
    # Origins' signatures over the changes carried, and the certificates of those origins
    # (batches.py).
    batches: list[Batch] = field(default_factory=list)
    certs: dict[str, tuple[DeviceCert, tuple[Link, ...]]] = field(default_factory=dict)
    # The partners the sender's organisation trusts, as identity bodies (partners.py). In the
    # first line, which older readers take without it: a bundle with them imports anywhere.
    partners: list[dict[str, Any]] = field(default_factory=list)
    # The sender's organisation's staff (colleagues.py), in the first line like the partners.
    staff: list[dict[str, Any]] = field(default_factory=list)
    # Its decisions on partners: trust withdrawn or given again (partners.py), likewise.
    decisions: list[dict[str, Any]] = field(default_factory=list)
    # Partners' own decisions on the sender's organisation, as they told it (partners.py):
    # passed on to the organisation's laptops, likewise.
    their: list[dict[str, Any]] = field(default_factory=list)

    def operations(self) -> int:
        """Operation numbers covered (a change's span; equal to the count for whole changes)."""
        return sum(c.span for seg in self.segments for c in seg)


def cut_segments(changes: list[Change], limit: int | None = None) -> list[list[Change]]:
    """Changes in segments of at most `limit` operations (SEGMENT_OPS) and about
    SEGMENT_BYTES of text; a change larger than either is a segment of its own."""
    limit = limit or SEGMENT_OPS
    segments: list[list[Change]] = []
    current: list[Change] = []
    n = size = 0
    for c in changes:
        grows = _line_bytes(c)
        if current and (n + c.span > limit or size + grows > SEGMENT_BYTES):
            segments.append(current)
            current, n, size = [], 0, 0
        current.append(c)
        n += c.span
        size += grows
    if current:
        segments.append(current)
    return segments


def _line_bytes(c: Change) -> int:
    """About what the change adds to its segment's line (_segment_text): its header, and its
    stored text without the field names of a compact one (said once per segment; ASCII)."""
    text = c.text if c.text is not None else dump_ops(c.ops)
    size = len(text) if text.isascii() else len(text.encode("utf-8"))
    if text.startswith(COMPACT_HEAD) and (cut := text.find(COMPACT_MID)) >= 0:
        size -= cut + len(COMPACT_MID)
    return 90 + size


def _segment_text(seg: list[Change], dev: Callable[[str], int]) -> str:
    shapes: dict[tuple[str, str], int] = {}
    parts: list[str] = []
    for c in seg:
        text = c.text if c.text is not None else dump_ops(c.ops)
        cut = split_compact(text)
        if cut is not None:
            x = shapes.setdefault((c.tbl, cut[0]), len(shapes))
            parts.append(
                f"[{dev(c.origin)},{c.seq},{c.hlc},{x},{_string(c.row_id)},{c.seen},{c.schema}]"
            )
            parts.append(cut[1])
        else:
            parts.append(
                f"[{dev(c.origin)},{c.seq},{c.hlc},{_string(c.tbl)},{_string(c.row_id)},"
                f"{c.seen},{c.schema}]"
            )
            parts.append(text)
    head = ",".join(f"[{_string(tbl)},{names}]" for tbl, names in shapes)
    return f"[{head}]\t" + "".join(parts)


def encode(payload: Payload) -> bytes:
    devices: dict[str, int] = {}

    def dev(d: str) -> int:
        return devices.setdefault(d, len(devices))

    lines = [_segment_text(seg, dev) for seg in payload.segments]
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
    if payload.batches:
        meta["batches"] = [b.to_json(dev) for b in payload.batches]
    if payload.certs:
        meta["certs"] = {
            str(dev(d)): {"cert": c.to_json(), "chain": chain_to_json(chain)}
            for d, (c, chain) in sorted(payload.certs.items())
        }
    if payload.partners:
        # Base64 of each identity's JSON: the first line stays ASCII (Reader), Thai names and
        # all.
        meta["partners"] = [
            base64.b64encode(json.dumps(body, separators=(",", ":")).encode()).decode()
            for body in payload.partners
        ]
    if payload.staff:
        meta["staff"] = _b64_json(payload.staff)
    if payload.decisions:
        meta["decisions"] = _b64_json(payload.decisions)
    if payload.their:
        meta["their"] = _b64_json(payload.their)
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
    return {devices[_int(int(k))]: RangeSet.from_json(v) for k, v in d.items()}


def _table(v: Any) -> str:
    if not isinstance(v, str) or not _NAME.match(v) or v == "-":
        raise ValueError("table")
    return v


@dataclass(frozen=True, slots=True)
class _Shape:
    tbl: str
    names: tuple[str, ...]
    # The stored text of a change of this shape is prefix + values + "}".
    prefix: str
    blobs: bool


def _shape(v: Any, tables: dict[str, Any]) -> _Shape:
    if type(v) is not list or len(v) != 2 or type(v[1]) is not list or not v[1]:
        raise ValueError("shape")
    tbl = _table(v[0])
    for name in v[1]:
        _name(name)
    known = tables.get(tbl)
    names = tuple(v[1])
    return _Shape(tbl, names, compact_prefix(names), known is None or known.has_blob)


_SCALAR_TYPES = frozenset(_SCALARS)


def _blobs(values: list[Any], shape: _Shape) -> None:
    """Checks values that are not all plain scalars: base64 bytes, where the table has them."""
    for value in values:
        if type(value) not in _SCALARS and not (
            shape.blobs
            and type(value) is list
            and len(value) == 2
            and value[0] == "b64"
            and type(value[1]) is str
        ):
            raise ValueError("value")


def _general(
    origin: str,
    seq: int,
    hlc: int,
    tbl: str,
    row_id: str,
    seen: int,
    schema: int,
    ops: list[list[Any]],
    text: str,
) -> Change:
    """A change received in the general form. One that could have been compact (stored before
    the compact form existed, in a format 1 bundle or relayed since) also gets its names and
    values, so that a new record takes the new-record lane all the same; its text is kept."""
    if all(len(op) == 3 and op[0] == i for i, op in enumerate(ops)):
        names = tuple(op[1] for op in ops)
        values = [op[2] for op in ops]
        return Change(origin, seq, hlc, tbl, row_id, seen, schema, ops, text, 0, names, values)
    return Change(origin, seq, hlc, tbl, row_id, seen, schema, ops, text)


def _segment_v2(
    line: str, start: int, end: int, count: int, devices: list[str], tables: dict[str, Any]
) -> list[Change]:
    """The segment in line[start:end] (no copy of it is made)."""
    tab = line.index("\t", start, end)
    shapes = json.loads(line[start:tab])
    if type(shapes) is not list:
        raise ValueError("shapes")
    shaped = [_shape(v, tables) for v in shapes]
    scan = _scan
    seg: list[Change] = []
    pos = tab + 1
    room = MAX_SEGMENT_OPS  # operations (values) this segment may still hold
    try:
        while pos < end:
            head, at = scan(line, pos)
            body, pos = scan(line, at)
            if type(head) is not list or len(head) != 7 or type(body) is not list:
                raise ValueError("change")
            room -= len(body)
            if room < 0:
                raise ValueError("segment")
            d, seq, hlc, x, row_id, seen, schema = head
            # The checks of _int and _id, written out: they run for every change.
            if not (
                type(d) is int
                and type(seq) is int
                and type(hlc) is int
                and type(seen) is int
                and type(schema) is int
                and d >= 0
                and 1 <= seq < _MAX_INT
                and 0 <= hlc < _MAX_INT
                and 0 <= seen < _MAX_INT
                and 0 <= schema < _MAX_INT
                and type(row_id) is str
                and 0 < len(row_id) <= 36
            ):
                raise ValueError("change")
            if type(x) is int:
                if x < 0:
                    raise ValueError("shape")
                shape = shaped[x]
                if (
                    type(body) is not list
                    or len(body) != len(shape.names)
                    or seq + len(body) - 1 >= _MAX_INT
                ):
                    raise ValueError("values")
                # One set of the value types per change instead of a test per value (in C).
                if not set(map(type, body)) <= _SCALAR_TYPES:
                    _blobs(body, shape)
                seg.append(
                    Change(
                        devices[d],
                        seq,
                        hlc,
                        shape.tbl,
                        row_id,
                        seen,
                        schema,
                        None,
                        shape.prefix + line[at:pos] + "}",
                        0,
                        shape.names,
                        body,
                    )
                )
            else:
                tbl = _table(x)
                known = tables.get(tbl)
                ops = check_ops(body, blobs=known is None or known.has_blob)
                _int(seq + ops[-1][0], 1)
                text = line[at:pos]
                seg.append(_general(devices[d], seq, hlc, tbl, row_id, seen, schema, ops, text))
    except StopIteration:  # the scanner found no JSON value where one must start
        raise ValueError("segment") from None
    # (A value may not run on into the next line.)
    if pos != end or len(seg) != count:
        raise ValueError("segment")
    return seg


def _segment_v1(
    text: str, start: int, end: int, count: int, devices: list[str], tables: dict[str, Any]
) -> list[Change]:
    rows = json.loads(text[start:end])
    if not isinstance(rows, list) or len(rows) != count:
        raise ValueError("segment")
    seg: list[Change] = []
    room = MAX_SEGMENT_OPS
    for row in rows:
        if not isinstance(row, list) or len(row) != 8:
            raise ValueError("change")
        d, seq, hlc, tbl, row_id, seen, schema, ops_text = row
        _table(tbl)
        if not isinstance(ops_text, str):
            raise ValueError("ops")
        known = tables.get(tbl)
        ops = check_ops(json.loads(ops_text), blobs=known is None or known.has_blob)
        room -= len(ops)
        if room < 0:
            raise ValueError("segment")
        origin = devices[_int(d)]
        first = _int(seq, 1)
        _int(first + ops[-1][0], 1)
        seg.append(
            _general(
                origin, first, _int(hlc), tbl, _id(row_id), _int(seen), _int(schema), ops, ops_text
            )
        )
    return seg


# Payload layout of each bundle format this version reads.
# Bundle format -> how its payload segments read (formats 3 and 4 changed the clear header and
# the padding only).
FORMATS = {1: _segment_v1, 2: _segment_v2, 3: _segment_v2, 4: _segment_v2}
CURRENT = 4


_FAULTS = (
    ValueError,
    KeyError,
    TypeError,
    IndexError,
    AttributeError,  # a field that should be an object is not one (e.g. "knowledge")
    UnicodeDecodeError,
    RecursionError,
)


@dataclass
class Head:
    """A payload's first line: what the sender holds and knows, the origins' signed batches
    and certificates, and how many changes each segment holds."""

    held: Vector
    knowledge: dict[str, Knowledge]
    batches: list[Batch]
    certs: dict[str, tuple[DeviceCert, tuple[Link, ...]]]
    # Every device the payload names (a superset of the changes' origins).
    devices: list[str]
    counts: list[int]
    partners: list[dict[str, Any]] = field(default_factory=list)
    staff: list[dict[str, Any]] = field(default_factory=list)
    decisions: list[dict[str, Any]] = field(default_factory=list)
    their: list[dict[str, Any]] = field(default_factory=list)


class Reader:
    """A payload read from its plaintext in pieces (bundle_format.payload_pieces): the first
    line at once, then `segments()` decodes one segment at a time, each when it is asked for,
    holding no more than its text. Damage anywhere is UNREADABLE, raised where it is met."""

    def __init__(
        self, pieces: Iterable[bytes], fmt: int = CURRENT, head: Head | None = None
    ) -> None:
        """`head`: the first line as read before from the same plaintext (not read again)."""
        self._read_segment = FORMATS.get(fmt)
        self._lines = _Lines(iter(pieces))
        try:
            if self._read_segment is None:
                raise ValueError("format")
            line = self._lines.next(MAX_HEAD_BYTES)
            # Ids, numbers and base64: a large first line that is not ASCII would take up to
            # four bytes of memory per byte as text.
            if line is not None and len(line) > 1 << 20 and not line.isascii():
                raise ValueError("head")
            self.head = head if head is not None else _head(_text(line))
        except _FAULTS:
            raise rej.reject(rej.UNREADABLE) from None

    def segments(self, first: int = 0) -> Iterator[list[Change]]:
        """Each segment's changes, checked, in order, from segment `first` (those before it
        are read past, not decoded); then that nothing follows the last."""
        assert self._read_segment is not None
        devices, tables = self.head.devices, synced_tables()
        try:
            for i, count in enumerate(self.head.counts):
                if count > MAX_SEGMENT_OPS:
                    raise ValueError("segment")
                line = self._lines.next(MAX_SEGMENT_BYTES)
                if i < first:
                    continue
                text = _text(line)
                del line
                segment = self._read_segment(text, 0, len(text), count, devices, tables)
                del text
                yield segment
                del segment
            if self._lines.next(0) is not None:
                raise ValueError("segments")
        except _FAULTS:
            raise rej.reject(rej.UNREADABLE) from None


class _Lines:
    """The lines of a text arriving in pieces, each given once and never copied whole."""

    def __init__(self, pieces: Iterator[bytes]) -> None:
        self._pieces = pieces
        self._rest: bytearray | None = bytearray()

    def next(self, limit: int) -> bytearray | None:
        """The next line (ValueError when it runs past `limit` bytes), or None after the
        last."""
        line = self._rest
        if line is None:
            return None
        scanned = 0
        while (end := line.find(b"\n", scanned)) < 0:
            if len(line) > limit:
                raise ValueError("line")
            piece = next(self._pieces, None)
            if piece is None:
                self._rest = None
                return line
            scanned = len(line)
            line += piece
        self._rest = line[end + 1 :]
        del line[end:]
        if len(line) > limit:
            raise ValueError("line")
        return line


def _text(line: bytearray | None) -> str:
    """The line as text, its bytes freed."""
    if line is None:
        raise ValueError("line")
    text = line.decode("utf-8")
    line.clear()
    return text


def _head(text: str) -> Head:
    meta = json.loads(text)
    if not isinstance(meta, dict) or meta.get("kind") != KIND:
        raise ValueError("kind")
    devices = meta["devices"]
    if not isinstance(devices, list):
        raise ValueError("devices")
    devices = [_id(d) for d in devices]
    counts = meta["segments"]
    if not isinstance(counts, list) or not all(type(n) is int and n >= 0 for n in counts):
        raise ValueError("segments")
    return Head(
        held=_vector(meta["held"], devices),
        knowledge={
            _id(dev): Knowledge(_id(k["org"]), _vector(k["held"], devices))
            for dev, k in meta["knowledge"].items()
        },
        batches=[Batch.from_json(v, devices) for v in meta.get("batches", [])],
        certs={
            devices[_int(int(k))]: (
                DeviceCert.from_json(v["cert"]),
                chain_from_json(v["chain"]),
            )
            for k, v in meta.get("certs", {}).items()
        },
        devices=devices,
        counts=counts,
        partners=_partners(meta.get("partners", [])),
        staff=_staff(meta.get("staff", "")),
        decisions=_decisions(meta.get("decisions", "")),
        their=_decisions(meta.get("their", "")),
    )


def _partners(d: object) -> list[dict[str, Any]]:
    """Identity bodies, read as identities where they are used (partners.learn)."""
    if not isinstance(d, list) or len(d) > MAX_PARTNERS:
        raise ValueError("partners")
    bodies = [json.loads(base64.b64decode(_str(text), validate=True)) for text in d]
    if not all(isinstance(b, dict) for b in bodies):
        raise ValueError("partners")
    return bodies


def _b64_json(value: object) -> str:
    # Base64 of the JSON: the first line stays ASCII (Reader), Thai names and all.
    return base64.b64encode(json.dumps(value, separators=(",", ":")).encode()).decode()


def _staff(d: object) -> list[dict[str, Any]]:
    """Directory entries as sent, each checked where it is kept (colleagues.parse)."""
    return _b64_list(d, MAX_STAFF, "staff")


def _decisions(d: object) -> list[dict[str, Any]]:
    """Decisions on partners as sent, each checked where it is taken (partners.py)."""
    entries = _b64_list(d, MAX_PARTNERS, "decisions")
    if not all(isinstance(e, dict) for e in entries):
        raise ValueError("decisions")
    return entries


def _b64_list(d: object, most: int, name: str) -> list[Any]:
    """A list of at most `most` entries (of about 1 KiB each at the most) as _b64_json wrote
    it; nothing ("") is an empty one."""
    if d == "":
        return []
    if not isinstance(d, str) or len(d) > most * 1024:
        raise ValueError(name)
    entries = json.loads(base64.b64decode(d, validate=True))
    if not isinstance(entries, list) or len(entries) > most:
        raise ValueError(name)
    return entries


def _str(value: object) -> str:
    if not isinstance(value, str) or len(value) > 4096:
        raise ValueError("text")
    return value


def decode(data: bytes, fmt: int = CURRENT) -> Payload:
    """A whole payload at once (exports' tests, benchmarks); an import reads it in pieces."""
    reader = Reader([data], fmt)
    h = reader.head
    return Payload(h.held, h.knowledge, list(reader.segments()), h.batches, h.certs)
