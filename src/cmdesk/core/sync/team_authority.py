"""What a laptop limited to one team may change: that team's cases and what hangs on them.

A laptop enrolled for team T (certs.team_of) is given only T's cases (sharing.team_scope), so
its user's real work touches only them. A hostile copy of the app on such a laptop could still
sign changes to another team's case, or an erasure of another team's child; these rules refuse
them when the laptop's own bundle arrives (authority.py calls them for changes of this
organisation whose origin is a team laptop, in a bundle that laptop sent):

- a case record (the case, its notes, plans, tasks, assessments, referrals and their events)
  is the team's when its case is; a child, its household and consents when one of the
  child's cases is; records tied to no case (a child not yet given one, a community
  mechanism) are not limited;
- a new case is created inside the team only;
- an erasure lists only records of the team.

A case handed to another team while the laptop was offline was the team's when its worker
wrote the note that arrives late, and the worker could not know it had left: refusing that
note would lose a day's work. So a change to a case of another team is allowed as late work
when the case's held history (its team operations) shows it given to the laptop's team before
the change was stamped, and taken from it less than LATE_WORK before. A case that was never in
the team is refused, and so is a change stamped long after the case left the team: a laptop
that kept a copy of its team's old cases cannot go on changing them for ever.

A stamp is the laptop's own word, so late work is also held to the laptop's own order: a
laptop's stamps rise with its sequence numbers, and a change stamped earlier than a change the
same laptop numbered before it (held here, or in the same bundle) was backdated to pass as
late work, and is refused (`TeamRule.backdated`, after the whole bundle has been read: the
bundle comes in stamp order, so a backdated change arrives before the ones that give it away).
"""

from __future__ import annotations

import json
from bisect import bisect_left
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from cmdesk.core.i18n import N_
from cmdesk.core.sync.db import Db, quote
from cmdesk.core.sync.erasure import ERASURE_TABLE
from cmdesk.core.sync.hlc import pack
from cmdesk.core.sync.materialize import held_ops
from cmdesk.core.sync.oplog import Change, Origins
from cmdesk.core.sync.tables import AUDIT_TABLE, synced_tables

OUTSIDE_TEAM = N_("changes a case outside the team its laptop is limited to")
TEAM_ERASES = N_("erases a record outside the team its laptop is limited to")
REASONS = (OUTSIDE_TEAM, TEAM_ERASES)

# How long after a case left the team its laptop's work on it is still taken as written
# before the laptop could know (a field worker weeks in the hills without a connection).
LATE_WORK_DAYS = 30
LATE_WORK = pack(LATE_WORK_DAYS * 24 * 3600 * 1000)

# Whether a record is the team's: refused, the team's now (or tied to no case), or late work.
_REFUSED, _OURS, _LATE = 0, 1, 2


@dataclass(frozen=True)
class CaseTeam:
    case_id: str
    team: str  # its team now


# (table, row id) -> the cases the held record belongs to; None when this vault does not hold
# it or it belongs to no case.
CaseLookup = Callable[[str, str], list[CaseTeam] | None]
# A held case id -> each team it was given, with the HLC it was given at (its history).
TeamHistory = Callable[[str], list[tuple[str, int]]]
# An origin's changes in the bundle: (first number, last number, stamp).
Carried = Sequence[tuple[int, int, int]]
# (origin, seq, carried) -> the highest stamp of the origin's held changes numbered below
# seq (0: none), leaving out those the bundle carries in another version of their numbers.
HeldFloor = Callable[[str, int, Carried], int]


