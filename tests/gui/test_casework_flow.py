"""A case from first run to closure, through the GUI only, in Thai and in English.

First-run wizard → the data manager adds a case manager and a supervisor → the case manager
registers a child and opens the case → assessment → case plan, submitted → the supervisor
approves it (switching user through the lock screen) → implementation → a referral to a partner,
after recording the family's consent → lock and unlock keep a half-written note → closure
requested by the case manager and approved by the supervisor.

At each step the test reads what the user sees: the stage marked in the stage strip, the words
on the workflow status line, the referral's status in the list, all in the chosen language.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from cmdesk.core.acting.thai_time import thai_today
from cmdesk.core.errors import ValidationError
from cmdesk.core.i18n import Translator, buddhist_year
from cmdesk.core.model.labels import label_of
from cmdesk.core.reference.identity import IdDocumentType, validate_document
from cmdesk.gui.i18n import plain
from cmdesk.gui.screens.consent_dialog import ConsentDialog
from cmdesk.gui.screens.home.approval_dialog import ApprovalDialog
from cmdesk.gui.screens.referral_dialog import ReferralDialog
from cmdesk.gui.screens.register.dialog import RegisterChildDialog
from cmdesk.gui.settings import GuiSettings
from cmdesk.gui.shell import Shell
from cmdesk.gui.widgets.prompts import ReasonDialog
from tests.gui.flow import (
    add_user,
    case_page,
    closed,
    dialog,
    first_run,
    lock,
    open_case_from_caseload,
    pick,
    press,
    switch_user,
    type_text,
    wait_stage,
    workspace,
)
from tests.gui.helpers import WAIT_MS, unlock, wait_idle

ADMIN, ADMIN_PASS = "malee", "mango river blue kettle"
CM, CM_PASS = "anong", "jasmine rain over doi tung"
SUP, SUP_PASS = "kasem", "seven bridges at mae sai"
ID_NUMBER = "1234567890121"


def slip_message(tr: Translator) -> str:
    """What the core says about the mistyped number, in the user's language."""
    try:
        validate_document(IdDocumentType.THAI_ID, "1234567890123")
    except ValidationError as bad:
        return bad.errors[0].message(tr)
    raise AssertionError("the slip was not caught")


def stage_shown(shell: Shell) -> str:
    """The stage marked current in the strip, as its words on screen."""
    strip = case_page(shell).workflow.strip
    return plain(strip.labels[strip.current].text())


def status_line(shell: Shell) -> str:
    return plain(case_page(shell).workflow.status.text())


