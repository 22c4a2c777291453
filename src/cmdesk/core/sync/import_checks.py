"""The first of an import's two passes over a bundle (importing.py): every change checked
before any is applied, one segment decoded at a time, keeping of each change only its
verdict. A change is refused when its origin may not make it (authority.py), did not sign
it as it arrived (batches.py) or wrote a value its column cannot hold (values.py); the
changes of this vault's own device id are compared with what it holds (reidentify.py). The
second pass decodes each segment again and applies what was not refused, so an import holds
one segment's changes, never the whole bundle's (a 10k-case organisation's first bundle
decodes to 210k changes of 3M operations)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from cmdesk.core.sync import (
    authority,
    batches,
    bundle_format,
    keystore,
    reidentify,
    team_authority,
    values,
)
from cmdesk.core.sync.certs import ChainRefused, DeviceCert, Link, team_of, verify_chain
from cmdesk.core.sync.db import Db
from cmdesk.core.sync.exporting import device_teams
from cmdesk.core.sync.oplog import Change, load_held
from cmdesk.core.sync.payload import Head, Knowledge
from cmdesk.core.sync.vectors import RangeSet, Vector

if TYPE_CHECKING:
    from cmdesk.core.sync.engine import SyncEngine

# Refusals kept one by one for the audit trail (all are counted by reason).
AUDITED_REFUSALS = 100
# The code of a change left out until its record is here (Checked.refused).
WAITS = 255


@dataclass
class Checked:
    """What the first pass found."""

    # segment number -> per change 0 (applies), 1 + its reason's index in authority.REASONS,
    # or WAITS; only segments with a change left out are here
    refused: dict[int, bytearray] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    # Changes left out until their records are here (authority.NOT_HERE_YET).
    waiting: int = 0
    first_refusals: list[authority.Refusal] = field(default_factory=list)
    # Batches whose signatures hold and origin certificates that verified: kept to relay on.
    batches: list[batches.Batch] = field(default_factory=list)
    certs: dict[str, tuple[DeviceCert, tuple[Link, ...]]] = field(default_factory=dict)
    # This vault's own id's changes (from the segment the import resumes at).
    own: reidentify.OwnHistory = field(default_factory=lambda: reidentify.OwnHistory(0, 0))
    operations: int = 0

    def kept(self, i: int, segment: list[Change]) -> list[Change]:
        """Segment i's changes that may be applied."""
        codes = self.refused.get(i)
        if codes is None:
            return segment
        return [c for c, code in zip(segment, codes, strict=True) if not code]

    def refuse(self, where: tuple[int, int, int], c: Change, reason: str) -> None:
        """Refuses change j of segment i (of n changes), c; one that waits for its record
        (authority.NOT_HERE_YET) is left out without a refusal."""
        i, j, n = where
        codes = self.refused.get(i)
        if codes is None:
            codes = self.refused[i] = bytearray(n)
        if codes[j]:
            return
        if reason == authority.NOT_HERE_YET:
            codes[j] = WAITS
            self.waiting += 1
            return
        codes[j] = 1 + authority.REASONS.index(reason)
        self.counts[reason] = self.counts.get(reason, 0) + 1
        if len(self.first_refusals) < AUDITED_REFUSALS:
            self.first_refusals.append(authority.Refusal(c.origin, c.seq, c.tbl, reason))


