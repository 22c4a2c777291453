"""Keeping a case up to date from its profile: risk with its reason and history, concerns, who
works on it, in Thai and English; what the core refuses shows under the field and saves
nothing."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import text

from cmdesk.core.errors import FieldError, ValidationError
from cmdesk.core.i18n import N_, Translator, translator
from cmdesk.core.model.labels import label_of
from cmdesk.core.vault import crypto
from cmdesk.core.workspace import Workspace
from cmdesk.gui.i18n import plain
from cmdesk.gui.screens.case.case_edits import (
    AssignDialog,
    ConcernsDialog,
    FollowUpDialog,
    RiskDialog,
)
from cmdesk.gui.screens.case.child_edit import EditChildDialog, MemberDialog
from cmdesk.gui.screens.case.data import ELSEWHERE
from cmdesk.gui.screens.case.page import CasePage
from cmdesk.gui.screens.print_dialog import PrintDialog
from cmdesk.gui.screens.register.dialog import CASE, RegisterChildDialog
from cmdesk.gui.screens.register.household_section import NewMemberDialog
from cmdesk.gui.settings import GuiSettings
from cmdesk.gui.shell import Shell
from cmdesk.gui.widgets.form import FormGrid
from cmdesk.gui.widgets.prompts import ReasonDialog
from tests.conftest import ADMIN, ADMIN_PASS, WORKER, WORKER_PASS
from tests.core.laptops import (
    CASE_MANAGER,
    STAFF_PASS,
    SUPERVISOR,
    make_laptops,
    open_as,
)
from tests.core.records.factories import child_draft
from tests.core.reports.pdftools import nfkd, pdftotext_raw, squash
from tests.core.sync.conftest import network_template  # noqa: F401 (a fixture)
from tests.gui.flow import (
    answer,
    case_page,
    closed,
    dialog,
    open_case_from_caseload,
    pick,
    press,
    switch_user,
    type_text,
    workspace,
)
from tests.gui.helpers import WAIT_MS, unlock, wait_idle
from tests.gui.screen_checks import clipped, english_left, shown_texts
from tests.gui.screen_size import on_screen
from tests.gui.tour.walk import case_edit_buttons

CM, CM_PASS = "anong", "case manager passphrase"
SUP, SUP_PASS = "kasem", "supervisor passphrase"
WORKER2, WORKER2_PASS = "dao", "second field worker passphrase"
SHOTS = Path(tempfile.gettempdir()) / "casework-shots"
REASON = "The uncle came back to the house last night"


@pytest.fixture(scope="module")
def _one_case(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A vault with a case manager's case, visited by the field worker."""
    root = tmp_path_factory.mktemp("one-case") / "vault"
    kdf = crypto.weak_kdf_for_tests()
    with Workspace.create(
        root, org_code="WVFT", username=ADMIN, passphrase=ADMIN_PASS, kdf=kdf
    ) as ws:
        ws.users.add(WORKER, WORKER_PASS, "field_worker", display_name="Somchai Dee", kdf=kdf)
        ws.users.add(CM, CM_PASS, "case_manager", display_name="Anong Srisuk", kdf=kdf)
        ws.users.add(SUP, SUP_PASS, "supervisor", display_name="Kasem Wongsa", kdf=kdf)
        ws.users.add(WORKER2, WORKER2_PASS, "field_worker", display_name="Dao Ruang", kdf=kdf)
        worker_id = ws.users.get(WORKER).id
    with Workspace.open(root, CM, CM_PASS) as ws:
        child = ws.children.register_child(child_draft(), confirm_not_duplicate=True).value
        case = ws.cases.open_case(child.id, ["neglect"], "medium", "left alone at night").value
        ws.cases.assign_worker(case.id, worker_id)
        # Another child the first worker visits: their caseload is never empty.
        other = ws.children.register_child(
            child_draft(
                given_name_th="สมศรี",
                given_name_latin="Somsri",
                id_number="",
                id_document_type="none",
            ),
            confirm_not_duplicate=True,
        ).value
        kept = ws.cases.open_case(other.id, ["neglect"], "low", "checked monthly").value
        ws.cases.assign_worker(kept.id, worker_id)
    return root, case.case_number


