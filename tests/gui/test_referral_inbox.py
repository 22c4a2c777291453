"""The receiving side of a referral: a partner's case manager answers from the inbox and reads
what was shared; and what a family's withdrawn consent changes on either side.

The partner's staff row is added as if it had arrived by sync (a data manager adds only their
own organisation's staff), the same way the records tests do.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot
from shiboken6 import isValid
from sqlalchemy.orm import Session

from cmdesk.core.model import User, org_id_for
from cmdesk.core.model.labels import label_of
from cmdesk.core.services.consents import ConsentDraft
from cmdesk.core.services.referrals import ReferralDraft
from cmdesk.core.vault import crypto
from cmdesk.core.workspace import Workspace
from cmdesk.gui.i18n import plain
from cmdesk.gui.screens.referral_detail import ReferralDetailDialog
from cmdesk.gui.screens.referrals import COLUMNS
from cmdesk.gui.screens.register.dialog import CASE, RegisterChildDialog
from cmdesk.gui.settings import GuiSettings
from cmdesk.gui.shell import Shell
from cmdesk.gui.widgets.prompts import ReasonDialog
from tests.conftest import ADMIN, ADMIN_PASS
from tests.core.records.factories import THAI_ID, child_draft
from tests.gui.flow import dialog, open_case_from_caseload, press, type_text, workspace
from tests.gui.helpers import WAIT_MS, unlock, wait_idle
from tests.gui.screen_checks import clipped, english_left, shown_texts

SENDER, RECEIVER, PASS = "anong", "ecpat_cm", "referral test passphrase"
NOTE = "ยายดูแลดี แต่ไม่มีรายได้ ต้องการความช่วยเหลือเรื่องค่าเดินทางไปศาล"


@pytest.fixture(scope="session")
def inbox_template(template_vault: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two referrals sent from our case to ECPAT, with the family's consent, sharing the
    child's identity and the case's notes (one written)."""
    root = tmp_path_factory.mktemp("inbox") / "vault"
    shutil.copytree(template_vault, root)
    kdf = crypto.weak_kdf_for_tests()
    with Workspace.open(root, ADMIN, ADMIN_PASS) as ws:
        ws.users.add(SENDER, PASS, "case_manager", kdf=kdf)
        with Session(ws.vault.engine) as s, s.begin():
            s.add(User(org_id=org_id_for("ECPAT"), username=RECEIVER, role="case_manager"))
        ws.vault.slots.set_passphrase(RECEIVER, PASS, ws.vault.data_key, kdf)
        ws.vault.save_slots()
    with Workspace.open(root, SENDER, PASS) as ws:
        child = ws.children.register_child(child_draft(), confirm_not_duplicate=True).value
        case = ws.cases.open_case(child.id, ["sexual_abuse"], "high", "disclosed at school").value
        ws.consents.record(
            child.id,
            ConsentDraft(
                purpose="sharing",
                given_on=date(2025, 1, 15),
                given_by="parent",
                giver_name="นางบัวคำ แสงทอง",
                method="written",
                shared_with_org="ECPAT",
            ),
        )
        ws.notes.add(case.id, NOTE, "home_visit")
        for service in ("legal_aid", "psychosocial"):
            draft = ReferralDraft(
                "ECPAT", service, "needs support at the hearing", ("identity", "notes")
            )
            ws.referrals.send(ws.referrals.draft(case.id, draft).value.id)
    return root


@pytest.fixture
def inbox_settings(settings: GuiSettings, inbox_template: Path, tmp_path: Path) -> GuiSettings:
    dest = tmp_path / "inbox-vault"
    shutil.copytree(inbox_template, dest)
    settings.last_vault = str(dest)
    return settings


def _open_received(qtbot: QtBot, shell: Shell, row: int) -> ReferralDetailDialog:
    page = workspace(shell)
    page.show_section("referrals")
    screen = page.referrals
    screen.box.setCurrentIndex(0)  # Received
    qtbot.waitUntil(lambda: screen.model.rowCount() == 2, timeout=WAIT_MS)
    screen.table.selectRow(row)
    screen.table.activated_row.emit(row)
    return dialog(qtbot, ReferralDetailDialog)


