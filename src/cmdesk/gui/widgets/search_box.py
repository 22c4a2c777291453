"""A search field that waits for a pause in typing before it asks the worker to search."""

from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QLineEdit, QWidget

from cmdesk.gui.icons import icon

DEBOUNCE_MS = 250


class SearchBox(QLineEdit):
    # Emitted once typing pauses (or at once on Enter), with the stripped text.
    search_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setClearButtonEnabled(True)
        self.addAction(icon("search"), QLineEdit.ActionPosition.LeadingPosition)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self._fire)
        # textChanged, not textEdited: the clear button and clear() must show every case again.
        self.textChanged.connect(lambda _text: self._timer.start())
        self.returnPressed.connect(self._fire)
        self._last: str | None = None

    def _fire(self) -> None:
        self._timer.stop()
        text = self.text().strip()
        if text != self._last:
            self._last = text
            self.search_requested.emit(text)
