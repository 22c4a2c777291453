"""Revoking laptops and rotating the organisation's encryption key, on the vault's raw
connection inside the caller's transaction (the engine checks the user's role and audits).

A revocation is signed with the organisation's certification key, so only the data manager's
computer that created the organisation makes one; it travels in every bundle header from then
on. It names the revoked laptop's changes this computer holds, which stay valid and travel on
(certs.Revocation.kept): what the laptop delivered before it was lost is not lost with it.
Revoking also rotates the organisation's X25519 key: bundles made afterwards are sealed to a
new key that laptops of the organisation receive as grants (the new private key sealed to each
certified, unrevoked device's own key) in bundle headers for the organisation."""

from __future__ import annotations

import json

from nacl.public import PrivateKey

from cmdesk.core.sync import keystore
from cmdesk.core.sync import rejections as rej
from cmdesk.core.sync.certs import (
    MAX_GRANTS,
    BoxNews,
    BoxUpdate,
    EnrolCert,
    Link,
    Revocation,
    chain_from_json,
)
from cmdesk.core.sync.db import Db
from cmdesk.core.sync.exporting import device_teams
from cmdesk.core.sync.keys import grant_box_secret
from cmdesk.core.sync.vectors import RangeSet


def revoke(db: Db, own: str, certifying_key: bytes, subject: str, me: str) -> int:
    """Revokes a device or an enrolment (every laptop joined with it) of this organisation;
    returns the epoch of the organisation's new encryption key."""
    # This laptop's earlier identities too: revoking one would revoke this laptop (its
    # certificate chain passes through them), as when the office vault was copied and the
    # copy goes on under the id the office had before it took a new one.
    lineage = {me, *_chain_ids(keystore.load(db))}
    if subject in lineage:
        raise rej.invalid("device", rej.REVOKE_SELF)
    known = db.execute(
        "SELECT 1 FROM sync_device WHERE device_id = ? AND org_id = ? UNION ALL "
        "SELECT 1 FROM audit_entry WHERE action = 'sync.enrol' AND entity_id = ?",
        (subject, own, subject),
    ).fetchone()
    if known is None:
        raise rej.invalid("device", rej.UNKNOWN_DEVICE, device=subject[:36])
    # The laptops known to have joined with a revoked enrolment, or to continue a revoked
    # laptop under a new identity, are revoked by name too, so that no laptop (which knows
    # devices, not their chains) grants them the new key, and each with its own kept changes.
    joined = keystore.enrolments(db).get(subject, {}).get("seen", [])
    subjects = list(dict.fromkeys([subject, *joined, *_certified_below(db, subject)]))
    keystore.learn_revocations(
        db,
        [
            Revocation.issue(certifying_key, own, s, tuple(_held_of(db, s).to_json()))
            for s in subjects
            if s not in lineage
        ],
    )
    keystore.forget_enrolment(db, subject)
    return rotate(db, own, certifying_key)


def _held_of(db: Db, device: str) -> RangeSet:
    row = db.execute(
        "SELECT h.ranges FROM sync_held h JOIN sync_origin o ON o.idx = h.origin "
        "WHERE o.device_id = ?",
        (device,),
    ).fetchone()
    return RangeSet.from_json(json.loads(row[0])) if row else RangeSet()


def _link_ids(links: tuple[Link, ...]) -> set[str]:
    return {link.enrol_id if isinstance(link, EnrolCert) else link.device_id for link in links}


def _chain_ids(keys: keystore.LocalKeys | None) -> set[str]:
    return _link_ids(keys.device.chain) if keys is not None else set()


def _certified_below(db: Db, subject: str) -> list[str]:
    """Devices met here whose certificate chain passes through `subject` (its successors, or
    the laptops joined with an enrolment)."""
    out: list[str] = []
    for device, chain in db.execute("SELECT device_id, chain FROM sync_cert ORDER BY device_id"):
        if subject in _link_ids(chain_from_json(json.loads(chain))):
            out.append(str(device))
    return out


def rotate(db: Db, own: str, certifying_key: bytes) -> int:
    box = PrivateKey.generate()
    epoch = keystore.epoch_of(db, own) + 1
    update = BoxUpdate.issue(certifying_key, own, bytes(box.public_key), epoch)
    keystore.rotate_own_box(db, update, bytes(box))
    return epoch


def box_news(db: Db, own: str, recipient: str, me: str) -> tuple[BoxNews, ...]:
    """Key updates for a bundle header: this organisation's (with grants when the bundle is
    for its own laptops), and the recipient's, so a laptop left without a new key is told."""
    updates = keystore.box_updates(db)
    news: list[BoxNews] = []
    if own in updates:
        news.append(BoxNews(updates[own], _grants(db, own, me) if recipient == own else {}))
    if recipient != own and recipient in updates:
        news.append(BoxNews(updates[recipient], {}))
    return tuple(news)


def _grants(db: Db, own: str, me: str) -> dict[str, bytes]:
    """The current private key sealed to every certified device of the organisation heard
    from (its key came with a verified chain), not revoked and not limited to one team (a
    team's laptop never holds the organisation's key: its bundles are sealed to it alone)."""
    row = db.execute("SELECT secret FROM sync_key WHERE name = ?", (keystore.ORG_BOX,)).fetchone()
    if row is None or row[0] is None:
        # A team's laptop holds no organisation key to grant: it passes on the update alone.
        return {}
    revoked = keystore.revoked_ids(db).get(own, frozenset()) | device_teams(db).keys()
    grants: dict[str, bytes] = {}
    for device, public in db.execute(
        "SELECT device_id, sign_public FROM sync_device "
        "WHERE org_id = ? AND sign_public IS NOT NULL ORDER BY last_bundle_at DESC",
        (own,),
    ):
        if device in revoked or device == me:
            continue
        grants[device] = grant_box_secret(public, bytes(row[0]))
        if len(grants) >= MAX_GRANTS:
            break
    return grants
