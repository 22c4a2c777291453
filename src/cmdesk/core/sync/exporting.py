"""Choosing what a bundle carries: what the recipient is not known to hold, and for another
organisation only what sharing.py allows."""

from __future__ import annotations

import json
from collections.abc import Callable, Container
from dataclasses import dataclass
from typing import Any

from nacl.signing import VerifyKey

from cmdesk.core.sync import batches
from cmdesk.core.sync import rejections as rej
from cmdesk.core.sync.certs import DeviceCert, chain_from_json, team_of
from cmdesk.core.sync.db import Db
from cmdesk.core.sync.oplog import Change, Origins, load_ops
from cmdesk.core.sync.payload import Knowledge
from cmdesk.core.sync.sharing import Scope, Touching
from cmdesk.core.sync.vectors import RangeSet, Vector, intersect_all, vector_from_json

_COLUMNS = "origin, seq, span, hlc, tbl, row_id, seen, schema, ops"


def known_devices(db: Db) -> dict[str, Knowledge]:
    return {
        device: Knowledge(org, vector_from_json(json.loads(held)))
        for device, org, held in db.execute("SELECT device_id, org_id, held FROM sync_device")
    }


def device_teams(db: Db) -> dict[str, str]:
    """Devices met here (through their certificates) that are limited to one team's cases."""
    out: dict[str, str] = {}
    for device, chain in db.execute("SELECT device_id, chain FROM sync_cert"):
        team = team_of(chain_from_json(json.loads(chain)))
        if team is not None:
            out[str(device)] = team
    return out


@dataclass(frozen=True)
class Laptop:
    """A laptop of this organisation heard from: a bundle can be sealed to its own key."""

    device_id: str
    sign_public: bytes
    team: str | None  # None: the whole organisation
    last_bundle_at: str | None

    def box_public(self) -> bytes:
        """Its signing key as an X25519 key (as the organisation key's grants use it)."""
        return bytes(VerifyKey(self.sign_public).to_curve25519_public_key())


def laptops_of(db: Db, own: str, me: str) -> list[Laptop]:
    teams = device_teams(db)
    return [
        Laptop(str(device), bytes(public), teams.get(str(device)), at)
        for device, public, at in db.execute(
            "SELECT device_id, sign_public, last_bundle_at FROM sync_device "
            "WHERE org_id = ? AND sign_public IS NOT NULL AND device_id != ? "
            "ORDER BY last_bundle_at DESC, device_id",
            (own, me),
        )
    ]


def find_laptop(db: Db, wanted: str, own: str, me: str) -> Laptop:
    """A laptop by its device id or the id's first characters (as `sync status` shows it)."""
    key = wanted.strip().lower()
    found = [x for x in laptops_of(db, own, me) if key and x.device_id.startswith(key)]
    if len(found) != 1 or len(key) < 8:
        raise rej.invalid("laptop", rej.UNKNOWN_LAPTOP, device=wanted.strip()[:36])
    return found[0]


def holds_in(vector: Vector) -> Callable[[str, int], bool]:
    """Whether a device with this vector holds change `seq` of `origin`."""
    empty = RangeSet()

    def holds(origin: str, seq: int) -> bool:
        return seq in vector.get(origin, empty)

    return holds


def known_to(
    org_id: str, devices: dict[str, Knowledge], me: str, teams: dict[str, str] | None = None
) -> Vector:
    """What every known device of an organisation holds: a bundle for the organisation
    (whichever of its laptops imports it) must carry everything outside this. A laptop of one
    team cannot open such a bundle (it receives its own), so what it lacks does not count."""
    limited = teams or {}
    return intersect_all(
        [k.held for d, k in devices.items() if k.org_id == org_id and d != me and d not in limited]
    )


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
    """Every held change the recipient is not known to hold, and those under numbers two
    copies of a vault both used (batches.contested: the recipient may hold the other version)."""
    out: list[Change] = []
    empty = RangeSet()
    contested = batches.contested(db, origins)
    for n, row in enumerate(db.execute(f"SELECT {_COLUMNS} FROM sync_change")):
        if n % 20_000 == 0:
            check()
        origin, seq, span = origins.device(db, row[0]), row[1], row[2]
        last = seq + span - 1
        if known.get(origin, empty).covers(seq, last) and not (
            origin in contested and contested[origin].intersects(seq, last)
        ):
            continue
        out.append(_change(origins, db, row, decode=False))
    return out


