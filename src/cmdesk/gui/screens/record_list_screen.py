"""What the screens that manage a list of records (staff accounts, community mechanisms) share:
their heading and grey introduction, a message line above the list, and the dialogs they open,
which say what they did on that line once done while the list is read again."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from PySide6.QtWidgets import QDialog, QTreeWidget, QVBoxLayout, QWidget

from cmdesk.core.i18n import Translator
from cmdesk.gui.session import Session
from cmdesk.gui.widgets.details import record_list
from cmdesk.gui.widgets.labels import Heading, MessageLabel, WrapLabel

_Dialog = TypeVar("_Dialog", bound=QDialog)


class RecordListScreen(QWidget):
    """The heading and the introduction come first; the subclass adds what goes between them and
    the list (filters), then place_list(), then what goes under the list. The widgets are made
    in that order too, which is the order the Tab key goes through them."""

    message: MessageLabel
    table: QTreeWidget

    def __init__(self, session: Session, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self._session = session
        self.layout_ = QVBoxLayout(self)
        self.title = Heading(parent=self)
        self.layout_.addWidget(self.title)
        self.intro = WrapLabel(parent=self)
        self.intro.setStyleSheet("color: #52606d;")
        self.layout_.addWidget(self.intro)

    def place_list(self, list_name: str) -> None:
        """The message line and the list (`list_name` for the tests), next in the column."""
        self.message = MessageLabel(self)
        self.layout_.addWidget(self.message)
        self.table = record_list(self, list_name)
        self.table.currentItemChanged.connect(lambda *_a: self._update_buttons())
        self.layout_.addWidget(self.table, 1)

    def reload(self) -> None:
        raise NotImplementedError

    def _update_buttons(self) -> None:
        raise NotImplementedError

    def opened(self, dialog: _Dialog) -> _Dialog:
        """`dialog`, opened (window-modal, not blocking): the tests go on with it."""
        dialog.open()
        return dialog

    def _done(self, note: Callable[[Translator], str]) -> None:
        self.message.show_note(note, self._session.lang.translator)
        self.reload()
