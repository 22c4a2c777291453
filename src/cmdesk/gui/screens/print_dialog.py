"""Printing one document: choose the copy, make it on the worker, look at it, save it as PDF.

The document is made once (one audit entry, one copy) and what is previewed is what is saved.
A PDF is plaintext: the dialog says so, offers a password, and the saved file is then opened
with the laptop's PDF viewer to print. Locking closes the dialog and drops the document.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices, QImage, QPixmap
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from cmdesk.core.errors import ValidationError
from cmdesk.core.i18n import N_
from cmdesk.gui.errors import friendly_message
from cmdesk.gui.icons import icon
from cmdesk.gui.ops import QueryOp
from cmdesk.gui.pdf_preview import can_preview
from cmdesk.gui.session import Session
from cmdesk.gui.widgets.choice import ChoiceCombo
from cmdesk.gui.widgets.dialog_frame import one_use_dialog
from cmdesk.gui.widgets.form import FormGrid
from cmdesk.gui.widgets.labels import Heading, MessageLabel, WrapLabel
from cmdesk.gui.widgets.language_picker import language_items
from cmdesk.gui.widgets.push_button import label_buttons, push_button
from cmdesk.gui.widgets.screen_fit import fit_to_screen
from cmdesk.gui.widgets.scroll_body import scroll_body

if TYPE_CHECKING:
    from cmdesk.core.workspace import Workspace

LEVELS: dict[str, str] = {
    "full": N_("Full record, for our organisation"),
    "partner": N_("Partner copy (only what partners may see)"),
    "case_conference": N_("Case conference copy"),
}
DOCUMENTS: dict[str, str] = {
    "case_summary": N_("Case summary"),
    "consent_form": N_("Consent form to sign"),
    "referral_slip": N_("Referral slip for the partner"),
    "caseload": N_("Caseload report"),
}


@dataclass(frozen=True)
class PrintJob:
    """What can be printed from where the user is: the documents offered and their copies."""

    record_id: str
    documents: tuple[str, ...]
    levels: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @classmethod
    def for_case(cls, case_id: str) -> PrintJob:
        return cls(
            case_id,
            ("case_summary", "consent_form"),
            {
                "case_summary": ("full", "case_conference", "partner"),
                "consent_form": ("full", "partner"),
            },
        )

    @classmethod
    def consent_form(cls, case_id: str) -> PrintJob:
        return cls(case_id, ("consent_form",), {"consent_form": ("full", "partner")})

    @classmethod
    def referral_slip(cls, referral_id: str) -> PrintJob:
        return cls(referral_id, ("referral_slip",), {"referral_slip": ("partner",)})

    @classmethod
    def caseload(cls) -> PrintJob:
        return cls("", ("caseload",), {"caseload": ("full", "case_conference")})

    def make(
        self, ws: Workspace, document: str, lang: str, level: str, notes: bool, password: str | None
    ) -> bytes:
        """Runs on the worker thread."""
        reports = ws.reports
        if document == "case_summary":
            return reports.case_summary(
                self.record_id, lang=lang, level=level, include_notes=notes, password=password
            )
        if document == "consent_form":
            return reports.consent_form(self.record_id, lang=lang, level=level, password=password)
        if document == "referral_slip":
            return reports.referral_slip(self.record_id, lang=lang, level=level, password=password)
        return reports.caseload(lang=lang, level=level, password=password)

    def file_name(self, document: str, lang: str) -> str:
        # Never the child's name: file names show in folders, recent-file lists and backups.
        return f"cmdesk-{document.replace('_', '-')}-{lang}.pdf"


@dataclass(frozen=True)
class Made:
    pdf: bytes
    pages: int
    images: list[QImage]


def make_document(
    ws: Workspace,
    job: PrintJob,
    document: str,
    lang: str,
    level: str,
    notes: bool,
    password: str | None,
) -> Made:
    from cmdesk.gui.pdf_preview import page_count, render_pages

    pdf = job.make(ws, document, lang, level, notes, password)
    pages = page_count(pdf, password)
    return Made(pdf, pages, render_pages(pdf, password, pages=pages))


class PrintDialog(QDialog):
    @classmethod
    def show_for(cls, session: Session, parent: QWidget, job: PrintJob) -> PrintDialog:
        dialog = cls(session, parent, job)
        dialog.open()
        return dialog

    def __init__(self, session: Session, parent: QWidget, job: PrintJob) -> None:
        super().__init__(parent)
        self.setObjectName("print-dialog")
        self._session = session
        self.job = job
        self.made: Made | None = None
        self.saved_to: Path | None = None
        self._printer: QPrinter | None = None
        outer = QVBoxLayout(self)
        self.title = Heading(parent=self, level=2)
        outer.addWidget(self.title)
        columns = QHBoxLayout()
        outer.addLayout(columns, 1)
        left = QVBoxLayout()
        self.form = FormGrid(self)
        self.document = ChoiceCombo([(d, DOCUMENTS[d]) for d in job.documents], self)
        self.document.setObjectName("print-document")
        self.form.add("document", N_("Document"), self.document)
        self.language = ChoiceCombo(language_items(), self)
        self.language.setObjectName("print-language")
        self.language.setProperty("verbatim", True)  # endonyms
        self.form.add("lang", N_("Language of the document"), self.language)
        self.level = ChoiceCombo((), self)
        self.level.setObjectName("print-level")
        self.form.add("level", N_("Copy for"), self.level)
        self.notes = QCheckBox(self)
        self.notes.setObjectName("print-notes")
        self.form.add("notes", N_("Case notes"), self.notes)
        self.password = QLineEdit(self)
        self.password.setObjectName("print-password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.form.add("password", N_("PDF password (optional)"), self.password)
        left.addWidget(self.form)
        self.warning = WrapLabel(parent=self)
        self.warning.setStyleSheet("background: #fff4ce; padding: 6px;")
        left.addWidget(self.warning)
        self.make_button = push_button(self, "make-document", self.make, "print")
        left.addWidget(self.make_button)
        self.message = MessageLabel(self)
        left.addWidget(self.message)
        left.addStretch(1)
        columns.addLayout(left, 2)
        right = QVBoxLayout()
        self.preview_title = Heading(parent=self, level=2)
        right.addWidget(self.preview_title)
        self.preview, self.pages = scroll_body(self)
        self.preview.setObjectName("print-preview")
        self.pages_box = QVBoxLayout(self.pages)
        right.addWidget(self.preview, 1)
        self.page_info = QLabel(self)
        right.addWidget(self.page_info)
        columns.addLayout(right, 3)

        self.buttons = QDialogButtonBox(self)
        self.save_button = self.buttons.addButton("", QDialogButtonBox.ButtonRole.ActionRole)
        self.save_button.setObjectName("save-pdf")
        self.save_button.setIcon(icon("save"))
        self.save_button.clicked.connect(self.ask_where)
        self.print_button = self.buttons.addButton("", QDialogButtonBox.ButtonRole.ActionRole)
        self.print_button.setObjectName("print")
        self.print_button.setIcon(icon("print"))
        self.print_button.clicked.connect(self.ask_printer)
        self.open_button = self.buttons.addButton("", QDialogButtonBox.ButtonRole.ActionRole)
        self.open_button.setObjectName("open-pdf")
        self.open_button.clicked.connect(self.open_saved)
        self.close_button = self.buttons.addButton("", QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.rejected.connect(self.reject)
        outer.addWidget(self.buttons)

        self.document.currentIndexChanged.connect(lambda _i: self._document_changed())
        for control in (self.language, self.level):
            control.currentIndexChanged.connect(lambda _i: self._forget())
        self.notes.toggled.connect(lambda _on: self._forget())
        self.password.textEdited.connect(lambda _t: self._forget())
        one_use_dialog(self, session.lang, self.retranslate)
        session.locked.connect(self._locked)
        self.language.set_code(session.lang.locale)
        self._document_changed()
        fit_to_screen(self, 900, 620)

    # -- text -------------------------------------------------------------------------------
    def retranslate(self) -> None:
        tr = self._session.lang.translator
        self.setWindowTitle(tr.gettext("Print"))
        self.title.setText(tr.gettext("Print or save as PDF"))
        for combo in (self.document, self.language, self.level):
            combo.retranslate(tr)
        self.form.retranslate(tr)
        self.warning.setText(
            tr.gettext(
                "A PDF is not encrypted: anyone who gets the file can read it, unless you set "
                "a password (at least 8 characters). Save it only where it is needed, and "
                "delete it once printed."
            )
        )
        self.preview_title.setText(tr.gettext("Preview"))
        self.preview.setAccessibleName(self.preview_title.text())
        label_buttons(
            {
                self.notes: tr.gettext("Include the case notes"),
                self.make_button: tr.gettext("Make the document"),
                self.save_button: tr.gettext("Save as PDF…"),
                self.print_button: tr.gettext("Print…"),
                self.open_button: tr.gettext("Open to print"),
                self.close_button: tr.gettext("Close"),
            }
        )
        self.message.retranslate(tr)
        self._update()

    def _document_changed(self) -> None:
        document = self.document.code()
        levels = self.job.levels.get(document, ("full",))
        self.level.set_items([(lvl, LEVELS[lvl]) for lvl in levels])
        self.level.set_code(levels[0])
        self.form.set_row_visible("notes", document == "case_summary")
        self._forget()

    # -- making -----------------------------------------------------------------------------
    def _forget(self) -> None:
        """A changed choice means a different document: the old one is dropped, not saved."""
        self.made = None
        self.saved_to = None
        self._show_pages([])
        self._update()

    def make(self) -> None:
        tr = self._session.lang.translator
        job, document = self.job, self.document.code()
        lang, level = self.language.code(), self.level.code()
        notes = self.notes.isChecked() and document == "case_summary"
        password = self.password.text() or None
        self._forget()
        self.form.clear_errors()
        self.message.show_note(lambda t: t.gettext("Making the document…"), tr)
        self.make_button.setEnabled(False)

        def made(result: Made) -> None:
            self.made = result
            self.message.clear_message()
            self._show_pages(result.images)
            self._update()

        def failed(exc: BaseException) -> None:
            self._update()
            tr = self._session.lang.translator
            if isinstance(exc, ValidationError):
                left = self.form.show_validation(exc, tr)
                if not left:
                    self.message.clear_message()
                    return
            self.message.show_error(lambda t: friendly_message(exc, t), tr)

        QueryOp(
            self._session,
            parent=self,
            op=lambda ws: make_document(ws, job, document, lang, level, notes, password),
            success=made,
        ).failure(failed).run()

    def _show_pages(self, images: list[QImage]) -> None:
        while self.pages_box.count():
            item = self.pages_box.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        for image in images:
            page = QLabel(self.pages)
            page.setPixmap(QPixmap.fromImage(image))
            page.setStyleSheet("border: 1px solid #cbd2d9; background: white;")
            self.pages_box.addWidget(page)
        self.pages_box.addStretch(1)

    def _update(self) -> None:
        tr = self._session.lang.translator
        made = self.made
        self.make_button.setEnabled(True)
        self.save_button.setEnabled(made is not None)
        self.print_button.setEnabled(made is not None and can_preview())
        self.open_button.setEnabled(self.saved_to is not None)
        if made is None:
            self.page_info.setText(tr.gettext("Make the document to see it here."))
        elif not made.images:
            self.page_info.setText(
                tr.format(
                    "{n} pages. A preview is not available on this computer: save the PDF "
                    "and open it to look at it.",
                    n=made.pages,
                )
            )
        else:
            self.page_info.setText(tr.nformat("{n} page", "{n} pages", made.pages))

    # -- printing ---------------------------------------------------------------------------
    def ask_printer(self) -> None:
        """The system's print dialog; the pages go straight to the printer, no file kept."""
        if self.made is None:
            return
        from PySide6.QtPrintSupport import QPrintDialog

        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        chooser = QPrintDialog(printer, self)
        chooser.accepted.connect(lambda: self.print_to(printer))
        chooser.finished.connect(chooser.deleteLater)
        chooser.setWindowModality(Qt.WindowModality.WindowModal)
        chooser.show()

    def print_to(self, printer: QPrinter) -> None:
        """Renders every page at print resolution and paints it, all on the worker."""
        made, password = self.made, self.password.text() or None
        if made is None:
            return
        self.print_button.setEnabled(False)
        self.message.show_note(self._session.lang.translator.gettext("Printing…"))

        def work(_ws: object) -> int:
            from cmdesk.gui.pdf_preview import PRINT_DPI, print_pages, render_pages

            images = render_pages(
                made.pdf, password, pages=made.pages, dpi=PRINT_DPI, limit=made.pages
            )
            return print_pages(printer, images)

        def done(sent: int) -> None:
            self._printer = None
            self._update()
            tr = self._session.lang.translator
            if sent:
                self.message.show_note(
                    tr.nformat(
                        "Sent {n} page to the printer.", "Sent {n} pages to the printer.", sent
                    )
                )
            else:
                self.message.show_error(tr.gettext("The printer could not be used."))

        self._printer = printer  # kept alive until the worker is done with it
        QueryOp(self._session, parent=self, op=work, success=done).failure(
            lambda exc: self.message.show_error(
                friendly_message(exc, self._session.lang.translator)
            )
        ).run()

    # -- saving -----------------------------------------------------------------------------
    def ask_where(self) -> None:
        if self.made is None:
            return
        tr = self._session.lang.translator
        name = self.job.file_name(self.document.code(), self.language.code())
        chosen, _filter = QFileDialog.getSaveFileName(
            self, tr.gettext("Save as PDF"), str(Path.home() / name), "PDF (*.pdf)"
        )
        if chosen:
            self.save_to(Path(chosen))

    def save_to(self, path: Path, then: Callable[[], None] | None = None) -> None:
        made = self.made
        if made is None:
            return
        if path.suffix.lower() != ".pdf":
            path = path.with_suffix(".pdf")

        def write(_ws: Any) -> Path:
            from cmdesk.core.vault.files import atomic_write

            atomic_write(path, made.pdf)
            return path

        def saved(where: Path) -> None:
            self.saved_to = where
            self.message.show_note(
                lambda tr: tr.format(
                    "Saved to {path}. It is readable by anyone with the file: delete it "
                    "when it is printed.",
                    path=str(where),
                ),
                self._session.lang.translator,
            )
            self._update()
            if then is not None:
                then()

        QueryOp(self._session, parent=self, op=write, success=saved).run()

    def open_saved(self) -> None:
        if self.saved_to is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.saved_to)))

    def _locked(self) -> None:
        self.made = None
        self.setProperty("closed_on_lock", True)
        self.reject()