def check(
    engine: SyncEngine,
    h: bundle_format.Header,
    head: Head,
    segments: Iterable[list[Change]],
    start: int,
    check_cancel: Callable[[], None],
) -> Checked:
    """Every change of every segment (the first pass), before anything is applied; `start`:
    the segment an interrupted import resumes at."""
    me = engine.store.ctx.device_id
    out = Checked()
    unknown = forked = 0
    forked_seqs: set[int] = set()
    with engine.store.read() as db:
        held = load_held(db, engine.store.origins)
        bundle = _Bundle(h, head, held, _device_orgs(engine, db, h, head))
        judge = authority.Judge(_facts(engine, db, bundle), head.devices)
        origins, keys = _origin_check(engine, db, bundle)
        i = 0
        # No enumerate, and each segment's own work in a function: a name left bound to the
        # last segment (or its last change) would keep it alive while the next is decoded.
        for segment in segments:
            check_cancel()
            _judge(out, i, segment, judge, origins)
            mine = [c for c in out.kept(i, segment) if c.origin == me] if i >= start else []
            del segment
            if mine:
                seen = reidentify.own_history(db, engine, mine)
                unknown += seen.unknown
                forked += seen.forked
                forked_seqs |= seen.forked_seqs
            del mine
            i += 1  # noqa: SIM113
        # Numbers of this vault's id held elsewhere beyond its own: a copy's twin went on.
        unknown += reidentify.held_beyond(
            db, engine, [head.held, *(k.held for k in head.knowledge.values())]
        )
        if judge.team_rule is not None:
            # Late work stamped before its own laptop's earlier work (team_authority.py): only
            # the whole bundle shows it, and it is refused before anything is applied.
            floor = team_authority.db_floor(db, engine.store.origins)
            for where, c in judge.team_rule.backdated(floor):
                assert isinstance(where, tuple)
                out.refuse(where, c, team_authority.OUTSIDE_TEAM)
    out.own = reidentify.OwnHistory(unknown, forked, frozenset(forked_seqs))
    out.batches = origins.verified()
    out.certs = dict(keys.verified)
    out.certs[h.sender_device] = (h.cert, h.chain)
    return out


def _judge(
    out: Checked,
    i: int,
    segment: list[Change],
    judge: authority.Judge,
    origins: batches.OriginCheck,
) -> None:
    """Segment i's verdicts: its origins' authority (authority.py), then their signatures,
    then whether its values fit their columns (values.py)."""
    out.operations += sum(c.span for c in segment)
    n = len(segment)
    bad_values = values.refused(segment)
    judge.prefetch(segment)
    for j, c in enumerate(segment):
        reason = judge.reason(c, (i, j, n)) or origins.reason(c)
        if reason is None and j in bad_values:
            reason = values.BAD_VALUE
        if reason is not None:
            out.refuse((i, j, n), c, reason)


def _device_orgs(engine: SyncEngine, db: Db, h: bundle_format.Header, head: Head) -> dict[str, str]:
    """The organisation of each device this vault knows of, and of those the bundle's sender
    may vouch for (vouched_orgs), as both checks of a change's origin take it."""
    own = engine.keys().org.identity.org_id
    me = engine.store.ctx.device_id
    orgs = authority.device_orgs(db, me, own)
    certified = {
        str(r[0])
        for r in db.execute("SELECT device_id FROM sync_device WHERE sign_public IS NOT NULL")
    }
    if h.sender_org == own:
        # A laptop of this organisation tells the organisation of devices this one knows
        # only by hearsay (a partner's word) or not at all: trusted before the changes of
        # this very bundle are judged.
        for device, org in vouched_orgs(own, h, head.knowledge).items():
            if device not in certified and device != me:
                orgs[device] = org
    orgs.update(_certified_orgs(db, head, certified | {me}))
    return orgs


def _certified_orgs(db: Db, head: Head, known: set[str]) -> dict[str, str]:
    """The organisation of each device not certified here whose certificate the bundle
    carries, checked with that organisation's trusted key: better than any laptop's word. A
    laptop restored from a backup goes on under a new identity, and its work made under the
    old one travels on without any laptop knowing whose that identity was: ECPAT's office
    relaying WVFT's share of a referral made under it to ECPAT's outreach laptop, which took it
    for ECPAT's own and refused the share as "changed on the way"."""
    trusted = keystore.trusted(db)
    out: dict[str, str] = {}
    for device, (cert, chain) in head.certs.items():
        found = trusted.get(cert.org_id)
        if device in known or cert.device_id != device or found is None:
            continue
        try:
            verify_chain(chain, cert, cert.org_id, found[0].sign_public)
        except ChainRefused:
            continue
        out[device] = cert.org_id
    return out


