"""Sync's own tables, on the model's Base (cmdesk.core.schema assembles them with the records).

Kept apart from the records model: nothing here is synced itself. Hot tables are written with
plain SQL (see oplog.py and apply.py); the ORM classes exist for the schema and for the
occasional readable query.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, Connection, Index, Integer, LargeBinary, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from cmdesk.core.model.base import Base, utcnow


class SyncLocal(Base):
    """This replica's counters: the HLC and the next operation sequence number."""

    __tablename__ = "sync_local"

    key: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[int] = mapped_column(Integer)


class SyncKey(Base):
    """This device's signing key and its organisation's keys. The vault encrypts them."""

    __tablename__ = "sync_key"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    public: Mapped[bytes] = mapped_column(LargeBinary)
    secret: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)


class SyncOrg(Base):
    """Organisations this replica trusts: its own, and partners whose identity was imported."""

    __tablename__ = "sync_org"

    org_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    code: Mapped[str] = mapped_column(String(32))
    name_th: Mapped[str] = mapped_column(String(200), default="")
    name_en: Mapped[str] = mapped_column(String(200), default="")
    box_public: Mapped[bytes] = mapped_column(LargeBinary)
    sign_public: Mapped[bytes] = mapped_column(LargeBinary)
    own: Mapped[bool] = mapped_column(Boolean, default=False)
    trusted_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Trust withdrawn (`sync untrust`): nothing is sent to it and no bundle of its is taken;
    # its identity stays, to verify what it signed before. NULL: trusted.
    withdrawn_at: Mapped[datetime | None] = mapped_column(default=None)
    # The moment of the last decision on this partner (withdrawn or trusted again), by which
    # the organisation's laptops take the latest one (partners.py). NULL: none since trusted.
    decided_at: Mapped[datetime | None] = mapped_column(default=None)
    # The partner's own latest decision on this organisation, as a laptop of it that may
    # decide trust told it in a bundle (partners.py): withdrawn (it takes nothing more from
    # this organisation) or trusted again (their_withdrawn_at NULL). NULL: never told.
    their_withdrawn_at: Mapped[datetime | None] = mapped_column(default=None)
    their_decided_at: Mapped[datetime | None] = mapped_column(default=None)


class SyncOrigin(Base):
    """Small local numbers for device ids, so each stored stamp is an integer pair."""

    __tablename__ = "sync_origin"

    idx: Mapped[int] = mapped_column(Integer, primary_key=True)
    device_id: Mapped[str] = mapped_column(String(36), unique=True)


class SyncDevice(Base):
    """Devices heard from (directly, or named by a peer) and what each is known to hold."""

    __tablename__ = "sync_device"

    device_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    org_id: Mapped[str] = mapped_column(String(36), index=True)
    sign_public: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)
    # JSON {origin: [lo, hi, ...]}: operations this device held when it last told us.
    held: Mapped[str] = mapped_column(Text, default="{}")
    last_bundle_at: Mapped[datetime | None] = mapped_column(default=None)


class SyncHeld(Base):
    """The operations this replica holds, per origin, as sequence ranges."""

    __tablename__ = "sync_held"

    origin: Mapped[int] = mapped_column(Integer, primary_key=True)
    ranges: Mapped[str] = mapped_column(Text, default="[]")
    contiguous: Mapped[int] = mapped_column(Integer, default=0)


# state of a stored change: applied, quarantined (stamped too far in the future), or waiting
# for an app upgrade (it names a table or field this version does not know).
APPLIED, QUARANTINED, DEFERRED = 0, 1, 2


