"""Append to and verify the hash-chained audit trail.

Each entry's hash covers the previous entry's hash and all of its own fields, so changing,
removing or reordering any entry breaks every hash after it. Each device keeps its own chain,
which lets chains from other devices arrive by sync without re-linking.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cmdesk.core.acting.context import Context
from cmdesk.core.model import AuditEntry, new_id, utcnow

GENESIS = "0" * 64


def entry_hash(e: AuditEntry) -> str:
    """The entry's hash over every field it records and the previous entry's hash."""
    canonical = json.dumps(
        [
            e.device_id,
            e.seq,
            e.at.isoformat(),
            e.actor,
            e.action,
            e.entity,
            e.entity_id,
            e.detail,
            e.prev_hash,
        ],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class AuditRecord:
    seq: int
    at: datetime
    actor: str
    action: str
    entity: str
    entity_id: str
    detail: dict[str, object]


@dataclass(frozen=True)
class ChainBreak:
    device_id: str
    seq: int
    reason: str  # "hash", "link" or "gap"


def append(
    session: Session,
    *,
    device_id: str,
    actor: str,
    action: str,
    entity: str = "",
    entity_id: str = "",
    detail: dict[str, object] | None = None,
) -> AuditEntry:
    """Adds one entry inside the caller's transaction (so the change and its record commit
    together or not at all)."""
    last = session.execute(
        select(AuditEntry.seq, AuditEntry.hash)
        .where(AuditEntry.device_id == device_id)
        .order_by(AuditEntry.seq.desc())
        .limit(1)
    ).first()
    seq, prev = (last[0] + 1, last[1]) if last else (1, GENESIS)
    at = utcnow()
    detail_text = json.dumps(detail or {}, ensure_ascii=False, sort_keys=True)
    entry = AuditEntry(
        id=new_id(),
        device_id=device_id,
        seq=seq,
        at=at,
        actor=actor,
        action=action,
        entity=entity,
        entity_id=entity_id,
        detail=detail_text,
        prev_hash=prev,
    )
    entry.hash = entry_hash(entry)
    session.add(entry)
    session.flush()
    return entry


class TrailHistory(Protocol):
    """The audit entries the sync history holds (sync/audit_versions.py)."""

    def holds(self, session: Session, device_id: str, seq: int, digest: str) -> bool:
        """A genuine entry of the device at that position with that hash (its fields give
        the hash)."""
        ...

    def forked(self, session: Session, device_id: str) -> bool:
        """Two genuine entries of the device at one position: two copies of it wrote."""
        ...

    def continues(self, session: Session, device_id: str, seq: int, prev: str) -> bool:
        """A genuine entry of the device at that position linking to the hash `prev`."""
        ...


@dataclass(frozen=True)
class TrailCheck:
    first_break: ChainBreak | None
    # Entries whose link leads to another version of the entry before them, held in the sync
    # history: two copies of one laptop (a copied folder, a restored backup) wrote the trail
    # of its id from there on, before one took a new identity. Not a break: both branches
    # are whole. Reason "branch".
    branches: tuple[ChainBreak, ...] = ()


def check_trail(
    session: Session,
    known: frozenset[tuple[str, int]] = frozenset(),
    history: TrailHistory | None = None,
) -> TrailCheck:
    """Every chain from its first entry: the first break not acknowledged in `known`
    ((device, seq) a data manager recorded as known with `check --repair`: the chain is
    checked on from the entry found there), and where a chain branches: an entry linking to
    another version of the entry before it, written by another copy of the device as the
    sync history shows (_other_copy)."""
    branches: list[ChainBreak] = []
    devices = session.scalars(select(AuditEntry.device_id).distinct()).all()
    for device_id in sorted(devices):
        prev, expected_seq = GENESIS, 1
        rows = session.scalars(
            select(AuditEntry).where(AuditEntry.device_id == device_id).order_by(AuditEntry.seq)
        )
        for e in rows:
            found = None
            gap = e.seq != expected_seq
            branch = e.prev_hash != prev
            if gap and not _skipped_other_copy(session, history, device_id, e, expected_seq, prev):
                found = ChainBreak(device_id, expected_seq, "gap")
            elif branch and not gap and not _other_copy(session, history, device_id, e, prev):
                found = ChainBreak(device_id, e.seq, "link")
            elif entry_hash(e) != e.hash:
                found = ChainBreak(device_id, e.seq, "hash")
            elif branch:
                branches.append(ChainBreak(device_id, e.seq, "branch"))
            if found is not None and (device_id, found.seq) not in known:
                return TrailCheck(found, tuple(branches))
            prev, expected_seq = e.hash, e.seq + 1
    return TrailCheck(None, tuple(branches))


def _other_copy(
    session: Session, history: TrailHistory | None, device_id: str, e: AuditEntry, prev: str
) -> bool:
    """Whether entry `e`, whose link is not to the entry held before it (hash `prev`), was
    written by another copy of the device, not changed here:
    - the history holds the entry before it as it is here, and either the entry `e` links to
      (another version of that position) or `e` itself (a team's laptop holds only part of
      the other copy's trail: the entry it was sent to see it is a copy, not those before);
    - or the history shows two copies wrote the device's trail (two versions of one
      position) and holds the entry `e` links to or `e` itself: the entry before it here
      is one whose change lost where the copies' numbers met (its writer sends it again
      under its new identity).
    An entry changed here on a trail one laptop wrote stays a break, its hash made again or
    not: the history holds it as it was."""
    if history is None:
        return False
    genuine = history.holds(session, device_id, e.seq - 1, e.prev_hash) or history.holds(
        session, device_id, e.seq, e.hash
    )
    if not genuine:
        return False
    return history.holds(session, device_id, e.seq - 1, prev) or history.forked(session, device_id)


def _skipped_other_copy(
    session: Session,
    history: TrailHistory | None,
    device_id: str,
    e: AuditEntry,
    expected: int,
    prev: str,
) -> bool:
    """Whether the entries missing before `e` are another copy's that this laptop was never
    sent (a team's laptop holds the other copy's later entries, sent to let it see it is a
    copy, not those between): the history holds `e` and the entry before the gap as they are
    here, and no entry continuing this trail at the gap (one removed here is in the
    history)."""
    if history is None or not history.holds(session, device_id, e.seq, e.hash):
        return False
    if expected > 1 and not history.holds(session, device_id, expected - 1, prev):
        return False
    return not history.continues(session, device_id, expected, prev)


def verify(session: Session, known: frozenset[tuple[str, int]] = frozenset()) -> ChainBreak | None:
    """The first broken entry of any chain, or None when every chain is intact (no branch
    followed: see check_trail)."""
    return check_trail(session, known).first_break


class AuditService:
    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx

    def record(
        self,
        session: Session,
        action: str,
        entity: str = "",
        entity_id: str = "",
        detail: dict[str, object] | None = None,
    ) -> None:
        append(
            session,
            device_id=self._ctx.device_id,
            actor=self._ctx.actor.username,
            action=action,
            entity=entity,
            entity_id=entity_id,
            detail=detail,
        )

    def verify(self, known: frozenset[tuple[str, int]] = frozenset()) -> ChainBreak | None:
        with self._ctx.read() as session:
            return verify(session, known)

    def check(
        self,
        known: frozenset[tuple[str, int]] = frozenset(),
        history: TrailHistory | None = None,
    ) -> TrailCheck:
        with self._ctx.read() as session:
            return check_trail(session, known, history)

    def count(self) -> int:
        with self._ctx.read() as session:
            return int(session.scalar(select(func.count()).select_from(AuditEntry)) or 0)

    def history(self, entity_id: str) -> list[AuditRecord]:
        """What happened to one record, oldest first."""
        with self._ctx.read() as session:
            rows = session.scalars(
                select(AuditEntry)
                .where(AuditEntry.entity_id == entity_id)
                .order_by(AuditEntry.at, AuditEntry.seq)
            ).all()
            return [
                AuditRecord(
                    e.seq, e.at, e.actor, e.action, e.entity, e.entity_id, json.loads(e.detail)
                )
                for e in rows
            ]
