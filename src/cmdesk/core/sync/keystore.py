"""Keys and trusted organisations, kept in the vault's own tables (SQLCipher encrypts them)."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cmdesk.core.sync.certs import (
    BoxUpdate,
    EnrolCert,
    Revocation,
    revocations_from_json,
    team_of,
)
from cmdesk.core.sync.db import Db
from cmdesk.core.sync.keys import (
    DeviceCert,
    DeviceKeys,
    OrgIdentity,
    OrgKeys,
    canonical,
    chain_from_text,
)
from cmdesk.core.sync.vectors import RangeSet


def utc_text(at: datetime | None = None) -> str:
    """A timestamp as the model's UtcDateTime stores it."""
    return (at or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


ORG_BOX, ORG_SIGN, DEVICE, DEVICE_CERT = "org_box", "org_sign", "device", "device_cert"
# The certificates above the device's own (absent: the organisation signed it directly).
DEVICE_CHAIN = "device_chain"


@dataclass(frozen=True)
class LocalKeys:
    org: OrgKeys
    device: DeviceKeys


def load(db: Db) -> LocalKeys | None:
    rows = {
        name: (public, secret)
        for name, public, secret in db.execute("SELECT name, public, secret FROM sync_key")
    }
    if not {ORG_BOX, ORG_SIGN, DEVICE, DEVICE_CERT} <= rows.keys():
        return None
    own = db.execute("SELECT org_id, code, name_th, name_en FROM sync_org WHERE own = 1").fetchone()
    if own is None:
        return None
    ident = OrgIdentity(own[0], own[1], own[2], own[3], rows[ORG_BOX][0], rows[ORG_SIGN][0])
    # A laptop that joined holds the organisation's public certification key only (secret NULL).
    org = OrgKeys(ident, rows[ORG_BOX][1], rows[ORG_SIGN][1] or None)
    cert = DeviceCert.from_json(json.loads(rows[DEVICE_CERT][0]))
    chain = chain_from_text(rows[DEVICE_CHAIN][0]) if DEVICE_CHAIN in rows else ()
    return LocalKeys(org, DeviceKeys(cert.device_id, rows[DEVICE][1], cert, chain))


def team(db: Db) -> str | None:
    """The team this device is enrolled for (certs.team_of its chain), without loading keys;
    None for the whole organisation or a vault with no keys yet."""
    row = db.execute("SELECT public FROM sync_key WHERE name = ?", (DEVICE_CHAIN,)).fetchone()
    return team_of(chain_from_text(row[0])) if row is not None else None


_UPSERT = (
    "INSERT INTO sync_key (name, public, secret) VALUES (?, ?, ?) "
    "ON CONFLICT (name) DO UPDATE SET public = excluded.public, secret = excluded.secret"
)


def save(db: Db, org: OrgKeys, device: DeviceKeys) -> None:
    db.executemany(
        _UPSERT,
        [
            (ORG_BOX, org.identity.box_public, org.box_secret),
            (ORG_SIGN, org.identity.sign_public, org.sign_secret),
        ],
    )
    save_device(db, device)
    trust(db, org.identity, own=True)


def save_device(db: Db, device: DeviceKeys) -> None:
    """This vault's device key, certificate and chain (replacing the previous identity's, as
    when a device continues under a successor identity)."""
    db.executemany(
        _UPSERT,
        [
            (DEVICE, device.cert.sign_public, device.sign_secret),
            (DEVICE_CERT, canonical(device.cert.to_json()), None),
            (DEVICE_CHAIN, device.chain_json(), None),
        ],
    )


def held_key_names(db: Db) -> dict[str, bool]:
    """Which keys this vault holds: name -> whether its secret half is here."""
    return {
        str(name): secret is not None
        for name, secret in db.execute("SELECT name, secret FROM sync_key ORDER BY name")
    }


def trust(db: Db, ident: OrgIdentity, *, own: bool = False) -> None:
    db.execute(
        "INSERT INTO sync_org (org_id, code, name_th, name_en, box_public, sign_public, own, "
        "trusted_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (org_id) DO UPDATE SET code = excluded.code, name_th = excluded.name_th, "
        "name_en = excluded.name_en, box_public = excluded.box_public, "
        "sign_public = excluded.sign_public, own = excluded.own, "
        # Trusting a partner whose trust was withdrawn trusts it again, as a decision of now.
        "withdrawn_at = NULL, decided_at = excluded.trusted_at",
        (
            ident.org_id,
            ident.code,
            ident.name_th,
            ident.name_en,
            ident.box_public,
            ident.sign_public,
            int(own),
            utc_text(),
        ),
    )


def trusted(db: Db) -> dict[str, tuple[OrgIdentity, bool]]:
    """org id -> (identity, is own organisation)."""
    return {
        r[0]: (OrgIdentity(r[0], r[1], r[2], r[3], r[4], r[5]), bool(r[6]))
        for r in db.execute(
            "SELECT org_id, code, name_th, name_en, box_public, sign_public, own FROM sync_org"
        )
    }


def withdrawn(db: Db) -> dict[str, str]:
    """Partners whose trust was withdrawn (`sync untrust`): org id -> when (UTC text)."""
    return {
        str(r[0]): str(r[1])
        for r in db.execute(
            "SELECT org_id, withdrawn_at FROM sync_org WHERE withdrawn_at IS NOT NULL"
        )
    }


def withdraw(db: Db, org_id: str, at: str) -> None:
    """Withdraws trust in a partner (never the organisation's own)."""
    db.execute(
        "UPDATE sync_org SET withdrawn_at = ?, decided_at = ? WHERE org_id = ? AND NOT own",
        (at, at, org_id),
    )


def decisions(db: Db) -> list[tuple[str, str | None, str]]:
    """Each partner decided on since it was first trusted: (org id, withdrawn at or None,
    decided at)."""
    return [
        (str(r[0]), None if r[1] is None else str(r[1]), str(r[2]))
        for r in db.execute(
            "SELECT org_id, withdrawn_at, decided_at FROM sync_org "
            "WHERE decided_at IS NOT NULL AND NOT own ORDER BY org_id"
        )
    ]


def decided_at(db: Db, org_id: str) -> str | None:
    """When this partner was last decided on ("" : never since it was trusted); None: a
    partner not known here (or the organisation's own)."""
    row = db.execute("SELECT decided_at FROM sync_org WHERE org_id = ? AND NOT own", (org_id,))
    found = row.fetchone()
    if found is None:
        return None
    return "" if found[0] is None else str(found[0])


def decide(db: Db, org_id: str, withdrawn_at: str | None, at: str) -> None:
    """Takes another laptop's decision on a partner (partners.learn_decisions)."""
    db.execute(
        "UPDATE sync_org SET withdrawn_at = ?, decided_at = ? WHERE org_id = ? AND NOT own",
        (withdrawn_at, at, org_id),
    )


def withdrew(db: Db) -> dict[str, str]:
    """Partners that told this organisation they withdrew their trust in it (their latest
    decision, partners.learn_their_decision): org id -> when (UTC text)."""
    return {
        str(r[0]): str(r[1])
        for r in db.execute(
            "SELECT org_id, their_withdrawn_at FROM sync_org "
            "WHERE their_withdrawn_at IS NOT NULL AND NOT own"
        )
    }


def their_decisions(db: Db) -> list[tuple[str, str | None, str]]:
    """Each partner's latest decision on this organisation that it told: (org id, withdrawn
    at or None, decided at)."""
    return [
        (str(r[0]), None if r[1] is None else str(r[1]), str(r[2]))
        for r in db.execute(
            "SELECT org_id, their_withdrawn_at, their_decided_at FROM sync_org "
            "WHERE their_decided_at IS NOT NULL AND NOT own ORDER BY org_id"
        )
    ]


def their_decided_at(db: Db, org_id: str) -> str | None:
    """When the partner's latest decision on this organisation that it told was made ("":
    none told); None: a partner not known here."""
    row = db.execute(
        "SELECT their_decided_at FROM sync_org WHERE org_id = ? AND NOT own", (org_id,)
    ).fetchone()
    if row is None:
        return None
    return "" if row[0] is None else str(row[0])


def take_their_decision(db: Db, org_id: str, withdrawn_at: str | None, at: str) -> None:
    db.execute(
        "UPDATE sync_org SET their_withdrawn_at = ?, their_decided_at = ? "
        "WHERE org_id = ? AND NOT own",
        (withdrawn_at, at, org_id),
    )


# Revocations this vault has checked against their organisation's key, kept as one row (JSON
# list) so they can travel on in every bundle this laptop makes.
REVOCATIONS = "revocations"


def revocations(db: Db) -> tuple[Revocation, ...]:
    row = db.execute("SELECT public FROM sync_key WHERE name = ?", (REVOCATIONS,)).fetchone()
    return revocations_from_json(json.loads(row[0])) if row else ()


def add_revocations(db: Db, new: Iterable[Revocation]) -> int:
    """Stores revocations not held yet (the caller checked their signatures)."""
    held = revocations(db)
    seen = {(r.org_id, r.subject) for r in held}
    added = [r for r in new if (r.org_id, r.subject) not in seen]
    if added:
        doc = [r.to_json() for r in (*held, *added)]
        db.execute(_UPSERT, (REVOCATIONS, canonical(doc), None))
    return len(added)


def revoked_ids(db: Db) -> dict[str, frozenset[str]]:
    """organisation id -> ids (devices, enrolments) it has revoked."""
    out: dict[str, set[str]] = {}
    for r in revocations(db):
        out.setdefault(r.org_id, set()).add(r.subject)
    return {org: frozenset(ids) for org, ids in out.items()}


def kept_changes(revocations: Iterable[Revocation]) -> dict[str, RangeSet]:
    """Revoked device id -> its changes that stay valid (certs.Revocation.kept)."""
    out: dict[str, RangeSet] = {}
    for r in revocations:
        kept = RangeSet.from_json(list(r.kept))
        out.setdefault(r.subject, RangeSet()).update(kept)
    return out


def valid_revocations(
    arriving: Iterable[Revocation], orgs: dict[str, tuple[OrgIdentity, bool]]
) -> list[Revocation]:
    """Those signed by the organisation they speak for, among organisations trusted here."""
    return [r for r in arriving if r.org_id in orgs and r.signed_by(orgs[r.org_id][0].sign_public)]


def learn_revocations(db: Db, arriving: Iterable[Revocation]) -> int:
    """Keeps the genuine ones and forgets what the revoked devices were known to hold (a lost
    laptop that never reports again must not hold back what bundles leave out)."""
    valid = valid_revocations(arriving, trusted(db))
    db.executemany("DELETE FROM sync_device WHERE device_id = ?", [(r.subject,) for r in valid])
    return add_revocations(db, valid)


# The organisation's encryption key history: signed updates per organisation (JSON map) and,
# for this organisation, the private keys it replaced (bundles sealed before a rotation still
# open).
BOX_UPDATES, OLD_BOX = "box_updates", "org_box_old"


def box_updates(db: Db) -> dict[str, BoxUpdate]:
    row = db.execute("SELECT public FROM sync_key WHERE name = ?", (BOX_UPDATES,)).fetchone()
    if not row:
        return {}
    return {org: BoxUpdate.from_json(d) for org, d in json.loads(row[0]).items()}


def _save_update(db: Db, update: BoxUpdate) -> None:
    doc = {org: u.to_json() for org, u in box_updates(db).items()}
    doc[update.org_id] = update.to_json()
    db.execute(_UPSERT, (BOX_UPDATES, canonical(doc), None))


def epoch_of(db: Db, org_id: str) -> int:
    found = box_updates(db).get(org_id)
    return found.epoch if found else 0


def old_box_secrets(db: Db) -> list[bytes]:
    row = db.execute("SELECT secret FROM sync_key WHERE name = ?", (OLD_BOX,)).fetchone()
    return [base64.b64decode(x) for x in json.loads(row[0])] if row and row[0] else []


def rotate_own_box(db: Db, update: BoxUpdate, new_secret: bytes) -> None:
    """This organisation's bundles are sealed to `update.box_public` from now on."""
    old = db.execute("SELECT secret FROM sync_key WHERE name = ?", (ORG_BOX,)).fetchone()
    kept = [*old_box_secrets(db), *([bytes(old[0])] if old else [])]
    db.executemany(
        _UPSERT,
        [
            (ORG_BOX, update.box_public, new_secret),
            (OLD_BOX, b"", canonical([base64.b64encode(k).decode() for k in kept])),
        ],
    )
    db.execute(
        "UPDATE sync_org SET box_public = ? WHERE org_id = ?", (update.box_public, update.org_id)
    )
    _save_update(db, update)


def learn_own_box_public(db: Db, update: BoxUpdate) -> None:
    """The organisation's new public key on a laptop that holds no private one (a team's
    laptop; the caller checked the organisation signed it)."""
    db.execute("UPDATE sync_key SET public = ? WHERE name = ?", (update.box_public, ORG_BOX))
    db.execute(
        "UPDATE sync_org SET box_public = ? WHERE org_id = ?", (update.box_public, update.org_id)
    )
    _save_update(db, update)


def learn_box_update(db: Db, update: BoxUpdate) -> bool:
    """A partner's newer encryption key, when its own certification key signed it."""
    known = trusted(db).get(update.org_id)
    if known is None or known[1] or update.epoch <= epoch_of(db, update.org_id):
        return False
    if not update.signed_by(known[0].sign_public):
        return False
    db.execute(
        "UPDATE sync_org SET box_public = ? WHERE org_id = ?", (update.box_public, update.org_id)
    )
    _save_update(db, update)
    return True


# Enrolment files made on this vault, and the laptops heard from that joined with each:
# until all of a file's laptops have reported (or it expired), bundles for the organisation
# carry everything, so a new laptop misses nothing; more laptops than the file was made for is
# shown to the data manager. Kept on this vault only (a placeholder device would travel on in
# every bundle). {enrolment id: {"expires": ISO time, "laptops": n, "seen": [device ids]}}
ENROLMENTS = "enrolments"


def expect_device(db: Db, device_id: str, org_id: str) -> None:
    """A laptop of this organisation known to exist but not heard from yet: counted as holding
    nothing, so bundles for the organisation carry everything it may lack (the certificate of
    its first bundle, or a colleague's word, fills it in)."""
    db.execute(
        "INSERT INTO sync_device (device_id, org_id, sign_public, held, last_bundle_at) "
        "VALUES (?, ?, NULL, '{}', NULL) ON CONFLICT (device_id) DO NOTHING",
        (device_id, org_id),
    )


def enrolments(db: Db) -> dict[str, dict[str, Any]]:
    row = db.execute("SELECT public FROM sync_key WHERE name = ?", (ENROLMENTS,)).fetchone()
    return dict(json.loads(row[0])) if row else {}


def _save_enrolments(db: Db, made: dict[str, dict[str, Any]]) -> None:
    db.execute(_UPSERT, (ENROLMENTS, canonical(made), None))


def record_enrolment(db: Db, cert: EnrolCert) -> None:
    entry = {"expires": cert.expires_at, "laptops": cert.laptops, "seen": [], "team": cert.team}
    _save_enrolments(db, {**enrolments(db), cert.enrol_id: entry})


def enrolment_heard_from(db: Db, enrol_id: str, device_id: str) -> None:
    made = enrolments(db)
    entry = made.get(enrol_id)
    if entry is None or device_id in entry["seen"] or len(entry["seen"]) > 100:
        return
    entry["seen"].append(device_id)
    _save_enrolments(db, made)


def forget_enrolment(db: Db, enrol_id: str) -> None:
    made = enrolments(db)
    if made.pop(enrol_id, None) is not None:
        _save_enrolments(db, made)


def enrolments_waiting(db: Db, now: str) -> bool:
    """Laptops that may join for the whole organisation and have not reported: bundles for it
    carry everything meanwhile. A team's laptop cannot open those bundles: it gets its own
    once it has reported (SyncEngine.export with `laptop`)."""
    return any(
        str(e["expires"]) > now and len(e["seen"]) < int(e["laptops"]) and not e.get("team")
        for e in enrolments(db).values()
    )


def overused_enrolments(db: Db) -> list[tuple[str, int, tuple[str, ...]]]:
    """(enrolment id, laptops it was made for, devices that joined with it) where more
    laptops joined than it was made for: one of them may not be the organisation's."""
    return [
        (enrol_id, int(e["laptops"]), tuple(e["seen"]))
        for enrol_id, e in sorted(enrolments(db).items())
        if len(e["seen"]) > int(e["laptops"])
    ]
