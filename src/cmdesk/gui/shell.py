"""Wires the app together: settings, language, session, the window, locking.

Decides which page shows (setup, unlock, workspace) and owns locking: what the screen clears,
what survives (unsaved text of the same user), and the idle timer.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QObject
from PySide6.QtWidgets import QApplication, QFileDialog, QWidget

from cmdesk.gui.i18n import Language, system_locale
from cmdesk.gui.ops import QueryOp
from cmdesk.gui.screens.main_window import MainWindow
from cmdesk.gui.security import IdleLock
from cmdesk.gui.session import Session
from cmdesk.gui.settings import GuiSettings

if TYPE_CHECKING:
    from cmdesk.core.workspace import Workspace


class Shell(QObject):
    def __init__(self, settings: GuiSettings) -> None:
        super().__init__()
        self.settings = settings
        locale = settings.language if settings.language in ("th", "en") else system_locale()
        self.lang = Language("th" if locale == "th" else "en")
        self.session = Session(self.lang)
        self.session.settings = settings
        self.window = MainWindow(self.session, settings)
        self.idle = IdleLock(self.lock, settings.idle_lock_minutes, self)
        self.clipboard = self.session.clipboard
        self._locked_user_id: str | None = None
        self._hidden_windows: list[QWidget] = []
        self._setup: QWidget | None = None
        self._workspace: QWidget | None = None

        self.window.has_unsaved = self.has_unsaved
        self.window.lock_requested.connect(self.lock)
        self.window.closing.connect(self.shutdown)
        unlock = self.window.unlock_page
        unlock.open_other_requested.connect(self.choose_vault)
        unlock.create_requested.connect(self.show_setup)
        unlock.recover_requested.connect(self.show_recover)
        self.session.unlocked.connect(self._unlocked)

    # -- start ----------------------------------------------------------------------------------
    @classmethod
    def start(cls, settings: GuiSettings | None = None) -> Shell:
        shell = cls(settings or GuiSettings.load())
        shell.begin()
        shell.window.show()
        return shell

    def begin(self) -> None:
        last = self.settings.last_vault
        if last and (Path(last) / "keyslots.json").is_file():
            self.show_unlock(Path(last))
        else:
            self.show_setup()

    # -- pages ----------------------------------------------------------------------------------
    def show_unlock(self, path: Path, *, locked_user: str | None = None) -> None:
        page = self.window.unlock_page
        page.prepare(path, self.settings.last_user, locked_user=locked_user)
        self.window.set_page(page)
        page.focus_first()

    def show_setup(self) -> None:
        from cmdesk.gui.screens.setup import SetupPage

        if self._setup is None:
            setup = SetupPage(self.session, self.settings, self.window.pages)
            setup.finished.connect(self.show_workspace)
            setup.open_existing_requested.connect(lambda p: self._use_vault(Path(p)))
            self._setup = setup
        self.window.set_page(self._setup)

    def workspace_page(self) -> QWidget:
        from cmdesk.gui.screens.workspace import WorkspacePage

        if self._workspace is None:
            page = WorkspacePage(self.session, self.window.pages, self.settings)
            page.lock_requested.connect(self.lock)
            page.settings_requested.connect(self.open_settings)
            page.recovery_key_requested.connect(self.open_recovery_key)
            self._workspace = page
        return self._workspace

    def show_workspace(self) -> None:
        page = self.workspace_page()
        self.window.set_page(page)
        if self._setup is not None:
            # Setup is done; its fields (a passphrase among them) should not linger.
            self.window.pages.removeWidget(self._setup)
            self._setup.deleteLater()
            self._setup = None
        self._refresh_workspace()

    def _refresh_workspace(self) -> None:
        from cmdesk.core.model.roles import Role
        from cmdesk.gui.screens.workspace import WorkspacePage

        page = self.workspace_page()
        assert isinstance(page, WorkspacePage)
        actor = self.session.actor
        manager = actor is not None and actor.role == Role.DATA_MANAGER

        def banner(ws: Workspace) -> tuple[bool, bool]:
            return manager and ws.vault.slots.recovery is None, ws.account_closed

        def show(said: tuple[bool, bool]) -> None:
            page.on_unlocked(needs_recovery_key=said[0], account_closed=said[1])

        QueryOp(self.session, parent=page, op=banner, success=show).run()

    # -- vault choice ---------------------------------------------------------------------------
    def choose_vault(self) -> None:
        chosen = QFileDialog.getExistingDirectory(
            self.window, self.lang.translator.gettext("Open a vault")
        )
        if chosen:
            self._use_vault(Path(chosen))

    def _use_vault(self, path: Path) -> None:
        self.settings.last_vault = str(path)
        self.settings.save()
        self.show_unlock(path)

    # -- unlocking and locking ------------------------------------------------------------------
    def _unlocked(self) -> None:
        actor = self.session.actor
        same_user = actor is not None and actor.user_id == self._locked_user_id
        if self._locked_user_id is not None and not same_user:
            self._discard_workspace()
        self._locked_user_id = None
        if actor is not None:
            self.settings.last_user = actor.username
        if self.session.vault_path is not None:
            self.settings.last_vault = str(self.session.vault_path)
        self.settings.save()
        self.idle.set_minutes(self.settings.idle_lock_minutes)
        self.idle.start()
        if self._setup is not None and self.window.current_page() is self._setup:
            return  # first run: the setup page goes on to the recovery key
        self.show_workspace()
        for widget in self._hidden_windows:
            # Some windows close themselves on lock (a referral, a print preview): nothing
            # of a child is kept for later there.
            if shiboken6.isValid(widget) and not widget.property("closed_on_lock"):
                widget.show()
        self._hidden_windows = []

    def lock(self) -> None:
        """Clears the screen and locks the vault; unsaved text of open forms stays in memory."""
        if not self.session.is_unlocked:
            return
        actor = self.session.actor
        self._locked_user_id = actor.user_id if actor else None
        self.idle.stop()
        self.clipboard.clear()
        # Dialogs (a half-written note, the settings) are hidden, not closed, and come back.
        self._hidden_windows = [
            w
            for w in QApplication.topLevelWidgets()
            if w is not self.window and w.isVisible() and w.isWindow()
        ]
        for widget in self._hidden_windows:
            widget.hide()
        if self._workspace is not None:
            self._workspace.on_locked()  # type: ignore[attr-defined]
        self.session.lock()
        path = self.session.vault_path
        if path is not None:
            self.show_unlock(path, locked_user=actor.username if actor else None)

    def _discard_workspace(self) -> None:
        for widget in self._hidden_windows:
            if shiboken6.isValid(widget):
                widget.close()
                widget.deleteLater()
        self._hidden_windows = []
        if self._workspace is not None:
            self.window.pages.removeWidget(self._workspace)
            self._workspace.deleteLater()
            self._workspace = None

    def has_unsaved(self) -> bool:
        """Typed text not saved yet: in the open case, or in a form dialog still open."""
        page = self._workspace
        case = getattr(page, "case_page", None)
        if case is not None and case.has_unsaved():
            return True
        for widget in QApplication.topLevelWidgets():
            tracker = getattr(widget, "tracker", None)
            if widget.isVisible() and tracker is not None and tracker.dirty:
                return True
        return False

    # -- dialogs --------------------------------------------------------------------------------
    def open_settings(self) -> None:
        from cmdesk.gui.screens.settings_dialog import SettingsDialog

        dialog = SettingsDialog(self.lang, self.settings, self.window)
        dialog.accepted.connect(lambda: self.idle.set_minutes(self.settings.idle_lock_minutes))
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()

    def open_recovery_key(self) -> None:
        from cmdesk.gui.screens.recovery_key import RecoveryKeyDialog

        dialog = RecoveryKeyDialog(self.session, self.window)
        dialog.finished.connect(lambda _r: self._refresh_workspace())
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()

    def show_recover(self) -> None:
        from cmdesk.gui.screens.recover import RecoverDialog

        path = self.window.unlock_page._path
        if path is None:
            return
        dialog = RecoverDialog(self.session, path, self.window)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()

    def shutdown(self) -> None:
        self.idle.stop()
        self.clipboard.clear()
        self.session.shutdown()
