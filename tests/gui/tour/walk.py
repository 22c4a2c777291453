"""Drives the app through every main screen, as a user would, yielding each one.

Used by scripts/screenshots.py (PNG of each screen in Thai and English) and by the GUI test
that checks every visible string is Thai and none is cut off. One walk for both, so a new
screen added here is photographed and checked at once.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from PySide6.QtCore import QCoreApplication, QEventLoop
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QAbstractButton, QApplication, QDialog, QWidget

from cmdesk.gui.shell import Shell
from cmdesk.gui.widgets.details import select_row

Stop = tuple[str, QWidget]

TOUR_USER = "malee"
TOUR_PASS = "mango river blue kettle"
CASE_MANAGER = ("anong", "jasmine rain over doi tung")
SUPERVISOR = ("kasem", "seven bridges at mae sai")


def wait_until(predicate: Callable[[], bool], timeout: float = 20.0) -> None:
    end = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > end:
            raise TimeoutError("the app did not get there in time")
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
        time.sleep(0.005)


def settle(shell: Shell) -> None:
    """Lets the worker deliver everything and the layouts settle."""
    wait_until(lambda: not shell.session.worker.busy)
    for _ in range(5):
        QCoreApplication.processEvents()


D = TypeVar("D", bound=QWidget)


def _dialog(kind: type[D]) -> D:
    found: list[D] = []

    def visible() -> bool:
        found[:] = [
            w for w in QApplication.topLevelWidgets() if isinstance(w, kind) and w.isVisible()
        ]
        return bool(found)

    wait_until(visible)
    return found[-1]


def _close(dialog: QDialog) -> None:
    """Closes a tour dialog without the unsaved-text question (the tour typed it)."""
    tracker = getattr(dialog, "tracker", None)
    if tracker is not None:
        tracker.mark_clean()
    dialog.done(QDialog.DialogCode.Rejected)


def _commit(widget: QWidget, text: str) -> None:
    """Text arrives as from the keyboard's input method (Thai needs no key codes this way)."""
    widget.setFocus()
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def switch_user(shell: Shell, user: str, passphrase: str) -> None:
    shell.lock()
    settle(shell)
    page = shell.window.unlock_page
    page.switch_button.click()
    page.user.setText(user)
    page.passphrase.setText(passphrase)
    page.unlock()
    wait_until(lambda: shell.session.is_unlocked)
    wait_until(lambda: shell.window.current_page() is shell.workspace_page())
    settle(shell)


def first_run(shell: Shell, folder: Path) -> Iterator[Stop]:
    """From an empty settings file to the workspace, creating a vault in `folder`."""
    from cmdesk.gui.screens.setup import SetupPage

    page = shell.window.current_page()
    assert isinstance(page, SetupPage)
    settle(shell)
    yield "setup-1-welcome", shell.window
    # A field laptop of an organisation with its office's vault already: the enrolment file.
    page.folder.setText(str(folder))
    join = page.open_join()
    assert join is not None
    settle(shell)
    yield "setup-join", join
    _close(join)
    page.next()
    page.folder.setText(str(folder))
    settle(shell)
    yield "setup-2-folder", shell.window
    page.next()
    settle(shell)
    yield "setup-3-organisation", shell.window
    page.org.setCurrentIndex(page.org.findData(""))  # "another organisation" shows its fields
    settle(shell)
    yield "setup-3-organisation-other", shell.window
    page.org.setCurrentIndex(page.org.findData("WVFT"))
    page.next()
    page.full_name.setText("Malee Saetang")
    page.username.setText(TOUR_USER)
    page.passphrase.setText(TOUR_PASS)
    page.repeat.setText(TOUR_PASS)
    settle(shell)
    yield "setup-4-administrator", shell.window
    page.next()
    wait_until(lambda: page.steps.currentIndex() == 4)
    settle(shell)
    yield "setup-5-recovery-key", shell.window
    page.later_button.click()
    wait_until(lambda: shell.window.current_page() is shell.workspace_page())
    settle(shell)


