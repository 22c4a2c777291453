"""One organisation's figures for a period, read from its vault: counts only, keyed by codes
(places, concerns, stages ...), never a name, an id, a case number or a free text.

A case counts for a period when it was open at any time in it (opened before its end and not
closed before its start), once, with what it is now (stage, risk) and who the child is (place,
age at the period's end, sex, ethnic group, legal status)."""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cmdesk.core.acting.thai_time import thai_today
from cmdesk.core.model import Case, CaseStageChange, Child, Organisation, Referral, Task
from cmdesk.core.model.case import Stage
from cmdesk.core.model.referral import ReferralEvent, ReferralStatus
from cmdesk.core.model.task import TaskStatus
from cmdesk.core.stats.period import Period
from cmdesk.core.stats.suppression import suppress_group, suppress_places

KIND = "cmdesk.stats/1"
AGE_BANDS = ((0, 5, "0-5"), (6, 12, "6-12"), (13, 17, "13-17"), (18, 200, "18+"))
UNKNOWN = "unknown"


def _day(moment: datetime | None) -> date | None:
    return thai_today(moment) if moment is not None else None


def age_band(birth_year: int | None, at: date) -> str:
    if birth_year is None:
        return UNKNOWN
    age = at.year - birth_year
    return next((name for low, high, name in AGE_BANDS if low <= age <= high), UNKNOWN)


def _places(codes: Iterable[str]) -> Counter[str]:
    """Each child counted at every level of where they live (province, district, subdistrict)."""
    counts: Counter[str] = Counter()
    for code in codes:
        for length in (2, 4, 6):
            if len(code) >= length:
                counts[code[:length]] += 1
    return counts


def _days(pairs: Iterable[tuple[date | None, date | None]]) -> list[int]:
    return [(b - a).days for a, b in pairs if a is not None and b is not None and b >= a]


def _time(values: list[int], threshold: int) -> dict[str, Any]:
    """A median and 90th percentile of days, published only from enough referrals."""
    if len(values) < threshold:
        return {"n": len(values) if not values or len(values) >= threshold else None}
    ordered = sorted(values)
    p90 = ordered[min(len(ordered) - 1, int(0.9 * len(ordered)))]
    return {"n": len(values), "median_days": statistics.median(ordered), "p90_days": p90}


def table(cells: Counter[str], threshold: int, *, additive: bool) -> dict[str, Any]:
    total = sum(cells.values())
    return {
        "additive": additive,
        "total": total if total == 0 or total >= threshold else None,
        "cells": suppress_group(dict(cells), threshold, additive=additive),
    }


def compute(s: Session, org_id: str, period: Period, threshold: int) -> dict[str, Any]:
    """The figures for `org_id`'s own cases in `period`, suppressed (see module docstrings)."""
    rows = s.execute(
        select(Case, Child)
        .join(Child, Child.id == Case.child_id)
        .where(Case.org_id == org_id, Case.deleted_at.is_(None))
    ).all()
    active = []
    opened = closed = 0
    for case, child in rows:
        start, end = _day(case.opened_at), _day(case.closed_at)
        if start is not None and start > period.end:
            continue
        if end is not None and end < period.start:
            continue
        active.append((case, child))
        opened += int(start is not None and period.contains(start))
        closed += int(end is not None and period.contains(end))
    case_ids = [case.id for case, _child in rows]
    reopened = sum(
        1
        for change in s.scalars(
            select(CaseStageChange).where(
                CaseStageChange.case_id.in_(case_ids),
                CaseStageChange.from_stage == Stage.CLOSURE,
            )
        )
        if (day := _day(change.created_at)) is not None and period.contains(day)
    )
    concerns: Counter[str] = Counter()
    for case, _child in active:
        concerns.update(set(case.concerns or ()))
    tables: dict[str, dict[str, Any]] = {
        "concern": table(concerns, threshold, additive=False),
        "risk": table(Counter(c.risk_level for c, _ in active), threshold, additive=True),
        "stage": table(Counter(c.stage for c, _ in active), threshold, additive=True),
        "age_band": table(
            Counter(age_band(ch.birth_year, period.end) for _, ch in active),
            threshold,
            additive=True,
        ),
        "sex": table(Counter(ch.sex for _, ch in active), threshold, additive=True),
        "ethnicity": table(
            Counter(ch.ethnicity or UNKNOWN for _, ch in active), threshold, additive=True
        ),
        "legal_status": table(
            Counter(ch.legal_status for _, ch in active), threshold, additive=True
        ),
        "flow": table(
            Counter({"opened": opened, "closed": closed, "reopened": reopened}),
            threshold,
            additive=False,
        ),
    }
    places = _places(ch.subdistrict_code or ch.district_code or "" for _, ch in active)
    tables["place"] = {"additive": True, "total": None, "cells": suppress_places(places, threshold)}
    tables["place"]["total"] = len(active) if len(active) >= threshold else None
    tables.update(_referrals(s, case_ids, period, threshold))
    tables["follow_up"] = _follow_ups(s, case_ids, period, threshold)
    return {
        "kind": KIND,
        "period": {
            "name": period.name,
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
        },
        "threshold": threshold,
        "cases": len(active) if len(active) >= threshold or not active else None,
        "tables": tables,
        "times": _referral_times(s, case_ids, period, threshold),
    }


