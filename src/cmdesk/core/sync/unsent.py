"""What this laptop made that no other laptop of its organisation holds yet: what its loss (a
laptop stolen, dropped in a river, a disk that dies in the highlands) would lose. Shown to the
people working on it (home, `sync status`), and what closes a departed worker's laptop only
once nothing would be lost (closed_accounts.py)."""

from __future__ import annotations

import json

from cmdesk.core.sync.db import Db
from cmdesk.core.sync.tables import AUDIT_TABLE
from cmdesk.core.sync.vectors import RangeSet


def only_here(db: Db, device_id: str) -> int:
    """How many record changes made on this laptop no other laptop of its organisation is known
    to hold (as the bundles received here tell): what a lost or broken laptop would lose. The
    laptop's own audit entries are left out: each command writes one (its sign-in, the export
    itself), so the latest never reached anyone; they stay in the vault, whole."""
    own = db.execute("SELECT idx FROM sync_origin WHERE device_id = ?", (device_id,)).fetchone()
    if own is None:
        return 0
    own_org = db.execute("SELECT org_id FROM sync_org WHERE own = 1").fetchone()
    held = RangeSet()
    for (theirs,) in db.execute(
        "SELECT held FROM sync_device WHERE org_id = ? AND device_id != ?",
        (own_org[0] if own_org else "", device_id),
    ):
        try:
            for lo, hi in RangeSet.from_json(json.loads(theirs).get(device_id, [])):
                held.add(lo, hi)
        except (ValueError, AttributeError):
            continue
    # The changes past what the others hold without a gap (few, once synced: read through the
    # primary key from there), and the one that may straddle it; then each against the rest.
    upto = held.contiguous()
    rows = db.execute(
        "SELECT seq, span, tbl FROM sync_change WHERE origin = ? AND seq > ?", (own[0], upto)
    ).fetchall()
    rows += db.execute(
        "SELECT seq, span, tbl FROM sync_change WHERE origin = ? AND seq <= ? "
        "ORDER BY seq DESC LIMIT 1",
        (own[0], upto),
    ).fetchall()
    return sum(
        1 for seq, span, tbl in rows if tbl != AUDIT_TABLE and not held.covers(seq, seq + span - 1)
    )