class TeamRule:
    """One bundle's changes from team laptops, judged in the bundle's order (records made
    earlier in the bundle are remembered for the changes that refer to them)."""

    def __init__(self, cases: CaseLookup, history: TeamHistory) -> None:
        self._cases = cases
        self._history = history
        self._born: dict[tuple[str, str], list[CaseTeam]] = {}
        # Each judged origin's (seq, stamp) in this bundle, and the changes let through as
        # late work with where the caller found them: judged again by `backdated`.
        self._stamps: dict[str, list[tuple[int, int]]] = {}
        self._late: list[tuple[object, Change]] = []
        # Every change of a team laptop in this bundle, judged or already held (carry).
        self._carried: dict[str, list[tuple[int, int, int]]] = {}

    def carry(self, change: Change) -> None:
        """Notes a change of a team laptop in this bundle, whether judged or held here."""
        lo, hi = change.seq, change.seq + max(change.span, 1) - 1
        self._carried.setdefault(change.origin, []).append((lo, hi, change.hlc))

    def reason(
        self, change: Change, values: dict[str, object], team: str, where: object = None
    ) -> str | None:
        """Why the change is refused, or None. `where`: given back by `backdated` for a
        change let through as late work."""
        self._stamps.setdefault(change.origin, []).append((change.seq, change.hlc))
        if change.tbl == AUDIT_TABLE:
            return None  # the laptop's own trail; it names no case of another team
        if change.tbl == ERASURE_TABLE:
            verdict = self._erasure(change, values, team)
            if verdict == _LATE:
                self._late.append((where, change))
            return TEAM_ERASES if verdict == _REFUSED else None
        key = (change.tbl, change.row_id)
        cases = self._born.get(key)
        if cases is None:
            cases = self._cases(*key)
        if cases is None:
            if change.tbl == "case_file":
                # Remembered even when refused: what the bundle hangs on it is refused too.
                cases = [CaseTeam(change.row_id, str(values.get("team") or ""))]
            else:
                cases = self._linked(values)
            self._born[key] = cases
        verdict = self._ours(cases, team, change.hlc)
        if verdict == _LATE:
            self._late.append((where, change))
        return OUTSIDE_TEAM if verdict == _REFUSED else None

    def backdated(self, floor: HeldFloor) -> list[tuple[object, Change]]:
        """The changes let through as late work that are stamped earlier than a change their
        laptop numbered before them (in this bundle, or held here by `floor`), with their
        `where`. Called once the whole bundle has been judged."""
        if not self._late:
            return []
        rising: dict[str, tuple[list[int], list[int]]] = {}
        for origin, stamps in self._stamps.items():
            stamps.sort()
            highest, high = [], 0
            for _seq, hlc in stamps:
                high = max(high, hlc)
                highest.append(high)
            rising[origin] = ([seq for seq, _hlc in stamps], highest)
        found: list[tuple[object, Change]] = []
        for where, change in self._late:
            seqs, highest = rising.get(change.origin, ([], []))
            before = bisect_left(seqs, change.seq)
            high = highest[before - 1] if before else 0
            held = floor(change.origin, change.seq, self._carried.get(change.origin, ()))
            if max(high, held) > change.hlc:
                found.append((where, change))
        return found

    def _linked(self, values: dict[str, object]) -> list[CaseTeam]:
        """The cases a record not held here belongs to, by the links it is made with."""
        found: list[CaseTeam] = []
        for column, target in (("case_id", "case_file"), ("child_id", "child")):
            linked = values.get(column)
            if isinstance(linked, str) and linked:
                found += self._of(target, linked)
        referral = values.get("referral_id")
        if isinstance(referral, str) and referral:
            found += self._of("referral", referral)
        return found

    def _of(self, tbl: str, row_id: str) -> list[CaseTeam]:
        return self._born.get((tbl, row_id)) or self._cases(tbl, row_id) or []

    def _erasure(self, change: Change, values: dict[str, object], team: str) -> int:
        listed = values.get("erased")
        try:
            erased = json.loads(listed) if isinstance(listed, str) else listed
        except ValueError:
            return _REFUSED
        if erased is None:
            return _OURS
        if not isinstance(erased, dict):
            return _REFUSED
        verdict = _OURS
        for tbl, ids in erased.items():
            for row_id in ids if isinstance(ids, list) else [ids]:
                one = self._ours(self._of(str(tbl), str(row_id)), team, change.hlc)
                if one == _REFUSED:
                    return _REFUSED
                verdict = max(verdict, one)
        return verdict

    def _ours(self, cases: list[CaseTeam], team: str, hlc: int) -> int:
        """_OURS: no case, or one of them is the team's; _LATE: one was the team's when the
        change was stamped, or left it less than LATE_WORK before; else _REFUSED."""
        if not cases or any(c.team == team for c in cases):
            return _OURS
        for c in cases:
            history = sorted(self._history(c.case_id), key=lambda given: given[1])
            for k, (given, at) in enumerate(history):
                if given != team or at >= hlc:
                    continue
                left = next((later for other, later in history[k + 1 :] if other != team), None)
                if left is None or hlc < left + LATE_WORK:
                    return _LATE
        return _REFUSED


