"""Home, per role, as a user's day: a field worker sees their own visits and overdue
follow-ups and opens the list behind a number; a supervisor reads a submitted plan, returns
it with a reason, the case manager resubmits, and the supervisor approves with a comment that
is then on the case history."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from cmdesk.core.acting.thai_time import thai_today
from cmdesk.core.model.labels import label_of
from cmdesk.core.model.org import org_id_for
from cmdesk.core.services.referrals import ReferralDraft
from cmdesk.core.sync.keys import OrgKeys
from cmdesk.core.vault import crypto
from cmdesk.core.workspace import Workspace
from cmdesk.gui.i18n import plain
from cmdesk.gui.screens.home.approval_dialog import ApprovalDialog
from cmdesk.gui.screens.referrals import COLUMNS as REFERRAL_COLUMNS
from cmdesk.gui.settings import GuiSettings
from cmdesk.gui.shell import Shell
from tests.conftest import ADMIN, ADMIN_PASS
from tests.core.records.factories import child_draft, undocumented
from tests.gui.flow import (
    closed,
    dialog,
    lock,
    open_case_from_caseload,
    press,
    switch_user,
    type_text,
    workspace,
)
from tests.gui.helpers import WAIT_MS, unlock, wait_idle
from tests.gui.screen_checks import clipped, english_left, shown_texts

CM, SUP, FW, OTHER_FW, PASS = "anong", "kasem", "pim", "ton", "a passphrase for the tests"
GOAL, FINDING = "an adult at home every night", "left alone at night"
REFERRAL = ReferralDraft(
    to_org="ECPAT",
    service="legal_aid",
    urgency="routine",
    reason="a birth certificate",
    shared_sections=("identity",),
    due_date=None,
)


@pytest.fixture(scope="session")
def home_template(template_vault: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Pim's case (one visit today, one overdue), Ton's case (one today, two overdue) and a
    case whose plan waits for the supervisor."""
    root = tmp_path_factory.mktemp("home") / "vault"
    shutil.copytree(template_vault, root)
    kdf = crypto.weak_kdf_for_tests()
    with Workspace.open(root, ADMIN, ADMIN_PASS) as ws:
        ws.users.add(CM, PASS, "case_manager", display_name="Anong Srisuk", kdf=kdf)
        ws.users.add(SUP, PASS, "supervisor", display_name="Kasem Wongsa", kdf=kdf)
        ws.users.add(FW, PASS, "field_worker", team="maesai", kdf=kdf)
        ws.users.add(OTHER_FW, PASS, "field_worker", team="chiangsaen", kdf=kdf)
    today = thai_today()
    with Workspace.open(root, CM, PASS) as ws:
        ids = {u.username: u.id for u in ws.users.list()}

        def case_for(worker: str, **names: str) -> str:
            draft = undocumented(**names) if names else child_draft()
            child = ws.children.register_child(draft, confirm_not_duplicate=True).value
            opened = ws.cases.open_case(
                child.id, ["neglect"], "high", "alone", assigned_worker_id=ids[worker]
            )
            return opened.value.id

        pims = case_for(FW)
        for title, days in (("Home visit", 0), ("School visit", -3), ("Next week", 5)):
            ws.tasks.add(pims, title, today + timedelta(days=days), ids[FW])
        tons = case_for(OTHER_FW, given_name_latin="Dok", given_name_th="ดอก")
        for title, days in (("Ton today", 0), ("Ton late", -1), ("Ton later", -6)):
            ws.tasks.add(tons, title, today + timedelta(days=days), ids[OTHER_FW])
        planned = case_for(FW, given_name_latin="Fah", given_name_th="ฟ้า")
        ws.workflow.advance(planned, "assessment")
        ws.casework.record_assessment(planned, "safety", "serious_concern", FINDING)
        ws.workflow.advance(planned, "case_plan")
        goal = ws.casework.add_goal(planned, "safety", GOAL).value.goals[0]
        ws.casework.add_action(goal.id, "family meeting", "WVFT", None)
        ws.workflow.submit_plan(planned)
        # A referral Pim's case manager started and has not sent: unfinished on Pim's home.
        ws.referrals.draft(planned, REFERRAL)
    return root


