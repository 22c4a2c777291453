"""The one window: first-run setup, unlock (or lock) screen, or the workspace, one at a time."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QByteArray, QEvent, QObject, Signal
from PySide6.QtGui import QCloseEvent, QGuiApplication, QKeyEvent, QKeySequence, QScreen
from PySide6.QtWidgets import QLabel, QMainWindow, QStackedWidget, QWidget

from cmdesk.gui.screens.unlock import UnlockPage
from cmdesk.gui.session import Session
from cmdesk.gui.settings import GuiSettings


class MainWindow(QMainWindow):
    lock_requested = Signal()
    closing = Signal()

    def __init__(self, session: Session, settings: GuiSettings) -> None:
        super().__init__()
        self.setObjectName("main-window")
        self._session = session
        self._settings = settings
        self.pages = QStackedWidget(self)
        self.setCentralWidget(self.pages)
        self.unlock_page = UnlockPage(session, self.pages)
        self.pages.addWidget(self.unlock_page)
        self.setup_page: QWidget | None = None
        self.workspace_page: QWidget | None = None
        # Set by the shell: whether closing now would lose typed, unsaved text.
        self.has_unsaved: Callable[[], bool] = lambda: False
        self._leaving = False
        self.busy_label = QLabel(self)
        self.statusBar().addPermanentWidget(self.busy_label)
        session.worker.busy_changed.connect(self._busy)

        # Ctrl+L must work from every page and every dialog (a colleague walks in). A QAction
        # shortcut would not fire while a window-modal dialog shadows this window, so the key
        # is caught for the whole application instead.
        self._lock_key = LockKey(self.lock_requested.emit, self)
        app = QGuiApplication.instance()
        if app is not None:
            app.installEventFilter(self._lock_key)
        session.lang.follow(self.retranslate)
        self._restore_geometry()

    def retranslate(self) -> None:
        # The title never names a child or a case: it shows in the taskbar and screen sharing.
        self.setWindowTitle("cmdesk")
        self._busy(self._session.worker.busy)

    def _busy(self, busy: bool) -> None:
        self.busy_label.setText(self._session.lang.translator.gettext("Working…") if busy else "")

    def set_page(self, page: QWidget) -> None:
        if self.pages.indexOf(page) < 0:
            self.pages.addWidget(page)
        self.pages.setCurrentWidget(page)

    def current_page(self) -> QWidget | None:
        return self.pages.currentWidget()

    def _restore_geometry(self) -> None:
        saved = self._settings.window_geometry
        if saved and self.restoreGeometry(QByteArray.fromBase64(saved.encode())):
            return
        # None when no screen is attached, which PySide6's stubs leave out.
        screen: QScreen | None = QGuiApplication.primaryScreen()
        if screen is None:
            self.resize(1200, 720)
            return
        # Old field laptops are 1366x768: fill most of the screen, leave the taskbar visible.
        area = screen.availableGeometry()
        self.resize(min(1280, int(area.width() * 0.92)), min(800, int(area.height() * 0.92)))

    def save_geometry(self) -> None:
        self._settings.window_geometry = bytes(self.saveGeometry().toBase64().data()).decode()
        self._settings.save()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt's name)
        if not self._leaving and self.has_unsaved():
            # Imported here: the forms' modules load the records model, which the window
            # does not need before the first unlock.
            from cmdesk.gui.widgets.unsaved import confirm_discard

            event.ignore()

            def leave() -> None:
                self._leaving = True
                self.close()

            confirm_discard(self, self._session.lang.translator, leave)
            return
        app = QGuiApplication.instance()
        if app is not None:
            app.removeEventFilter(self._lock_key)
        self.save_geometry()
        self.closing.emit()
        super().closeEvent(event)


LOCK_KEYS = QKeySequence("Ctrl+L")


class LockKey(QObject):
    def __init__(self, on_press: Callable[[], None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._on_press = on_press

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if (
            event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and QKeySequence(event.keyCombination()) == LOCK_KEYS
        ):
            self._on_press()
            return True
        return False