@pytest.fixture
def one_case(
    _one_case: tuple[Path, str], settings: GuiSettings, tmp_path: Path
) -> tuple[GuiSettings, str]:
    dest = tmp_path / "vault"
    shutil.copytree(_one_case[0], dest)
    settings.last_vault = str(dest)
    return settings, _one_case[1]


def _open(
    qtbot: QtBot,
    make_shell: Callable[[GuiSettings], Shell],
    one_case: tuple[GuiSettings, str],
    lang: str,
    user: str,
    passphrase: str,
) -> tuple[Shell, CasePage]:
    settings, number = one_case
    settings.language = lang
    shell = make_shell(settings)
    shell.window.resize(1366, 768)
    unlock(qtbot, shell, user, passphrase)
    return shell, open_case_from_caseload(qtbot, shell, number)


def _message(msgid: str, tr: Translator) -> str:
    return ValidationError([FieldError("x", msgid)]).errors[0].message(tr)


def _errors(form: FormGrid) -> dict[str, str]:
    """The error lines shown under the fields, as read (without Thai break hints)."""
    return {name: plain(text) for name, text in form.errors().items()}


@pytest.mark.parametrize("lang", ["th", "en"])
def test_a_case_manager_changes_the_risk_and_sees_it_in_the_history(
    qtbot: QtBot,
    make_shell: Callable[[GuiSettings], Shell],
    one_case: tuple[GuiSettings, str],
    lang: str,
) -> None:
    shell, case = _open(qtbot, make_shell, one_case, lang, CM, CM_PASS)
    tr = shell.lang.translator
    profile = case.profile
    assert profile.risk_history.topLevelItemCount() == 1

    # An empty reason is refused under the field, and nothing is saved.
    press(qtbot, profile.change_risk)
    risk = dialog(qtbot, RiskDialog)
    pick(risk.level, "high")
    press(qtbot, risk.save)
    qtbot.waitUntil(lambda: bool(risk.form.errors()), timeout=WAIT_MS)
    assert _errors(risk.form) == {
        "risk_reason": _message(N_("Say why the risk is at this level."), tr)
    }
    wait_idle(qtbot, shell)
    assert profile.risk_history.topLevelItemCount() == 1
    assert case.bundle is not None and case.bundle.case.risk_level == "medium"

    type_text(qtbot, risk.reason, REASON)
    # Typed text is not thrown away without asking.
    assert shell.has_unsaved()
    press(qtbot, risk.cancel)
    answer(qtbot, yes=False)
    assert risk.isVisible() and risk.reason.text() == REASON
    press(qtbot, risk.save)
    qtbot.waitUntil(lambda: closed(risk), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: profile.risk_history.topLevelItemCount() == 2, timeout=WAIT_MS)
    newest = profile.risk_history.topLevelItem(0)
    assert newest.text(1) == tr.gettext(label_of("risk", "high"))
    assert newest.text(2) == REASON
    assert newest.text(3) == "Anong Srisuk"  # people by their full names, not user names
    assert plain(profile.case.values["risk"].text()) == tr.gettext(label_of("risk", "high"))
    assert plain(case.risk.text()) == tr.gettext(label_of("risk", "high"))
    # Our own case, not opened for a partner's referral: no such row, no button.
    assert not profile.case.values["from_referral"].isVisible()
    assert not profile.show_referral.isVisible()


