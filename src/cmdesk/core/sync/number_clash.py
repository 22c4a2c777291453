"""Two cases under one case number, settled the same way on every laptop.

A case number is made on the device from its id and its own sequence
(cmdesk.core.services.case_numbers), so two devices never make the same one, except two copies
of one vault (a folder copied whole, a disk image put back) before either knows of the other:
both go on from the same device id and the same sequence, and the cases they open share their
numbers. Setting the second aside hid it from every laptop that met the first, for ever.

Both cases are kept. Of the cases that claim one number, the one with the lowest id keeps it
and every other takes a number made from its own id (its device part replaced by the last six
hex digits of the case's id, which UUIDv7 makes random): the same on every laptop whatever
order the cases arrived in, so laptops that hold the same cases agree to the last field. The
history keeps the number each case was opened under; the number shown changes on the laptops
where it was taken second (the case's history and its id stay).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from cmdesk.core.sync.db import Db, written
from cmdesk.core.sync.merge import Value

TABLE: Final = "case_file"
COLUMN: Final = "case_number"
_ID_PART: Final = 6


def distinct_number(number: str, case_id: str) -> str:
    """`number` with its device part made from `case_id`: ORG-YEAR-DEVICE-SEQUENCE keeps its
    shape (and the sequence), so it is read aloud, searched and printed like any other."""
    parts = number.split("-")
    own = case_id.replace("-", "")[-_ID_PART:].upper()
    if len(parts) < 4:
        return f"{number}-{own}"
    return "-".join([*parts[:-2], own, parts[-1]])


def settle(db: Db, tbl: str, cols: Sequence[str], row: Sequence[Value], upsert: str) -> bool:
    """Writes `row` (values in the order of `cols`, by `upsert`) when it failed for a case
    number another case holds, giving the number to the lower id; False when that is not
    the clash (the caller sets the record aside)."""
    if tbl != TABLE or COLUMN not in cols:
        return False
    at = list(cols).index(COLUMN)
    number, row_id = row[at], str(row[0])
    holder = db.execute(
        f"SELECT id FROM {TABLE} WHERE {COLUMN} = ? AND id != ?", (number, row_id)
    ).fetchone()
    if not isinstance(number, str) or holder is None:
        return False
    holder_id = str(holder[0])

    def write() -> None:
        if row_id > holder_id:
            moved = list(row)
            moved[at] = distinct_number(number, row_id)
            db.execute(upsert, moved)
        else:
            db.execute(
                f"UPDATE {TABLE} SET {COLUMN} = ? WHERE id = ?",
                (distinct_number(number, holder_id), holder_id),
            )
            db.execute(upsert, list(row))

    return written(db, "sync_number_clash", write)