def _sent_in(s: Session, case_ids: list[str], period: Period) -> list[Referral]:
    sent = s.scalars(
        select(Referral).where(
            Referral.case_id.in_(case_ids),
            Referral.sent_at.is_not(None),
        )
    ).all()
    return [r for r in sent if (day := _day(r.sent_at)) is not None and period.contains(day)]


def _referrals(
    s: Session, case_ids: list[str], period: Period, threshold: int
) -> dict[str, dict[str, Any]]:
    sent = _sent_in(s, case_ids, period)
    codes = {oid: code for oid, code in s.execute(select(Organisation.id, Organisation.code))}
    return {
        "referral_partner": table(
            Counter(codes.get(r.to_org_id, UNKNOWN) for r in sent), threshold, additive=True
        ),
        "referral_service": table(Counter(r.service for r in sent), threshold, additive=True),
        "referral_status": table(Counter(r.status for r in sent), threshold, additive=True),
    }


def _referral_times(
    s: Session, case_ids: list[str], period: Period, threshold: int
) -> dict[str, dict[str, Any]]:
    sent = _sent_in(s, case_ids, period)
    first_answer: dict[str, date] = {}
    for event in s.scalars(
        select(ReferralEvent).where(ReferralEvent.referral_id.in_([r.id for r in sent]))
    ):
        day = _day(event.created_at)
        if day is not None and event.to_status in (
            ReferralStatus.ACKNOWLEDGED,
            ReferralStatus.ACCEPTED,
            ReferralStatus.DECLINED,
        ):
            first_answer[event.referral_id] = min(day, first_answer.get(event.referral_id, day))
    response = _days((_day(r.sent_at), first_answer.get(r.id)) for r in sent)
    completion = _days(
        (_day(r.sent_at), _day(r.status_changed_at))
        for r in sent
        if r.status == ReferralStatus.COMPLETED
    )
    return {"response": _time(response, threshold), "completion": _time(completion, threshold)}


def _follow_ups(s: Session, case_ids: list[str], period: Period, threshold: int) -> dict[str, Any]:
    """Follow-ups due in the period: done by their day, done later, or still not done."""
    counts: Counter[str] = Counter({"on_time": 0, "late": 0, "not_done": 0})
    for task in s.scalars(
        select(Task).where(
            Task.case_id.in_(case_ids),
            Task.deleted_at.is_(None),
            Task.due_date >= period.start,
            Task.due_date <= period.end,
            Task.status != TaskStatus.CANCELLED,
        )
    ):
        done = _day(task.done_at)
        if task.status == TaskStatus.DONE and done is not None:
            counts["on_time" if done <= task.due_date else "late"] += 1
        else:
            counts["not_done"] += 1
    return table(counts, threshold, additive=True)
