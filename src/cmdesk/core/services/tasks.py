"""Follow-up tasks with due dates, and the overdue list (days in Thailand's calendar)."""

from __future__ import annotations

import builtins
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, literal_column, select
from sqlalchemy.orm import Session

from cmdesk.core.acting.access import Guard, case_scope, scoped_cases
from cmdesk.core.acting.audit import AuditService
from cmdesk.core.acting.changes import Kind, OpChanges
from cmdesk.core.acting.context import Context
from cmdesk.core.acting.thai_time import thai_today
from cmdesk.core.errors import NotFound, TransitionNotAllowed, ValidationError
from cmdesk.core.i18n import N_
from cmdesk.core.model import Case, Child, Task, utcnow
from cmdesk.core.model.child import LISTED_COLUMNS, full_name
from cmdesk.core.model.task import TaskStatus
from cmdesk.core.services.cases import WORKER_ROLES, staff_member
from cmdesk.core.services.deletion import check_reason
from cmdesk.core.services.outcome import Outcome
from cmdesk.core.services.task_rows import MAX_DETAILS, add_task, check_task

# Ids per IN (...) when reading a whole agenda's rows: under SQLite's bound-parameter limit.
_IN_CHUNK = 500


@dataclass(frozen=True, kw_only=True)
class TaskDTO:
    id: str
    case_id: str
    case_number: str
    title: str
    details: str
    due_date: date
    assigned_to: str | None
    status: str
    done_at: datetime | None
    created_by: str
    outcome: str = ""

    def is_overdue(self, today: date) -> bool:
        return self.status == TaskStatus.OPEN and self.due_date < today


def _dto(t: Task, case_number: str) -> TaskDTO:
    return TaskDTO(
        id=t.id,
        case_id=t.case_id,
        case_number=case_number,
        title=t.title,
        details=t.details,
        due_date=t.due_date,
        assigned_to=t.assigned_to,
        status=t.status,
        done_at=t.done_at,
        created_by=t.created_by,
        outcome=t.outcome,
    )


@dataclass(frozen=True, kw_only=True)
class AgendaItem:
    """A follow-up on "My work": what My work shows of the task, and whom and where it is
    for (not the whole task: a page of them is read from indexes and a few columns)."""

    task_id: str
    case_id: str
    case_number: str
    title: str
    due_date: date
    child_id: str
    child_name_th: str
    child_name_latin: str
    child_nickname: str
    village: str

    def day(self, today: date) -> str:
        """ "overdue", "today" or "soon"."""
        due = self.due_date
        return "overdue" if due < today else "today" if due == today else "soon"


@dataclass(frozen=True)
class AgendaPage:
    items: list[AgendaItem]
    total: int  # how many follow-ups My work holds, on every page


def _outcome(text: str, name: str) -> str:
    body = text.strip()
    if len(body) > MAX_DETAILS:
        raise ValidationError.single(name, N_("At most {max} characters."), max=MAX_DETAILS)
    return body


