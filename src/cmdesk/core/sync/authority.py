"""Who may change what: every incoming change is checked against its origin's organisation
and the owner of the record it touches, before anything of the bundle is applied.

A bundle's signature says who carried it, not that the carrier may make every change inside
it. The rules, per change (the origin's organisation is O, this vault's is `own`):

- a partner's bundle carries only its own organisation's changes (a partner cannot relay or
  invent another organisation's operations), unless this vault already holds the change;
- changes made inside this vault's own organisation are not second-guessed here;
- O changes only records O owns (`org_id`), and creates records only inside O;
- on a referral addressed to O, O writes only its answer (status, when, why); its feedback
  goes into referral events of its own, linked to that referral, never to a case or child
  of another organisation;
- O erases only records it owns, and never writes another organisation's audit trail;
- a laptop of this organisation limited to one team changes only that team's cases, in the
  bundles it sends itself (team_authority.py); what a whole-organisation laptop relays was
  judged where it first arrived.

Refused changes are not stored: the real change with that origin and number can still come.
A partner's change to a record of an owned table that this vault does not hold yet, and that
does not name an owner (not a creation: an answer to a referral that has not arrived here,
because the laptop hears from the partner before its own office), cannot be judged: it is
left out without a refusal, not held, and comes again with the partner's next bundle.
The functions here are pure over the decoded changes and a lookup of current owners.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from cmdesk.core.i18n import N_, NP_
from cmdesk.core.sync import batches, team_authority, values
from cmdesk.core.sync.db import Db, chunks, marks, quote
from cmdesk.core.sync.erasure import ERASURE_TABLE
from cmdesk.core.sync.oplog import Change
from cmdesk.core.sync.tables import AUDIT_TABLE, synced_tables
from cmdesk.core.sync.vectors import Vector

# Reasons, shown to the person importing (Thai and English) and counted per bundle.
FOREIGN_ORIGIN = N_("made by a device of another organisation than the one that sent the bundle")
NOT_OWNER = N_("changes a record that belongs to another organisation")
CREATED_INSIDE = N_("creates a record inside another organisation")
ERASES_OTHERS = N_("erases a record that belongs to another organisation")
AUDIT_OF_OTHERS = N_("writes into another organisation's audit trail")
REFERRAL_FIELDS = N_("changes parts of a referral that only the referring organisation may change")

REFUSED_NOTE = NP_(
    "{n} change in this bundle was refused: the device that made it has no right to make "
    "it. It was not applied; the rest of the bundle was. Tell your data manager.",
    "{n} changes in this bundle were refused: the device that made them has no right to "
    "make them. They were not applied; the rest of the bundle was. Tell your data manager.",
)
REFUSED_LINE = N_("{n} refused: {reason}")

# Not a refusal, never shown: the change waits for its record (module docstring).
NOT_HERE_YET = "not here yet"

REASONS = (
    FOREIGN_ORIGIN,
    NOT_OWNER,
    CREATED_INSIDE,
    ERASES_OTHERS,
    AUDIT_OF_OTHERS,
    REFERRAL_FIELDS,
    # A relayed change its origin did not sign as it arrived (checked after these).
    *batches.REASONS,
    # An interrupted import keeps reasons by their place in this tuple: new ones go last.
    *team_authority.REASONS,
    *values.REASONS,
)

# What the organisation a referral is addressed to may write on it: its answer.
REFERRAL_ANSWER = frozenset(
    {"status", "status_changed_at", "closing_reason", "updated_at", "updated_by"}
)
# Link columns that tie a row to another record (whose owner must then be the writer too).
LINKS = (("case_id", "case_file"), ("child_id", "child"), ("referral_id", "referral"))


@dataclass(frozen=True)
class Owner:
    org_id: str
    to_org_id: str = ""  # for a referral: the organisation it is addressed to


# (table, row id) -> the record's owner, or None when this vault does not hold it.
OwnerLookup = Callable[[str, str], Owner | None]


@dataclass(frozen=True)
class Facts:
    own_org: str
    sender_org: str
    sender_device: str
    # Devices whose organisation is known (certificates, earlier bundles), this one included.
    device_orgs: dict[str, str]
    held: Vector
    owner: OwnerLookup
    # When the sender is a laptop of this organisation limited to one team: that team, the
    # teams of the organisation's other team laptops, and the cases of held records.
    sender_team: str | None = None
    device_teams: Mapping[str, str] = field(default_factory=dict)
    cases: team_authority.CaseLookup | None = None
    history: team_authority.TeamHistory | None = None


@dataclass(frozen=True)
class Refusal:
    origin: str
    seq: int
    table: str
    reason: str  # one of REASONS (a msgid)


@dataclass
class Verdict:
    segments: list[list[Change]]
    refused: list[Refusal] = field(default_factory=list)
    # Left out until their records are here (NOT_HERE_YET): neither applied nor refused.
    waiting: list[Change] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for r in self.refused:
            out[r.reason] = out.get(r.reason, 0) + 1
        return out


class Judge:
    """Changes judged one at a time, in the bundle's order, so an import can judge a bundle
    segment by segment without holding its changes (importing.py). `origins`: every origin
    the bundle may carry (a superset will do); when all are this organisation's own and the
    sender is too, nothing is judged."""

    def __init__(self, facts: Facts, origins: Iterable[str]) -> None:
        self.facts = facts
        self.partner_bundle = facts.sender_org != facts.own_org
        # Organisations per origin device, decided once (a bundle has a handful of origins).
        self.orgs = {o: _origin_org(o, facts, self.partner_bundle) for o in origins}
        # A team laptop's own bundle: its changes are held to its team.
        self.team_rule = (
            team_authority.TeamRule(facts.cases, facts.history)
            if facts.sender_team is not None and facts.cases and facts.history
            else None
        )
        # Only this organisation's own changes from a laptop not limited to a team: nothing
        # here to refuse (the common case, and the large imports: no per-change work).
        self.trivial = (
            not self.partner_bundle
            and self.team_rule is None
            and all(org == facts.own_org for org in self.orgs.values())
        )
        # Records created or re-owned earlier in this bundle (not yet in the vault).
        self.born: dict[tuple[str, str], Owner] = {}

    def reason(self, change: Change, where: object = None) -> str | None:
        """Why the change is refused, or None. `where`: the caller's note of where the change
        is, given back with it if the team rule must judge it again (TeamRule.backdated)."""
        if self.trivial:
            return None
        org = self.orgs.get(change.origin)
        if org is None:
            org = self.orgs[change.origin] = _origin_org(
                change.origin, self.facts, self.partner_bundle
            )
        reason = _reason(change, org, self.facts, self.partner_bundle, self.born)
        if reason is None and self.team_rule is not None and org == self.facts.own_org:
            team = self._team(change.origin)
            held = self.facts.held.get(change.origin)
            if team is not None:
                self.team_rule.carry(change)
                if not (held is not None and change.seq in held):
                    return self.team_rule.reason(change, _values(change), team, where)
        return reason

    def prefetch(self, segment: Sequence[Change]) -> None:
        """Reads the owners of the segment's records at once, before its changes are judged
        one by one (DbOwners.prefetch)."""
        if not self.trivial and isinstance(self.facts.owner, DbOwners):
            self.facts.owner.prefetch((c.tbl, c.row_id) for c in segment)

    def _team(self, origin: str) -> str | None:
        if origin == self.facts.sender_device:
            return self.facts.sender_team
        return self.facts.device_teams.get(origin)


def check(segments: Sequence[Sequence[Change]], facts: Facts) -> Verdict:
    """The changes that may be applied, segment by segment, and the ones refused with why."""
    judge = Judge(facts, {c.origin for seg in segments for c in seg})
    if judge.trivial:
        return Verdict([list(seg) for seg in segments])
    verdict = Verdict([])
    for segment in segments:
        judge.prefetch(segment)
        kept: list[Change] = []
        for change in segment:
            reason = judge.reason(change)
            if reason is None:
                kept.append(change)
            elif reason == NOT_HERE_YET:
                verdict.waiting.append(change)
            else:
                verdict.refused.append(Refusal(change.origin, change.seq, change.tbl, reason))
        verdict.segments.append(kept)
    if judge.team_rule is not None:
        # Backdated late work, within the bundle (no vault here: nothing held counts).
        late = {id(c) for _where, c in judge.team_rule.backdated(lambda _origin, _seq, _carried: 0)}
        for kept in verdict.segments:
            for change in [c for c in kept if id(c) in late]:
                kept.remove(change)
                verdict.refused.append(
                    Refusal(change.origin, change.seq, change.tbl, team_authority.OUTSIDE_TEAM)
                )
    return verdict


def _origin_org(origin: str, facts: Facts, partner_bundle: bool) -> str:
    if origin == facts.sender_device:
        return facts.sender_org
    known = facts.device_orgs.get(origin)
    if known is not None:
        return known
    # An unknown device in a partner's bundle counts as the partner's: the partner signed
    # for it, and the ownership rules below then hold it to the partner's records.
    return facts.sender_org if partner_bundle else facts.own_org


def _reason(
    change: Change,
    org: str,
    facts: Facts,
    partner_bundle: bool,
    born: dict[tuple[str, str], Owner],
) -> str | None:
    held = facts.held.get(change.origin)
    if held is not None and change.seq in held:
        return None  # already here: applying counts it as a duplicate, nothing changes
    if partner_bundle and org != facts.sender_org:
        return FOREIGN_ORIGIN
    key = (change.tbl, change.row_id)
    if org == facts.own_org:
        # Only records that name their owner (new ones) are remembered, for later changes
        # of this bundle that refer to them.
        names = change.names if change.names is not None else [op[1] for op in change.ops]
        if "org_id" in names:
            _remember(born, key, _values(change))
        return None
    values = _values(change)
    if change.tbl == AUDIT_TABLE:
        return AUDIT_OF_OTHERS
    if change.tbl == ERASURE_TABLE and (refused := _erasure(values, org, facts, born)):
        return refused
    current = born.get(key) or facts.owner(*key)
    if current is None:
        table = synced_tables().get(change.tbl)
        if table is not None and table.owned and "org_id" not in values:
            return NOT_HERE_YET
        reason = _creation(change.tbl, values, org, facts, born)
        if reason is None:
            _remember(born, key, values)
        return reason
    if current.org_id == org:
        if "org_id" in values and values["org_id"] != org:
            return NOT_OWNER
        return None
    if change.tbl == "referral" and current.to_org_id == org:
        return None if set(values) <= REFERRAL_ANSWER else REFERRAL_FIELDS
    return NOT_OWNER


def _creation(
    tbl: str,
    values: dict[str, object],
    org: str,
    facts: Facts,
    born: dict[tuple[str, str], Owner],
) -> str | None:
    # A new record names its organisation; one that does not is not the partner's to create.
    if values.get("org_id") != org:
        return CREATED_INSIDE
    for column, target in LINKS:
        linked = values.get(column)
        if not isinstance(linked, str) or not linked:
            continue
        parent = born.get((target, linked)) or facts.owner(target, linked)
        if parent is None or parent.org_id == org:
            continue
        # Feedback of its own on a referral addressed to it is all a partner adds there.
        if tbl == "referral_event" and target == "referral" and parent.to_org_id == org:
            continue
        if tbl == "referral_event" and target != "referral":
            continue  # the referral link decides; its case and child are the referrer's
        return CREATED_INSIDE
    return None


def _erasure(
    values: dict[str, object], org: str, facts: Facts, born: dict[tuple[str, str], Owner]
) -> str | None:
    listed = values.get("erased")
    try:
        erased = json.loads(listed) if isinstance(listed, str) else listed
    except ValueError:
        return ERASES_OTHERS
    if not isinstance(erased, dict):
        return None if listed is None else ERASES_OTHERS
    for tbl, ids in erased.items():
        for row_id in ids if isinstance(ids, list) else [ids]:
            owner = born.get((str(tbl), str(row_id))) or facts.owner(str(tbl), str(row_id))
            if owner is not None and owner.org_id != org:
                return ERASES_OTHERS
    return None


def _remember(
    born: dict[tuple[str, str], Owner],
    key: tuple[str, str],
    values: dict[str, object],
) -> None:
    org = values.get("org_id")
    if not isinstance(org, str):
        return
    to = values.get("to_org_id")
    born[key] = Owner(org, to if isinstance(to, str) else "")


def _values(change: Change) -> dict[str, object]:
    if change.names is not None and change.values is not None:
        return dict(zip(change.names, change.values, strict=False))
    return {str(op[1]): op[2] for op in change.ops if len(op) > 2}


class DbOwners:
    """Owners as this vault holds them (deleted records included): an OwnerLookup that reads
    a segment's records with one query a table (prefetch) instead of one per change (a
    partner's first bundle judges every one of its records: 210k queries for 10k cases)."""

    def __init__(self, db: Db) -> None:
        self._db = db
        self._tables = synced_tables()
        self._known: dict[tuple[str, str], Owner | None] = {}

    def _columns(self, tbl: str) -> str | None:
        table = self._tables.get(tbl)
        if table is None or not table.owned:
            return None
        return "org_id, to_org_id" if "to_org_id" in table.columns else "org_id"

    def __call__(self, tbl: str, row_id: str) -> Owner | None:
        key = (tbl, row_id)
        if key in self._known:
            return self._known[key]
        columns = self._columns(tbl)
        if columns is None:
            return None
        row = self._db.execute(
            f"SELECT {columns} FROM {quote(tbl)} WHERE id = ?", (row_id,)
        ).fetchone()
        return None if row is None else _owner(row)

    def prefetch(self, keys: Iterable[tuple[str, str]]) -> None:
        """Reads the owners of these records at once, forgetting those read before (the
        vault does not change while an import judges its bundle)."""
        by_table: dict[str, list[str]] = {}
        for tbl, row_id in keys:
            by_table.setdefault(tbl, []).append(row_id)
        known: dict[tuple[str, str], Owner | None] = {}
        for tbl, ids in by_table.items():
            columns = self._columns(tbl)
            if columns is None:
                continue
            for part in chunks(ids):
                for row in self._db.execute(
                    f"SELECT id, {columns} FROM {quote(tbl)} WHERE id IN ({marks(len(part))})",
                    list(part),
                ):
                    known[(tbl, str(row[0]))] = _owner(row[1:])
            for row_id in ids:
                known.setdefault((tbl, row_id), None)
        self._known = known


def _owner(row: Sequence[object]) -> Owner:
    return Owner(str(row[0]), str(row[1]) if len(row) > 1 and row[1] else "")


def db_owner(db: Db) -> DbOwners:
    return DbOwners(db)


def device_orgs(db: Db, own_device: str, own_org: str) -> dict[str, str]:
    """Each known device's organisation, as learned from certified senders."""
    found = {str(d): str(o) for d, o in db.execute("SELECT device_id, org_id FROM sync_device")}
    found[own_device] = own_org
    return found