def _received_in_thai(
    qtbot: QtBot, make_shell: Callable[[GuiSettings], Shell], settings: GuiSettings
) -> tuple[Shell, ReferralDetailDialog]:
    """ECPAT's case manager, working in Thai, with the first referral received open."""
    settings.language = "th"
    shell = make_shell(settings)
    unlock(qtbot, shell, RECEIVER, PASS)
    return shell, _open_received(qtbot, shell, 0)


def _answer(qtbot: QtBot, note: str) -> None:
    ask = dialog(qtbot, ReasonDialog)
    type_text(qtbot, ask.text, note)
    press(qtbot, ask.ok_button)


@pytest.mark.parametrize("lang", ["th", "en"])
def test_the_partner_answers_a_referral_from_the_inbox(
    qtbot: QtBot, make_shell: Callable[[GuiSettings], Shell], inbox_settings: GuiSettings, lang: str
) -> None:
    inbox_settings.language = lang
    shell = make_shell(inbox_settings)
    unlock(qtbot, shell, RECEIVER, PASS)
    tr = shell.lang.translator
    assert workspace(shell).visible_sections() == ("home", "caseload", "tasks", "referrals", "sync")
    detail = _open_received(qtbot, shell, 0)
    buttons = detail.step_buttons

    def status() -> str:
        return plain(detail.details.values["status"].text())

    def shown(*names: str) -> set[str]:
        return {n for n, b in buttons.items() if b.isVisible()} & set(names)

    assert status() == tr.gettext(label_of("referral_status", "sent"))
    # Whom it is for, as the sender shared it: the name in the reader's script first.
    child = {
        "th": "มะลิ แสงทอง (Mali Saengthong) ชื่อเล่น ลิ",
        "en": "Mali Saengthong (มะลิ แสงทอง), called ลิ",
    }[lang]
    assert plain(detail.details.values["child"].text()) == child
    # What was shared, read here without printing the slip: the identity, not the ID number
    # (the legal status was not shared).
    assert plain(detail.facts_title.text()) == tr.format("Shared with {org}", org="ECPAT")
    facts = dict(detail.facts.rows)
    full_name = {"th": "มะลิ แสงทอง (Mali Saengthong)", "en": "Mali Saengthong (มะลิ แสงทอง)"}
    assert facts[tr.gettext("Full name")] == full_name[lang]
    assert facts[tr.gettext("Nickname")] == "ลิ"
    assert tr.gettext("Identity number") not in facts
    assert THAI_ID not in " ".join(facts.values())
    # The receiving side's steps only: no withdrawing someone else's referral.
    assert shown("acknowledge", "accept", "decline", "withdraw") == {
        "acknowledge",
        "accept",
        "decline",
    }
    if lang == "th":
        problems = english_left(shown_texts(detail)) + clipped(detail)
        assert not problems, problems
    press(qtbot, buttons["acknowledge"])
    qtbot.waitUntil(
        lambda: status() == tr.gettext(label_of("referral_status", "acknowledged")),
        timeout=WAIT_MS,
    )
    press(qtbot, buttons["accept"])
    _answer(qtbot, "a lawyer is assigned")
    qtbot.waitUntil(
        lambda: status() == tr.gettext(label_of("referral_status", "accepted")), timeout=WAIT_MS
    )
    press(qtbot, buttons["feedback"])
    _answer(qtbot, "first meeting held at the shelter")
    qtbot.waitUntil(lambda: detail.events.topLevelItemCount() == 5, timeout=WAIT_MS)
    assert detail.events.topLevelItem(4).text(2) == tr.gettext("Feedback")
    press(qtbot, buttons["complete"])
    _answer(qtbot, "hearing attended")
    qtbot.waitUntil(
        lambda: status() == tr.gettext(label_of("referral_status", "completed")), timeout=WAIT_MS
    )
    assert not buttons["complete"].isVisible() and not buttons["decline"].isVisible()
    # The inbox shows the new state too.
    detail.reject()
    wait_idle(qtbot, shell)
    model = workspace(shell).referrals.model
    titles = [c.title for c in COLUMNS]

    def column(title: str) -> set[str]:
        at = titles.index(title)
        return {model.data(model.index(r, at)) for r in range(model.rowCount())}

    assert tr.gettext(label_of("referral_status", "completed")) in column("Status")
    assert column("Child") == {child}


