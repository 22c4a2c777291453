"""The bundle file: one format for USB sticks and the network.

    magic            b"cmdesk-bundle\\n"
    header length    4 bytes, big-endian
    header           canonical JSON, readable without keys (routing metadata only: ids,
                     vector range, sizes, the sender's certificate chain, revocations and
                     organisation key updates; never record data)
    body             secretstream chunks, each framed by a 4-byte length (bundle_crypto.py);
                     from format 4 their plaintext is the payload's two lengths, the
                     compressed payload and zeros up to a padded size (padded_length)
    signature        64 bytes: the sending device's Ed25519 signature over everything above

Reading checks, in order and before anything is applied: structure and length (truncation),
format version, recipient, sender organisation trust, the sender's certificate chain from
its organisation's key (certs.py) against the revocations known, signature,
decryption with the FINAL tag, decompression, payload structure. Each failure is a
`BundleRejected` with its own message.
"""

from __future__ import annotations

import hashlib
import json
import struct
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any, cast

import zstandard

from cmdesk.core.errors import BundleRejected
from cmdesk.core.sync import bundle_crypto
from cmdesk.core.sync import rejections as rej
from cmdesk.core.sync.certs import (
    BoxNews,
    Certified,
    ChainRefused,
    DeviceCert,
    Link,
    Revocation,
    box_news_from_json,
    chain_from_json,
    chain_to_json,
    revocations_from_json,
    verify_chain,
)
from cmdesk.core.sync.keys import DeviceKeys, b64, canonical, unb64, verify_signature

MAGIC = b"cmdesk-bundle\n"
# A statistics bundle (stats_bundle.py): laid out like a sync bundle, never imported as one.
STATS_MAGIC = b"cmdesk-statistics\n"
# 2: compact payload segments (payload.py). 3: the clear header carries only what routing
# and the checks before decryption need (issue 12, "little for the hub to learn"): no version
# vectors, no counts of segments or operations (they are inside, in the payload). 4: sizes
# padded to buckets (below). Formats 1 to 3 are still read; a larger number is a newer app's
# (TOO_NEW), anything else is damage.
FORMAT = 4
READABLE = frozenset({1, 2, 3, 4})
# The first format whose clear header leaves the vectors and counts out.
LEAN = 3
# The first format whose sizes are padded: the clear header and the file's length tell the hub
# (or whoever copies the stick) only a bucket, not how much was recorded (issue 12). The exact
# payload and compressed lengths move inside the encryption (INNER), the body is padded with
# zeros to padded_length; a reader checks the padding is exactly that and all zeros.
PADDED = 4
INNER = struct.Struct(">QQ")
# The smallest bucket: a day's bundle of a few records is as long as one of none.
MIN_PADDED = 4096
SIG_BYTES = 64
LEN_BYTES = 4
MAX_HEADER = 1 << 20
# A payload may not expand beyond this (a hostile bundle must not exhaust memory).
MAX_PAYLOAD = 4 << 30
# Nor beyond this many times its compressed size (above a small allowance): real payloads
# compress about 9 to 1 (a demo organisation's export), while a bundle of repeated bytes can
# declare gigabytes in a few kilobytes. A signed bundle from a trusted sender is refused from
# its header before anything is decrypted or expanded.
MAX_RATIO = 64
RATIO_ALLOWANCE = 16 << 20
ZSTD_LEVEL = 6
# Decompressing a payload in pieces (payload_pieces): the largest piece given at a time, and
# the largest window a frame may ask the decompressor to keep (level 6 uses 2 MiB; a hostile
# frame could ask for far more).
PIECE = 1 << 20
MAX_WINDOW = 8 << 20


