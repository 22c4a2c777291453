"""Community mechanisms (issue 13) as a supervisor keeps them: the organisation's tambon centres
and youth councils by district, one added (refused first without a name, under the field),
a meeting recorded with a B.E. date; and on a case, the mechanism that referred it. In Thai
with no English left and nothing clipped on a 1024 x 600 netbook; in English too. A field
worker has no such section."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from cmdesk.core.demo.generate import generate
from cmdesk.core.i18n import Translator
from cmdesk.core.vault import crypto
from cmdesk.core.workspace import Workspace
from cmdesk.gui.i18n import plain
from cmdesk.gui.screens.case.case_edits import MechanismLinkDialog
from cmdesk.gui.screens.mechanisms import MechanismDialog, MechanismsScreen, MeetingDialog
from cmdesk.gui.screens.workspace import SECTIONS
from cmdesk.gui.settings import GuiSettings
from cmdesk.gui.shell import Shell
from tests.conftest import ADMIN, ADMIN_PASS
from tests.gui.flow import (
    closed,
    dialog,
    open_case_from_caseload,
    pick,
    press,
    type_text,
    workspace,
)
from tests.gui.helpers import WAIT_MS, unlock, wait_idle
from tests.gui.screen_checks import clipped, english_left, shown_texts

SUP, FW, PASS = "kasem", "pim", "a passphrase for the tests"
NAME = "ศูนย์คุ้มครองเด็กตำบลทดสอบ"


@pytest.fixture(scope="session")
def mechanisms_template(template_vault: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("mechanisms") / "vault"
    shutil.copytree(template_vault, root)
    kdf = crypto.weak_kdf_for_tests()
    with Workspace.open(root, ADMIN, ADMIN_PASS) as ws:
        ws.users.add(SUP, PASS, "supervisor", kdf=kdf)
        ws.users.add(FW, PASS, "field_worker", kdf=kdf)
        generate(ws, 20, seed=2, as_of=date(2026, 11, 25), workers=0)
    return root


@pytest.fixture
def vault(mechanisms_template: Path, tmp_path: Path) -> Path:
    dest = tmp_path / "vault"
    shutil.copytree(mechanisms_template, dest)
    return dest


def _open(
    qtbot: QtBot,
    make_shell: Callable[[GuiSettings], Shell],
    settings: GuiSettings,
    vault: Path,
    size: tuple[int, int] = (1366, 768),
) -> tuple[Shell, MechanismsScreen]:
    settings.last_vault = str(vault)
    shell = make_shell(settings)
    shell.window.resize(*size)
    unlock(qtbot, shell, SUP, PASS)
    page = workspace(shell)
    page.show_section("mechanisms")
    screen = page.mechanisms
    qtbot.waitUntil(lambda: screen.table.topLevelItemCount() > 10, timeout=WAIT_MS)
    wait_idle(qtbot, shell)
    return shell, screen


@pytest.mark.parametrize("lang", ["th", "en"])
def test_a_supervisor_keeps_the_mechanisms_and_their_meetings(
    qtbot: QtBot,
    make_shell: Callable[[GuiSettings], Shell],
    settings: GuiSettings,
    vault: Path,
    lang: str,
) -> None:
    settings.language = lang
    shell, screen = _open(qtbot, make_shell, settings, vault)
    tr = Translator(lang)
    everywhere = screen.table.topLevelItemCount()
    pick(screen.district, "5709")  # Mae Sai
    qtbot.waitUntil(lambda: screen.table.topLevelItemCount() < everywhere, timeout=WAIT_MS)
    wait_idle(qtbot, shell)
    shown = [screen.table.topLevelItem(i).text(2) for i in range(screen.table.topLevelItemCount())]
    assert shown and all(s for s in shown)

    # A new centre: refused without a name (under the field, in the user's language).
    press(qtbot, screen.add_button)
    form = dialog(qtbot, MechanismDialog)
    qtbot.waitUntil(
        lambda: form.place.loads == 0 and form.place.district.count() > 1, timeout=WAIT_MS
    )
    form.place.set_codes("57", "5709", "570901")
    qtbot.waitUntil(lambda: form.place.codes()[2] == "570901", timeout=WAIT_MS)
    press(qtbot, form.save)
    qtbot.waitUntil(lambda: "name" in form.form.errors(), timeout=WAIT_MS)
    assert plain(form.form.errors()["name"]) == tr.gettext("Give the name of the mechanism.")
    type_text(qtbot, form.name, NAME)
    type_text(qtbot, form.phone, "081-555-1234")
    press(qtbot, form.save)
    qtbot.waitUntil(lambda: closed(form), timeout=WAIT_MS)
    qtbot.waitUntil(
        lambda: any(
            screen.table.topLevelItem(i).text(0) == NAME
            for i in range(screen.table.topLevelItemCount())
        ),
        timeout=WAIT_MS,
    )
    wait_idle(qtbot, shell)
    row = next(
        screen.table.topLevelItem(i)
        for i in range(screen.table.topLevelItemCount())
        if screen.table.topLevelItem(i).text(0) == NAME
    )
    assert row.text(5) == "0"  # no meeting yet

    # A meeting, its date typed in the Buddhist Era.
    screen.table.setCurrentItem(row)
    press(qtbot, screen.meeting_button)
    meeting = dialog(qtbot, MeetingDialog)
    type_text(qtbot, meeting.held_on, "20/11/2569")
    meeting.attendees.setValue(12)
    press(qtbot, meeting.save)
    qtbot.waitUntil(lambda: closed(meeting), timeout=WAIT_MS)
    qtbot.waitUntil(
        lambda: screen.chosen() is not None and _meetings(screen) == "1", timeout=WAIT_MS
    )
    if lang == "th":
        assert english_left(shown_texts(screen)) == []
    with Workspace.open(vault, SUP, PASS) as ws:
        added = [m for m in ws.mechanisms.list(subdistrict_code="570901") if m.name == NAME]
    assert len(added) == 1 and added[0].last_meeting == date(2026, 11, 20)


def _meetings(screen: MechanismsScreen) -> str:
    item = screen.table.currentItem()
    return item.text(5) if item is not None else ""


def test_thai_fits_a_netbook_screen_and_the_dialogs_are_thai(
    qtbot: QtBot, make_shell: Callable[[GuiSettings], Shell], settings: GuiSettings, vault: Path
) -> None:
    settings.language = "th"
    shell, screen = _open(qtbot, make_shell, settings, vault, (1024, 600))
    assert english_left(shown_texts(screen)) == []
    assert clipped(screen) == []
    screen.table.setCurrentItem(screen.table.topLevelItem(0))
    for button, kind in (
        (screen.edit_button, MechanismDialog),
        (screen.meeting_button, MeetingDialog),
    ):
        press(qtbot, button)
        opened = dialog(qtbot, kind)
        wait_idle(qtbot, shell)
        assert english_left(shown_texts(opened)) == []
        assert clipped(opened) == []
        opened.reject()
        qtbot.waitUntil(lambda o=opened: closed(o), timeout=WAIT_MS)  # type: ignore[misc]


@pytest.mark.parametrize("lang", ["th", "en"])
def test_a_case_names_the_mechanism_that_referred_it(
    qtbot: QtBot,
    make_shell: Callable[[GuiSettings], Shell],
    settings: GuiSettings,
    vault: Path,
    lang: str,
) -> None:
    with Workspace.open(vault, SUP, PASS) as ws:
        case = next(c for c in ws.cases.list() if c.stage != "closure")
        mechanism = next(m for m in ws.mechanisms.list(active_only=True))
    settings.language = lang
    settings.last_vault = str(vault)
    shell = make_shell(settings)
    shell.window.resize(1366, 768)
    unlock(qtbot, shell, SUP, PASS)
    page = open_case_from_caseload(qtbot, shell, case.case_number)
    profile = page.profile
    press(qtbot, profile.link_mechanism)
    link = dialog(qtbot, MechanismLinkDialog)
    if lang == "th":
        assert english_left(shown_texts(link)) == []
    pick(link.combos["from"], mechanism.id)
    press(qtbot, link.save)
    qtbot.waitUntil(lambda: closed(link), timeout=WAIT_MS)
    qtbot.waitUntil(
        lambda: plain(profile.case.values["referred_by"].text()) == mechanism.name,
        timeout=WAIT_MS,
    )
    with Workspace.open(vault, SUP, PASS) as ws:
        assert ws.mechanisms.for_case(case.id)["from"] == ws.mechanisms.get(mechanism.id)


def test_a_field_worker_has_no_mechanisms_section(
    qtbot: QtBot, make_shell: Callable[[GuiSettings], Shell], settings: GuiSettings, vault: Path
) -> None:
    settings.last_vault = str(vault)
    shell = make_shell(settings)
    unlock(qtbot, shell, FW, PASS)
    page = workspace(shell)
    assert "mechanisms" not in page.visible_sections()
    assert page.nav.item(SECTIONS.index("mechanisms")).isHidden()


@pytest.mark.parametrize("lang", ["th", "en"])
def test_no_mechanism_yet_says_so_and_what_to_add(
    qtbot: QtBot,
    make_shell: Callable[[GuiSettings], Shell],
    settings: GuiSettings,
    template_vault: Path,
    tmp_path: Path,
    lang: str,
) -> None:
    root = tmp_path / "vault"
    shutil.copytree(template_vault, root)
    with Workspace.open(root, ADMIN, ADMIN_PASS) as ws:
        ws.users.add(SUP, PASS, "supervisor", kdf=crypto.weak_kdf_for_tests())
    settings.language = lang
    settings.last_vault = str(root)
    shell = make_shell(settings)
    unlock(qtbot, shell, SUP, PASS)
    page = workspace(shell)
    page.show_section("mechanisms")
    screen = page.mechanisms
    qtbot.waitUntil(screen.empty.isVisible, timeout=WAIT_MS)
    tr = Translator(lang)
    assert plain(screen.empty.title.text()) == tr.gettext("No community mechanism yet")
    assert not screen.table.isVisible() and screen.add_button.isEnabled()
    if lang == "th":
        assert english_left(shown_texts(screen)) == []
