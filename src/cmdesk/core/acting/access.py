"""Who may see and change which case: the permission rules of the records core.

    field worker   cases assigned to them, or to their team
    case manager   cases they manage (own) or are assigned to
    supervisor     every case of their organisation; approves plans and closures
    data manager   no casework: users, PDPA exports and erasure (cmdesk.core.services.pdpa)

Seeing a case means being allowed to change it too (the field needs both together); stage
and approval rules are in case_workflow. Refusals are written to the audit trail.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import ColumnElement, Select, and_, false, or_, select, union
from sqlalchemy.orm import Session

from cmdesk.core.acting import audit as audit_chain
from cmdesk.core.acting.case_actions import CASEWORK_ROLES
from cmdesk.core.acting.context import Actor, Context
from cmdesk.core.acting.stamping import writing
from cmdesk.core.errors import NotFound, PermissionDenied, TransitionNotAllowed
from cmdesk.core.i18n import N_
from cmdesk.core.model import Case, Child
from cmdesk.core.model.case import Stage
from cmdesk.core.model.roles import Role

CASE_CLOSED = N_("The case is closed. Reopen it first.")


class AccessRefused(PermissionDenied):
    """PermissionDenied that remembers what was refused, so the refusal can be audited once
    the refused transaction has rolled back."""

    def __init__(self, entity: str, entity_id: str = "") -> None:
        super().__init__()
        self.entity = entity
        self.entity_id = entity_id


def case_scope(actor: Actor) -> ColumnElement[bool]:
    """SQL condition for the live cases `actor` may see (and work on)."""
    live = and_(Case.deleted_at.is_(None), Case.org_id == actor.org_id)
    if actor.role == Role.SUPERVISOR:
        return live
    if actor.role == Role.CASE_MANAGER:
        mine = or_(Case.case_manager_id == actor.user_id, Case.assigned_worker_id == actor.user_id)
        return and_(live, mine)
    if actor.role == Role.FIELD_WORKER:
        mine = Case.assigned_worker_id == actor.user_id
        team = Case.team == actor.team if actor.team else false()
        return and_(live, or_(mine, team))
    return false()


def scope_branches(actor: Actor) -> list[ColumnElement[bool]]:
    """case_scope as "any of" these conditions, each answered by one index alone (a worker's,
    a case manager's or a team's live cases: model.case's ix_case_file_*_live); none when the
    actor may see no case. `scoped_cases` reads their union, where SQLite would otherwise take
    the OR of case_scope case by case from the rows (a field worker's ~10k cases at 100k)."""
    live = (Case.deleted_at.is_(None), Case.org_id == actor.org_id)
    if actor.role == Role.SUPERVISOR:
        return [and_(*live)]
    if actor.role == Role.CASE_MANAGER:
        return [
            and_(Case.case_manager_id == actor.user_id, *live),
            and_(Case.assigned_worker_id == actor.user_id, *live),
        ]
    if actor.role == Role.FIELD_WORKER:
        mine = [and_(Case.assigned_worker_id == actor.user_id, *live)]
        return mine + ([and_(Case.team == actor.team, *live)] if actor.team else [])
    return []


def scoped_cases(actor: Actor) -> Select[str]:
    """The ids of the live cases `actor` may see (the cases case_scope admits), each once."""
    branches = [select(Case.id).where(branch) for branch in scope_branches(actor)]
    if not branches:
        return select(Case.id).where(false())
    if len(branches) == 1:
        return branches[0]
    return select(union(*branches).subquery().c.id)


def may_see_case(actor: Actor, case: Case) -> bool:
    if case.deleted_at is not None or case.org_id != actor.org_id:
        return False
    if actor.role == Role.SUPERVISOR:
        return True
    if actor.role == Role.CASE_MANAGER:
        return actor.user_id in (case.case_manager_id, case.assigned_worker_id)
    if actor.role == Role.FIELD_WORKER:
        return case.assigned_worker_id == actor.user_id or bool(
            actor.team and case.team == actor.team
        )
    return False


def child_scope(actor: Actor) -> ColumnElement[bool]:
    """SQL condition for the live children `actor` may see: through a case they may see,
    as supervisor of the child's organisation, or having registered a child with no case yet."""
    live = Child.deleted_at.is_(None)
    if actor.role not in CASEWORK_ROLES:
        return false()
    through_case = select(Case.id).where(Case.child_id == Child.id, case_scope(actor)).exists()
    supervised = Child.org_id == actor.org_id if actor.role == Role.SUPERVISOR else false()
    registered = and_(Child.created_by == actor.user_id, Child.org_id == actor.org_id)
    return and_(live, or_(through_case, supervised, registered))


class Guard:
    """Opens a service's transactions and loads records after checking the actor may touch
    them. A refusal is audited in a transaction of its own, after the refused one rolled back."""

    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx

    @property
    def actor(self) -> Actor:
        return self._ctx.actor

    @contextmanager
    def read(self) -> Iterator[Session]:
        try:
            with self._ctx.read() as session:
                yield session
        except AccessRefused as refused:
            self._record_refusal(refused)
            raise

    @contextmanager
    def write(self) -> Iterator[Session]:
        try:
            with writing(self._ctx) as session:
                yield session
        except AccessRefused as refused:
            self._record_refusal(refused)
            raise

    def require_casework(self) -> None:
        if self.actor.role not in CASEWORK_ROLES:
            self._record_refusal(AccessRefused("casework"))
            raise PermissionDenied

    def require(self, *roles: str, entity: str = "", entity_id: str = "") -> None:
        """Inside a transaction opened by this guard: refuses unless the actor has a role."""
        if self.actor.role not in roles:
            raise AccessRefused(entity, entity_id)

    def case(self, session: Session, case_id: str, *, open_only: bool = False) -> Case:
        """The live case, if the actor may work on it; `open_only` also refuses closed ones."""
        case = session.get(Case, case_id)
        if case is None or case.deleted_at is not None:
            raise NotFound
        if not may_see_case(self.actor, case):
            raise AccessRefused("case", case.id)
        if open_only and case.stage == Stage.CLOSURE:
            raise TransitionNotAllowed(CASE_CLOSED)
        return case

    def child(self, session: Session, child_id: str) -> Child:
        child = session.get(Child, child_id)
        if child is None or child.deleted_at is not None:
            raise NotFound
        visible = session.scalar(
            select(Child.id).where(Child.id == child_id, child_scope(self.actor))
        )
        if visible is None:
            raise AccessRefused("child", child.id)
        return child

    def _record_refusal(self, refused: AccessRefused) -> None:
        with self._ctx.write() as s:
            audit_chain.append(
                s,
                device_id=self._ctx.device_id,
                actor=self.actor.username,
                action="access.denied",
                entity=refused.entity,
                entity_id=refused.entity_id,
                detail={"role": self.actor.role},
            )
