"""One organisation's figures for a period, computed from its vault.

Only coded values are read into the figures: stage, risk, concern, sex, legal status and
ethnicity codes from the reference lists (anything else counts as "other"), area codes, dates
and the partner organisation's code. Names, ids, case numbers and free text are never
selected, so they cannot leak into a bundle or report built from these figures.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from math import ceil

from sqlalchemy import select
from sqlalchemy.orm import Session

from cmdesk.core.acting.thai_time import THAILAND
from cmdesk.core.model.case import Case, CaseStageChange, Concern, RiskLevel, Stage
from cmdesk.core.model.child import Child, LegalStatus, Sex
from cmdesk.core.model.org import Organisation
from cmdesk.core.model.referral import Referral, ReferralEvent, ReferralStatus
from cmdesk.core.model.task import Task, TaskStatus
from cmdesk.core.reference.ethnicity import ethnic_group
from cmdesk.core.reference.partners import Service
from cmdesk.core.stats.periods import Period
from cmdesk.core.stats.suppression import DEFAULT_THRESHOLD, Sum, suppress

ALL = "all"
UNKNOWN = "unknown"
OTHER = "other"
AGE_BANDS = ((0, 5, "0-5"), (6, 11, "6-11"), (12, 14, "12-14"), (15, 17, "15-17"))
ADULT = "18+"
REPLIED = {ReferralStatus.ACKNOWLEDGED, ReferralStatus.ACCEPTED, ReferralStatus.DECLINED}
FORMAT = 1


@dataclass
class Table:
    """Counts by key, and the sums published with them (see suppression.Sum)."""

    cells: dict[str, int] = field(default_factory=dict)
    sums: list[Sum] = field(default_factory=list)


@dataclass(frozen=True)
class Times:
    """Days from a referral's sending to its reply and to its completion."""

    count: int
    response_median: float | None
    response_p90: float | None
    completion_median: float | None
    completion_p90: float | None


@dataclass
class Figures:
    org_code: str
    period: Period
    tables: dict[str, Table]
    times: dict[str, Times]

    def published(self, threshold: int = DEFAULT_THRESHOLD) -> dict[str, object]:
        """What may leave the vault: small cells hidden, times only over enough referrals."""
        tables = {
            name: {
                "cells": suppress(t.cells, t.sums, threshold),
                "sums": [[s.total, list(s.parts)] for s in t.sums],
            }
            for name, t in self.tables.items()
        }
        times = {
            key: (
                vars(t)
                if t.count >= threshold
                else {"count": None, **dict.fromkeys(list(vars(t))[1:])}
            )
            for key, t in self.times.items()
        }
        return {
            "format": FORMAT,
            "org": self.org_code,
            "period": self.period.label,
            "first": self.period.first.isoformat(),
            "last": self.period.last.isoformat(),
            "threshold": threshold,
            "tables": tables,
            "times": times,
        }


def local_day(moment: datetime) -> date:
    return moment.astimezone(THAILAND).date()


def _one_way(values: Iterable[str]) -> Table:
    """A one-way table and its total."""
    cells = Counter(values)
    table = Table(dict(cells))
    table.cells[ALL] = sum(cells.values())
    table.sums.append(Sum(ALL, tuple(k for k in cells)))
    return table


def _known(value: str, codes: Iterable[str]) -> str:
    if not value:
        return UNKNOWN
    return value if value in set(codes) else OTHER


def _age_band(child: Child, on: date) -> str:
    if child.birth_day is not None:
        age = (
            on.year
            - child.birth_day.year
            - ((on.month, on.day) < (child.birth_day.month, child.birth_day.day))
        )
    elif child.birth_year is not None:
        age = on.year - child.birth_year
    elif child.birth_stated_age is not None and child.birth_stated_on is not None:
        age = child.birth_stated_age + (on - child.birth_stated_on).days // 365
    else:
        return UNKNOWN
    for low, high, band in AGE_BANDS:
        if low <= age <= high:
            return band
    return ADULT if age >= 18 else UNKNOWN


def _areas(children: Iterable[Child]) -> Table:
    """Cases by subdistrict, rolled up to district, province and all: each level sums the
    one below, so suppression sees every total a reader could subtract from."""
    cells: Counter[str] = Counter()
    for child in children:
        sub = child.subdistrict_code if len(child.subdistrict_code) == 6 else ""
        dist = child.district_code or sub[:4]
        prov = child.province_code or dist[:2]
        cells[f"province:{prov or UNKNOWN}"] += 1
        if prov:
            cells[f"district:{dist or prov + '-' + UNKNOWN}"] += 1
        if dist:
            cells[f"subdistrict:{sub or dist + '-' + UNKNOWN}"] += 1
    table = Table(dict(cells))
    provinces = [k for k in cells if k.startswith("province:")]
    table.cells[ALL] = sum(cells[k] for k in provinces)
    table.sums.append(Sum(ALL, tuple(provinces)))
    for prov_key in provinces:
        prov = prov_key.split(":", 1)[1]
        districts = [k for k in cells if k.startswith(f"district:{prov}")]
        if districts:
            table.sums.append(Sum(prov_key, tuple(districts)))
        for dist_key in districts:
            dist = dist_key.split(":", 1)[1]
            subs = [k for k in cells if k.startswith(f"subdistrict:{dist}")]
            if subs and not dist.endswith(UNKNOWN):
                table.sums.append(Sum(dist_key, tuple(subs)))
    return table


def _quantile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[max(0, ceil(q * len(ordered)) - 1)], 1)


