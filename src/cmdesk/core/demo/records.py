"""One demo case as rows of the real model: the child and household, the case with its stage
and risk history, casework, notes, consent, referrals with their events, and tasks.

Pure: everything comes from the case's own random generator and the world it lives in, so a
case is the same whichever batch builds it. Rows are plain dicts keyed by column, ready for
the Core bulk insert in cmdesk.core.demo.generate.
"""

from __future__ import annotations

import random
from bisect import bisect
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from itertools import accumulate
from typing import Any, Final, TypeVar

from cmdesk.core.demo import casework_text as tx
from cmdesk.core.demo.people import DemoChild, DemoStatus, demo_child
from cmdesk.core.model.case import ClosureReason, Concern, RiskLevel, Stage
from cmdesk.core.model.casework import ActionStatus, Domain, GoalStatus, ReviewDecision
from cmdesk.core.model.child import Disability, LegalStatus, Nationality, SchoolStatus
from cmdesk.core.model.consent import ConsentGiver, ConsentMethod, ConsentPurpose, LawfulBasis
from cmdesk.core.model.note import NoteKind
from cmdesk.core.model.referral import (
    ReferralEventKind,
    ReferralStatus,
    SharedSection,
    Urgency,
)
from cmdesk.core.model.task import TaskStatus
from cmdesk.core.reference.partners import Service

Row = dict[str, Any]
T = TypeVar("T")

# Table names in the order they are inserted: cases before children, so the search index
# reads each child's case numbers when the child's row arrives (one index write per child).
TABLES: Final = (
    "case_file",
    "child",
    "household_member",
    "case_stage_change",
    "case_risk_change",
    "case_assessment",
    "case_goal",
    "case_plan_action",
    "case_review",
    "case_note",
    "consent",
    "referral",
    "referral_event",
    "case_task",
)
OPEN_STAGES: Final = (
    Stage.REGISTRATION,
    Stage.ASSESSMENT,
    Stage.CASE_PLAN,
    Stage.IMPLEMENTATION,
    Stage.REVIEW,
)
STAGES: Final = (*OPEN_STAGES, Stage.CLOSURE)
RISKS: Final = tuple(RiskLevel)
REFERRAL_STATES: Final = tuple(ReferralStatus)
# The first cases of every dataset walk through each stage, risk and referral state, so even
# a small demo shows all of them.
COVERAGE: Final = len(STAGES) * len(RISKS)

_STAGE_WEIGHTS: Final = (10, 14, 14, 28, 12, 22)
_RISK_WEIGHTS: Final = (30, 35, 25, 10)
_REFERRAL_WEIGHTS: Final = (8, 12, 12, 25, 10, 25, 8)
_THAI_SHARE: Final = 0.8
_MAX_DAYS_OPEN: Final = 1100

_SERVICE_FOR_DOMAIN: Final = {
    Domain.SAFETY: Service.SHELTER,
    Domain.HEALTH: Service.MEDICAL,
    Domain.EDUCATION: Service.EDUCATION,
    Domain.PSYCHOSOCIAL: Service.PSYCHOSOCIAL,
    Domain.LEGAL_STATUS: Service.DOCUMENTATION,
    Domain.FAMILY_AND_CARE: Service.FAMILY_TRACING,
}
_SERVICES_FOR_CONCERN: Final[dict[str, tuple[Service, ...]]] = {
    Concern.PHYSICAL_ABUSE: (Service.PSYCHOSOCIAL, Service.SHELTER, Service.MEDICAL),
    Concern.SEXUAL_ABUSE: (Service.PSYCHOSOCIAL, Service.LEGAL_AID, Service.SHELTER),
    Concern.TRAFFICKING: (Service.SHELTER, Service.LEGAL_AID, Service.FAMILY_TRACING),
    Concern.CHILD_LABOUR: (Service.EDUCATION, Service.VOCATIONAL),
    Concern.NEGLECT: (Service.FAMILY_TRACING, Service.SHELTER, Service.MEDICAL),
    Concern.DOMESTIC_VIOLENCE: (Service.PSYCHOSOCIAL, Service.SHELTER),
    Concern.ONLINE_ABUSE: (Service.LEGAL_AID, Service.PSYCHOSOCIAL),
    Concern.NO_DOCUMENTS: (Service.DOCUMENTATION, Service.LEGAL_AID),
    Concern.SUBSTANCE_USE: (Service.MEDICAL, Service.PSYCHOSOCIAL, Service.YOUTH_DEVELOPMENT),
    Concern.SCHOOL_DROPOUT: (Service.EDUCATION, Service.VOCATIONAL, Service.YOUTH_DEVELOPMENT),
    Concern.OTHER: (Service.PSYCHOSOCIAL,),
}
_CONCERN_WEIGHTS: Final = (
    (Concern.PHYSICAL_ABUSE, 12),
    (Concern.SEXUAL_ABUSE, 8),
    (Concern.TRAFFICKING, 6),
    (Concern.CHILD_LABOUR, 10),
    (Concern.NEGLECT, 18),
    (Concern.DOMESTIC_VIOLENCE, 10),
    (Concern.ONLINE_ABUSE, 4),
    (Concern.NO_DOCUMENTS, 12),
    (Concern.SUBSTANCE_USE, 5),
    (Concern.SCHOOL_DROPOUT, 12),
    (Concern.OTHER, 3),
)
_LANGUAGE_OF: Final = {
    "akha": "akha",
    "lahu": "lahu",
    "lisu": "lisu",
    "hmong": "hmong",
    "mien": "mien",
    "karen": "karen",
    "lua": "lua",
    "khmu": "khmu",
    "tai_lue": "tai_lue",
    "tai_yai": "shan",
    "yunnanese": "chinese",
    "northern_thai": "northern_thai",
}