class TaskService:
    def __init__(self, ctx: Context, audit: AuditService) -> None:
        self._ctx = ctx
        self._audit = audit
        self._guard = Guard(ctx)

    def add(
        self,
        case_id: str,
        title: str,
        due_date: date,
        assigned_to: str | None = None,
        details: str = "",
    ) -> Outcome[TaskDTO]:
        """A follow-up on an open case, for a staff member of the case's organisation
        (the user adding it when none is named)."""
        check_task(title, details)  # before the transaction: nothing to undo
        with self._guard.write() as s:
            case = self._guard.case(s, case_id, open_only=True)
            who = assigned_to or self._ctx.actor.user_id
            staff_member(s, who, case.org_id, WORKER_ROLES, "assigned_to")
            task = add_task(s, self._audit, case, title, due_date, who, details)
            dto = _dto(task, case.case_number)
        return Outcome(dto, OpChanges.of(Kind.TASK, Kind.CASE, ids=(dto.id, case_id)))

    def complete(self, task_id: str, outcome: str = "") -> Outcome[TaskDTO]:
        """Done, with what the visit found (kept on the task)."""
        return self._set_status(task_id, TaskStatus.DONE, "task.done", _outcome(outcome, "outcome"))

    def cancel(self, task_id: str, reason: str) -> Outcome[TaskDTO]:
        return self._set_status(task_id, TaskStatus.CANCELLED, "task.cancel", check_reason(reason))

    def reschedule(self, task_id: str, due_date: date, reason: str = "") -> Outcome[TaskDTO]:
        """A new date; with a reason when postponed (kept on the task as what happened)."""
        why = _outcome(reason, "reason")
        if due_date < thai_today():
            raise ValidationError.single("due_date", N_("The date cannot be in the past."))
        with self._guard.write() as s:
            task, case = self._task(s, task_id)
            if task.status != TaskStatus.OPEN:
                raise TransitionNotAllowed(N_("Only an open task can be rescheduled."))
            if due_date > task.due_date and not why:
                raise ValidationError.single("reason", N_("Say why it is postponed."))
            task.due_date = due_date
            if why:
                task.outcome = why
            self._audit.record(s, "task.reschedule", "task", task.id, {"case": case.id})
            dto = _dto(task, case.case_number)
        return Outcome(dto, OpChanges.of(Kind.TASK, ids=(dto.id,)))

    def for_case(self, case_id: str) -> builtins.list[TaskDTO]:
        with self._guard.read() as s:
            case = self._guard.case(s, case_id)
            rows = s.scalars(
                select(Task)
                .where(Task.case_id == case.id, Task.deleted_at.is_(None))
                .order_by(Task.due_date, Task.created_at)
            ).all()
            return [_dto(t, case.case_number) for t in rows]

    def overdue(
        self, today: date | None = None, *, mine_only: bool = False
    ) -> builtins.list[TaskDTO]:
        """Open tasks past their due date on cases the user may see, most overdue first."""
        self._guard.require_casework()
        day = today or thai_today()
        query = (
            select(Task, Case.case_number)
            .join(Case, Case.id == Task.case_id)
            .where(
                case_scope(self._ctx.actor),
                Task.deleted_at.is_(None),
                Task.status == TaskStatus.OPEN,
                Task.due_date < day,
            )
            .order_by(Task.due_date, Task.created_at)
        )
        if mine_only:
            query = query.where(Task.assigned_to == self._ctx.actor.user_id)
        with self._guard.read() as s:
            return [_dto(t, number) for t, number in s.execute(query).all()]

    def agenda(
        self, today: date | None = None, *, days: int = 7, mine_only: bool = True
    ) -> builtins.list[AgendaItem]:
        """Open follow-ups that are overdue, due today or in the next `days` days, on cases
        the user may see, by date: the field worker's week (a follow-up set a week ahead,
        the usual default, is on it from the day it is made). All of them: see agenda_page."""
        return self.agenda_page(0, None, today, days=days, mine_only=mine_only).items

    def agenda_page(
        self,
        offset: int,
        limit: int | None,
        today: date | None = None,
        *,
        days: int = 7,
        mine_only: bool = True,
    ) -> AgendaPage:
        """One page of `agenda` (`limit` None: to the end) and how many it holds in all.

        The page and the count come from one walk over indexes (model.task's partial indexes
        of open follow-ups): the user's own by ix_case_task_open_mine, each case checked by
        ix_case_file_scope; or every case they may see (access.scoped_cases) and each case's
        follow-ups by ix_case_task_open_case. Then the page's few rows are read."""
        self._guard.require_casework()
        day = today or thai_today()
        actor = self._ctx.actor
        due = (
            # Literals, not bound parameters, so that SQLite may use the partial indexes.
            Task.status == literal_column(f"'{TaskStatus.OPEN.value}'"),
            Task.deleted_at.is_(None),
            Task.due_date <= day + timedelta(days=days),
        )
        walk = select(Task.id, func.count().over().label("total"))
        if mine_only:
            walk = walk.join(Case, Case.id == Task.case_id).where(
                Task.assigned_to == actor.user_id, case_scope(actor), *due
            )
        else:
            # IN, not a join: the list of cases is built once whatever the statistics say.
            walk = walk.where(Task.case_id.in_(scoped_cases(actor)), *due)
        walk = walk.order_by(Task.due_date, Task.created_at, Task.id).offset(offset)
        if limit is not None:
            walk = walk.limit(limit)
        with self._guard.read() as s:
            found = s.execute(walk).all()
            if found:
                total = int(found[0].total)
            else:  # past the end (or nothing): count on its own
                counted = walk.limit(None).offset(None).order_by(None).subquery()
                total = int(s.scalar(select(func.count()).select_from(counted)) or 0)
            return AgendaPage(self._agenda_items(s, [row.id for row in found]), total)

    @staticmethod
    def _agenda_items(s: Session, task_ids: builtins.list[str]) -> builtins.list[AgendaItem]:
        """The columns My work shows for these follow-ups, in the order given."""
        by_id: dict[str, AgendaItem] = {}
        for start in range(0, len(task_ids), _IN_CHUNK):
            rows = s.execute(
                select(
                    Task.id,
                    Task.case_id,
                    Task.title,
                    Task.due_date,
                    Case.case_number,
                    Child.id.label("child_id"),
                    *LISTED_COLUMNS,
                )
                .join(Case, Case.id == Task.case_id)
                .join(Child, Child.id == Case.child_id)
                .where(Task.id.in_(task_ids[start : start + _IN_CHUNK]))
            ).all()
            for r in rows:
                by_id[r.id] = AgendaItem(
                    task_id=r.id,
                    case_id=r.case_id,
                    case_number=r.case_number,
                    title=r.title,
                    due_date=r.due_date,
                    child_id=r.child_id,
                    child_name_th=full_name(r.given_name_th, r.family_name_th),
                    child_name_latin=full_name(r.given_name_latin, r.family_name_latin),
                    child_nickname=r.nickname,
                    village=r.village,
                )
        return [by_id[i] for i in task_ids if i in by_id]

    def _task(self, s: Session, task_id: str) -> tuple[Task, Case]:
        task = s.get(Task, task_id)
        if task is None or task.deleted_at is not None:
            raise NotFound
        return task, self._guard.case(s, task.case_id)

    def _set_status(
        self, task_id: str, status: TaskStatus, action: str, outcome: str
    ) -> Outcome[TaskDTO]:
        with self._guard.write() as s:
            task, case = self._task(s, task_id)
            if task.status != TaskStatus.OPEN:
                raise TransitionNotAllowed(N_("This task is already finished."))
            task.status = status
            task.done_at = utcnow()
            task.outcome = outcome
            self._audit.record(s, action, "task", task.id, {"case": case.id})
            dto = _dto(task, case.case_number)
        return Outcome(dto, OpChanges.of(Kind.TASK, Kind.CASE, ids=(dto.id, case.id)))