def workspace(shell: Shell) -> Iterator[Stop]:
    """The unlocked app: each section, then its dialogs."""
    from cmdesk.gui.screens.own_passphrase import ChangeOwnPassphraseDialog
    from cmdesk.gui.screens.recovery_key import RecoveryKeyDialog
    from cmdesk.gui.screens.settings_dialog import SettingsDialog
    from cmdesk.gui.screens.users import SetPassphraseDialog
    from cmdesk.gui.screens.workspace import WorkspacePage

    page = shell.workspace_page()
    assert isinstance(page, WorkspacePage)
    for name in page.visible_sections():
        page.show_section(name)
        settle(shell)
        yield f"workspace-{name}", shell.window
    page.vault.check()
    settle(shell)
    yield "vault-checked", shell.window
    pdpa = page.vault.open_pdpa()
    settle(shell)
    yield "pdpa-requests", pdpa
    _close(pdpa)
    page.show_section("mechanisms")
    mechanism = page.mechanisms.open_add()
    settle(shell)
    yield "mechanism-add", mechanism
    _close(mechanism)
    # The data manager adds the colleagues the rest of the tour works as.
    page.show_section("users")
    for (user, passphrase), role, full_name in (
        (CASE_MANAGER, "case_manager", "Anong Srisuk"),
        (SUPERVISOR, "supervisor", "Kasem Wongsa"),
    ):
        add = page.users.open_add()
        add.full_name.setText(full_name)
        add.username.setText(user)
        add.role.set_code(role)
        add.passphrase.setText(passphrase)
        add.repeat.setText(passphrase)
        settle(shell)
        if role == "case_manager":
            yield "add-user", add
        add.submit()
        settle(shell)
    settle(shell)
    yield "workspace-users-added", shell.window
    select_row(page.users.table, 0)
    reset = page.users.open_reset()
    assert reset is not None
    settle(shell)
    yield "set-passphrase", _dialog(SetPassphraseDialog)
    _close(reset)
    own = page.open_own_passphrase()
    settle(shell)
    yield "own-passphrase", _dialog(ChangeOwnPassphraseDialog)
    _close(own)
    shell.open_settings()
    settings = _dialog(SettingsDialog)
    settle(shell)
    yield "settings", settings
    settings.reject()
    shell.open_recovery_key()
    recovery = _dialog(RecoveryKeyDialog)
    settle(shell)
    yield "recovery-key", recovery
    recovery.reject()
    settle(shell)


def locked(shell: Shell) -> Iterator[Stop]:
    """The lock screen, the unlock screen with a wrong passphrase, and the recovery dialog."""
    from cmdesk.gui.screens.recover import RecoverDialog

    shell.lock()
    settle(shell)
    yield "locked", shell.window
    path = shell.session.vault_path
    assert path is not None
    shell.show_unlock(path)
    settle(shell)
    page = shell.window.unlock_page
    page.user.setText(TOUR_USER)
    page.passphrase.setText("not my passphrase")
    page.unlock()
    wait_until(lambda: page.message.isVisible() and page.waiting)
    settle(shell)
    yield "unlock-wrong-passphrase", shell.window
    shell.show_recover()
    recover = _dialog(RecoverDialog)
    settle(shell)
    yield "forgot-passphrase", recover
    recover.reject()
    wait_until(lambda: not page.waiting, timeout=10)
    page.passphrase.setText(TOUR_PASS)
    page.unlock()
    wait_until(lambda: shell.session.is_unlocked)
    settle(shell)


def full_tour(shell: Shell, folder: Path) -> Iterator[Stop]:
    yield from first_run(shell, folder)
    yield from workspace(shell)
    yield from locked(shell)
    yield from casework(shell)
    from tests.gui.tour.sync_stops import sync_tour

    yield from sync_tour(shell, folder)


