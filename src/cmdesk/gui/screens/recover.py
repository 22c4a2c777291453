"""Forgotten passphrase: the data manager brings the recovery key file and sets a new one."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QWidget

from cmdesk.core.i18n import N_
from cmdesk.gui.screens.new_passphrase_dialog import NewPassphraseDialog
from cmdesk.gui.session import Session


class RecoverDialog(NewPassphraseDialog):
    window_msgid = N_("Forgot your passphrase?")
    title_msgid = N_("Set a new passphrase with the recovery key")
    body_msgid = N_(
        "Your data manager keeps the organisation's recovery key, usually on a USB "
        "stick. With it, you can choose a new passphrase. Nothing in the vault changes."
    )
    file_msgid = N_("Recovery key file")
    file_filter_msgid = N_("Recovery key (*.txt)")
    ok_msgid = N_("Set the new passphrase")
    missing_msgid = N_("Choose the recovery key file and your user name.")
    working_msgid = N_("Checking the recovery key…")

    def __init__(self, session: Session, vault: Path, parent: QWidget | None = None) -> None:
        super().__init__(session, vault, "recover-dialog", parent)

    def start(self, file: Path) -> None:
        self._session.recover(
            self._vault, file, self.user.text(), self.passphrase.text(), self.succeeded, self.failed
        )
