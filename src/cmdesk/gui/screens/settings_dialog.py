"""Settings: language, minutes before the screen locks itself, paper size for printing."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from cmdesk.gui.i18n import Language
from cmdesk.gui.settings import IDLE_LOCK_CHOICES, PAPER_SIZES, GuiSettings
from cmdesk.gui.widgets.dialog_buttons import translate_ok_cancel
from cmdesk.gui.widgets.dialog_frame import dialog_title
from cmdesk.gui.widgets.labels import Heading, WrapLabel
from cmdesk.gui.widgets.language_picker import LANGUAGE_NAMES


class SettingsDialog(QDialog):
    def __init__(self, lang: Language, settings: GuiSettings, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("settings-dialog")
        self._lang = lang
        self._settings = settings
        layout = QVBoxLayout(self)
        self.title = Heading(parent=self, level=2)
        layout.addWidget(self.title)
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.language_label = QLabel(self)
        self.language = QComboBox(self)
        self.language.setProperty("verbatim", True)  # endonyms
        for code, name in LANGUAGE_NAMES:
            self.language.addItem(name, code)
        self.language.setCurrentIndex(max(self.language.findData(lang.locale), 0))
        form.addRow(self.language_label, self.language)
        self.idle_label = QLabel(self)
        self.idle = QComboBox(self)
        form.addRow(self.idle_label, self.idle)
        self.paper_label = QLabel(self)
        self.paper = QComboBox(self)
        self.paper.setProperty("verbatim", True)  # paper names are the same in Thai offices
        for size in PAPER_SIZES:
            self.paper.addItem(size, size)
        self.paper.setCurrentIndex(max(self.paper.findData(settings.paper_size), 0))
        form.addRow(self.paper_label, self.paper)
        for label, field in (
            (self.language_label, self.language),
            (self.idle_label, self.idle),
            (self.paper_label, self.paper),
        ):
            label.setBuddy(field)
        layout.addLayout(form)
        self.idle_help = WrapLabel(parent=self)
        self.idle_help.setStyleSheet("color: #52606d;")
        layout.addWidget(self.idle_help)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(460)
        self.retranslate()
        lang.language_changed.connect(self.retranslate)

    def retranslate(self) -> None:
        tr = self._lang.translator
        dialog_title(self, self.title, tr.gettext("Settings"))
        self.language_label.setText(tr.gettext("Language"))
        self.idle_label.setText(tr.gettext("Lock the screen after"))
        self.paper_label.setText(tr.gettext("Paper size for printing"))
        current = self.idle.currentData() or self._settings.idle_lock_minutes
        self.idle.clear()
        for minutes in IDLE_LOCK_CHOICES:
            self.idle.addItem(
                tr.nformat("{n} minute without use", "{n} minutes without use", minutes), minutes
            )
        self.idle.setCurrentIndex(max(self.idle.findData(current), 0))
        self.idle_help.setText(
            tr.gettext(
                "When nobody uses cmdesk for this long, the screen is cleared and the vault "
                "is locked. Unsaved text stays until you unlock."
            )
        )
        translate_ok_cancel(
            tr,
            self.buttons.button(QDialogButtonBox.StandardButton.Ok),
            tr.gettext("Save"),
            self.buttons.button(QDialogButtonBox.StandardButton.Cancel),
        )
        for label in (self.language_label, self.idle_label, self.paper_label):
            buddy = label.buddy()
            if buddy is not None:
                buddy.setAccessibleName(label.text())

    def accept(self) -> None:
        self._settings.idle_lock_minutes = int(self.idle.currentData())
        self._settings.paper_size = str(self.paper.currentData())
        locale = self.language.currentData()
        self._settings.language = locale
        self._settings.save()
        super().accept()
        if locale in ("th", "en"):
            self._lang.set_locale(locale)