def casework(shell: Shell) -> Iterator[Stop]:
    """A case manager registers a child and works the case; a supervisor approves the plan."""
    from cmdesk.gui.screens.workspace import WorkspacePage

    switch_user(shell, *CASE_MANAGER)
    page = shell.workspace_page()
    assert isinstance(page, WorkspacePage)
    for name in page.visible_sections():
        page.show_section(name)
        settle(shell)
        yield f"casework-{name}", shell.window
    yield from register(shell, page)
    yield from case_stages(shell, page)
    yield from case_dialogs(shell, page)
    yield from _postpone(shell, page)
    page.show_section("caseload")
    settle(shell)
    yield "caseload-one-case", shell.window
    from cmdesk.gui.screens.batch_print import BatchPrintDialog

    page.caseload.open_batch_print()
    batch = _dialog(BatchPrintDialog)
    settle(shell)
    yield "batch-print", batch
    _close(batch)
    switch_user(shell, *SUPERVISOR)
    page = shell.workspace_page()
    assert isinstance(page, WorkspacePage)
    settle(shell)
    page.caseload.table.selectRow(0)
    page.caseload.table.activated_row.emit(0)
    wait_until(lambda: page.case_page.bundle is not None)
    settle(shell)
    yield "case-supervisor-approves", shell.window
    yield from supervisor_home(shell, page)


def supervisor_home(shell: Shell, page: object) -> Iterator[Stop]:
    """The supervisor's home (the queue, the charts) and the plan read before approving."""
    from cmdesk.gui.screens.home.approval_dialog import ApprovalDialog
    from cmdesk.gui.screens.workspace import WorkspacePage

    assert isinstance(page, WorkspacePage)
    page.show_section("home")
    wait_until(lambda: page.home.figures is not None and page.home.approvals.count() > 0)
    settle(shell)
    yield "home-supervisor", shell.window
    page.home.read_button.click()
    decide = _dialog(ApprovalDialog)
    settle(shell)
    yield "approval-plan", decide
    _close(decide)


def _fill_child(form: object, id_number: str) -> None:
    from cmdesk.gui.screens.register.child_form import ChildForm

    assert isinstance(form, ChildForm)
    _commit(form.given_th, "มะลิ")
    _commit(form.family_th, "แสงทอง")
    _commit(form.given_latin, "Mali")
    _commit(form.family_latin, "Saengthong")
    _commit(form.nickname, "น้ำฝน")
    form.sex.set_code("female")
    form.birth.kind.set_code("year")
    _commit(form.birth.year, "2555")
    form.legal_status.set_code("thai")
    form.nationality.set_code("thai")
    form.ethnicity.set_code("akha")
    form.document.set_code("thai_id")
    _commit(form.id_number, id_number)
    form.check_id()
    _commit(form.village, "บ้านป่าซาง")
    form.languages.set_codes(("akha", "thai"))
    form.school.set_code("enrolled")


def register(shell: Shell, page: object) -> Iterator[Stop]:
    from cmdesk.gui.screens.register.dialog import CASE, DUPLICATES, RegisterChildDialog

    page.open_register()  # type: ignore[attr-defined]
    dialog = _dialog(RegisterChildDialog)
    wait_until(lambda: dialog.form.address.loads == 0)
    settle(shell)
    yield "register-child", dialog
    _fill_child(dialog.form, "1234567890123")  # a slip in the last digit
    dialog.form.address.district.set_code("5701")
    wait_until(lambda: dialog.form.address.loads == 0)
    dialog.form.address.subdistrict.set_code("570101")
    settle(shell)
    yield "register-child-filled", dialog
    dialog.form.id_number.setText("1234567890121")
    dialog.next()
    wait_until(lambda: dialog.steps.currentIndex() == CASE)
    form = dialog.case_form
    form.concerns.set_codes(("neglect", "no_documents", "other"))
    _commit(form.concern_other, "ไม่มีผู้ดูแลตอนกลางคืน")
    form.risk.set_code("high")
    _commit(form.risk_reason, "เด็กอยู่บ้านคนเดียวตอนกลางคืน")
    settle(shell)
    yield "register-open-case", dialog
    dialog.next()
    wait_until(lambda: page.case_page.bundle is not None)  # type: ignore[attr-defined]
    settle(shell)
    # The same child again: the duplicate warning.
    page.open_register()  # type: ignore[attr-defined]
    again = _dialog(RegisterChildDialog)
    wait_until(lambda: again.form.address.loads == 0)
    _fill_child(again.form, "1234567890121")
    again.next()
    wait_until(lambda: again.steps.currentIndex() == DUPLICATES)
    settle(shell)
    yield "register-duplicates", again
    _close(again)
    settle(shell)


