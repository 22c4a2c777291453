"""Versions of audit entries held in the sync history but not in the trail's table.

Two copies of one laptop (a copied folder, a restored backup, one enrolment file joined
twice) each write their audit trail under the id they share until one learns it is a copy
and takes a new identity (reidentify.py). From where they parted, the trail of that id has
two branches, each whole. A laptop that receives entries of both keeps one entry per position
in its table (a position is unique) and sets the other aside; the change that carried it
stays in the history. Its table's chain then links, here and there, to the entry of the other
branch before it, and `check` reported the trail as altered: the data manager was told to
keep the laptop as it is and suspect tampering, after an ordinary copy.

`check` now follows such a link when the history holds the entry it links to: an entry of
that device at that position, with that hash, whose fields give that hash. Anything else
(a changed field, a removed entry, an entry linking to nothing held) stays a break.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from cmdesk.core.acting.audit import entry_hash
from cmdesk.core.model import AuditEntry
from cmdesk.core.model.base import UtcDateTime
from cmdesk.core.sync.db import Db
from cmdesk.core.sync.oplog import load_ops

_FIELDS = ("device_id", "seq", "at", "actor", "action", "entity", "entity_id", "detail")
_AT = UtcDateTime()


def held_in_history(session: Session, device_id: str, seq: int, digest: str) -> bool:
    """Whether the sync history holds an entry of `device_id` at `seq` whose hash is
    `digest` and whose fields give that hash (acting.audit.LinkedElsewhere)."""
    db: Db = session.connection().connection.driver_connection  # type: ignore[assignment]
    # An audit entry is written once, whole: one change carries all its fields. The hash is
    # looked for in the stored text first, so only candidates are decoded.
    for (text,) in db.execute(
        "SELECT ops FROM sync_change WHERE tbl = 'audit_entry' AND instr(ops, ?) > 0", (digest,)
    ):
        values = {op[1]: op[2] for op in load_ops(text)}
        if values.get("device_id") != device_id or values.get("seq") != seq:
            continue
        if values.get("hash") == digest and _genuine(values, digest):
            return True
    return False


def _genuine(values: dict[str, object], digest: str) -> bool:
    if any(name not in values for name in (*_FIELDS, "prev_hash")):
        return False
    try:
        at = _AT.process_result_value(values["at"], None)  # type: ignore[arg-type]
    except ValueError:
        return False
    if not isinstance(at, datetime):
        return False
    entry = AuditEntry(**{name: values[name] for name in _FIELDS}, prev_hash=values["prev_hash"])
    entry.at = at
    return entry_hash(entry) == digest
