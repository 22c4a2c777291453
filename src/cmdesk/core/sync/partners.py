"""Partners an organisation trusts, passed on to its own laptops.

`sync trust` is run where the data manager works (the office). A laptop that joined earlier
learned only the partners trusted when its enrolment file was made, so it refused every change
of a partner trusted later that the office relayed to it (a partner's answer to its own
organisation's referral) and never converged with the office. Bundles for the organisation's
own laptops from a laptop that may decide trust (one the organisation certified itself, or a
data manager's) now carry the partners it trusts (in the payload's first line, which older
versions read past), and a laptop of the organisation adds the ones it does not know, before
it checks the bundle's changes. A partner it knows already keeps the keys it has: a bundle
never replaces them (a key changes only by the partner's own signed update).

Trust can be withdrawn (`sync untrust`: a partner leaves the agreement). The laptop that
withdraws it sends that partner nothing more and takes no bundle of its; its identity stays,
to verify what it signed before (already kept, and still relayed by the organisation's own
laptops). The decision travels like the partners: bundles from a laptop that may decide trust
carry every decision made since each partner was first trusted (withdrawn, or trusted again
with `sync trust`), and a laptop of the organisation takes each one later than its own.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from cmdesk.core.model.roles import Role
from cmdesk.core.sync import keystore
from cmdesk.core.sync.bundle_format import Header
from cmdesk.core.sync.certs import ChainRefused, verify_chain
from cmdesk.core.sync.db import Db
from cmdesk.core.sync.keys import DeviceKeys, OrgIdentity, org_id_follows_from_code


def may_decide_trust(role: str | None) -> bool:
    """None: a device the organisation certified itself (its first, the office's)."""
    return role is None or role == Role.DATA_MANAGER.value


def sender_may_decide_trust(h: Header, own: OrgIdentity) -> bool:
    """Whether the laptop that sent a bundle of this organisation may decide trust."""
    try:
        role = verify_chain(h.chain, h.cert, own.org_id, own.sign_public).role
    except ChainRefused:
        return False  # checked before: nothing to learn from a chain that does not hold
    return may_decide_trust(role)


def offered(
    device: DeviceKeys, trusted: dict[str, tuple[OrgIdentity, bool]]
) -> list[dict[str, Any]]:
    """What this laptop's bundles for its own organisation carry (identity bodies)."""
    if not may_decide_trust(device.cert.role):
        return []
    return [ident.body() for ident, own in sorted(trusted.values(), key=_code) if not own]


def learn(db: Db, h: Header, bodies: list[dict[str, Any]], own: OrgIdentity) -> int:
    """Adds the partners (identity bodies) a bundle from this organisation's laptop names,
    when that laptop may decide trust; how many were new here."""
    if not bodies or h.sender_org != own.org_id or not sender_may_decide_trust(h, own):
        return 0
    new = 0
    for body in bodies:
        try:
            ident = OrgIdentity.from_body(body)
        except ValueError:
            continue  # from a laptop of our own: nothing to refuse the bundle for
        known = [other for other, _own in keystore.trusted(db).values()]
        # As `sync trust` checks an identity file: an id that follows from its code, and no
        # organisation known here under that id or that code.
        taken = any(
            other.org_id == ident.org_id or other.code.strip().upper() == ident.code.strip().upper()
            for other in known
        )
        if not taken and org_id_follows_from_code(ident):
            keystore.trust(db, ident)
            new += 1
    return new


def decisions_offered(db: Db, device: DeviceKeys) -> list[dict[str, Any]]:
    """The decisions on partners this laptop's bundles for its own organisation carry."""
    if not may_decide_trust(device.cert.role):
        return []
    return [
        {"org": org, "withdrawn": withdrawn, "at": at}
        for org, withdrawn, at in keystore.decisions(db)
    ]


def decision_for(db: Db, device: DeviceKeys, org_id: str) -> list[dict[str, Any]]:
    """What this laptop's bundles for a partner carry: the organisation's latest decision on
    that partner, when this laptop may decide trust. Withdrawn, it is the only thing a bundle
    for the partner carries (a notice, engine.export), so that the partner's laptops stop
    sending and know that no answer will come to their referrals; trusted again, the next
    bundle says so."""
    if not may_decide_trust(device.cert.role):
        return []
    return [
        {"org": org, "withdrawn": withdrawn, "at": at}
        for org, withdrawn, at in keystore.decisions(db)
        if org == org_id
    ]


def learn_their_decision(
    db: Db, h: Header, entries: list[dict[str, Any]], own: OrgIdentity, sender: OrgIdentity
) -> bool | None:
    """Takes a partner's decision on this organisation from its bundle, when the laptop that
    made it may decide trust for the partner and the decision is later than the one held:
    True, it withdrew its trust; False, it trusts this organisation again; None, nothing new
    (a field laptop of the partner cannot stop this organisation's exchanges)."""
    if not entries or h.sender_org == own.org_id:
        return None
    try:
        role = verify_chain(h.chain, h.cert, sender.org_id, sender.sign_public).role
    except ChainRefused:
        return None
    if not may_decide_trust(role):
        return None
    for org, withdrawn, at in filter(None, map(_decision, entries)):
        if org != own.org_id:
            continue
        here = keystore.their_decided_at(db, sender.org_id)
        if here is None or (here and here >= at):
            return None
        keystore.take_their_decision(db, sender.org_id, withdrawn, at)
        return withdrawn is not None
    return None


def their_offered(db: Db) -> list[dict[str, Any]]:
    """Partners' decisions on this organisation that this laptop holds (told by them, or
    passed on by another laptop of the organisation), for the organisation's own laptops: a
    notice imported at the office reaches the field laptops with the office's next bundle."""
    return [
        {"org": org, "withdrawn": withdrawn, "at": at}
        for org, withdrawn, at in keystore.their_decisions(db)
    ]


def learn_their_relayed(db: Db, h: Header, entries: list[dict[str, Any]], own: OrgIdentity) -> int:
    """Takes the partners' decisions on this organisation that a laptop of it passes on, each
    later than the one held here; how many."""
    if not entries or h.sender_org != own.org_id:
        return 0
    taken = 0
    for org, withdrawn, at in filter(None, map(_decision, entries)):
        here = keystore.their_decided_at(db, org)
        if here is None or (here and here >= at):
            continue
        keystore.take_their_decision(db, org, withdrawn, at)
        taken += 1
    return taken


def learn_decisions(db: Db, h: Header, entries: list[dict[str, Any]], own: OrgIdentity) -> int:
    """Takes the decisions on partners a bundle from this organisation's laptop carries, when
    that laptop may decide trust, each one later than this laptop's own; how many."""
    if not entries or h.sender_org != own.org_id or not sender_may_decide_trust(h, own):
        return 0
    return take_decisions(db, entries)


def take_decisions(db: Db, entries: list[dict[str, Any]]) -> int:
    """Each decision later than this laptop's own on a partner it knows; malformed ones are
    left out (from a laptop of the organisation: nothing to refuse the bundle for)."""
    taken = 0
    for org, withdrawn, at in filter(None, map(_decision, entries)):
        here = keystore.decided_at(db, org)
        if here is None or here >= at:
            continue  # a partner not known here, or a decision as late here already
        keystore.decide(db, org, withdrawn, at)
        taken += 1
    return taken


def _decision(entry: object) -> tuple[str, str | None, str] | None:
    """(org id, withdrawn at or None, decided at) of a decision as a bundle carries it; None
    for a malformed one (left out: nothing to refuse the bundle for)."""
    if not isinstance(entry, dict):
        return None
    org, withdrawn, at = entry.get("org"), entry.get("withdrawn"), _moment(entry.get("at"))
    if not isinstance(org, str) or at is None:
        return None
    if withdrawn is None:
        return org, None, at
    moment = _moment(withdrawn)
    return None if moment is None else (org, moment, at)


def _moment(value: object) -> str | None:
    """A moment as keystore.utc_text writes it (so that later sorts larger)."""
    at = read_moment(value)
    return None if at is None else keystore.utc_text(at)


def read_moment(value: object) -> datetime | None:
    """A moment sent by another laptop, in UTC; None for anything else (a moment without its
    offset could be any of 26 hours)."""
    if not isinstance(value, str) or len(value) > 40:
        return None
    try:
        at = datetime.fromisoformat(value)
    except ValueError:
        return None
    return at.astimezone(UTC) if at.utcoffset() is not None else None


def _code(entry: tuple[OrgIdentity, bool]) -> str:
    return entry[0].code


# What this laptop sent each partner of the organisation's decisions on it through the hub
# (org id -> the decision's moment), so that a notice goes once (vault_meta, never synced).
TOLD = "told_decisions"


def told(db: Db) -> dict[str, str]:
    row = db.execute("SELECT value FROM vault_meta WHERE key = ?", (TOLD,)).fetchone()
    try:
        doc = json.loads(row[0]) if row else {}
    except ValueError:
        return {}
    return {str(k): str(v) for k, v in doc.items()} if isinstance(doc, dict) else {}


def remember_told(db: Db, told: dict[str, str]) -> None:
    db.execute(
        "INSERT INTO vault_meta (key, value) VALUES (?, ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (TOLD, json.dumps(told, sort_keys=True)),
    )
