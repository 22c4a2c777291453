"""A vault that finds itself restored from a backup or copied continues as a new laptop.

Sync identifies every change by (origin device, sequence number). A restored or copied vault
still holds its original's device id and its (older) next sequence number: the work it does
next would reuse numbers that peers already hold with other content, so peers would drop it
silently, and the original's later work would be dropped here (issue 10, reproductions 1-2).
Instead, the vault takes a successor identity (a new device id and key pair certified by the
current device key: keys.successor_identity) and starts its sequence again at 1. What it did
under the old id is history like any other device's: peers still hold it, and what the old id
did after this copy was made arrives later as that device's changes, not as this one's.

When it happens:
- on opening a copy made by `cmdesk backup` (or the upgrade's own backup) that is being used
  as a vault: the copy carries a mark that the live vault does not (Vault.backup);
- on import, when a bundle carries changes of this vault's own device id that it does not
  hold (its history goes further elsewhere) or holds with other content (a fork), or says
  its sender (or a laptop it knows) holds such numbers (held_beyond).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from cmdesk.core.model.base import new_id
from cmdesk.core.sync import batches, keystore
from cmdesk.core.sync.apply import bounds, forget, rivals
from cmdesk.core.sync.capture import LocalCounters
from cmdesk.core.sync.certs import DeviceCert
from cmdesk.core.sync.db import Db
from cmdesk.core.sync.keys import successor_identity
from cmdesk.core.sync.oplog import Change, RawOp, load_held, save_held
from cmdesk.core.sync.vectors import RangeSet, Vector
from cmdesk.core.vault.store import COPY_MARK

if TYPE_CHECKING:
    from cmdesk.core.sync.engine import SyncEngine

RESTORED, FORKED = "restored", "forked"
# `check --repair` on a vault that an older version let share its id with another laptop.
REPAIRED = "repaired"


def clashes(db: Db, engine: SyncEngine) -> bool:
    """This vault holds changes under its own device id at or beyond the number its next
    change would take: another laptop worked under the same id (a vault damaged by an older
    version: its next save would fail on a number already taken)."""
    me = engine.store.ctx.device_id
    next_seq = LocalCounters.load(db).next_seq
    idx = engine.store.origins.idx(db, me)
    row = db.execute(
        "SELECT max(seq + span - 1) FROM sync_change WHERE origin = ?", (idx,)
    ).fetchone()
    if row[0] is not None and int(row[0]) >= next_seq:
        return True
    held = load_held(db, engine.store.origins, [idx]).get(me, RangeSet())
    return any(hi >= next_seq for _lo, hi in held)


def own_ids(engine: SyncEngine) -> frozenset[str]:
    """This vault's device id and those it had before (its certificate chain's devices)."""
    keys = engine.keys().device
    former = {x.device_id for x in keys.chain if isinstance(x, DeviceCert)}
    return frozenset({engine.store.ctx.device_id, *former})


def is_marked_copy(db: Db) -> bool:
    found = db.execute("SELECT 1 FROM vault_meta WHERE key = ?", (COPY_MARK,)).fetchone()
    return found is not None


@dataclass(frozen=True)
class OwnHistory:
    """What a bundle says about this vault's own device id."""

    unknown: int  # operations of ours that we do not hold: our history went further elsewhere
    forked: int  # operations of ours that we hold with other content
    forked_seqs: frozenset[int] = frozenset()  # the changes holding them

    @property
    def diverged(self) -> bool:
        return bool(self.unknown or self.forked)


def held_beyond(db: Db, engine: SyncEngine, vectors: Iterable[Vector]) -> int:
    """How many numbers of this vault's own device id a bundle's sender holds, or knows a
    laptop to hold, at or beyond the number this vault would give its next change: the id's
    history went further in another copy. A laptop sends a vault none of the changes it
    thinks that vault made itself, so a copy learns of the other copy's later work from these
    vectors alone: without them, a copy of the office's folder never received, from a field
    laptop, what the office recorded after the copy was made (found by the random walk)."""
    me = engine.store.ctx.device_id
    next_seq = LocalCounters.load(db).next_seq
    most = 0
    for vector in vectors:
        ranges = vector.get(me)
        if ranges:
            most = max(most, sum(hi - max(lo, next_seq) + 1 for lo, hi in ranges if hi >= next_seq))
    return most


def own_history(db: Db, engine: SyncEngine, changes: list[Change]) -> OwnHistory:
    """Compares the bundle's changes made under this vault's device id with what it holds.
    `forked_seqs`: the changes held here that the bundle's version replaces (batches.rank)."""
    me = engine.store.ctx.device_id
    mine = [c for c in changes if c.origin == me]
    if not mine:
        return OwnHistory(0, 0)
    next_seq = LocalCounters.load(db).next_seq
    idx = engine.store.origins.idx(db, me)
    unknown = forked = 0
    forked_seqs: set[int] = set()
    for c in mine:
        unknown += sum(1 for op in c.ops if c.seq + op[0] >= next_seq)
        held, loses = _forks_of(db, idx, c)
        forked += sum(held.values())
        if loses:
            forked_seqs |= held.keys()
    return OwnHistory(unknown, forked, frozenset(forked_seqs))


