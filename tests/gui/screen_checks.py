"""What a user sees on a screen: every visible string, and whether it fits its widget."""

from __future__ import annotations

import re
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QComboBox,
    QGroupBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QStyle,
    QStyleOptionButton,
    QTabBar,
    QTreeWidget,
    QWidget,
)

from cmdesk.core.reference.partners import PARTNERS
from cmdesk.gui.i18n import plain

# Latin text that is right in a Thai screen: the product, organisation codes, examples of
# user names (which are a-z by rule), key names, and names of file formats, programs and
# devices that Thai offices write in Latin letters (PDF, CSV, Excel, USB).
ALLOWED_LATIN = {
    "cmdesk",
    "ABC",
    "somchai",
    "Ctrl",
    "Alt",
    "Enter",
    "txt",
    "PDF",
    "CSV",
    "Excel",
    "USB",
    *(p.code for p in PARTNERS),
}
_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]+")
_PATH = re.compile(r"(\S*[/\\]\S*)")


@dataclass(frozen=True)
class Shown:
    widget: QWidget
    where: str
    text: str


def _is_verbatim(widget: QWidget, root: QWidget) -> bool:
    w: QWidget | None = widget
    while w is not None:
        if w.property("verbatim"):
            return True
        if w is root:
            return False
        w = w.parentWidget()
    return False


def shown_texts(root: QWidget) -> list[Shown]:
    out: list[Shown] = []
    if root.windowTitle():
        out.append(Shown(root, "window title", root.windowTitle()))
    for w in [root, *root.findChildren(QWidget)]:
        if w is not root and not w.isVisibleTo(root):
            continue
        if _is_verbatim(w, root):
            continue
        name = f"{type(w).__name__}#{w.objectName()}"
        is_label = isinstance(w, QLabel) and w.pixmap().isNull()
        if (is_label or isinstance(w, QAbstractButton)) and w.text():  # type: ignore[attr-defined]
            out.append(Shown(w, name, w.text()))  # type: ignore[attr-defined]
        elif isinstance(w, QLineEdit) and not w.text() and w.placeholderText():
            out.append(Shown(w, name + " placeholder", w.placeholderText()))
        elif isinstance(w, QComboBox):
            out += [Shown(w, f"{name} item {i}", w.itemText(i)) for i in range(w.count())]
        elif isinstance(w, QTabBar):
            out += [Shown(w, f"{name} tab {i}", w.tabText(i)) for i in range(w.count())]
        elif isinstance(w, QGroupBox) and w.title():
            out.append(Shown(w, name, w.title()))
        if isinstance(w, QListWidget):
            out += [Shown(w, f"{name} row {i}", w.item(i).text()) for i in range(w.count())]
        elif isinstance(w, QAbstractItemView) and w.model() is not None:
            model = w.model()
            for col in range(model.columnCount()):
                header = model.headerData(col, Qt.Orientation.Horizontal)
                if header:
                    out.append(Shown(w, f"{name} column {col}", str(header)))
        if w.accessibleName():
            out.append(Shown(w, name + " accessible name", w.accessibleName()))
    return out


def english_left(shown: list[Shown]) -> list[str]:
    problems = []
    for item in shown:
        text = _PATH.sub(" ", plain(item.text))
        words = [w for w in _LATIN_WORD.findall(text) if w not in ALLOWED_LATIN]
        if words:
            problems.append(f"{item.where}: {item.text!r}")
    return problems


def clipped(root: QWidget) -> list[str]:
    """Labels and buttons whose text needs more room than the widget has."""
    problems = []
    for w in [root, *root.findChildren(QWidget)]:
        if w is not root and not w.isVisibleTo(root):
            continue
        if isinstance(w, QLabel) and w.text() and w.pixmap().isNull():
            room = w.contentsRect()
            text = plain(w.text())
            if w.wordWrap():
                needed = w.heightForWidth(room.width() + w.contentsMargins().left() * 2)
                if needed > w.height() + 1:
                    problems.append(f"label {text!r}: needs {needed}px height, has {w.height()}")
            else:
                widest = max(w.fontMetrics().horizontalAdvance(line) for line in text.split("\n"))
                if widest > room.width() + 1:
                    problems.append(f"label {text!r}: needs {widest}px, has {room.width()}")
        elif isinstance(w, QPushButton) and w.text():
            option = QStyleOptionButton()
            w.initStyleOption(option)
            label = w.fontMetrics().horizontalAdvance(plain(w.text()).replace("&", ""))
            icon = option.iconSize.width() + 4 if not w.icon().isNull() else 0
            margin = 2 * w.style().pixelMetric(QStyle.PixelMetric.PM_ButtonMargin, option, w)
            # A style sheet (the link-like buttons) may trim the padding: its own hint counts.
            needed = min(label + icon + margin, w.sizeHint().width())
            if needed > w.width() + 1:
                problems.append(f"button {w.text()!r}: needs {needed}px, has {w.width()}")
        elif isinstance(w, QAbstractButton) and w.text() and w.sizeHint().width() > w.width() + 1:
            kind, hint = type(w).__name__, w.sizeHint().width()
            problems.append(f"{kind} {w.text()!r}: needs {hint}px, has {w.width()}")
        elif isinstance(w, QTreeWidget) and w.isVisible():
            problems += _cut_columns(w)
    return problems


def _cut_columns(tree: QTreeWidget) -> list[str]:
    """Columns narrower than their header or a row's text while the list leaves room unused
    (a list wider than its window may cut: it scrolls; so may the column that stretches)."""
    header = tree.header()
    used = sum(header.sectionSize(i) for i in range(tree.columnCount()))
    if used > tree.viewport().width():
        return []
    problems = []
    metrics = tree.fontMetrics()
    rows = [tree.topLevelItem(i) for i in range(min(tree.topLevelItemCount(), 50))]
    for column in range(tree.columnCount()):
        if header.sectionResizeMode(column) == QHeaderView.ResizeMode.Stretch:
            continue  # free text (a finding, a note): it takes the room there is
        texts = [tree.headerItem().text(column)] + [r.text(column) for r in rows if r is not None]
        needed = max(metrics.horizontalAdvance(t) for t in texts) + 4
        if needed > header.sectionSize(column) + 1:
            shown = tree.headerItem().text(column)
            problems.append(f"column {shown!r}: needs {needed}px, has {header.sectionSize(column)}")
    return problems