@pytest.fixture
def home_settings(settings: GuiSettings, home_template: Path, tmp_path: Path) -> GuiSettings:
    root = tmp_path / "vault"
    shutil.copytree(home_template, root)
    settings.last_vault = str(root)
    return settings


def plain_texts(root: object) -> str:
    return " ".join(s.text for s in shown_texts(root))  # type: ignore[arg-type]


def figure(shell: Shell, name: str) -> str:
    return workspace(shell).home.buttons[name].text()


def loaded(qtbot: QtBot, shell: Shell) -> None:
    home = workspace(shell).home
    qtbot.waitUntil(lambda: home.figures is not None, timeout=WAIT_MS)
    wait_idle(qtbot, shell)


@pytest.mark.parametrize("lang", ["th", "en"])
def test_a_field_worker_sees_their_own_day_and_opens_the_list_behind_a_number(
    qtbot: QtBot, make_shell: Callable[[GuiSettings], Shell], home_settings: GuiSettings, lang: str
) -> None:
    home_settings.language = lang
    shell = make_shell(home_settings)
    unlock(qtbot, shell, FW, PASS)
    tr = shell.lang.translator
    page = workspace(shell)
    assert page.sections.currentWidget() is page.home  # the first screen after unlocking
    loaded(qtbot, shell)
    # Pim's own: one visit today, one overdue (Ton's three are not counted).
    assert figure(shell, "visits_today") == tr.gettext("Visits today: {n}").format(n=1)
    assert figure(shell, "overdue") == tr.gettext("Overdue follow-ups: {n}").format(n=1)
    assert figure(shell, "unfinished") == tr.gettext("Drafts not finished: {n}").format(n=1)
    assert not page.home.approvals.isVisible()  # the queue is the supervisor's
    if lang == "th":
        problems = english_left(shown_texts(page.home)) + clipped(page.home)
        assert not problems, problems

    press(qtbot, page.home.buttons["overdue"])
    model = page.caseload.model
    qtbot.waitUntil(lambda: page.sections.currentWidget() is page.caseload, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: model.rowCount() == 1, timeout=WAIT_MS)
    wait_idle(qtbot, shell)
    assert model.rowCount() == 1  # Pim's two cases, one with an overdue follow-up
    row = model.row(model.index(0, 0))
    assert row is not None and row.overdue

    # The draft referral's case, with the filter that finds it shown ticked.
    page.show_section("home")
    press(qtbot, page.home.buttons["unfinished"])
    qtbot.waitUntil(lambda: page.sections.currentWidget() is page.caseload, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: page.caseload.more.unfinished.isChecked(), timeout=WAIT_MS)
    wait_idle(qtbot, shell)
    assert not page.caseload.more.overdue.isChecked()
    unfinished = model.row(model.index(0, 0))
    assert model.rowCount() == 1 and unfinished is not None
    assert unfinished.id != row.id and unfinished.child_name_en.startswith("Fah")
    assert page.caseload.more.unfinished.text() == tr.gettext("Drafts not finished")

    page.show_section("home")
    press(qtbot, page.home.buttons["visits_today"])
    qtbot.waitUntil(lambda: page.sections.currentWidget() is page.tasks, timeout=WAIT_MS)
    tasks = page.tasks.model
    qtbot.waitUntil(lambda: tasks.rowCount() == 3, timeout=WAIT_MS)
    titles = {tasks.row(tasks.index(r, 0)).title for r in range(3)}
    assert titles == {"Home visit", "School visit", "Next week"}


# A returned plan's reason as a supervisor writes it: longer than the status line is wide.
REASON = (
    "say who visits and how often, which school the child goes back to in May, and who "
    "talks with the grandmother about the debts before the next case conference"
)