@pytest.mark.parametrize("lang", ["th", "en"])
def test_concerns_and_reassignment(
    qtbot: QtBot,
    make_shell: Callable[[GuiSettings], Shell],
    one_case: tuple[GuiSettings, str],
    lang: str,
) -> None:
    shell, case = _open(qtbot, make_shell, one_case, lang, CM, CM_PASS)
    tr = shell.lang.translator
    profile = case.profile

    press(qtbot, profile.change_concerns)
    concerns = dialog(qtbot, ConcernsDialog)
    assert concerns.concerns.codes() == ("neglect",)
    # None chosen: the core's message under the list, in the user's language.
    concerns.concerns.boxes["neglect"].setChecked(False)
    press(qtbot, concerns.save)
    qtbot.waitUntil(lambda: bool(concerns.form.errors()), timeout=WAIT_MS)
    assert _errors(concerns.form) == {
        "concerns": _message(N_("Choose at least one protection concern."), tr)
    }
    concerns.concerns.boxes["child_labour"].setChecked(True)
    press(qtbot, concerns.save)
    qtbot.waitUntil(lambda: closed(concerns), timeout=WAIT_MS)
    qtbot.waitUntil(
        lambda: case.bundle is not None and case.bundle.case.concerns == ("child_labour",),
        timeout=WAIT_MS,
    )
    assert plain(profile.case.values["concerns"].text()) == tr.gettext(
        label_of("concern", "child_labour")
    )

    # The case's own manager may name the worker, but not the manager.
    press(qtbot, profile.reassign)
    assign = dialog(qtbot, AssignDialog)
    qtbot.waitUntil(lambda: assign.save.isEnabled(), timeout=WAIT_MS)
    assert assign.may_worker and not assign.may_manager
    assert not assign.manager.isVisible()
    names = [assign.worker.itemText(i) for i in range(assign.worker.count())]
    assert "Somchai Dee" in names and "Anong Srisuk" in names
    assert assign.worker.currentText() == "Somchai Dee"
    assign.worker.setCurrentIndex(assign.worker.findText("Anong Srisuk"))
    press(qtbot, assign.save)
    qtbot.waitUntil(lambda: closed(assign), timeout=WAIT_MS)
    qtbot.waitUntil(
        lambda: plain(profile.case.values["worker"].text()) == "Anong Srisuk", timeout=WAIT_MS
    )


def test_a_field_worker_may_change_risk_but_not_reassign(
    qtbot: QtBot,
    make_shell: Callable[[GuiSettings], Shell],
    one_case: tuple[GuiSettings, str],
) -> None:
    _shell, case = _open(qtbot, make_shell, one_case, "th", WORKER, WORKER_PASS)
    profile = case.profile
    assert profile.change_risk.isVisible() and profile.change_concerns.isVisible()
    assert not profile.reassign.isVisible()


SCHOOL = "Ban Huai Khrai School"


