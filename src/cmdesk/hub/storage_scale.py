"""The hub's stores at network scale: PostgreSQL for metadata (`--db postgresql://…`) and an
S3-compatible object store for blobs (`--store s3://BUCKET`, e.g. SeaweedFS or Garage for a
self-hosted network). Same contracts as the embedded SQLite and folder (storage.py), so several
hub processes can share them behind one address.

Mailbox numbers stay gap-free per organisation under concurrency: the organisation's row is
locked (UPDATE … RETURNING) in the transaction that makes the bundle visible. Blobs are named
by their SHA-256 and written once; a blob written by a hub that died before publishing it is
harmless (it is never listed) and is overwritten by the same bytes on a retry.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from cmdesk.hub.storage import SqlMetadata, migrate


class PostgresMetadata(SqlMetadata):
    """One connection behind a lock per hub process (a few small rows per bundle); the
    database's own locks order the hub processes."""

    _mark = "%s"

    def __init__(self, dsn: str) -> None:
        import psycopg

        # SQLAlchemy's name for psycopg 3, which the hub speaks to directly afterwards.
        migrate(re.sub(r"^postgres(ql)?://", "postgresql+psycopg://", dsn))
        self._db = psycopg.connect(dsn, autocommit=True)
        self._lock = threading.Lock()

    @contextmanager
    def _tx(self) -> Iterator[Any]:
        with self._lock, self._db.transaction():
            yield self._db


class S3Blobs:
    """Blobs as objects named by their SHA-256 (under a two-character prefix, as on disk).
    The endpoint and keys come from the standard AWS settings (AWS_ACCESS_KEY_ID,
    AWS_SECRET_ACCESS_KEY) and the endpoint given at `serve`."""

    def __init__(self, url: str, endpoint: str | None) -> None:
        """`url`: s3://BUCKET or s3://BUCKET/PREFIX (several hubs may share a bucket)."""
        import boto3  # type: ignore[import-untyped]

        bucket, _slash, prefix = url.removeprefix("s3://").strip("/").partition("/")
        self.bucket = bucket
        self._prefix = f"{prefix.strip('/')}/" if prefix.strip("/") else ""
        self._s3 = boto3.client("s3", endpoint_url=endpoint)

    def _key(self, sha256: str) -> str:
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
            raise ValueError("sha256")
        return f"{self._prefix}{sha256[:2]}/{sha256}"

    def put(self, sha256: str, data: bytes) -> None:
        if hashlib.sha256(data).hexdigest() != sha256:
            raise ValueError("digest")
        if self.size(sha256) == len(data):
            return
        self._s3.put_object(Bucket=self.bucket, Key=self._key(sha256), Body=data)

    def size(self, sha256: str) -> int | None:
        from botocore.exceptions import ClientError  # type: ignore[import-untyped]

        try:
            head = self._s3.head_object(Bucket=self.bucket, Key=self._key(sha256))
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return None
            raise
        return int(head["ContentLength"])

    def read(self, sha256: str, start: int, end: int) -> bytes:
        if end <= start:
            return b""
        got = self._s3.get_object(
            Bucket=self.bucket, Key=self._key(sha256), Range=f"bytes={start}-{end - 1}"
        )
        data: bytes = got["Body"].read()
        return data

    def delete(self, sha256: str) -> None:
        self._s3.delete_object(Bucket=self.bucket, Key=self._key(sha256))
