"""Which tables sync, read from the model: every ORM class marked `__synced__`, plus the
audit trail (append-only, synced within the organisation so each device's chain travels).

Everything sync does per table (triggers, capture, apply, sharing, the state hash) is derived
from here, so a new synced table or column is captured without touching sync.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache, cached_property

from sqlalchemy import JSON, Boolean, Column, Date, Integer, LargeBinary, Numeric, Table

import cmdesk.core.model as model
from cmdesk.core.model.base import UtcDateTime, is_synced
from cmdesk.core.sync.merge import Value
from cmdesk.core.sync.schema_history import fingerprint, version_of

AUDIT_TABLE = "audit_entry"
# Tables whose rows are written once and never changed.
APPEND_ONLY = frozenset({AUDIT_TABLE})


@dataclass(frozen=True)
class SyncedTable:
    name: str
    # Every column but the primary key `id`, in table order.
    columns: tuple[str, ...]
    # What a NOT NULL column holds when a replica was sent the row without it (a partner
    # that may see only some sections): the column's default, else an empty value.
    fillers: dict[str, Value]
    owned: bool  # has Synced.org_id
    soft_deleted: bool
    has_blob: bool = False

    @cached_property
    def column_set(self) -> frozenset[str]:
        return frozenset(self.columns) | {"-"}


def column_filler(col: Column[object]) -> Value:
    if col.nullable:
        return None
    default = col.default
    arg = getattr(default, "arg", None)
    if getattr(default, "is_scalar", False):
        if isinstance(arg, bool):
            return int(arg)
        if isinstance(arg, int | float):
            return arg
        if isinstance(arg, str):
            return str(arg)
    if getattr(default, "is_callable", False):
        wrapped = getattr(arg, "__wrapped__", None)
        if wrapped is list or "list" in repr(arg):
            return "[]"
        if wrapped is dict or "dict" in repr(arg):
            return "{}"
    kind = col.type
    if isinstance(kind, Boolean | Integer | Numeric):
        return 0
    if isinstance(kind, JSON):
        return "null"
    if isinstance(kind, UtcDateTime):
        return "1970-01-01T00:00:00.000000Z"
    if isinstance(kind, Date):
        return date(1970, 1, 1).isoformat()
    return ""


def _describe(table: Table) -> SyncedTable:
    cols = [c for c in table.columns if c.name != "id"]
    names = {c.name for c in cols}
    return SyncedTable(
        name=table.name,
        columns=tuple(c.name for c in cols),
        fillers={c.name: column_filler(c) for c in cols},
        owned="org_id" in names,
        soft_deleted="deleted_at" in names,
        has_blob=any(isinstance(c.type, LargeBinary) for c in cols),
    )


def _synced_model_tables() -> dict[str, Table]:
    tables: dict[str, Table] = {}
    for mapper in model.Base.registry.mappers:
        if is_synced(mapper.class_):
            table = mapper.local_table
            assert isinstance(table, Table)
            tables[table.name] = table
    tables[AUDIT_TABLE] = model.AuditEntry.__table__  # type: ignore[assignment]
    for table in tables.values():
        if [c.name for c in table.primary_key.columns] != ["id"]:
            raise RuntimeError(f"synced table {table.name} needs the primary key 'id'")
    return tables


@cache
def synced_tables() -> dict[str, SyncedTable]:
    tables = _synced_model_tables()
    return {name: _describe(tables[name]) for name in sorted(tables)}


def schema_fingerprint() -> str:
    """The fingerprint of what sync carries, read from the model (see schema_history)."""
    return fingerprint(_synced_model_tables())


# The version of the synced data model, carried by every operation and bundle so a replica can
# tell data from a newer app from damaged data. Derived from the model (schema_history.py),
# never bumped by hand: today's model is version 1, as every bundle made so far says.
SCHEMA_VERSION = version_of(schema_fingerprint())
