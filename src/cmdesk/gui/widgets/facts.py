"""A record's facts as the core groups them (reports.facts): a heading a group, then label:
text rows. The core has put them in the reader's language already; a change of language
shows them again once the core has said them anew."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QFormLayout, QVBoxLayout, QWidget

from cmdesk.gui.widgets.details import fact_labels
from cmdesk.gui.widgets.labels import WrapLabel

if TYPE_CHECKING:
    from cmdesk.core.reports.facts import FactGroup


class FactsView(QWidget):
    def __init__(self, parent: QWidget, name: str) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self._layout = QVBoxLayout(self)
        # Set in under the heading that says with whom it was shared.
        self._layout.setContentsMargins(12, 0, 0, 0)
        self._body: QWidget | None = None
        # (label, text) as shown, for the tests and screen readers.
        self.rows: list[tuple[str, str]] = []

    def show_groups(self, groups: Sequence[FactGroup]) -> None:
        body = self._new_body()
        column = QVBoxLayout(body)
        column.setContentsMargins(0, 0, 0, 0)
        for group in groups:
            title = WrapLabel(group.title, body)
            bold = QFont(title.font())
            bold.setWeight(QFont.Weight.DemiBold)
            title.setFont(bold)
            column.addWidget(title)
            form = QFormLayout()
            form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
            form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
            for label, text in group.rows:
                name, value = fact_labels(body, label, text)
                value.setAccessibleName(label)
                form.addRow(name, value)
                self.rows.append((label, text))
            column.addLayout(form)

    def show_entries(self, entries: Sequence[tuple[str, str]]) -> None:
        """Longer texts (notes) one under another: each under a grey line saying what it is
        (when, what kind, by whom), wrapped to the window's width rather than cut off."""
        body = self._new_body()
        column = QVBoxLayout(body)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        for i, (label, text) in enumerate(entries):
            if i:
                column.addSpacing(8)
            name, value = fact_labels(body, label, text)
            name.setWordWrap(True)
            name.setProperty("verbatim", True)  # it names a person as the directory spells it
            value.setAccessibleName(label)
            column.addWidget(name)
            column.addWidget(value)
            self.rows.append((label, text))

    def show_message(self, text: str) -> None:
        """A sentence in place of the facts (nothing shared, or why they cannot be shown)."""
        body = self._new_body()
        column = QVBoxLayout(body)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(WrapLabel(text, body))

    def _new_body(self) -> QWidget:
        """A fresh widget for what is shown now, in place of the one before."""
        if self._body is not None:
            self._body.hide()
            self._body.deleteLater()
        self.rows = []
        self._body = QWidget(self)
        self._layout.addWidget(self._body)
        return self._body