@pytest.mark.parametrize("lang", ["th", "en"])
def test_a_supervisor_reads_returns_then_approves_a_plan_with_a_comment(
    qtbot: QtBot, make_shell: Callable[[GuiSettings], Shell], home_settings: GuiSettings, lang: str
) -> None:
    home_settings.language = lang
    shell = make_shell(home_settings)
    unlock(qtbot, shell, SUP, PASS)
    tr = shell.lang.translator
    page = workspace(shell)
    loaded(qtbot, shell)
    home = page.home
    assert figure(shell, "approvals") == tr.gettext("Waiting for your approval: {n}").format(n=1)
    assert home.approvals.count() == 1 and home.charts["by_risk"][1].rows
    assert dict((k, n) for k, _l, n, _a in home.charts["by_risk"][1].rows)["high"] == 3
    assert plain(home.approvals_title.text()) == tr.gettext("Waiting for your approval")
    if lang == "th":
        problems = english_left(shown_texts(home)) + clipped(home)
        assert not problems, problems
    # Pim's and Ton's overdue follow-ups, per worker; with none, the chart says so in words.
    overdue = home.charts["overdue_by_worker"][1]
    assert overdue.isVisible() and overdue.rows and home.none_overdue.isHidden()
    figures = home.figures
    assert figures is not None
    home.figures = replace(figures, overdue_by_worker=())
    home.retranslate()
    assert overdue.isHidden() and not home.none_overdue.isHidden()
    assert plain(home.none_overdue.text()) == tr.gettext("No follow-up is overdue.")
    # A queue longer than the list shows (the ones waiting longest): the heading says so.
    home.figures = replace(figures, approvals_waiting=350)
    home.retranslate()
    qtbot.wait(50)  # the figures' row lays out its wider buttons
    longest = tr.format(
        "Waiting for your approval: the {shown} waiting longest of {n}", shown=1, n=350
    )
    assert plain(home.approvals_title.text()) == longest
    if lang == "th":
        assert longest.startswith("รอการอนุมัติจากคุณ")
        problems = english_left(shown_texts(home)) + clipped(home)
        assert not problems, problems
    home.figures = figures
    home.retranslate()

    # Read the plan in full, then return it: a reason is needed.
    press(qtbot, home.read_button)
    decide = dialog(qtbot, ApprovalDialog)
    shown = decide.body.toPlainText()
    assert GOAL in shown and FINDING in shown and "family meeting" in shown
    press(qtbot, decide.return_button)
    required = tr.gettext("This field is required.")
    assert not closed(decide) and required in plain_texts(decide)
    type_text(qtbot, decide.reason, REASON)
    press(qtbot, decide.return_button)
    qtbot.waitUntil(lambda: closed(decide), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: home.approvals.count() == 0, timeout=WAIT_MS)
    number = decide.decision.case.case_number

    # The case manager sees why, and submits the plan again.
    switch_user(qtbot, shell, CM, PASS)
    case = open_case_from_caseload(qtbot, shell, number)
    assert REASON in plain(case.workflow.status.text())
    # A long reason wraps: the workflow bar's status line grows, nothing is cut (once the
    # layout has settled: a loaded machine lays it out later than 50 ms).
    qtbot.waitUntil(lambda: clipped(case.workflow) == [], timeout=WAIT_MS)
    press(qtbot, case.workflow.buttons["submit_plan"])
    qtbot.waitUntil(lambda: case.bundle.case.plan_status == "submitted", timeout=WAIT_MS)

    # The supervisor approves from home, with a comment the case history keeps.
    switch_user(qtbot, shell, SUP, PASS)
    page = workspace(shell)  # another user: a new workspace page
    home = page.home
    page.show_section("home")
    qtbot.waitUntil(lambda: home.approvals.count() == 1, timeout=WAIT_MS)
    press(qtbot, home.read_button)
    decide = dialog(qtbot, ApprovalDialog)
    if lang == "th":
        problems = english_left(shown_texts(decide)) + clipped(decide)
        assert not problems, problems
    type_text(qtbot, decide.comment, "agreed: weekly visits")
    press(qtbot, decide.approve_button)
    qtbot.waitUntil(lambda: closed(decide), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: home.approvals.count() == 0, timeout=WAIT_MS)
    case = open_case_from_caseload(qtbot, shell, number)
    assert case.bundle is not None and case.bundle.case.plan_status == "approved"
    case.tabs.setCurrentWidget(case.history)
    history = case.history.table

    def said() -> list[str]:
        return [history.topLevelItem(i).text(2) for i in range(history.topLevelItemCount())]

    qtbot.waitUntil(lambda: any("agreed: weekly visits" in t for t in said()), timeout=WAIT_MS)
    returned = tr.format("Reason: {reason}", reason="say who visits and how often")
    assert any(returned in t for t in said())