def _times(pairs: list[tuple[float | None, float | None]]) -> Times:
    replies = [r for r, _ in pairs if r is not None]
    done = [c for _, c in pairs if c is not None]
    return Times(
        count=len(pairs),
        response_median=round(statistics.median(replies), 1) if replies else None,
        response_p90=_quantile(replies, 0.9),
        completion_median=round(statistics.median(done), 1) if done else None,
        completion_p90=_quantile(done, 0.9),
    )


def compute(session: Session, org_id: str, period: Period) -> Figures:
    """The organisation's own figures for the period (its own cases, referrals, follow-ups)."""
    org = session.get(Organisation, org_id)
    org_code = org.code if org is not None else ""
    cases = [
        (case, child)
        for case, child in session.execute(
            select(Case, Child)
            .join(Child, Child.id == Case.child_id)
            .where(Case.org_id == org_id, Case.deleted_at.is_(None))
        )
        if local_day(case.opened_at) <= period.last
        and (case.closed_at is None or local_day(case.closed_at) >= period.first)
    ]
    tables: dict[str, Table] = {
        "area": _areas(child for _, child in cases),
        "risk": _one_way(_known(c.risk_level, RiskLevel) for c, _ in cases),
        "stage": _one_way(_known(c.stage, Stage) for c, _ in cases),
        "age_band": _one_way(_age_band(ch, period.last) for _, ch in cases),
        "sex": _one_way(_known(ch.sex, Sex) for _, ch in cases),
        "ethnicity": _one_way(
            (ch.ethnicity if ethnic_group(ch.ethnicity) else _known(ch.ethnicity, ()))
            for _, ch in cases
        ),
        "legal_status": _one_way(_known(ch.legal_status, LegalStatus) for _, ch in cases),
    }
    # A case may have several concerns: the concern cells do not add up to the cases, so no
    # sum is published with them.
    concerns = Counter(
        _known(code, Concern) for c, _ in cases for code in dict.fromkeys(c.concerns or [UNKNOWN])
    )
    tables["concern"] = Table(dict(concerns))
    tables["flow"] = _flow(session, org_id, period)
    tables["followups"] = _followups(session, org_id, period)
    referrals, times = _referrals(session, org_id, period)
    tables["referral_partner"], tables["referral_service"] = referrals
    return Figures(org_code, period, tables, times)


def _flow(session: Session, org_id: str, period: Period) -> Table:
    """Cases opened, closed and reopened in the period (three counts, no sum between them)."""
    opened = closed = 0
    for opened_at, closed_at in session.execute(
        select(Case.opened_at, Case.closed_at).where(
            Case.org_id == org_id, Case.deleted_at.is_(None)
        )
    ):
        opened += period.contains(local_day(opened_at))
        closed += closed_at is not None and period.contains(local_day(closed_at))
    reopened = sum(
        period.contains(local_day(at))
        for (at,) in session.execute(
            select(CaseStageChange.created_at).where(
                CaseStageChange.org_id == org_id,
                CaseStageChange.from_stage == Stage.CLOSURE,
                CaseStageChange.to_stage != Stage.CLOSURE,
            )
        )
    )
    return Table({"opened": opened, "closed": closed, "reopened": reopened})


def _followups(session: Session, org_id: str, period: Period) -> Table:
    """Follow-ups due in the period: done by their day, done later, not done."""
    outcomes = []
    for due, status, done_at in session.execute(
        select(Task.due_date, Task.status, Task.done_at).where(
            Task.org_id == org_id, Task.deleted_at.is_(None), Task.status != TaskStatus.CANCELLED
        )
    ):
        if not period.contains(due):
            continue
        if status == TaskStatus.DONE and done_at is not None:
            outcomes.append("on_time" if local_day(done_at) <= due else "late")
        else:
            outcomes.append("not_done")
    return _one_way(outcomes)


def _referrals(
    session: Session, org_id: str, period: Period
) -> tuple[tuple[Table, Table], dict[str, Times]]:
    """Referrals sent in the period by partner and by service, with their reply and
    completion times in days."""
    codes = {i: c for i, c in session.execute(select(Organisation.id, Organisation.code))}
    sent = [
        (rid, to_org, service, sent_at)
        for rid, to_org, service, sent_at in session.execute(
            select(Referral.id, Referral.to_org_id, Referral.service, Referral.sent_at).where(
                Referral.org_id == org_id, Referral.sent_at.is_not(None)
            )
        )
        if sent_at is not None and period.contains(local_day(sent_at))
    ]
    first_reply: dict[str, datetime] = {}
    completed: dict[str, datetime] = {}
    ids = [rid for rid, *_ in sent]
    for rid, to_status, at in session.execute(
        select(ReferralEvent.referral_id, ReferralEvent.to_status, ReferralEvent.created_at)
        .where(ReferralEvent.referral_id.in_(ids))
        .order_by(ReferralEvent.created_at)
    ):
        if to_status in REPLIED or to_status == ReferralStatus.COMPLETED:
            first_reply.setdefault(rid, at)
        if to_status == ReferralStatus.COMPLETED:
            completed.setdefault(rid, at)
    by_key: dict[str, list[tuple[float | None, float | None]]] = {}
    partners, services = [], []
    for rid, to_org, service, sent_at in sent:
        partner = f"partner:{codes.get(to_org, UNKNOWN)}"
        kind = f"service:{_known(service, Service)}"
        partners.append(partner)
        services.append(kind)
        reply, done = first_reply.get(rid), completed.get(rid)
        pair = (
            (reply - sent_at).total_seconds() / 86400 if reply else None,
            (done - sent_at).total_seconds() / 86400 if done else None,
        )
        for key in (partner, kind, ALL):
            by_key.setdefault(key, []).append(pair)
    times = {key: _times(pairs) for key, pairs in by_key.items()}
    return (_one_way(partners), _one_way(services)), times