@pytest.mark.parametrize("lang", ["th", "en"])
def test_a_case_from_registration_to_closure(
    qtbot: QtBot,
    make_shell: Callable[[GuiSettings], Shell],
    settings: GuiSettings,
    tmp_path: Path,
    lang: str,
) -> None:
    settings.language = lang
    shell = make_shell(settings)
    shell.window.resize(1366, 768)
    tr = shell.lang.translator

    def label(kind: str, code: str) -> str:
        return tr.gettext(label_of(kind, code))

    # -- first run, and the staff ------------------------------------------------------------
    first_run(qtbot, shell, tmp_path / "vault", ADMIN, ADMIN_PASS)
    page = workspace(shell)
    assert page.visible_sections() == ("home", "network", "mechanisms", "users", "vault", "sync")
    assert not page.register_button.isVisible()  # a data manager does no casework
    add_user(qtbot, shell, CM, CM_PASS, "case_manager", "Anong Srisuk")
    add_user(qtbot, shell, SUP, SUP_PASS, "supervisor", "Kasem Wongsa")
    assert tr.gettext("The account is added.") in plain(page.users.message.text())

    # -- the case manager registers a child ------------------------------------------------
    switch_user(qtbot, shell, CM, CM_PASS)
    page = workspace(shell)
    assert page.visible_sections() == ("home", "caseload", "tasks", "referrals", "sync")
    press(qtbot, page.register_button)
    register = dialog(qtbot, RegisterChildDialog)
    form = register.form
    qtbot.waitUntil(lambda: form.address.loads == 0, timeout=WAIT_MS)
    type_text(qtbot, form.given_th, "มะลิ")
    type_text(qtbot, form.family_th, "แสงทอง")
    type_text(qtbot, form.given_latin, "Mali")
    type_text(qtbot, form.family_latin, "Saengthong")
    pick(form.sex, "female")
    pick(form.birth.kind, "year")
    type_text(qtbot, form.birth.year, "2555" if lang == "th" else "2012")
    pick(form.legal_status, "thai")
    pick(form.nationality, "thai")
    pick(form.document, "thai_id")
    # A typing slip in the identity number is caught when the field is left.
    type_text(qtbot, form.id_number, "1234567890123")
    form.id_number.editingFinished.emit()
    assert form.id_error.isVisible()
    assert plain(form.id_error.text()) == slip_message(tr)
    form.id_number.clear()
    type_text(qtbot, form.id_number, ID_NUMBER)
    form.id_number.editingFinished.emit()
    assert not form.id_error.isVisible()
    pick(form.address.district, "5701")
    qtbot.waitUntil(lambda: form.address.loads == 0, timeout=WAIT_MS)
    pick(form.address.subdistrict, "570101")
    press(qtbot, register.next_button)  # check for duplicates, then register
    qtbot.waitUntil(lambda: register.steps.currentIndex() == 2, timeout=WAIT_MS)
    assert register.registered.isVisible()
    cf = register.case_form
    cf.concerns.boxes["neglect"].setChecked(True)
    cf.concerns.boxes["no_documents"].setChecked(True)
    pick(cf.risk, "high")
    type_text(qtbot, cf.risk_reason, "alone at night, no caregiver")
    press(qtbot, register.next_button)  # open the case
    case = case_page(shell)
    qtbot.waitUntil(lambda: case.bundle is not None, timeout=WAIT_MS)
    wait_idle(qtbot, shell)
    # The case starts with its first visit planned, titled in the worker's language, due
    # within 3 days for a high risk.
    assert case.bundle is not None
    assert [(t.title, t.due_date) for t in case.bundle.tasks] == [
        (tr.gettext("First visit to assess the child's safety"), thai_today() + timedelta(3))
    ]
    assert page.sections.currentWidget() is case
    assert plain(case.child_name.text()).startswith("มะลิ แสงทอง" if lang == "th" else "Mali")
    assert plain(case.risk.text()) == label("risk", "high")
    assert stage_shown(shell) == label("stage", "registration")
    number = case.bundle.case.case_number  # type: ignore[union-attr]
    assert plain(case.case_number.text()) == number
    assert "1-2345-67890-12-1" in plain(case.profile.child.values["document"].text())
    # The number can be copied for a district-office form; the guard takes it back later.
    press(qtbot, case.profile.copy_id)
    assert QGuiApplication.clipboard().text() == ID_NUMBER
    assert shell.session.clipboard.holding
    # Only the moves the workflow allows a case manager from here.
    bar = case.workflow
    assert [s for s, b in bar.move_buttons.items() if b.isVisible()] == ["assessment"]
    assert not bar.buttons["approve_plan"].isVisible()

    # Locking takes it off the clipboard at once.
    lock(qtbot, shell)
    assert QGuiApplication.clipboard().text() == ""
    unlock(qtbot, shell, CM, CM_PASS)
    qtbot.waitUntil(lambda: case.bundle is not None, timeout=WAIT_MS)

    # -- assessment ------------------------------------------------------------------------
    press(qtbot, bar.move_buttons["assessment"])
    wait_stage(qtbot, shell, "assessment")
    assert stage_shown(shell) == label("stage", "assessment")
    case.show_tab(case.assessment)
    pick(case.assessment.domain, "safety")
    pick(case.assessment.rating, "serious_concern")
    type_text(qtbot, case.assessment.findings, "Left alone at night while the mother works")
    press(qtbot, case.assessment.save)
    qtbot.waitUntil(lambda: case.assessment.table.topLevelItemCount() == 1, timeout=WAIT_MS)
    assert case.assessment.table.topLevelItem(0).text(0) == label("domain", "safety")
    assert not case.assessment.tracker.dirty

    # -- case plan, submitted ---------------------------------------------------------------
    press(qtbot, bar.move_buttons["case_plan"])
    wait_stage(qtbot, shell, "case_plan")
    plan = case.plan
    case.show_tab(plan)
    pick(plan.goal_domain, "safety")
    type_text(qtbot, plan.goal_text, "An adult is at home every night")
    press(qtbot, plan.add_goal)
    qtbot.waitUntil(lambda: plan.tree.topLevelItemCount() == 1, timeout=WAIT_MS)
    wait_idle(qtbot, shell)
    plan.tree.setCurrentItem(plan.tree.topLevelItem(0))
    type_text(qtbot, plan.action_text, "Arrange night care with the aunt")
    pick(plan.action_org, "WVFT")
    due = thai_today().replace(month=12, day=31)
    due_year = buddhist_year(due.year)  # typed in the Buddhist Era, as Thai workers write it
    type_text(qtbot, plan.action_due, f"31/12/{due_year}")
    press(qtbot, plan.add_action)
    qtbot.waitUntil(lambda: plan.tree.topLevelItem(0).childCount() == 1, timeout=WAIT_MS)
    assert case.bundle.plan.goals[0].actions[0].due_date == date(due.year, 12, 31)  # type: ignore[union-attr]
    press(qtbot, bar.buttons["submit_plan"])
    qtbot.waitUntil(
        lambda: label("plan_status", "submitted") in status_line(shell), timeout=WAIT_MS
    )
    assert not bar.buttons["approve_plan"].isVisible()  # the four-eyes rule

    # -- the supervisor approves the plan -------------------------------------------------
    switch_user(qtbot, shell, SUP, SUP_PASS)
    case = open_case_from_caseload(qtbot, shell, number)
    bar = case.workflow
    assert stage_shown(shell) == label("stage", "case_plan")
    press(qtbot, bar.buttons["approve_plan"])
    press(qtbot, dialog(qtbot, ApprovalDialog).approve_button)  # read, then approved
    qtbot.waitUntil(lambda: label("plan_status", "approved") in status_line(shell), timeout=WAIT_MS)

    # -- implementation and a referral, with consent ------------------------------------
    switch_user(qtbot, shell, CM, CM_PASS)
    case = open_case_from_caseload(qtbot, shell, number)
    bar = case.workflow
    press(qtbot, bar.move_buttons["implementation"])
    wait_stage(qtbot, shell, "implementation")
    assert stage_shown(shell) == label("stage", "implementation")
    case.show_tab(case.referrals)
    press(qtbot, case.referrals.refer)
    referral = dialog(qtbot, ReferralDialog)
    pick(referral.partner, "ECPAT")
    qtbot.waitUntil(lambda: referral._basis_known, timeout=WAIT_MS)
    # No consent to share with ECPAT yet: the dialog says so and will not send.
    assert "ECPAT" in plain(referral.consent_state.text())
    assert not referral.send.isEnabled()
    assert referral.record_consent.isVisible() and referral.override.isVisible()
    press(qtbot, referral.record_consent)
    consent = dialog(qtbot, ConsentDialog)
    assert consent.org.code() == "ECPAT"
    pick(consent.given_by, "parent")
    type_text(qtbot, consent.giver_name, "นางบัวคำ แสงทอง")
    pick(consent.method, "written")
    press(qtbot, consent.save)
    qtbot.waitUntil(lambda: closed(consent), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: referral.send.isEnabled(), timeout=WAIT_MS)
    assert label("lawful_basis", "consent") in plain(referral.consent_state.text())
    pick(referral.service, "legal_aid")
    type_text(qtbot, referral.reason, "Needs help to register the birth")
    referral.sections.boxes["legal_status"].setChecked(True)
    preview = referral.preview.toPlainText()
    assert ID_NUMBER in preview  # the legal status section shares the identity number
    assert "Saengthong" in preview
    assert tr.gettext(label_of("shared_section", "notes")) not in preview
    press(qtbot, referral.send)
    qtbot.waitUntil(lambda: closed(referral), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: case.referrals.table.topLevelItemCount() == 1, timeout=WAIT_MS)
    row = case.referrals.table.topLevelItem(0)
    assert row.text(1) == "ECPAT"
    assert row.text(4) == label("referral_status", "sent")
    assert case.consents.table.topLevelItemCount() == 1

    # -- lock and unlock keep a half-written note ----------------------------------------
    case.show_tab(case.notes)
    case.notes.body.setFocus()
    type_text(qtbot, case.notes.body, "Home visit: the aunt agreed to stay at night")
    lock(qtbot, shell)
    assert not case.isVisible()
    assert case.bundle is None and plain(case.child_name.text()) == ""  # nothing shown
    unlock(qtbot, shell, CM, CM_PASS)  # the same user: the lock screen asks only the passphrase
    qtbot.waitUntil(lambda: case.bundle is not None, timeout=WAIT_MS)
    assert case.isVisible()
    assert case.notes.body.text() == "Home visit: the aunt agreed to stay at night"
    case.notes.body.setFocus()
    qtbot.keyClick(case.notes.body, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: case.notes.timeline.topLevelItemCount() == 1, timeout=WAIT_MS)
    assert case.notes.body.text() == ""

    # -- closure: requested, then approved by the supervisor ------------------------------
    press(qtbot, bar.buttons["request_closure"])
    reason = dialog(qtbot, ReasonDialog)
    assert reason.choice is not None
    pick(reason.choice, "goals_achieved")
    press(qtbot, reason.ok_button)
    qtbot.waitUntil(
        lambda: label("closure_status", "requested") in status_line(shell), timeout=WAIT_MS
    )
    assert not bar.buttons["approve_closure"].isVisible()
    switch_user(qtbot, shell, SUP, SUP_PASS)
    case = open_case_from_caseload(qtbot, shell, number)
    bar = case.workflow
    assert label("closure_status", "requested") in status_line(shell)
    press(qtbot, bar.buttons["approve_closure"])
    press(qtbot, dialog(qtbot, ApprovalDialog).approve_button)
    wait_stage(qtbot, shell, "closure")
    assert stage_shown(shell) == label("stage", "closure")
    assert not any(b.isVisible() for b in bar.move_buttons.values())
    # The record's history tells the story, in the user's language.
    history = [
        case.history.table.topLevelItem(i).text(2)
        for i in range(case.history.table.topLevelItemCount())
    ]
    assert tr.gettext("Closure approved") in history
    assert tr.gettext("Case plan approved") in history
    assert tr.gettext("Child registered") in history
    # Who did it, by their full names (the audit trail holds user names).
    who = {
        case.history.table.topLevelItem(i).text(1)
        for i in range(case.history.table.topLevelItemCount())
    }
    assert {"Anong Srisuk", "Kasem Wongsa"} <= who and CM not in who
    # A closed case can be reopened (the child needs help again): back to assessment.
    press(qtbot, bar.buttons["reopen"])
    reason = dialog(qtbot, ReasonDialog)
    type_text(qtbot, reason.text, "The aunt moved away; the child is alone again")
    press(qtbot, reason.ok_button)
    wait_stage(qtbot, shell, "assessment")
    assert stage_shown(shell) == label("stage", "assessment")
