"""A new laptop joins the organisation with the enrolment file its data manager made."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QWidget

from cmdesk.core.i18n import N_, Translator
from cmdesk.core.sync import texts
from cmdesk.gui.screens.new_passphrase_dialog import NewPassphraseDialog
from cmdesk.gui.session import Session


class JoinDialog(NewPassphraseDialog):
    window_msgid = N_("Join your organisation")
    title_msgid = N_("Join your organisation with an enrolment file")
    body_msgid = N_(
        "Your data manager makes an enrolment file for this laptop and tells you its one-time "
        "passphrase. Use the user name the office knows you by. Afterwards, import a bundle "
        "from the office to get the records."
    )
    file_msgid = N_("Enrolment file")
    file_filter_msgid = N_("Enrolment file (*.enrol);;All files (*)")
    ok_msgid = N_("Join")
    missing_msgid = N_("Choose the enrolment file and type your user name.")
    working_msgid = N_("Joining the organisation…")

    def __init__(self, session: Session, vault: Path, parent: QWidget | None = None) -> None:
        super().__init__(session, vault, "join-dialog", parent)
        self.joined_unknown: tuple[str, ...] | None = None

    def extra_fields(self, form: QFormLayout) -> None:
        self.secret_label = QLabel(self)
        self.secret = QLineEdit(self)
        self.secret.setObjectName("enrol-passphrase")
        self.secret.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(self.secret_label, self.secret)
        self.full_name_label = QLabel(self)
        self.full_name = QLineEdit(self)
        form.addRow(self.full_name_label, self.full_name)

    def retranslate_extra(self, tr: Translator) -> None:
        self.secret_label.setText(tr.gettext("One-time passphrase of the file"))
        self.full_name_label.setText(tr.gettext("Your full name"))
        self.secret.setAccessibleName(self.secret_label.text())
        self.full_name.setAccessibleName(self.full_name_label.text())
        if getattr(self, "joined_unknown", None) is not None:
            ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
            ok.setText(tr.gettext("Continue"))
            ok.setAccessibleName(ok.text())

    def start(self, file: Path) -> None:
        fields = {
            "enrol_passphrase": self.secret.text(),
            "username": self.user.text(),
            "passphrase": self.passphrase.text(),
            "display_name": self.full_name.text().strip(),
        }
        self._session.join(self._vault, file, fields, self._joined, self.failed)

    def _joined(self, unknown: tuple[str, ...] | None) -> None:
        self.secret.clear()
        if unknown is None:
            self.succeeded()
            return
        # Joined, but under a name the office does not know: say so before the laptop is used
        # (the cases the office gives this person would never show under it).
        self.joined_unknown = unknown
        self.passphrase.clear()
        self.repeat.clear()
        tr = self._session.lang.translator
        said = tr.format(texts.NOT_IN_DIRECTORY, name=self.user.text(), path=str(self._vault))
        if unknown:
            said += "\n" + tr.format(texts.NOT_IN_DIRECTORY_CLOSE, names=", ".join(unknown))
        self.message.show_error(said)
        # The laptop has joined: the one way on is into it (Cancel would leave it half seen).
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).hide()
        self.buttons.accepted.disconnect()
        self.buttons.accepted.connect(self.accept)
        self.retranslate_extra(tr)
        self.buttons.setEnabled(True)
