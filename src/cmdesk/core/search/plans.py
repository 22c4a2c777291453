"""Which case ids make up one page of the caseload, read so that a page costs about the same
at 100 cases as at 100,000.

    no text, newest first    walk the covering index on opened_at, stop after the page
    no text, risk first      the same per risk level (critical, high, medium, low)
    text                     walk the matching index rows newest first, a chunk at a time,
                             keeping the cases the user may see that pass the filters; risk
                             order does this per level, with the level's tag in the FTS query
    next follow-up first     walk the open tasks by due date, then the cases without one

Every candidate is checked with the records core's own visibility rule (access.case_scope)
and the filters in SQL; plans only decide the order in which candidates are read.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Final

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    column,
    exists,
    literal_column,
    or_,
    select,
    table,
    text,
    union,
)
from sqlalchemy.orm import InstrumentedAttribute, Session, aliased

from cmdesk.core.acting.access import case_scope
from cmdesk.core.acting.context import Actor
from cmdesk.core.model import Case, Child, Colleague, Referral, Task, User
from cmdesk.core.model.case import ClosureStatus, PlanStatus, RiskLevel, Stage
from cmdesk.core.model.referral import ReferralStatus
from cmdesk.core.model.roles import Role
from cmdesk.core.model.task import TaskStatus
from cmdesk.core.search.query import ParsedQuery, codes_expr, row_select, tag_expr
from cmdesk.core.search.schema import (
    RISK_TAGS,
    STAGE_TAGS,
    team_tag,
    worker_tag,
)

# The first chunk of text matches is small (a page of 50 is usually in it); later ones grow.
FIRST_CHUNK: Final = 128
MAX_CHUNK: Final = 4096
CHUNK: Final = 512  # rows fetched at a time from longer walks
# Risk order, highest first.
RISK_TIERS: Final = tuple(reversed([r.value for r in RiskLevel]))
_NO_BOUND: Final = 1 << 62

search_row = table("search_row", column("id"), column("child_id"))


@dataclass(frozen=True)
class Filters:
    stages: tuple[str, ...]
    risks: tuple[str, ...]
    worker_id: str | None
    org_id: str | None
    overdue_only: bool
    include_closed: bool
    today: date
    team: str | None = None
    awaiting_approval: bool = False  # a plan submitted or a closure requested
    place: str | None = None  # where the child lives: a province, district or subdistrict code
    unfinished: bool = False  # a case plan still being written or a referral not yet sent
    staff_left: bool = False  # its field worker or case manager no longer works here

    def stage_set(self) -> tuple[str, ...]:
        if self.stages:
            return self.stages
        if not self.include_closed:
            return tuple(s.value for s in Stage if s is not Stage.CLOSURE)
        return ()

    def conditions(self, *, ordered: bool = False) -> list[ColumnElement[bool]]:
        """The filters in SQL. `ordered`: for a walk along an ordered covering index, written
        so the planner cannot pick the stage or risk index instead (and sort every match)."""
        conds: list[ColumnElement[bool]] = []
        stages = self.stage_set()
        stage, risk = (
            (_unindexed(Case.stage), _unindexed(Case.risk_level))
            if ordered
            else (
                Case.stage,
                Case.risk_level,
            )
        )
        if stages:
            conds.append(stage.in_(stages))
        if self.risks:
            conds.append(risk.in_(self.risks))
        if self.worker_id:
            conds.append(
                or_(
                    Case.assigned_worker_id == self.worker_id,
                    Case.case_manager_id == self.worker_id,
                )
            )
        if self.org_id:
            conds.append(Case.org_id == self.org_id)
        if self.team:
            conds.append(Case.team == self.team)
        if self.awaiting_approval:
            conds.append(
                or_(
                    Case.plan_status == PlanStatus.SUBMITTED,
                    Case.closure_status == ClosureStatus.REQUESTED,
                )
            )
        if self.place:
            home = aliased(Child)
            conds.append(
                exists().where(
                    home.id == Case.child_id,
                    home.subdistrict_code.startswith(self.place, autoescape=True),
                )
            )
        if self.unfinished:
            conds.append(unfinished_work())
        if self.staff_left:
            conds.append(staff_who_left())
        if self.overdue_only:
            late = aliased(Task)  # its own alias: a plan may already select from case_task
            conds.append(exists().where(late.case_id == Case.id, open_task(self.today, late)))
        return conds

    def tags(self) -> list[str]:
        """FTS tag expressions a matching child must carry (a superset: tags are per child)."""
        exprs = []
        stages = self.stage_set()
        if stages:
            exprs.append(tag_expr(STAGE_TAGS[s] for s in stages if s in STAGE_TAGS))
        if self.risks:
            exprs.append(tag_expr(RISK_TAGS[r] for r in self.risks if r in RISK_TAGS))
        return [e for e in exprs if e]


def _unindexed(column_: InstrumentedAttribute[str]) -> ColumnElement[str]:
    # SQLite uses no index for an expression; the value is still read from a covering index.
    return column_.op("||")(literal_column("''"))


def open_task(before: date | None = None, task: type[Task] = Task) -> ColumnElement[bool]:
    cond = and_(task.status == TaskStatus.OPEN, task.deleted_at.is_(None))
    return and_(cond, task.due_date < before) if before else cond


def unfinished_work() -> ColumnElement[bool]:
    """A case with work its worker started and has not finished: the case plan is being
    written (or came back for changes) at the case plan stage, or a referral is still a draft."""
    draft = aliased(Referral)
    # The case's few referrals by their case_id index: on the status index SQLite read every
    # draft referral for each case (a field worker's home at 100k cases: over a minute).
    return or_(
        and_(
            Case.stage == Stage.CASE_PLAN,
            Case.plan_status.in_((PlanStatus.DRAFT, PlanStatus.RETURNED)),
        ),
        exists().where(draft.case_id == Case.id, _unindexed(draft.status) == ReferralStatus.DRAFT),
    )


def staff_who_left() -> ColumnElement[bool]:
    """A case whose field worker or case manager no longer works for the organisation: an
    account deactivated on this laptop, or one the office's staff directory says is (a
    colleague on another laptop). Their cases still name them until someone reassigns."""
    gone = union(
        select(User.id).where(User.active.is_(False)),
        select(Colleague.id).where(Colleague.active.is_(False)),
    ).subquery()
    # Their cases found from the few who left by the worker and manager indexes, not each
    # open case tested against them (a supervisor's home at 100k cases: +60 ms).
    theirs = union(
        select(Case.id).where(Case.assigned_worker_id.in_(select(gone.c.id))),
        select(Case.id).where(Case.case_manager_id.in_(select(gone.c.id))),
    )
    return Case.id.in_(theirs)


def _wide(actor: Actor, f: Filters) -> bool:
    """True when most of the vault's cases may be on the page: walking an ordered covering
    index is then cheapest. For a narrow caseload the planner's indexes on worker and team are."""
    return actor.role == Role.SUPERVISOR and f.worker_id is None


