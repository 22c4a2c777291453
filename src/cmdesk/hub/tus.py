"""Resumable uploads by tus 1.0 (core, creation, checksum, expiration), so standard clients
(tuspy, tus-js-client) interoperate. Each chunk is kept durably before the new offset is
answered, so a hub killed mid-upload resumes from the last offset it acknowledged: in a
staging file in the data folder (fsynced) for the embedded hub, or as rows of the shared
database at network scale (storage.SqlStaging), so the next chunk may reach another hub
process on another machine. A completed upload goes through the same header checks as a
single-request upload before it becomes visible."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
import time
from dataclasses import asdict, dataclass
from email.utils import formatdate
from pathlib import Path
from typing import Protocol

VERSION = "1.0.0"
EXTENSIONS = "creation,checksum,expiration"
ALGORITHMS = ("sha1", "sha256")
EXPIRE_SECONDS = 24 * 3600
MAX_CHUNK = 1 << 20  # nginx's default body limit; the laptop's client never sends more


@dataclass(frozen=True)
class Upload:
    upload_id: str
    device_id: str
    org_id: str
    length: int
    expires: float

    def expires_header(self) -> str:
        return formatdate(self.expires, usegmt=True)


class Staging(Protocol):
    """Uploads under way: made, found (None once expired), how far, added to, read, dropped."""

    def create(self, device_id: str, org_id: str, length: int) -> Upload: ...
    def get(self, upload_id: str) -> Upload | None: ...
    def offset(self, upload_id: str) -> int: ...
    def append(self, upload_id: str, at: int, chunk: bytes) -> int: ...
    def read(self, upload_id: str) -> bytes: ...
    def drop(self, upload_id: str) -> None: ...
    def expire(self, now: float) -> int: ...


def new_upload(device_id: str, org_id: str, length: int) -> Upload:
    return Upload(secrets.token_hex(16), device_id, org_id, length, time.time() + EXPIRE_SECONDS)


def well_formed(upload_id: str) -> bool:
    return upload_id.isalnum() and len(upload_id) == 32


class FolderStaging:
    """Uploads of the embedded hub: a file per upload in the data folder."""

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)

    def _meta(self, upload_id: str) -> Path:
        return self.root / f"{upload_id}.json"

    def _data(self, upload_id: str) -> Path:
        return self.root / f"{upload_id}.part"

    def create(self, device_id: str, org_id: str, length: int) -> Upload:
        upload = new_upload(device_id, org_id, length)
        self._data(upload.upload_id).touch()
        tmp = self._meta(upload.upload_id).with_suffix(".tmp")
        tmp.write_text(json.dumps(asdict(upload)))
        tmp.replace(self._meta(upload.upload_id))
        return upload

    def get(self, upload_id: str) -> Upload | None:
        if not well_formed(upload_id):
            return None
        try:
            upload = Upload(**json.loads(self._meta(upload_id).read_text()))
        except (OSError, ValueError, TypeError):
            return None
        if upload.expires < time.time():
            self.drop(upload_id)
            return None
        return upload

    def offset(self, upload_id: str) -> int:
        return self._data(upload_id).stat().st_size

    def append(self, upload_id: str, at: int, chunk: bytes) -> int:
        with self._data(upload_id).open("r+b") as f:
            f.truncate(at)  # bytes past the acknowledged offset were never confirmed
            f.seek(at)
            f.write(chunk)
            f.flush()
            os.fsync(f.fileno())
        return at + len(chunk)

    def read(self, upload_id: str) -> bytes:
        return self._data(upload_id).read_bytes()

    def drop(self, upload_id: str) -> None:
        for path in (self._meta(upload_id), self._data(upload_id)):
            path.unlink(missing_ok=True)

    def expire(self, now: float) -> int:
        """Drops uploads abandoned past their expiry; how many."""
        gone = 0
        for meta in self.root.glob("*.json"):
            try:
                expires = float(json.loads(meta.read_text())["expires"])
            except (OSError, ValueError, TypeError, KeyError):
                continue
            if expires < now:
                self.drop(meta.stem)
                gone += 1
        return gone


def checksum_ok(header: str | None, chunk: bytes) -> bool | None:
    """None: no checksum sent or an algorithm we do not offer (the caller answers 400)."""
    if not header:
        return True
    algorithm, _, value = header.partition(" ")
    if algorithm not in ALGORITHMS:
        return None
    digest = hashlib.new(algorithm, chunk).digest()
    try:
        return base64.b64decode(value, validate=True) == digest
    except ValueError:
        return False
