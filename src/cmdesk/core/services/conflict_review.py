"""Open sync conflicts as a person reviews them: which case or child each concerns, who made
each value (from the audit trail, which syncs within the organisation), and only the
conflicts about records the signed-in user may see.

The sync engine's own list (`sync.resolution.open_conflicts`) holds every conflict with
device ids and stamps; it is internal. `ws.conflicts` is the only way in: a reviewer needs the
case number, the child's name and a colleague's user name instead, and must not see values
of cases outside their work (the same rules as `access.case_scope`, deleted records
included: a deletion can be the very thing in conflict).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import TYPE_CHECKING, cast

from sqlalchemy import select
from sqlalchemy.orm import Session

from cmdesk.core.acting.access import may_see_case
from cmdesk.core.acting.case_actions import CASEWORK_ROLES
from cmdesk.core.acting.changes import OpChanges
from cmdesk.core.acting.context import Actor
from cmdesk.core.errors import PermissionDenied
from cmdesk.core.model import AuditEntry, Base, Case, Child, Organisation, Referral, catalog
from cmdesk.core.model.child import full_name
from cmdesk.core.model.roles import Role
from cmdesk.core.services.users import known_staff
from cmdesk.core.sync import rejections as rej
from cmdesk.core.sync.resolution import coerce, open_conflicts, resolve

if TYPE_CHECKING:
    from cmdesk.core.sync.merge import Value
    from cmdesk.core.sync.status import ConflictDTO
    from cmdesk.core.workspace import Workspace

# How far apart a change's sync stamp and its audit entry may be (both are written in the
# same transaction; the stamp is taken at commit).
AUTHOR_WINDOW = timedelta(seconds=5)


@dataclass(frozen=True)
class SideView:
    index: int  # as `ws.conflicts.decide(..., choose=index)` counts
    field: str
    value: Value
    stamped_at: datetime  # UTC
    device_id: str
    this_device: bool
    author: str  # user name from the audit trail; "" when unknown


@dataclass(frozen=True, kw_only=True)
class ConflictView:
    id: str
    table: str
    row_id: str
    field: str
    kind: str  # "edit" or "delete"
    case_id: str  # "" when the record belongs to no case
    child_id: str
    case_number: str
    child_name_th: str
    child_name_latin: str
    sides: tuple[SideView, ...]


@dataclass(frozen=True)
class ConflictReview:
    conflicts: tuple[ConflictView, ...]
    # Open conflicts about records this user may not see (a colleague decides them).
    hidden: int
    # For showing values that are ids: user id -> user name, organisation id -> code.
    users: dict[str, str]
    orgs: dict[str, str]


@dataclass(frozen=True)
class _Owner:
    case: Case | None
    child: Child | None
    # The organisation owning the row itself ("" when unknown): only its staff decide.
    org_id: str = ""


def review(ws: Workspace) -> ConflictReview:
    """The open conflicts the signed-in user may review, and how many others are open."""
    found = open_conflicts(ws.sync)
    actor = ws.actor
    me = ws.device_id
    shown: list[ConflictView] = []
    with ws.ctx.read() as s:
        for c in found:
            owner = _owner(s, c.table, c.row_id)
            if not _may_review(s, actor, owner):
                continue
            shown.append(_view(s, c, owner, me))
        users = {uid: name for uid, (name, _display) in known_staff(s).items()}
        orgs = {o.id: o.code for o in s.scalars(select(Organisation))}
    return ConflictReview(tuple(shown), len(found) - len(shown), users, orgs)


def open_count(ws: Workspace) -> int:
    """How many open conflicts the signed-in user may decide (for a badge)."""
    found = open_conflicts(ws.sync)
    if not found:
        return 0
    with ws.ctx.read() as s:
        return sum(1 for c in found if _may_review(s, ws.actor, _owner(s, c.table, c.row_id)))


def _owner(s: Session, table: str, row_id: str) -> _Owner:
    """The case and child a synced row belongs to (either may be None)."""
    if table == "case_file":
        case = s.get(Case, row_id)
        return _Owner(case, s.get(Child, case.child_id) if case else None)
    if table == "child":
        return _Owner(None, s.get(Child, row_id))
    columns = Base.metadata.tables[table].columns
    org = ""
    if "org_id" in columns:
        org = s.execute(select(columns["org_id"]).where(columns["id"] == row_id)).scalar() or ""
    links = [columns[n] for n in ("case_id", "child_id", "referral_id") if n in columns]
    if not links:
        return _Owner(None, None, org)
    row = s.execute(select(*links).where(columns["id"] == row_id)).first()
    if row is None:
        return _Owner(None, None, org)
    ids = dict(zip((c.name for c in links), row, strict=True))
    if ids.get("referral_id"):
        referral = s.get(Referral, ids["referral_id"])
        if referral is not None:
            ids.update(case_id=referral.case_id, child_id=referral.child_id)
    case = s.get(Case, ids["case_id"]) if ids.get("case_id") else None
    child_id = ids.get("child_id") or (case.child_id if case else None)
    return _Owner(case, s.get(Child, child_id) if child_id else None, org)


def _sees_case(actor: Actor, case: Case) -> bool:
    # The case rules of `access`, asked as if the case were live: a deleted case may be
    # what the conflict is about.
    live = SimpleNamespace(
        deleted_at=None,
        org_id=case.org_id,
        case_manager_id=case.case_manager_id,
        assigned_worker_id=case.assigned_worker_id,
        team=case.team,
    )
    return may_see_case(actor, cast(Case, live))


def _may_review(s: Session, actor: Actor, owner: _Owner) -> bool:
    if actor.role not in CASEWORK_ROLES:
        return False
    if owner.org_id and owner.org_id != actor.org_id:
        # Another organisation's record (a partner's answer on our referral, or ours at a
        # partner): decided by the organisation that owns it, where it syncs from.
        return False
    if owner.case is not None:
        return _sees_case(actor, owner.case)
    child = owner.child
    if child is None:
        return actor.role == Role.SUPERVISOR
    if child.org_id == actor.org_id and (
        actor.role == Role.SUPERVISOR or child.created_by == actor.user_id
    ):
        return True
    cases = s.scalars(select(Case).where(Case.child_id == child.id))
    return any(_sees_case(actor, case) for case in cases)


def _view(s: Session, c: ConflictDTO, owner: _Owner, me: str) -> ConflictView:
    entities = {c.row_id}
    if owner.case is not None:
        entities.add(owner.case.id)
    if owner.child is not None:
        entities.add(owner.child.id)
    sides = []
    for i, side in enumerate(c.sides):
        at = datetime.fromisoformat(side.stamped_at).astimezone(UTC)
        sides.append(
            SideView(
                i,
                side.field,
                side.value,
                at,
                side.origin,
                side.origin == me,
                _author(s, side.origin, entities, at),
            )
        )
    child = owner.child
    return ConflictView(
        id=c.id,
        table=c.table,
        row_id=c.row_id,
        field=c.field,
        kind=c.kind,
        case_id=owner.case.id if owner.case else "",
        child_id=child.id if child else "",
        case_number=owner.case.case_number if owner.case else "",
        child_name_th=full_name(child.given_name_th, child.family_name_th) if child else "",
        child_name_latin=(
            full_name(child.given_name_latin, child.family_name_latin) if child else ""
        ),
        sides=tuple(sides),
    )


def _author(s: Session, device_id: str, entities: set[str], at: datetime) -> str:
    """Who made a change: the audit entry its device wrote about the record at that time."""
    rows = s.execute(
        select(AuditEntry.actor, AuditEntry.at).where(
            AuditEntry.device_id == device_id,
            AuditEntry.entity_id.in_(entities),
            AuditEntry.at >= at - AUTHOR_WINDOW,
            AuditEntry.at <= at + AUTHOR_WINDOW,
        )
    ).all()
    if not rows:
        return ""
    return str(min(rows, key=lambda r: abs(_utc(r[1]) - at))[0])


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def visible_conflicts(ws: Workspace) -> list[ConflictDTO]:
    """The open conflicts, as the sync engine reports them, that this user may decide."""
    found = open_conflicts(ws.sync)
    with ws.ctx.read() as s:
        return [c for c in found if _may_review(s, ws.actor, _owner(s, c.table, c.row_id))]


def decide(
    ws: Workspace, conflict_id: str, value: str | None = None, *, choose: int | None = None
) -> OpChanges:
    """Settles a conflict, only for staff who may see the record it concerns (the permission
    lives here in the core, so the CLI and the GUI get the same rule)."""
    found = open_conflicts(ws.sync)
    open_ids = {c.id for c in found}
    # An unknown or settled conflict gets the sync engine's own message.
    conflict_id = conflict_id.strip()
    if conflict_id in open_ids and conflict_id not in {c.id for c in visible_conflicts(ws)}:
        raise PermissionDenied
    mine = next((c for c in found if c.id == conflict_id), None)
    if mine is not None and mine.kind == "edit" and choose is None:
        # A typed value must be one the field allows (its codes, its kind), as a form would.
        typed = coerce(mine.table, mine.field, value or "")
        if not catalog.allowed(mine.table, mine.field, typed):
            raise rej.invalid("value", rej.BAD_VALUE, field=mine.field)
    changes = resolve(ws.sync, conflict_id, value, choose=choose)
    if mine is None:
        return changes
    # The case and child the record belongs to, so views showing them refresh too.
    with ws.ctx.read() as s:
        owner = _owner(s, mine.table, mine.row_id)
        ids = [o.id for o in (owner.case, owner.child) if o is not None]
    return changes | OpChanges.of(ids=tuple(ids))


class ConflictService:
    """`ws.conflicts`: open sync conflicts as the signed-in user may see and decide them."""

    def __init__(self, ws: Workspace) -> None:
        self._ws = ws

    def review(self) -> ConflictReview:
        return review(self._ws)

    def open_count(self) -> int:
        return open_count(self._ws)

    def visible(self) -> list[ConflictDTO]:
        return visible_conflicts(self._ws)

    def decide(
        self, conflict_id: str, value: str | None = None, *, choose: int | None = None
    ) -> OpChanges:
        return decide(self._ws, conflict_id, value, choose=choose)
