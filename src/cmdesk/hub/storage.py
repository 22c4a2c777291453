"""Where the hub keeps things, behind two small interfaces so a PostgreSQL metadata store and an
S3 blob store can replace the embedded ones (SQLite in WAL mode, a folder of blobs).

Blobs are written once under their SHA-256 and never overwritten. Mailbox sequence numbers are
allocated per organisation in the same transaction that makes a bundle visible, so a reader
asking "after N" never skips a bundle committed out of order.

A bundle is kept until every laptop of its recipient organisation the hub knows (each that ever
signed in and is not revoked, the sender aside) has fetched it, or until the recipient's
retention runs out (a laptop lost in a drawer must not keep everything for ever). Expiry costs
nothing but a re-send: a sender counts a bundle as delivered only when the recipient's own
acknowledgement comes back in a bundle, never on the hub's word.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from cmdesk.hub.tus import Upload, new_upload, well_formed


@dataclass(frozen=True)
class Org:
    org_id: str
    code: str
    sign_public: bytes


@dataclass(frozen=True)
class Entry:
    seq: int
    sha256: str
    bundle_id: str
    size: int
    sender_org: str
    sender_device: str
    recipient_org: str
    # A bundle sealed to one laptop (a team's laptop, issue 10); '': any of the organisation's.
    recipient_device: str = ""


class MetadataStore(Protocol):
    def add_org(self, org: Org) -> None: ...
    def org(self, org_id: str) -> Org | None: ...
    def revoked(self, org_id: str) -> frozenset[str]: ...
    def add_revocation(self, org_id: str, subject: str) -> None: ...
    def entry(self, sha256: str) -> Entry | None: ...
    def entry_by_bundle(self, bundle_id: str) -> Entry | None: ...
    def publish(self, entry: Entry) -> Entry: ...
    def pending(self, org_id: str, device_id: str, after: int) -> list[Entry]: ...
    def mark_fetched(self, sha256: str, device_id: str) -> None: ...
    def seen_device(self, org_id: str, device_id: str, *, scoped: bool = False) -> None: ...
    def held_bytes(self, *, device_id: str = "", org_id: str = "") -> int: ...
    def set_retention(self, org_id: str, days: int | None) -> None: ...
    def expirable(self, now: float, default_days: int) -> list[str]: ...
    def remove(self, sha256: str) -> None: ...
    def use_nonce(self, nonce: str, expires: float) -> bool: ...
    def close(self) -> None: ...


class BlobStore(Protocol):
    def put(self, sha256: str, data: bytes) -> None: ...
    def size(self, sha256: str) -> int | None: ...
    def read(self, sha256: str, start: int, end: int) -> bytes: ...
    def delete(self, sha256: str) -> None: ...


MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def migrate(url: str) -> None:
    """Brings the hub's metadata database (an SQLAlchemy URL) to the newest schema with
    Alembic (src/cmdesk/hub/migrations); a hub made before its schema moved to Alembic is
    taken as it is and completed. Several hub processes starting at once upgrade one at a
    time (PostgreSQL: an advisory lock)."""
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(4242)"))
            cfg = Config()
            cfg.set_main_option("script_location", str(MIGRATIONS))
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
    finally:
        engine.dispose()


DAY = 86400.0


class SqlMetadata:
    """The metadata queries, once, for SQLite and PostgreSQL alike (both speak UPDATE …
    RETURNING and ON CONFLICT); a subclass gives the connection, its transactions and its
    placeholder."""

    _mark = "?"
    _lock: threading.Lock
    _db: Any

    def _sql(self, query: str) -> str:
        return query if self._mark == "?" else query.replace("?", self._mark)

    def _tx(self) -> AbstractContextManager[Any]:
        raise NotImplementedError

    def _rows(self, query: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            return list(self._db.execute(self._sql(query), params).fetchall())

    def _write(self, query: str, params: tuple[Any, ...] = ()) -> int:
        with self._tx() as db:
            return int(db.execute(self._sql(query), params).rowcount)

    def close(self) -> None:
        self._db.close()

    def add_org(self, org: Org) -> None:
        self._write(
            "INSERT INTO org (org_id, code, sign_public) VALUES (?, ?, ?)",
            (org.org_id, org.code, org.sign_public),
        )

    def org(self, org_id: str) -> Org | None:
        rows = self._rows("SELECT org_id, code, sign_public FROM org WHERE org_id = ?", (org_id,))
        return Org(rows[0][0], rows[0][1], bytes(rows[0][2])) if rows else None

    def revoked(self, org_id: str) -> frozenset[str]:
        return frozenset(
            r[0] for r in self._rows("SELECT subject FROM revoked WHERE org_id = ?", (org_id,))
        )

    def add_revocation(self, org_id: str, subject: str) -> None:
        self._write("INSERT INTO revoked VALUES (?, ?) ON CONFLICT DO NOTHING", (org_id, subject))

    def _one(self, where: str, value: str) -> Entry | None:
        rows = self._rows(f"SELECT {_ENTRY} FROM mailbox WHERE {where} = ?", (value,))
        return Entry(*rows[0]) if rows else None

    def entry(self, sha256: str) -> Entry | None:
        return self._one("sha256", sha256)

    def entry_by_bundle(self, bundle_id: str) -> Entry | None:
        return self._one("bundle_id", bundle_id)

    def publish(self, entry: Entry) -> Entry:
        """Allocates the recipient's next sequence number and makes the entry visible, in one
        transaction (the organisation's row is the lock)."""
        with self._tx() as db:
            row = db.execute(
                self._sql(
                    "UPDATE org SET next_seq = next_seq + 1 WHERE org_id = ? RETURNING next_seq - 1"
                ),
                (entry.recipient_org,),
            ).fetchone()
            if row is None:
                raise KeyError(entry.recipient_org)
            seq = int(row[0])
            db.execute(
                self._sql(
                    "INSERT INTO mailbox (recipient_org, seq, sha256, bundle_id, size,"
                    " sender_org, sender_device, created_at, recipient_device)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
                ),
                (
                    entry.recipient_org,
                    seq,
                    entry.sha256,
                    entry.bundle_id,
                    entry.size,
                    entry.sender_org,
                    entry.sender_device,
                    time.time(),
                    entry.recipient_device,
                ),
            )
        return Entry(seq, *_fields(entry)[1:])

    def pending(self, org_id: str, device_id: str, after: int) -> list[Entry]:
        """Bundles for the organisation (or for this device alone) after `after`, that this
        device did not send and has not confirmed fetching. A team's laptop lists only those
        made for it: it cannot open the others."""
        rows = self._rows(
            f"SELECT {_ENTRY} FROM mailbox m WHERE recipient_org = ? AND seq > ?"
            " AND sender_device != ? AND NOT EXISTS (SELECT 1 FROM fetched f"
            "   WHERE f.sha256 = m.sha256 AND f.device_id = ?)"
            " AND (m.recipient_device = ? OR (m.recipient_device = '' AND NOT EXISTS"
            "   (SELECT 1 FROM device d WHERE d.device_id = ? AND d.scoped = 1)))"
            " ORDER BY seq",
            (org_id, after, device_id, device_id, device_id, device_id),
        )
        return [Entry(*r) for r in rows]

    def mark_fetched(self, sha256: str, device_id: str) -> None:
        self._write("INSERT INTO fetched VALUES (?, ?) ON CONFLICT DO NOTHING", (sha256, device_id))

    def seen_device(self, org_id: str, device_id: str, *, scoped: bool = False) -> None:
        """A laptop signed in: from now on its organisation's bundles wait for it too (those
        made for it alone, when it is a team's laptop)."""
        now = time.time()
        self._write(
            "INSERT INTO device (device_id, org_id, first_seen, last_seen, scoped)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (device_id)"
            " DO UPDATE SET last_seen = excluded.last_seen, scoped = excluded.scoped",
            (device_id, org_id, now, now, int(scoped)),
        )

    def held_bytes(self, *, device_id: str = "", org_id: str = "") -> int:
        """Bytes of bundles still held that this laptop (or organisation) sent."""
        column, value = ("sender_device", device_id) if device_id else ("sender_org", org_id)
        rows = self._rows(
            f"SELECT COALESCE(SUM(size), 0) FROM mailbox WHERE {column} = ?", (value,)
        )
        return int(rows[0][0])

    def set_retention(self, org_id: str, days: int | None) -> None:
        self._write("UPDATE org SET retention_days = ? WHERE org_id = ?", (days, org_id))

    def expirable(self, now: float, default_days: int) -> list[str]:
        """Bundles fetched by every known laptop of the recipient they wait for (revoked ones
        and the sender aside, at least one fetch; the one laptop a bundle was made for, or
        every laptop not limited to a team), or older than the recipient's retention."""
        rows = self._rows(
            "SELECT m.sha256 FROM mailbox m JOIN org o ON o.org_id = m.recipient_org"
            " WHERE m.created_at < ? - COALESCE(o.retention_days, ?) * ?"
            " OR (EXISTS (SELECT 1 FROM fetched f WHERE f.sha256 = m.sha256)"
            "  AND NOT EXISTS (SELECT 1 FROM device d WHERE d.org_id = m.recipient_org"
            "   AND d.device_id != m.sender_device"
            "   AND (d.device_id = m.recipient_device"
            "     OR (m.recipient_device = '' AND d.scoped = 0))"
            "   AND d.device_id NOT IN (SELECT subject FROM revoked r"
            "     WHERE r.org_id = d.org_id)"
            "   AND NOT EXISTS (SELECT 1 FROM fetched f"
            "     WHERE f.sha256 = m.sha256 AND f.device_id = d.device_id)))",
            (now, default_days, DAY),
        )
        return [str(r[0]) for r in rows]

    def remove(self, sha256: str) -> None:
        with self._tx() as db:
            db.execute(self._sql("DELETE FROM mailbox WHERE sha256 = ?"), (sha256,))
            db.execute(self._sql("DELETE FROM fetched WHERE sha256 = ?"), (sha256,))

    def use_nonce(self, nonce: str, expires: float) -> bool:
        """True the first time a challenge is answered; expired nonces are forgotten."""
        with self._tx() as db:
            db.execute(self._sql("DELETE FROM used_nonce WHERE expires < ?"), (time.time(),))
            cursor = db.execute(
                self._sql("INSERT INTO used_nonce VALUES (?, ?) ON CONFLICT DO NOTHING"),
                (nonce, expires),
            )
            return bool(cursor.rowcount == 1)


_ENTRY = "seq, sha256, bundle_id, size, sender_org, sender_device, recipient_org, recipient_device"


class SqliteMetadata(SqlMetadata):
    """Embedded metadata: one SQLite file in WAL mode, one connection behind a lock (the hub's
    writes are a few small rows per bundle)."""

    def __init__(self, path: Path) -> None:
        migrate(f"sqlite:///{path}")
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._lock = threading.Lock()
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")


def _fields(entry: Entry) -> tuple[int, str, str, int, str, str, str, str]:
    return (
        entry.seq,
        entry.sha256,
        entry.bundle_id,
        entry.size,
        entry.sender_org,
        entry.sender_device,
        entry.recipient_org,
        entry.recipient_device,
    )


class FolderBlobs:
    """Blobs as files named by their SHA-256: temp, fsync, rename; an existing blob is never
    rewritten (same name, same bytes)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)

    def _path(self, sha256: str) -> Path:
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
            raise ValueError("sha256")
        return self.root / sha256[:2] / sha256

    def put(self, sha256: str, data: bytes) -> None:
        if hashlib.sha256(data).hexdigest() != sha256:
            raise ValueError("digest")
        path = self._path(sha256)
        if path.exists():
            return
        path.parent.mkdir(exist_ok=True)
        tmp = path.with_name(f".{sha256}.{os.getpid()}.{threading.get_ident()}.tmp")
        with tmp.open("wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        tmp.replace(path)

    def size(self, sha256: str) -> int | None:
        path = self._path(sha256)
        return path.stat().st_size if path.exists() else None

    def read(self, sha256: str, start: int, end: int) -> bytes:
        with self._path(sha256).open("rb") as f:
            f.seek(start)
            return f.read(end - start)

    def delete(self, sha256: str) -> None:
        self._path(sha256).unlink(missing_ok=True)


class SqlStaging:
    """tus uploads in the metadata database, one row per acknowledged chunk: every hub
    process sharing the database continues any upload, wherever its last chunk arrived."""

    def __init__(self, meta: SqlMetadata) -> None:
        self._meta = meta

    def create(self, device_id: str, org_id: str, length: int) -> Upload:
        upload = new_upload(device_id, org_id, length)
        self._meta._write(
            "INSERT INTO upload VALUES (?, ?, ?, ?, ?)",
            (upload.upload_id, device_id, org_id, length, upload.expires),
        )
        return upload

    def get(self, upload_id: str) -> Upload | None:
        if not well_formed(upload_id):
            return None
        rows = self._meta._rows(
            "SELECT upload_id, device_id, org_id, length, expires FROM upload WHERE upload_id = ?",
            (upload_id,),
        )
        if not rows:
            return None
        upload = Upload(str(rows[0][0]), str(rows[0][1]), str(rows[0][2]), *rows[0][3:])
        if upload.expires < time.time():
            self.drop(upload_id)
            return None
        return upload

    def offset(self, upload_id: str) -> int:
        rows = self._meta._rows(
            "SELECT COALESCE(MAX(at + LENGTH(data)), 0) FROM upload_chunk WHERE upload_id = ?",
            (upload_id,),
        )
        return int(rows[0][0])

    def append(self, upload_id: str, at: int, chunk: bytes) -> int:
        with self._meta._tx() as db:
            # Chunks past the acknowledged offset were never confirmed to the laptop.
            db.execute(
                self._meta._sql("DELETE FROM upload_chunk WHERE upload_id = ? AND at >= ?"),
                (upload_id, at),
            )
            db.execute(
                self._meta._sql("INSERT INTO upload_chunk VALUES (?, ?, ?)"),
                (upload_id, at, chunk),
            )
        return at + len(chunk)

    def read(self, upload_id: str) -> bytes:
        rows = self._meta._rows(
            "SELECT data FROM upload_chunk WHERE upload_id = ? ORDER BY at", (upload_id,)
        )
        return b"".join(bytes(r[0]) for r in rows)

    def expire(self, now: float) -> int:
        """Drops uploads abandoned past their expiry; how many."""
        rows = self._meta._rows("SELECT upload_id FROM upload WHERE expires < ?", (now,))
        for (upload_id,) in rows:
            self.drop(str(upload_id))
        return len(rows)

    def drop(self, upload_id: str) -> None:
        with self._meta._tx() as db:
            for table in ("upload_chunk", "upload"):
                db.execute(
                    self._meta._sql(f"DELETE FROM {table} WHERE upload_id = ?"), (upload_id,)
                )
