"""Registering a child: messages under the fields as they are typed, in the user's language,
and the duplicate warning before anything is created."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from pytestqt.qtbot import QtBot

from cmdesk.core.i18n import translator
from cmdesk.core.i18n.date_input import NO_SUCH_DAY
from cmdesk.gui.i18n import plain
from cmdesk.gui.screens.register.dialog import CASE, DUPLICATES, FORM, RegisterChildDialog
from cmdesk.gui.settings import GuiSettings
from cmdesk.gui.shell import Shell
from tests.gui.conftest import CASE_MANAGER, CASE_MANAGER_PASS, child_names
from tests.gui.flow import answer, closed, dialog, pick, press, type_text, workspace
from tests.gui.helpers import WAIT_MS, unlock, wait_idle


def _open(qtbot: QtBot, shell: Shell) -> RegisterChildDialog:
    press(qtbot, workspace(shell).register_button)
    found = dialog(qtbot, RegisterChildDialog)
    qtbot.waitUntil(lambda: found.form.address.loads == 0, timeout=WAIT_MS)
    return found


@pytest.mark.parametrize("lang", ["th", "en"])
def test_mistakes_are_shown_under_their_fields_in_the_users_language(
    qtbot: QtBot,
    make_shell: Callable[[GuiSettings], Shell],
    caseload_settings: GuiSettings,
    lang: str,
) -> None:
    caseload_settings.language = lang
    shell = make_shell(caseload_settings)
    unlock(qtbot, shell, CASE_MANAGER, CASE_MANAGER_PASS)
    tr = translator(lang)  # type: ignore[arg-type]
    reg = _open(qtbot, shell)
    form = reg.form
    # A G-code has no check digit, but it has a shape.
    pick(form.document, "g_code")
    type_text(qtbot, form.id_number, "G12345")
    form.id_number.editingFinished.emit()
    assert form.id_error.isVisible()
    g_code_error = plain(form.id_error.text())
    assert g_code_error and (lang == "en" or any("\u0e00" <= c <= "\u0e7f" for c in g_code_error))
    # 31 February in the Buddhist Era is read as a date, and refused as no such day.
    pick(form.birth.kind, "exact")
    type_text(qtbot, form.birth.day, "31/2/2555")
    form.birth.day.editingFinished.emit()
    birth_error = form.errors()["birth"]
    assert plain(birth_error) == tr.gettext(NO_SUCH_DAY)
    form.birth.day.clear()
    type_text(qtbot, form.birth.day, "5/3/2555")
    form.birth.day.editingFinished.emit()
    assert "birth" not in form.errors()
    # The B.E. date was read as 5 March 2012, and shown back in the user's era.
    assert form.birth.value() is not None and form.birth.value().day.year == 2012  # type: ignore[union-attr]
    assert form.birth.day.text() == ("5/3/2555" if lang == "th" else "5/3/2012")
    # No name at all: the core's rule, under the name field; nothing is registered.
    form.id_number.clear()
    pick(form.document, "none")
    press(qtbot, reg.next_button)
    qtbot.waitUntil(lambda: "given_name_th" in form.errors(), timeout=WAIT_MS)
    assert reg.steps.currentIndex() == FORM
    # Switching language rewrites the message in place.
    other = "en" if lang == "th" else "th"
    before = form.errors()["given_name_th"]
    shell.lang.set_locale(other)
    assert form.errors()["given_name_th"] != before
    reg.tracker.mark_clean()
    reg.reject()


def test_a_possible_duplicate_is_shown_before_registering(
    qtbot: QtBot, make_shell: Callable[[GuiSettings], Shell], caseload_settings: GuiSettings
) -> None:
    shell = make_shell(caseload_settings)
    unlock(qtbot, shell, CASE_MANAGER, CASE_MANAGER_PASS)
    th, latin = child_names(5)  # registered in the caseload fixture: born 2014, Wiang
    reg = _open(qtbot, shell)
    form = reg.form
    type_text(qtbot, form.given_th, th)
    type_text(qtbot, form.family_th, "แสงทอง")
    type_text(qtbot, form.given_latin, latin)
    type_text(qtbot, form.family_latin, "Saengthong")
    pick(form.birth.kind, "year")
    type_text(qtbot, form.birth.year, "2014")
    pick(form.address.district, "5701")
    qtbot.waitUntil(lambda: form.address.loads == 0, timeout=WAIT_MS)
    pick(form.address.subdistrict, "570101")
    press(qtbot, reg.next_button)
    qtbot.waitUntil(lambda: reg.steps.currentIndex() == DUPLICATES, timeout=WAIT_MS)
    table = reg.duplicates.table
    rows = [table.topLevelItem(i).text(0) for i in range(table.topLevelItemCount())]
    assert any(latin in row for row in rows)  # with other look-alikes of the same year and place
    assert reg.back_button.isVisible()
    # Back to the form changes nothing; the typed details are still there.
    press(qtbot, reg.back_button)
    assert reg.steps.currentIndex() == FORM and form.given_latin.text() == latin
    press(qtbot, reg.next_button)
    qtbot.waitUntil(lambda: reg.steps.currentIndex() == DUPLICATES, timeout=WAIT_MS)
    press(qtbot, reg.next_button)  # "It is a different child: register"
    qtbot.waitUntil(lambda: reg.steps.currentIndex() == CASE, timeout=WAIT_MS)
    assert reg.child is not None and reg.child.given_name_latin == latin
    # Leaving now asks: the child has no case yet.
    reg.reject()
    answer(qtbot, yes=True)
    qtbot.waitUntil(lambda: closed(reg), timeout=WAIT_MS)
    wait_idle(qtbot, shell)


def test_cancelling_with_typed_details_asks_first(
    qtbot: QtBot, make_shell: Callable[[GuiSettings], Shell], caseload_settings: GuiSettings
) -> None:
    shell = make_shell(caseload_settings)
    unlock(qtbot, shell, CASE_MANAGER, CASE_MANAGER_PASS)
    reg = _open(qtbot, shell)
    type_text(qtbot, reg.form.given_latin, "Somsak")
    press(qtbot, reg.cancel_button)
    answer(qtbot, yes=False)  # keep editing
    assert reg.isVisible() and reg.form.given_latin.text() == "Somsak"
    press(qtbot, reg.cancel_button)
    answer(qtbot, yes=True)
    qtbot.waitUntil(lambda: closed(reg), timeout=WAIT_MS)


def test_a_referred_child_s_forms_start_filled_in_with_what_the_referral_shares(
    qtbot: QtBot, make_shell: Callable[[GuiSettings], Shell], caseload_settings: GuiSettings
) -> None:
    from cmdesk.core.i18n import BirthDate
    from cmdesk.core.services.child_drafts import ChildDraft, HouseholdMemberDraft
    from cmdesk.core.services.referral_intake import Intake

    caseload_settings.language = "th"
    shell = make_shell(caseload_settings)
    unlock(qtbot, shell, CASE_MANAGER, CASE_MANAGER_PASS)
    grandmother = HouseholdMemberDraft(name="นางคำ แสงทอง", relationship="grandmother")
    intake = Intake(
        referral_id="r1",
        from_org_code="WVFT",
        child=ChildDraft(
            given_name_th="มะลิ",
            birth=BirthDate.year_only(2014),
            province_code="57",
            district_code="5701",
            subdistrict_code="570101",
            household=(grandmother,),
        ),
        concerns=("neglect", "other"),
        concern_other="ไม่มีผู้ดูแลกลางคืน",
        risk_level="high",
        risk_reason="อยู่ลำพัง",
    )
    reg = RegisterChildDialog(shell.session, workspace(shell), intake)
    reg.open()
    qtbot.waitUntil(lambda: reg.form.address.loads == 0, timeout=WAIT_MS)
    assert reg.form.given_th.text() == "มะลิ" and reg.form.birth.year.text() == "2557"
    assert reg.form.address.codes() == ("57", "5701", "570101")
    assert [m.name for m in reg.household.drafts()] == ["นางคำ แสงทอง"]
    f = reg.case_form
    assert f.concerns.codes() == ("neglect", "other") and f.concern_other.text() == "ไม่มีผู้ดูแลกลางคืน"
    assert f.risk.code() == "high" and f.risk_reason.text() == "อยู่ลำพัง"
    assert not reg.tracker.dirty  # nothing typed: closing asks nothing
    reg.reject()
    assert closed(reg)