@dataclass(frozen=True)
class Header:
    format: int
    schema: int
    app: str
    bundle_id: str
    created_at: str
    sender_device: str
    sender_org: str
    cert: DeviceCert
    recipient_org: str
    payload_bytes: int
    compressed_bytes: int
    chunks: int
    body_bytes: int
    stream_header: bytes
    sealed_key: bytes
    # The certificates from the sender organisation's key down to `cert` (certs.py); empty
    # when the organisation signed `cert` itself.
    chain: tuple[Link, ...] = ()
    # Revocations the sender knows (any organisation's; each receiver checks them).
    revocations: tuple[Revocation, ...] = ()
    # Encryption key updates: the sender organisation's (with grants of the new key when the
    # bundle is for its own laptops) and the recipient's as the sender knows it.
    org_box: tuple[BoxNews, ...] = ()
    # A bundle sealed to one laptop's own key (a laptop limited to one team's cases, issue
    # 10); empty: sealed to the organisation's key, for any of its laptops.
    recipient_device: str = ""
    # In the clear header of formats before LEAN only (0 and empty from LEAN on).
    vector_from: dict[str, int] = field(default_factory=dict)
    vector_to: dict[str, int] = field(default_factory=dict)
    segments: int = 0
    operations: int = 0

    def to_json(self) -> dict[str, Any]:
        doc: dict[str, Any] = {
            "format": self.format,
            "schema": self.schema,
            "app": self.app,
            "bundle_id": self.bundle_id,
            "created_at": self.created_at,
            "sender": {"device": self.sender_device, "org": self.sender_org},
            "cert": self.cert.to_json(),
            "recipient_org": self.recipient_org,
            "content": {"payload_bytes": self.payload_bytes, "compression": "zstd"},
            "encryption": {
                "scheme": "secretstream-xchacha20poly1305+sealedbox-x25519",
                "compressed_bytes": self.compressed_bytes,
                "chunks": self.chunks,
                "body_bytes": self.body_bytes,
                "stream_header": b64(self.stream_header),
                "sealed_key": b64(self.sealed_key),
            },
        }
        if self.chain:
            doc["chain"] = chain_to_json(self.chain)
        if self.revocations:
            doc["revocations"] = [r.to_json() for r in self.revocations]
        if self.org_box:
            doc["org_box"] = [news.to_json() for news in self.org_box]
        if self.recipient_device:
            doc["recipient_device"] = self.recipient_device
        if self.format >= PADDED:
            # Inside the encryption (INNER); the clear header keeps only the padded body.
            del doc["content"]["payload_bytes"], doc["encryption"]["compressed_bytes"]
        if self.format < LEAN:
            doc["vector"] = {"from": self.vector_from, "to": self.vector_to}
            doc["content"]["segments"] = self.segments
            doc["content"]["operations"] = self.operations
        return doc

    @classmethod
    def from_json(cls, d: Any) -> Header:
        def count(v: Any) -> int:
            if not isinstance(v, int) or isinstance(v, bool) or v < 0:
                raise ValueError("count")
            return v

        def text(v: Any, limit: int = 64) -> str:
            if not isinstance(v, str) or len(v) > limit:
                raise ValueError("text")
            return v

        def vector(v: Any) -> dict[str, int]:
            if not isinstance(v, dict):
                raise ValueError("vector")
            return {text(k): count(n) for k, n in v.items()}

        sender, content, enc = d["sender"], d["content"], d["encryption"]
        if content.get("compression") != "zstd":
            raise ValueError("compression")
        old: dict[str, Any] = {}
        padded = count(d["format"]) >= PADDED
        if count(d["format"]) < LEAN:
            old = {
                "vector_from": vector(d["vector"]["from"]),
                "vector_to": vector(d["vector"]["to"]),
                "segments": count(content["segments"]),
                "operations": count(content["operations"]),
            }
        return cls(
            format=count(d["format"]),
            schema=count(d["schema"]),
            app=text(d["app"]),
            bundle_id=text(d["bundle_id"], 36),
            created_at=text(d["created_at"]),
            sender_device=text(sender["device"], 36),
            sender_org=text(sender["org"], 36),
            cert=DeviceCert.from_json(d["cert"]),
            recipient_org=text(d["recipient_org"], 36),
            payload_bytes=0 if padded else count(content["payload_bytes"]),
            compressed_bytes=0 if padded else count(enc["compressed_bytes"]),
            chunks=count(enc["chunks"]),
            body_bytes=count(enc["body_bytes"]),
            stream_header=unb64(enc["stream_header"], 24),
            sealed_key=unb64(enc["sealed_key"], 80),
            chain=chain_from_json(d.get("chain", [])),
            revocations=revocations_from_json(d.get("revocations", [])),
            org_box=box_news_from_json(d.get("org_box", [])),
            recipient_device=text(d.get("recipient_device", ""), 36),
            **old,
        )


def padded_length(n: int) -> int:
    """Padmé (Nikitin et al., "Reducing Metadata Leakage from Encrypted Files and
    Communication with PURBs", PETS 2019): `n` rounded up so that only the top bits of its
    binary length stay free, at most 12 % more and far fewer distinct sizes than lengths
    (about log2(n)^2 of them), with MIN_PADDED as the smallest."""
    n = max(n, MIN_PADDED)
    exponent = n.bit_length() - 1
    kept = exponent.bit_length()
    mask = (1 << (exponent - kept)) - 1
    return (n + mask) & ~mask