def case_edit_buttons(profile: Any) -> list[tuple[str, QAbstractButton, type[QDialog]]]:
    """The case profile's buttons that open the dialogs keeping a case up to date, each with
    its stop's name and the dialog's kind."""
    from cmdesk.gui.screens.case.case_edits import (
        AssignDialog,
        ConcernsDialog,
        FollowUpDialog,
        RiskDialog,
    )
    from cmdesk.gui.screens.case.child_edit import EditChildDialog, MemberDialog

    return [
        ("case-risk", profile.change_risk, RiskDialog),
        ("case-concerns", profile.change_concerns, ConcernsDialog),
        ("case-assign", profile.reassign, AssignDialog),
        ("child-edit", profile.edit_child, EditChildDialog),
        ("household-member", profile.add_member, MemberDialog),
        ("follow-up", profile.add_task, FollowUpDialog),
    ]


def _postpone(shell: Shell, page: Any) -> Iterator[Stop]:
    """My work's first follow-up (the one registration planned), postponed: its dialog."""
    from cmdesk.gui.screens.postpone_dialog import PostponeDialog

    page.show_section("tasks")
    settle(shell)
    tasks = page.tasks
    wait_until(lambda: tasks.model.rowCount() > 0)
    tasks.table.selectRow(0)
    settle(shell)
    yield from _dialog_stop(shell, "postpone", tasks.postpone, PostponeDialog)


def _dialog_stop(
    shell: Shell, name: str, button: QAbstractButton, kind: type[QDialog]
) -> Iterator[Stop]:
    """The dialog the button opens, as a stop; closed after."""
    button.click()
    opened = _dialog(kind)
    settle(shell)
    yield name, opened
    _close(opened)
    settle(shell)


def _case_edits(shell: Shell, case: Any) -> Iterator[Stop]:
    """The dialogs that keep a case up to date, from its profile (those this user may open)."""
    for name, button, kind in case_edit_buttons(case.profile):
        if button.isVisible() and button.isEnabled():
            yield from _dialog_stop(shell, name, button, kind)


def case_stages(shell: Shell, page: object) -> Iterator[Stop]:
    from cmdesk.gui.screens.case.page import CasePage

    case = page.case_page  # type: ignore[attr-defined]
    assert isinstance(case, CasePage)
    bar = case.workflow

    def move(stage: str) -> None:
        bar.move_buttons[stage].click()
        wait_until(lambda: case.bundle is not None and case.bundle.case.stage == stage)
        settle(shell)

    case.show_tab(case.profile)
    settle(shell)
    yield "case-profile", shell.window
    yield from _case_edits(shell, case)
    move("assessment")
    case.show_tab(case.assessment)
    case.assessment.domain.set_code("safety")
    case.assessment.rating.set_code("serious_concern")
    _commit(case.assessment.findings, "เด็กอยู่บ้านคนเดียวตอนกลางคืนขณะที่แม่ไปทำงาน")
    _commit(case.assessment.needs, "ผู้ใหญ่ดูแลตอนกลางคืน")
    case.assessment.submit()
    settle(shell)
    yield "case-assessment", shell.window
    move("case_plan")
    plan = case.plan
    case.show_tab(plan)
    plan.goal_domain.set_code("safety")
    _commit(plan.goal_text, "มีผู้ใหญ่อยู่บ้านทุกคืน")
    plan._add_goal()
    settle(shell)
    select_row(plan.tree, 0)
    _commit(plan.action_text, "ขอให้ป้ามาดูแลตอนกลางคืน")
    plan.action_org.set_code("ECPAT")
    plan.action_due.setText("31/12/2569")
    plan._add_action()
    settle(shell)
    bar.buttons["submit_plan"].click()
    settle(shell)
    yield "case-plan", shell.window
    case.show_tab(case.reviews)
    settle(shell)
    yield "case-reviews", shell.window