def _base(actor: Actor, f: Filters, *, ordered: bool = False) -> Select[str]:
    return select(Case.id).where(case_scope(actor), *f.conditions(ordered=ordered))


def _take(s: Session, query: Select[str], need: int) -> list[str]:
    return list(s.scalars(query.limit(need)))


def recent(s: Session, actor: Actor, f: Filters, need: int) -> list[str]:
    # Wide: along search_case_recent (opened_at first), stopping after the page.
    query = _base(actor, f, ordered=_wide(actor, f))
    return _take(s, query.order_by(Case.opened_at.desc(), Case.id.desc()), need)


def risk_first(s: Session, actor: Actor, f: Filters, need: int) -> list[str]:
    found: list[str] = []
    for tier in _tiers(f):
        # Along search_case_risk (risk_level, opened_at): one level, newest first.
        query = _base(actor, f, ordered=_wide(actor, f)).where(Case.risk_level == tier)
        found += _take(s, query.order_by(Case.opened_at.desc(), Case.id.desc()), need - len(found))
        if len(found) >= need:
            break
    return found


def due_first(s: Session, actor: Actor, f: Filters, need: int) -> list[str]:
    """Cases by their earliest open follow-up; those without one after, newest first. A case's
    first task met in due-date order is its earliest, so the walk along search_task_open stops
    once `need` cases are found; it reads a few times `need` tasks, then, if that was not
    enough, the rest."""
    wide = _wide(actor, f)
    # Wide: the join written so the planner cannot start from the cases and reach each one's
    # tasks by ix_case_task_open_case (then sort them all: 100k cases, 190 ms a page); it
    # walks the open tasks in due order and stops. Narrow: a worker's few cases first.
    task_case = _unindexed(Task.case_id) if wide else Task.case_id
    walk = (
        select(Task.case_id)
        .join(Case, Case.id == task_case)
        .where(open_task(), case_scope(actor), *f.conditions(ordered=wide))
        .order_by(Task.due_date, Task.case_id)
    )
    # With a LIMIT the planner walks the index in due order instead of sorting every task.
    rows = list(s.scalars(walk.limit(need * 4)))
    if len(rows) == need * 4 and len(set(rows)) < need:
        rows = list(s.scalars(walk))  # many tasks per case: read on to the end
    found = dict.fromkeys(rows)
    if len(found) >= need:
        return list(found)[:need]
    rest = _base(actor, f).where(~exists().where(Task.case_id == Case.id, open_task()))
    newest = rest.order_by(Case.opened_at.desc(), Case.id.desc())
    found.update(dict.fromkeys(_take(s, newest, need - len(found))))
    return list(found)