@pytest.mark.parametrize("lang", ["th", "en"])
def test_edit_the_child_and_the_household(
    qtbot: QtBot,
    make_shell: Callable[[GuiSettings], Shell],
    one_case: tuple[GuiSettings, str],
    lang: str,
    tmp_path: Path,
) -> None:
    shell, case = _open(qtbot, make_shell, one_case, lang, WORKER, WORKER_PASS)
    tr = shell.lang.translator
    profile = case.profile
    assert case.bundle is not None
    before = case.bundle.child

    # The registration form, filled in with what is recorded.
    press(qtbot, profile.edit_child)
    edit = dialog(qtbot, EditChildDialog)
    form = edit.child_form
    qtbot.waitUntil(lambda: form.address.loads == 0, timeout=WAIT_MS)
    assert form.given_th.text() == before.given_name_th
    assert form.given_latin.text() == before.given_name_latin
    assert form.address.codes() == (
        before.province_code,
        before.district_code,
        before.subdistrict_code,
    )
    assert not edit.tracker.dirty

    # A name too long: the core's message under the field, in the user's language; nothing
    # is saved.
    type_text(qtbot, form.family_latin, "x" * 101)
    type_text(qtbot, form.school_name, SCHOOL)
    press(qtbot, edit.save)
    qtbot.waitUntil(lambda: bool(form.errors()), timeout=WAIT_MS)
    assert _errors(form) == {
        "family_name_latin": plain(
            ValidationError(
                [FieldError("x", N_("A name has at most {max} characters."), {"max": 100})]
            )
            .errors[0]
            .message(tr)
        )
    }
    wait_idle(qtbot, shell)
    assert case.bundle.child.texts["school_name"] == ""

    form.family_latin.setText(before.family_name_latin)
    press(qtbot, edit.save)
    qtbot.waitUntil(lambda: closed(edit), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: SCHOOL in plain(profile.child.values["school"].text()), timeout=WAIT_MS)
    assert case.bundle.child.given_name_th == before.given_name_th
    assert case.bundle.child.birth == before.birth

    # Two members of the household.
    for name, relationship, phone in (
        ("Nuan Saengthong", "mother", "081 234 5678"),
        ("Boonmee Saengthong", "grandfather", ""),
    ):
        press(qtbot, profile.add_member)
        member = dialog(qtbot, MemberDialog)
        type_text(qtbot, member.member_form.name, name)
        pick(member.member_form.relationship, relationship)
        if phone:
            type_text(qtbot, member.member_form.phone, phone)
        press(qtbot, member.save)
        qtbot.waitUntil(lambda m=member: closed(m), timeout=WAIT_MS)
        wait_idle(qtbot, shell)
    qtbot.waitUntil(lambda: profile.household.topLevelItemCount() == 2, timeout=WAIT_MS)
    shown = {
        profile.household.topLevelItem(i).text(0): profile.household.topLevelItem(i).text(1)
        for i in range(2)
    }
    assert shown == {
        "Nuan Saengthong": tr.gettext(label_of("relationship", "mother")),
        "Boonmee Saengthong": tr.gettext(label_of("relationship", "grandfather")),
    }

    # The printed case summary carries the school and both members, in the user's language.
    press(qtbot, case.print_button)
    printing = dialog(qtbot, PrintDialog)
    press(qtbot, printing.make_button)
    qtbot.waitUntil(lambda: printing.made is not None, timeout=60_000)
    assert printing.made is not None
    text = squash(nfkd(pdftotext_raw(printing.made.pdf, tmp_path)))
    for expected in (
        SCHOOL,
        "Nuan Saengthong",
        "081 234 5678",
        "Boonmee Saengthong",
        tr.gettext("Household and caregivers"),
        tr.gettext(label_of("relationship", "grandfather")),
    ):
        assert squash(nfkd(expected)) in text, expected
    printing.reject()
    qtbot.waitUntil(lambda: closed(printing), timeout=WAIT_MS)

    # A member corrected: the new phone number on the profile.
    row = next(
        i for i in range(2) if profile.household.topLevelItem(i).text(0) == "Nuan Saengthong"
    )
    profile.household.setCurrentItem(profile.household.topLevelItem(row))
    press(qtbot, profile.edit_member)
    fix = dialog(qtbot, MemberDialog)
    assert fix.member_form.phone.text() == "081 234 5678"
    fix.member_form.phone.clear()
    type_text(qtbot, fix.member_form.phone, "089 999 0000")
    press(qtbot, fix.save)
    qtbot.waitUntil(lambda: closed(fix), timeout=WAIT_MS)
    qtbot.waitUntil(
        lambda: any(
            profile.household.topLevelItem(i).text(4) == "089 999 0000"
            for i in range(profile.household.topLevelItemCount())
        ),
        timeout=WAIT_MS,
    )

    # Removing asks for a reason first.
    row = next(
        i for i in range(2) if profile.household.topLevelItem(i).text(0) == "Boonmee Saengthong"
    )
    profile.household.setCurrentItem(profile.household.topLevelItem(row))
    press(qtbot, profile.remove_member)
    ask = dialog(qtbot, ReasonDialog)
    press(qtbot, ask.ok_button)
    assert _errors(ask.form) == {"reason": plain(tr.gettext("This field is required."))}
    type_text(qtbot, ask.text, "Moved to Mae Sai")
    press(qtbot, ask.ok_button)
    qtbot.waitUntil(lambda: profile.household.topLevelItemCount() == 1, timeout=WAIT_MS)
    assert profile.household.topLevelItem(0).text(0) == "Nuan Saengthong"


