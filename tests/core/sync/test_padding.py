"""Bundle sizes padded to buckets (format 4, issue 12): whoever sees a bundle (the hub, a
copied USB stick) learns a bucket, not how much was recorded; the exact sizes are inside
the encryption and a padding that lies is refused."""

from __future__ import annotations

import pytest
import zstandard

from cmdesk.core.errors import BundleRejected
from cmdesk.core.sync import bundle_format
from cmdesk.core.sync import rejections as rej
from tests.core.sync.conftest import Net, sync
from tests.core.sync.records import add_case, add_child, add_note
from tests.core.sync.test_import_memory import plaintext, resealed


def test_padded_lengths_are_few_and_cost_at_most_twelve_percent() -> None:
    sizes = range(1, 1 << 22, 97)
    padded = [bundle_format.padded_length(n) for n in sizes]
    assert all(p >= max(n, bundle_format.MIN_PADDED) for n, p in zip(sizes, padded, strict=True))
    assert all(
        p <= max(n * 1.12, bundle_format.MIN_PADDED) for n, p in zip(sizes, padded, strict=True)
    )
    assert padded == sorted(padded)
    # Forty thousand lengths up to 4 MiB fall into a few hundred buckets.
    assert len(set(padded)) < 400


def test_a_day_with_one_record_and_a_day_with_two_look_the_same(net: Net) -> None:
    engine = sync(net.a1)
    child = add_child(net.a1, nickname="หนึ่ง")
    one, _ = engine.export()
    add_note(net.a1, add_case(net.a1, child), "บันทึกการเยี่ยมบ้าน")
    two, _ = engine.export()
    # What was recorded differs (about 1.5 and 2.2 kB compressed), what is seen does not.
    assert len(plaintext(net, one)) < len(plaintext(net, two))
    assert len(one) == len(two)
    assert bundle_format.parse(one).header.body_bytes == bundle_format.parse(two).header.body_bytes


def _body(payload: bytes, declared: int | None = None, pad: bytes | None = None) -> bytes:
    """A padded body laid out by hand: INNER sizes (payload length `declared`), the
    compressed payload, then `pad` (default: zeros up to the bucket)."""
    compressed = zstandard.ZstdCompressor().compress(payload)
    size = len(payload) if declared is None else declared
    inner = bundle_format.INNER.pack(size, len(compressed)) + compressed
    if pad is None:
        pad = bytes(bundle_format.padded_length(len(inner)) - len(inner))
    return inner + pad


def test_a_body_laid_out_as_write_does_is_read(net: Net) -> None:
    add_child(net.a1, nickname="ก")
    plain = plaintext(net, sync(net.a1).export()[0])
    data = resealed(net, _body(plain))
    assert plaintext(net, data) == plain
    sync(net.a2).import_bundle(data)
    assert sync(net.a2).state_hash() == sync(net.a1).state_hash()


@pytest.mark.parametrize(
    ("damage", "reason"),
    [
        ("a byte of padding not zero", rej.ALTERED),
        ("padding one byte short of its bucket", rej.ALTERED),
        ("padding one byte past its bucket", rej.ALTERED),
        ("sizes declaring more than the body holds", rej.ALTERED),
        ("sizes declaring a payload expanding 1000 times", rej.UNREADABLE),
    ],
)
def test_sizes_and_padding_that_lie_are_refused_with_nothing_applied(
    net: Net, damage: str, reason: str
) -> None:
    add_child(net.a1, nickname="ข")
    plain = plaintext(net, sync(net.a1).export()[0])
    zeros = len(_body(plain)) - len(_body(plain, pad=b""))
    body = {
        "a byte of padding not zero": _body(plain, pad=bytes(zeros - 1) + b"\1"),
        "padding one byte short of its bucket": _body(plain, pad=bytes(zeros - 1)),
        "padding one byte past its bucket": _body(plain, pad=bytes(zeros + 1)),
        "sizes declaring more than the body holds": (
            bundle_format.INNER.pack(len(plain), 1 << 20) + _body(plain)[16:]
        ),
        "sizes declaring a payload expanding 1000 times": _body(plain, declared=1 << 40),
    }[damage]
    before = sync(net.a2).state_hash()
    with pytest.raises(BundleRejected) as exc:
        sync(net.a2).import_bundle(resealed(net, body))
    assert exc.value.text_id == reason
    assert sync(net.a2).state_hash() == before
