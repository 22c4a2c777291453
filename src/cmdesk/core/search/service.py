"""The caseload and child search: paged, filtered, limited to what the user may see.

Who sees which case and child is the records core's rule (services.access.case_scope and
child_scope); this module only narrows it further. A page is fetched in two steps: first the
ids of one page (filters, order and LIMIT run in SQLite over indexes), then the details of
those few rows, so the cost of a page does not grow with the number of matches.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum
from typing import Final, Generic, TypeVar

from sqlalchemy import (
    Select,
    column,
    func,
    or_,
    select,
    text,
)
from sqlalchemy.orm import InstrumentedAttribute, Session, aliased
from sqlalchemy.sql.selectable import ScalarSelect

from cmdesk.core.acting.access import Guard, case_scope, child_scope
from cmdesk.core.acting.context import Context
from cmdesk.core.acting.thai_time import thai_today
from cmdesk.core.errors import FieldError, NotFound, ValidationError
from cmdesk.core.i18n import N_
from cmdesk.core.model import Case, Child, Colleague, Organisation, Task, User
from cmdesk.core.model.case import RiskLevel, Stage
from cmdesk.core.model.child import LISTED_COLUMNS, full_name
from cmdesk.core.search import plans
from cmdesk.core.search.plans import Filters, open_task, search_row
from cmdesk.core.search.query import ParsedQuery, parse, row_select

MAX_PAGE: Final = 500
EVERY: Final = 1 << 40  # "as many as there are", for walks that stop only at the end
DEFAULT_PAGE: Final = 50

T = TypeVar("T")


class Order(StrEnum):
    """Without text, "newest" is the case most recently opened; with text, the child most
    recently registered (the index's own order, which keeps a search fast at any size)."""

    RECENT = "recent"  # newest first
    RISK = "risk"  # critical first, then newest
    DUE = "due"  # earliest open follow-up first; cases without one last


@dataclass(frozen=True)
class Page(Generic[T]):
    rows: tuple[T, ...]
    offset: int
    limit: int
    has_more: bool


@dataclass(frozen=True, kw_only=True)
class CaseloadQuery:
    """What to show. Empty filters do not filter; several values in one filter are "any of"."""

    text: str = ""
    stages: tuple[str, ...] = ()
    risks: tuple[str, ...] = ()
    # The worker who visits or the case manager: cases where this user is either.
    worker_id: str | None = None
    org_id: str | None = None
    overdue_only: bool = False
    include_closed: bool = True
    team: str = ""
    awaiting_approval: bool = False  # a plan waiting for approval, or a closure requested
    unfinished: bool = False  # a case plan being written or a referral still a draft
    staff_left: bool = False  # its field worker or case manager no longer works here
    # Where the child lives: a province, district or subdistrict code (all of the area).
    place: str = ""
    order: str = Order.RECENT
    offset: int = 0
    limit: int = DEFAULT_PAGE


@dataclass(frozen=True, kw_only=True)
class CaseloadRow:
    id: str  # the case's id
    case_number: str
    child_id: str
    child_name_th: str
    child_name_en: str
    child_nickname: str
    stage: str
    risk: str
    assigned_worker_id: str | None
    assigned_worker: str
    case_manager_id: str | None
    case_manager: str
    team: str
    org_id: str
    org_code: str
    opened_at: datetime
    next_due: date | None
    overdue: bool
    village: str
    subdistrict_code: str


@dataclass(frozen=True, kw_only=True)
class ChildRow:
    id: str
    name_th: str
    name_en: str
    nickname: str
    sex: str
    birth_year: int | None
    ethnicity: str
    id_number: str | None
    village: str
    subdistrict_code: str
    open_cases: int


def _matching_children(parsed: ParsedQuery) -> Select[str]:
    """Ids of children whose indexed text matches every word typed (all of them at once)."""
    rows = row_select(parsed)
    inner = text(rows.every).bindparams(**rows.params).columns(column("rowid"))
    return select(search_row.c.child_id).where(search_row.c.id.in_(select(inner.subquery())))


def _filters(q: CaseloadQuery, today: date) -> Filters:
    return Filters(
        q.stages,
        q.risks,
        q.worker_id,
        q.org_id,
        q.overdue_only,
        q.include_closed,
        today,
        team=q.team.strip() or None,
        awaiting_approval=q.awaiting_approval,
        unfinished=q.unfinished,
        staff_left=q.staff_left,
        place=q.place or None,
    )


def _check(query: CaseloadQuery) -> None:
    errors: list[FieldError] = []
    stages = {s.value for s in Stage}
    risks = {r.value for r in RiskLevel}
    if any(s not in stages for s in query.stages):
        errors.append(FieldError("stage", N_("Choose one of the listed values.")))
    if any(r not in risks for r in query.risks):
        errors.append(FieldError("risk", N_("Choose one of the listed values.")))
    if query.order not in {o.value for o in Order}:
        errors.append(FieldError("order", N_("Choose one of the listed values.")))
    if query.place and not (query.place.isdigit() and len(query.place) in (2, 4, 6)):
        errors.append(FieldError("place", N_("Choose one of the listed values.")))
    if query.offset < 0:
        errors.append(FieldError("offset", N_("Give a number of 0 or more.")))
    if not 1 <= query.limit <= MAX_PAGE:
        errors.append(FieldError("limit", N_("Give a number from 1 to {max}."), {"max": MAX_PAGE}))
    if errors:
        raise ValidationError(errors)


def _next_due(case_id: InstrumentedAttribute[str]) -> ScalarSelect[date]:
    return (
        select(func.min(Task.due_date))
        .where(Task.case_id == case_id, open_task())
        .scalar_subquery()
    )


class SearchService:
    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx
        self._guard = Guard(ctx)

    # -- cases ---------------------------------------------------------------------------
    def caseload(self, query: CaseloadQuery | None = None) -> Page[CaseloadRow]:
        """One page of the cases the user may see that match the query."""
        q = query or CaseloadQuery()
        _check(q)
        self._guard.require_casework()
        today = thai_today()
        f = _filters(q, today)
        with self._guard.read() as s:
            ids = self._case_ids(s, q, f, q.offset + q.limit + 1)
            page_ids = ids[q.offset :]
            has_more = len(page_ids) > q.limit
            rows = self._case_rows(s, page_ids[: q.limit], today)
        return Page(tuple(rows), q.offset, q.limit, has_more)

    def every_case(self, query: CaseloadQuery) -> Iterator[list[CaseloadRow]]:
        """Every case the caseload shows for `query` (its offset and limit aside), in its
        order, MAX_PAGE rows at a time, all read in one transaction: for a spreadsheet of
        the caseload. One walk for the ids instead of a walk per page (a page at offset N
        walks N rows: paging through 100k cases would read billions)."""
        q = replace(query, offset=0, limit=1)
        _check(q)
        self._guard.require_casework()
        today = thai_today()
        with self._guard.read() as s:
            ids = self._case_ids(s, q, _filters(q, today), EVERY)
            for start in range(0, len(ids), MAX_PAGE):
                yield self._case_rows(s, ids[start : start + MAX_PAGE], today)

    def _case_ids(self, s: Session, q: CaseloadQuery, f: plans.Filters, need: int) -> list[str]:
        actor = self._ctx.actor
        parsed = parse(q.text)
        order = Order(q.order)
        if parsed.empty:
            plan = {Order.RECENT: plans.recent, Order.RISK: plans.risk_first}.get(
                order, plans.due_first
            )
            return plan(s, actor, f, need)
        if order is Order.RECENT:
            return plans.text_recent(s, actor, f, parsed, need)
        if order is Order.RISK:
            return plans.text_risk_first(s, actor, f, parsed, need)
        return plans.text_due_first(s, actor, f, _matching_children(parsed), need)

    def teams(self) -> list[str]:
        """The teams of the cases the user may see, for the caseload's team filter."""
        self._guard.require_casework()
        with self._guard.read() as s:
            found = s.scalars(
                select(Case.team)
                .where(case_scope(self._ctx.actor), Case.team != "")
                .distinct()
                .order_by(Case.team)
            ).all()
        return list(found)

    def resolve_case(self, key: str) -> str:
        """The id of the case `key` names (its id or its case number), if the user may see it;
        NotFound otherwise, without saying whether it exists."""
        self._guard.require_casework()
        clean = key.strip()
        with self._guard.read() as s:
            found = s.scalar(
                select(Case.id).where(
                    or_(Case.id == clean, Case.case_number == clean.upper()),
                    case_scope(self._ctx.actor),
                )
            )
        if found is None:
            raise NotFound
        return found

    def search(
        self, text_: str, *, offset: int = 0, limit: int = DEFAULT_PAGE
    ) -> Page[CaseloadRow]:
        """Cases of children matching `text_` (names, numbers, village, group, place)."""
        return self.caseload(CaseloadQuery(text=text_, offset=offset, limit=limit))

    @staticmethod
    def _case_rows(s: Session, case_ids: Sequence[str], today: date) -> list[CaseloadRow]:
        if not case_ids:
            return []
        worker = aliased(User)
        manager = aliased(User)
        # A colleague whose account is on other laptops, as the office's directory named them.
        worker_elsewhere = aliased(Colleague)
        manager_elsewhere = aliased(Colleague)
        # The columns a row shows, not the case and child records (their concerns, reasons,
        # names in other scripts...): most of a text search's time went to loading those.
        found = s.execute(
            select(
                Case.id,
                Case.case_number,
                Case.stage,
                Case.risk_level,
                Case.assigned_worker_id,
                Case.case_manager_id,
                Case.team,
                Case.org_id,
                Case.opened_at,
                Child.id.label("child_id"),
                *LISTED_COLUMNS,
                Child.subdistrict_code,
                func.coalesce(worker.display_name, worker_elsewhere.display_name).label("w_name"),
                func.coalesce(worker.username, worker_elsewhere.username).label("w_user"),
                func.coalesce(manager.display_name, manager_elsewhere.display_name).label("m_name"),
                func.coalesce(manager.username, manager_elsewhere.username).label("m_user"),
                Organisation.code.label("org_code"),
                _next_due(Case.id).label("due"),
            )
            .join(Child, Child.id == Case.child_id)
            .outerjoin(worker, worker.id == Case.assigned_worker_id)
            .outerjoin(manager, manager.id == Case.case_manager_id)
            .outerjoin(worker_elsewhere, worker_elsewhere.id == Case.assigned_worker_id)
            .outerjoin(manager_elsewhere, manager_elsewhere.id == Case.case_manager_id)
            .outerjoin(Organisation, Organisation.id == Case.org_id)
            .where(Case.id.in_(case_ids))
        ).all()
        by_id: dict[str, CaseloadRow] = {}
        for r in found:
            by_id[r.id] = CaseloadRow(
                id=r.id,
                case_number=r.case_number,
                child_id=r.child_id,
                child_name_th=full_name(r.given_name_th, r.family_name_th),
                child_name_en=full_name(r.given_name_latin, r.family_name_latin),
                child_nickname=r.nickname,
                stage=r.stage,
                risk=r.risk_level,
                assigned_worker_id=r.assigned_worker_id,
                assigned_worker=r.w_name or r.w_user or "",
                case_manager_id=r.case_manager_id,
                case_manager=r.m_name or r.m_user or "",
                team=r.team,
                org_id=r.org_id,
                org_code=r.org_code or "",
                opened_at=r.opened_at,
                next_due=r.due,
                overdue=r.due is not None and r.due < today,
                village=r.village,
                subdistrict_code=r.subdistrict_code,
            )
        return [by_id[i] for i in case_ids if i in by_id]

    # -- children ------------------------------------------------------------------------
    def children(
        self, text_: str = "", *, offset: int = 0, limit: int = DEFAULT_PAGE
    ) -> Page[ChildRow]:
        """Children the user may see (with or without a case) matching `text_`, the most
        recently registered first."""
        _check(CaseloadQuery(offset=offset, limit=limit))
        self._guard.require_casework()
        need = offset + limit + 1
        parsed = parse(text_)
        scope = child_scope(self._ctx.actor)
        with self._guard.read() as s:
            if parsed.empty:
                query = (
                    select(Child.id)
                    .join(search_row, search_row.c.child_id == Child.id)
                    .where(scope)
                    .order_by(search_row.c.id.desc())
                    .limit(need)
                )
                ids = list(s.scalars(query))
            else:
                ids = plans.children_walk(s, scope, parsed, need)
            page_ids = ids[offset:]
            has_more = len(page_ids) > limit
            rows = self._child_rows(s, page_ids[:limit])
        return Page(tuple(rows), offset, limit, has_more)

    def _child_rows(self, s: Session, child_ids: Sequence[str]) -> list[ChildRow]:
        if not child_ids:
            return []
        open_cases = (
            select(func.count())
            .where(
                Case.child_id == Child.id,
                Case.stage != Stage.CLOSURE,
                case_scope(self._ctx.actor),
            )
            .scalar_subquery()
        )
        found = s.execute(select(Child, open_cases).where(Child.id.in_(child_ids))).all()
        by_id = {
            c.id: ChildRow(
                id=c.id,
                name_th=full_name(c.given_name_th, c.family_name_th),
                name_en=full_name(c.given_name_latin, c.family_name_latin),
                nickname=c.nickname,
                sex=c.sex,
                birth_year=c.birth_year,
                ethnicity=c.ethnicity,
                id_number=c.id_number,
                village=c.village,
                subdistrict_code=c.subdistrict_code,
                open_cases=int(n or 0),
            )
            for c, n in found
        }
        return [by_id[i] for i in child_ids if i in by_id]
