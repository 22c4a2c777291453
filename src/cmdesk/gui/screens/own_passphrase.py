"""Changing one's own passphrase: the current one first (a colleague at an unlocked laptop
cannot take the account over), then the new one twice, with the strength meter."""

from __future__ import annotations

from PySide6.QtWidgets import QLineEdit, QWidget

from cmdesk.core.errors import WrongPassphrase
from cmdesk.core.i18n import N_
from cmdesk.gui.ops import ChangeOp
from cmdesk.gui.screens.users import AccountPassphraseForm
from cmdesk.gui.session import Session

WRONG_CURRENT = N_("This is not your current passphrase.")


class ChangeOwnPassphraseDialog(AccountPassphraseForm):
    TITLE = N_("Change my passphrase")
    INTRO = N_(
        "Choose a passphrase only you know. The records are not re-encrypted: only "
        "your own key slot changes, on this laptop."
    )

    def __init__(self, session: Session, parent: QWidget) -> None:
        actor = session.actor
        super().__init__(session, parent, actor.username if actor else "")
        self.setObjectName("own-passphrase-dialog")
        self.layout_.addWidget(self.intro)
        self.current = QLineEdit(self)
        self.current.setObjectName("current-passphrase")
        self.current.setEchoMode(QLineEdit.EchoMode.Password)
        self.form.add("current", N_("Your current passphrase"), self.current, required=True)
        self.finish_form()

    def submit(self) -> None:
        if not self.current.text():
            self.form.clear_errors()
            self.form.set_error("current", self.translator.gettext("This field is required."))
            return
        if not self.passphrase_ok():
            return
        name, old, new = self._username, self.current.text(), self.passphrase.text()
        self.save.setEnabled(False)
        self.message.show_note(self.translator.gettext("Saving… this takes a moment."))

        def ok(_result: object) -> None:
            for field in (self.current, self.passphrase, self.repeat):
                field.clear()
            self.accept()

        def failed(exc: BaseException) -> None:
            self.save.setEnabled(True)
            self.message.clear_message()
            if isinstance(exc, WrongPassphrase):
                self.form.set_error("current", self.translator.gettext(WRONG_CURRENT))
                self.current.selectAll()
                self.current.setFocus()
            else:
                from cmdesk.gui.errors import show_failure

                show_failure(exc, self.form, self.message, self.translator)

        ChangeOp(
            self._session,
            parent=self,
            op=lambda ws: ws.users.change_passphrase(name, new, old_passphrase=old),
            success=ok,
        ).failure(failed).run()
