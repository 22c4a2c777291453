"""A team's laptop lets go of the cases that left its team.

A laptop enrolled for one team receives that team's cases only (sharing.team_scope). When the
office hands a case to another team, the laptop is told who works on it now
(sharing.left_team), and the case leaves its caseload; but the records it already held (the
child's name, the notes, the plan) would stay readable on it for as long as the laptop
exists, to a colleague who no longer works on the case or a thief. So, on import, the laptop
removes every case of another team (or of none) with everything recorded on it, and the
child with household and consents when no case of the team is left on the child.

Nothing is lost to it: a case is removed only when a bundle's sender has held every change
this laptop holds of those records (its own work written offline included) for GRACE, as
the bundles it imported said (by the clock of the laptop that made them); until then the
case stays. The wait is longer than
the office's backup interval: by the time the laptop lets go, the office has made a backup
holding that work, so an office restored from its latest backup (a failed disk) still has it.
The removal is this laptop's own business, not a
change: nothing is captured, and no other replica hears of it, except that the laptop stops
reporting those changes as held (sync_held). The office, which takes a team laptop's own
report of what it holds as the whole truth (importing._learn), then stops telling it about
the case, and sends the case whole again should it come back to the team.
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import UTC, datetime, timedelta

from cmdesk.core.sync.bundle_format import Header
from cmdesk.core.sync.db import Db, chunks, marks
from cmdesk.core.sync.erasure import purge
from cmdesk.core.sync.materialize import Key
from cmdesk.core.sync.oplog import Origins, load_held, save_held
from cmdesk.core.sync.sharing import case_records
from cmdesk.core.sync.triggers import suspended
from cmdesk.core.sync.vectors import RangeSet, Vector

# (origin device, first sequence number, last sequence number) of one held change.
Span = tuple[str, int, int]

# Two weeks: twice the weekly backup the README asks an office to make. Counted by the
# clock of the laptop that made the bundles (the office's), not this one's: a field laptop's
# clock may be far off after a flat battery, and one running ahead must not cut the wait.
GRACE = timedelta(days=14)
# vault_meta (never synced): each leaving case, with when a sender was first seen to hold all
# of it (ISO time, UTC).
SINCE = "team_leaving_since"


def let_go(
    db: Db, origins: Origins, team: str, sender_holds: Vector, now: datetime | None = None
) -> int:
    """Removes the cases not of `team` of which `sender_holds` every held change, and held
    them already GRACE ago; how many. Inside the caller's write transaction (an import's
    last one)."""
    now = now or datetime.now(UTC)
    leaving: dict[str, str] = {
        str(case_id): str(child_id)
        for case_id, child_id in db.execute(
            # A case of no team (or another) is not the team's. One opened here without a
            # team is refused at the office (team_authority), which never holds it: kept.
            "SELECT id, child_id FROM case_file WHERE team IS NULL OR team != ?",
            (team,),
        )
    }
    # A case back in the team, or gone, is forgotten; one with work the sender lacks waits
    # from the start again once the sender holds it.
    stored = _load_since(db)
    since = {c: t for c, t in stored.items() if c in leaving}
    gone: set[Key] = set()
    removed: list[Span] = []
    for case_id in sorted(leaving):
        keys = set(case_records(db, [case_id], []))
        spans = _spans(db, origins, keys)
        if not _all_held(spans, sender_holds):
            since.pop(case_id, None)
            continue
        first = _moment(since.setdefault(case_id, now.isoformat()), now)
        if now - first >= GRACE:
            gone |= keys
            removed += spans
    cases = {k[1] for k in gone if k[0] == "case_file"}
    waiting = {c: t for c, t in since.items() if c not in cases}
    if waiting != stored:  # most imports change nothing here: no write for them
        _save_since(db, waiting)
    if not cases:
        return 0
    staying = _children_with_cases(db, cases)
    orphans = sorted({leaving[c] for c in cases} - staying)
    child_keys = set(case_records(db, [], orphans))
    child_spans = _spans(db, origins, child_keys)
    if _all_held(child_spans, sender_holds):
        gone |= child_keys
        removed += child_spans
    with suspended(db):
        purge(db, gone)
    # Deleting rows marks them for capture; this removal is not a change of this laptop's.
    db.execute("DELETE FROM sync_dirty")
    _forget_held(db, origins, removed)
    return len(cases)


def made_at(header: Header) -> datetime:
    """When the bundle was made, by its maker's clock (now, if it cannot be read)."""
    return _moment(header.created_at, datetime.now(UTC))


def _moment(text: str, otherwise: datetime) -> datetime:
    """An ISO time as an aware datetime (UTC when it names no zone); `otherwise` when it is
    not one: a bad date must not stop an import."""
    try:
        at = datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return otherwise
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)


def _load_since(db: Db) -> dict[str, str]:
    row = db.execute("SELECT value FROM vault_meta WHERE key = ?", (SINCE,)).fetchone()
    try:
        found = json.loads(row[0]) if row is not None else {}
    except ValueError:
        found = {}  # unreadable: the waits start again
    return {str(k): str(v) for k, v in found.items()} if isinstance(found, dict) else {}


def _save_since(db: Db, since: dict[str, str]) -> None:
    if not since:
        db.execute("DELETE FROM vault_meta WHERE key = ?", (SINCE,))
        return
    db.execute(
        "INSERT INTO vault_meta (key, value) VALUES (?, ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (SINCE, json.dumps(since, sort_keys=True)),
    )


def _spans(db: Db, origins: Origins, keys: set[Key]) -> list[Span]:
    by_table: dict[str, list[str]] = defaultdict(list)
    for tbl, row_id in keys:
        by_table[tbl].append(row_id)
    out: list[Span] = []
    for tbl, ids in by_table.items():
        for part in chunks(sorted(ids)):
            for origin, seq, span in db.execute(
                f"SELECT origin, seq, span FROM sync_change "
                f"WHERE tbl = ? AND row_id IN ({marks(len(part))})",
                [tbl, *part],
            ):
                out.append((origins.device(db, origin), int(seq), int(seq) + int(span) - 1))
    return out


def _all_held(spans: list[Span], holds: Vector) -> bool:
    """Does the sender hold each of these changes? A change is held whole or not at all, so
    a sender holding some of a change's numbers and not the rest holds another version of
    them: two copies of one laptop used those numbers (reidentify.py), and the sender kept the
    version every replica keeps (batches.rank). This laptop sends the sender, at every
    exchange, whatever of its numbers the sender lacks, so the version here reached it and
    lost; its content went out again under the new identity of the laptop that made it.
    Found by the stateful model: a note whose numbers the office's copy had used kept its
    case on the team's laptop for ever, after the case left the team."""
    return all(o in holds and holds[o].intersects(lo, hi) for o, lo, hi in spans)


def _children_with_cases(db: Db, leaving: set[str]) -> set[str]:
    """Children that still have a case here other than those leaving."""
    return {
        str(child_id)
        for case_id, child_id in db.execute("SELECT id, child_id FROM case_file")
        if str(case_id) not in leaving
    }


def _forget_held(db: Db, origins: Origins, removed: list[Span]) -> None:
    """This laptop no longer holds the removed changes: its next report says so."""
    if not removed:
        return
    touched = sorted({o for o, _lo, _hi in removed})
    held = load_held(db, origins, [origins.idx(db, o) for o in touched])
    for origin, lo, hi in removed:
        held[origin] = held.get(origin, RangeSet()).without(lo, hi)
    save_held(db, origins, {o: held.get(o, RangeSet()) for o in touched})