@pytest.mark.parametrize("lang", ["th", "en"])
@pytest.mark.parametrize("size", [(1366, 768), (1024, 600)])
def test_the_editing_dialogs_fit_the_screen_and_are_all_thai_in_thai(
    qtbot: QtBot,
    make_shell: Callable[[GuiSettings], Shell],
    one_case: tuple[GuiSettings, str],
    size: tuple[int, int],
    lang: str,
    request: pytest.FixtureRequest,
) -> None:
    if not on_screen(size, request):
        return  # checked in a process of its own, on a screen of that size
    shell, case = _open(qtbot, make_shell, one_case, lang, SUP, SUP_PASS)
    assert shell.window.screen().size().toTuple() == size  # what dialogs size themselves to
    shell.window.resize(*size)
    profile = case.profile
    case.show_tab(profile)
    qtbot.wait(50)
    problems: list[str] = []

    def look(name: str, widget: QWidget) -> None:
        shown = shown_texts(widget)
        assert shown, name
        if lang == "th":
            problems.extend(f"{name}: English {p}" for p in english_left(shown))
        problems.extend(f"{name}: clipped {p}" for p in clipped(widget))
        least = widget.minimumSizeHint()
        if least.width() > size[0] or least.height() > size[1]:
            problems.append(f"{name}: needs at least {least.width()}x{least.height()}")
        if widget is shell.window and (widget.width(), widget.height()) != size:
            problems.append(f"{name}: the window is {widget.width()}x{widget.height()}")
        widget.grab().save(str(SHOTS / f"{name}-{lang}-{size[0]}x{size[1]}.png"))

    SHOTS.mkdir(parents=True, exist_ok=True)
    look("profile", shell.window)
    body = profile.child.parentWidget()
    assert body is not None
    body.grab().save(str(SHOTS / f"profile-body-{lang}-{size[0]}x{size[1]}.png"))
    profile.household.setCurrentItem(None)
    for name, button, kind in case_edit_buttons(profile):
        press(qtbot, button)
        opened = dialog(qtbot, kind)
        wait_idle(qtbot, shell)
        if isinstance(opened, AssignDialog):
            assert opened.manager.isVisible()  # a supervisor names the case manager too
        qtbot.wait(50)
        look(name, opened)
        opened.reject()
        qtbot.waitUntil(lambda d=opened: closed(d), timeout=WAIT_MS)
    # Registration, with its household part and the member written down there.
    case.request_back()
    press(qtbot, workspace(shell).register_button)
    register = dialog(qtbot, RegisterChildDialog)
    qtbot.waitUntil(lambda: register.form.address.loads == 0, timeout=WAIT_MS)
    look("register", register)
    register.household.grab().save(
        str(SHOTS / f"register-household-{lang}-{size[0]}x{size[1]}.png")
    )
    press(qtbot, register.household.add_button)
    member = dialog(qtbot, NewMemberDialog)
    look("new-member", member)
    member.reject()
    register.reject()
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("lang", ["th", "en"])
def test_registration_writes_down_the_household(
    qtbot: QtBot,
    make_shell: Callable[[GuiSettings], Shell],
    one_case: tuple[GuiSettings, str],
    lang: str,
) -> None:
    settings, _number = one_case
    settings.language = lang
    shell = make_shell(settings)
    shell.window.resize(1366, 768)
    unlock(qtbot, shell, CM, CM_PASS)
    tr = shell.lang.translator
    press(qtbot, workspace(shell).register_button)
    register = dialog(qtbot, RegisterChildDialog)
    qtbot.waitUntil(lambda: register.form.address.loads == 0, timeout=WAIT_MS)
    type_text(qtbot, register.form.given_latin, "Somsak")
    pick(register.form.birth.kind, "unknown")
    type_text(qtbot, register.form.school_name, SCHOOL)

    # A phone number with letters is refused under the phone field before anything is added.
    press(qtbot, register.household.add_button)
    member = dialog(qtbot, NewMemberDialog)
    type_text(qtbot, member.form.name, "Nuan Jaidee")
    pick(member.form.relationship, "mother")
    member.form.caregiver.setChecked(True)
    type_text(qtbot, member.form.phone, "call the headman")
    press(qtbot, member.ok_button)
    assert _errors(member.form) == {
        "phone": _message(N_("A phone number has only digits, spaces, dashes and +."), tr)
    }
    assert register.household.list.topLevelItemCount() == 0
    member.form.phone.clear()
    type_text(qtbot, member.form.phone, "081 234 5678")
    press(qtbot, member.ok_button)
    qtbot.waitUntil(lambda: closed(member), timeout=WAIT_MS)
    press(qtbot, register.household.add_button)
    member = dialog(qtbot, NewMemberDialog)
    type_text(qtbot, member.form.name, "Boonmee Jaidee")
    pick(member.form.relationship, "grandfather")
    press(qtbot, member.ok_button)
    qtbot.waitUntil(lambda: closed(member), timeout=WAIT_MS)
    assert register.household.list.topLevelItemCount() == 2
    assert register.tracker.dirty

    press(qtbot, register.next_button)
    qtbot.waitUntil(lambda: register.steps.currentIndex() == CASE, timeout=WAIT_MS)
    cf = register.case_form
    cf.concerns.boxes["child_labour"].setChecked(True)
    pick(cf.risk, "medium")
    type_text(qtbot, cf.risk_reason, "works at the market at night")
    press(qtbot, register.next_button)
    case = case_page(shell)
    qtbot.waitUntil(
        lambda: case.bundle is not None and case.bundle.child.given_name_latin == "Somsak",
        timeout=WAIT_MS,
    )
    wait_idle(qtbot, shell)
    profile = case.profile
    assert SCHOOL in plain(profile.child.values["school"].text())
    rows = {
        profile.household.topLevelItem(i).text(0): (
            profile.household.topLevelItem(i).text(1),
            profile.household.topLevelItem(i).text(2),
        )
        for i in range(profile.household.topLevelItemCount())
    }
    assert rows == {
        "Nuan Jaidee": (tr.gettext(label_of("relationship", "mother")), tr.gettext("Yes")),
        "Boonmee Jaidee": (tr.gettext(label_of("relationship", "grandfather")), tr.gettext("No")),
    }