def case_dialogs(shell: Shell, page: object) -> Iterator[Stop]:
    from cmdesk.gui.screens.case.case_edits import MechanismLinkDialog
    from cmdesk.gui.screens.case.notes import NoteVersionsDialog
    from cmdesk.gui.screens.consent_dialog import ConsentDialog
    from cmdesk.gui.screens.print_dialog import PrintDialog
    from cmdesk.gui.screens.referral_detail import ReferralDetailDialog
    from cmdesk.gui.screens.referral_dialog import ReferralDialog
    from cmdesk.gui.widgets.prompts import ReasonDialog

    case = page.case_page  # type: ignore[attr-defined]
    # A referral to a partner, with no consent yet, then with it.
    case.show_tab(case.referrals)
    case.referrals.open_new()
    referral = _dialog(ReferralDialog)
    referral.partner.set_code("ECPAT")
    wait_until(lambda: referral._basis_known)
    referral.override.setChecked(True)
    settle(shell)
    yield "referral-no-consent", referral
    referral.override.setChecked(False)
    referral._record_consent()
    consent = _dialog(ConsentDialog)
    _commit(consent.giver_name, "นางบัวคำ แสงทอง")
    settle(shell)
    yield "consent-dialog", consent
    consent.submit()
    wait_until(lambda: referral.send.isEnabled())
    referral.service.set_code("legal_aid")
    _commit(referral.reason, "ต้องการความช่วยเหลือเรื่องการแจ้งเกิด")
    referral.sections.set_codes(("identity", "legal_status", "concerns_and_risk"))
    settle(shell)
    yield "referral-with-consent", referral
    referral.submit()
    wait_until(lambda: case.referrals.table.topLevelItemCount() == 1)
    settle(shell)
    yield "case-referrals", shell.window
    case.referrals._open(case.referrals.table.topLevelItem(0))
    detail = _dialog(ReferralDetailDialog)
    settle(shell)
    yield "referral-detail", detail
    _close(detail)
    case.show_tab(case.consents)
    settle(shell)
    yield "case-consent", shell.window
    # Notes: one written, then edited (two versions).
    case.show_tab(case.notes)
    _commit(case.notes.body, "เยี่ยมบ้าน: ป้าตกลงจะมาอยู่ด้วยตอนกลางคืน")
    case.notes.submit()
    wait_until(lambda: case.notes.timeline.topLevelItemCount() == 1)
    settle(shell)
    case.notes._start_edit()
    _commit(case.notes.body, " ตั้งแต่วันจันทร์")
    case.notes.submit()
    wait_until(lambda: case.bundle is not None and case.bundle.notes[0].versions == 2)
    settle(shell)
    _commit(case.notes.body, "โทรหาครูที่โรงเรียน")
    yield "case-notes", shell.window
    case.notes._show_versions()
    versions = _dialog(NoteVersionsDialog)
    settle(shell)
    yield "note-versions", versions
    _close(versions)
    case.show_tab(case.profile)
    case.profile._edit(MechanismLinkDialog)
    link = _dialog(MechanismLinkDialog)
    settle(shell)
    yield "case-mechanism", link
    _close(link)
    case.show_tab(case.history)
    settle(shell)
    yield "case-history", shell.window
    case.open_print()
    printing = _dialog(PrintDialog)
    printing.make()
    wait_until(lambda: printing.made is not None, timeout=60)
    settle(shell)
    yield "print-preview", printing
    _close(printing)
    case.workflow._request_closure()
    reason = _dialog(ReasonDialog)
    settle(shell)
    yield "request-closure", reason
    _close(reason)
    case.notes.discard()
    settle(shell)
