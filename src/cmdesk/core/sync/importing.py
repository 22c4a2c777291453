"""Importing a bundle: every check first, then the segments, each in one transaction that
also records how far the import got, so an interrupted import resumes and a finished one is
recognised when it comes again.

The payload is read twice, a segment at a time, never whole: the first pass checks every
change and keeps only its verdict (import_checks.py), the second decodes each segment again
and applies it. Memory stays at about one decoded segment (bounded by payload.py's limits
whatever the header declares) and a byte per change, where a whole 10k-case bundle decoded
at once took 0.9 GB."""

from __future__ import annotations

import gc
import json
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from cmdesk.core.model.org import org_id_for
from cmdesk.core.progress import CancelToken, Progress
from cmdesk.core.reference.partners import PARTNERS
from cmdesk.core.sync import (
    batches,
    bundle_crypto,
    bundle_format,
    colleagues,
    import_checks,
    keystore,
    partners,
    reidentify,
    team_leaving,
)
from cmdesk.core.sync import rejections as rej
from cmdesk.core.sync.apply import ApplyStats, apply_changes
from cmdesk.core.sync.capture import LocalCounters
from cmdesk.core.sync.certs import EnrolCert, team_of
from cmdesk.core.sync.db import Db
from cmdesk.core.sync.exporting import device_teams
from cmdesk.core.sync.hlc import Hlc
from cmdesk.core.sync.import_checks import vouched_orgs
from cmdesk.core.sync.keys import OrgIdentity, device_box_secret, open_box_grant
from cmdesk.core.sync.model import QUARANTINED
from cmdesk.core.sync.oplog import Change
from cmdesk.core.sync.payload import Head, Reader
from cmdesk.core.sync.progress import stopper
from cmdesk.core.sync.triggers import suspended
from cmdesk.core.sync.vectors import Vector, merge_into, vector_from_json, vector_to_json

if TYPE_CHECKING:
    from cmdesk.core.sync.engine import SyncEngine


@dataclass(frozen=True, kw_only=True)
class ImportResult:
    bundle_id: str
    sender_device: str
    sender_org: str
    operations: int
    new: int
    duplicates: int
    quarantined: int
    waiting_for_upgrade: int
    segments: int
    resumed_at: int
    replay: bool
    # Changes refused because their origin had no authority over them (authority.py): how
    # many per reason (msgid). They were not applied; the rest of the bundle was.
    refused: dict[str, int] = field(default_factory=dict)
    # Set when the bundle showed this vault to be a restored or copied one: the new device id
    # it continues under (reidentify.py), and how many of the bundle's operations collided
    # with this vault's own under the same numbers (a fork; sent again under the new id).
    new_identity: str = ""
    forked: int = 0
    set_aside: int = 0
    # A team's laptop: cases handed to another team that it removed (team_leaving.py).
    removed_cases: int = 0
    # A partner's changes to records this vault does not hold yet: not applied, sent again
    # with the partner's next bundle (authority.NOT_HERE_YET).
    waiting_for_records: int = 0
    # The sending partner told its new decision on this organisation (partners.py): WITHDREW
    # or TRUSTS_AGAIN; "" when the bundle told nothing new.
    partner_decision: str = ""


