"""Backup and check, for the data manager: an encrypted copy of the vault on a USB stick,
and a check of every page, the database's own integrity and the audit chain."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QPushButton,
    QWidget,
)

from cmdesk.core.services.vault_check import BRANCHED
from cmdesk.gui.errors import friendly_message
from cmdesk.gui.icons import icon
from cmdesk.gui.ops import ChangeOp, QueryOp
from cmdesk.gui.session import Session
from cmdesk.gui.widgets.labels import Heading, MessageLabel, add_heading_and_text
from cmdesk.gui.widgets.path_row import ask_folder, path_row
from cmdesk.gui.widgets.push_button import label_buttons, push_button
from cmdesk.gui.widgets.scroll_body import scrolling_page

if TYPE_CHECKING:
    from cmdesk.core.workspace import CheckReport, Workspace

T = TypeVar("T")


class VaultScreen(QWidget):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("vault-care")
        self._session = session
        self.last_check: CheckReport | None = None
        # Scrolls, so that the sections stay reachable on a 600-pixel-high screen.
        _scroll, _body, layout = scrolling_page(self)
        self.title = Heading(parent=self)
        layout.addWidget(self.title)

        self.backup_title, self.backup_body = add_heading_and_text(layout, self)
        row, self.folder, self.choose = path_row(self, "backup-folder", self._ask_folder)
        self.backup_button = push_button(self, "make-backup", self.backup, "save")
        row.addWidget(self.backup_button)
        layout.addLayout(row)
        self.backup_message = MessageLabel(self)
        layout.addWidget(self.backup_message)

        self.check_title, self.check_body = add_heading_and_text(layout, self)
        check_row = QHBoxLayout()
        self.check_button = push_button(self, "check-vault", self.check, "search")
        check_row.addWidget(self.check_button)
        # Shown only when the check found something a repair can mend (VaultCheck.repair).
        self.repair_button = push_button(self, "repair-vault", self.repair, "save")
        self.repair_button.hide()
        check_row.addWidget(self.repair_button)
        check_row.addStretch(1)
        layout.addLayout(check_row)
        self.check_message = MessageLabel(self)
        layout.addWidget(self.check_message)

        self.key_title, self.key_body = add_heading_and_text(layout, self)
        self.key_button = QPushButton(icon("key"), "", self)
        self.key_button.setObjectName("recovery-key")
        layout.addWidget(self.key_button)

        self.pdpa_title, self.pdpa_body = add_heading_and_text(layout, self)
        self.pdpa_button = push_button(self, "pdpa", self.open_pdpa, "search")
        layout.addWidget(self.pdpa_button)
        layout.addStretch(1)
        session.lang.follow(self.retranslate)

    def retranslate(self) -> None:
        tr = self._session.lang.translator
        self.title.setText(tr.gettext("Backup and check"))
        self.backup_title.setText(tr.gettext("Backup"))
        self.backup_body.setText(
            tr.gettext(
                "A backup is a complete copy of the vault, as encrypted as the vault itself. "
                "Make one every week onto a USB stick kept in the office, and choose an empty "
                "folder for it."
            )
        )
        self.check_title.setText(tr.gettext("Check"))
        self.check_body.setText(
            tr.gettext(
                "Reads every page of the vault and the whole audit trail, and reports anything "
                "damaged or altered. It changes nothing."
            )
        )
        self.key_title.setText(tr.gettext("Recovery key"))
        self.key_body.setText(
            tr.gettext(
                "If every data manager forgets their passphrase, only the organisation's "
                "recovery key opens the vault. Make a new one if the old one may be lost."
            )
        )
        self.pdpa_title.setText(tr.gettext("Personal data requests"))
        self.pdpa_body.setText(
            tr.gettext(
                "A child or their guardian may ask for a copy of everything held about the "
                "child, or for it to be erased."
            )
        )
        label_buttons(
            {
                self.choose: tr.gettext("Choose…"),
                self.backup_button: tr.gettext("Make a backup"),
                self.check_button: tr.gettext("Check the vault"),
                self.repair_button: tr.gettext("Record the break as known"),
                self.key_button: tr.gettext("Make a recovery key…"),
                self.pdpa_button: tr.gettext("Find the child…"),
            }
        )
        self.folder.setAccessibleName(tr.gettext("Backup folder"))
        self.backup_message.retranslate(tr)
        if self.last_check is not None:
            self._show_check(self.last_check)

    def open_pdpa(self) -> QDialog:
        from cmdesk.gui.screens.pdpa_dialog import PdpaDialog

        dialog = PdpaDialog(self._session, self)
        dialog.open()
        return dialog

    def on_unlocked(self) -> None:
        if not self.folder.text():
            self.folder.setText(str(Path.home() / "cmdesk-backup"))

    def on_locked(self) -> None:
        self.backup_message.clear_message()
        self.check_message.clear_message()
        self.last_check = None

    def _ask_folder(self) -> None:
        ask_folder(self, self.folder, self._session.lang.translator.gettext("Backup folder"))

    def backup(self) -> None:
        tr = self._session.lang.translator
        text = self.folder.text().strip()
        if not text:
            self.backup_message.show_error(tr.gettext("Choose a folder for the backup."))
            return
        dest = Path(text).expanduser()
        self.backup_message.show_note(tr.gettext("Making the backup…"))

        def done(where: Path) -> None:
            self.backup_message.show_note(
                lambda tr: tr.format("The backup is in {folder}.", folder=str(where)),
                self._session.lang.translator,
            )

        self._run(
            QueryOp, self.backup_button, self.backup_message, lambda ws: ws.backup(dest), done
        )

    def check(self) -> None:
        self.check_message.show_note(self._session.lang.translator.gettext("Checking…"))

        def done(report: CheckReport) -> None:
            self.last_check = report
            self._show_check(report)

        self._run(QueryOp, self.check_button, self.check_message, lambda ws: ws.check(), done)

    def repair(self) -> None:
        """Records the audit trail's breaks as known (audited), then checks again."""
        self._run(
            ChangeOp,
            self.repair_button,
            self.check_message,
            lambda ws: ws.repair(),
            lambda _r: self.check(),
        )

    def _run(
        self,
        kind: type[QueryOp[T]] | type[ChangeOp[T]],
        button: QPushButton,
        message: MessageLabel,
        work: Callable[[Workspace], T],
        done: Callable[[T], object],
    ) -> None:
        """Runs `work` with `button` off until it ends, so that a second click cannot start
        it again meanwhile; a failure is shown in the section's `message`."""
        button.setEnabled(False)

        def ok(result: T) -> None:
            button.setEnabled(True)
            done(result)

        def failed(exc: BaseException) -> None:
            button.setEnabled(True)
            message.show_error(friendly_message(exc, self._session.lang.translator))

        kind(self._session, parent=self, op=work, success=ok).failure(failed).run()

    def _show_check(self, report: CheckReport) -> None:
        tr = self._session.lang.translator
        self.repair_button.setVisible(report.repairable and report.audit_break is not None)
        known = (
            "\n"
            + tr.nformat(
                "{n} earlier break of the audit trail was recorded as known.",
                "{n} earlier breaks of the audit trail were recorded as known.",
                report.known_breaks,
            )
            if report.known_breaks
            else ""
        )
        known += "".join("\n" + tr.format(BRANCHED, device=d[:8]) for d in report.branched)
        if report.ok:
            self.check_message.show_note(
                tr.format(
                    "Everything is in order: every page is readable and the {n} entries of the "
                    "audit trail are unaltered.",
                    n=report.audit_entries,
                )
                + known
            )
            return
        lines = []
        if report.integrity_problems:
            lines.append(
                tr.format(
                    "{n} problems in the database. Restore the latest backup, and tell your "
                    "organisation's IT support.",
                    n=len(report.integrity_problems),
                )
            )
        if report.audit_break is not None:
            lines.append(
                tr.format(
                    "The audit trail was altered at entry {seq}. Keep this laptop as it is and "
                    "tell your supervisor.",
                    seq=report.audit_break.seq,
                )
            )
            lines.append(
                tr.gettext(
                    "If your supervisor knows why (for example, an older version let two laptops "
                    "share one identity), record the break as known: it stays in the trail."
                )
            )
        self.check_message.show_error("\n".join(lines) + known)