def db_cases(db: Db) -> CaseLookup:
    """The cases of held records, with their teams now."""
    tables = synced_tables()

    def found(where: str, value: str) -> list[CaseTeam]:
        rows = db.execute(f"SELECT id, team FROM case_file WHERE {where} = ?", (value,))
        return [CaseTeam(str(case_id), str(team or "")) for case_id, team in rows]

    def case(case_id: str) -> list[CaseTeam]:
        return found("id", case_id)

    def child(child_id: str) -> list[CaseTeam]:
        # One query for all the child's cases, not one per case.
        return found("child_id", child_id)

    def cases(tbl: str, row_id: str) -> list[CaseTeam] | None:
        if tbl == "case_file":
            return case(row_id) or None
        table = tables.get(tbl)
        if table is None:
            return None
        links = [c for c in ("case_id", "child_id", "referral_id") if c in table.columns]
        if tbl == "child":
            held = db.execute("SELECT 1 FROM child WHERE id = ?", (row_id,)).fetchone()
            return child(row_id) if held else None
        if not links:
            return None
        row = db.execute(
            f"SELECT {', '.join(links)} FROM {quote(tbl)} WHERE id = ?", (row_id,)
        ).fetchone()
        if row is None:
            return None
        linked = dict(zip(links, row, strict=True))
        if linked.get("case_id"):
            return case(str(linked["case_id"]))
        if linked.get("child_id"):
            return child(str(linked["child_id"]))
        if linked.get("referral_id"):
            return cases("referral", str(linked["referral_id"])) or []
        return []

    return cases


def db_history(db: Db, origins: Origins) -> TeamHistory:
    """The teams a held case was given, from its operations in the log."""

    def history(case_id: str) -> list[tuple[str, int]]:
        ops, _waiting = held_ops(db, origins, "case_file", case_id)
        return [(str(op.value), op.stamp.hlc) for op in ops if op.field == "team"]

    return history


def db_floor(db: Db, origins: Origins) -> HeldFloor:
    """The highest stamp of an origin's held changes numbered below a sequence number, but
    for those the bundle carries in another version: a team laptop's folder copied whole
    gives two laptops one id, each numbering on from the copy; the other copy's stamps say
    nothing of this one's order, and counting them refused the copy's late note as backdated
    (tests/core/sync/test_team_copies.py). A copy's other version is kept or sent again by
    the fork rules (reidentify.py)."""

    def floor(origin: str, seq: int, carried: Carried) -> int:
        idx = origins.by_id.get(origin)
        if idx is None:
            row = db.execute("SELECT idx FROM sync_origin WHERE device_id = ?", (origin,))
            found = row.fetchone()
            if found is None:
                return 0
            idx = int(found[0])
        held = db.execute(
            "SELECT seq, span, hlc FROM sync_change WHERE origin = ? AND seq < ? ORDER BY hlc DESC",
            (idx, seq),
        )
        for first, span, hlc in held:
            last = int(first) + max(int(span), 1) - 1
            if not any(
                lo <= last and int(first) <= hi and (lo, hi, h) != (int(first), last, int(hlc))
                for lo, hi, h in carried
            ):
                return int(hlc)
        return 0

    return floor
