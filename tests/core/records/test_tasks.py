"""Follow-up tasks and the overdue list."""

from __future__ import annotations

from datetime import timedelta

import pytest

from cmdesk.core.acting.thai_time import thai_today
from cmdesk.core.errors import PermissionDenied, TransitionNotAllowed, ValidationError
from tests.core.records.conftest import Open
from tests.core.records.flows import new_case


def test_overdue_lists_open_tasks_past_due_on_visible_cases(as_user: Open) -> None:
    today = thai_today()
    anong, pim = as_user("anong"), as_user("pim")
    case = new_case(as_user)
    late = anong.tasks.add(case.id, "Visit school", today - timedelta(days=3), pim.actor.user_id)
    due_today = anong.tasks.add(case.id, "Call mother", today)
    later = anong.tasks.add(case.id, "Home visit", today + timedelta(days=7))
    done = anong.tasks.add(case.id, "Birth record", today - timedelta(days=10))
    anong.tasks.complete(done.value.id)
    assert [t.id for t in anong.tasks.overdue(today)] == [late.value.id]
    assert [t.id for t in pim.tasks.overdue(today, mine_only=True)] == [late.value.id]
    assert anong.tasks.overdue(today, mine_only=True) == []
    assert as_user("ton").tasks.overdue(today) == []  # not ton's case
    tomorrow = today + timedelta(days=1)
    assert {t.id for t in anong.tasks.overdue(tomorrow)} == {late.value.id, due_today.value.id}
    assert late.value.case_number == case.case_number and late.value.is_overdue(today)
    assert not later.value.is_overdue(today)
    listed = anong.tasks.for_case(case.id)
    assert [t.title for t in listed] == [
        "Birth record",
        "Visit school",
        "Call mother",
        "Home visit",
    ]


def test_task_lifecycle_and_rules(as_user: Open) -> None:
    anong = as_user("anong")
    case = new_case(as_user)
    task = anong.tasks.add(case.id, "Visit", thai_today()).value
    assert task.assigned_to == anong.actor.user_id  # the one adding, when nobody is named
    with pytest.raises(ValidationError):
        anong.tasks.add(case.id, " ", thai_today())
    with pytest.raises(ValidationError):  # not staff of this organisation
        anong.tasks.add(case.id, "x", thai_today(), as_user("ecpat_fw").actor.user_id)
    with pytest.raises(ValidationError) as why:  # postponing says why
        anong.tasks.reschedule(task.id, thai_today() + timedelta(days=2))
    assert why.value.errors[0].field == "reason"
    with pytest.raises(ValidationError):  # and never into the past
        anong.tasks.reschedule(task.id, thai_today() - timedelta(days=1), "typo")
    moved = anong.tasks.reschedule(task.id, thai_today() + timedelta(days=2), "family away").value
    assert moved.due_date == thai_today() + timedelta(days=2) and moved.outcome == "family away"
    with pytest.raises(ValidationError):
        anong.tasks.cancel(task.id, "")
    cancelled = anong.tasks.cancel(task.id, "family moved").value
    assert cancelled.status == "cancelled" and cancelled.outcome == "family moved"
    with pytest.raises(TransitionNotAllowed):
        anong.tasks.complete(task.id)
    with pytest.raises(PermissionDenied):
        as_user("boon").tasks.for_case(case.id)


def test_my_week_shows_overdue_today_and_the_coming_days_with_the_child(as_user: Open) -> None:
    today = thai_today()
    anong, pim = as_user("anong"), as_user("pim")
    case = new_case(as_user)
    me = pim.actor.user_id
    late = anong.tasks.add(case.id, "Visit school", today - timedelta(days=3), me).value
    now = anong.tasks.add(case.id, "Call mother", today, me).value
    soon = anong.tasks.add(case.id, "Home visit", today + timedelta(days=6), me).value
    in_a_week = anong.tasks.add(case.id, "In a week", today + timedelta(days=7), me).value
    anong.tasks.add(case.id, "Next month", today + timedelta(days=8), me)
    anong.tasks.add(case.id, "Someone else's", today, anong.actor.user_id)
    week = pim.tasks.agenda(today)
    assert [i.task_id for i in week] == [late.id, now.id, soon.id, in_a_week.id]
    assert [i.day(today) for i in week] == ["overdue", "today", "soon", "soon"]
    first = week[0]
    assert first.child_name_th == case.child_name_th and first.child_nickname == "ลิ"
    assert first.village == "บ้านป่าซาง" and first.case_number == case.case_number
    assert len(anong.tasks.agenda(today, mine_only=False)) == 5
    done = pim.tasks.complete(now.id, "mother agreed to the school meeting").value
    assert done.status == "done" and done.outcome == "mother agreed to the school meeting"
    assert [i.task_id for i in pim.tasks.agenda(today)] == [late.id, soon.id, in_a_week.id]
    with pytest.raises(PermissionDenied):
        as_user("admin").tasks.agenda(today)  # no casework


