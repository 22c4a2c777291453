"""The bundle payload's encryption: libsodium secretstream (XChaCha20-Poly1305) in chunks, the
last one tagged FINAL so a cut-short stream is detected, under a random key sealed (X25519
sealed box) to the recipient organisation's public key. Every chunk authenticates the hash of
the bundle header as associated data, so ciphertext cannot be moved under another header.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from nacl.bindings import (
    crypto_secretstream_xchacha20poly1305_ABYTES as ABYTES,
)
from nacl.bindings import (
    crypto_secretstream_xchacha20poly1305_init_pull,
    crypto_secretstream_xchacha20poly1305_init_push,
    crypto_secretstream_xchacha20poly1305_keygen,
    crypto_secretstream_xchacha20poly1305_pull,
    crypto_secretstream_xchacha20poly1305_push,
    crypto_secretstream_xchacha20poly1305_state,
)
from nacl.bindings import (
    crypto_secretstream_xchacha20poly1305_TAG_FINAL as TAG_FINAL,
)
from nacl.bindings import (
    crypto_secretstream_xchacha20poly1305_TAG_MESSAGE as TAG_MESSAGE,
)
from nacl.exceptions import CryptoError
from nacl.public import PrivateKey, PublicKey, SealedBox

CHUNK = 64 * 1024
FRAME = 4  # bytes of big-endian length before each chunk


class StreamBroken(Exception):
    """A chunk failed authentication, or the stream ended before its FINAL chunk."""


def chunk_count(plain_len: int) -> int:
    return max(1, -(-plain_len // CHUNK))


def body_length(plain_len: int) -> int:
    """Bytes of framed ciphertext for a payload of plain_len bytes."""
    return plain_len + chunk_count(plain_len) * (FRAME + ABYTES)


@dataclass(frozen=True)
class Sealer:
    key: bytes
    stream_header: bytes
    sealed_key: bytes
    _state: Any

    @classmethod
    def to(cls, recipient_public: bytes) -> Sealer:
        key = crypto_secretstream_xchacha20poly1305_keygen()
        state = crypto_secretstream_xchacha20poly1305_state()
        header = crypto_secretstream_xchacha20poly1305_init_push(state, key)
        sealed = SealedBox(PublicKey(recipient_public)).encrypt(key)
        return cls(key, header, bytes(sealed), state)

    def frames(self, plain: bytes, ad: bytes) -> Iterator[bytes]:
        n = chunk_count(len(plain))
        for i in range(n):
            part = plain[i * CHUNK : (i + 1) * CHUNK]
            tag = TAG_FINAL if i == n - 1 else TAG_MESSAGE
            ct = crypto_secretstream_xchacha20poly1305_push(self._state, part, ad, tag)
            yield len(ct).to_bytes(FRAME, "big") + ct


def open_key(box_secret: bytes, sealed_key: bytes) -> bytes | None:
    try:
        return bytes(SealedBox(PrivateKey(box_secret)).decrypt(sealed_key))
    except (CryptoError, ValueError, TypeError):
        return None


def decrypt(key: bytes, stream_header: bytes, body: bytes, ad: bytes, chunks: int) -> bytes:
    """The plaintext, or StreamBroken if any chunk is altered, reordered, missing or extra."""
    return b"".join(decrypt_chunks(key, stream_header, body, ad, chunks))


def decrypt_chunks(
    key: bytes, stream_header: bytes, body: bytes | memoryview, ad: bytes, chunks: int
) -> Iterator[bytes]:
    """The plaintext chunk by chunk, each authenticated before it is given; StreamBroken as
    soon as one is altered, reordered or missing, or (after the last) when the stream did not
    end with its FINAL chunk or carries more."""
    state = crypto_secretstream_xchacha20poly1305_state()
    try:
        crypto_secretstream_xchacha20poly1305_init_pull(state, stream_header, key)
    except (CryptoError, ValueError) as exc:
        raise StreamBroken from exc
    pos = 0
    for i in range(chunks):
        if pos + FRAME > len(body):
            raise StreamBroken
        size = int.from_bytes(body[pos : pos + FRAME], "big")
        pos += FRAME
        if size < ABYTES or size > CHUNK + ABYTES or pos + size > len(body):
            raise StreamBroken
        try:
            plain, tag = crypto_secretstream_xchacha20poly1305_pull(
                state, bytes(body[pos : pos + size]), ad
            )
        except (CryptoError, ValueError) as exc:
            raise StreamBroken from exc
        pos += size
        if (tag == TAG_FINAL) != (i == chunks - 1):
            raise StreamBroken
        yield plain
    if pos != len(body):
        raise StreamBroken
