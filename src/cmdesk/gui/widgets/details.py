"""Read-only facts as label: value rows (a child's profile, a referral's details).

Values are records typed by people, in Thai or Latin letters: they are marked verbatim so
the "all Thai" screen check looks only at the labels, which are the app's own words.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QHeaderView, QLabel, QTreeWidget, QWidget

from cmdesk.core.i18n import Translator
from cmdesk.gui.widgets.labels import WrapLabel

EMPTY = "–"


def fact_labels(parent: QWidget, label: str, text: str) -> tuple[QLabel, WrapLabel]:
    """A fact's label, in the app's muted grey, and its value: what people typed, in Thai or
    Latin letters, shown as written and selectable."""
    name = QLabel(label, parent)
    name.setStyleSheet("color: #52606d;")
    value = WrapLabel(text, parent)
    value.setProperty("verbatim", True)
    value.setTextInteractionFlags(
        Qt.TextInteractionFlag.TextSelectableByMouse
        | Qt.TextInteractionFlag.TextSelectableByKeyboard
    )
    return name, value


class DetailsGrid(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.form = QFormLayout(self)
        self.form.setContentsMargins(0, 0, 0, 0)
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self._labels: dict[str, tuple[QLabel, str]] = {}
        self.values: dict[str, WrapLabel] = {}

    def add(self, key: str, msgid: str, extra: QWidget | None = None) -> WrapLabel:
        label, value = fact_labels(self, "", EMPTY)
        value.setObjectName(f"value-{key}")
        if extra is None:
            self.form.addRow(label, value)
        else:
            from PySide6.QtWidgets import QHBoxLayout

            row = QHBoxLayout()
            row.addWidget(value, 1)
            row.addWidget(extra)
            self.form.addRow(label, row)
        self._labels[key] = (label, msgid)
        self.values[key] = value
        return value

    def set(self, key: str, text: str) -> None:
        value = self.values[key]
        value.setText(text or EMPTY)
        value.setAccessibleName(self._labels[key][0].text())

    def set_row_visible(self, key: str, visible: bool) -> None:
        self.form.setRowVisible(self._labels[key][0], visible)

    def clear(self) -> None:
        for value in self.values.values():
            value.setText(EMPTY)

    def retranslate(self, tr: Translator) -> None:
        for label, msgid in self._labels.values():
            label.setText(tr.gettext(msgid))


def record_list(
    parent: QWidget,
    name: str = "",
    *,
    wrap: bool = False,
    min_height: int = 0,
    max_height: int = 0,
) -> QTreeWidget:
    """A flat list of records, one per row; `name` for the tests, and the heights in pixels
    it keeps to where it must (0: no bound)."""
    table = QTreeWidget(parent)
    if name:
        table.setObjectName(name)
    table.setRootIsDecorated(False)
    if wrap:
        table.setWordWrap(True)
    if min_height:
        table.setMinimumHeight(min_height)
    if max_height:
        table.setMaximumHeight(max_height)
    return table


def stretch_column(tree: QTreeWidget, column: int) -> None:
    """The free-text column (a goal, a finding, a note) takes the room; the short ones (dates,
    names, statuses) fit their contents."""
    header = tree.header()
    header.setStretchLastSection(False)
    for i in range(tree.columnCount()):
        mode = (
            QHeaderView.ResizeMode.Stretch
            if i == column
            else QHeaderView.ResizeMode.ResizeToContents
        )
        header.setSectionResizeMode(i, mode)


def select_row(tree: QTreeWidget, index: int) -> None:
    """Makes a top-level row current (a negative index counts from the end); no such row, no
    change."""
    item = tree.topLevelItem(index if index >= 0 else tree.topLevelItemCount() + index)
    if item is not None:
        tree.setCurrentItem(item)
