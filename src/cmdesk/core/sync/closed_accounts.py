"""An account the organisation closed, on the laptop of the person who left.

`user remove` at the office closes an account there (its key slot removed, the vault re-keyed),
but accounts live on each laptop: the person's own laptop went on opening for them, however
often it synced, and kept receiving the organisation's cases. Now the office's staff directory
(colleagues.py) closes it there too, with two guards:

- Nothing is lost: the laptop stops opening for the person only once another laptop of the
  organisation holds every change made on it (as the bundles it received say). Until then it
  opens, says the account is closed and asks for the laptop's work to be sent (one exchange
  with the office does it); its next bundle from the office then closes it.
- Only the organisation's word counts: the directory comes only from a laptop that keeps the
  organisation's accounts (the office, a data manager's), and a laptop that keeps them itself
  goes by its own accounts (a later `user add` there opens the account again).

The key slot stays: a laptop from which nothing was sent may be handed to the data manager, who
can sign in with the organisation's recovery key where one was made. What an earlier copy of the
vault holds is as readable to the person as it was before: revoke the laptop (`sync revoke`)
so that nothing more reaches it.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

from cmdesk.core.sync import keystore
from cmdesk.core.sync.db import Db
from cmdesk.core.sync.partners import may_decide_trust, read_moment
from cmdesk.core.sync.tables import AUDIT_TABLE
from cmdesk.core.sync.vectors import RangeSet


def closed_at(db: Db, user_id: str, made_at: datetime) -> datetime | None:
    """When the organisation's directory closed this laptop's account `user_id`, if it did
    after the account was made here and this laptop does not keep the accounts itself."""
    keys = keystore.load(db)
    if keys is None or may_decide_trust(keys.device.cert.role):
        return None
    row = db.execute(
        "SELECT as_of FROM colleague WHERE id = ? AND active = 0", (user_id,)
    ).fetchone()
    when = read_moment(row[0]) if row else None
    # Stored in UTC; SQLite gives it back without its zone.
    made = made_at if made_at.tzinfo is not None else made_at.replace(tzinfo=UTC)
    return when if when is not None and when > made else None


def all_sent(db: Db, device_id: str) -> bool:
    """Whether another laptop of this organisation holds every record change made on this one,
    as far as the bundles received here tell (a write not yet turned into a change counts as
    not sent). The laptop's own audit entries are left out of it: each command writes one
    (its sign-in, the export itself), so the latest never reached anyone; they stay in the
    vault, whole."""
    if db.execute("SELECT 1 FROM sync_dirty LIMIT 1").fetchone() is not None:
        return False
    own = db.execute("SELECT idx FROM sync_origin WHERE device_id = ?", (device_id,)).fetchone()
    if own is None:
        return True
    own_org = db.execute("SELECT org_id FROM sync_org WHERE own = 1").fetchone()
    peers = db.execute(
        "SELECT held FROM sync_device WHERE org_id = ? AND device_id != ?",
        (own_org[0] if own_org else "", device_id),
    ).fetchall()
    for (held,) in peers:
        try:
            known = RangeSet.from_json(json.loads(held).get(device_id, []))
        except (ValueError, AttributeError):
            continue
        # The changes past what the peer holds without a gap (few), then each of them.
        unsent = db.execute(
            "SELECT seq, span FROM sync_change WHERE origin = ? AND seq + span > ? AND tbl != ?",
            (own[0], known.contiguous(), AUDIT_TABLE),
        )
        if all(known.covers(seq, seq + span - 1) for seq, span in unsent):
            return True
    return not db.execute(
        "SELECT 1 FROM sync_change WHERE origin = ? AND tbl != ? LIMIT 1", (own[0], AUDIT_TABLE)
    ).fetchone()
