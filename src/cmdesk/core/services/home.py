"""The figures on the home screen: what waits for the signed-in user, by role.

Every count is scoped by the same rules as the caseload (`case_scope`), so a field worker's
numbers are about the cases they may open and nothing else. Each figure is one aggregate
query over indexed columns (stage, risk level, task status and due date, referral status),
so the home screen stays quick on a vault of 100k cases.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, Select, and_, func, literal_column, or_, select
from sqlalchemy.orm import Session

from cmdesk.core.acting.access import Guard, case_scope, scoped_cases
from cmdesk.core.acting.case_actions import REFERRAL_RECEIVERS, does_casework
from cmdesk.core.acting.context import Context
from cmdesk.core.acting.thai_time import thai_today
from cmdesk.core.model import AuditEntry, Case, Child, Referral, Task, User
from cmdesk.core.model.case import ClosureStatus, PlanStatus, Stage
from cmdesk.core.model.child import full_name
from cmdesk.core.model.referral import OPEN_AT_RECEIVER, ReferralStatus
from cmdesk.core.model.roles import Role
from cmdesk.core.model.task import TaskStatus
from cmdesk.core.search.plans import staff_who_left, unfinished_work
from cmdesk.core.services.users import known_staff
from cmdesk.core.sync.model import SyncOrg

if TYPE_CHECKING:
    from cmdesk.core.workspace import Workspace

# A referral is waiting for an answer until the receiver accepts or declines it.
WAITING_REFERRAL = (ReferralStatus.SENT.value, ReferralStatus.ACKNOWLEDGED.value)
# The approvals queue on the home screen: the ones waiting longest (a queue of thousands is
# counted, not listed).
QUEUE_SHOWN = 100


@dataclass(frozen=True, kw_only=True)
class Approval:
    """A case waiting for a supervisor: its plan was submitted or its closure requested."""

    case_id: str
    case_number: str
    kind: str  # "plan" or "closure"
    child_name_th: str
    child_name_latin: str
    since: datetime | None


@dataclass(frozen=True, kw_only=True)
class LaptopSync:
    device_id: str
    org_code: str
    last_bundle_at: str | None


@dataclass(frozen=True, kw_only=True)
class HomeFigures:
    role: str
    today: date
    visits_today: int = 0
    overdue: int = 0
    referrals_waiting: int = 0  # sent from the user's cases, not yet answered
    referrals_in: int = 0  # sent to the user's organisation, not yet answered
    unfinished: int = 0  # the user's cases with a plan being written or a referral drafted
    # Open cases whose field worker or case manager no longer works here (supervisor's home).
    staff_left: int = 0
    # Referrals from the user's cases still open at a partner whose trust was withdrawn: no
    # answer will come (referrals.NO_ANSWER_COMING).
    referrals_unanswerable: int = 0
    # Record changes made on this laptop that no other laptop of the organisation holds yet
    # (sync/unsent.py); None on the office or a data manager's laptop.
    only_here: int | None = None
    approvals: tuple[Approval, ...] = ()  # the oldest QUEUE_SHOWN waiting, oldest first
    approvals_waiting: int = 0  # how many wait in all
    overdue_by_worker: tuple[tuple[str, str, int], ...] = ()  # (user id, name, count)
    by_risk: dict[str, int] = field(default_factory=dict)
    by_stage: dict[str, int] = field(default_factory=dict)
    open_conflicts: int = 0
    users: int = 0
    laptops: tuple[LaptopSync, ...] = ()
    last_backup_at: datetime | None = None  # the latest `backup` made on this laptop
    recovery_key: bool = False  # the vault has a recovery key (data manager's home)
    # (organisation code, when) of the latest bundle with changes made here for each.
    last_sent: tuple[tuple[str, datetime], ...] = ()


def _utc(value: object) -> datetime | None:
    """max() over the audit trail's stored times gives their text, not a datetime."""
    if value is None or isinstance(value, datetime):
        return value
    parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def _open_by(day: date) -> tuple[ColumnElement[bool], ...]:
    """Open tasks due by `day`, with the status a literal so that SQLite may read them from
    the partial index ix_case_task_open_due."""
    return (
        Task.status == literal_column(f"'{TaskStatus.OPEN.value}'"),
        Task.deleted_at.is_(None),
        Task.due_date <= day,
    )


