"""Declarative base, constraint naming, device-generated UUIDv7 keys and UTC timestamps."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import uuid6
from sqlalchemy import MetaData, String
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

# Stable constraint names make Alembic migrations (batch mode on SQLite) reproducible.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def new_id() -> str:
    """A UUIDv7: made on the device, unique without coordination, ordered by creation time."""
    return str(uuid6.uuid7())


def utcnow() -> datetime:
    return datetime.now(UTC)


class UtcDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes stored as sortable ISO-8601 text."""

    impl = String(32)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime")
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        # fromisoformat reads the stored form (2026-01-02T03:04:05.123456Z) about ten times
        # faster than strptime; a page of search results parses hundreds of these.
        parsed = datetime.fromisoformat(str(value))
        if parsed.tzinfo is None:
            raise ValueError("stored datetime without its UTC mark")
        return parsed.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UtcDateTime()}


def id_column() -> Mapped[str]:
    return mapped_column(String(36), primary_key=True, default=new_id)


class Synced:
    """Mixin for every table that syncs between devices, field by field.

    Rows carry a device-made UUIDv7, the organisation that owns them, and who changed them
    when. Change them only through the ORM inside a service's `ctx.write()` transaction;
    sync capture relies on that (and a test proves every synced column is captured).
    """

    __synced__: bool = True

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    org_id: Mapped[str] = mapped_column(String(36), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    created_by: Mapped[str] = mapped_column(String(64), default="")
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, onupdate=utcnow)
    updated_by: Mapped[str] = mapped_column(String(64), default="")


class SoftDeleted:
    """Case data is never hard-deleted: a delete records when, by whom and why."""

    deleted_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)
    deleted_by: Mapped[str | None] = mapped_column(String(64), default=None)
    deleted_reason: Mapped[str | None] = mapped_column(String(500), default=None)


def is_synced(cls: type) -> bool:
    return bool(getattr(cls, "__synced__", False))