@dataclass(frozen=True)
class Staff:
    user_id: str
    team: str = ""


@dataclass(frozen=True)
class Partner:
    org_id: str
    services: tuple[str, ...]
    staff_id: str  # stands for whoever answers referrals there (not a user of this vault)


@dataclass(frozen=True)
class DemoWorld:
    """What every case shares: the vault's organisation, its staff, partners and 'now'."""

    org_id: str
    org_code: str
    device_part: str
    actor_id: str
    as_of: date
    field_workers: tuple[Staff, ...]
    case_managers: tuple[Staff, ...]
    supervisors: tuple[Staff, ...]
    partners: tuple[Partner, ...]
    # subdistrict code -> ids of the community mechanisms there (demo.mechanisms)
    mechanisms: tuple[tuple[str, tuple[str, ...]], ...] = ()

    @property
    def now(self) -> datetime:
        # Mid-afternoon in Thailand (UTC+7) on the as-of day.
        return datetime.combine(self.as_of, time(8, 0), tzinfo=UTC)


def demo_id(at: datetime, rng: random.Random) -> str:
    """A UUIDv7 for a record made at `at`: ordered by time like real ids, random bits from the
    case's generator so the dataset repeats exactly for a seed."""
    ms = int(at.timestamp() * 1000) & ((1 << 48) - 1)
    rand = rng.getrandbits(74)
    value = (ms << 80) | (0x7 << 76) | ((rand >> 62) << 64) | (0b10 << 62) | (rand & _LOW62)
    h = f"{value:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


_LOW62: Final = (1 << 62) - 1


def utc_text(at: datetime) -> str:
    """`at` (UTC) as model.base.UtcDateTime stores it: one format call instead of strftime."""
    return at.isoformat(timespec="microseconds")[:26] + "Z"


