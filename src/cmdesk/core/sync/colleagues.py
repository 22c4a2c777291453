"""The organisation's staff, passed on to its own laptops.

Accounts stay on the laptop that made them (each has its own key slot and passphrase). The
office makes most of them, so a supervisor's or a worker's laptop knew nobody else: it named a
case's worker "a colleague on another laptop" and could not give a case to anyone without an
account there. Bundles for the organisation's own laptops (and enrolment files) from a laptop
that keeps the organisation's accounts (partners.may_decide_trust: the office, a data
manager's) now carry its directory: each account's id, user name, name, role, team and whether
it is active, never anything that signs in. A laptop of the organisation keeps each entry in
`colleague` until a later directory says otherwise (a colleague deactivated at the office is
no longer offered for new cases). An account on the laptop itself comes first.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any, NamedTuple

from cmdesk.core.model.roles import Role
from cmdesk.core.sync.bundle_format import Header
from cmdesk.core.sync.db import Db
from cmdesk.core.sync.keys import DeviceKeys, OrgIdentity
from cmdesk.core.sync.partners import may_decide_trust, read_moment, sender_may_decide_trust

# More than any organisation of the network has staff; a directory longer than this is cut.
MAX_COLLEAGUES = 5000
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
_ROLES = frozenset(r.value for r in Role)


class Entry(NamedTuple):
    id: str
    username: str
    display_name: str
    role: str
    team: str
    active: bool
    as_of: str


def directory(db: Db, as_of: datetime | None = None) -> list[dict[str, Any]]:
    """This vault's accounts as directory entries, said as of now."""
    when = (as_of or datetime.now(UTC)).astimezone(UTC).isoformat()
    rows = db.execute(
        "SELECT id, username, display_name, role, team, active FROM app_user ORDER BY username"
    )
    return [
        Entry(uid, name, display, role, team or "", bool(active), when)._asdict()
        for uid, name, display, role, team, active in rows
    ]


def offered(db: Db, device: DeviceKeys) -> list[dict[str, Any]]:
    """What this laptop's bundles for its own organisation carry."""
    return directory(db) if may_decide_trust(device.cert.role) else []


def parse(value: object) -> list[Entry]:
    """The well-formed entries of a directory as received (a hint from the organisation's own
    laptop: a malformed entry is left out, never a reason to refuse the bundle)."""
    if not isinstance(value, list):
        return []
    return [e for e in map(_entry, value[:MAX_COLLEAGUES]) if e is not None]


def learn(db: Db, h: Header, entries: list[dict[str, Any]], own: OrgIdentity) -> int:
    """Keeps the directory a bundle from this organisation's laptop carries, when that laptop
    keeps the organisation's accounts; how many entries changed here."""
    if not entries or h.sender_org != own.org_id or not sender_may_decide_trust(h, own):
        return 0
    return keep(db, own.org_id, parse(entries))


def keep(db: Db, org_id: str, entries: list[Entry]) -> int:
    """Stores each entry said later than what this laptop holds of that colleague."""
    changed = 0
    for e in entries:
        cursor = db.execute(
            "INSERT INTO colleague (id, org_id, username, display_name, role, team, active, as_of)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET"
            " username = excluded.username, display_name = excluded.display_name,"
            " role = excluded.role, team = excluded.team, active = excluded.active,"
            " as_of = excluded.as_of WHERE excluded.as_of > colleague.as_of",
            (e.id, org_id, e.username, e.display_name, e.role, e.team, int(e.active), e.as_of),
        )
        changed += cursor.rowcount
    return changed


def _entry(value: object) -> Entry | None:
    if not isinstance(value, dict):
        return None
    uid, name, display = value.get("id"), value.get("username"), value.get("display_name", "")
    role, team, active = value.get("role"), value.get("team", ""), value.get("active")
    as_of = value.get("as_of")
    if not (
        isinstance(uid, str)
        and 0 < len(uid) <= 36
        and isinstance(name, str)
        and _USERNAME.match(name)
        and isinstance(display, str)
        and len(display) <= 200
        and role in _ROLES
        and isinstance(team, str)
        and len(team) <= 64
        and isinstance(active, bool)
    ):
        return None
    moment = _moment(as_of)
    if moment is None:
        return None
    return Entry(uid, name, display, str(role), team, active, moment)


def _moment(value: object) -> str | None:
    """The moment in UTC as `directory` writes it, so that later compares as larger."""
    at = read_moment(value)
    return None if at is None else at.isoformat()