def _numbered(seq: int, tbl: str, row_id: str, ops: list[RawOp]) -> dict[int, tuple[object, ...]]:
    """Each operation by its own sequence number, with the record it belongs to."""
    return {seq + op[0]: (tbl, row_id, *op[1:]) for op in ops}


def _forks_of(db: Db, idx: int, c: Change) -> tuple[dict[int, int], bool]:
    """The changes held under this origin that `c` (a change of the same origin) gives other
    content for: held seq -> operations that differ; and whether they all give way to `c`
    (batches.rank: `c` was made first). Compared number by number, not change by change: the
    two copies of a vault cut their histories into changes differently (found by the stateful
    test: one copy's record spanned numbers the other had used for an audit entry; compared
    by the change's first number only, the fork went unseen and both kept different
    operations under one number for ever)."""
    theirs = _numbered(c.seq, c.tbl, c.row_id, c.ops)
    if not theirs:
        return {}, False
    held = rivals(db, idx, c, min(theirs), max(theirs))
    out: dict[int, int] = {}
    for r in held:
        ours = _numbered(r.seq, r.tbl, r.row_id, r.ops)
        differ = sum(1 for n in ours.keys() & theirs.keys() if ours[n] != theirs[n])
        if differ:
            out[r.seq] = differ
    return out, batches.outranks(c, held)


def reissue_forked(db: Db, engine: SyncEngine, changes: list[Change], ids: Collection[str]) -> int:
    """This vault's changes, under its device id or one it had before (`ids`), that a bundle
    holds with other content under those numbers, where the bundle's version is the one every
    replica keeps (batches.rank: made first; a stored batch of the id signs it). The bundle's
    version becomes the id's history here (the other copy of the vault answers to that id),
    and this vault's version is sent again under its current id: its fields are marked so the
    next capture, before anything is applied, sends their current values. Where this vault's
    version ranks first it stays, and the other copy sends its own again. Returns the fields
    marked.

    Ids it had before count too (issue 10, found by the stateful test): a vault that took a
    new identity at one fork may meet the other copy's later work under the old id, made
    under numbers it had used too; when that version ranks first, its own goes, and without
    being sent again it would be lost."""
    origins = engine.store.origins
    marked = 0
    for c in changes:
        if c.origin not in ids:
            continue
        idx = origins.idx(db, c.origin)
        held = rivals(db, idx, c, *bounds(c))
        if not batches.outranks(c, held) or not batches.vouches(db, origins, c, None):
            continue
        have = load_held(db, origins, [idx]).get(c.origin, RangeSet())
        for r in held:
            names = sorted({op[1] for op in r.ops})
            db.executemany(
                "INSERT OR IGNORE INTO sync_dirty (tbl, row_id, col) VALUES (?, ?, ?)",
                [(r.tbl, r.row_id, name) for name in names],
            )
            marked += len(names)
            have = forget(db, idx, r, have)
        save_held(db, origins, {c.origin: have})
    return marked


def take_successor_identity(
    engine: SyncEngine, reason: str, forked: frozenset[int] = frozenset()
) -> str:
    """Switches this vault to a new device identity, in one transaction with its audit entry;
    returns the new device id. The engine's context follows at once, so the very next change
    is captured under the new id.

    The old id's changes not signed yet (made since its last export) are signed with the old
    key first, which only this vault holds here: the old id never exports from this vault
    again, and unsigned they could only ever travel directly from it, so relays would refuse
    them and the network would never converge (batches.py). `forked`: sequence numbers the
    network holds with other content, left unsigned (reissue_forked sends this vault's
    version again under the new id)."""
    ctx = engine.store.ctx
    old = ctx.device_id
    with ctx.write() as s:
        db: Db = s.connection().connection.driver_connection  # type: ignore[assignment]
        keys = keystore.load(db)
        if keys is not None:
            batches.sign_own(db, engine.store.origins, old, keys.device.sign, forked)
            # Kept like a met origin's certificate, so bundles carry it beside those batches.
            batches.remember(
                db, engine.store.origins, [], {old: (keys.device.cert, keys.device.chain)}
            )
            successor = successor_identity(keys.device)
            keystore.save_device(db, successor)
            new = successor.device_id
        else:  # sync keys not founded yet: they will be, for the new id
            new = new_id()
        db.execute("UPDATE vault_meta SET value = ? WHERE key = 'device_id'", (new,))
        counters = LocalCounters.load(db)
        counters.next_seq = 1
        counters.save(db)
        db.execute("DELETE FROM vault_meta WHERE key = ?", (COPY_MARK,))
        ctx.device_id = new
        engine.store.audit.record(
            s, "sync.new_identity", "device", new, {"previous": old, "reason": reason}
        )
    return new