def test_the_shared_facts_and_notes_follow_the_language(
    qtbot: QtBot, make_shell: Callable[[GuiSettings], Shell], inbox_settings: GuiSettings
) -> None:
    shell, detail = _received_in_thai(qtbot, make_shell, inbox_settings)
    assert dict(detail.facts.rows)["เพศ"] == "หญิง"
    # The case notes, which the slip does not print, read in full: when, what kind, by whom.
    assert plain(detail.notes_title.text()) == "บันทึกการปฏิบัติงานที่ส่งให้ (1 รายการ)"
    [(said, text)] = detail.notes.rows
    assert said.endswith(" · เยี่ยมบ้าน · anong") and text == NOTE
    problems = english_left(shown_texts(detail)) + clipped(detail)
    assert not problems, problems

    shell.lang.set_locale("en")
    qtbot.waitUntil(lambda: dict(detail.facts.rows).get("Sex") == "Female", timeout=WAIT_MS)
    assert plain(detail.facts_title.text()) == "Shared with ECPAT"
    assert plain(detail.notes_title.text()) == "Case notes shared (1)"
    assert detail.notes.rows[0][0].endswith(" · Home visit · anong")


def test_a_withdrawn_consent_hides_what_was_shared(
    qtbot: QtBot, make_shell: Callable[[GuiSettings], Shell], inbox_settings: GuiSettings
) -> None:
    with Workspace.open(Path(inbox_settings.last_vault), SENDER, PASS) as ws:
        referral = ws.referrals.outgoing()[0]
        ws.consents.withdraw(str(referral.consent_id), "the mother changed her mind")
    shell, detail = _received_in_thai(qtbot, make_shell, inbox_settings)
    basis = plain(detail.details.values["basis"].text())
    assert basis.startswith("ความยินยอมของครอบครัว ถอนแล้วเมื่อ ")
    assert detail.facts.rows == []  # nothing of the child shown any more
    assert detail.notes.isHidden() and detail.notes_title.isHidden()  # nor the notes
    assert "ครอบครัวถอนความยินยอมให้ส่งข้อมูลเคสนี้ให้ ECPAT แล้ว" in " ".join(
        plain(label.text()) for label in detail.facts.findChildren(QLabel) if label.isVisible()
    )
    problems = english_left(shown_texts(detail)) + clipped(detail)
    assert not problems, problems
    # The inbox marks both referrals, which rest on that consent, in its status column.
    detail.reject()
    wait_idle(qtbot, shell)
    model = workspace(shell).referrals.model
    at = [c.title for c in COLUMNS].index("Status")
    cells = [model.index(r, at) for r in range(model.rowCount())]
    assert [model.data(c) for c in cells] == ["ส่งแล้ว รอการตอบรับ: ครอบครัวถอนความยินยอมแล้ว"] * 2
    assert all(model.data(c, Qt.ItemDataRole.ForegroundRole) is not None for c in cells)


