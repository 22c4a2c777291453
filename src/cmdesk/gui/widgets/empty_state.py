"""What a list shows when it has nothing: what this place is for, and the next step."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from cmdesk.gui.icons import icon
from cmdesk.gui.widgets.labels import Heading, WrapLabel


class EmptyState(QWidget):
    def __init__(self, icon_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        picture = QLabel(self)
        picture.setPixmap(icon(icon_name).pixmap(QSize(56, 56)))
        picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(picture)
        self.title = Heading(parent=self, level=2)
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.title)
        # Centred between stretches rather than with an alignment flag: an aligned label gets
        # its one-line size hint and a wrapped second line would be cut off.
        row = QHBoxLayout()
        row.addStretch(1)
        self.body = WrapLabel(parent=self)
        self.body.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.body.setMaximumWidth(560)
        row.addWidget(self.body, 4)
        row.addStretch(1)
        layout.addLayout(row)
        self.action = QPushButton(self)
        self.action.hide()
        layout.addWidget(self.action, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)

    def set_texts(self, title: str, body: str, action: str | None = None) -> None:
        self.title.setText(title)
        self.body.setText(body)
        if action:
            self.action.setText(action)
            self.action.setAccessibleName(action)
        self.action.setVisible(bool(action))
