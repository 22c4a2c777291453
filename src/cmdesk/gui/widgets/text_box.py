"""Multi-line text (findings, notes, reasons) that keyboard users can leave with Tab."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QPlainTextEdit, QWidget

_ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


class TextBox(QPlainTextEdit):
    # Ctrl+Enter: "save this", so a note is written and saved without reaching for the mouse.
    submit_requested = Signal()

    def __init__(self, parent: QWidget | None = None, *, lines: int = 4) -> None:
        super().__init__(parent)
        # Tab moves to the next field, as in every other field of a form; nobody types a tab
        # character into a case note.
        self.setTabChangesFocus(True)
        height = self.fontMetrics().lineSpacing() * lines + 14
        self.setMinimumHeight(min(height, 80))
        self.setMaximumHeight(height)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt's name)
        if event.key() in _ENTER and event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.submit_requested.emit()
            return
        super().keyPressEvent(event)

    def text(self) -> str:
        return self.toPlainText()

    def setText(self, text: str) -> None:  # noqa: N802 (the QLineEdit name, for symmetry)
        self.setPlainText(text)