def test_a_case_can_start_with_its_first_visit_due_as_soon_as_its_risk_asks(
    as_user: Open,
) -> None:
    from tests.core.records.factories import child_draft

    anong, pim = as_user("anong"), as_user("pim")
    today = thai_today()
    for risk, days in (("critical", 1), ("low", 14)):
        child = anong.children.register_child(child_draft(), confirm_not_duplicate=True).value
        case = anong.cases.open_case(
            child.id,
            ["neglect"],
            risk,
            "found alone",
            assigned_worker_id=pim.actor.user_id,
            first_visit="เยี่ยมเด็กครั้งแรก",
        ).value
        [task] = anong.tasks.for_case(case.id)
        assert (task.title, task.due_date) == ("เยี่ยมเด็กครั้งแรก", today + timedelta(days))
        assert task.assigned_to == pim.actor.user_id  # the field worker goes
    # Without a title, no follow-up; a title too long refuses the whole case.
    child = anong.children.register_child(child_draft(), confirm_not_duplicate=True).value
    plain = anong.cases.open_case(child.id, ["neglect"], "medium", "found alone").value
    assert anong.tasks.for_case(plain.id) == []
    before = len(anong.search.caseload().rows)
    with pytest.raises(ValidationError):
        anong.cases.open_case(child.id, ["neglect"], "high", "again", first_visit="x" * 301)
    assert len(anong.search.caseload().rows) == before


def test_my_work_a_page_at_a_time_gives_the_whole_week_in_order(as_user: Open) -> None:
    """Paged My work (the GUI reads 100 rows at a time, counted in SQL) lists exactly what
    the whole agenda lists, in its order, with the same total on every page; "all" is every
    case the worker may see (their team's too), and nothing of another team's."""
    today = thai_today()
    anong, pim = as_user("anong"), as_user("pim")
    mine = new_case(as_user)
    teammate = new_case(as_user, worker="dao")  # pim's team: on pim's "all"
    elsewhere = new_case(as_user, worker="ton")  # another team: never on pim's list
    for i in range(7):
        for case, who in ((mine, "pim"), (teammate, "dao"), (elsewhere, "ton")):
            # Two a day on some days: ties in date keep the order the whole list has.
            due = today + timedelta(days=i // 2 - 2)
            anong.tasks.add(case.id, f"{who} visit {i}", due, as_user(who).actor.user_id)
    every = pim.tasks.agenda(today, mine_only=False)
    assert {i.case_id for i in every} == {mine.id, teammate.id}
    assert len(every) == 14 and len(pim.tasks.agenda(today)) == 7
    for mine_only, whole in ((False, every), (True, pim.tasks.agenda(today))):
        pages = [
            pim.tasks.agenda_page(start, 4, today, mine_only=mine_only) for start in (0, 4, 8, 12)
        ]
        assert [i.task_id for p in pages for i in p.items] == [i.task_id for i in whole]
        assert {p.total for p in pages} == {len(whole)}
        past = pim.tasks.agenda_page(40, 4, today, mine_only=mine_only)
        assert past.items == [] and past.total == len(whole)
    first = every[0]
    assert first.child_nickname == "ลิ" and first.village == "บ้านป่าซาง"
    assert first.case_number == mine.case_number and first.day(today) == "overdue"
    # Done and postponed follow-ups leave the pages; the count follows.
    pim.tasks.complete(every[0].task_id, "seen")
    pim.tasks.reschedule(every[1].task_id, today + timedelta(days=20), "family away")
    page = pim.tasks.agenda_page(0, 100, today, mine_only=False)
    assert page.total == 12 and [i.task_id for i in page.items] == [i.task_id for i in every[2:]]
    assert as_user("ton").tasks.agenda_page(0, 100, today, mine_only=False).total == 7
    assert as_user("malee").tasks.agenda_page(0, 5, today, mine_only=False).total == 19
    assert anong.tasks.agenda_page(0, 5, today, mine_only=False).total == 19


def test_scoped_cases_are_the_cases_case_scope_admits(as_user: Open) -> None:
    from sqlalchemy import select

    from cmdesk.core.acting.access import case_scope, scoped_cases
    from cmdesk.core.model import Case

    new_case(as_user)
    new_case(as_user, worker="dao")
    new_case(as_user, manager="boon", worker="ton")
    new_case(as_user, manager="boon", worker="pim")
    for name in ("malee", "anong", "boon", "pim", "dao", "ton", "ecpat_sup", "admin"):
        ws = as_user(name)
        with ws.ctx.read() as s:
            listed = list(s.scalars(scoped_cases(ws.actor)))
            admitted = set(s.scalars(select(Case.id).where(case_scope(ws.actor))))
        assert len(listed) == len(set(listed)) and set(listed) == admitted, name