def devices_of(db: Db, org: str, devices: dict[str, Knowledge]) -> set[str]:
    """The devices known here to be `org`'s: told by certified senders, or by a certificate
    met with a relayed change."""
    out = {d for d, k in devices.items() if k.org_id == org}
    for device, cert in db.execute("SELECT device_id, cert FROM sync_cert"):
        if DeviceCert.from_json(json.loads(cert)).org_id == org:
            out.add(str(device))
    return out


def for_partner(
    db: Db,
    origins: Origins,
    scope: Scope,
    known: Vector,
    check: Cancel,
    theirs: Container[str] = (),
) -> list[Change]:
    """The changes of records in scope, cut down to the fields the scope allows (a partner
    organisation's scope, or a team's: sharing.py). None whose origin is in `theirs`: the
    partner's own devices' changes reach its laptops whole from each other, and what this
    vault holds of them is cut to what the partner shared, which a laptop of that
    organisation refuses as changed on the way (batches.py)."""
    out: list[Change] = []
    empty = RangeSet()
    skip = {i for i, d in db.execute("SELECT idx, device_id FROM sync_origin") if d in theirs}
    for n, ((tbl, row_id), fields) in enumerate(sorted(scope.items())):
        if n % 2_000 == 0:
            check()
        for row in db.execute(
            f"SELECT {_COLUMNS} FROM sync_change WHERE tbl = ? AND row_id = ?", (tbl, row_id)
        ):
            if row[0] in skip:
                continue
            change = _change(origins, db, row, decode=True)
            have = known.get(change.origin, empty)
            stored = change.ops
            if isinstance(fields, Touching) and not any(op[1] in fields for op in stored):
                continue
            cut = None if isinstance(fields, Touching) else fields
            ops = [
                op
                for op in stored
                if (cut is None or op[1] in cut) and change.seq + op[0] not in have
            ]
            if not ops:
                continue
            change.ops = ops
            if len(ops) != len(stored):
                change.text = None
            out.append(change)
    return out


def former_ids(db: Db, device: str) -> set[str]:
    """The ids a device had before, as its certificate chain met here says (reidentify.py)."""
    row = db.execute("SELECT chain FROM sync_cert WHERE device_id = ?", (device,)).fetchone()
    if row is None:
        return set()
    chain = chain_from_json(json.loads(row[0]))
    return {link.device_id for link in chain if isinstance(link, DeviceCert)} - {device}


def contested_of(
    db: Db, origins: Origins, device: str, scope: Scope, check: Cancel
) -> list[Change]:
    """The changes held here under numbers that two copies of a vault both used
    (batches.contested): every one under `device`'s id and the ids it had before, and those
    of the records in `scope` under any other id. A team's laptop receives only its team's
    records and is "known to hold" a number once it holds any version of it, which may be
    another copy's:
    - under its own id, it must still see this vault's version to learn it was copied and take
      a new identity (reidentify.py), or its copy's work under those numbers would never
      arrive anywhere;
    - under an id it had before (its certificate chain), the version kept here, of whatever
      record (the other copy's note, or its audit entry): the laptop holds those numbers under
      its own versions, and where the version kept here is another copy's audit entry, it must
      see it to learn that its own version (a note) lost and send it again under its new
      identity (reidentify.reissue_forked); found by the stateful model, a copy's note was
      dropped at the office for the other copy's audit entry and lost everywhere else;
    - under another laptop's id (the office's vault copied, both copies working before they
      met), the version kept here of a team record (a hand-over to another team, a risk
      changed) must replace the other copy's that the laptop received: found by the stateful
      model, the laptop's case stayed as the losing copy had it, in the wrong team for ever.
    The laptop's trail of an id both copies wrote then holds entries of both, as any other
    laptop's does (`check` follows its two branches: acting.audit)."""
    contested = batches.contested(db, origins)
    own = {device, *former_ids(db, device)}
    out: list[Change] = []
    for origin in sorted(contested):
        numbers = contested[origin]
        idx = origins.by_id.get(origin)
        if idx is None:
            continue
        for n, row in enumerate(
            db.execute(f"SELECT {_COLUMNS} FROM sync_change WHERE origin = ?", (idx,))
        ):
            if n % 20_000 == 0:
                check()
            if not numbers.intersects(row[1], row[1] + row[2] - 1):
                continue
            key = (row[4], row[5])
            if origin in own:
                out.append(_change(origins, db, row, decode=False))
            elif key in scope:
                fields = scope[key]
                change = _change(origins, db, row, decode=isinstance(fields, Touching))
                if isinstance(fields, Touching) and not any(op[1] in fields for op in change.ops):
                    continue
                out.append(change)
    return out