def test_a_supervisor_finds_the_cases_of_a_worker_who_left_and_opens_them(
    qtbot: QtBot, make_shell: Callable[[GuiSettings], Shell], home_settings: GuiSettings
) -> None:
    # Ton leaves: the data manager removes his account; his case still names him.
    with Workspace.open(Path(home_settings.last_vault or ""), ADMIN, ADMIN_PASS) as ws:
        ws.users.remove(OTHER_FW)
    home_settings.language = "th"
    shell = make_shell(home_settings)
    unlock(qtbot, shell, SUP, PASS)
    tr = shell.lang.translator
    page = workspace(shell)
    loaded(qtbot, shell)
    said = figure(shell, "staff_left")
    assert said == tr.gettext("Open cases of staff no longer here: {n}").format(n=1)
    assert said.startswith("เคส")

    press(qtbot, page.home.buttons["staff_left"])
    model = page.caseload.model
    qtbot.waitUntil(lambda: page.sections.currentWidget() is page.caseload, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: page.caseload.more.staff_left.isChecked(), timeout=WAIT_MS)
    wait_idle(qtbot, shell)
    qtbot.waitUntil(lambda: model.rowCount() == 1, timeout=WAIT_MS)
    row = model.row(model.index(0, 0))
    assert row is not None and row.child_name_th.startswith("ดอก")
    # Unticking the filter shows every open case again.
    page.caseload.more.staff_left.setChecked(False)
    qtbot.waitUntil(lambda: model.rowCount() == 3, timeout=WAIT_MS)


@pytest.mark.parametrize("lang", ["th", "en"])
def test_a_data_manager_sees_conflicts_accounts_and_the_last_backup(
    qtbot: QtBot,
    make_shell: Callable[[GuiSettings], Shell],
    home_settings: GuiSettings,
    tmp_path: Path,
    lang: str,
) -> None:
    home_settings.language = lang
    shell = make_shell(home_settings)
    tr = shell.lang.translator
    unlock(qtbot, shell, ADMIN, ADMIN_PASS)
    loaded(qtbot, shell)
    home = workspace(shell).home
    shown = {n for n, b in home.buttons.items() if b.isVisibleTo(home)}
    assert shown == {"open_conflicts", "users", "backup", "recovery"}
    assert figure(shell, "users") == tr.gettext("Staff accounts: {n}").format(n=6)
    assert figure(shell, "recovery") == tr.gettext("No recovery key yet: make one")
    assert home.sent.topLevelItemCount() == 0  # nothing sent from this laptop yet
    assert figure(shell, "backup") == tr.gettext("No backup made on this laptop yet")
    press(qtbot, home.buttons["backup"])
    page = workspace(shell)
    assert page.sections.currentWidget() is page.vault

    # A backup made: home says when.
    lock(qtbot, shell)
    with Workspace.open(Path(str(home_settings.last_vault)), ADMIN, ADMIN_PASS) as ws:
        ws.backup(tmp_path / "usb" / "backup")
        ws.sync.export()  # a bundle for the organisation's other laptops
        ws.new_recovery_key()
    unlock(qtbot, shell, ADMIN, ADMIN_PASS)
    page = workspace(shell)
    page.show_section("home")
    qtbot.waitUntil(
        lambda: figure(shell, "backup").startswith(tr.format("Last backup: {when}", when="")),
        timeout=WAIT_MS,
    )
    assert figure(shell, "recovery") == tr.gettext("Recovery key: made")
    sent = home.sent.topLevelItem(0)
    assert home.sent.topLevelItemCount() == 1 and sent is not None
    assert sent.text(0) == "WVFT" and sent.text(1)
    if lang == "th":
        problems = english_left(shown_texts(home)) + clipped(home)
        assert not problems, problems


