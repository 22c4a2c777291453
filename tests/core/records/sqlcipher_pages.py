"""Reads every page of a SQLCipher 4 database and its WAL with the data key, independently of
SQLite, so a test can look at the bytes a thief with the key would see: live rows, free
pages, unused space in pages, and old page images in the WAL.

SQLCipher 4 page layout (defaults, raw key): each 4096-byte page is AES-256-CBC encrypted
except its last 80 bytes (reserve), which hold the 16-byte IV and the 64-byte HMAC; page 1
starts with the 16-byte salt, in place of the "SQLite format 3" header. A raw key is used as
the AES key directly.
"""

from __future__ import annotations

from pathlib import Path

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

PAGE = 4096
RESERVE = 80
SALT = 16
WAL_HEADER = 32
FRAME_HEADER = 24


def decrypt_page(key: bytes, page: bytes, page_number: int) -> bytes:
    start = SALT if page_number == 1 else 0
    iv = page[PAGE - RESERVE : PAGE - RESERVE + 16]
    decryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
    return decryptor.update(page[start : PAGE - RESERVE]) + decryptor.finalize()


def database_pages(key: bytes, db: Path) -> list[bytes]:
    data = db.read_bytes()
    return [decrypt_page(key, data[i : i + PAGE], i // PAGE + 1) for i in range(0, len(data), PAGE)]


def wal_pages(key: bytes, wal: Path) -> list[bytes]:
    if not wal.exists():
        return []
    data = wal.read_bytes()
    pages = []
    offset = WAL_HEADER
    while offset + FRAME_HEADER + PAGE <= len(data):
        page_number = int.from_bytes(data[offset : offset + 4], "big")
        frame = data[offset + FRAME_HEADER : offset + FRAME_HEADER + PAGE]
        pages.append(decrypt_page(key, frame, page_number))
        offset += FRAME_HEADER + PAGE
    return pages


def plaintext(key: bytes, db: Path) -> bytes:
    """Every decrypted page of the database and of its WAL, concatenated."""
    wal = db.with_name(db.name + "-wal")
    return b"".join(database_pages(key, db) + wal_pages(key, wal))
