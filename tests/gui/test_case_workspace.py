"""The case workspace by keyboard, and typed text that is never lost without asking."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from cmdesk.gui.i18n import plain
from cmdesk.gui.settings import GuiSettings
from cmdesk.gui.shell import Shell
from tests.gui.conftest import CASE_MANAGER, CASE_MANAGER_PASS
from tests.gui.flow import answer, case_page, type_text, workspace
from tests.gui.helpers import WAIT_MS, unlock, wait_idle

NOTE = "Phone call with the teacher: attends every day"


def _open_by_keyboard(qtbot: QtBot, shell: Shell) -> None:
    caseload = workspace(shell).caseload
    qtbot.waitUntil(lambda: caseload.model.rowCount() > 0, timeout=WAIT_MS)
    caseload.table.setFocus()
    qtbot.keyClick(caseload.table, Qt.Key.Key_Down)
    qtbot.keyClick(caseload.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: case_page(shell).bundle is not None, timeout=WAIT_MS)
    wait_idle(qtbot, shell)


def test_leaving_a_case_with_a_half_written_note_asks_first(
    qtbot: QtBot, make_shell: Callable[[GuiSettings], Shell], caseload_settings: GuiSettings
) -> None:
    shell = make_shell(caseload_settings)
    unlock(qtbot, shell, CASE_MANAGER, CASE_MANAGER_PASS)
    _open_by_keyboard(qtbot, shell)
    page, case = workspace(shell), case_page(shell)
    assert page.sections.currentWidget() is case
    case.show_tab(case.notes)
    type_text(qtbot, case.notes.body, NOTE)
    assert case.has_unsaved() and shell.has_unsaved()

    # Alt+Left (back, as in a browser) asks; "keep editing" stays with the text.
    qtbot.keyClick(case.notes.body, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    answer(qtbot, yes=False)
    assert page.sections.currentWidget() is case and case.notes.body.text() == NOTE
    # Choosing another section asks too.
    page.nav.setCurrentRow(1)
    answer(qtbot, yes=False)
    assert page.sections.currentWidget() is case and case.notes.body.text() == NOTE
    # Closing the window asks as well, and stays open when the user keeps editing.
    shell.window.close()
    answer(qtbot, yes=False)
    assert shell.window.isVisible()
    # Saying yes leaves, and the text is gone.
    qtbot.keyClick(case.notes.body, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    answer(qtbot, yes=True)
    qtbot.waitUntil(lambda: page.sections.currentWidget() is page.caseload, timeout=WAIT_MS)
    assert case.notes.body.text() == "" and not case.has_unsaved()


def test_saved_work_leaves_without_a_question(
    qtbot: QtBot, make_shell: Callable[[GuiSettings], Shell], caseload_settings: GuiSettings
) -> None:
    shell = make_shell(caseload_settings)
    unlock(qtbot, shell, CASE_MANAGER, CASE_MANAGER_PASS)
    _open_by_keyboard(qtbot, shell)
    case = case_page(shell)
    case.show_tab(case.notes)
    type_text(qtbot, case.notes.body, NOTE)
    # Ctrl+Enter saves from inside the text.
    qtbot.keyClick(case.notes.body, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: case.notes.timeline.topLevelItemCount() == 1, timeout=WAIT_MS)
    assert case.notes.timeline.topLevelItem(0).text(3) == NOTE
    assert not case.has_unsaved()
    qtbot.keyClick(case.tabs, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    page = workspace(shell)
    qtbot.waitUntil(lambda: page.sections.currentWidget() is page.caseload, timeout=WAIT_MS)
    # Enter on the same row opens the same case again.
    qtbot.keyClick(page.caseload.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.sections.currentWidget() is case, timeout=WAIT_MS)


@pytest.mark.parametrize("lang", ["th", "en"])
def test_a_case_of_another_team_is_read_only_on_a_team_s_laptop(
    qtbot: QtBot,
    make_shell: Callable[[GuiSettings], Shell],
    caseload_settings: GuiSettings,
    lang: str,
) -> None:
    shell = make_shell(caseload_settings)
    unlock(qtbot, shell, CASE_MANAGER, CASE_MANAGER_PASS)
    # As if this laptop were enrolled for team north: the vault's cases are of no team.
    ws = shell.session.workspace()
    ws.ctx.actor = dataclasses.replace(ws.ctx.actor, laptop_team="north")
    shell.lang.set_locale(lang)
    _open_by_keyboard(qtbot, shell)
    case = case_page(shell)
    said = plain(case.message.text())
    assert case.message.isVisible()
    if lang == "th":
        assert "ไม่ได้อยู่กับทีม north" in said and "แก้ไขไม่ได้" in said
    else:
        assert said.startswith("This case is no longer with team north")
    case.show_tab(case.notes)
    assert not case.notes.editor.isVisible()
    case.show_tab(case.profile)
    assert not case.profile.change_risk.isVisible()
    assert not case.profile.add_task.isVisible()
    moves = case.workflow.move_buttons.values()
    assert not any(button.isVisible() for button in moves)
