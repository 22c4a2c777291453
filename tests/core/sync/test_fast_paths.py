"""The import's speed tricks give what the plain paths give: the compact stored and bundle
forms say the same operations, format 1 bundles are still read, a new record that is not new
after all goes the careful way, and the capture triggers suspended while a segment is applied
are back afterwards, whether the segment committed or failed."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cmdesk.core.model import Child
from cmdesk.core.sync import apply, bundle_format, importing, payload
from cmdesk.core.sync.oplog import Change, dump_ops, load_ops, split_compact
from cmdesk.core.sync.tables import SCHEMA_VERSION
from cmdesk.core.sync.triggers import ensure_triggers
from cmdesk.core.workspace import Workspace
from tests.core.sync.conftest import Net, sync
from tests.core.sync.records import add_case, add_child, edit, field
from tests.core.sync.test_stateful import fsck

NAMES = st.sampled_from(["nickname", "village", "deleted_at", "-", "a_b", "x1"])
VALUES = st.one_of(
    st.none(),
    st.integers(-(2**62), 2**62),
    st.floats(allow_nan=False),
    st.text(max_size=12),
    st.sampled_from(['],"v":[', "}", '{"f":[', "\\", "น้อย"]),
    st.tuples(st.just("b64"), st.text(max_size=8)).map(list),
)
STAMPS = st.tuples(st.integers(0, 2**40), st.sampled_from(["dev-a", "dev-b"])).map(list)


@st.composite
def op_lists(draw: st.DrawFn) -> list[list[Any]]:
    n = draw(st.integers(1, 6))
    dense = draw(st.booleans())
    offsets = list(range(n)) if dense else sorted(draw(st.sets(st.integers(0, 20), min_size=1)))
    ops: list[list[Any]] = []
    for off in offsets:
        op = [off, draw(NAMES), draw(VALUES)]
        if draw(st.integers(0, 3)) == 0:
            op.append(draw(st.none() | STAMPS))
            if draw(st.booleans()):
                op.append(draw(st.lists(STAMPS, min_size=1, max_size=2)))
        ops.append(op)
    return ops


@given(op_lists())
def test_stored_text_says_the_same_operations_in_either_form(ops: list[list[Any]]) -> None:
    text = dump_ops(ops)
    assert load_ops(text) == ops
    compact = all(len(op) == 3 and op[0] == i for i, op in enumerate(ops))
    cut = split_compact(text)
    assert (cut is not None) == compact
    if cut is not None:
        assert json.loads(cut[0]) == [op[1] for op in ops]
        assert json.loads(cut[1]) == [op[2] for op in ops]


@given(st.lists(op_lists(), min_size=1, max_size=4), st.booleans())
def test_payload_carries_changes_in_both_forms_unchanged(
    changes: list[list[list[Any]]], split: bool
) -> None:
    made = [
        # A table this version does not know: any field name and base64 values are allowed.
        Change(f"dev-{i % 2}", 1 + 100 * i, 5 + i, "later", f"row-{i}", 0, SCHEMA_VERSION, ops)
        for i, ops in enumerate(changes)
    ]
    segments = [made[:1], made[1:]] if split and len(made) > 1 else [made]
    got = payload.decode(payload.encode(payload.Payload({}, {}, segments)))
    assert [len(s) for s in got.segments] == [len(s) for s in segments]
    for before, after in zip(made, [c for s in got.segments for c in s], strict=True):
        assert (after.origin, after.seq, after.hlc, after.tbl, after.row_id) == (
            before.origin,
            before.seq,
            before.hlc,
            before.tbl,
            before.row_id,
        )
        assert after.ops == before.ops
        # The stored text travels as it is: what the receiver stores is what the sender had.
        assert after.text == dump_ops(before.ops)


def encode_v1(p: payload.Payload) -> bytes:
    """The payload as format 1 wrote it: each change's ops as a JSON string."""
    devices: dict[str, int] = {}
    lines = []
    for seg in p.segments:
        rows = [
            [
                devices.setdefault(c.origin, len(devices)),
                c.seq,
                c.hlc,
                c.tbl,
                c.row_id,
                c.seen,
                c.schema,
                json.dumps(c.ops, ensure_ascii=False, separators=(",", ":")),
            ]
            for c in seg
        ]
        lines.append(json.dumps(rows, ensure_ascii=False, separators=(",", ":")))
    meta = {
        "kind": payload.KIND,
        "held": {str(devices.setdefault(o, len(devices))): r.to_json() for o, r in p.held.items()},
        "knowledge": {},
        "segments": [len(seg) for seg in p.segments],
        "devices": list(devices),
    }
    return "\n".join([json.dumps(meta), *lines]).encode()


