"""Versions of audit entries held in the sync history but not in the trail's table.

Two copies of one laptop (a copied folder, a restored backup, one enrolment file joined
twice) each write their audit trail under the id they share until one learns it is a copy
and takes a new identity (reidentify.py). From where they parted, the trail of that id has
two branches, each whole. A laptop that receives entries of both keeps one entry per position
in its table (a position is unique) and sets the other aside; the change that carried it
stays in the history. Its table's chain then links, here and there, to the entry of the other
branch before it, and `check` reported the trail as altered: the data manager was told to
keep the laptop as it is and suspect tampering, after an ordinary copy.

`check` now follows such a link when the history holds, as genuine entries (of that device,
at that position, with that hash, whose fields give that hash), the entry before it as it is
here and the entry it links to or the linking entry itself (acting.audit._other_copy).
Anything else (a changed field, its hash made again or not, a removed entry, an entry
linking to nothing held) stays a break.
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


class HeldInHistory:
    """The genuine audit entries of each device the sync history holds, by position and
    hash (acting.audit.TrailHistory). A device's entries are read from the history once, at
    its first link that does not match: a trail two copies wrote may pass from one copy's
    entries to the other's many times."""

    def __init__(self) -> None:
        self._versions: dict[str, set[tuple[int, str, str]]] = {}

    def holds(self, session: Session, device_id: str, seq: int, digest: str) -> bool:
        return any(v[0] == seq and v[1] == digest for v in self._of(session, device_id))

    def forked(self, session: Session, device_id: str) -> bool:
        positions = [v[0] for v in self._of(session, device_id)]
        return len(positions) != len(set(positions))

    def continues(self, session: Session, device_id: str, seq: int, prev: str) -> bool:
        return any(v[0] == seq and v[2] == prev for v in self._of(session, device_id))

    def _of(self, session: Session, device_id: str) -> set[tuple[int, str, str]]:
        versions = self._versions.get(device_id)
        if versions is None:
            versions = self._versions[device_id] = _versions_of(session, device_id)
        return versions


def _versions_of(session: Session, device_id: str) -> set[tuple[int, str, str]]:
    """(position, hash, previous hash) of every genuine entry of `device_id` in the sync
    history."""
    db: Db = session.connection().connection.driver_connection  # type: ignore[assignment]
    out: set[tuple[int, str, str]] = set()
    # An audit entry is written once, whole: one change carries all its fields. The device id
    # is looked for in the stored text first, so only candidates are decoded.
    for (text,) in db.execute(
        "SELECT ops FROM sync_change WHERE tbl = 'audit_entry' AND instr(ops, ?) > 0",
        (device_id,),
    ):
        values = {op[1]: op[2] for op in load_ops(text)}
        seq, digest = values.get("seq"), values.get("hash")
        if values.get("device_id") != device_id or not isinstance(seq, int):
            continue
        if isinstance(digest, str) and _genuine(values, digest):
            out.add((seq, digest, str(values["prev_hash"])))
    return out


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