def _tiers(f: Filters) -> Sequence[str]:
    return [t for t in RISK_TIERS if not f.risks or t in f.risks]


def _matches(s: Session, parsed: ParsedQuery, tags: list[str]) -> Iterator[list[int]]:
    """Chunks of matching index rows, newest first."""
    rows = row_select(parsed, tags)
    statement = text(rows.chunk)
    before, size = _NO_BOUND, FIRST_CHUNK
    while True:
        chunk = list(s.scalars(statement, {**rows.params, "before": before, "n": size}))
        if not chunk:
            return
        yield chunk
        if len(chunk) < size:
            return
        before, size = chunk[-1], min(size * 2, MAX_CHUNK)


def scope_tags(actor: Actor) -> list[str]:
    """FTS tag expressions for the cases `actor` may see when their caseload is narrow
    (schema.worker_tag): a field worker's own and their team's, a case manager's own; none for
    a supervisor, who sees the whole organisation. Mirrors access.case_scope, which decides."""
    if actor.role == Role.FIELD_WORKER:
        tags = [worker_tag(actor.user_id)] + ([team_tag(actor.team)] if actor.team else [])
    elif actor.role == Role.CASE_MANAGER:
        tags = [worker_tag(actor.user_id)]
    else:
        return []
    expr = codes_expr(tags)
    return [expr] if expr else []


def _text_walk(
    s: Session, actor: Actor, f: Filters, parsed: ParsedQuery, tags: list[str], need: int
) -> list[str]:
    found: list[str] = []
    for chunk in _matches(s, parsed, [*f.tags(), *scope_tags(actor), *tags]):
        query = (
            select(Case.id)
            .join(search_row, search_row.c.child_id == Case.child_id)
            .where(search_row.c.id.in_(chunk), case_scope(actor), *f.conditions())
            .order_by(search_row.c.id.desc(), Case.opened_at.desc(), Case.id.desc())
        )
        found += s.scalars(query).all()
        if len(found) >= need:
            break
    return found[:need]


def text_recent(s: Session, actor: Actor, f: Filters, parsed: ParsedQuery, need: int) -> list[str]:
    return _text_walk(s, actor, f, parsed, [], need)


def text_risk_first(
    s: Session, actor: Actor, f: Filters, parsed: ParsedQuery, need: int
) -> list[str]:
    found: list[str] = []
    for tier in _tiers(f):
        tiered = replace(f, risks=(tier,))
        found += _text_walk(s, actor, tiered, parsed, [], need - len(found))
        if len(found) >= need:
            break
    return found


def text_due_first(
    s: Session, actor: Actor, f: Filters, children: Select[str], need: int
) -> list[str]:
    """Text search by next follow-up: every match is ranked (there is no index order to walk),
    which costs in proportion to the number of matches."""
    due = (
        select(Task.due_date)
        .where(Task.case_id == Case.id, open_task())
        .order_by(Task.due_date)
        .limit(1)
        .scalar_subquery()
    )
    query = (
        _base(actor, f)
        .where(Case.child_id.in_(children))
        .order_by(due.is_(None), due, Case.opened_at.desc(), Case.id.desc())
    )
    return _take(s, query, need)


def children_walk(
    s: Session, scope: ColumnElement[bool], parsed: ParsedQuery, need: int
) -> list[str]:
    """Children matching the text that `scope` admits, newest registration first."""
    found: list[str] = []
    for chunk in _matches(s, parsed, []):
        query = (
            select(Child.id)
            .join(search_row, search_row.c.child_id == Child.id)
            .where(search_row.c.id.in_(chunk), scope)
            .order_by(search_row.c.id.desc())
        )
        found += s.scalars(query).all()
        if len(found) >= need:
            break
    return found[:need]
