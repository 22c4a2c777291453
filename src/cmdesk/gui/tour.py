"""Drives the app through every main screen, as a user would, yielding each one.

Used by scripts/screenshots.py (PNG of each screen in Thai and English) and by the GUI test
that checks every visible string is Thai and none is cut off. One walk for both, so a new
screen added here is photographed and checked at once.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEventLoop
from PySide6.QtWidgets import QApplication, QDialog, QWidget

from cmdesk.gui.shell import Shell

Stop = tuple[str, QWidget]

TOUR_USER = "malee"
TOUR_PASS = "mango river blue kettle"  # noqa: S105 (a throwaway demo vault)


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


def _dialog(kind: type[QDialog]) -> QDialog:
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, kind) and widget.isVisible():
            return widget
    raise LookupError(kind.__name__)


def first_run(shell: Shell, folder: Path) -> Iterator[Stop]:
    """From an empty settings file to the workspace, creating a vault in `folder`."""
    from cmdesk.gui.screens.setup import SetupPage

    page = shell.window.current_page()
    assert isinstance(page, SetupPage)
    settle(shell)
    yield "setup-1-welcome", shell.window
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
    from cmdesk.gui.screens.recovery_key import RecoveryKeyDialog
    from cmdesk.gui.screens.settings_dialog import SettingsDialog
    from cmdesk.gui.screens.workspace import SECTIONS, WorkspacePage

    page = shell.workspace_page()
    assert isinstance(page, WorkspacePage)
    for name in SECTIONS:
        page.show_section(name)
        settle(shell)
        yield f"workspace-{name}", shell.window
    page.show_section("caseload")
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