class HomeService:
    def __init__(self, ws: Workspace) -> None:
        self._ws = ws
        self._ctx: Context = ws.ctx
        self._guard = Guard(ws.ctx)

    def figures(self, today: date | None = None) -> HomeFigures:
        """The numbers for the signed-in user's home screen."""
        actor = self._ctx.actor
        day = today or thai_today()
        if not does_casework(actor):
            return self._data_manager(day)
        here = self._ws.sync.only_here()
        with self._guard.read() as s:
            supervisor = actor.role == Role.SUPERVISOR
            mine = None if supervisor else actor.user_id
            by_worker: tuple[tuple[str, str, int], ...] = ()
            waiting_referral = Referral.status.in_(
                [literal_column(f"'{status}'") for status in WAITING_REFERRAL]
            )
            if supervisor:
                visits, overdue, by_worker = self._team_tasks(s, day)
                # Every waiting referral, less those on cases of another organisation or deleted.
                waiting = self._count(
                    s, select(func.count()).select_from(Referral).where(waiting_referral)
                ) - self._count(
                    s,
                    select(func.count())
                    .select_from(Referral)
                    .where(
                        # By each outside case's referrals, not by every waiting referral.
                        Referral.status.op("||")(literal_column("''")).in_(WAITING_REFERRAL),
                        Referral.case_id.in_(self._outside()),
                    ),
                )
            else:
                visits, overdue = self._task_counts(s, day, mine)
                # The user's cases from the case indexes, then each one's waiting referrals
                # from ix_referral_waiting: not every waiting referral of the organisation
                # with its case looked up (7k at 100k cases).
                # IN, not a join: SQLite then builds the list of cases once, whatever the
                # statistics say (a join re-ran the union for each referral when they said
                # ix_referral_waiting was empty: 53 s).
                waiting = self._count(
                    s,
                    select(func.count())
                    .select_from(Referral)
                    .where(waiting_referral, Referral.case_id.in_(scoped_cases(actor))),
                )
            incoming = 0
            if actor.role in REFERRAL_RECEIVERS:
                incoming = self._count(
                    s,
                    select(func.count())
                    .select_from(Referral)
                    .where(
                        Referral.to_org_id == actor.org_id,
                        Referral.status.in_(WAITING_REFERRAL),
                    ),
                )
            figures = HomeFigures(
                role=actor.role,
                today=day,
                visits_today=visits,
                overdue=overdue,
                referrals_waiting=waiting,
                referrals_in=incoming,
                referrals_unanswerable=self._unanswerable(s),
                only_here=here,
            )
            if not supervisor:
                return HomeFigures(**{**figures.__dict__, "unfinished": self._unfinished(s)})
            return HomeFigures(
                **{
                    **figures.__dict__,
                    "approvals": self._approvals(s, QUEUE_SHOWN),
                    "approvals_waiting": self._approvals_waiting(s),
                    "overdue_by_worker": by_worker,
                    "staff_left": self._count(
                        s,
                        select(func.count())
                        .select_from(Case)
                        .where(case_scope(actor), Case.stage != Stage.CLOSURE, staff_who_left()),
                    ),
                    **self._by_risk_and_stage(s),
                }
            )

    def approvals(self) -> list[Approval]:
        """The supervisor's queue (empty for anyone else)."""
        if self._ctx.actor.role != Role.SUPERVISOR:
            return []
        with self._guard.read() as s:
            return list(self._approvals(s, None))

    # -- the queries ------------------------------------------------------------------------
    def _unanswerable(self, s: Session) -> int:
        """Through the few partners withdrawn (none, mostly: then one small query)."""
        gone = s.scalars(
            select(SyncOrg.org_id).where(
                SyncOrg.withdrawn_at.is_not(None) | SyncOrg.their_withdrawn_at.is_not(None)
            )
        ).all()
        if not gone:
            return 0
        return self._count(
            s,
            select(func.count())
            .select_from(Referral)
            .join(Case, Case.id == Referral.case_id)
            .where(
                Referral.to_org_id.in_(gone),
                Referral.status.in_(OPEN_AT_RECEIVER),
                case_scope(self._ctx.actor),
            ),
        )

    @staticmethod
    def _count(s: Session, query: object) -> int:
        return int(s.scalar(query) or 0)  # type: ignore[call-overload]

    def _task_counts(self, s: Session, day: date, mine: str | None) -> tuple[int, int]:
        query = (
            select(
                func.count().filter(Task.due_date == day),
                func.count().filter(Task.due_date < day),
            )
            .select_from(Task)
            .join(Case, Case.id == Task.case_id)
            .where(case_scope(self._ctx.actor), *_open_by(day))
        )
        if mine is not None:
            query = query.where(Task.assigned_to == mine)
        today_n, overdue_n = s.execute(query).one()
        return int(today_n or 0), int(overdue_n or 0)

    def _unfinished(self, s: Session) -> int:
        # The same cases the caseload shows for "Unfinished work" with "Only my cases".
        me = self._ctx.actor.user_id
        return self._count(
            s,
            select(func.count(Case.id)).where(
                case_scope(self._ctx.actor),
                or_(Case.assigned_worker_id == me, Case.case_manager_id == me),
                unfinished_work(),
            ),
        )

    def _waiting(self) -> tuple[tuple[str, Any, Any, PlanStatus | ClosureStatus, str], ...]:
        # Each kind from its partial index by name: SQLite would otherwise pick the wider
        # ix_case_file_org_live for the scope's org_id and deleted_at, and read every case.
        return (
            (
                "plan",
                Case.plan_status,
                Case.plan_submitted_at,
                PlanStatus.SUBMITTED,
                "INDEXED BY ix_case_file_plan_waiting",
            ),
            (
                "closure",
                Case.closure_status,
                Case.closure_requested_at,
                ClosureStatus.REQUESTED,
                "INDEXED BY ix_case_file_closure_waiting",
            ),
        )

    def _approvals_waiting(self, s: Session) -> int:
        """Counted in SQL from the partial indexes alone (8.5k waiting: a few ms)."""
        return sum(
            self._count(
                s,
                select(func.count())
                .select_from(Case)
                .with_hint(Case, hint, "sqlite")
                .where(
                    status == literal_column(f"'{waiting.value}'"),
                    case_scope(self._ctx.actor),
                    Case.stage != Stage.CLOSURE,
                ),
            )
            for _kind, status, _since, waiting, hint in self._waiting()
        )

    def _approvals(self, s: Session, limit: int | None) -> tuple[Approval, ...]:
        # Columns, not whole records, and each kind from its partial covering index (the
        # literals below, not bound parameters, let SQLite use it), in its order: the oldest
        # `limit` of each are read, and the children of those only.
        found: list[Approval] = []
        for kind, status, since, waiting, hint in self._waiting():
            rows = s.execute(
                select(
                    Case.id,
                    Case.case_number,
                    since,
                    Child.given_name_th,
                    Child.family_name_th,
                    Child.given_name_latin,
                    Child.family_name_latin,
                )
                .join(Child, Child.id == Case.child_id)
                .with_hint(Case, hint, "sqlite")
                .where(
                    status == literal_column(f"'{waiting.value}'"),
                    case_scope(self._ctx.actor),
                    Case.stage != Stage.CLOSURE,
                )
                .order_by(since)
                .limit(limit if limit is not None else -1)
            ).all()
            found += [
                Approval(
                    kind=kind,
                    since=r[2],
                    case_id=r.id,
                    case_number=r.case_number,
                    child_name_th=full_name(r.given_name_th, r.family_name_th),
                    child_name_latin=full_name(r.given_name_latin, r.family_name_latin),
                )
                for r in rows
            ]
        # Oldest first: the one waiting longest is decided first.
        found.sort(key=lambda a: (a.since is None, a.since or datetime.min))
        return tuple(found[:limit])

    def _outside(self) -> Select[str]:
        """The cases in the vault a supervisor may not see (case_scope's complement for them:
        another organisation's, or deleted), usually few, written so SQLite reads them from
        indexes (ix_case_file_org_live) instead of every case."""
        org = self._ctx.actor.org_id
        return select(Case.id).where(
            or_(
                Case.org_id < org,
                Case.org_id > org,
                and_(Case.org_id == org, Case.deleted_at.is_not(None)),
            )
        )

    def _team_tasks(
        self, s: Session, day: date
    ) -> tuple[int, int, tuple[tuple[str, str, int], ...]]:
        """Visits today, overdue follow-ups, and the overdue ones per worker: every open task
        due by today counted per worker from the covering index ix_case_task_open_due, less
        those on cases the supervisor may not see. Joining ~40k tasks to their cases for the
        scope cost a lookup each (100k cases: about 0.7 s -> a few tens of ms)."""
        worker = Task.assigned_to.op("||")(literal_column("''"))

        def per_worker(*where: ColumnElement[bool]) -> dict[str, tuple[int, int]]:
            counted = s.execute(
                select(
                    worker,
                    func.count().filter(Task.due_date == day),
                    func.count().filter(Task.due_date < day),
                )
                .select_from(Task)
                .where(*_open_by(day), *where)
                .group_by(worker)
            )
            return {str(uid or ""): (int(t or 0), int(n or 0)) for uid, t, n in counted}

        every = per_worker()
        for uid, (t, n) in per_worker(Task.case_id.in_(self._outside())).items():
            today_n, late_n = every[uid]
            every[uid] = (today_n - t, late_n - n)
        late = [(uid, n) for uid, (_t, n) in every.items() if n]
        names = {uid: display or name for uid, (name, display) in known_staff(s).items()}
        ranked = sorted(late, key=lambda r: -r[1])
        return (
            sum(t for t, _n in every.values()),
            sum(n for _w, n in late),
            tuple((uid, names.get(uid, ""), n) for uid, n in ranked),
        )

    def _by_risk_and_stage(self, s: Session) -> dict[str, dict[str, int]]:
        """Open cases counted by risk and by stage, in one pass over the covering index
        ix_case_file_org_live (count(*), not count(id): the id would need the row)."""
        by_risk: dict[str, int] = {}
        by_stage: dict[str, int] = {}
        for risk, stage, n in s.execute(
            select(Case.risk_level, Case.stage, func.count())
            .where(case_scope(self._ctx.actor), Case.stage != Stage.CLOSURE)
            .group_by(Case.risk_level, Case.stage)
        ):
            by_risk[str(risk)] = by_risk.get(str(risk), 0) + int(n)
            by_stage[str(stage)] = by_stage.get(str(stage), 0) + int(n)
        return {"by_risk": by_risk, "by_stage": by_stage}

    @staticmethod
    def _last_sent(
        s: Session, device_id: str, codes: dict[str, str]
    ) -> tuple[tuple[str, datetime], ...]:
        """From the audit trail's sync.export entries of this laptop that carried changes."""
        latest: dict[str, datetime] = {}
        for at, detail in s.execute(
            select(AuditEntry.at, AuditEntry.detail).where(
                AuditEntry.action == "sync.export", AuditEntry.device_id == device_id
            )
        ):
            try:
                info = json.loads(detail) if isinstance(detail, str) else {}
            except ValueError:
                info = {}
            if not isinstance(info, dict):
                continue
            when = _utc(at)
            org = str(info.get("to_org", ""))
            if when is None or not org or not info.get("operations"):
                continue
            if org not in latest or when > latest[org]:
                latest[org] = when
        return tuple(
            sorted(((codes.get(o, o[:8]), w) for o, w in latest.items()), key=lambda p: p[0])
        )

    def _data_manager(self, day: date) -> HomeFigures:
        ws = self._ws
        status = ws.sync.status()
        with self._ctx.read() as s:
            users = self._count(
                s,
                select(func.count(User.id)).where(
                    User.org_id == self._ctx.actor.org_id, User.active.is_(True)
                ),
            )
            last_backup = s.scalar(
                select(func.max(AuditEntry.at)).where(
                    AuditEntry.action == "vault.backup", AuditEntry.device_id == ws.device_id
                )
            )
            codes = {t.org_id: t.code for t in ws.sync.trusted()}
            last_sent = self._last_sent(s, ws.device_id, codes)
        return HomeFigures(
            role=self._ctx.actor.role,
            today=day,
            open_conflicts=ws.conflicts.open_count(),
            users=users,
            last_backup_at=_utc(last_backup),
            recovery_key=ws.vault.slots.recovery is not None,
            last_sent=last_sent,
            laptops=tuple(
                LaptopSync(
                    device_id=p.device_id, org_code=p.org_code, last_bundle_at=p.last_bundle_at
                )
                for p in status.peers
            ),
        )
