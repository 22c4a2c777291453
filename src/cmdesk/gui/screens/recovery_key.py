"""Making the organisation's recovery key and saving it to a file (a USB stick, ideally).

Used as the last step of first-run setup and later by data managers. The explanation matters
more than the button: a forgotten passphrase with no recovery key means the records are gone,
and a recovery key left on the laptop opens the vault for whoever steals it.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QVBoxLayout,
    QWidget,
)

from cmdesk.core.vault.recovery_file import write_recovery_key
from cmdesk.gui.ops import ChangeOp
from cmdesk.gui.session import Session
from cmdesk.gui.widgets.labels import MessageLabel, WrapLabel, add_heading_and_text
from cmdesk.gui.widgets.push_button import push_button


class RecoveryKeyPanel(QWidget):
    saved = Signal(str)
    confirmed_changed = Signal(bool)

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self.saved_to: Path | None = None
        layout = QVBoxLayout(self)
        self.title, self.why = add_heading_and_text(layout, self)
        self.how = WrapLabel(parent=self)
        layout.addWidget(self.how)
        self.save_button = push_button(self, "save-recovery-key", self.ask_and_save, "save")
        layout.addWidget(self.save_button)
        self.message = MessageLabel(self)
        layout.addWidget(self.message)
        self.confirm = QCheckBox(self)
        self.confirm.setEnabled(False)
        self.confirm.toggled.connect(self.confirmed_changed)
        layout.addWidget(self.confirm)
        layout.addStretch(1)
        session.lang.follow(self.retranslate)

    def retranslate(self) -> None:
        tr = self._session.lang.translator
        self.title.setText(tr.gettext("Save the recovery key"))
        self.why.setText(
            tr.gettext(
                "If everyone forgets their passphrase, the recovery key is the only way back "
                "into the vault. Without it, the children's records are lost for good."
            )
        )
        self.how.setText(
            tr.gettext(
                "Anyone who has the key file can open the vault. Save it on a USB stick, not "
                "on this laptop, and keep the stick locked away, for example in the office safe."
            )
        )
        self.save_button.setText(tr.gettext("Save the recovery key to a file…"))
        self.save_button.setAccessibleName(self.save_button.text())
        self.confirm.setText(
            tr.gettext("I have put the recovery key in a safe place, away from this laptop.")
        )
        self.confirm.setAccessibleName(self.confirm.text())
        if self.saved_to is not None:
            self._show_saved()

    @property
    def confirmed(self) -> bool:
        return self.saved_to is not None and self.confirm.isChecked()

    def default_name(self) -> str:
        return f"cmdesk-recovery-key-{date.today().isoformat()}.txt"

    def ask_and_save(self) -> None:
        tr = self._session.lang.translator
        start = Path.home() / self.default_name()
        chosen, _filter = QFileDialog.getSaveFileName(
            self,
            tr.gettext("Save the recovery key"),
            str(start),
            tr.gettext("Recovery key (*.txt)"),
        )
        if chosen:
            self.save_to(Path(chosen))

    def save_to(self, path: Path) -> None:
        vault = self._session.vault_path
        if vault is not None and path.resolve().is_relative_to(vault.resolve()):
            tr = self._session.lang.translator
            self.message.show_error(
                tr.gettext(
                    "Do not keep the recovery key inside the vault folder: it would open the "
                    "vault for anyone who takes the laptop. Choose a USB stick."
                )
            )
            return
        self.save_button.setEnabled(False)

        def make_and_write(ws: object) -> Path:
            # A new key pair replaces any earlier one, so the file must be written right after.
            private = ws.new_recovery_key()  # type: ignore[attr-defined]
            write_recovery_key(path, private)
            return path

        def done(written: Path) -> None:
            self.saved_to = written
            self.save_button.setEnabled(True)
            self._show_saved()
            self.confirm.setEnabled(True)
            self.saved.emit(str(written))

        def failed(exc: BaseException) -> None:
            from cmdesk.gui.errors import friendly_message

            self.save_button.setEnabled(True)
            self.message.show_error(friendly_message(exc, self._session.lang.translator))

        ChangeOp(self._session, parent=self, op=make_and_write, success=done).failure(failed).run()

    def _show_saved(self) -> None:
        tr = self._session.lang.translator
        self.message.show_note(
            tr.format(
                "Saved to {path}. Check that the file is there, then remove the USB stick safely.",
                path=str(self.saved_to),
            )
        )


class RecoveryKeyDialog(QDialog):
    """For data managers after setup: make a (new) recovery key from the workspace."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("recovery-key-dialog")
        self._session = session
        layout = QVBoxLayout(self)
        self.panel = RecoveryKeyPanel(session, self)
        layout.addWidget(self.panel)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(520)
        session.lang.follow(self.retranslate)

    def retranslate(self) -> None:
        tr = self._session.lang.translator
        self.setWindowTitle(tr.gettext("Recovery key"))
        close = self.buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setText(tr.gettext("Close"))
        close.setAccessibleName(close.text())
