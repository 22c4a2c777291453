"""What a bundle for another organisation may carry, decided by the sender at export.

A partner receives (1) records it owns (for example its own referral events, or its cases a
laptop of ours relays), (2) every referral sent to it and its events, in every state, (3) for
each active referral to it that rests on a consent (or other lawful basis) record that is not
withdrawn, or on an override recorded with its reason: that consent record and the case's
sections the referral shares, and (4) erasure notices, which hold ids only. Nothing else: not
the audit trail, not tasks, not sections the referral does not name. Withdrawing the consent
or the referral (or the partner declining it) stops further sharing of the case from the next
export (the referral's new state still travels, and so does the moment a consent was
withdrawn); what was sent before stays with the partner, as on paper. Should the family
consent again to sharing with that partner, an active referral whose consent was withdrawn
shares on the new consent from the next export.

A laptop enrolled for one team (certs.EnrolCert.team) receives, in bundles sealed to its own
key, only that team's cases with everything recorded on them (team_scope): the case, its
child, household, consent, notes, plans, tasks, referrals and their events, plus erasure
notices and the organisation's community mechanisms. Not the audit trail of other laptops,
not other teams' cases.

Every synced column must be classified below (a test checks): a new column is never shared
by accident, and never silently left out of a section.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from typing import Final

from cmdesk.core.model import catalog
from cmdesk.core.sync.db import Db, chunks, marks, quote
from cmdesk.core.sync.erasure import ERASURE_TABLE
from cmdesk.core.sync.materialize import Key
from cmdesk.core.sync.merge import REMOVED

# What each section shares, and what goes with any shared child or case whatever the sections
# (which record it is, whose, whether it was deleted): from the field catalog, where every
# synced column is a decision (cmdesk.core.model.catalog).
CHILD_BASE = catalog.base_fields("child")
CASE_BASE = catalog.base_fields("case_file")
ALL = catalog.ALL
SECTIONS = catalog.shared_by_section()

# Tables linked to a child (by child_id) or a case (by case_id) that sections may share.
CHILD_LINKED = ("household_member",)
CASE_LINKED = (
    "case_risk_change",
    "case_assessment",
    "case_goal",
    "case_plan_action",
    "case_review",
    "case_note",
)
# Referral states in which the receiving organisation works on the case.
ACTIVE_REFERRAL = ("sent", "acknowledged", "accepted")

Scope = dict[Key, frozenset[str] | None]  # None: every field
# What of a withdrawn consent travels to the partner of its referral: whose it is, about whom,
# for what and when it was given and withdrawn; not who gave it, how, why it was withdrawn.
# Enough to make the record where the partner never received it (withdrawn before the
# referral's first bundle), so the withdrawal does not wait there for a record that will
# never come.
WITHDRAWAL: Final = (
    "org_id",
    "child_id",
    "case_id",
    "purpose",
    "shared_with_org_id",
    "given_on",
    "withdrawn_at",
)


def _add(scope: Scope, key: Key, fields: Iterable[str] | None) -> None:
    if fields is None:
        scope[key] = None
        return
    if key in scope and scope[key] is None:
        return
    have = scope.get(key) or frozenset()
    scope[key] = have | frozenset(fields) | {REMOVED}


def _ids(db: Db, table: str, column: str, values: list[str]) -> list[str]:
    out: list[str] = []
    for part in chunks(values):
        out += [
            r[0]
            for r in db.execute(
                f"SELECT id FROM {quote(table)} WHERE {quote(column)} IN ({marks(len(part))})",
                list(part),
            )
        ]
    return out


def _tables(db: Db) -> set[str]:
    return {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def _standing_consent(db: Db, child_id: str, recipient: str) -> str | None:
    """The newest consent in force to share the child's case with `recipient` (as
    services.consents.active_sharing_basis finds it on either side)."""
    row = db.execute(
        "SELECT id FROM consent WHERE child_id = ? AND purpose = 'sharing' "
        "AND shared_with_org_id = ? AND withdrawn_at IS NULL "
        "ORDER BY created_at DESC LIMIT 1",
        (child_id, recipient),
    ).fetchone()
    return str(row[0]) if row else None


def scope_for(db: Db, recipient: str, owned_tables: Mapping[str, bool]) -> Scope:
    """What may be sent to organisation `recipient`, from this replica's current records.

    owned_tables: synced table name -> whether it has an org_id column."""
    scope: Scope = {}
    present = _tables(db)
    for table, owned in owned_tables.items():
        if owned and table in present:
            for (row_id,) in db.execute(
                f"SELECT id FROM {quote(table)} WHERE org_id = ?", (recipient,)
            ):
                scope[(table, row_id)] = None
    if ERASURE_TABLE in present:
        for (row_id,) in db.execute(f"SELECT id FROM {quote(ERASURE_TABLE)}"):
            scope[(ERASURE_TABLE, row_id)] = None
    if "referral" not in present:
        return scope
    # Events on the recipient's own referrals (its referrals to us) go back to it.
    own_referrals = [
        r[0] for r in db.execute("SELECT id FROM referral WHERE org_id = ?", (recipient,))
    ]
    for row_id in _ids(db, "referral_event", "referral_id", own_referrals):
        scope[("referral_event", row_id)] = None

    # Every referral sent to the recipient travels in every state, with its events: a
    # withdrawal, an answer, a closing reason must reach the other side (issue 10, 5b). The
    # case's own data travels only while the referral is active and rests on a standing
    # consent, or on an override recorded with its reason when there was none (5c).
    for (ref_id,) in db.execute(
        "SELECT id FROM referral WHERE to_org_id = ? AND status != 'draft'", (recipient,)
    ).fetchall():
        _add(scope, ("referral", ref_id), None)
        for ev in _ids(db, "referral_event", "referral_id", [ref_id]):
            _add(scope, ("referral_event", ev), None)
    # A consent withdrawn travels as its withdrawal (WITHDRAWAL: when, not why nor by whom):
    # the partner learns that the family took it back, and stops showing and printing what
    # the referral gave it (services.reports), though it keeps what it holds, as on paper.
    for (consent_id,) in db.execute(
        "SELECT c.id FROM referral r JOIN consent c ON c.id = r.consent_id "
        "WHERE r.to_org_id = ? AND r.status != 'draft' AND c.withdrawn_at IS NOT NULL",
        (recipient,),
    ).fetchall():
        _add(scope, ("consent", consent_id), WITHDRAWAL)
    rows = db.execute(
        f"SELECT r.case_id, r.child_id, r.shared_sections, r.consent_id, "
        f"c.id IS NOT NULL AND c.withdrawn_at IS NULL "
        f"AND (c.shared_with_org_id IS NULL OR c.shared_with_org_id = ?), "
        f"r.consent_id IS NULL AND r.override_reason != '' "
        f"FROM referral r LEFT JOIN consent c ON c.id = r.consent_id "
        f"WHERE r.to_org_id = ? AND r.status IN ({marks(len(ACTIVE_REFERRAL))})",
        (recipient, recipient, *ACTIVE_REFERRAL),
    ).fetchall()
    for case_id, child_id, sections_text, consent_id, standing, override in rows:
        basis = consent_id if standing else None
        if consent_id is not None and not standing:
            # The family took that consent back and has since consented again to sharing with
            # this partner: the referral shares on the new consent, which travels with it.
            basis = _standing_consent(db, child_id, recipient)
        if basis is None and not override:
            continue
        if basis is not None:
            _add(scope, ("consent", basis), None)
        try:
            sections = [s for s in json.loads(sections_text or "[]") if s in SECTIONS]
        except (TypeError, ValueError):
            sections = []
        _add(scope, ("child", child_id), CHILD_BASE)
        _add(scope, ("case_file", case_id), CASE_BASE)
        for section in sections:
            for table, fields in SECTIONS[section].items():
                if table == "child":
                    _add(scope, ("child", child_id), fields if fields != ALL else None)
                elif table == "case_file":
                    _add(scope, ("case_file", case_id), fields if fields != ALL else None)
                elif table in present:
                    link = "child_id" if table in CHILD_LINKED else "case_id"
                    owner = child_id if table in CHILD_LINKED else case_id
                    for row_id in _ids(db, table, link, [owner]):
                        _add(scope, (table, row_id), None if fields == ALL else fields)
    return scope


# Tables recorded on a case (by case_id) that travel whole with a team's case.
CASE_RECORDS = (*CASE_LINKED, "case_stage_change", "case_task", "referral")
# Records of the organisation as a whole that every laptop of it works with.
ORG_WIDE = ("community_mechanism", "mechanism_meeting")


def team_scope(db: Db, org_id: str, team: str) -> Scope:
    """What a laptop limited to `team` may receive: the organisation's cases of that team
    and everything recorded on them (whole records), erasure notices, the community
    mechanisms. A case moved to another team leaves the scope from the next bundle on."""
    present = _tables(db)
    rows = db.execute(
        "SELECT id, child_id FROM case_file WHERE org_id = ? AND team = ?", (org_id, team)
    ).fetchall()
    scope = case_records(db, [r[0] for r in rows], sorted({r[1] for r in rows}))
    for table in (ERASURE_TABLE, *ORG_WIDE):
        if table in present:
            for (row_id,) in db.execute(f"SELECT id FROM {quote(table)}"):
                scope[(table, row_id)] = None
    return scope


def case_records(db: Db, cases: list[str], children: list[str]) -> Scope:
    """The cases, everything recorded on them, and the children with their households and
    consents: what travels with a team's case, and what its laptop lets go of when the case
    leaves the team (team_leaving.py)."""
    present = _tables(db)
    scope: Scope = {}
    for case_id in cases:
        scope[("case_file", case_id)] = None
    for child_id in children:
        scope[("child", child_id)] = None
    for table in CASE_RECORDS:
        if table in present:
            for row_id in _ids(db, table, "case_id", cases):
                scope[(table, row_id)] = None
    for row_id in _ids(db, "household_member", "child_id", children):
        scope[("household_member", row_id)] = None
    for row_id in _ids(db, "consent", "child_id", children):
        scope[("consent", row_id)] = None
    referrals = [k[1] for k in scope if k[0] == "referral"]
    for row_id in _ids(db, "referral_event", "referral_id", referrals):
        scope[("referral_event", row_id)] = None
    return scope


class Touching(frozenset[str]):
    """A scope entry whose changes travel only when they write one of its fields, and then
    whole: a team's laptop checks every change relayed from another laptop of its own
    organisation against its origin's signature (batches.py), which a change cut down to some
    of its fields cannot match. (Fields written in the same save travel along.)"""


# What a team's laptop is told of a case that left its team (it still holds the case): who
# works on it now, so the case leaves the team's caseload there.
LEFT_TEAM_FIELDS = Touching({"team", "assigned_worker_id", "case_manager_id", REMOVED})


def left_team(db: Db, scope: Scope, holds: Callable[[str, int], bool]) -> Scope:
    """Cases outside `scope` of which the laptop holds some change (`holds(origin, seq)`):
    they were its team's once. Only who works on them travels on (LEFT_TEAM_FIELDS)."""
    out: Scope = {}
    for row_id, origin, seq, span in db.execute(
        "SELECT c.row_id, o.device_id, c.seq, c.span FROM sync_change c "
        "JOIN sync_origin o ON o.idx = c.origin WHERE c.tbl = 'case_file'"
    ):
        key = ("case_file", str(row_id))
        if key in scope or key in out:
            continue
        if any(holds(origin, n) for n in range(seq, seq + span)):
            out[key] = LEFT_TEAM_FIELDS
    return out