def _caseload_numbers(qtbot: QtBot, shell: Shell) -> set[str]:
    page = workspace(shell)
    page.show_section("caseload")
    wait_idle(qtbot, shell)
    model = page.caseload.model
    found = set()
    for row in range(model.rowCount()):
        record = model.row(model.index(row, 0))
        if record is not None:
            found.add(record.case_number)
    return found


def test_a_reassigned_case_moves_to_the_new_workers_caseload(
    qtbot: QtBot,
    make_shell: Callable[[GuiSettings], Shell],
    one_case: tuple[GuiSettings, str],
) -> None:
    number = one_case[1]
    shell, case = _open(qtbot, make_shell, one_case, "th", SUP, SUP_PASS)
    press(qtbot, case.profile.reassign)
    assign = dialog(qtbot, AssignDialog)
    qtbot.waitUntil(lambda: assign.save.isEnabled(), timeout=WAIT_MS)
    assign.worker.setCurrentIndex(assign.worker.findText("Dao Ruang"))
    press(qtbot, assign.save)
    qtbot.waitUntil(lambda: closed(assign), timeout=WAIT_MS)
    qtbot.waitUntil(
        lambda: plain(case.profile.case.values["worker"].text()) == "Dao Ruang", timeout=WAIT_MS
    )

    switch_user(qtbot, shell, WORKER2, WORKER2_PASS)
    qtbot.waitUntil(lambda: _caseload_numbers(qtbot, shell) == {number}, timeout=WAIT_MS)
    switch_user(qtbot, shell, WORKER, WORKER_PASS)
    # Only the other child is left to the first worker.
    qtbot.waitUntil(lambda: len(_caseload_numbers(qtbot, shell)) == 1, timeout=WAIT_MS)
    assert number not in _caseload_numbers(qtbot, shell)


