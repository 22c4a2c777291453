"""The home screen's figures, per role, scoped like the caseload; and the supervisor's comment
on an approval or a return, kept on the case history."""

from __future__ import annotations

from datetime import timedelta

import pytest

from cmdesk.core.acting.thai_time import thai_today
from cmdesk.core.errors import ValidationError
from cmdesk.core.model.referral import SharedSection
from cmdesk.core.search.service import CaseloadQuery
from cmdesk.core.services.referrals import ReferralDraft
from tests.core.records.conftest import PARTNER, Open
from tests.core.records.flows import case_at, new_case

LEGAL_AID = ReferralDraft(
    to_org=PARTNER,
    service="legal_aid",
    urgency="routine",
    reason="school place",
    shared_sections=(SharedSection.IDENTITY.value,),
    due_date=None,
)


def test_a_field_worker_counts_only_their_own_visits(as_user: Open) -> None:
    today = thai_today()
    anong, pim, ton = as_user("anong"), as_user("pim"), as_user("ton")
    mine = new_case(as_user, worker="pim")
    theirs = new_case(as_user, worker="ton")
    anong.tasks.add(mine.id, "Home visit", today, pim.actor.user_id)
    anong.tasks.add(mine.id, "School visit", today - timedelta(days=2), pim.actor.user_id)
    anong.tasks.add(mine.id, "Call", today - timedelta(days=9), pim.actor.user_id)
    anong.tasks.add(mine.id, "Next week", today + timedelta(days=7), pim.actor.user_id)
    done = anong.tasks.add(mine.id, "Done", today - timedelta(days=1), pim.actor.user_id)
    anong.tasks.complete(done.value.id)
    anong.tasks.add(theirs.id, "Ton's visit", today, ton.actor.user_id)
    anong.tasks.add(theirs.id, "Ton's late visit", today - timedelta(days=1), ton.actor.user_id)

    figures = pim.home.figures(today)
    assert (figures.visits_today, figures.overdue) == (1, 2)
    assert figures.approvals == () and figures.by_risk == {}  # not a supervisor's figures
    ton_figures = ton.home.figures(today)
    assert (ton_figures.visits_today, ton_figures.overdue) == (1, 1)
    # Tomorrow, today's visit is overdue too.
    assert pim.home.figures(today + timedelta(days=1)).overdue == 3


def test_referrals_waiting_for_an_answer_on_both_sides(as_user: Open) -> None:
    anong = as_user("anong")
    case = new_case(as_user)
    anong.referrals.draft_and_send(case.id, LEGAL_AID, override_reason="urgent, consent pending")
    assert anong.home.figures().referrals_waiting == 1
    assert as_user("boon").home.figures().referrals_waiting == 0  # not boon's case
    assert as_user("ecpat_cm").home.figures().referrals_in == 1


def test_drafts_not_finished_are_the_workers_plans_being_written_and_referrals_not_sent(
    as_user: Open,
) -> None:
    anong, pim, ton = as_user("anong"), as_user("pim"), as_user("ton")
    assert pim.home.figures().unfinished == 0
    writing = case_at(as_user, "assessment")  # pim visits, anong manages
    anong.workflow.advance(writing.id, "case_plan")  # the plan is now being written
    referred = new_case(as_user)
    drafted = anong.referrals.draft(referred.id, LEGAL_AID).value
    new_case(as_user)  # nothing started on this one
    new_case(as_user, worker="ton")
    assert (pim.home.figures().unfinished, anong.home.figures().unfinished) == (2, 2)
    assert ton.home.figures().unfinished == 0  # neither is ton's case
    # The caseload behind the figure shows the same cases.
    shown = pim.search.caseload(CaseloadQuery(unfinished=True, worker_id=pim.actor.user_id))
    assert {r.id for r in shown.rows} == {writing.id, referred.id}
    # Sent and submitted: finished, off the count.
    anong.referrals.send(drafted.id, override_reason="urgent, consent pending")
    anong.casework.add_goal(writing.id, "safety", "an adult at home")
    anong.workflow.submit_plan(writing.id)
    assert pim.home.figures().unfinished == 0
    # Returned for changes: unfinished again.
    as_user("malee").workflow.return_plan(writing.id, "add a goal for school")
    assert pim.home.figures().unfinished == 1


def test_a_supervisor_sees_the_queue_and_the_team_by_risk_stage_and_worker(as_user: Open) -> None:
    today = thai_today()
    anong, malee = as_user("anong"), as_user("malee")
    case_at(as_user, "case_plan")  # approved already: not in the queue
    waiting_plan = case_at(as_user, "assessment")
    anong.workflow.advance(waiting_plan.id, "case_plan")
    anong.casework.add_goal(waiting_plan.id, "safety", "an adult at home")
    anong.workflow.submit_plan(waiting_plan.id)
    closing = case_at(as_user, "implementation")
    anong.workflow.request_closure(closing.id, "goals_achieved")
    late = new_case(as_user, worker="dao")
    anong.tasks.add(late.id, "Visit", today - timedelta(days=3), as_user("dao").actor.user_id)

    figures = malee.home.figures(today)
    queue = {(a.case_number, a.kind) for a in figures.approvals}
    assert queue == {(waiting_plan.case_number, "plan"), (closing.case_number, "closure")}
    assert figures.approvals_waiting == 2
    assert [a.case_id for a in malee.home.approvals()] == [a.case_id for a in figures.approvals]
    assert sum(figures.by_stage.values()) == 4 and figures.by_stage["case_plan"] == 2
    assert figures.by_risk == {"medium": 4}
    assert [(name, n) for _id, name, n in figures.overdue_by_worker] == [("Dao", 1)]
    assert anong.home.approvals() == []  # the queue is the supervisor's


def test_a_data_manager_sees_users_and_no_casework(as_user: Open) -> None:
    new_case(as_user)
    figures = as_user("admin").home.figures()
    assert figures.users >= 8  # the administrator and the organisation's seven staff
    assert (figures.visits_today, figures.approvals, figures.by_risk) == (0, (), {})
    assert figures.open_conflicts == 0


def test_the_supervisors_comment_and_reason_are_on_the_case_history(as_user: Open) -> None:
    anong, malee = as_user("anong"), as_user("malee")
    case = case_at(as_user, "assessment")
    anong.workflow.advance(case.id, "case_plan")
    anong.casework.add_goal(case.id, "safety", "an adult at home")
    anong.workflow.submit_plan(case.id)
    returned = malee.workflow.return_plan(case.id, "add who visits", comment="good start")
    assert returned.value.plan_status == "returned"
    anong.workflow.submit_plan(case.id)
    with pytest.raises(ValidationError):
        malee.workflow.approve_plan(case.id, comment="x" * 5000)
    assert malee.workflow.approve_plan(case.id, comment="agreed").value.plan_status == "approved"
    said = [
        (e.action, e.detail)
        for e in malee.audit.history(case.id)
        if e.action in ("case.plan.return", "case.plan.approve")
    ]
    assert said == [
        ("case.plan.return", {"why": "add who visits", "comment": "good start"}),
        ("case.plan.approve", {"comment": "agreed"}),
    ]
    # The plain call, as before, still works and says nothing more.
    other = case_at(as_user, "implementation")
    anong.workflow.request_closure(other.id, "goals_achieved")
    malee.workflow.approve_closure(other.id)
    closed = [e.detail for e in malee.audit.history(other.id) if e.action == "case.closure.approve"]
    assert closed == [{"reason": "goals_achieved"}]
