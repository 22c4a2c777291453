"""Steps a user takes in the casework screens, for the end-to-end tests: each drives the real
widgets (typing, clicking, keys) and waits for the worker, as a person would wait for the screen.
"""

from __future__ import annotations

from typing import TypeVar

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from cmdesk.gui.screens.case.page import CasePage
from cmdesk.gui.screens.workspace import WorkspacePage
from cmdesk.gui.shell import Shell
from cmdesk.gui.widgets.choice import ChoiceCombo
from tests.gui.helpers import WAIT_MS, click, unlock, wait_idle

W = TypeVar("W", bound=QWidget)


def dialog(qtbot: QtBot, kind: type[W]) -> W:
    """The visible window of this kind (dialogs open asynchronously)."""
    found: list[W] = []

    def visible() -> bool:
        found[:] = [
            w for w in QApplication.topLevelWidgets() if isinstance(w, kind) and w.isVisible()
        ]
        return bool(found)

    qtbot.waitUntil(visible, timeout=WAIT_MS)
    return found[-1]


def type_text(qtbot: QtBot, widget: QWidget, text: str) -> None:
    """Types like a keyboard would: ASCII key by key, Thai as the input method delivers it
    (QTest cannot press Thai keys)."""
    widget.setFocus()
    if text.isascii():
        qtbot.keyClicks(widget, text)
        return
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def closed(widget: QWidget) -> bool:
    """Closed (dialogs delete themselves when they finish)."""
    return not shiboken6.isValid(widget) or not widget.isVisible()


def answer(qtbot: QtBot, *, yes: bool) -> None:
    box = dialog(qtbot, QMessageBox)
    button = box.findChild(QPushButton, "yes" if yes else "no")
    assert button is not None
    click(qtbot, button)


def pick(combo: ChoiceCombo, code: str) -> None:
    index = combo.findData(code)
    assert index >= 0, code
    combo.setCurrentIndex(index)
    combo.activated.emit(index)  # as if chosen with the mouse (the unsaved guard listens)


def workspace(shell: Shell) -> WorkspacePage:
    page = shell.workspace_page()
    assert isinstance(page, WorkspacePage)
    return page


def case_page(shell: Shell) -> CasePage:
    return workspace(shell).case_page


def switch_user(qtbot: QtBot, shell: Shell, user: str, passphrase: str) -> None:
    """Ctrl+L, then "another user" on the lock screen, then unlock as them."""
    lock(qtbot, shell)
    click(qtbot, shell.window.unlock_page.switch_button)
    unlock(qtbot, shell, user, passphrase)


def lock(qtbot: QtBot, shell: Shell) -> None:
    target = QApplication.focusWidget() or shell.window
    qtbot.keyClick(target, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not shell.session.is_unlocked, timeout=WAIT_MS)
    assert shell.window.current_page() is shell.window.unlock_page


def open_case_from_caseload(qtbot: QtBot, shell: Shell, case_number: str) -> CasePage:
    """Finds the row in the caseload and opens it with the keyboard (arrow keys and Enter)."""
    page = workspace(shell)
    page.show_section("caseload")
    caseload = page.caseload
    model = caseload.model

    def row_of() -> int:
        for row in range(model.rowCount()):
            record = model.row(model.index(row, 0))
            if record is not None and record.case_number == case_number:
                return row
        return -1

    qtbot.waitUntil(lambda: row_of() >= 0, timeout=WAIT_MS)
    caseload.table.setFocus()
    caseload.table.setCurrentIndex(model.index(row_of(), 0))
    qtbot.keyClick(caseload.table, Qt.Key.Key_Return)
    case = page.case_page
    qtbot.waitUntil(
        lambda: case.bundle is not None and case.bundle.case.case_number == case_number,
        timeout=WAIT_MS,
    )
    wait_idle(qtbot, shell)
    return case


def wait_stage(qtbot: QtBot, shell: Shell, stage: str) -> None:
    case = case_page(shell)
    qtbot.waitUntil(
        lambda: case.bundle is not None and case.bundle.case.stage == stage, timeout=WAIT_MS
    )
    wait_idle(qtbot, shell)


def press(qtbot: QtBot, button: QPushButton) -> None:
    assert button.isVisible() and button.isEnabled(), button.objectName()
    click(qtbot, button)


def first_run(qtbot: QtBot, shell: Shell, folder: object, user: str, passphrase: str) -> None:
    """The first-run wizard, as the data manager: a new vault, the recovery key left for later."""
    from cmdesk.gui.screens.setup import SetupPage

    page = shell.window.current_page()
    assert isinstance(page, SetupPage)
    click(qtbot, page.next_button)
    page.folder.setText(str(folder))
    click(qtbot, page.next_button)
    page.org.setCurrentIndex(page.org.findData("WVFT"))
    click(qtbot, page.next_button)
    page.full_name.setText("Malee Saetang")
    page.username.setText(user)
    page.passphrase.setText(passphrase)
    page.repeat.setText(passphrase)
    click(qtbot, page.next_button)
    qtbot.waitUntil(lambda: page.steps.currentIndex() == 4, timeout=WAIT_MS)
    click(qtbot, page.later_button)
    qtbot.waitUntil(lambda: shell.window.current_page() is shell.workspace_page(), timeout=WAIT_MS)
    wait_idle(qtbot, shell)


def add_user(
    qtbot: QtBot, shell: Shell, user: str, passphrase: str, role: str, full_name: str
) -> None:
    """Through the data manager's staff accounts screen."""
    from cmdesk.gui.screens.users import AddUserDialog

    page = workspace(shell)
    page.show_section("users")
    press(qtbot, page.users.add_button)
    form = dialog(qtbot, AddUserDialog)
    form.full_name.setText(full_name)
    form.username.setText(user)
    pick(form.role, role)
    form.passphrase.setText(passphrase)
    form.repeat.setText(passphrase)
    press(qtbot, form.save)
    qtbot.waitUntil(lambda: closed(form), timeout=WAIT_MS)
    users = page.users
    qtbot.waitUntil(
        lambda: any(
            users.table.topLevelItem(i).text(0) == user
            for i in range(users.table.topLevelItemCount())
        ),
        timeout=WAIT_MS,
    )
