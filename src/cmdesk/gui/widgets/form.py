"""A form whose fields each carry their own error line, named as the core names its fields.

The core's ValidationError lists one FieldError per field ("id_number", "birth", ...); a form
built with the same names shows each message right under its field, in the user's language,
instead of one list at the top that a tired worker has to match up by eye.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtWidgets import QFormLayout, QLabel, QLayout, QVBoxLayout, QWidget

from cmdesk.core.errors import ValidationError
from cmdesk.core.i18n import Translator
from cmdesk.gui.errors import field_messages
from cmdesk.gui.widgets.choice import Label, label_text
from cmdesk.gui.widgets.labels import Text, WrapLabel

ERROR_STYLE = "color: #a4262c;"


class FieldError(WrapLabel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("", parent)
        self.setStyleSheet(ERROR_STYLE)
        self.hide()

    def show_text(self, text: str) -> None:
        self.setText(text)
        self.setAccessibleName(text)
        self.setVisible(bool(text))


@dataclass
class _Row:
    label: QLabel
    holder: QWidget
    error: FieldError
    msgid: Label
    required: bool


class FormGrid(QWidget):
    """Label, field, and an error line under the field; rows wrap below their label when the
    window is narrow (Thai labels are long)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.layout_ = QFormLayout(self)
        self.layout_.setContentsMargins(0, 0, 0, 0)
        self.layout_.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.layout_.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self._rows: dict[str, _Row] = {}
        self._aliases: dict[str, str] = {}
        self._tr: Translator | None = None
        self._validation: ValidationError | None = None
        self._rendered: dict[str, Callable[[Translator], str]] = {}

    def add(
        self,
        name: str,
        msgid: Label,
        field: QWidget | QLayout,
        *,
        required: bool = False,
        aliases: tuple[str, ...] = (),
    ) -> FieldError:
        holder = QWidget(self)
        box = QVBoxLayout(holder)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(2)
        if isinstance(field, QLayout):
            box.addLayout(field)
        else:
            box.addWidget(field)
        error = FieldError(holder)
        box.addWidget(error)
        label = QLabel(self)
        label.setObjectName(f"label-{name}")
        if isinstance(field, QWidget):
            label.setBuddy(field)
        self.layout_.addRow(label, holder)
        self._rows[name] = _Row(label, holder, error, msgid, required)
        for alias in aliases:
            self._aliases[alias] = name
        return error

    def label(self, name: str) -> QLabel:
        return self._rows[name].label

    def set_row_visible(self, name: str, visible: bool) -> None:
        self.layout_.setRowVisible(self._rows[name].label, visible)

    def retranslate(self, tr: Translator) -> None:
        self._tr = tr
        for row in self._rows.values():
            text = label_text(row.msgid, tr)
            row.label.setText(f"{text} *" if row.required else text)
            buddy = row.label.buddy()
            if buddy is not None:
                buddy.setAccessibleName(text)
        # Errors still shown follow the language too.
        if self._validation is not None:
            for name, text in field_messages(self._validation, tr).items():
                shown = self._row(name)
                if shown is not None and shown.error.isVisibleTo(self):
                    shown.error.show_text(text)
        for name, render in self._rendered.items():
            shown = self._row(name)
            if shown is not None and shown.error.isVisibleTo(self):
                shown.error.show_text(render(tr))

    # -- errors -----------------------------------------------------------------------------
    def _row(self, name: str) -> _Row | None:
        return self._rows.get(self._aliases.get(name, name))

    def clear_errors(self) -> None:
        self._validation = None
        self._rendered = {}
        for row in self._rows.values():
            row.error.show_text("")

    def set_error(self, name: str, text: Text) -> bool:
        """An error under one field: words, or a way to write them in either language."""
        row = self._row(name)
        if row is None:
            return False
        if callable(text):
            self._rendered[name] = text
            text = text(self._tr) if self._tr is not None else ""
        row.error.show_text(text)
        return True

    def show_validation(self, exc: ValidationError, tr: Translator) -> list[str]:
        """Shows each message under its field; returns the messages no field here owns."""
        self.clear_errors()
        self._validation = exc
        left: list[str] = []
        for name, text in field_messages(exc, tr).items():
            if not self.set_error(name, text):
                left.append(text)
        self._focus_first_error()
        return left

    def errors(self) -> dict[str, str]:
        return {n: r.error.text() for n, r in self._rows.items() if r.error.isVisible()}

    def _focus_first_error(self) -> None:
        for row in self._rows.values():
            if row.error.isVisibleTo(self):
                buddy = row.label.buddy()
                if buddy is not None:
                    buddy.setFocus()
                return