@pytest.mark.parametrize("lang", ["th", "en"])
def test_a_follow_up_is_added_from_the_case(
    qtbot: QtBot,
    make_shell: Callable[[GuiSettings], Shell],
    one_case: tuple[GuiSettings, str],
    lang: str,
) -> None:
    _shell, case = _open(qtbot, make_shell, one_case, lang, CM, CM_PASS)
    profile = case.profile
    before = profile.tasks.topLevelItemCount()
    press(qtbot, profile.add_task)
    follow = dialog(qtbot, FollowUpDialog)
    qtbot.waitUntil(lambda: follow.save.isEnabled(), timeout=WAIT_MS)
    # The case's field worker does it unless someone else is chosen.
    assert plain(follow.who.currentText()) == "Somchai Dee"
    if lang == "th":
        problems = english_left(shown_texts(follow)) + clipped(follow)
        assert not problems, problems
    press(qtbot, follow.save)  # nothing to do: said under the field, nothing saved
    qtbot.waitUntil(lambda: "title" in follow.form.errors(), timeout=WAIT_MS)
    type_text(qtbot, follow.what, "Home visit with the aunt")
    press(qtbot, follow.save)
    qtbot.waitUntil(lambda: closed(follow), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: profile.tasks.topLevelItemCount() == before + 1, timeout=WAIT_MS)
    titles = [profile.tasks.topLevelItem(i).text(1) for i in range(before + 1)]
    assert "Home visit with the aunt" in titles
    # It is on the field worker's list (due in a week, the default).
    settings, _number = one_case
    with Workspace.open(Path(settings.last_vault), WORKER, WORKER_PASS) as ws:
        assert "Home visit with the aunt" in [i.title for i in ws.tasks.agenda()]


@pytest.mark.parametrize("known", [True, False], ids=["from-the-directory", "unknown-here"])
def test_a_case_assigned_at_the_office_keeps_its_worker_when_a_field_laptop_names_a_manager(
    known: bool,
    qtbot: QtBot,
    make_shell: Callable[[GuiSettings], Shell],
    network_template: Path,  # noqa: F811
    tmp_path: Path,
) -> None:
    """User accounts stay on the laptop where they were made. The office assigns its field
    worker to a case; on a supervisor's field laptop the case names the worker (the office's
    directory came with its bundle), or, for someone the laptop does not know, shows that
    someone works on it (not a blank); naming a case manager there keeps the worker. Before,
    the profile showed no worker and the dialog "Nobody yet", and saving took the worker off
    the case."""
    fresh = make_laptops(network_template, tmp_path, shared_case=False)
    with Workspace.open(fresh.a, ADMIN, ADMIN_PASS) as ws:
        # An account made at the office alone (laptop b has its own "pim", the same person).
        kdf = crypto.weak_kdf_for_tests()
        worker = ws.users.add("dao", STAFF_PASS, "field_worker", display_name="Dao", kdf=kdf).id
    with open_as(fresh.a) as ws:
        child = ws.children.register_child(child_draft(), confirm_not_duplicate=True).value
        case = ws.cases.open_case(child.id, ["neglect"], "medium", "left alone at night").value
        ws.cases.assign_worker(case.id, worker)
        data, _ = ws.sync.export()
    with open_as(fresh.b) as ws:
        ws.sync.import_bundle(data)
        manager = ws.users.get(CASE_MANAGER).id
        if not known:
            with ws.ctx.write() as s:
                s.execute(text("DELETE FROM colleague"))
    settings = GuiSettings.load(tmp_path / "config-b" / "gui.json")
    settings.language = "th"
    settings.last_vault = str(fresh.b)
    shell = make_shell(settings)
    shell.window.resize(1366, 768)
    unlock(qtbot, shell, SUPERVISOR, STAFF_PASS)
    page = open_case_from_caseload(qtbot, shell, case.case_number)
    qtbot.waitUntil(lambda: page.bundle is not None, timeout=WAIT_MS)
    elsewhere = translator("th").gettext(ELSEWHERE)
    assert elsewhere != ELSEWHERE  # in Thai
    named = "Dao" if known else elsewhere
    assert plain(page.profile.case.values["worker"].text()) == named

    press(qtbot, page.profile.reassign)
    assign = dialog(qtbot, AssignDialog)
    qtbot.waitUntil(lambda: assign.save.isEnabled(), timeout=WAIT_MS)
    assert assign.worker.currentText() == named
    assign.manager.setCurrentIndex(assign.manager.findText("Anong"))
    press(qtbot, assign.save)
    qtbot.waitUntil(lambda: closed(assign), timeout=WAIT_MS)
    shell.shutdown()
    with open_as(fresh.b) as ws:
        now = ws.cases.get(case.id)
    assert (now.case_manager_id, now.assigned_worker_id) == (manager, worker)
