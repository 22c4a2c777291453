"""First run: language, vault folder, organisation, first data manager, recovery key.

A plain stacked page with Back/Next (not QWizard) so it lives inside the main window,
retranslates like every other screen, and can be driven by tests without native dialogs.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from cmdesk.core.errors import ValidationError
from cmdesk.core.i18n import N_, Translator
from cmdesk.core.reference.partners import PARTNERS
from cmdesk.gui.errors import field_messages, friendly_message
from cmdesk.gui.icons import icon
from cmdesk.gui.session import Session
from cmdesk.gui.settings import GuiSettings, default_vault_dir
from cmdesk.gui.widgets.busy_bar import busy_bar
from cmdesk.gui.widgets.labels import Heading, MessageLabel, WrapLabel
from cmdesk.gui.widgets.language_picker import LanguagePicker
from cmdesk.gui.widgets.passphrase_meter import PassphraseMeter
from cmdesk.gui.widgets.path_row import ask_folder, path_row

if TYPE_CHECKING:
    from cmdesk.gui.screens.join_dialog import JoinDialog

OTHER_ORG = ""
STEPS = 5  # welcome, folder, organisation, administrator, recovery key


class _Step(QWidget):
    """One page of the setup: its title and what it is about (msgids), then its fields."""

    def __init__(self, parent: QWidget, title: str, body: str) -> None:
        super().__init__(parent)
        self._texts = (title, body)
        self.box = QVBoxLayout(self)
        self.box.setContentsMargins(0, 0, 0, 0)
        self.title = Heading(parent=self)
        self.box.addWidget(self.title)
        self.body = WrapLabel(parent=self)
        self.box.addWidget(self.body)

    def retranslate(self, tr: Translator) -> None:
        title, body = self._texts
        self.title.setText(tr.gettext(title))
        self.body.setText(tr.gettext(body))


class SetupPage(QWidget):
    finished = Signal()
    open_existing_requested = Signal(str)

    def __init__(
        self, session: Session, settings: GuiSettings, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("setup-page")
        self._session = session
        self._settings = settings
        self._creating = False
        # A centred column: long lines are hard to read, and a form stretched over a wide
        # screen loses the eye between label and field.
        page = QHBoxLayout(self)
        page.addStretch(1)
        column = QWidget(self)
        column.setMaximumWidth(760)
        page.addWidget(column, 6)
        page.addStretch(1)
        outer = QVBoxLayout(column)
        outer.setContentsMargins(0, 24, 0, 16)
        self.progress_label = QLabel(self)
        self.progress_label.setStyleSheet("color: #52606d;")
        outer.addWidget(self.progress_label)
        self.steps = QStackedWidget(self)
        outer.addWidget(self.steps, 1)
        self._build_welcome()
        self._build_folder()
        self._build_org()
        self._build_admin()
        self._build_recovery()
        self.message = MessageLabel(self)
        outer.addWidget(self.message)
        self.busy = busy_bar(self)
        outer.addWidget(self.busy)
        nav = QHBoxLayout()
        self.back_button = QPushButton(self)
        self.back_button.clicked.connect(self.back)
        nav.addWidget(self.back_button)
        nav.addStretch(1)
        self.later_button = QPushButton(self)
        self.later_button.clicked.connect(self._finish)
        nav.addWidget(self.later_button)
        self.next_button = QPushButton(self)
        self.next_button.setObjectName("next")
        self.next_button.setDefault(True)
        self.next_button.clicked.connect(self.next)
        nav.addWidget(self.next_button)
        outer.addLayout(nav)
        session.lang.follow(self.retranslate)
        self._update_nav()

    # -- steps ----------------------------------------------------------------------------------
    def _build_welcome(self) -> None:
        step = _Step(
            self,
            N_("Welcome to cmdesk"),
            N_(
                "cmdesk keeps the records of the children you protect, encrypted on this "
                "laptop, and works without internet. Setting it up takes about five minutes."
            ),
        )
        self.welcome = step
        row = QHBoxLayout()
        self.language_label = QLabel(step)
        self.language = LanguagePicker(self._session.lang, step)
        self.language_label.setBuddy(self.language)
        row.addWidget(self.language_label)
        row.addWidget(self.language)
        row.addStretch(1)
        step.box.addLayout(row)
        self.open_existing_button = QPushButton(icon("folder"), "", step)
        self.open_existing_button.clicked.connect(self._ask_existing)
        step.box.addWidget(self.open_existing_button, 0, Qt.AlignmentFlag.AlignLeft)
        # A field laptop of an organisation that has its vault at the office already.
        self.join_button = QPushButton(icon("key"), "", step)
        self.join_button.setObjectName("join-organisation")
        self.join_button.clicked.connect(self.open_join)
        step.box.addWidget(self.join_button, 0, Qt.AlignmentFlag.AlignLeft)
        step.box.addStretch(1)
        self.steps.addWidget(step)

    def _build_folder(self) -> None:
        step = _Step(
            self,
            N_("Where should the vault be kept?"),
            N_(
                "The vault is one folder on this laptop. Its files are encrypted: without a "
                "passphrase nobody can read them. The folder should be new or empty."
            ),
        )
        self.folder_step = step
        row, self.folder, self.choose_folder_button = path_row(
            step, "vault-folder", self._ask_folder
        )
        self.folder.setText(str(default_vault_dir()))
        step.box.addLayout(row)
        step.box.addStretch(1)
        self.steps.addWidget(step)

    def _build_org(self) -> None:
        step = _Step(
            self,
            N_("Your organisation"),
            N_(
                "Choose your organisation from the Chiang Rai child protection network, "
                "or add another one with a short code."
            ),
        )
        self.org_step = step
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.org_label = QLabel(step)
        self.org = QComboBox(step)
        self.org.setObjectName("organisation")
        self.org_label.setBuddy(self.org)
        form.addRow(self.org_label, self.org)
        self.code_label = QLabel(step)
        self.org_code = QLineEdit(step)
        self.code_label.setBuddy(self.org_code)
        form.addRow(self.code_label, self.org_code)
        self.name_th_label = QLabel(step)
        self.org_name_th = QLineEdit(step)
        form.addRow(self.name_th_label, self.org_name_th)
        self.name_en_label = QLabel(step)
        self.org_name_en = QLineEdit(step)
        form.addRow(self.name_en_label, self.org_name_en)
        self._other_rows = [
            (self.code_label, self.org_code),
            (self.name_th_label, self.org_name_th),
            (self.name_en_label, self.org_name_en),
        ]
        step.box.addLayout(form)
        step.box.addStretch(1)
        self.org.currentIndexChanged.connect(self._org_picked)
        self.steps.addWidget(step)

    def _build_admin(self) -> None:
        step = _Step(
            self,
            N_("You, the first data manager"),
            N_(
                "You will add your colleagues and look after the recovery key. Choose a "
                "passphrase that you can remember and nobody can guess."
            ),
        )
        self.admin_step = step
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.full_name_label = QLabel(step)
        self.full_name = QLineEdit(step)
        form.addRow(self.full_name_label, self.full_name)
        self.username_label = QLabel(step)
        self.username = QLineEdit(step)
        self.username.setObjectName("new-username")
        form.addRow(self.username_label, self.username)
        self.pass_label = QLabel(step)
        self.passphrase = QLineEdit(step)
        self.passphrase.setObjectName("new-passphrase")
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(self.pass_label, self.passphrase)
        self.repeat_label = QLabel(step)
        self.repeat = QLineEdit(step)
        self.repeat.setObjectName("repeat-passphrase")
        self.repeat.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(self.repeat_label, self.repeat)
        for label, field in (
            (self.full_name_label, self.full_name),
            (self.username_label, self.username),
            (self.pass_label, self.passphrase),
            (self.repeat_label, self.repeat),
        ):
            label.setBuddy(field)
        step.box.addLayout(form)
        self.meter = PassphraseMeter(step)
        step.box.addWidget(self.meter)
        step.box.addStretch(1)
        self.passphrase.textChanged.connect(self._update_meter)
        self.username.textChanged.connect(self._update_meter)
        self.steps.addWidget(step)

    def _build_recovery(self) -> None:
        from cmdesk.gui.screens.recovery_key import RecoveryKeyPanel

        self.recovery = RecoveryKeyPanel(self._session, self)
        self.recovery.confirmed_changed.connect(lambda _on: self._update_nav())
        self.steps.addWidget(self.recovery)

    # -- text -----------------------------------------------------------------------------------
    def retranslate(self) -> None:
        tr = self._session.lang.translator
        self.progress_label.setText(
            tr.format("Step {n} of {total}", n=self.steps.currentIndex() + 1, total=STEPS)
        )
        for step in (self.welcome, self.folder_step, self.org_step, self.admin_step):
            step.retranslate(tr)
        self.language_label.setText(tr.gettext("Language"))
        self.open_existing_button.setText(tr.gettext("I already have a vault: open it…"))
        self.join_button.setText(
            tr.gettext("My organisation uses cmdesk already: join it with an enrolment file…")
        )
        self.choose_folder_button.setText(tr.gettext("Choose…"))
        self.folder.setAccessibleName(tr.gettext("Vault folder"))
        self.org_label.setText(tr.gettext("Organisation"))
        self.code_label.setText(tr.gettext("Short code"))
        self.org_code.setPlaceholderText(tr.gettext("for example ABC"))
        self.name_th_label.setText(tr.gettext("Name in Thai"))
        self.name_en_label.setText(tr.gettext("Name in English"))
        self._fill_orgs()
        self.full_name_label.setText(tr.gettext("Your full name"))
        self.username_label.setText(tr.gettext("User name"))
        self.username.setPlaceholderText(tr.gettext("for example somchai"))
        self.pass_label.setText(tr.gettext("Passphrase"))
        self.repeat_label.setText(tr.gettext("Type it again"))
        for label in (
            self.org_label,
            self.code_label,
            self.name_th_label,
            self.name_en_label,
            self.full_name_label,
            self.username_label,
            self.pass_label,
            self.repeat_label,
        ):
            buddy = label.buddy()
            if buddy is not None:
                buddy.setAccessibleName(label.text())
        self._update_meter()
        self._update_nav()

    def _fill_orgs(self) -> None:
        locale = self._session.lang.locale
        current = self.org.currentData()
        self.org.blockSignals(True)
        self.org.clear()
        for partner in PARTNERS:
            self.org.addItem(f"{partner.name(locale)} ({partner.code})", partner.code)
        self.org.addItem(self._session.lang.translator.gettext("Another organisation…"), OTHER_ORG)
        index = self.org.findData(current) if current is not None else 0
        self.org.setCurrentIndex(max(index, 0))
        self.org.blockSignals(False)
        self._org_picked()

    def _org_picked(self, _index: int = 0) -> None:
        other = self.org.currentData() == OTHER_ORG
        for label, field in self._other_rows:
            label.setVisible(other)
            field.setVisible(other)

    def _update_meter(self, _text: str = "") -> None:
        self.meter.update_for(
            self.passphrase.text(), self.username.text(), self._session.lang.translator
        )

    def _update_nav(self) -> None:
        tr = self._session.lang.translator
        index = self.steps.currentIndex()
        last = index == STEPS - 1
        self.back_button.setText(tr.gettext("Back"))
        self.back_button.setVisible(0 < index < STEPS - 1)
        self.back_button.setEnabled(not self._creating)
        if index == STEPS - 2:
            self.next_button.setText(tr.gettext("Create the vault"))
        elif last:
            self.next_button.setText(tr.gettext("Finish"))
        else:
            self.next_button.setText(tr.gettext("Next"))
        self.next_button.setEnabled(not self._creating and (not last or self.recovery.confirmed))
        self.later_button.setText(tr.gettext("Do this later"))
        self.later_button.setVisible(last and not self.recovery.confirmed)
        for button in (self.back_button, self.next_button, self.later_button):
            button.setAccessibleName(button.text())
        self.progress_label.setText(tr.format("Step {n} of {total}", n=index + 1, total=STEPS))

    # -- navigation -----------------------------------------------------------------------------
    def go_to(self, index: int) -> None:
        self.message.clear_message()
        self.steps.setCurrentIndex(index)
        self._update_nav()
        first = {1: self.folder, 3: self.full_name}.get(index)
        if first is not None:
            first.setFocus()

    def back(self) -> None:
        if self.steps.currentIndex() > 0:
            self.go_to(self.steps.currentIndex() - 1)

    def next(self) -> None:
        index = self.steps.currentIndex()
        checks = {1: self._check_folder, 2: self._check_org}
        if index in checks and not checks[index]():
            return
        if index == STEPS - 2:
            self._create()
        elif index == STEPS - 1:
            self._finish()
        else:
            self.go_to(index + 1)

    def _ask_existing(self) -> None:
        tr = self._session.lang.translator
        chosen = QFileDialog.getExistingDirectory(self, tr.gettext("Open a vault"))
        if chosen:
            self.open_existing_requested.emit(chosen)

    def open_join(self) -> JoinDialog | None:
        """The enrolment file's dialog, for a vault in the folder the next step proposes."""
        from cmdesk.gui.screens.join_dialog import JoinDialog

        if not self._check_folder():
            return None
        dialog = JoinDialog(self._session, self.vault_path(), self)
        dialog.accepted.connect(self._joined)
        dialog.open()
        return dialog

    def _joined(self) -> None:
        self._settings.last_vault = str(self.vault_path())
        self._settings.last_user = self._session.actor.username if self._session.actor else ""
        self._finish()

    def _ask_folder(self) -> None:
        tr = self._session.lang.translator
        ask_folder(self, self.folder, tr.gettext("Where should the vault be kept?"))

    # -- checks ---------------------------------------------------------------------------------
    def vault_path(self) -> Path:
        return Path(self.folder.text().strip()).expanduser()

    def _check_folder(self) -> bool:
        tr = self._session.lang.translator
        text = self.folder.text().strip()
        if not text:
            self.message.show_error(tr.gettext("Choose a folder for the vault."))
            return False
        path = self.vault_path()
        if (path / "keyslots.json").exists() or (path / "cmdesk.db").exists():
            self.message.show_error(
                tr.gettext(
                    "There is already a vault in this folder. Open it instead, or choose "
                    "another folder."
                )
            )
            return False
        if path.exists() and (not path.is_dir() or any(path.iterdir())):
            self.message.show_error(tr.gettext("This folder is not empty. Choose a new folder."))
            return False
        return True

    def org_fields(self) -> dict[str, str]:
        code = self.org.currentData()
        if code != OTHER_ORG:
            partner = next(p for p in PARTNERS if p.code == code)
            return {
                "org_code": partner.code,
                "org_name_th": partner.name_th,
                "org_name_en": partner.name_en,
            }
        return {
            "org_code": self.org_code.text().strip(),
            "org_name_th": self.org_name_th.text().strip(),
            "org_name_en": self.org_name_en.text().strip(),
        }

    def _check_org(self) -> bool:
        if self.org.currentData() == OTHER_ORG and not self.org_code.text().strip():
            self.message.show_error(
                self._session.lang.translator.gettext("Type a short code for your organisation.")
            )
            self.org_code.setFocus()
            return False
        return True

    def _create(self) -> None:
        tr = self._session.lang.translator
        if self.passphrase.text() != self.repeat.text():
            self.message.show_error(tr.gettext("The two passphrases are not the same."))
            self.repeat.setFocus()
            return
        if not self.meter.strength.acceptable:
            self.message.show_error(
                tr.gettext("Please choose a stronger passphrase. The advice under it says how.")
            )
            self.passphrase.setFocus()
            return
        self._creating = True
        self.busy.show()
        self.message.show_note(tr.gettext("Creating the vault…"))
        self._update_nav()
        self._session.create(
            self.vault_path(),
            self._created,
            self._create_failed,
            username=self.username.text(),
            passphrase=self.passphrase.text(),
            display_name=self.full_name.text().strip(),
            **self.org_fields(),
        )

    def _created(self) -> None:
        self._creating = False
        self.busy.hide()
        self.passphrase.clear()
        self.repeat.clear()
        self._settings.last_vault = str(self.vault_path())
        self._settings.last_user = self._session.actor.username if self._session.actor else ""
        self._settings.language = self._session.lang.locale
        self._settings.save()
        self.go_to(STEPS - 1)

    def _create_failed(self, exc: BaseException) -> None:
        self._creating = False
        self.busy.hide()
        self._update_nav()
        tr = self._session.lang.translator
        if isinstance(exc, ValidationError):
            fields = field_messages(exc, tr)
            self.message.show_error("\n".join(fields.values()))
            if "org" in fields:
                self.go_to(2)
                self.message.show_error("\n".join(fields.values()))
            return
        self.message.show_error(friendly_message(exc, tr))

    def _finish(self) -> None:
        self._settings.language = self._session.lang.locale
        self._settings.save()
        self.finished.emit()
