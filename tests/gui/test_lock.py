"""Locking on demand and when idle: the screen clears, the key goes, typed text survives."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from cmdesk.gui.screens.settings_dialog import SettingsDialog
from cmdesk.gui.security import ClipboardGuard, IdleLock
from cmdesk.gui.settings import GuiSettings
from cmdesk.gui.shell import Shell
from tests.conftest import ADMIN, ADMIN_PASS, WORKER, WORKER_PASS
from tests.gui.helpers import WAIT_MS, unlock, wait_idle


def _dialogs() -> list[SettingsDialog]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, SettingsDialog)]


def test_ctrl_l_locks_and_unlocking_keeps_typed_text(
    qtbot: QtBot, make_shell: Callable[[GuiSettings], Shell], vault_settings: GuiSettings
) -> None:
    shell = make_shell(vault_settings)
    unlock(qtbot, shell, ADMIN, ADMIN_PASS)
    workspace = shell.workspace_page()
    ws = shell.session.workspace()
    workspace.caseload.search.setText("unsaved words")
    shell.open_settings()
    dialog = _dialogs()[0]
    dialog.idle.setCurrentIndex(0)  # a change not yet saved

    # Pressed wherever the user is typing: here, in the dialog.
    dialog.activateWindow()
    qtbot.waitActive(dialog)
    qtbot.keyClick(dialog.idle, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)

    assert shell.window.current_page() is shell.window.unlock_page
    assert not workspace.isVisible() and not dialog.isVisible()
    assert not shell.session.is_unlocked
    wait_idle(qtbot, shell)
    assert ws.is_locked  # engine disposed, key dropped
    page = shell.window.unlock_page
    assert page.user.text() == ADMIN and page.user.isReadOnly()

    unlock(qtbot, shell, ADMIN, ADMIN_PASS)
    assert shell.workspace_page() is workspace
    assert workspace.caseload.search.text() == "unsaved words"
    assert dialog.isVisible() and dialog.idle.currentIndex() == 0


def test_someone_else_unlocking_does_not_see_the_unsaved_text(
    qtbot: QtBot, make_shell: Callable[[GuiSettings], Shell], vault_settings: GuiSettings
) -> None:
    shell = make_shell(vault_settings)
    unlock(qtbot, shell, ADMIN, ADMIN_PASS)
    shell.workspace_page().caseload.search.setText("admin's draft")
    shell.lock()
    shell.window.unlock_page.switch_button.click()
    unlock(qtbot, shell, WORKER, WORKER_PASS)
    assert shell.workspace_page().caseload.search.text() == ""


def test_idle_time_locks(
    qtbot: QtBot, make_shell: Callable[[GuiSettings], Shell], vault_settings: GuiSettings
) -> None:
    shell = make_shell(vault_settings)
    unlock(qtbot, shell, ADMIN, ADMIN_PASS)
    assert shell.idle.active
    shell.idle.set_minutes(0)
    qtbot.waitUntil(lambda: not shell.session.is_unlocked, timeout=WAIT_MS)
    assert shell.window.current_page() is shell.window.unlock_page


def test_a_sleeping_laptop_counts_as_idle(qtbot: QtBot) -> None:
    """Linux's monotonic clock stops during suspend; the wall clock does not."""
    mono, wall = [100.0], [5_000.0]
    fired: list[bool] = []
    idle = IdleLock(lambda: fired.append(True), 5, monotonic=lambda: mono[0], wall=lambda: wall[0])
    idle.start()
    mono[0] += 3
    wall[0] += 3
    idle.check()
    assert not fired
    wall[0] += 3600  # an hour with the lid closed; monotonic barely moved
    idle.check()
    assert fired == [True]
    idle.stop()


def test_input_resets_the_idle_clock(qtbot: QtBot) -> None:
    mono = [0.0]
    idle = IdleLock(lambda: None, 1, monotonic=lambda: mono[0], wall=lambda: 0.0)
    idle.start()
    mono[0] = 50.0
    assert idle.idle_seconds() == 50.0
    from PySide6.QtWidgets import QLineEdit

    field = QLineEdit()
    qtbot.addWidget(field)
    qtbot.keyClick(field, Qt.Key.Key_A)
    assert idle.idle_seconds() == 0.0
    idle.stop()


def test_a_copied_identity_number_leaves_the_clipboard(qtbot: QtBot) -> None:
    clipboard = QGuiApplication.clipboard()
    guard = ClipboardGuard(seconds=1)
    guard.copy("1234567890121")
    assert clipboard.text() == "1234567890121"
    qtbot.waitUntil(lambda: clipboard.text() == "", timeout=3_000)
    # Something the user copied afterwards is theirs and stays.
    guard.copy("1234567890121")
    clipboard.setText("village meeting at 10")
    guard.clear()
    assert clipboard.text() == "village meeting at 10"
