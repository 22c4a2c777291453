"""The audit trail: append-only, each entry hashing the one before it (per device chain)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DDL, Integer, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column

from cmdesk.core.model.base import Base, id_column, utcnow


class AuditEntry(Base):
    __tablename__ = "audit_entry"
    __table_args__ = (UniqueConstraint("device_id", "seq"),)

    id: Mapped[str] = id_column()
    device_id: Mapped[str] = mapped_column(String(36), index=True)
    # Position in this device's chain; (device_id, seq) is unique.
    seq: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64))
    entity: Mapped[str] = mapped_column(String(64), default="")
    entity_id: Mapped[str] = mapped_column(String(36), default="", index=True)
    # Ids and codes only: never names or case text, so erasure never has to touch the trail.
    detail: Mapped[str] = mapped_column(Text, default="{}")
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


# The database itself refuses to change or remove an entry, whatever code path tries.
APPEND_ONLY_TRIGGERS = (
    "CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit_entry "
    "BEGIN SELECT RAISE(ABORT, 'audit trail is append-only'); END",
    "CREATE TRIGGER audit_entry_no_delete BEFORE DELETE ON audit_entry "
    "BEGIN SELECT RAISE(ABORT, 'audit trail is append-only'); END",
)
for _ddl in APPEND_ONLY_TRIGGERS:
    event.listen(AuditEntry.__table__, "after_create", DDL(_ddl))  # type: ignore[no-untyped-call]