def test_declining_needs_a_reason(
    qtbot: QtBot, make_shell: Callable[[GuiSettings], Shell], inbox_settings: GuiSettings
) -> None:
    shell = make_shell(inbox_settings)
    unlock(qtbot, shell, RECEIVER, PASS)
    detail = _open_received(qtbot, shell, 1)
    press(qtbot, detail.step_buttons["decline"])
    ask = dialog(qtbot, ReasonDialog)
    press(qtbot, ask.ok_button)  # no reason given
    assert ask.isVisible() and "reason" in ask.form.errors()
    type_text(qtbot, ask.text, "no lawyer free this month")
    press(qtbot, ask.ok_button)
    qtbot.waitUntil(lambda: detail.details.values["status"].text() == "Declined", timeout=WAIT_MS)
    assert "no lawyer free this month" in [
        detail.events.topLevelItem(i).text(3) for i in range(detail.events.topLevelItemCount())
    ]


def test_withdrawing_a_consent_says_the_partner_will_hear_of_it(
    qtbot: QtBot, make_shell: Callable[[GuiSettings], Shell], inbox_settings: GuiSettings
) -> None:
    with Workspace.open(Path(inbox_settings.last_vault), SENDER, PASS) as ws:
        number = ws.referrals.outgoing()[0].case_number
    inbox_settings.language = "th"
    shell = make_shell(inbox_settings)
    unlock(qtbot, shell, SENDER, PASS)
    case = open_case_from_caseload(qtbot, shell, number)
    # The referrals share the notes: the note editor says so before anything is written.
    case.show_tab(case.notes)
    shared = case.notes.shared_with
    assert shared.isVisible() and plain(shared.text()).startswith(
        "บันทึกการปฏิบัติงานของเคสนี้ส่งให้ ECPAT ตามการส่งต่อ"
    )
    case.show_tab(case.consents)
    table = case.consents.table
    qtbot.waitUntil(lambda: table.topLevelItemCount() == 1, timeout=WAIT_MS)
    table.setCurrentItem(table.topLevelItem(0))
    press(qtbot, case.consents.withdraw)
    ask = dialog(qtbot, ReasonDialog)
    prompt = " ".join(plain(t.text) for t in shown_texts(ask))
    assert "จะได้รับแจ้งเมื่อซิงค์ครั้งถัดไปว่าความยินยอมถูกถอนแล้ว" in prompt
    assert not english_left(shown_texts(ask))
    type_text(qtbot, ask.text, "แม่เปลี่ยนใจ")
    press(qtbot, ask.ok_button)
    status = table.columnCount() - 1
    qtbot.waitUntil(lambda: "ถอน" in table.topLevelItem(0).text(status), timeout=WAIT_MS)
    assert shared.isHidden()  # no note goes to ECPAT any more

    # The referral on it says when the consent was withdrawn, and shows nothing it shared.
    case.show_tab(case.referrals)
    referrals = case.referrals.table
    qtbot.waitUntil(lambda: referrals.topLevelItemCount() == 2, timeout=WAIT_MS)
    # Each still open, the list says its consent was withdrawn (nothing more is shared).
    assert {referrals.topLevelItem(i).text(4) for i in range(2)} == {
        "ส่งแล้ว รอการตอบรับ: ครอบครัวถอนความยินยอมแล้ว"
    }
    referrals.setCurrentItem(referrals.topLevelItem(0))
    press(qtbot, case.referrals.open_button)
    detail = dialog(qtbot, ReferralDetailDialog)
    basis = plain(detail.details.values["basis"].text())
    assert basis.startswith("ความยินยอมของครอบครัว ถอนแล้วเมื่อ ")
    assert detail.facts.rows == []
    # In their place, what would let WVFT share again.
    said = " ".join(plain(label.text()) for label in detail.facts.findChildren(QLabel))
    assert "หากครอบครัวให้ความยินยอมอีกครั้ง ให้บันทึกความยินยอมนั้น" in said


