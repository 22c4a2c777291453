"""Shows how good a new passphrase is, in words and as a coloured bar."""

from __future__ import annotations

from PySide6.QtWidgets import QProgressBar, QVBoxLayout, QWidget

from cmdesk.core.i18n import Translator
from cmdesk.gui.passphrase_strength import LEVEL_NAMES, Level, Strength, assess
from cmdesk.gui.widgets.labels import WrapLabel

_COLOURS = {
    Level.EMPTY: "#9aa5b1",
    Level.TOO_SHORT: "#a4262c",
    Level.WEAK: "#c25400",
    Level.FAIR: "#8a6d00",
    Level.STRONG: "#2e7d32",
}


class PassphraseMeter(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.bar = QProgressBar(self)
        self.bar.setRange(0, int(Level.STRONG))
        self.bar.setTextVisible(False)
        self.bar.setMaximumHeight(8)
        layout.addWidget(self.bar)
        self.label = WrapLabel(parent=self)
        layout.addWidget(self.label)
        self.strength = assess("")

    def update_for(self, passphrase: str, username: str, tr: Translator) -> Strength:
        self.strength = assess(passphrase, username=username)
        level = self.strength.level
        self.bar.setValue(int(level))
        self.bar.setStyleSheet(f"QProgressBar::chunk {{ background: {_COLOURS[level]}; }}")
        text = f"{tr.gettext(LEVEL_NAMES[level])}: {tr.gettext(self.strength.advice)}"
        self.label.setText(text)
        self.label.setStyleSheet(f"color: {_COLOURS[level]};")
        self.bar.setAccessibleName(tr.gettext(LEVEL_NAMES[level]))
        return self.strength
