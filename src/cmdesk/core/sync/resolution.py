"""Settling a conflict: the chosen or typed value is written as an ordinary edit, so it is
captured (covering every value it replaces) and syncs like any other change."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, Date, Integer, Numeric
from sqlalchemy.types import JSON

import cmdesk.core.model as model
from cmdesk.core.acting.changes import Kind, OpChanges, kind_of_table
from cmdesk.core.model.base import UtcDateTime
from cmdesk.core.sync import keystore
from cmdesk.core.sync import rejections as rej
from cmdesk.core.sync.db import Db, quote
from cmdesk.core.sync.merge import DELETED_AT, REMOVED, Value
from cmdesk.core.sync.status import ConflictDTO, conflicts
from cmdesk.core.sync.tables import synced_tables

if TYPE_CHECKING:
    from cmdesk.core.sync.engine import SyncEngine


def open_conflicts(engine: SyncEngine) -> list[ConflictDTO]:
    """Every open conflict, whoever may see its record. Internal: people list and decide
    conflicts through `ws.conflicts` (services/conflict_review.py), which checks that."""
    with engine.store.read() as db:
        return conflicts(db)


def resolve(
    engine: SyncEngine, conflict_id: str, value: str | None = None, *, choose: int | None = None
) -> OpChanges:
    """Settles a conflict with a typed value (text, converted to the field's type) or one
    of the conflicting values (`choose`, 0 = the current one). The choice is an ordinary
    edit: it is captured, covers every value it replaces, and syncs like any other."""
    found = {c.id: c for c in open_conflicts(engine)}.get(conflict_id.strip())
    if found is None:
        raise rej.invalid("conflict", rej.NO_CONFLICT, id=conflict_id)
    table = synced_tables()[found.table]
    if found.field == REMOVED or found.field not in table.columns:
        raise rej.invalid("conflict", rej.NO_CONFLICT, id=conflict_id)
    new: Value
    if found.kind == "delete":
        # Keep the deletion (any value, or choosing it) or undo it (an empty value).
        keep = choose == 0 if choose is not None else bool((value or "").strip())
        new = found.sides[0].value if keep else None
    elif choose is not None:
        if not 0 <= choose < len(found.sides):
            raise rej.invalid("value", rej.BAD_VALUE, field=found.field)
        new = found.sides[choose].value
    else:
        new = coerce(found.table, found.field, value or "")
    sets = {found.field: new}
    if found.field == DELETED_AT and new is None:
        sets.update({"deleted_by": None, "deleted_reason": None})
    if "updated_by" in table.columns and found.field not in ("updated_at", "updated_by"):
        # Who decided, as the records services stamp any other edit.
        sets.update(
            {"updated_by": engine.store.ctx.actor.user_id, "updated_at": keystore.utc_text()}
        )
    with engine.store.ctx.write() as s:
        raw: Db = s.connection().connection.driver_connection  # type: ignore[assignment]
        assignments = ", ".join(f"{quote(k)} = ?" for k in sets)
        raw.execute(
            f"UPDATE {quote(found.table)} SET {assignments} WHERE id = ?",
            [*sets.values(), found.row_id],
        )
        # Captured even when the chosen value is the one already there.
        raw.execute(
            "INSERT OR IGNORE INTO sync_dirty (tbl, row_id, col) VALUES (?, ?, ?)",
            (found.table, found.row_id, found.field),
        )
        engine.store.audit.record(
            s,
            "sync.resolve",
            found.table,
            found.row_id,
            {"conflict": found.id, "field": found.field},
        )
    return OpChanges.of(kind_of_table(found.table), Kind.SYNC, ids=(found.row_id,))


def coerce(tbl: str, name: str, text: str) -> Value:
    """A typed value, as the field stores it, from what a person typed."""
    column = model.Base.metadata.tables[tbl].columns[name]
    kind = column.type
    raw = text.strip()
    try:
        if raw == "" and column.nullable and not isinstance(kind, JSON):
            return None
        if isinstance(kind, Boolean):
            if raw.lower() in ("1", "true", "yes"):
                return 1
            if raw.lower() in ("0", "false", "no"):
                return 0
            raise ValueError
        if isinstance(kind, Integer):
            return int(raw)
        if isinstance(kind, Numeric):
            return float(raw)
        if isinstance(kind, JSON):
            return json.dumps(json.loads(raw), ensure_ascii=False)
        if isinstance(kind, UtcDateTime):
            at = datetime.fromisoformat(raw.replace("Z", "+00:00"))
            if at.tzinfo is None:
                raise ValueError
            return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        if isinstance(kind, Date):
            return datetime.strptime(raw, "%Y-%m-%d").date().isoformat()
    except ValueError:
        raise rej.invalid("value", rej.BAD_VALUE, field=name) from None
    length = getattr(kind, "length", None)
    if length is not None and len(text) > length:
        raise rej.invalid("value", rej.BAD_VALUE, field=name)
    return text