WITHDREW = "withdrew"
TRUSTS_AGAIN = "trusts_again"


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector held off while a bundle is decoded and applied.

    Both allocate a few objects per change and keep them while a segment is checked or
    applied; none is cyclic garbage, but the collector's passes over the growing heap doubled
    the time to decode a 10k-case bundle whole (measured 1.0 -> 2.0 s). It is switched back
    on afterwards, and catches up then. (Process-wide: concurrent work in other threads only
    leaves its cycles for a few seconds longer.)"""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class _Ahead:
    """The next segment of an iterator, decoded on a thread of its own while the caller's
    thread waits in SQLite (a commit: about a quarter of a large import, all of it without
    Python's lock). Started only around such a wait: a decoder holding the lock while the
    caller steps through rows would make each row wait for it."""

    def __init__(self, segments: Iterator[list[Change]], pool: ThreadPoolExecutor) -> None:
        self._segments = segments
        self._pool = pool
        self._next: Future[list[Change]] | None = None

    def start(self) -> None:
        if self._next is None:
            self._next = self._pool.submit(next, self._segments)

    def take(self) -> list[Change]:
        """The next segment: the one decoded ahead, or decoded now."""
        pending, self._next = self._next, None
        return pending.result() if pending is not None else next(self._segments)


@contextmanager
def decoding_ahead(segments: Iterator[list[Change]]) -> Iterator[_Ahead]:
    """Segments taken one by one, the next decoded ahead where asked. An import that stops
    (cancelled, failed) waits for a segment being decoded, then drops it with the thread."""
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="cmdesk-decode") as pool:
        yield _Ahead(segments, pool)


def import_bundle(
    engine: SyncEngine,
    data: bytes,
    *,
    progress: Progress | None = None,
    cancel: CancelToken | None = None,
) -> ImportResult:
    """Checks the whole bundle, then applies it segment by segment."""
    keys = engine.keys()
    parsed = bundle_format.parse(data)
    h = parsed.header
    with engine.store.read() as db:
        trusted = keystore.trusted(db)
        withdrawn = keystore.withdrawn(db)
        done = db.execute(
            "SELECT done, finished_at FROM sync_import WHERE bundle_id = ?", (h.bundle_id,)
        ).fetchone()
    check_sender(engine, parsed, trusted, withdrawn)
    # What the signature covers, read from the caller's bytes from now on: parse() copied it
    # (15 MB for a 10k-case bundle, alive to the end of the import otherwise).
    parsed = replace(parsed, signed=memoryview(data)[: -bundle_format.SIG_BYTES])
    box_secret = opening_key(engine, h, keys)
    with collector_paused():
        return _import(engine, parsed, box_secret, done, progress, cancel)


def opening_key(engine: SyncEngine, h: bundle_format.Header, keys: keystore.LocalKeys) -> bytes:
    """The private key this bundle was sealed to: this laptop's own (a bundle made for it),
    or the organisation's: the current one, one replaced by a rotation, or a newer one granted
    to this device in the header (kept from now on)."""
    own = keys.org.identity.org_id
    with engine.store.read() as db:
        candidates = [keys.org.box_secret, *reversed(keystore.old_box_secrets(db))]
        epoch = keystore.epoch_of(db, own)
    news = next((n for n in h.org_box if n.update.org_id == own), None)
    newer = (
        news is not None
        and news.update.epoch > epoch
        and news.update.signed_by(keys.org.identity.sign_public)
    )
    if news is not None and newer:
        granted = news.grants.get(keys.device.device_id)
        secret = open_box_grant(keys.device, granted, news.update.box_public) if granted else None
        if secret is not None:
            with engine.store.write() as db:
                keystore.rotate_own_box(db, news.update, secret)
            candidates.insert(0, secret)
        elif keys.org.box_secret is None:
            # A team's laptop holds no organisation key: it learns the new public key, so
            # what it sends from now on is closed to a revoked laptop.
            with engine.store.write() as db:
                keystore.learn_own_box_public(db, news.update)
    if h.recipient_device:
        return device_box_secret(keys.device)
    if keys.org.box_secret is None:
        raise rej.reject(rej.TEAM_LAPTOP_ORG_BUNDLE, team=team_of(keys.device.chain) or "")
    for secret in candidates:
        if secret is not None and bundle_crypto.open_key(secret, h.sealed_key) is not None:
            return secret
    if newer:
        raise rej.reject(rej.NO_NEW_ORG_KEY)
    return keys.org.box_secret


def read_payload(
    parsed: bundle_format.Parsed, box_secret: bytes, head: Head | None = None, first: int = 0
) -> tuple[Head, Iterator[list[Change]]]:
    """One pass over the payload: its first line, and its segments from `first`, each
    decrypted, decompressed and decoded when it is asked for (an import makes two passes,
    and tests watch them here). `head`: the first line as the first pass read it."""
    reader = Reader(bundle_format.payload_pieces(parsed, box_secret), parsed.header.format, head)
    return reader.head, reader.segments(first)


def _import(
    engine: SyncEngine,
    parsed: bundle_format.Parsed,
    box_secret: bytes,
    done: tuple[int, str | None] | None,
    progress: Progress | None,
    cancel: CancelToken | None,
) -> ImportResult:
    h = parsed.header
    start = int(done[0]) if done else 0
    total = ApplyStats()
    if done is not None and done[1] is not None:
        return _result(h, total, start, replay=True)
    head, segments = read_payload(parsed, box_secret)
    n = len(head.counts)
    # Formats before LEAN said the counts in the clear header too: they must agree.
    lean = h.format >= bundle_format.LEAN
    if not lean and n != h.segments:
        raise rej.reject(rej.UNREADABLE)
    h = replace(h, segments=n)
    check = stopper(cancel)
    removed = 0
    team = team_of(engine.keys().device.chain)
    with engine.store.write() as db:
        engine.store.release(db, QUARANTINED)
        # Its number, given now: the first pass only reads.
        engine.store.origins.idx(db, engine.store.ctx.device_id)
        # Before the changes are checked: the office relays the answers of a partner it
        # trusts in the same bundle that names it.
        partners.learn(db, h, head.partners, engine.keys().org.identity)
        partners.learn_decisions(db, h, head.decisions, engine.keys().org.identity)
        colleagues.learn(db, h, head.staff, engine.keys().org.identity)
        partners.learn_their_relayed(db, h, head.their, engine.keys().org.identity)
        sender = keystore.trusted(db).get(h.sender_org)
        told = None
        if sender is not None:
            told = partners.learn_their_decision(
                db, h, head.decisions, engine.keys().org.identity, sender[0]
            )
    checked = import_checks.check(engine, h, head, segments, start, check)
    if not lean and checked.operations != h.operations:
        raise rej.reject(rej.UNREADABLE)
    new_identity, forked = _check_own_history(engine, checked)
    with engine.store.write() as db:
        # Verified batches kept before anything is applied: they vouch for a forked change
        # taking another version's place (apply._replace_forked, and here).
        # Ids seen forked before this bundle: what their devices hold was forgotten then.
        forked_before = frozenset(batches.contested(db, engine.store.origins))
        batches.remember(db, engine.store.origins, checked.batches, checked.certs)
    _reissue_forked(engine, parsed, box_secret, head, checked, start)
    _head, segments = read_payload(parsed, box_secret, head, start)
    with engine.store.bulk() as transaction, decoding_ahead(segments) as ahead:
        for i in range(start, max(n, 1)):
            check()
            segment = ahead.take() if i < n else []
            with transaction() as db:
                engine.store.capture(db)
                if i < n:
                    total += apply_segment(engine, db, checked.kept(i, segment))
                del segment
                if i + 1 < n:
                    # Decoded while this segment commits (SQLite writes without the GIL).
                    ahead.start()
                last = i >= n - 1
                db.execute(
                    "INSERT INTO sync_import (bundle_id, sender_device, segments, done, "
                    "started_at, finished_at) VALUES (?, ?, ?, ?, ?, ?) "
                    "ON CONFLICT (bundle_id) "
                    "DO UPDATE SET done = excluded.done, finished_at = excluded.finished_at",
                    (
                        h.bundle_id,
                        h.sender_device,
                        n,
                        min(i + 1, n),
                        keystore.utc_text(),
                        keystore.utc_text() if last else None,
                    ),
                )
                if last:
                    _learn(engine, db, h, head, forked_before | total.forked_origins)
                    _forget_forked(db, total.forked_origins - forked_before)
                    if team is not None:
                        removed = team_leaving.let_go(
                            db, engine.store.origins, team, head.held, team_leaving.made_at(h)
                        )
            if progress:
                progress(min(i + 1, n), n)
    with engine.store.ctx.write() as s:
        engine.store.audit.record(
            s,
            "sync.import",
            "bundle",
            h.bundle_id,
            {
                "from_device": h.sender_device,
                "from_org": h.sender_org,
                "new": total.new,
                "quarantined": total.quarantined,
                "refused": [[r.origin, r.seq, r.table, r.reason] for r in checked.first_refusals],
                # Complete counts, and forks: `sync status` and `check` read them back.
                "refused_by_reason": checked.counts,
                "forked": max(forked, total.forked),
                "set_aside": total.set_aside,
                "removed_cases": removed,
            },
        )
    result = _result(h, total, start, replay=False, refused=checked.counts)
    return replace(
        result,
        new_identity=new_identity,
        forked=max(forked, total.forked),
        set_aside=total.set_aside,
        removed_cases=removed,
        waiting_for_records=checked.waiting,
        partner_decision="" if told is None else WITHDREW if told else TRUSTS_AGAIN,
    )


def _forget_forked(db: Db, origins: frozenset[str]) -> None:
    """What this vault believed the devices under a newly forked id hold is no longer to be
    trusted (two vaults answer to it): the next bundle for them carries everything this vault
    holds, so the one whose content differs sees its own id forked and takes a new identity.
    An id forked before is not forgotten again when its other versions come back: the copy
    that took a new identity still holds them and relays them, and forgetting at each of its
    bundles left a team's laptop under the old id never told of a case that left its team
    (sharing.left_team goes by what the laptop is known to hold). Its numbers stay contested
    (batches.contested), so bundles carry them whatever the recipient is known to hold."""
    if origins:
        db.executemany(
            "UPDATE sync_device SET held = '{}' WHERE device_id = ?", [(o,) for o in origins]
        )


def _check_own_history(engine: SyncEngine, checked: import_checks.Checked) -> tuple[str, int]:
    """Before anything is applied: did the bundle know more of this vault's own history than
    it holds, or other content under its numbers (import_checks)? Then this vault is a
    restored or copied one (reidentify.py): it continues under a new identity, so the
    bundle's changes of the old id apply as another device's and nothing this vault does
    next reuses a number."""
    seen = checked.own
    if not seen.diverged:
        return "", 0
    reason = reidentify.FORKED if seen.forked else reidentify.RESTORED
    new = reidentify.take_successor_identity(engine, reason, seen.forked_seqs)
    return new, seen.forked


def _reissue_forked(
    engine: SyncEngine,
    parsed: bundle_format.Parsed,
    box_secret: bytes,
    head: Head,
    checked: import_checks.Checked,
    start: int,
) -> None:
    """The bundle's changes under an id this vault answered to before (reidentify.
    reissue_forked), read once more a segment at a time. A vault that never changed identity
    has no such id and skips the read."""
    ids = reidentify.own_ids(engine) - {engine.store.ctx.device_id}
    if not ids:
        return
    _head, segments = read_payload(parsed, box_secret, head, start)
    with engine.store.write() as db:
        for i, segment in enumerate(segments, start):
            mine = [c for c in checked.kept(i, segment) if c.origin in ids]
            reidentify.reissue_forked(db, engine, mine, ids)
            del segment, mine


def apply_segment(engine: SyncEngine, db: Db, changes: Sequence[Change]) -> ApplyStats:
    """Applies one segment inside the caller's write transaction, with the capture triggers
    suspended (what is received is not captured again as this device's own change)."""
    counters = LocalCounters.load(db)
    clock = Hlc(counters.hlc, engine.store.now)
    with suspended(db), engine.store.applying(db):
        own = engine.keys().org.identity.org_id
        stats = apply_changes(db, engine.store.origins, changes, clock, own)
    counters.hlc = clock.last
    counters.save(db)
    # Nothing above marks a field; a mark left by anything else must not become a change.
    db.execute("DELETE FROM sync_dirty")
    return stats


def _result(
    h: bundle_format.Header,
    total: ApplyStats,
    start: int,
    *,
    replay: bool,
    refused: dict[str, int] | None = None,
) -> ImportResult:
    return ImportResult(
        bundle_id=h.bundle_id,
        sender_device=h.sender_device,
        sender_org=h.sender_org,
        operations=total.operations,
        new=total.new,
        duplicates=total.duplicates,
        quarantined=total.quarantined,
        waiting_for_upgrade=total.deferred,
        segments=h.segments,
        resumed_at=start,
        replay=replay,
        refused=refused or {},
    )


def check_sender(
    engine: SyncEngine,
    parsed: bundle_format.Parsed,
    trusted: dict[str, tuple[OrgIdentity, bool]],
    withdrawn: Mapping[str, str],
) -> tuple[OrgIdentity, bool]:
    """Before anything is decrypted: the bundle is addressed to this organisation, its sender's
    organisation is trusted here (and its trust not withdrawn), and the sender's chain and
    signature hold (revocations included). The sender organisation's entry in `trusted`."""
    h = parsed.header
    if h.recipient_org != engine.keys().org.identity.org_id:
        named = trusted.get(h.recipient_org)
        code = named[0].code if named else _code(h.recipient_org)
        raise rej.reject(rej.WRONG_RECIPIENT, org=code)
    if h.recipient_device and h.recipient_device != engine.store.ctx.device_id:
        raise rej.reject(rej.FOR_ANOTHER_LAPTOP)
    sender = trusted.get(h.sender_org)
    if sender is None:
        raise rej.reject(rej.UNKNOWN_SENDER, org=_code(h.sender_org))
    if h.sender_org in withdrawn:
        raise rej.reject(rej.WITHDRAWN_SENDER, org=sender[0].code)
    bundle_format.verify_sender(parsed, sender[0].sign_public, revoked_for(engine, h, trusted))
    return sender


def _code(org_id: str) -> str:
    """The code of the network's organisation with this id (ids follow from codes), else the
    id: a bundle from an organisation not trusted here still says who sent it."""
    return next((p.code for p in PARTNERS if org_id_for(p.code) == org_id), org_id)


def revoked_for(
    engine: SyncEngine, h: bundle_format.Header, trusted: dict[str, tuple[OrgIdentity, bool]]
) -> frozenset[str]:
    """Ids the sender's organisation has revoked: those held here and those the bundle
    brings (a revoked laptop's bundle is refused even when it carries its own revocation)."""
    with engine.store.read() as db:
        held = keystore.revoked_ids(db).get(h.sender_org, frozenset())
    arriving = keystore.valid_revocations(h.revocations, trusted)
    return held | {r.subject for r in arriving if r.org_id == h.sender_org}


def forget_enrolment_placeholder(db: Db, h: bundle_format.Header) -> None:
    """A laptop that joined with an enrolment file made here has reported what it holds."""
    if h.chain and isinstance(h.chain[0], EnrolCert):
        keystore.enrolment_heard_from(db, h.chain[0].enrol_id, h.sender_device)


def _learn(
    engine: SyncEngine, db: Db, h: bundle_format.Header, head: Head, forked: frozenset[str]
) -> None:
    """Remembers what the sender (and the devices it knows of) hold, for later exports, and
    each device's organisation: the sender's from its certificate chain (checked on import),
    always; another device's as the sender may vouch for it (vouched_orgs), never over an
    organisation a device's own certificate gave (sync_device.sign_public is set only then).
    """
    me = engine.store.ctx.device_id
    vouched = vouched_orgs(engine.store.org_id(db), h, head.knowledge)
    facts: dict[str, tuple[str, Vector, bytes | None]] = {
        d: (vouched[d], k.held, None) for d, k in head.knowledge.items() if d in vouched
    }
    facts.pop(me, None)
    facts[h.sender_device] = (h.sender_org, head.held, h.cert.sign_public)
    forget_enrolment_placeholder(db, h)
    keystore.learn_revocations(db, h.revocations)
    for news in h.org_box:
        if news.update.org_id != engine.store.org_id(db):
            keystore.learn_box_update(db, news.update)
    rows = {
        r[0]: r[1]
        for r in db.execute(
            f"SELECT device_id, held FROM sync_device WHERE device_id IN "
            f"({','.join('?' * len(facts))})",
            list(facts),
        )
    }
    # A team's laptop lets go of cases that leave its team (team_leaving.py): what it says
    # it holds replaces what was known, and what others relay of it (older news) is not added.
    sender_team = team_of(h.chain)
    teams = device_teams(db)
    # `forked`: ids two vaults answer to (copies of one vault), seen before this bundle or in
    # it. What one of them holds says nothing of the other: its sender's own word replaces
    # what was known, and others' word of it is not added. Merged, a copy that had received a
    # field laptop's work made this laptop believe the other copy held it too, and it was
    # never sent there (a child missing for good).
    for device, (org, held, public) in facts.items():
        merged = vector_from_json(json.loads(rows[device])) if device in rows else {}
        if device == h.sender_device and (sender_team is not None or device in forked):
            merged = dict(held)
        elif device not in teams and device not in forked:
            merge_into(merged, held)
        db.execute(
            "INSERT INTO sync_device (device_id, org_id, sign_public, held, last_bundle_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (device_id) DO UPDATE SET "
            "held = excluded.held, sign_public = coalesce(excluded.sign_public, sign_public),"
            " last_bundle_at = coalesce(excluded.last_bundle_at, last_bundle_at),"
            # a certified sender's organisation always; a vouched one only over another
            # vouched one, and only from this organisation's own laptops
            " org_id = CASE WHEN excluded.sign_public IS NOT NULL THEN excluded.org_id"
            " WHEN sync_device.sign_public IS NULL AND ? THEN excluded.org_id"
            " ELSE sync_device.org_id END",
            (
                device,
                org,
                public,
                json.dumps(vector_to_json(merged)),
                keystore.utc_text() if device == h.sender_device else None,
                int(h.sender_org == engine.store.org_id(db)),
            ),
        )
