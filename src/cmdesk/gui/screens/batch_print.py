"""Printing the case summaries of the whole caseload into one folder, one PDF per case, with a
progress bar and Cancel (ws.reports.batch_case_summaries on the worker).

Cancelling keeps the files already finished (each is written whole or not at all) and says how
many there are. The folder is the user's choice; the files are plaintext, as the dialog says.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from cmdesk.core.i18n import N_, Translator
from cmdesk.gui.errors import friendly_message
from cmdesk.gui.icons import icon
from cmdesk.gui.ops import QueryOp
from cmdesk.gui.screens.print_dialog import LEVELS
from cmdesk.gui.session import Session
from cmdesk.gui.widgets.choice import ChoiceCombo
from cmdesk.gui.widgets.dialog_frame import dialog_title, one_use_dialog
from cmdesk.gui.widgets.form import FormGrid
from cmdesk.gui.widgets.labels import MessageLabel, WrapLabel, add_heading_and_text
from cmdesk.gui.widgets.language_picker import language_items
from cmdesk.gui.widgets.path_row import ask_folder, path_row
from cmdesk.gui.widgets.push_button import label_buttons

if TYPE_CHECKING:
    from cmdesk.core.services.reports import BatchResult
    from cmdesk.core.workspace import Workspace
    from cmdesk.gui.worker import Job

BATCH_LEVELS = ("full", "case_conference")


class BatchPrintDialog(QDialog):
    def __init__(self, session: Session, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("batch-print")
        self._session = session
        self.outcome: BatchResult | None = None
        self.job: Job | None = None
        layout = QVBoxLayout(self)
        self.title, self.intro = add_heading_and_text(layout, self)
        self.form = FormGrid(self)
        self.language = ChoiceCombo(language_items(), self)
        self.language.setProperty("verbatim", True)
        self.form.add("lang", N_("Language of the document"), self.language)
        self.level = ChoiceCombo([(lvl, LEVELS[lvl]) for lvl in BATCH_LEVELS], self)
        self.level.setObjectName("batch-level")
        self.form.add("level", N_("Copy for"), self.level)
        self.closed = QCheckBox(self)
        self.closed.setObjectName("batch-closed")
        self.form.add("closed", N_("Which cases"), self.closed)
        self.notes = QCheckBox(self)
        self.form.add("notes", N_("Case notes"), self.notes)
        self.password = QLineEdit(self)
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.form.add("password", N_("PDF password (optional)"), self.password)
        row, self.folder, self.choose = path_row(self, "batch-folder", self._ask_folder)
        self.form.add("output", N_("Folder for the PDF files"), row, required=True)
        layout.addWidget(self.form)
        self.warning = WrapLabel(parent=self)
        self.warning.setStyleSheet("background: #fff4ce; padding: 6px;")
        layout.addWidget(self.warning)
        self.message = MessageLabel(self)
        layout.addWidget(self.message)
        self.buttons = QDialogButtonBox(self)
        self.start = self.buttons.addButton("", QDialogButtonBox.ButtonRole.ActionRole)
        self.start.setObjectName("start-batch")
        self.start.setIcon(icon("print"))
        self.start.clicked.connect(self.run)
        self.open_folder = self.buttons.addButton("", QDialogButtonBox.ButtonRole.ActionRole)
        self.open_folder.clicked.connect(self._open_folder)
        self.open_folder.setEnabled(False)
        self.close_button = self.buttons.addButton("", QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        one_use_dialog(self, session.lang, self.retranslate)
        self.language.set_code(session.lang.locale)
        self.folder.setText(str(Path.home() / "cmdesk-print"))
        self.setMinimumWidth(620)

    def retranslate(self) -> None:
        tr = self._session.lang.translator
        dialog_title(self, self.title, tr.gettext("Print case summaries"))
        self.intro.setText(
            tr.gettext(
                "One PDF for each case you can see, named by case number, in the folder you "
                "choose. This can take a few minutes for a large caseload; you can stop it."
            )
        )
        self.language.retranslate(tr)
        self.level.retranslate(tr)
        self.form.retranslate(tr)
        self.warning.setText(
            tr.gettext(
                "PDF files are not encrypted unless you set a password. Use a folder on this "
                "laptop, not a shared or synced one, and delete the files once printed."
            )
        )
        label_buttons(
            {
                self.closed: tr.gettext("Closed cases too"),
                self.notes: tr.gettext("Include the case notes"),
                self.choose: tr.gettext("Choose…"),
                self.start: tr.gettext("Print the summaries"),
                self.open_folder: tr.gettext("Open the folder"),
                self.close_button: tr.gettext("Close"),
            }
        )
        self.folder.setAccessibleName(tr.gettext("Folder for the PDF files"))
        self.message.retranslate(tr)

    def _ask_folder(self) -> None:
        tr = self._session.lang.translator
        ask_folder(self, self.folder, tr.gettext("Folder for the PDF files"))

    def run(self) -> None:
        tr = self._session.lang.translator
        text = self.folder.text().strip()
        if not text:
            self.form.set_error("output", tr.gettext("Choose a folder for the PDF files."))
            return
        out = Path(text).expanduser()
        lang, level = self.language.code(), self.level.code()
        notes, open_only = self.notes.isChecked(), not self.closed.isChecked()
        password = self.password.text() or None
        self.form.clear_errors()
        self.message.clear_message()
        self.start.setEnabled(False)

        def work(ws: Workspace, job: Job) -> BatchResult:
            ids = ws.reports.printable_case_ids(open_only=open_only)
            return ws.reports.batch_case_summaries(
                ids,
                out,
                lang=lang,
                level=level,
                include_notes=notes,
                password=password,
                progress=job.report,
                cancel=job.cancel,
            )

        op = QueryOp(self._session, parent=self, op=work, success=self._done)
        op.failure(self._failed).with_progress(tr.gettext("Printing case summaries…"))
        self.job = op.run()

    def _done(self, result: BatchResult) -> None:
        self.outcome = result
        self.start.setEnabled(True)
        self.open_folder.setEnabled(bool(result.written))

        def text(tr: Translator) -> str:
            if not result.cancelled:
                return tr.format(
                    "{done} case summaries were saved in {folder}.",
                    done=len(result.written),
                    folder=str(result.out_dir),
                )
            return tr.format(
                "Stopped. {done} of {total} case summaries were saved in {folder}.",
                done=len(result.written),
                total=result.total,
                folder=str(result.out_dir),
            )

        self.message.show_note(text, self._session.lang.translator)

    def _failed(self, exc: BaseException) -> None:
        self.start.setEnabled(True)
        self.message.show_error(friendly_message(exc, self._session.lang.translator))

    def _open_folder(self) -> None:
        if self.outcome is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.outcome.out_dir)))

    def cancel_running(self) -> Any:
        if self.job is not None:
            self.job.cancel.cancel()
