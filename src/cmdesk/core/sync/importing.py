"""Importing a bundle: every check first, then the segments, each in one transaction that
also records how far the import got, so an interrupted import resumes and a finished one is
recognised when it comes again."""

from __future__ import annotations

import gc
import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from cmdesk.core.sync import authority, bundle_format, keystore
from cmdesk.core.sync import rejections as rej
from cmdesk.core.sync.apply import ApplyStats, apply_changes
from cmdesk.core.sync.capture import LocalCounters
from cmdesk.core.sync.db import Db
from cmdesk.core.sync.hlc import Hlc
from cmdesk.core.sync.model import QUARANTINED
from cmdesk.core.sync.oplog import Change, load_held
from cmdesk.core.sync.payload import Payload, decode
from cmdesk.core.sync.progress import CancelToken, Progress, no_cancel
from cmdesk.core.sync.triggers import suspended
from cmdesk.core.sync.vectors import RangeSet, Vector, vector_from_json, vector_to_json

if TYPE_CHECKING:
    from cmdesk.core.sync.engine import SyncEngine


@dataclass(frozen=True)
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


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector held off while a bundle is decoded and applied.

    Both allocate a few objects per change and keep them (the decoded payload) until the end;
    none is cyclic garbage, but the collector's passes over the growing heap doubled the time
    to decode a 10k-case bundle (measured 1.0 -> 2.0 s). It is switched back on afterwards,
    and catches up then. (Process-wide: concurrent work in other threads only leaves its
    cycles for a few seconds longer.)"""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


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
    own = keys.org.identity.org_id
    with engine._read() as db:
        trusted = keystore.trusted(db)
        done = db.execute(
            "SELECT done, finished_at FROM sync_import WHERE bundle_id = ?", (h.bundle_id,)
        ).fetchone()
    if h.recipient_org != own:
        named = trusted.get(h.recipient_org)
        raise rej.reject(rej.WRONG_RECIPIENT, org=named[0].code if named else h.recipient_org)
    sender = trusted.get(h.sender_org)
    if sender is None:
        raise rej.reject(rej.UNKNOWN_SENDER, org=h.sender_org)
    bundle_format.verify_sender(parsed, sender[0].sign_public)
    with collector_paused():
        return _import(engine, parsed, keys.org.box_secret, done, progress, cancel)


def _import(
    engine: SyncEngine,
    parsed: bundle_format.Parsed,
    box_secret: bytes,
    done: tuple[int, str | None] | None,
    progress: Progress | None,
    cancel: CancelToken | None,
) -> ImportResult:
    h = parsed.header
    payload = decode(bundle_format.decrypt(parsed, box_secret), h.format)
    if len(payload.segments) != h.segments or payload.operations() != h.operations:
        raise rej.reject(rej.UNREADABLE)
    start = int(done[0]) if done else 0
    total = ApplyStats()
    if done is not None and done[1] is not None:
        return _result(h, total, start, replay=True)
    check = cancel.check if cancel else no_cancel
    with engine._write() as db:
        engine._release(db, QUARANTINED)
    verdict = _authorise(engine, h, payload)
    segments = verdict.segments
    n = len(segments)
    with engine._bulk() as transaction:
        for i in range(start, max(n, 1)):
            check()
            with transaction() as db:
                engine._capture(db)
                if i < n:
                    total += apply_segment(engine, db, segments[i])
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
                    _learn(engine, db, h, payload)
            if progress:
                progress(min(i + 1, n), n)
    with engine._ctx.write() as s:
        engine._audit.record(
            s,
            "sync.import",
            "bundle",
            h.bundle_id,
            {
                "from_device": h.sender_device,
                "from_org": h.sender_org,
                "new": total.new,
                "quarantined": total.quarantined,
                "refused": [[r.origin, r.seq, r.table, r.reason] for r in verdict.refused][:100],
            },
        )
    return _result(h, total, start, replay=False, refused=verdict.counts())


def _authorise(engine: SyncEngine, h: bundle_format.Header, payload: Payload) -> authority.Verdict:
    """Which changes their origins may make (authority.py), decided before any is applied."""
    own = engine.keys().org.identity.org_id
    with engine._read() as db:
        facts = authority.Facts(
            own_org=own,
            sender_org=h.sender_org,
            sender_device=h.sender_device,
            device_orgs=authority.device_orgs(db, engine._ctx.device_id, own),
            held=load_held(db, engine.origins),
            owner=authority.db_owner(db),
        )
        return authority.check(payload.segments, facts)


def apply_segment(engine: SyncEngine, db: Db, changes: Sequence[Change]) -> ApplyStats:
    """Applies one segment inside the caller's write transaction, with the capture triggers
    suspended (what is received is not captured again as this device's own change)."""
    counters = LocalCounters.load(db)
    clock = Hlc(counters.hlc, engine._now)
    with suspended(db):
        stats = apply_changes(db, engine.origins, changes, clock)
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
        h.bundle_id,
        h.sender_device,
        h.sender_org,
        total.operations,
        total.new,
        total.duplicates,
        total.quarantined,
        total.deferred,
        h.segments,
        start,
        replay,
        refused or {},
    )


def _learn(engine: SyncEngine, db: Db, h: bundle_format.Header, payload: Payload) -> None:
    """Remembers what the sender (and the devices it knows of) hold, for later exports."""
    me = engine._ctx.device_id
    facts: dict[str, tuple[str, Vector, bytes | None]] = {
        d: (k.org_id, k.held, None) for d, k in payload.knowledge.items() if d != me
    }
    facts[h.sender_device] = (h.sender_org, payload.held, h.cert.sign_public)
    rows = {
        r[0]: r[1]
        for r in db.execute(
            f"SELECT device_id, held FROM sync_device WHERE device_id IN "
            f"({','.join('?' * len(facts))})",
            list(facts),
        )
    }
    for device, (org, held, public) in facts.items():
        merged = vector_from_json(json.loads(rows[device])) if device in rows else {}
        for origin, ranges in held.items():
            merged.setdefault(origin, RangeSet()).update(ranges)
        db.execute(
            "INSERT INTO sync_device (device_id, org_id, sign_public, held, last_bundle_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (device_id) DO UPDATE SET "
            "held = excluded.held, sign_public = coalesce(excluded.sign_public, sign_public),"
            " last_bundle_at = coalesce(excluded.last_bundle_at, last_bundle_at)",
            (
                device,
                org,
                public,
                json.dumps(vector_to_json(merged)),
                keystore.utc_text() if device == h.sender_device else None,
            ),
        )
