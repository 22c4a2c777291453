"""Choosing what a bundle carries: what the recipient is not known to hold, and for another
organisation only what sharing.py allows."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from cmdesk.core.sync.db import Db
from cmdesk.core.sync.oplog import Change, Origins, load_ops
from cmdesk.core.sync.payload import Knowledge
from cmdesk.core.sync.sharing import Scope
from cmdesk.core.sync.vectors import RangeSet, Vector, intersect_all, vector_from_json

_COLUMNS = "origin, seq, span, hlc, tbl, row_id, seen, schema, ops"


def known_devices(db: Db) -> dict[str, Knowledge]:
    return {
        device: Knowledge(org, vector_from_json(json.loads(held)))
        for device, org, held in db.execute("SELECT device_id, org_id, held FROM sync_device")
    }


def known_to(org_id: str, devices: dict[str, Knowledge], me: str) -> Vector:
    """What every known device of an organisation holds: a bundle for the organisation
    (whichever of its laptops imports it) must carry everything outside this."""
    return intersect_all([k.held for d, k in devices.items() if k.org_id == org_id and d != me])


def _change(origins: Origins, db: Db, row: Any, *, decode: bool) -> Change:
    """A stored change; its ops are decoded only when they must be filtered."""
    origin, seq, span, hlc, tbl, row_id, seen, schema, ops = row
    return Change(
        origins.device(db, origin),
        seq,
        hlc,
        tbl,
        row_id,
        seen,
        schema,
        load_ops(ops) if decode else None,
        ops,
        span,
    )


Cancel = Callable[[], None]


def for_own_org(db: Db, origins: Origins, known: Vector, check: Cancel) -> list[Change]:
    """Every held change the recipient is not known to hold."""
    out: list[Change] = []
    empty = RangeSet()
    for n, row in enumerate(db.execute(f"SELECT {_COLUMNS} FROM sync_change")):
        if n % 20_000 == 0:
            check()
        origin, seq, span = origins.device(db, row[0]), row[1], row[2]
        if known.get(origin, empty).covers(seq, seq + span - 1):
            continue
        out.append(_change(origins, db, row, decode=False))
    return out


def for_partner(
    db: Db, origins: Origins, scope: Scope, known: Vector, check: Cancel
) -> list[Change]:
    """The changes of records in scope, cut down to the fields the scope allows."""
    out: list[Change] = []
    empty = RangeSet()
    for n, ((tbl, row_id), fields) in enumerate(sorted(scope.items())):
        if n % 2_000 == 0:
            check()
        for row in db.execute(
            f"SELECT {_COLUMNS} FROM sync_change WHERE tbl = ? AND row_id = ?", (tbl, row_id)
        ):
            change = _change(origins, db, row, decode=True)
            have = known.get(change.origin, empty)
            stored = change.ops
            ops = [
                op
                for op in stored
                if (fields is None or op[1] in fields) and change.seq + op[0] not in have
            ]
            if not ops:
                continue
            change.ops = ops
            if len(ops) != len(stored):
                change.text = None
            out.append(change)
    return out
