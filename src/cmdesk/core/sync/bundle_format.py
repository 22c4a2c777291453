"""The bundle file: one format for USB sticks and the network.

    magic            b"cmdesk-bundle\\n"
    header length    4 bytes, big-endian
    header           canonical JSON, readable without keys (routing metadata only: ids,
                     vector range, sizes, the sender's certificate chain, revocations and
                     organisation key updates; never record data)
    body             secretstream chunks, each framed by a 4-byte length (bundle_crypto.py)
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
# vectors, no counts of segments or operations (they are inside, in the payload). Formats 1 and
# 2 are still read; a larger number is a newer app's (TOO_NEW), anything else is damage.
FORMAT = 3
READABLE = frozenset({1, 2, 3})
# The first format whose clear header leaves the vectors and counts out.
LEAN = 3
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
            payload_bytes=count(content["payload_bytes"]),
            compressed_bytes=count(enc["compressed_bytes"]),
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
    sealer = bundle_crypto.Sealer.to(recipient_box)
    header = Header(
        **header_fields,
        payload_bytes=len(payload),
        compressed_bytes=len(compressed),
        chunks=bundle_crypto.chunk_count(len(compressed)),
        body_bytes=bundle_crypto.body_length(len(compressed)),
        stream_header=sealer.stream_header,
        sealed_key=sealer.sealed_key,
    )
    head = canonical(header.to_json())
    prefix = magic + len(head).to_bytes(LEN_BYTES, "big") + head
    ad = hashlib.sha256(prefix).digest()
    body = b"".join(sealer.frames(compressed, ad))
    signed = prefix + body
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
    if header.payload_bytes > max(RATIO_ALLOWANCE, MAX_RATIO * header.compressed_bytes):
        raise rej.reject(rej.UNREADABLE)
    return Parsed(header, data[:-SIG_BYTES], at, data[-SIG_BYTES:])


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


def decrypt(parsed: Parsed, box_secret: bytes) -> bytes:
    """The payload plaintext. Call only after verify_sender."""
    return b"".join(payload_pieces(parsed, box_secret))


def payload_pieces(parsed: Parsed, box_secret: bytes) -> Iterator[bytes]:
    """The payload plaintext in pieces of at most PIECE bytes, decrypted and decompressed as
    they are read, never whole: an import reads a large payload twice without holding it
    (importing.py). However much the header declares or the stream would expand to, no more
    than a piece and the decompressor's window (MAX_WINDOW) is held at a time. Call only after
    verify_sender; a failure is raised when the piece it is found in is read."""
    header = parsed.header
    key = bundle_crypto.open_key(box_secret, header.sealed_key)
    if key is None or header.payload_bytes > MAX_PAYLOAD:
        raise rej.reject(rej.ALTERED)
    body = memoryview(parsed.signed)[parsed.prefix_len :]
    ad = hashlib.sha256(parsed.signed[: parsed.prefix_len]).digest()
    compressed = _Counted(
        bundle_crypto.decrypt_chunks(key, header.stream_header, body, ad, header.chunks)
    )
    size = 0
    try:
        pieces = zstandard.ZstdDecompressor(max_window_size=MAX_WINDOW).read_to_iter(
            cast("IO[bytes]", compressed), read_size=bundle_crypto.CHUNK, write_size=PIECE
        )
        for piece in pieces:
            size += len(piece)
            if size > header.payload_bytes:
                raise rej.reject(rej.UNREADABLE)
            yield piece
        compressed.drain()
    except bundle_crypto.StreamBroken:
        raise rej.reject(rej.ALTERED) from None
    except zstandard.ZstdError:
        raise rej.reject(rej.UNREADABLE) from None
    if compressed.size != header.compressed_bytes:
        raise rej.reject(rej.ALTERED)
    if size != header.payload_bytes:
        raise rej.reject(rej.UNREADABLE)


class _Counted:
    """Decrypted chunks as a file the decompressor reads, counting the bytes."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self.size = 0

    def read(self, _size: int = -1) -> bytes:
        chunk = next(self._chunks, b"")
        self.size += len(chunk)
        return chunk

    def drain(self) -> None:
        """Reads what the decompressor left after its frame, so every chunk is
        authenticated and the stream's end is checked."""
        while self.read():
            pass


def rejected_reason(exc: BundleRejected) -> str:
    return exc.text_id
