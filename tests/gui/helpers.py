"""Driving the app as a user would: typing, clicking, waiting for the worker."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from cmdesk.gui.shell import Shell

WAIT_MS = 15_000


def type_and_unlock(qtbot: QtBot, shell: Shell, user: str, passphrase: str) -> None:
    """Types the user name (unless the screen fixed it) and passphrase, and clicks Unlock."""
    page = shell.window.unlock_page
    qtbot.waitUntil(lambda: page.unlock_button.isEnabled(), timeout=WAIT_MS)
    if not page.user.isReadOnly():
        page.user.setText(user)
    page.passphrase.setText(passphrase)
    qtbot.mouseClick(page.unlock_button, Qt.MouseButton.LeftButton)


def unlock(qtbot: QtBot, shell: Shell, user: str, passphrase: str) -> None:
    type_and_unlock(qtbot, shell, user, passphrase)
    qtbot.waitUntil(lambda: shell.session.is_unlocked, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: shell.window.current_page() is shell.workspace_page(), timeout=WAIT_MS)
    wait_idle(qtbot, shell)


def wait_idle(qtbot: QtBot, shell: Shell) -> None:
    """Waits until the worker has delivered every result to the GUI."""
    qtbot.waitUntil(lambda: not shell.session.worker.busy, timeout=WAIT_MS)


def click(qtbot: QtBot, widget: QWidget) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)
