"""Bundles: every bit flip and every truncation is refused before anything is applied; each
kind of bad bundle gets its own message; a replay is a no-op; the parser is fuzzed."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from cmdesk.core.errors import BundleRejected
from cmdesk.core.model import new_id
from cmdesk.core.sync import bundle_crypto, bundle_format, payload
from cmdesk.core.sync import rejections as rej
from cmdesk.core.sync.keys import DeviceKeys, OrgKeys
from cmdesk.core.sync.tables import SCHEMA_VERSION
from cmdesk.core.workspace import Workspace
from tests.core.sync.conftest import Net, sync
from tests.core.sync.records import add_case, add_child


def fingerprint(ws: Workspace) -> str:
    """Everything sync and the records hold, to prove a refused bundle changed nothing."""
    h = hashlib.sha256()
    with ws.ctx.read() as s:
        for table in (
            "sync_change",
            "sync_row",
            "sync_held",
            "sync_import",
            "sync_device",
            "sync_conflict",
            "sync_local",
            "child",
            "case_file",
        ):
            for row in s.execute(text(f"SELECT * FROM {table} ORDER BY 1, 2")):
                h.update(repr(tuple(row)).encode())
    return h.hexdigest()


@pytest.fixture
def sample(net: Net) -> Iterator[bytes]:
    child = add_child(net.a1, nickname="Ploy")
    add_case(net.a1, child)
    data, _ = sync(net.a1).export()
    yield data


def reason(exc: pytest.ExceptionInfo[BundleRejected]) -> str:
    return exc.value.text_id


def test_a_good_bundle_imports_and_its_replay_is_a_no_op(net: Net, sample: bytes) -> None:
    first = sync(net.a2).import_bundle(sample)
    assert first.new > 0 and not first.replay
    before = fingerprint(net.a2)
    again = sync(net.a2).import_bundle(sample)
    assert again.replay and again.new == 0
    assert fingerprint(net.a2) == before


def test_every_single_bit_flip_is_refused_and_changes_nothing(net: Net, sample: bytes) -> None:
    before = fingerprint(net.a2)
    reasons: dict[str, int] = {}
    buf = bytearray(sample)
    for i in range(len(buf) * 8):
        buf[i // 8] ^= 1 << (i % 8)
        with pytest.raises(BundleRejected) as exc:
            sync(net.a2).import_bundle(bytes(buf))
        reasons[reason(exc)] = reasons.get(reason(exc), 0) + 1
        buf[i // 8] ^= 1 << (i % 8)
    assert fingerprint(net.a2) == before
    assert len(sample) * 8 == sum(reasons.values()) > 10_000
    assert reasons[rej.ALTERED] > len(sample) * 4  # the body and signature
    sync(net.a2).import_bundle(sample)  # the unflipped bundle still imports


def test_every_truncation_is_refused_as_incomplete(net: Net, sample: bytes) -> None:
    before = fingerprint(net.a2)
    for cut in range(len(sample)):
        with pytest.raises(BundleRejected) as exc:
            sync(net.a2).import_bundle(sample[:cut])
        assert reason(exc) == rej.TRUNCATED, cut
    assert fingerprint(net.a2) == before


def test_extra_bytes_after_the_signature_are_refused(net: Net, sample: bytes) -> None:
    with pytest.raises(BundleRejected) as exc:
        sync(net.a2).import_bundle(sample + b"\0")
    assert reason(exc) == rej.ALTERED


def test_not_a_bundle(net: Net) -> None:
    with pytest.raises(BundleRejected) as exc:
        sync(net.a2).import_bundle(b"%PDF-1.7 this is a report, not a bundle")
    assert reason(exc) == rej.NOT_A_BUNDLE


def test_a_bundle_for_another_organisation_is_refused_by_name(net: Net) -> None:
    add_child(net.a1)
    for_partner, _ = sync(net.a1).export("ECPAT")
    with pytest.raises(BundleRejected) as exc:
        sync(net.a2).import_bundle(for_partner)
    assert reason(exc) == rej.WRONG_RECIPIENT
    assert "ECPAT" in str(exc.value)
    # The relaying laptop could not read it, but the partner can: accepted as WVFT's.
    got = sync(net.p1).import_bundle(for_partner)
    assert got.sender_org == sync(net.a1).keys().org.identity.org_id
    assert not got.replay and sync(net.p1).import_bundle(for_partner).replay


def test_a_bundle_from_an_untrusted_organisation_is_refused(
    net: Net, tmp_path: os.PathLike[str]
) -> None:
    from cmdesk.core.vault import crypto
    from tests.conftest import ADMIN, ADMIN_PASS
    from tests.core.sync.conftest import attach

    stranger = attach(
        Workspace.create(
            tmp_path / "z",  # type: ignore[operator]
            org_code="FOCUS",
            username=ADMIN,
            passphrase=ADMIN_PASS,
            kdf=crypto.weak_kdf_for_tests(),
        )
    )
    try:
        sync(stranger).trust(sync(net.a1).identity_file())
        data, _ = sync(stranger).export("WVFT")
    finally:
        stranger.close()
    with pytest.raises(BundleRejected) as exc:
        sync(net.a1).import_bundle(data)
    assert reason(exc) == rej.UNKNOWN_SENDER


def forged(net: Net, **over: object) -> bytes:
    """A bundle to WVFT made outside the engine: a device certified by `over['org']` keys."""
    keys = sync(net.a1).keys()
    org: OrgKeys = over.pop("org", keys.org)  # type: ignore[assignment]
    device: DeviceKeys = over.pop("device", None) or DeviceKeys.generate(org, new_id())  # type: ignore[assignment]
    body = payload.encode(payload.Payload({}, {}, []))
    fields = {
        "format": bundle_format.FORMAT,
        "schema": SCHEMA_VERSION,
        "app": "test",
        "bundle_id": new_id(),
        "created_at": "2026-11-25T00:00:00+00:00",
        "sender_device": device.device_id,
        "sender_org": keys.org.identity.org_id,
        "cert": device.cert,
        "recipient_org": keys.org.identity.org_id,
        "vector_from": {},
        "vector_to": {},
        "segments": 0,
        "operations": 0,
        **over,
    }
    return bundle_format.write(fields, body, keys.org.identity.box_public, device)


def test_a_device_not_certified_by_its_organisation_is_refused(net: Net) -> None:
    ident = sync(net.a1).keys().org.identity
    impostor = OrgKeys.generate(ident.org_id, ident.code, "", "")
    with pytest.raises(BundleRejected) as exc:
        sync(net.a2).import_bundle(forged(net, org=impostor))
    assert reason(exc) == rej.UNCERTIFIED_DEVICE
    # A genuinely enrolled (never seen before) device is accepted on its certificate alone.
    assert not sync(net.a2).import_bundle(forged(net)).replay


def test_a_bundle_from_a_newer_app_is_refused_with_its_own_message(net: Net) -> None:
    with pytest.raises(BundleRejected) as exc:
        sync(net.a2).import_bundle(forged(net, format=bundle_format.FORMAT + 1))
    assert reason(exc) == rej.TOO_NEW


def test_reordered_chunks_are_refused_even_when_re_signed(net: Net) -> None:
    # Random text does not compress: several 64 KiB chunks.
    add_child(net.a1, disability_details=os.urandom(150_000).hex())
    data, _ = sync(net.a1).export()
    parsed = bundle_format.parse(data)
    assert parsed.header.chunks >= 3
    body = parsed.signed[parsed.prefix_len :]
    frames, pos = [], 0
    while pos < len(body):
        size = int.from_bytes(body[pos : pos + 4], "big")
        frames.append(body[pos : pos + 4 + size])
        pos += 4 + size
    frames[0], frames[1] = frames[1], frames[0]
    signed = parsed.signed[: parsed.prefix_len] + b"".join(frames)
    # Re-signed by the genuine device: only the stream's own authentication can notice.
    resigned = signed + sync(net.a1).keys().device.sign(signed)
    with pytest.raises(BundleRejected) as exc:
        sync(net.a2).import_bundle(resigned)
    assert reason(exc) == rej.ALTERED


def test_a_stream_cut_before_its_final_chunk_is_detected() -> None:
    key = os.urandom(32)
    from nacl.public import PrivateKey

    box = PrivateKey.generate()
    sealer = bundle_crypto.Sealer.to(bytes(box.public_key))
    plain = os.urandom(3 * bundle_crypto.CHUNK)
    frames = list(sealer.frames(plain, b"ad"))
    key = bundle_crypto.open_key(bytes(box), sealer.sealed_key)
    assert key is not None
    assert bundle_crypto.decrypt(key, sealer.stream_header, b"".join(frames), b"ad", 3) == plain
    with pytest.raises(bundle_crypto.StreamBroken):
        bundle_crypto.decrypt(key, sealer.stream_header, b"".join(frames[:2]), b"ad", 2)


@settings(
    max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None
)
@given(st.data())
def test_fuzzed_bundles_are_refused_cleanly(net: Net, sample: bytes, data: st.DataObject) -> None:
    kind = data.draw(st.sampled_from(["random", "overwrite", "insert", "delete", "splice"]))
    if kind == "random":
        blob = data.draw(st.binary(max_size=600))
        if data.draw(st.booleans()):
            blob = bundle_format.MAGIC + blob
    else:
        at = data.draw(st.integers(0, len(sample) - 1))
        chunk = data.draw(st.binary(min_size=1, max_size=40))
        if kind == "overwrite":
            blob = sample[:at] + chunk + sample[at + len(chunk) :]
        elif kind == "insert":
            blob = sample[:at] + chunk + sample[at:]
        elif kind == "delete":
            blob = sample[:at] + sample[at + len(chunk) :]
        else:
            blob = sample[:at] + sample[: data.draw(st.integers(0, len(sample)))]
    if blob == sample:
        return
    with pytest.raises(BundleRejected):
        sync(net.a2).import_bundle(blob)


def valid_payload_text(net: Net) -> str:
    child = add_child(net.a1)
    add_case(net.a1, child)
    parsed = bundle_format.parse(sync(net.a1).export()[0])
    return bundle_format.decrypt(parsed, sync(net.a1).keys().org.box_secret).decode()


@settings(
    max_examples=400, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None
)
@given(st.data())
def test_fuzzed_payloads_decode_or_are_refused_as_unreadable(net: Net, data: st.DataObject) -> None:
    cache = getattr(test_fuzzed_payloads_decode_or_are_refused_as_unreadable, "text", None)
    text_ = cache or valid_payload_text(net)
    test_fuzzed_payloads_decode_or_are_refused_as_unreadable.text = text_  # type: ignore[attr-defined]
    at = data.draw(st.integers(0, len(text_) - 1))
    junk = data.draw(
        st.sampled_from(
            [
                '"',
                "[",
                "]",
                "{",
                "}",
                ",",
                "-1",
                "null",
                "1e999",
                "\n",
                "\t",
                '"x"',
                "9" * 30,
                "[[]]",
                "",
            ]
        )
    )
    n = data.draw(st.integers(0, 3))
    mutated = text_[:at] + junk + text_[at + n :]
    try:
        result = payload.decode(mutated.encode())
    except BundleRejected as exc:
        assert exc.text_id == rej.UNREADABLE
        return
    for seg in result.segments:
        for change in seg:
            payload.check_ops(change.ops)


@pytest.mark.parametrize("wrong", ["[1]", '"x"', "7", "null"])
def test_a_payload_whose_objects_are_not_objects_is_unreadable(net: Net, wrong: str) -> None:
    # Found by the fuzz test above: "knowledge" as a list made decode() raise AttributeError,
    # a crash instead of the refusal every other damage gets.
    first, _, rest = valid_payload_text(net).partition("\n")
    meta = json.loads(first)
    meta["knowledge"] = json.loads(wrong)
    damaged = json.dumps(meta) + "\n" + rest
    with pytest.raises(BundleRejected) as refused:
        payload.decode(damaged.encode())
    assert refused.value.text_id == rej.UNREADABLE
