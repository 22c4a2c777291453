"""Labels that wrap Thai text correctly on every platform."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QBoxLayout, QLabel, QSizePolicy, QWidget

from cmdesk.core.i18n import Translator
from cmdesk.gui.i18n import wrap_thai


class WrapLabel(QLabel):
    """A word-wrapping label; Thai text gets break hints (U+200B) between words.

    Without them Qt can break Thai only through libthai, which Windows and macOS lack: a long
    Thai sentence would then run off the window instead of wrapping.
    """

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self.setText(text)

    def setText(self, text: str) -> None:  # noqa: N802 (Qt's name)
        super().setText(wrap_thai(text))


class Heading(WrapLabel):
    """A screen or section title."""

    def __init__(self, text: str = "", parent: QWidget | None = None, *, level: int = 1) -> None:
        super().__init__(text, parent)
        font = QFont(self.font())
        font.setPointSizeF(font.pointSizeF() * (1.6 if level == 1 else 1.25))
        font.setWeight(QFont.Weight.DemiBold)
        self.setFont(font)
        self.setAccessibleName("")
        self.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)


def add_heading_and_text(layout: QBoxLayout, parent: QWidget) -> tuple[Heading, WrapLabel]:
    """A dialog's or a panel's heading (level 2) and the paragraph under it saying what it is
    for, added to `layout` one under the other; their texts are set on retranslating."""
    heading = Heading(parent=parent, level=2)
    layout.addWidget(heading)
    text = WrapLabel(parent=parent)
    layout.addWidget(text)
    return heading, text


# A message as words now, or as a way to write it in any language (so a message still on
# screen follows a language switch).
Text = str | Callable[[Translator], str]


class MessageLabel(WrapLabel):
    """Feedback under a form: an error (red) or a note. Screen readers announce it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("", parent)
        self.setObjectName("message")
        self._render: Callable[[Translator], str] | None = None
        self.hide()

    def show_error(self, text: Text, tr: Translator | None = None) -> None:
        self.setStyleSheet("color: #a4262c;")
        self._show(text, tr)

    def show_note(self, text: Text, tr: Translator | None = None) -> None:
        self.setStyleSheet("color: #2c4a6b;")
        self._show(text, tr)

    def _show(self, text: Text, tr: Translator | None) -> None:
        if callable(text):
            if tr is None:
                raise TypeError("a message written per language needs the translator")
            self._render = text
            text = text(tr)
        else:
            self._render = None
        self.setText(text)
        self.setAccessibleName(text)
        self.setVisible(bool(text))

    def retranslate(self, tr: Translator) -> None:
        if self._render is not None:
            text = self._render(tr)
            self.setText(text)
            self.setAccessibleName(text)

    def clear_message(self) -> None:
        self._render = None
        self.setText("")
        self.hide()