def write(
    header_fields: dict[str, Any],
    payload: bytes,
    recipient_box: bytes,
    device: DeviceKeys,
    magic: bytes = MAGIC,
) -> bytes:
    """The bundle bytes. header_fields: the Header fields not about encryption or sizes;
    `magic`: what kind of bundle it is (a sync bundle, or STATS_MAGIC)."""
    compressed = zstandard.ZstdCompressor(level=ZSTD_LEVEL).compress(payload)
    sizes = (len(payload), len(compressed))
    if header_fields["format"] < PADDED:
        return seal(header_fields, compressed, sizes, recipient_box, device, magic)
    inner = INNER.pack(*sizes) + compressed
    body = inner + bytes(padded_length(len(inner)) - len(inner))
    # The sizes are inside (INNER), not in the clear header.
    return seal(header_fields, body, (0, 0), recipient_box, device, magic)


def seal(
    header_fields: dict[str, Any],
    plain_body: bytes,
    sizes: tuple[int, int],
    recipient_box: bytes,
    device: DeviceKeys,
    magic: bytes = MAGIC,
) -> bytes:
    """The bundle bytes around a body's plaintext as write() lays it out; `sizes`: the
    payload and compressed lengths the clear header says (zeros from PADDED on)."""
    sealer = bundle_crypto.Sealer.to(recipient_box)
    header = Header(
        **header_fields,
        payload_bytes=sizes[0],
        compressed_bytes=sizes[1],
        chunks=bundle_crypto.chunk_count(len(plain_body)),
        body_bytes=bundle_crypto.body_length(len(plain_body)),
        stream_header=sealer.stream_header,
        sealed_key=sealer.sealed_key,
    )
    head = canonical(header.to_json())
    prefix = magic + len(head).to_bytes(LEN_BYTES, "big") + head
    ad = hashlib.sha256(prefix).digest()
    signed = prefix + b"".join(sealer.frames(plain_body, ad))
    return signed + device.sign(signed)


@dataclass(frozen=True)
class Parsed:
    header: Header
    # Everything the signature covers (a view of the file, when its reader holds it anyway).
    signed: bytes | memoryview
    prefix_len: int
    signature: bytes


def parse(data: bytes) -> Parsed:
    """Structure, sizes and format version, before any key is used."""
    if not data.startswith(MAGIC):
        if data.startswith(STATS_MAGIC):
            raise rej.reject(rej.STATS_NOT_SYNC)
        if MAGIC.startswith(data):
            raise rej.reject(rej.TRUNCATED)
        raise rej.reject(rej.NOT_A_BUNDLE)
    at = len(MAGIC)
    if len(data) < at + LEN_BYTES:
        raise rej.reject(rej.TRUNCATED)
    size = int.from_bytes(data[at : at + LEN_BYTES], "big")
    at += LEN_BYTES
    if size > MAX_HEADER:
        raise rej.reject(rej.ALTERED)
    if len(data) < at + size:
        raise rej.reject(rej.TRUNCATED)
    try:
        raw = json.loads(data[at : at + size].decode("utf-8"))
        fmt = raw["format"] if isinstance(raw, dict) else None
    except (ValueError, UnicodeDecodeError, KeyError, RecursionError):
        # RecursionError: a header nested thousands deep, from a trusted but hostile sender.
        raise rej.reject(rej.ALTERED) from None
    if isinstance(fmt, int) and not isinstance(fmt, bool) and fmt > FORMAT:
        raise rej.reject(rej.TOO_NEW)
    try:
        header = Header.from_json(raw)
    except (ValueError, KeyError, TypeError, AttributeError):
        raise rej.reject(rej.ALTERED) from None
    if header.format not in READABLE or canonical(header.to_json()) != data[at : at + size]:
        raise rej.reject(rej.ALTERED)
    at += size
    expected = at + header.body_bytes + SIG_BYTES
    if len(data) < expected:
        raise rej.reject(rej.TRUNCATED)
    if len(data) > expected:
        raise rej.reject(rej.ALTERED)
    if header.format < PADDED and _expands_too_far(header.payload_bytes, header.compressed_bytes):
        raise rej.reject(rej.UNREADABLE)
    return Parsed(header, data[:-SIG_BYTES], at, data[-SIG_BYTES:])


def _expands_too_far(payload_bytes: int, compressed_bytes: int) -> bool:
    return payload_bytes > max(RATIO_ALLOWANCE, MAX_RATIO * compressed_bytes)


def verify_sender(
    parsed: Parsed, org_sign_public: bytes, revoked: frozenset[str] = frozenset()
) -> Certified:
    """The sender's certificate chain from its organisation's key, then its signature."""
    header = parsed.header
    cert = header.cert
    if cert.device_id != header.sender_device:
        raise rej.reject(rej.UNCERTIFIED_DEVICE)
    try:
        certified = verify_chain(
            header.chain, cert, header.sender_org, org_sign_public, revoked=revoked
        )
    except ChainRefused as exc:
        raise rej.reject(
            rej.REVOKED_DEVICE if exc.reason == "revoked" else rej.UNCERTIFIED_DEVICE
        ) from None
    if not verify_signature(cert.sign_public, bytes(parsed.signed), parsed.signature):
        raise rej.reject(rej.ALTERED)
    return certified


