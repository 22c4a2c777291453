"""A file the data manager gives, your user name and a new passphrase typed twice: the shape of
setting a new passphrase with the recovery key, and of joining the organisation with a new
laptop (an enrolment file)."""

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

from cmdesk.core.errors import ValidationError
from cmdesk.core.i18n import Translator
from cmdesk.gui.errors import field_messages, friendly_message
from cmdesk.gui.icons import icon
from cmdesk.gui.session import Session
from cmdesk.gui.widgets.dialog_buttons import translate_ok_cancel
from cmdesk.gui.widgets.labels import MessageLabel, add_heading_and_text
from cmdesk.gui.widgets.passphrase_meter import PassphraseMeter


class NewPassphraseDialog(QDialog):
    """Subclasses say their texts (msgids below), may add fields after the file
    (`extra_fields`) and start the work (`start`) once the common checks pass."""

    window_msgid = ""
    title_msgid = ""
    body_msgid = ""
    file_msgid = ""
    file_filter_msgid = ""
    ok_msgid = ""
    missing_msgid = ""  # said when the file or the user name is left empty
    working_msgid = ""

    def __init__(
        self, session: Session, vault: Path, object_name: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName(object_name)
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
        self.extra_fields(form)
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

    def extra_fields(self, form: QFormLayout) -> None:
        """Rows between the file and the user name."""

    def retranslate_extra(self, tr: Translator) -> None:
        """Texts of the extra rows."""

    def retranslate(self) -> None:
        tr = self._session.lang.translator
        self.setWindowTitle(tr.gettext(self.window_msgid))
        self.title.setText(tr.gettext(self.title_msgid))
        self.body.setText(tr.gettext(self.body_msgid))
        self.key_label.setText(tr.gettext(self.file_msgid))
        self.browse.setText(tr.gettext("Choose…"))
        self.user_label.setText(tr.gettext("User name"))
        self.pass_label.setText(tr.gettext("New passphrase"))
        self.repeat_label.setText(tr.gettext("Type it again"))
        translate_ok_cancel(
            tr,
            self.buttons.button(QDialogButtonBox.StandardButton.Ok),
            tr.gettext(self.ok_msgid),
            self.buttons.button(QDialogButtonBox.StandardButton.Cancel),
        )
        self.retranslate_extra(tr)
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
            self, tr.gettext(self.file_msgid), "", tr.gettext(self.file_filter_msgid)
        )
        if chosen:
            self.key_file.setText(chosen)

    def submit(self) -> None:
        tr = self._session.lang.translator
        if not self.key_file.text().strip() or not self.user.text().strip():
            self.message.show_error(tr.gettext(self.missing_msgid))
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
        self.message.show_note(tr.gettext(self.working_msgid))
        self.start(Path(self.key_file.text().strip()).expanduser())

    def start(self, file: Path) -> None:
        """Starts the work on the session's worker; it calls `succeeded` or `failed`."""
        raise NotImplementedError

    def succeeded(self) -> None:
        self.passphrase.clear()
        self.repeat.clear()
        self.accept()

    def failed(self, exc: BaseException) -> None:
        self.buttons.setEnabled(True)
        tr = self._session.lang.translator
        if isinstance(exc, ValidationError):
            # The messages alone: the fields' names are the program's, not the user's words.
            self.message.show_error("\n".join(field_messages(exc, tr).values()))
            return
        self.message.show_error(friendly_message(exc, tr))
