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

A person who comes back has their account opened again at the office (`user add` of the same
user name: the same account, its history kept); the office's next directory opens it on their
laptop too, if that laptop still opens (its work was not all sent). A laptop closed for good is
enrolled again.

The key slot stays: a laptop from which nothing was sent may be handed to the data manager, who
can sign in with the organisation's recovery key where one was made. What an earlier copy of the
vault holds is as readable to the person as it was before: revoke the laptop (`sync revoke`)
so that nothing more reaches it.
"""

from __future__ import annotations

from datetime import UTC, datetime

from cmdesk.core.sync import keystore, unsent
from cmdesk.core.sync.db import Db
from cmdesk.core.sync.partners import may_decide_trust, read_moment


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
    """Whether another laptop of this organisation holds every record change made on this one
    (only_here), and no write waits to be turned into a change."""
    if db.execute("SELECT 1 FROM sync_dirty LIMIT 1").fetchone() is not None:
        return False
    return unsent.only_here(db, device_id) == 0