@pytest.mark.parametrize("old_format", [1, 2, 3])
def test_bundles_of_older_formats_are_still_read(net: Net, old_format: int) -> None:
    child = add_child(net.a1, nickname="ก่อน")
    add_case(net.a1, child)
    edit(net.a1, Child, child, nickname="หลัง")
    data, result = sync(net.a1).export()
    parsed = bundle_format.parse(data)
    assert parsed.header.format == bundle_format.FORMAT == payload.CURRENT
    assert set(payload.FORMATS) == bundle_format.READABLE
    decoded = payload.decode(bundle_format.decrypt(parsed, sync(net.a1).keys().org.box_secret))
    keys = sync(net.a1).keys()
    header = parsed.header
    old = bundle_format.write(
        {
            "format": old_format,
            "schema": header.schema,
            "app": "0.1.0",
            "bundle_id": header.bundle_id,
            "created_at": header.created_at,
            "sender_device": header.sender_device,
            "sender_org": header.sender_org,
            "cert": header.cert,
            "recipient_org": header.recipient_org,
            # Before format 3 the clear header said these; the reader checks them (format 3
            # leaves them out of the clear header, so they are ignored there).
            "vector_from": {},
            "vector_to": {o: r.count() for o, r in decoded.held.items()},
            "segments": len(decoded.segments),
            "operations": decoded.operations(),
        },
        encode_v1(decoded) if old_format == 1 else payload.encode(decoded),
        keys.org.identity.box_public,
        keys.device,
    )
    clear = bundle_format.parse(old).header
    assert clear.segments == (len(decoded.segments) if old_format < bundle_format.LEAN else 0)
    assert clear.payload_bytes > 0  # before format 4 the sizes were in the clear
    got = sync(net.a2).import_bundle(old)
    assert got.new == result.operations
    assert sync(net.a2).state_hash() == sync(net.a1).state_hash()
    fsck(net.a2)


def test_the_clear_header_tells_the_hub_only_what_routing_needs(net: Net) -> None:
    """Format 3: no version vectors (which laptops exist, how much each did), no counts of
    segments or operations in the clear; they are read from the encrypted payload. Format 4:
    no exact sizes either (test_padding.py)."""
    child = add_child(net.a1, nickname="หัว")
    add_case(net.a1, child)
    data, result = sync(net.a1).export()
    parsed = bundle_format.parse(data)
    clear = parsed.header.to_json()  # the header's bytes, as parse() checked
    assert "vector" not in clear
    assert set(clear["content"]) == {"compression"}
    assert "compressed_bytes" not in clear["encryption"]
    others = {sync(ws).store.ctx.device_id for ws in (net.a2, net.a3, net.p1)}
    assert not any(device.encode() in data[: parsed.prefix_len] for device in others)
    got = sync(net.a2).import_bundle(data)
    assert (got.new, got.segments) == (result.operations, result.segments)


