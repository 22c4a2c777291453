"""Forgotten passphrase: the data manager brings the recovery key file and sets a new one."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from cmdesk.gui.errors import friendly_message
from cmdesk.gui.icons import icon
from cmdesk.gui.session import Session
from cmdesk.gui.widgets.dialog_buttons import translate_ok_cancel
from cmdesk.gui.widgets.labels import MessageLabel, add_heading_and_text
from cmdesk.gui.widgets.passphrase_meter import PassphraseMeter


class RecoverDialog(QDialog):
    def __init__(self, session: Session, vault: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("recover-dialog")
        self._session = session
        self._vault = vault
        layout = QVBoxLayout(self)
        self.title, self.body = add_heading_and_text(layout, self)
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.key_label = QLabel(self)
        row = QHBoxLayout()
        self.key_file = QLineEdit(self)
        self.key_file.setProperty("verbatim", True)
        row.addWidget(self.key_file, 1)
        self.browse = QPushButton(icon("key"), "", self)
        self.browse.clicked.connect(self._ask_key)
        row.addWidget(self.browse)
        form.addRow(self.key_label, row)
        self.user_label = QLabel(self)
        self.user = QLineEdit(self)
        self.user.setProperty("verbatim", True)
        form.addRow(self.user_label, self.user)
        self.pass_label = QLabel(self)
        self.passphrase = QLineEdit(self)
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(self.pass_label, self.passphrase)
        self.repeat_label = QLabel(self)
        self.repeat = QLineEdit(self)
        self.repeat.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(self.repeat_label, self.repeat)
        layout.addLayout(form)
        self.meter = PassphraseMeter(self)
        layout.addWidget(self.meter)
        self.message = MessageLabel(self)
        layout.addWidget(self.message)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.passphrase.textChanged.connect(self._meter)
        self.setMinimumWidth(520)
        session.lang.follow(self.retranslate)

    def retranslate(self) -> None:
        tr = self._session.lang.translator
        self.setWindowTitle(tr.gettext("Forgot your passphrase?"))
        self.title.setText(tr.gettext("Set a new passphrase with the recovery key"))
        self.body.setText(
            tr.gettext(
                "Your data manager keeps the organisation's recovery key, usually on a USB "
                "stick. With it, you can choose a new passphrase. Nothing in the vault changes."
            )
        )
        self.key_label.setText(tr.gettext("Recovery key file"))
        self.browse.setText(tr.gettext("Choose…"))
        self.user_label.setText(tr.gettext("User name"))
        self.pass_label.setText(tr.gettext("New passphrase"))
        self.repeat_label.setText(tr.gettext("Type it again"))
        translate_ok_cancel(
            tr,
            self.buttons.button(QDialogButtonBox.StandardButton.Ok),
            tr.gettext("Set the new passphrase"),
            self.buttons.button(QDialogButtonBox.StandardButton.Cancel),
        )
        for label, field in (
            (self.key_label, self.key_file),
            (self.user_label, self.user),
            (self.pass_label, self.passphrase),
            (self.repeat_label, self.repeat),
        ):
            field.setAccessibleName(label.text())
        self.browse.setAccessibleName(self.browse.text())
        self._meter()

    def _meter(self, _text: str = "") -> None:
        self.meter.update_for(
            self.passphrase.text(), self.user.text(), self._session.lang.translator
        )

    def _ask_key(self) -> None:
        tr = self._session.lang.translator
        chosen, _filter = QFileDialog.getOpenFileName(
            self, tr.gettext("Recovery key file"), "", tr.gettext("Recovery key (*.txt)")
        )
        if chosen:
            self.key_file.setText(chosen)

    def submit(self) -> None:
        tr = self._session.lang.translator
        if not self.key_file.text().strip() or not self.user.text().strip():
            self.message.show_error(tr.gettext("Choose the recovery key file and your user name."))
            return
        if self.passphrase.text() != self.repeat.text():
            self.message.show_error(tr.gettext("The two passphrases are not the same."))
            return
        if not self.meter.strength.acceptable:
            self.message.show_error(
                tr.gettext("Please choose a stronger passphrase. The advice under it says how.")
            )
            return
        self.buttons.setEnabled(False)
        self.message.show_note(tr.gettext("Checking the recovery key…"))
        self._session.recover(
            self._vault,
            Path(self.key_file.text().strip()).expanduser(),
            self.user.text(),
            self.passphrase.text(),
            self._done,
            self._failed,
        )

    def _done(self) -> None:
        self.passphrase.clear()
        self.repeat.clear()
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.buttons.setEnabled(True)
        self.message.show_error(friendly_message(exc, self._session.lang.translator))