@dataclass(frozen=True)
class _Bundle:
    """What both checks of an import read of the bundle and of this vault."""

    h: bundle_format.Header
    head: Head
    held: Vector
    orgs: dict[str, str]  # each origin's organisation (_device_orgs)


def _facts(engine: SyncEngine, db: Db, b: _Bundle) -> authority.Facts:
    h, head, held, orgs = b.h, b.head, b.held, b.orgs
    own = engine.keys().org.identity.org_id
    sender_team = team_of(h.chain) if h.sender_org == own else None
    teams: dict[str, str] = {}
    if sender_team is not None:
        # The team laptops it may relay for: those met here, and those it vouches for with
        # their chains (checked with their signatures, batches.py).
        teams = device_teams(db)
        for device, (_cert, chain) in head.certs.items():
            if (team := team_of(chain)) is not None:
                teams.setdefault(device, team)
    return authority.Facts(
        own_org=own,
        sender_org=h.sender_org,
        sender_device=h.sender_device,
        device_orgs=orgs,
        held=held,
        owner=authority.db_owner(db),
        sender_team=sender_team,
        device_teams=teams,
        cases=team_authority.db_cases(db) if sender_team is not None else None,
        history=team_authority.db_history(db, engine.store.origins) if sender_team else None,
    )


def _origin_check(
    engine: SyncEngine, db: Db, b: _Bundle
) -> tuple[batches.OriginCheck, batches.OriginKeys]:
    """Each relayed change against its origin's signature (batches.py)."""
    h, head, held, orgs = b.h, b.head, b.held, dict(b.orgs)  # adds the sender
    own = engine.keys().org.identity.org_id
    # `orgs` as the authority check has them, with what the sender vouches for: a partner's
    # laptop that never met WVFT's field laptop took it, unknown, for one of its own
    # organisation's, expected its changes whole and refused the part WVFT shares as
    # "changed on the way" (its office's first bundle relaying a referral;
    # tests/network/test_partner_trust.py).
    known = {
        str(d): bytes(k)
        for d, k in db.execute(
            "SELECT device_id, sign_public FROM sync_device WHERE sign_public IS NOT NULL"
        )
    }
    known[engine.store.ctx.device_id] = engine.keys().device.cert.sign_public
    trusted = keystore.trusted(db)
    revoked = keystore.revoked_ids(db)
    revocations = list(keystore.revocations(db))
    known[h.sender_device] = h.cert.sign_public
    orgs[h.sender_device] = h.sender_org
    for revocation in keystore.valid_revocations(h.revocations, trusted):
        revocations.append(revocation)
        revoked[revocation.org_id] = revoked.get(revocation.org_id, frozenset()) | {
            revocation.subject
        }
    keys = batches.OriginKeys(
        {d: k for d, k in known.items() if d not in revoked.get(orgs.get(d, ""), frozenset())},
        head.certs,
        {org: ident.sign_public for org, (ident, _own) in trusted.items()},
        revoked,
        kept=keystore.kept_changes(revocations),
    )
    empty = RangeSet()
    check = batches.OriginCheck(
        head.batches,
        h.sender_device,
        lambda origin, seq: seq in held.get(origin, empty),
        lambda origin: orgs.get(origin, h.sender_org),
        own,
        keys,
    )
    return check, keys


def vouched_orgs(
    own_org: str, h: bundle_format.Header, knowledge: dict[str, Knowledge]
) -> dict[str, str]:
    """The organisation of each device the bundle tells of, as far as its sender may vouch:
    a laptop of this organisation for any device (it learned them from certified senders),
    a partner only for its own devices (it cannot place another organisation's laptop in its
    own, nor ours in another)."""
    own_sender = h.sender_org == own_org
    return {
        device: k.org_id
        for device, k in knowledge.items()
        if own_sender or k.org_id == h.sender_org
    }