class SyncChange(Base):
    """The operation log. One row per change of one record in one transaction: the field
    operations `seq .. seq + n - 1` of one origin, sharing one stamp. `ops` is JSON
    [[offset, field, value, prev, covers], ...]; a replica that received only some fields
    (a partner organisation) stores only those offsets."""

    __tablename__ = "sync_change"
    __table_args__ = (
        Index("ix_sync_change_row", "tbl", "row_id"),
        Index("ix_sync_change_waiting", "state", sqlite_where=text("state != 0")),
    )

    origin: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Offset of the last operation + 1: the change covers seq .. seq + span - 1.
    span: Mapped[int] = mapped_column(Integer)
    hlc: Mapped[int] = mapped_column(Integer)
    tbl: Mapped[str] = mapped_column(String(64))
    row_id: Mapped[str] = mapped_column(String(36))
    seen: Mapped[int] = mapped_column(Integer, default=0)
    schema: Mapped[int] = mapped_column(Integer)
    ops: Mapped[str] = mapped_column(Text)
    state: Mapped[int] = mapped_column(Integer, default=APPLIED)


class SyncBatch(Base):
    """An origin's signature over a run of its changes (batches.py), kept so it is relayed
    unchanged: `entries` is (seq, digest) per change of `first .. last`, `signature` the
    origin device's Ed25519 signature over them. Keyed by the signature too: two copies of a
    vault sign runs from one number under one id and key, both genuine, and a relay holding
    some of each copy's versions must keep both to vouch for each change it relays on."""

    __tablename__ = "sync_batch"

    origin: Mapped[int] = mapped_column(Integer, primary_key=True)
    first: Mapped[int] = mapped_column(Integer, primary_key=True)
    last: Mapped[int] = mapped_column(Integer)
    entries: Mapped[bytes] = mapped_column(LargeBinary)
    signature: Mapped[bytes] = mapped_column(LargeBinary, primary_key=True)


class SyncCert(Base):
    """Certificates of origin devices met in bundles, so a relay can carry them to laptops
    that never met those devices. `cert` and `chain` are canonical JSON."""

    __tablename__ = "sync_cert"

    device_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    cert: Mapped[str] = mapped_column(Text)
    chain: Mapped[str] = mapped_column(Text, default="[]")


class SyncRow(Base):
    """Per record: the stamp of each field's current value (and of other concurrent values)."""

    __tablename__ = "sync_row"
    __table_args__ = {"sqlite_with_rowid": False}

    tbl: Mapped[str] = mapped_column(String(64), primary_key=True)
    row_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    # JSON {field: [hlc, origin_idx, [[hlc, origin_idx], ...]?]}
    clocks: Mapped[str] = mapped_column(Text)
    # Bits: 1 has open conflicts, 2 deleted (soft), 4 removed (hard delete).
    flags: Mapped[int] = mapped_column(Integer, default=0)


class SyncConflict(Base):
    """Open conflicts: derived from the operation log, identical on every replica."""

    __tablename__ = "sync_conflict"
    __table_args__ = (Index("ix_sync_conflict_row", "tbl", "row_id"),)

    id: Mapped[str] = mapped_column(String(20), primary_key=True)
    tbl: Mapped[str] = mapped_column(String(64))
    row_id: Mapped[str] = mapped_column(String(36))
    field: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(8))
    # JSON [[hlc, origin, field, value], ...], the current winner first.
    sides: Mapped[str] = mapped_column(Text)


class SyncDirty(Base):
    """Fields changed in the open transaction, marked by triggers, turned into operations
    at commit. Triggers catch every write, including raw SQL."""

    __tablename__ = "sync_dirty"
    __table_args__ = {"sqlite_with_rowid": False}

    tbl: Mapped[str] = mapped_column(String(64), primary_key=True)
    row_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    col: Mapped[str] = mapped_column(String(64), primary_key=True)


class SyncImport(Base):
    """Bundles being or already imported, segment by segment, so an interrupted import
    resumes and a replayed one is recognised."""

    __tablename__ = "sync_import"

    bundle_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    sender_device: Mapped[str] = mapped_column(String(36))
    segments: Mapped[int] = mapped_column(Integer)
    done: Mapped[int] = mapped_column(Integer, default=0)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(default=None)


class SqlAlchemyDb:
    """A SQLAlchemy connection seen through the small DBAPI surface triggers.py uses."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def execute(self, sql: str, parameters: Any = ()) -> Any:
        return self._conn.exec_driver_sql(sql, tuple(parameters))

    def executemany(self, sql: str, parameters: Any) -> Any:
        return self._conn.exec_driver_sql(sql, list(parameters))