def decrypt(parsed: Parsed, box_secret: bytes, limit: int = MAX_PAYLOAD) -> bytes:
    """The payload plaintext. Call only after verify_sender."""
    return b"".join(payload_pieces(parsed, box_secret, limit))


def payload_pieces(parsed: Parsed, box_secret: bytes, limit: int = MAX_PAYLOAD) -> Iterator[bytes]:
    """The payload plaintext in pieces of at most PIECE bytes, decrypted and decompressed as
    they are read, never whole: an import reads a large payload twice without holding it
    (importing.py). However much the sizes declare or the stream would expand to, no more
    than a piece and the decompressor's window (MAX_WINDOW) is held at a time; a payload
    declared longer than `limit` is refused before it is expanded. Call only after
    verify_sender; a failure is raised when the piece it is found in is read."""
    header = parsed.header
    key = bundle_crypto.open_key(box_secret, header.sealed_key)
    if key is None:
        raise rej.reject(rej.ALTERED)
    body = memoryview(parsed.signed)[parsed.prefix_len :]
    ad = hashlib.sha256(parsed.signed[: parsed.prefix_len]).digest()
    stream = _Stream(
        bundle_crypto.decrypt_chunks(key, header.stream_header, body, ad, header.chunks)
    )
    size = 0
    try:
        padded = header.format >= PADDED
        payload_bytes, compressed_bytes = (
            _inner_sizes(stream) if padded else (header.payload_bytes, header.compressed_bytes)
        )
        if payload_bytes > min(limit, MAX_PAYLOAD):
            raise rej.reject(rej.ALTERED)
        stream.limit = compressed_bytes if padded else None
        pieces = zstandard.ZstdDecompressor(max_window_size=MAX_WINDOW).read_to_iter(
            cast("IO[bytes]", stream), read_size=bundle_crypto.CHUNK, write_size=PIECE
        )
        for piece in pieces:
            size += len(piece)
            if size > payload_bytes:
                raise rej.reject(rej.UNREADABLE)
            yield piece
        stream.drain()
        if stream.given != compressed_bytes:
            raise rej.reject(rej.ALTERED)
        if padded:
            _check_padding(stream, compressed_bytes)
    except bundle_crypto.StreamBroken:
        raise rej.reject(rej.ALTERED) from None
    except zstandard.ZstdError:
        raise rej.reject(rej.UNREADABLE) from None
    if size != payload_bytes:
        raise rej.reject(rej.UNREADABLE)


def _inner_sizes(stream: _Stream) -> tuple[int, int]:
    """A padded payload's exact lengths, the first bytes inside the encryption; a payload
    that would expand far beyond its compressed size is refused before anything expands."""
    head = stream.take(INNER.size)
    if len(head) != INNER.size:
        raise rej.reject(rej.ALTERED)
    payload_bytes, compressed_bytes = INNER.unpack(head)
    if _expands_too_far(payload_bytes, compressed_bytes):
        raise rej.reject(rej.UNREADABLE)
    return payload_bytes, compressed_bytes


def _check_padding(stream: _Stream, compressed_bytes: int) -> None:
    """After the compressed payload: zeros, exactly up to its bucket (padded_length)."""
    stream.limit = None
    padding = 0
    while piece := stream.read():
        if piece.count(0) != len(piece):
            raise rej.reject(rej.ALTERED)
        padding += len(piece)
    used = INNER.size + compressed_bytes
    if used + padding != padded_length(used):
        raise rej.reject(rej.ALTERED)


class _Stream:
    """Decrypted chunks as a file the decompressor reads: up to `limit` bytes of them when
    set (a padded payload's compressed part), counting what it gave."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self._held = b""
        self.limit: int | None = None
        self.given = 0

    def take(self, n: int) -> bytes:
        """The next `n` bytes (fewer only where the stream ends), outside the count."""
        while len(self._held) < n and (chunk := next(self._chunks, b"")):
            self._held += chunk
        out, self._held = self._held[:n], self._held[n:]
        return out

    def read(self, _size: int = -1) -> bytes:
        room = None if self.limit is None else self.limit - self.given
        if room == 0:
            return b""
        if not self._held:
            self._held = next(self._chunks, b"")
        out = self._held if room is None else self._held[:room]
        self._held = self._held[len(out) :]
        self.given += len(out)
        return out

    def drain(self) -> None:
        """Reads what the decompressor left after its frame (up to the limit), so every
        chunk is authenticated and the stream's end is checked."""
        while self.read():
            pass


def rejected_reason(exc: BundleRejected) -> str:
    return exc.text_id