@cache
def _cumulative(weights: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(accumulate(weights))


def _pick(rng: random.Random, options: tuple[T, ...], weights: tuple[int, ...]) -> T:
    # random.choices recomputes the cumulative weights on every call; this is the hot path.
    cumulative = _cumulative(weights)
    return options[bisect(cumulative, rng.random() * cumulative[-1])]


_CLOSURE_REASONS: Final = tuple(ClosureReason)
_DISABILITIES: Final = tuple(Disability)
_GOAL_STATES: Final = tuple(GoalStatus)
_ACTION_STATES: Final = tuple(ActionStatus)
_TASK_STATES: Final = tuple(TaskStatus)
_NOTE_KINDS: Final = tuple(NoteKind)
_SCHOOL_STATES: Final = tuple(SchoolStatus)
_DOMAINS: Final = list(Domain)


@dataclass
class CaseBuilder:
    """Builds the rows of case number `index`; call `build()` once."""

    index: int
    case_number: str
    opened_at: datetime
    world: DemoWorld
    rng: random.Random
    rows: dict[str, list[Row]] = field(default_factory=lambda: {t: [] for t in TABLES})

    def __post_init__(self) -> None:
        self.lang = 0 if self.rng.random() < _THAI_SHARE else 1

    # -- helpers -----------------------------------------------------------------------
    def text(self, options: tx.Texts, **params: str) -> str:
        chosen = self.rng.choice(options)[self.lang]
        return chosen.format(**params) if params else chosen

    def staff(self, pool: tuple[Staff, ...]) -> Staff:
        if not pool:
            return Staff(self.world.actor_id)
        return pool[self.rng.randrange(len(pool))]

    def synced(self, at: datetime, by: str, org_id: str | None = None) -> Row:
        stamp = utc_text(at)
        return {
            "id": demo_id(at, self.rng),
            "org_id": org_id or self.world.org_id,
            "created_at": stamp,
            "created_by": by,
            "updated_at": stamp,
            "updated_by": by,
        }

    def add(self, table: str, row: Row, *, soft: bool = False) -> Row:
        if soft:
            row.update(deleted_at=None, deleted_by=None, deleted_reason=None)
        self.rows[table].append(row)
        return row

    def between(self, start: datetime, end: datetime) -> datetime:
        if end <= start:
            return start
        return start + (end - start) * self.rng.random()

    # -- the case ------------------------------------------------------------------------
    def build(self) -> dict[str, list[Row]]:
        rng, world = self.rng, self.world
        i = self.index
        final = STAGES[i % len(STAGES)] if i < COVERAGE else _pick(rng, STAGES, _STAGE_WEIGHTS)
        risk = RISKS[i % len(RISKS)] if i < COVERAGE else _pick(rng, RISKS, _RISK_WEIGHTS)
        self.manager = self.staff(world.case_managers)
        self.worker = self.staff(world.field_workers)
        self.supervisor = self.staff(world.supervisors)
        age = rng.choices(
            range(18), weights=[2, 2, 3, 3, 4, 5, 6, 7, 8, 9, 10, 10, 10, 10, 9, 8, 7, 5]
        )[0]
        self.age = age
        demo = demo_child(rng, born_year=self.world.as_of.year - age)
        self.demo = demo
        path, reopened = self.stage_path(final)
        times = self.stage_times(len(path))
        concerns = self.concerns(demo)
        case = self.case_row(path, times, risk, concerns, reopened)
        self.child_row(demo, age)
        self.mechanisms(case, demo.village.subdistrict_code)
        self.household(demo)
        self.history(case, path, times, risk)
        reached = set(path)
        if Stage.ASSESSMENT in reached:
            self.assessments(times[path.index(Stage.ASSESSMENT)], risk)
        if Stage.CASE_PLAN in reached:
            self.plan(times[path.index(Stage.CASE_PLAN)], final)
        self.reviews(path, times)
        end = case["closed_at"] or world.now
        self.notes(end)
        consent_time = self.opened_at
        self.services_consent(consent_time, risk)
        wants_referral = i < len(REFERRAL_STATES) or rng.random() < 0.35
        if wants_referral and Stage.ASSESSMENT in reached:
            forced = REFERRAL_STATES[i] if i < len(REFERRAL_STATES) else None
            self.referral(times[path.index(Stage.ASSESSMENT)], end, concerns, risk, forced)
        self.tasks(final)
        return self.rows

    def stage_path(self, final: Stage) -> tuple[list[Stage], bool]:
        rng = self.rng
        if final is Stage.CLOSURE:
            last_open = _pick(rng, OPEN_STAGES, (3, 8, 6, 30, 53))
            path = [*OPEN_STAGES[: OPEN_STAGES.index(last_open) + 1], Stage.CLOSURE]
        else:
            path = list(OPEN_STAGES[: OPEN_STAGES.index(final) + 1])
        if Stage.REVIEW in path and rng.random() < 0.3:
            at = path.index(Stage.REVIEW)
            path[at:at] = [Stage.REVIEW, Stage.IMPLEMENTATION]
        reopened = final not in (Stage.REGISTRATION, Stage.CLOSURE) and rng.random() < 0.05
        if reopened:
            before = [*OPEN_STAGES[:4], Stage.CLOSURE]
            path = before + path[1:]
        return path, reopened

    def stage_times(self, count: int) -> list[datetime]:
        end = self.world.now - timedelta(hours=1)
        points = sorted(self.between(self.opened_at, end) for _ in range(count - 1))
        return [self.opened_at, *points]

    def concerns(self, demo: DemoChild) -> list[str]:
        options = tuple(c for c, _ in _CONCERN_WEIGHTS)
        weights = tuple(w for _, w in _CONCERN_WEIGHTS)
        chosen = {_pick(self.rng, options, weights) for _ in range(self.rng.randint(1, 3))}
        if demo.person.status is not DemoStatus.THAI and self.rng.random() < 0.6:
            chosen.add(Concern.NO_DOCUMENTS)
        return sorted(chosen)

    def case_row(
        self,
        path: list[Stage],
        times: list[datetime],
        risk: RiskLevel,
        concerns: list[str],
        reopened: bool,
    ) -> Row:
        rng = self.rng
        final = path[-1]
        row = self.synced(self.opened_at, self.worker.user_id)
        row.update(
            case_number=self.case_number,
            child_id="",  # set by child_row
            case_manager_id=self.manager.user_id if self.world.case_managers else None,
            assigned_worker_id=self.worker.user_id if self.world.field_workers else None,
            team=self.worker.team if self.world.field_workers else "",
            concerns=concerns,
            concern_other=self.text(tx.CONCERN_OTHER) if Concern.OTHER in concerns else "",
            risk_level=risk.value,
            risk_reason=self.text(tx.RISK_REASONS[risk.value]),
            stage=final.value,
            stage_changed_at=times[-1],
            opened_at=self.opened_at,
            reopen_count=1 if reopened else 0,
            plan_status="draft",
            plan_submitted_at=None,
            plan_submitted_by=None,
            plan_decided_at=None,
            plan_decided_by=None,
            plan_return_reason="",
            closure_status="",
            closure_reason=None,
            closure_note="",
            closure_requested_at=None,
            closure_requested_by=None,
            closed_at=None,
            closed_by=None,
            updated_at=times[-1],
            referred_by_mechanism_id=None,
            referred_to_mechanism_id=None,
            from_referral_id=None,
        )
        last_plan = max((k for k, s in enumerate(path) if s is Stage.CASE_PLAN), default=None)
        if last_plan is not None:
            plan_at = times[last_plan]
            submitted = self.between(
                plan_at, times[last_plan + 1] if last_plan + 1 < len(times) else self.world.now
            )
            if final is Stage.CASE_PLAN:
                row["plan_status"] = _pick(rng, ("draft", "submitted", "returned"), (4, 4, 2))
            else:
                row["plan_status"] = "approved"
            if row["plan_status"] != "draft":
                row.update(plan_submitted_at=submitted, plan_submitted_by=self.manager.user_id)
            if row["plan_status"] in ("approved", "returned"):
                row.update(
                    plan_decided_at=submitted + timedelta(days=2),
                    plan_decided_by=self.supervisor.user_id,
                )
            if row["plan_status"] == "returned":
                row["plan_return_reason"] = tx.PLAN_RETURNED[self.lang]
        if final is Stage.CLOSURE:
            closed = times[-1]
            row.update(
                closure_status="approved",
                closure_reason=_pick(rng, _CLOSURE_REASONS, (40, 12, 12, 8, 8, 12, 1, 7)).value,
                closure_note=self.text(tx.CLOSURE_NOTES),
                closure_requested_at=max(times[-2], closed - timedelta(days=3)),
                closure_requested_by=self.manager.user_id,
                closed_at=closed,
                closed_by=self.supervisor.user_id,
            )
        elif final is Stage.REVIEW and rng.random() < 0.25:
            row.update(
                closure_status="requested",
                closure_reason=ClosureReason.GOALS_ACHIEVED.value,
                closure_requested_at=times[-1],
                closure_requested_by=self.manager.user_id,
            )
        return self.add("case_file", row, soft=True)

    def child_row(self, demo: DemoChild, age: int) -> None:
        rng, p = self.rng, demo.person
        registered = self.opened_at - timedelta(hours=rng.randint(0, 48))
        row = self.synced(registered, self.worker.user_id)
        self.rows["case_file"][0]["child_id"] = row["id"]
        self.child_id = row["id"]
        born = p.born_year
        precision = (
            "exact" if rng.random() < 0.6 else ("year" if rng.random() < 0.6 else "estimated")
        )
        day = date(born, 1, 1) + timedelta(days=rng.randrange(365))
        if day > self.world.as_of:
            day = self.world.as_of - timedelta(days=30)
            born = day.year
        stated_on = self.opened_at.date()
        legal, nationality = _legal(p.status, p.ethnicity)
        language = _LANGUAGE_OF.get(p.ethnicity)
        languages = [language] if language else []
        school = _school(rng, age)
        if school in (SchoolStatus.ENROLLED, SchoolStatus.NON_FORMAL) or age >= 7:
            languages.append("thai")
        disability = _pick(rng, _DISABILITIES, (85, 5, 3, 7))
        row.update(
            given_name_th=p.name.given_th,
            family_name_th=p.name.family_th,
            given_name_latin=p.name.given_en,
            family_name_latin=p.name.family_en,
            nickname=p.name.nickname_th,
            other_names=[],
            sex=p.sex,
            birth_precision=precision,
            birth_year=day.year if precision == "exact" else born,
            birth_day=day if precision == "exact" else None,
            birth_stated_age=max(0, stated_on.year - born) if precision == "estimated" else None,
            birth_stated_on=stated_on if precision == "estimated" else None,
            ethnicity=p.ethnicity,
            nationality=nationality.value,
            legal_status=legal.value,
            id_document_type=p.identity.document_type.value,
            id_number=p.identity.number,
            village=f"{demo.village.name_th} หมู่ {demo.village.moo}",
            province_code=demo.village.province_code,
            district_code=demo.village.district_code,
            subdistrict_code=demo.village.subdistrict_code,
            languages=list(dict.fromkeys(languages)),
            school_status=school.value,
            school_name=f"{tx.SCHOOL_PREFIX[0]}{demo.village.name_th}"
            if school is SchoolStatus.ENROLLED
            else "",
            disability=disability.value,
            disability_details=self.text(tx.DISABILITY) if disability is Disability.YES else "",
        )
        if precision == "estimated":
            row["birth_year"] = stated_on.year - row["birth_stated_age"]
        self.add("child", row, soft=True)

    def mechanisms(self, case: Row, subdistrict_code: str) -> None:
        """About a third of the cases in a subdistrict with a community mechanism came from
        it; some were referred to it. A generator of its own, so the rest of the dataset is
        the same with or without mechanisms."""
        there = dict(self.world.mechanisms).get(subdistrict_code, ())
        if not there:
            return
        rng = random.Random(case["id"])
        if rng.random() < 0.35:
            case["referred_by_mechanism_id"] = rng.choice(there)
        if rng.random() < 0.15:
            case["referred_to_mechanism_id"] = rng.choice(there)

    def household(self, demo: DemoChild) -> None:
        for carer in demo.caregivers:
            row = self.synced(self.opened_at, self.worker.user_id)
            row.update(
                child_id=self.child_id,
                name=carer.person.name.full_th,
                relationship=carer.relationship.value,
                is_caregiver=True,
                lives_with_child=self.rng.random() < 0.9,
                birth_year=carer.person.born_year,
                phone=carer.person.phone or "",
                contact_notes="",
            )
            self.add("household_member", row, soft=True)
        first = demo.caregivers[0].relationship.value if demo.caregivers else "other"
        self.carer = tx.CARER_WORDS[first][self.lang]
        self.village = demo.village.name_th if self.lang == 0 else demo.village.name_en

    def history(self, case: Row, path: list[Stage], times: list[datetime], risk: RiskLevel) -> None:
        previous: str | None = None
        for stage, at in zip(path, times, strict=True):
            by = self.worker.user_id if stage is Stage.REGISTRATION else self.manager.user_id
            reason = ""
            if stage is Stage.CLOSURE:
                by, reason = self.supervisor.user_id, case["closure_note"]
            elif previous == Stage.CLOSURE:
                reason = tx.REOPEN[self.lang]
            row = self.synced(at, by)
            row.update(case_id=case["id"], from_stage=previous, to_stage=stage.value, reason=reason)
            self.add("case_stage_change", row)
            previous = stage.value
        levels = [risk]
        if self.rng.random() < 0.35:
            levels.insert(0, self.rng.choice([r for r in RISKS if r is not risk]))
        for k, level in enumerate(levels):
            at = self.opened_at if k == 0 else self.between(self.opened_at, times[-1])
            row = self.synced(at, self.manager.user_id)
            row.update(
                case_id=case["id"],
                level=level.value,
                reason=self.text(tx.RISK_REASONS[level.value]),
            )
            self.add("case_risk_change", row)

    def assessments(self, at: datetime, risk: RiskLevel) -> None:
        domains = self.rng.sample(_DOMAINS, self.rng.randint(1, 4))
        serious = RISKS.index(risk)
        for domain in domains:
            rating = _pick(
                self.rng,
                ("no_concern", "some_concern", "serious_concern"),
                (4 - serious, 4, 1 + 2 * serious),
            )
            row = self.synced(self.between(at, at + timedelta(days=10)), self.manager.user_id)
            row.update(
                case_id=self.rows["case_file"][0]["id"],
                domain=domain.value,
                rating=rating,
                findings=self.text(
                    tx.FINDINGS[domain.value], village=self.village, carer=self.carer
                ),
                needs=self.text(tx.NEEDS[domain.value]) if rating != "no_concern" else "",
            )
            self.add("case_assessment", row, soft=True)

    def plan(self, at: datetime, final: Stage) -> None:
        case_id = self.rows["case_file"][0]["id"]
        for domain in self.rng.sample(_DOMAINS, self.rng.randint(1, 3)):
            if final is Stage.CLOSURE:
                status = _pick(self.rng, _GOAL_STATES, (1, 8, 1))
            elif final in (Stage.REVIEW, Stage.IMPLEMENTATION):
                status = _pick(self.rng, _GOAL_STATES, (6, 3, 1))
            else:
                status = GoalStatus.OPEN
            goal = self.synced(at, self.manager.user_id)
            goal.update(
                case_id=case_id,
                domain=domain.value,
                description=self.text(tx.GOALS[domain.value]),
                status=status.value,
            )
            self.add("case_goal", goal, soft=True)
            for _ in range(1 if self.rng.random() < 0.7 else 2):
                self.action(goal["id"], domain, at)

    def action(self, goal_id: str, domain: Domain, at: datetime) -> None:
        service = _SERVICE_FOR_DOMAIN[domain]
        partners = [p for p in self.world.partners if service in p.services]
        org = (
            self.rng.choice(partners).org_id
            if partners and self.rng.random() < 0.5
            else self.world.org_id
        )
        due = at.date() + timedelta(days=self.rng.randint(14, 90))
        if due < self.world.as_of:
            status = _pick(self.rng, _ACTION_STATES, (1, 2, 6, 1))
        else:
            status = _pick(self.rng, _ACTION_STATES, (6, 4, 0, 0))
        row = self.synced(at, self.manager.user_id)
        done = datetime.combine(min(due, self.world.as_of), time(3, 0), tzinfo=UTC)
        row.update(
            case_id=self.rows["case_file"][0]["id"],
            goal_id=goal_id,
            description=self.text(tx.ACTIONS[domain.value]),
            responsible_org_id=org,
            due_date=due,
            status=status.value,
            done_at=done if status is ActionStatus.DONE else None,
        )
        self.add("case_plan_action", row, soft=True)

    def reviews(self, path: list[Stage], times: list[datetime]) -> None:
        case_id = self.rows["case_file"][0]["id"]
        for k, stage in enumerate(path):
            if stage is not Stage.REVIEW:
                continue
            nxt = path[k + 1] if k + 1 < len(path) else None
            if nxt is None and self.rng.random() < 0.5:
                continue  # the review of this round is not written yet
            decision = (
                {
                    Stage.IMPLEMENTATION: ReviewDecision.CONTINUE,
                    Stage.CASE_PLAN: ReviewDecision.REVISE_PLAN,
                    Stage.CLOSURE: ReviewDecision.CLOSE,
                }.get(nxt, ReviewDecision.CONTINUE)
                if nxt
                else self.rng.choice(list(ReviewDecision))
            )
            end = times[k + 1] if nxt else self.world.now
            at = self.between(times[k], end)
            progress = tx.REVIEWS[{"continue": 0, "revise_plan": 1, "close": 2}[decision.value]][
                self.lang
            ]
            row = self.synced(at, self.manager.user_id)
            row.update(
                case_id=case_id, review_date=at.date(), progress=progress, decision=decision.value
            )
            self.add("case_review", row)

    def notes(self, end: datetime) -> None:
        case_id = self.rows["case_file"][0]["id"]
        kinds = _NOTE_KINDS
        count = 1 + min(int(self.rng.expovariate(0.6)), 6)
        partner = self.rng.choice(self.world.partners).org_id if self.world.partners else ""
        for _ in range(count):
            kind = _pick(self.rng, kinds, (40, 20, 15, 15, 10))
            author = self.worker if kind is NoteKind.HOME_VISIT else self.manager
            at = self.between(self.opened_at, end)
            org_name = {0: "หน่วยงานภาคี", 1: "the partner"}[self.lang] if partner else ""
            body = self.text(
                tx.NOTES[kind.value], village=self.village, carer=self.carer, org=org_name
            )
            first = self.synced(at, author.user_id)
            first.update(
                case_id=case_id,
                thread_id=first["id"],
                version=1,
                based_on_id=None,
                kind=kind.value,
                body=body,
            )
            self.add("case_note", first)
            if self.rng.random() < 0.1:
                later = min(at + timedelta(days=self.rng.randint(0, 3), hours=2), end)
                second = self.synced(later, author.user_id)
                second.update(
                    case_id=case_id,
                    thread_id=first["id"],
                    version=2,
                    based_on_id=first["id"],
                    kind=kind.value,
                    body=body + tx.NOTE_EDIT[self.lang],
                )
                self.add("case_note", second)

    def consent_row(
        self, at: datetime, purpose: ConsentPurpose, basis: LawfulBasis, org: str | None
    ) -> Row:
        row = self.synced(at, self.worker.user_id)
        consented = basis is LawfulBasis.CONSENT
        givers = [ConsentGiver.PARENT, ConsentGiver.GUARDIAN, ConsentGiver.OTHER_CAREGIVER]
        if self.age >= 12:  # older children consent for themselves too
            givers.append(ConsentGiver.CHILD)
        giver = self.rng.choice(givers)
        carers = self.demo.caregivers
        row.update(
            child_id=self.child_id,
            case_id=self.rows["case_file"][0]["id"],
            purpose=purpose.value,
            shared_with_org_id=org,
            basis=basis.value,
            basis_reason="" if consented else tx.VITAL_INTEREST[self.lang],
            given_by=giver.value if consented else None,
            giver_name=carers[0].person.name.full_th
            if consented and carers and giver is not ConsentGiver.CHILD
            else "",
            method=self.rng.choice(list(ConsentMethod)).value if consented else None,
            given_on=at.date(),
            withdrawn_at=None,
            withdrawn_by=None,
            withdrawn_reason="",
        )
        return self.add("consent", row)

    def services_consent(self, at: datetime, risk: RiskLevel) -> None:
        urgent = risk in (RiskLevel.HIGH, RiskLevel.CRITICAL) and self.rng.random() < 0.15
        basis = LawfulBasis.VITAL_INTEREST if urgent else LawfulBasis.CONSENT
        row = self.consent_row(at, ConsentPurpose.SERVICES, basis, None)
        if basis is LawfulBasis.CONSENT and self.rng.random() < 0.02:
            row.update(
                withdrawn_at=self.between(at, self.world.now),
                withdrawn_by=self.manager.user_id,
                withdrawn_reason=tx.CONSENT_WITHDRAWN[self.lang],
            )

    def referral(
        self,
        start: datetime,
        end: datetime,
        concerns: list[str],
        risk: RiskLevel,
        forced: ReferralStatus | None,
    ) -> None:
        rng = self.rng
        services = [s for c in concerns for s in _SERVICES_FOR_CONCERN.get(c, ())]
        choices = [(s, p) for s in services for p in self.world.partners if s in p.services]
        if not choices:
            return
        service, partner = rng.choice(choices)
        status = forced or _pick(rng, REFERRAL_STATES, _REFERRAL_WEIGHTS)
        urgency = (
            Urgency.EMERGENCY
            if risk is RiskLevel.CRITICAL and rng.random() < 0.5
            else (Urgency.URGENT if risk is RiskLevel.HIGH else Urgency.ROUTINE)
        )
        made = (
            self.between(start, end - timedelta(days=1))
            if end - start > timedelta(days=1)
            else start
        )
        override = urgency is Urgency.EMERGENCY and rng.random() < 0.3
        consent_id = None
        if not override:
            consent_id = self.consent_row(
                made, ConsentPurpose.SHARING, LawfulBasis.CONSENT, partner.org_id
            )["id"]
        sections = [SharedSection.IDENTITY, SharedSection.CONCERNS_AND_RISK]
        if service in (Service.DOCUMENTATION, Service.LEGAL_AID):
            sections.append(SharedSection.LEGAL_STATUS)
        if rng.random() < 0.5:
            sections += [SharedSection.ADDRESS, SharedSection.HOUSEHOLD]
        row = self.synced(made, self.manager.user_id)
        steps = _referral_steps(status)
        times = sorted(self.between(made, end) for _ in steps)
        row.update(
            case_id=self.rows["case_file"][0]["id"],
            child_id=self.child_id,
            to_org_id=partner.org_id,
            service=service.value,
            urgency=urgency.value,
            reason=self.text(tx.REFERRAL_REASONS[service.value]),
            shared_sections=[s.value for s in sections],
            due_date=made.date() + timedelta(days=rng.randint(7, 30)),
            status=status.value,
            consent_id=consent_id,
            override_reason=tx.OVERRIDE[self.lang] if override else "",
            sent_at=times[0] if steps else None,
            status_changed_at=times[-1] if steps else None,
            closing_reason="",
            updated_at=times[-1] if steps else made,
        )
        if status is ReferralStatus.DECLINED:
            row["closing_reason"] = self.text(tx.DECLINED)
        elif status is ReferralStatus.WITHDRAWN:
            row["closing_reason"] = self.text(tx.WITHDRAWN)
        self.add("referral", row)
        previous = ReferralStatus.DRAFT
        for step, at in zip(steps, times, strict=True):
            ours = step in (ReferralStatus.SENT, ReferralStatus.WITHDRAWN)
            event = self.synced(
                at,
                self.manager.user_id if ours else partner.staff_id,
                None if ours else partner.org_id,
            )
            text = (
                row["closing_reason"]
                if step in (ReferralStatus.DECLINED, ReferralStatus.WITHDRAWN)
                else ""
            )
            event.update(
                referral_id=row["id"],
                kind=ReferralEventKind.TRANSITION.value,
                from_status=previous.value,
                to_status=step.value,
                text=text,
            )
            self.add("referral_event", event)
            previous = step
        if status is ReferralStatus.COMPLETED:
            event = self.synced(times[-1] + timedelta(minutes=5), partner.staff_id, partner.org_id)
            event.update(
                referral_id=row["id"],
                kind=ReferralEventKind.FEEDBACK.value,
                from_status=None,
                to_status=None,
                text=self.text(tx.FEEDBACK),
            )
            self.add("referral_event", event)

    def tasks(self, final: Stage) -> None:
        case_id = self.rows["case_file"][0]["id"]
        today = self.world.as_of
        closed = final is Stage.CLOSURE
        for _ in range(self.rng.randint(0, 1) if closed else self.rng.randint(1, 2)):
            due = today + timedelta(days=self.rng.randint(-30, 45))
            if closed:
                due = min(due, self.opened_at.date() + timedelta(days=30))
            if closed or due >= today:
                status = TaskStatus.DONE if closed else TaskStatus.OPEN
            else:
                status = _pick(self.rng, _TASK_STATES, (45, 50, 5))
            made = max(
                self.opened_at, datetime.combine(due - timedelta(days=14), time(2, 0), tzinfo=UTC)
            )
            made = min(made, self.world.now)
            who = self.worker
            row = self.synced(made, self.manager.user_id)
            row.update(
                case_id=case_id,
                title=self.text(tx.TASKS),
                details="",
                due_date=due,
                assigned_to=who.user_id if self.world.field_workers else None,
                status=status.value,
                done_at=max(made, datetime.combine(due, time(4, 0), tzinfo=UTC))
                if status is TaskStatus.DONE
                else None,
                outcome="",
            )
            self.add("case_task", row, soft=True)


def _referral_steps(status: ReferralStatus) -> list[ReferralStatus]:
    s = ReferralStatus
    return {
        s.DRAFT: [],
        s.SENT: [s.SENT],
        s.ACKNOWLEDGED: [s.SENT, s.ACKNOWLEDGED],
        s.ACCEPTED: [s.SENT, s.ACKNOWLEDGED, s.ACCEPTED],
        s.DECLINED: [s.SENT, s.ACKNOWLEDGED, s.DECLINED],
        s.COMPLETED: [s.SENT, s.ACKNOWLEDGED, s.ACCEPTED, s.COMPLETED],
        s.WITHDRAWN: [s.SENT, s.WITHDRAWN],
    }[status]


def _legal(status: DemoStatus, ethnicity: str) -> tuple[LegalStatus, Nationality]:
    if status is DemoStatus.THAI:
        return LegalStatus.THAI, Nationality.THAI
    if status is DemoStatus.SCHOOL_G_CODE:
        return LegalStatus.G_CODE_PUPIL, Nationality.UNKNOWN
    if status is DemoStatus.UNDOCUMENTED:
        return LegalStatus.UNDOCUMENTED, Nationality.NONE
    if status is DemoStatus.MIGRANT:
        nationality = Nationality.MYANMAR if ethnicity != "yunnanese" else Nationality.CHINESE
        return LegalStatus.NON_THAI_REGISTERED, nationality
    if status is DemoStatus.RESIDENT:
        return LegalStatus.NON_THAI_REGISTERED, Nationality.CHINESE
    return LegalStatus.NON_THAI_REGISTERED, Nationality.NONE


def _school(rng: random.Random, age: int) -> SchoolStatus:
    if age < 4:
        return SchoolStatus.BELOW_SCHOOL_AGE
    options = _SCHOOL_STATES
    if age < 16:
        return _pick(rng, options, (75, 5, 5, 10, 0, 0, 5))
    return _pick(rng, options, (50, 10, 5, 20, 10, 0, 5))


def case_year(at: datetime) -> int:
    """The Buddhist-Era year of a moment in Thailand (case numbers count per B.E. year)."""
    return (at + timedelta(hours=7)).year + 543