def test_the_partner_opens_its_own_case_for_the_referral_it_accepted(
    qtbot: QtBot, make_shell: Callable[[GuiSettings], Shell], inbox_settings: GuiSettings
) -> None:
    shell, detail = _received_in_thai(qtbot, make_shell, inbox_settings)
    referral = detail.view.referral.id
    buttons = detail.step_buttons
    assert not buttons["open_case"].isVisible()  # not before the referral is accepted
    press(qtbot, buttons["accept"])
    press(qtbot, dialog(qtbot, ReasonDialog).ok_button)  # the note is optional
    qtbot.waitUntil(lambda: buttons["open_case"].isVisible(), timeout=WAIT_MS)
    assert plain(buttons["open_case"].text()) == "เปิดเคสของเราสำหรับเด็กคนนี้…"

    press(qtbot, buttons["open_case"])
    reg = dialog(qtbot, RegisterChildDialog)
    qtbot.waitUntil(lambda: reg.form.address.loads == 0, timeout=WAIT_MS)
    # What the referral shares, filled in: the identity, not the ID number (the legal status
    # was not shared); nothing typed yet, so closing would ask nothing.
    assert plain(reg.title.text()) == "ลงทะเบียนเด็กที่ได้รับการส่งต่อ"
    assert "สิ่งที่ WVFT ส่งมาในการส่งต่อ" in plain(reg.intro.text())
    form = reg.form
    assert (form.given_th.text(), form.family_th.text()) == ("มะลิ", "แสงทอง")
    assert (form.given_latin.text(), form.nickname.text()) == ("Mali", "ลิ")
    # Born in 2557 as far as anyone knows: the year, shown where the year is written.
    assert form.birth.pages.currentWidget() is form.birth.year
    assert form.birth.year.text() == "2557"
    assert form.id_number.text() == "" and not reg.tracker.dirty
    # The sender's record of the same child is not offered as a duplicate.
    press(qtbot, reg.next_button)
    qtbot.waitUntil(lambda: reg.steps.currentIndex() == CASE, timeout=WAIT_MS)
    reg.case_form.concerns.set_codes(["sexual_abuse"])
    type_text(qtbot, reg.case_form.risk_reason, "เด็กเล่าเรื่องที่โรงเรียน")
    press(qtbot, reg.next_button)

    # The user is taken to the new case, ECPAT's own.
    page = workspace(shell).case_page
    qtbot.waitUntil(lambda: page.case_number.text().startswith("ECPAT-"), timeout=WAIT_MS)
    assert not isValid(detail)  # the referral's window closed (it deletes itself)
    number = page.case_number.text()
    assert plain(page.child_name.text()).startswith("มะลิ แสงทอง")
    # The case says which referral it was opened for, and opens it again.
    profile = page.profile
    qtbot.waitUntil(lambda: profile.show_referral.isVisible(), timeout=WAIT_MS)
    assert plain(profile.case.values["from_referral"].text()) == "จาก WVFT"
    press(qtbot, profile.show_referral)
    shown = dialog(qtbot, ReferralDetailDialog)
    assert shown.view.referral.id == referral and shown.view.referral.our_case_number == number
    assert not shown.step_buttons["our_case"].isVisible()  # it was opened from that case
    shown.reject()

    # The referral now names that case, and goes to it; it is not opened twice.
    workspace(shell).open_referral(referral)
    again = dialog(qtbot, ReferralDetailDialog)
    assert plain(again.details.values["our_case"].text()) == number
    assert again.details.values["our_case"].isVisible()
    assert not again.step_buttons["open_case"].isVisible()
    assert plain(again.step_buttons["our_case"].text()) == "ไปที่เคสของเรา"
    press(qtbot, again.step_buttons["our_case"])
    qtbot.waitUntil(lambda: not isValid(again), timeout=WAIT_MS)
    assert page.case_number.text() == number
    # The inbox says which referrals have a case here, and which are waiting for one.
    workspace(shell).show_section("referrals")
    model = workspace(shell).referrals.model
    at = [c.title for c in COLUMNS].index("Status")
    qtbot.waitUntil(
        lambda: (
            f"รับดำเนินการแล้ว · เคสของเรา {number}"
            in {model.data(model.index(r, at)) for r in range(model.rowCount())}
        ),
        timeout=WAIT_MS,
    )
    wait_idle(qtbot, shell)
