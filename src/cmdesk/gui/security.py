"""Locking after idle time, and clearing copied identity numbers from the clipboard.

A laptop left open in a village office, or closed and carried away asleep, must not show a
child's record to the next person who touches it (security.md, threats 2 and 3).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QClipboard, QGuiApplication

# Input that proves someone is at the keyboard. Window activation and paint do not count.
_ACTIVITY = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
        QEvent.Type.TabletPress,
    }
)
CHECK_INTERVAL_MS = 2_000
CLIPBOARD_SECONDS = 30


class IdleLock(QObject):
    """Calls `on_idle` once no input has arrived for `minutes`.

    Elapsed time is measured on both the monotonic and the wall clock and the larger wins:
    Linux's monotonic clock stops while the laptop sleeps, so a lid closed for an hour would
    otherwise count as seconds and the records would show again on waking.
    """

    def __init__(
        self,
        on_idle: Callable[[], None],
        minutes: int,
        parent: QObject | None = None,
        *,
        monotonic: Callable[[], float] = time.monotonic,
        wall: Callable[[], float] = time.time,
    ) -> None:
        super().__init__(parent)
        self._on_idle = on_idle
        self._limit = minutes * 60.0
        self._monotonic = monotonic
        self._wall = wall
        self._mark = (monotonic(), wall())
        self._timer = QTimer(self)
        self._timer.setInterval(CHECK_INTERVAL_MS)
        self._timer.timeout.connect(self.check)
        self._installed = False

    def set_minutes(self, minutes: int) -> None:
        self._limit = minutes * 60.0

    @property
    def active(self) -> bool:
        return self._timer.isActive()

    def start(self) -> None:
        self.touch()
        app = QGuiApplication.instance()
        if app is not None and not self._installed:
            app.installEventFilter(self)
            self._installed = True
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()
        app = QGuiApplication.instance()
        if app is not None and self._installed:
            app.removeEventFilter(self)
            self._installed = False

    def touch(self) -> None:
        self._mark = (self._monotonic(), self._wall())

    def idle_seconds(self) -> float:
        mono, wall = self._mark
        return max(self._monotonic() - mono, self._wall() - wall)

    def check(self) -> None:
        if self.idle_seconds() >= self._limit:
            self.stop()
            self._on_idle()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() in _ACTIVITY:
            # A tuple of two floats: cheap enough for every mouse move.
            self._mark = (self._monotonic(), self._wall())
        return False


class ClipboardGuard(QObject):
    """Copies sensitive text and takes it back off the clipboard after 30 seconds, unless the
    user has copied something else meanwhile (their own text is never wiped)."""

    def __init__(self, parent: QObject | None = None, seconds: int = CLIPBOARD_SECONDS) -> None:
        super().__init__(parent)
        self._secret: str | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(seconds * 1000)
        self._timer.timeout.connect(self.clear)

    def copy(self, text: str) -> None:
        clipboard = QGuiApplication.clipboard()
        clipboard.setText(text, QClipboard.Mode.Clipboard)
        if clipboard.supportsSelection():
            clipboard.setText(text, QClipboard.Mode.Selection)
        self._secret = text
        self._timer.start()

    @property
    def holding(self) -> bool:
        return self._secret is not None

    def clear(self) -> None:
        self._timer.stop()
        secret, self._secret = self._secret, None
        if secret is None:
            return
        clipboard = QGuiApplication.clipboard()
        modes = [QClipboard.Mode.Clipboard]
        if clipboard.supportsSelection():
            modes.append(QClipboard.Mode.Selection)
        for mode in modes:
            if clipboard.text(mode) == secret:
                clipboard.clear(mode)
