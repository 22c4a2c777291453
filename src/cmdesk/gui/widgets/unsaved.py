"""Knowing when a form holds typed text that is not saved yet, and asking before it is lost.

Field workers type long notes after a village visit; a stray click on "back" must not throw
that away. Locking never counts as leaving: forms survive a lock (see shell.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from cmdesk.core.i18n import Translator
from cmdesk.gui.widgets.prompts import ask


class DirtyTracker(QObject):
    changed = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._dirty = False
        self._paused = 0

    def watch(self, *widgets: QWidget) -> None:
        for w in widgets:
            if isinstance(w, QLineEdit):
                w.textEdited.connect(self._touched)
            elif isinstance(w, QPlainTextEdit):
                w.textChanged.connect(self._touched)
            elif isinstance(w, QComboBox):
                w.activated.connect(self._touched)
            elif isinstance(w, QAbstractButton):
                w.toggled.connect(self._touched)

    @property
    def dirty(self) -> bool:
        return self._dirty

    def touch(self) -> None:
        """Something not typed was changed by the user (a list of people written down)."""
        self._touched()

    def mark_clean(self) -> None:
        self._set(False)

    @contextmanager
    def paused(self) -> Iterator[None]:
        """Filling a form from code is not the user typing."""
        self._paused += 1
        try:
            yield
        finally:
            self._paused -= 1

    def _touched(self, *_args: object) -> None:
        if not self._paused:
            self._set(True)

    def _set(self, dirty: bool) -> None:
        if dirty != self._dirty:
            self._dirty = dirty
            self.changed.emit(dirty)


def confirm_discard(parent: QWidget, tr: Translator, then: Callable[[], None]) -> None:
    """Asks whether to throw away unsaved text; calls `then` only if the user says yes."""
    ask(
        parent,
        tr.gettext("You have typed text that is not saved. Leave it and lose the text?"),
        yes=tr.gettext("Leave without saving"),
        no=tr.gettext("Keep editing"),
        on_yes=then,
    )
