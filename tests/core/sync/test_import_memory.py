"""An import's memory is bounded by one segment, not by the bundle: it decodes the payload
twice, a segment at a time (checks first, then applies), and refuses a payload whose parts are
larger than a reader takes, whatever the header declares (issue 10)."""

from __future__ import annotations

import dataclasses
import gc
import json
import random
from collections.abc import Iterator
from typing import Any

import pytest
import zstandard

from cmdesk.core.errors import BundleRejected
from cmdesk.core.progress import CancelToken
from cmdesk.core.sync import bundle_format, importing, payload
from cmdesk.core.sync import rejections as rej
from cmdesk.core.sync.oplog import Change
from cmdesk.core.sync.rejections import SyncCancelled
from tests.core.sync.conftest import Net, sync
from tests.core.sync.records import add_case, add_child, add_note, children_in_segments


def changes_alive() -> int:
    return sum(1 for o in gc.get_objects() if type(o) is Change)


def many_segments(
    net: Net, monkeypatch: pytest.MonkeyPatch, children: int = 30
) -> tuple[bytes, int]:
    """a1's records, relayed by a2: a bundle of many segments whose changes a3 checks one by
    one against their origin's signature."""
    monkeypatch.setattr(payload, "SEGMENT_OPS", 100)
    for i in range(children):
        add_case(net.a1, add_child(net.a1, nickname=f"c{i}"))
    sync(net.a2).import_bundle(sync(net.a1).export()[0])
    data, result = sync(net.a2).export(everything=True)
    assert result.segments >= 10
    return data, result.segments  # the count is inside the payload (bundle format 3)


def test_an_import_holds_one_decoded_segment_and_checks_them_all_before_applying_any(
    net: Net, monkeypatch: pytest.MonkeyPatch
) -> None:
    data, segments = many_segments(net, monkeypatch)
    events: list[str] = []
    others_alive: list[int] = []
    read, apply = importing.read_payload, importing.apply_segment

    def watched_read(*args: Any, **kw: Any) -> tuple[payload.Head, Iterator[list[Change]]]:
        head, decoded = read(*args, **kw)

        def each() -> Iterator[list[Change]]:
            for segment in decoded:
                # Decoded changes alive besides this segment's: none of the one before.
                others_alive.append(changes_alive() - len(segment))
                events.append("decoded")
                yield segment
                del segment

        return head, each()

    def watched_apply(*args: Any) -> Any:
        events.append("applied")
        return apply(*args)

    monkeypatch.setattr(importing, "read_payload", watched_read)
    monkeypatch.setattr(importing, "apply_segment", watched_apply)
    result = sync(net.a3).import_bundle(data)
    assert result.new > 0 and not result.refused
    # Every segment checked before the first is applied, then each decoded again and applied.
    assert events == ["decoded"] * segments + ["decoded", "applied"] * segments
    assert others_alive == [0] * (2 * segments)
    assert sync(net.a3).state_hash() == sync(net.a1).state_hash()


def test_a_resumed_import_checks_every_segment_and_decodes_again_only_those_left(
    net: Net, monkeypatch: pytest.MonkeyPatch
) -> None:
    data, segments = many_segments(net, monkeypatch, children=12)
    token = CancelToken()

    def progress(done: int, _total: int) -> None:
        if done == 3:
            token.cancel()

    with pytest.raises(SyncCancelled):
        sync(net.a3).import_bundle(data, progress=progress, cancel=token)
    passes: list[int] = []
    read = importing.read_payload

    def counted(*args: Any, **kw: Any) -> tuple[payload.Head, Iterator[list[Change]]]:
        head, decoded = read(*args, **kw)
        passes.append(0)

        def each() -> Iterator[list[Change]]:
            for segment in decoded:
                passes[-1] += 1
                yield segment
                del segment

        return head, each()

    monkeypatch.setattr(importing, "read_payload", counted)
    assert sync(net.a3).import_bundle(data).resumed_at == 3
    assert passes == [segments, segments - 3]
    assert sync(net.a3).state_hash() == sync(net.a1).state_hash()


def resigned(net: Net, plain: bytes, **over: Any) -> bytes:
    """A bundle of a1's with another payload, signed by a1's own keys (a trusted sender's
    damaged or hostile bundle: only the payload's own checks can refuse it)."""
    keys = sync(net.a1).keys()
    h = dataclasses.asdict(bundle_format.parse(sync(net.a1).export()[0]).header)
    fields = {
        k: h[k]
        for k in (
            "format", "schema", "app", "bundle_id", "created_at", "sender_device",
            "sender_org", "recipient_org", "vector_from", "vector_to", "segments",
            "operations",
        )
    }  # fmt: skip
    fields |= {"cert": keys.device.cert, "chain": keys.device.chain, **over}
    return bundle_format.write(fields, plain, keys.org.identity.box_public, keys.device)


def resealed(net: Net, body: bytes, sizes: tuple[int, int] = (0, 0)) -> bytes:
    """A bundle of a1's around a body's plaintext laid out by hand (bundle_format.seal): a
    trusted sender's bundle whose sizes or padding lie."""
    keys = sync(net.a1).keys()
    h = dataclasses.asdict(bundle_format.parse(sync(net.a1).export()[0]).header)
    keep = ("format", "schema", "app", "bundle_id", "created_at", "sender_device", "sender_org")
    fields = {k: h[k] for k in (*keep, "recipient_org")}
    fields |= {"cert": keys.device.cert, "chain": keys.device.chain}
    return bundle_format.seal(fields, body, sizes, keys.org.identity.box_public, keys.device)