def test_a_new_record_that_arrives_after_its_own_edit(net: Net) -> None:
    """The create alone in its segment looks new, but the edit made its clocks first: the
    insert of its clock fails and the record is merged the careful way."""
    child = add_child(net.a1, nickname="first")
    edit(net.a1, Child, child, nickname="second")
    data, _ = sync(net.a1).export()
    parsed = bundle_format.parse(data)
    decoded = payload.decode(bundle_format.decrypt(parsed, sync(net.a2).keys().org.box_secret))
    mine = sorted(
        (c for seg in decoded.segments for c in seg if c.row_id == child), key=lambda c: c.seq
    )
    create, later = mine
    assert create.values is not None and later.values is None  # compact, general
    engine = sync(net.a2)
    other = add_child(net.a1)  # a record that is new, in the same segment as the late create
    more, _ = sync(net.a1).export()
    extra = payload.decode(
        bundle_format.decrypt(bundle_format.parse(more), engine.keys().org.box_secret)
    )
    (new_one,) = [c for seg in extra.segments for c in seg if c.row_id == other]
    with engine.store.write() as db:
        importing.apply_segment(engine, db, [later])
    assert field(net.a2, "child", child, "nickname") == "second"
    with engine.store.write() as db:
        stats = importing.apply_segment(engine, db, [create, new_one])
    assert stats.new == create.span + new_one.span
    assert field(net.a2, "child", child, "nickname") == "second"
    assert field(net.a2, "child", other, "nickname") is not None
    fsck(net.a2)
    sync(net.a2).import_bundle(more)  # everything else of a1, and nothing twice
    assert sync(net.a2).state_hash() == sync(net.a1).state_hash()


def triggers_intact(ws: Workspace) -> bool:
    with sync(ws).store.read() as db:
        return ensure_triggers(db, dry_run=True) == 0


def test_capture_triggers_are_back_after_an_import_and_after_a_failed_one(
    net: Net, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_case(net.a1, add_child(net.a1))
    data, _ = sync(net.a1).export()

    def broken(*args: Any, **kw: Any) -> Any:
        real(*args, **kw)  # everything written, then the segment fails
        raise RuntimeError("disk full")

    real = apply.apply_changes
    monkeypatch.setattr(importing, "apply_changes", broken)
    before = sync(net.a2).state_hash()
    with pytest.raises(RuntimeError):
        sync(net.a2).import_bundle(data)
    assert triggers_intact(net.a2)
    assert sync(net.a2).state_hash() == before
    monkeypatch.setattr(importing, "apply_changes", real)
    sync(net.a2).import_bundle(data)
    assert triggers_intact(net.a2)
    assert sync(net.a2).state_hash() == sync(net.a1).state_hash()
    with sync(net.a2).store.read() as db:
        assert db.execute("SELECT count(*) FROM sync_dirty").fetchone()[0] == 0
    # Received records were not captured as a2's own; a2's own new record is.
    mine = add_child(net.a2, nickname="a2's own")
    data, _ = sync(net.a2).export()
    decoded = payload.decode(
        bundle_format.decrypt(bundle_format.parse(data), sync(net.a2).keys().org.box_secret)
    )
    own = {c.row_id for seg in decoded.segments for c in seg if c.origin == net.a2.device_id}
    assert mine in own
    assert all(
        c.tbl == "audit_entry" or c.row_id == mine
        for s in decoded.segments
        for c in s
        if c.origin == net.a2.device_id
    )


def test_records_logged_before_the_compact_form_still_take_the_new_record_lane(
    net: Net, monkeypatch: pytest.MonkeyPatch
) -> None:
    child = add_child(net.a1, nickname="old")
    general = json.dumps  # what the log held before: every change in the general form
    with sync(net.a1).store.write() as db:
        for seq, ops in db.execute("SELECT seq, ops FROM sync_change").fetchall():
            db.execute(
                "UPDATE sync_change SET ops = ? WHERE seq = ?",
                (general(load_ops(ops), ensure_ascii=False, separators=(",", ":")), seq),
            )
    data, _ = sync(net.a1).export()
    lanes: list[tuple[str, tuple[str, ...]]] = []
    real = apply._lane

    def spy(writer: Any, table: Any, names: tuple[str, ...]) -> Any:
        lanes.append((table.name if table else "", names))
        return real(writer, table, names)

    monkeypatch.setattr(apply, "_lane", spy)
    sync(net.a2).import_bundle(data)
    assert "child" in {t for t, _ in lanes}
    assert sync(net.a2).state_hash() == sync(net.a1).state_hash()
    fsck(net.a2)
    with sync(net.a2).store.read() as db:
        (stored,) = db.execute(
            "SELECT ops FROM sync_change WHERE tbl = 'child' AND row_id = ?", (child,)
        ).fetchone()
    assert stored.startswith("[[0,")  # relayed as it was