@pytest.mark.parametrize(("lang", "name"), [("th", "ตัวเลข.csv"), ("en", "figures.xlsx")])
def test_a_supervisor_saves_the_figures_as_a_spreadsheet(
    qtbot: QtBot,
    make_shell: Callable[[GuiSettings], Shell],
    home_settings: GuiSettings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    lang: str,
    name: str,
) -> None:
    from openpyxl import load_workbook  # type: ignore[import-untyped]
    from PySide6.QtWidgets import QFileDialog

    home_settings.language = lang
    shell = make_shell(home_settings)
    unlock(qtbot, shell, SUP, PASS)
    loaded(qtbot, shell)
    home = workspace(shell).home
    tr = shell.lang.translator
    assert home.sheet_button.isVisibleTo(home)
    target = tmp_path / name
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    press(qtbot, home.sheet_button)
    qtbot.waitUntil(lambda: target.exists(), timeout=WAIT_MS)
    if target.suffix == ".csv":
        import csv
        import io

        rows = list(csv.reader(io.StringIO(target.read_bytes().decode("utf-8-sig"))))
    else:
        sheet = load_workbook(target).active
        rows = [[c for c in r if c is not None] for r in sheet.iter_rows(values_only=True)]
    flat = {str(r[0]): r[1] for r in rows if len(r) == 2}
    assert [tr.gettext("Figure"), tr.gettext("Count")] in rows
    if lang == "th":
        assert ["ตัวเลข", "จำนวน"] in rows
    assert int(flat[tr.gettext("Waiting for approval")]) == 1
    high = tr.gettext(label_of("risk", "high"))
    assert int(flat[high]) == 3  # as the chart shows
    qtbot.waitUntil(lambda: str(target) in home.sheet_message.text().replace("\u200b", ""))


def test_a_supervisor_sees_the_referrals_no_answer_will_come_to_and_opens_them(
    qtbot: QtBot, make_shell: Callable[[GuiSettings], Shell], home_settings: GuiSettings
) -> None:
    root = Path(home_settings.last_vault or "")
    with Workspace.open(root, CM, PASS) as ws:
        pims = next(c.id for c in ws.cases.list() if c.assigned_worker_id)
        sent = ws.referrals.draft_and_send(pims, REFERRAL, "court hearing tomorrow").value
    home_settings.language = "th"
    shell = make_shell(home_settings)
    unlock(qtbot, shell, SUP, PASS)
    page = workspace(shell)
    loaded(qtbot, shell)
    # Nothing to say while every partner is trusted.
    assert not page.home.buttons["referrals_unanswerable"].isVisibleTo(page.home)
    shell.lock()

    # ECPAT leaves the agreement: the data manager withdraws its trust.
    with Workspace.open(root, ADMIN, ADMIN_PASS) as ws:
        ws.sync.trust(OrgKeys.generate(org_id_for("ECPAT"), "ECPAT", "", "").identity_file())
        ws.sync.untrust("ECPAT")
    unlock(qtbot, shell, SUP, PASS)
    page = workspace(shell)
    loaded(qtbot, shell)
    tr = shell.lang.translator
    button = page.home.buttons["referrals_unanswerable"]
    assert button.isVisibleTo(page.home)
    assert figure(shell, "referrals_unanswerable") == tr.gettext(
        "Referrals to a partner no longer trusted, no answer coming: {n}"
    ).format(n=1)
    assert figure(shell, "referrals_unanswerable").startswith("การส่งต่อ")

    press(qtbot, button)
    listed = page.referrals
    qtbot.waitUntil(lambda: page.sections.currentWidget() is listed, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: listed.model.rowCount() >= 1, timeout=WAIT_MS)
    assert listed.current_box == "outbox"
    rows = [listed.model.row(listed.model.index(i, 0)) for i in range(listed.model.rowCount())]
    stranded = next(r for r in rows if r is not None and r.id == sent.id)
    column = [c.title for c in REFERRAL_COLUMNS].index("Status")
    status = listed.model.index(rows.index(stranded), column).data()
    assert "จะไม่มีคำตอบ" in status and "ECPAT" in status