def plaintext(net: Net, data: bytes) -> bytes:
    return bundle_format.decrypt(bundle_format.parse(data), sync(net.a1).keys().org.box_secret)


def test_a_bundle_damaged_in_its_last_segment_is_refused_with_nothing_applied(
    net: Net, monkeypatch: pytest.MonkeyPatch
) -> None:
    data, result = children_in_segments(net.a1, monkeypatch, 10)
    lines = plaintext(net, data).split(b"\n")
    assert len(lines) == result.segments + 1 >= 4
    lines[-1] = lines[-1][:-1]  # its last change cut short
    before = sync(net.a2).state_hash()
    damaged = resigned(net, b"\n".join(lines), segments=result.segments)
    with pytest.raises(BundleRejected) as exc:
        sync(net.a2).import_bundle(damaged)
    assert exc.value.text_id == rej.UNREADABLE
    assert sync(net.a2).state_hash() == before
    with sync(net.a2).store.read() as db:
        assert db.execute("SELECT count(*) FROM sync_import").fetchone()[0] == 0


def test_parts_larger_than_a_reader_takes_are_refused_whatever_the_header_says(
    net: Net, monkeypatch: pytest.MonkeyPatch
) -> None:
    for i in range(6):
        add_child(net.a1, nickname=f"c{i}", disability_details="ข้อความยาว " * 50)
    data, result = sync(net.a1).export()
    plain = plaintext(net, data)
    head, first = plain.split(b"\n")[:2]
    assert payload.decode(plain).operations() == result.operations
    for limit, size in (
        ("MAX_HEAD_BYTES", len(head) - 1),
        ("MAX_SEGMENT_BYTES", len(first) - 1),
        ("MAX_SEGMENT_OPS", 10),
    ):
        with monkeypatch.context() as m:
            m.setattr(payload, limit, size)
            with pytest.raises(BundleRejected) as exc:
                payload.decode(plain)
            assert exc.value.text_id == rej.UNREADABLE
            with pytest.raises(BundleRejected) as exc:
                sync(net.a2).import_bundle(data)
            assert exc.value.text_id == rej.UNREADABLE


def test_a_large_first_line_must_be_ascii(net: Net) -> None:
    add_child(net.a1)
    head, rest = plaintext(net, sync(net.a1).export()[0]).split(b"\n", 1)
    meta = json.loads(head)
    for padding, readable in (("a" * (1 << 20), True), ("ก" * (1 << 19), False)):
        padded = json.dumps({**meta, "padding": padding}, ensure_ascii=False).encode()
        if readable:
            assert payload.decode(padded + b"\n" + rest).operations() > 0
        else:
            with pytest.raises(BundleRejected) as exc:
                payload.decode(padded + b"\n" + rest)
            assert exc.value.text_id == rej.UNREADABLE


def test_segments_are_cut_by_size_as_well_and_read_from_pieces_of_any_size(
    net: Net, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = add_case(net.a1, add_child(net.a1))
    for i in range(20):
        add_note(net.a1, case, f"บันทึกการเยี่ยมบ้าน {i} " + "รายละเอียด " * 100)
    monkeypatch.setattr(payload, "SEGMENT_BYTES", 8000)
    data, result = sync(net.a1).export()
    plain = plaintext(net, data)
    lines = plain.split(b"\n")[1:]
    assert result.segments == len(lines) > 5
    assert max(map(len, lines)) < 2 * 8000
    whole = payload.decode(plain)
    rng = random.Random(10)
    cuts = sorted(rng.sample(range(1, len(plain)), 300))
    pieces = [plain[a:b] for a, b in zip([0, *cuts], [*cuts, len(plain)], strict=True)]
    reader = payload.Reader(pieces)
    again = list(reader.segments())
    assert [[c.text for c in s] for s in again] == [[c.text for c in s] for s in whole.segments]
    assert reader.head.counts == [len(s) for s in whole.segments]
    sync(net.a2).import_bundle(data)
    assert sync(net.a2).state_hash() == sync(net.a1).state_hash()


def test_the_payload_is_expanded_piece_by_piece_never_beyond_what_the_header_says(
    net: Net,
) -> None:
    add_child(net.a1, disability_details="ก" * 100)
    plain = plaintext(net, sync(net.a1).export()[0])
    big = plain + b"\n" + b"x" * (3 * bundle_format.PIECE)  # compresses to a few kilobytes
    parsed = bundle_format.parse(resigned(net, big))
    box = sync(net.a1).keys().org.box_secret
    pieces = list(bundle_format.payload_pieces(parsed, box))
    assert len(pieces) >= 3 and max(map(len, pieces)) <= bundle_format.PIECE
    assert b"".join(pieces) == big == bundle_format.decrypt(parsed, box)
    # Sizes declaring less than the stream expands to: refused at the first piece beyond.
    compressed = zstandard.ZstdCompressor().compress(big)
    inner = bundle_format.INNER.pack(bundle_format.PIECE, len(compressed)) + compressed
    body = inner + bytes(bundle_format.padded_length(len(inner)) - len(inner))
    lying = bundle_format.parse(resealed(net, body))
    expanded = 0
    with pytest.raises(BundleRejected) as exc:
        for piece in bundle_format.payload_pieces(lying, box):
            expanded += len(piece)
    assert exc.value.text_id == rej.UNREADABLE and expanded <= bundle_format.PIECE
