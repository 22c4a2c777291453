"""The caseload's filters, orders and pages agree with a plain reading of every case."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import pytest
from sqlalchemy import event, select

from cmdesk.core.acting.access import case_scope
from cmdesk.core.acting.thai_time import thai_today
from cmdesk.core.model import Case, Child, Referral, Task
from cmdesk.core.model.case import RISK_ORDER
from cmdesk.core.search.service import CaseloadQuery, CaseloadRow
from cmdesk.core.workspace import Workspace
from tests.core.search.conftest import Open
from tests.core.search.helpers import register, user_id


def every_page(ws: Workspace, query: CaseloadQuery, size: int = 37) -> list[CaseloadRow]:
    rows: list[CaseloadRow] = []
    offset = 0
    while True:
        page = ws.search.caseload(replace(query, offset=offset, limit=size))
        rows += page.rows
        if not page.has_more:
            assert len(page.rows) <= size
            return rows
        assert len(page.rows) == size
        offset += size


def visible(ws: Workspace) -> list[tuple[Case, date | None]]:
    """Every case the user may see with its earliest open follow-up, read naively."""
    with ws.ctx.read() as s:
        cases = s.scalars(select(Case).where(case_scope(ws.actor))).all()
        tasks = s.scalars(select(Task).where(Task.status == "open", Task.deleted_at.is_(None)))
        due: dict[str, date] = {}
        for t in tasks:
            due[t.case_id] = min(t.due_date, due.get(t.case_id, t.due_date))
        return [(c, due.get(c.id)) for c in cases]


def wanted(ws: Workspace, q: CaseloadQuery) -> list[str]:
    today = thai_today()
    keep = []
    with ws.ctx.read() as s:
        lives_in = {cid: code for cid, code in s.execute(select(Child.id, Child.subdistrict_code))}
        drafted = set(s.scalars(select(Referral.case_id).where(Referral.status == "draft")))
    for case, due in visible(ws):
        if q.stages and case.stage not in q.stages:
            continue
        if not q.stages and not q.include_closed and case.stage == "closure":
            continue
        if q.risks and case.risk_level not in q.risks:
            continue
        if q.worker_id and q.worker_id not in (case.assigned_worker_id, case.case_manager_id):
            continue
        if q.overdue_only and not (due and due < today):
            continue
        if q.team and case.team != q.team:
            continue
        waiting = case.plan_status == "submitted" or case.closure_status == "requested"
        if q.awaiting_approval and not waiting:
            continue
        if q.place and not lives_in[case.child_id].startswith(q.place):
            continue
        writing_plan = case.stage == "case_plan" and case.plan_status in ("draft", "returned")
        if q.unfinished and not (writing_plan or case.id in drafted):
            continue
        keep.append((case, due))
    newest = sorted(keep, key=lambda cd: (cd[0].opened_at, cd[0].id), reverse=True)
    if q.order == "risk":
        newest.sort(key=lambda cd: -RISK_ORDER[cd[0].risk_level])
    elif q.order == "due":
        newest.sort(key=lambda cd: (cd[1] is None, cd[1] or date.max))
    return [c.id for c, _ in newest]


QUERIES = [
    CaseloadQuery(),
    CaseloadQuery(order="risk"),
    CaseloadQuery(include_closed=False, order="risk"),
    CaseloadQuery(stages=("implementation", "review"), risks=("high", "critical")),
    CaseloadQuery(stages=("closure",), order="risk"),
    CaseloadQuery(overdue_only=True),
    CaseloadQuery(overdue_only=True, order="risk", risks=("medium", "high")),
    CaseloadQuery(order="due"),
    CaseloadQuery(order="due", stages=("assessment",)),
    CaseloadQuery(team="a"),
    CaseloadQuery(team="a", order="risk", include_closed=False),
    CaseloadQuery(awaiting_approval=True),
    CaseloadQuery(awaiting_approval=True, order="due"),
    CaseloadQuery(place="5701"),
    CaseloadQuery(unfinished=True),
    CaseloadQuery(unfinished=True, order="risk", include_closed=False),
    CaseloadQuery(place="5701", order="risk", risks=("high", "critical")),
]


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: repr(q)[13:80])
def test_pages_match_a_plain_reading(open_as: Open, query: CaseloadQuery) -> None:
    ws = open_as("sup")
    got = [r.id for r in every_page(ws, query)]
    assert len(got) == len(set(got)), "a case on two pages"
    want = wanted(ws, query)
    assert want, "the demo data should have such cases"
    if query.order == "due":
        # Ties in due date may come in any order; the dates themselves must not go back.
        assert sorted(got) == sorted(want)
        dues = [r.next_due or date.max for r in every_page(ws, query)]
        assert dues == sorted(dues)
    else:
        assert got == want


def test_worker_filter_and_narrow_scopes(open_as: Open) -> None:
    ws = open_as("sup")
    worker = ws.users.get("fw_a1").id
    query = CaseloadQuery(worker_id=worker, order="risk")
    assert [r.id for r in every_page(ws, query)] == wanted(ws, query)
    fw = open_as("fw_a2")
    for q in (CaseloadQuery(), CaseloadQuery(order="risk", include_closed=False)):
        assert [r.id for r in every_page(fw, q)] == wanted(fw, q)


def test_overdue_flag_and_next_follow_up_agree_with_the_task_list(open_as: Open) -> None:
    ws = open_as("sup")
    rows = every_page(ws, CaseloadQuery(), size=200)
    overdue_cases = {t.case_id for t in ws.tasks.overdue()}
    assert overdue_cases, "the demo data should have overdue follow-ups"
    assert {r.id for r in rows if r.overdue} == overdue_cases
    due = {c.id: d for c, d in visible(ws)}
    assert all(r.next_due == due[r.id] for r in rows)


def test_text_search_pages_and_filters(open_as: Open) -> None:
    ws = open_as("sup")
    everything = every_page(ws, CaseloadQuery(text="บ้าน"), size=23)
    assert len(everything) == len(wanted(ws, CaseloadQuery()))  # every village is a บ้าน
    assert len({r.id for r in everything}) == len(everything)
    risky = every_page(ws, CaseloadQuery(text="บ้าน", order="risk", risks=("high", "critical")))
    assert {r.id for r in risky} == {r.id for r in everything if r.risk in ("high", "critical")}
    ranks = [RISK_ORDER[r.risk] for r in risky]
    assert ranks == sorted(ranks, reverse=True)
    open_ = every_page(ws, CaseloadQuery(text="บ้าน", include_closed=False, order="due"))
    assert {r.id for r in open_} == {r.id for r in everything if r.stage != "closure"}


@pytest.mark.parametrize("user", ["fw_a1", "fw_b", "cm"])
def test_text_search_of_a_narrow_caseload_finds_exactly_the_visible_matches(
    open_as: Open, user: str
) -> None:
    """Scope tags in the index narrow a worker's text search inside FTS5; the result must be
    every visible case that matches, no more and no fewer."""
    ws = open_as(user)
    for q in (CaseloadQuery(text="บ้าน"), CaseloadQuery(text="บ้าน", order="risk")):
        got = [r.id for r in every_page(ws, q, size=17)]
        # Text matches come newest child first, not in the plain reading's case order.
        assert len(got) == len(set(got))
        assert sorted(got) == sorted(wanted(ws, replace(q, text=""))), q
        assert got, "the demo data gives every user some cases"


def test_reassigned_case_moves_between_workers_text_searches(open_as: Open) -> None:
    sup = open_as("sup")
    _, case = register(sup, worker="fw_a1", given_name_th="ฑิฆัมพร")
    assert case is not None
    a1, b = open_as("fw_a1"), open_as("fw_b")
    query = CaseloadQuery(text="ฑิฆัม")
    assert [r.id for r in a1.search.caseload(query).rows] == [case]
    assert not b.search.caseload(query).rows
    sup.cases.assign_worker(case, user_id(sup, "fw_b"))
    assert not a1.search.caseload(query).rows  # fw_a1 and fw_b are in different teams
    assert [r.id for r in b.search.caseload(query).rows] == [case]


def test_a_supervisor_s_page_by_next_follow_up_walks_the_open_tasks_in_due_order(
    open_as: Open,
) -> None:
    """The organisation's page by next follow-up reads the open tasks along their due-date
    index and stops after the page; starting from the cases instead (each case's tasks by
    its own index, then a sort of every one) took 190 ms a page at 100k cases
    (benchmarks: "first page by next follow-up")."""
    ws = open_as("sup")
    statements: list[tuple[str, Any]] = []

    def seen(conn: Any, cursor: Any, statement: str, params: Any, *_: Any) -> None:
        statements.append((statement, params))

    event.listen(ws.ctx.engine, "before_cursor_execute", seen)
    try:
        rows = ws.search.caseload(CaseloadQuery(stages=("implementation",), order="due")).rows
    finally:
        event.remove(ws.ctx.engine, "before_cursor_execute", seen)
    assert rows
    walks = [(s, p) for s, p in statements if s.lstrip().startswith("SELECT case_task.case_id")]
    assert walks
    with ws.ctx.read() as s:
        for statement, params in walks:
            plan = [
                str(row[-1])
                for row in s.connection().exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", params)
            ]
            assert "case_task" in plan[0] and "TEMP B-TREE" not in " / ".join(plan), plan
