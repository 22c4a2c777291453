"""Requests about one child's personal data (PDPA), for the data manager: find the child,
give them everything held about them in a password-protected file, or erase it with a
second person's confirmation. The core checks who may do each and audits both."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from cmdesk.core.i18n import N_, Translator
from cmdesk.core.model.erasure import ERASURE_REASON_LABELS
from cmdesk.core.vault.files import atomic_write
from cmdesk.gui.errors import friendly_message, show_failure
from cmdesk.gui.ops import ChangeOp, QueryOp
from cmdesk.gui.session import Session
from cmdesk.gui.widgets.dialog_frame import dialog_title, one_use_dialog
from cmdesk.gui.widgets.form import FormGrid
from cmdesk.gui.widgets.labels import Heading, MessageLabel, add_heading_and_text
from cmdesk.gui.widgets.prompts import ask
from cmdesk.gui.widgets.push_button import label_buttons, push_button
from cmdesk.gui.widgets.scroll_body import scroll_body
from cmdesk.gui.widgets.search_box import SearchBox

CHILD_ID = Qt.ItemDataRole.UserRole
MIN_PASSWORD = 10
ERASURE_EXPLAINED = N_(
    "Erasing removes every record of this child from this laptop now: registration, "
    "household, cases, notes, plans, consent and referrals. When this laptop next exchanges "
    "data, every laptop of the organisation, and each partner the child was shared with, "
    "removes them too. Only an entry saying that an erasure was done, by whom and why, is "
    "kept. It cannot be undone."
)


class PdpaDialog(QDialog):
    def __init__(self, session: Session, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("pdpa-dialog")
        self._session = session
        self.setMinimumWidth(560)
        outer = QVBoxLayout(self)
        # Scrolls, so that erasing stays reachable on a 600-pixel-high screen.
        scroll, body = scroll_body(self, frame=False)
        outer.addWidget(scroll, 1)
        layout = QVBoxLayout(body)
        self.title, self.intro = add_heading_and_text(layout, self)
        self.search = SearchBox(self)
        self.search.setObjectName("pdpa-search")
        self.search.search_requested.connect(self.find_children)
        # A result of the previous search must not be acted on while the new one runs.
        self.search.textChanged.connect(lambda _t: self._clear_found())
        layout.addWidget(self.search)
        self.found = QListWidget(self)
        self.found.setObjectName("pdpa-children")
        self.found.setProperty("verbatim", True)  # children's names, as registered
        self.found.currentItemChanged.connect(lambda *_a: self._update())
        self.found.setMaximumHeight(140)  # a few children match a name; the forms matter more
        layout.addWidget(self.found)

        self.export_title = Heading(parent=self, level=2)
        layout.addWidget(self.export_title)
        self.export_form = FormGrid(self)
        self.password = QLineEdit(self)
        self.password.setObjectName("pdpa-password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.export_form.add("password", N_("Password for the file"), self.password, required=True)
        layout.addWidget(self.export_form)
        self.export_button = push_button(self, "pdpa-export", self.export, "save")
        layout.addWidget(self.export_button, 0, Qt.AlignmentFlag.AlignRight)

        self.erase_title, self.erase_text = add_heading_and_text(layout, self)
        self.erase_text.setObjectName("pdpa-erasure-explained")
        self.erase_form = FormGrid(self)
        self.reason = QComboBox(self)
        self.reason.setObjectName("pdpa-reason")
        self.erase_form.add("reason", N_("Why"), self.reason, required=True)
        self.witness = QLineEdit(self)
        self.witness.setObjectName("pdpa-witness")
        self.erase_form.add(
            "witness", N_("Witness (a supervisor or data manager)"), self.witness, required=True
        )
        self.witness_passphrase = QLineEdit(self)
        self.witness_passphrase.setObjectName("pdpa-witness-passphrase")
        self.witness_passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.erase_form.add(
            "witness_passphrase",
            N_("The witness types their passphrase"),
            self.witness_passphrase,
            required=True,
        )
        layout.addWidget(self.erase_form)
        self.erase_button = push_button(self, "pdpa-erase", self.erase, "warning")
        layout.addWidget(self.erase_button, 0, Qt.AlignmentFlag.AlignRight)

        self.message = MessageLabel(self)
        outer.addWidget(self.message)
        buttons = QDialogButtonBox(self)
        self.close_button = buttons.addButton("", QDialogButtonBox.ButtonRole.RejectRole)
        self.close_button.setObjectName("close")
        buttons.rejected.connect(self.reject)
        outer.addWidget(buttons)
        one_use_dialog(self, session.lang, self.retranslate)
        self._update()

    @property
    def translator(self) -> Translator:
        return self._session.lang.translator

    def retranslate(self) -> None:
        tr = self.translator
        dialog_title(self, self.title, tr.gettext("Requests about a child's personal data"))
        self.intro.setText(
            tr.gettext(
                "When a child or their guardian asks to see or to erase the data held about "
                "the child (Personal Data Protection Act), find the child by name or "
                "identity number."
            )
        )
        self.search.setPlaceholderText(tr.gettext("Name or identity number"))
        self.search.setAccessibleName(tr.gettext("Find the child"))
        self.found.setAccessibleName(tr.gettext("Children found"))
        self.export_title.setText(tr.gettext("Give them a copy"))
        self.erase_title.setText(tr.gettext("Erase"))
        self.erase_text.setText(tr.gettext(ERASURE_EXPLAINED))
        current = self.reason.currentData()
        self.reason.clear()
        for code, msgid in ERASURE_REASON_LABELS.items():
            self.reason.addItem(tr.gettext(msgid), code.value)
        if current is not None:
            self.reason.setCurrentIndex(max(self.reason.findData(current), 0))
        for form in (self.export_form, self.erase_form):
            form.retranslate(tr)
        label_buttons(
            {
                self.export_button: tr.gettext("Save a protected copy…"),
                self.erase_button: tr.gettext("Erase this child's records…"),
                self.close_button: tr.gettext("Close"),
            }
        )
        self.message.retranslate(tr)

    def _clear_found(self) -> None:
        self.found.clear()
        self._update()

    def _chosen(self) -> str | None:
        item = self.found.currentItem()
        return str(item.data(CHILD_ID)) if item is not None else None

    def _update(self) -> None:
        chosen = self._chosen() is not None
        for w in (self.export_button, self.erase_button):
            w.setEnabled(chosen)

    # -- finding -------------------------------------------------------------------------------
    def find_children(self, text: str) -> None:
        self.message.clear_message()

        def shown(children: list[Any]) -> None:
            self.found.clear()
            for c in children:
                names = " / ".join(
                    n
                    for n in (
                        f"{c.given_name_th} {c.family_name_th}".strip(),
                        f"{c.given_name_latin} {c.family_name_latin}".strip(),
                        c.nickname,
                    )
                    if n
                )
                born = (
                    f" ({c.birth_year + 543 if self.translator.locale == 'th' else c.birth_year})"
                )
                item = QListWidgetItem(names + (born if c.birth_year else ""))
                item.setData(CHILD_ID, c.id)
                self.found.addItem(item)
            if not children:
                self.message.show_note(lambda tr: tr.gettext("No child matches."), self.translator)
            self._update()

        QueryOp(
            self._session,
            parent=self,
            op=lambda ws: ws.pdpa.find_children(text),
            success=shown,
        ).failure(lambda exc: self.message.show_error(friendly_message(exc, self.translator))).run()

    # -- a copy for the person -------------------------------------------------------------------
    def export(self) -> None:
        child_id = self._chosen()
        tr = self.translator
        self.export_form.clear_errors()
        password = self.password.text()
        if len(password) < MIN_PASSWORD:
            self.export_form.set_error(
                "password",
                tr.format("A PDF password needs at least {n} characters.", n=MIN_PASSWORD),
            )
            return
        if child_id is None:
            return
        path, _filter = QFileDialog.getSaveFileName(
            self, tr.gettext("Save a protected copy…"), "personal-data.pdf", "PDF (*.pdf)"
        )
        if path:
            self.save_copy(child_id, Path(path), password)

    def save_copy(self, child_id: str, path: Path, password: str) -> None:
        """Makes the file on the worker; the PDF is written only once protected."""
        lang = self.translator.locale

        def work(ws: Any) -> Path:
            atomic_write(path, ws.pdpa.export_child_pdf(child_id, password, lang))
            return path

        def saved(_path: Path) -> None:
            self.password.clear()
            self.message.show_note(
                lambda tr: tr.format(
                    "Saved {path}. Give the password separately, in person or by phone.",
                    path=str(path),
                ),
                self.translator,
            )

        ChangeOp(self._session, parent=self, op=work, success=saved).failure(
            lambda exc: show_failure(exc, self.export_form, self.message, self.translator)
        ).run()

    # -- erasure ---------------------------------------------------------------------------------
    def erase(self) -> None:
        child_id = self._chosen()
        if child_id is None:
            return
        tr = self.translator
        item = self.found.currentItem()
        ask(
            self,
            tr.format(
                "Erase the records of {child}? It cannot be undone.",
                child=item.text() if item is not None else "",
            ),
            yes=tr.gettext("Erase"),
            no=tr.gettext("Cancel"),
            on_yes=lambda: self.erase_now(child_id),
        )

    def erase_now(self, child_id: str) -> None:
        from cmdesk.core.services.pdpa import Witness

        reason = str(self.reason.currentData())
        witness = Witness(self.witness.text(), self.witness_passphrase.text())
        self.erase_form.clear_errors()

        def erased(_outcome: object) -> None:
            self.witness_passphrase.clear()
            row = self.found.currentRow()
            self.found.takeItem(row)
            self._update()
            self.message.show_note(
                lambda tr: tr.gettext(
                    "The child's records are erased from this laptop. The other laptops "
                    "erase them when they next exchange data."
                ),
                self.translator,
            )

        def failed(exc: BaseException) -> None:
            self.witness_passphrase.clear()
            show_failure(exc, self.erase_form, self.message, self.translator)

        ChangeOp(
            self._session,
            parent=self,
            op=lambda ws: ws.pdpa.erase_child(child_id, reason, witness=witness),
            success=erased,
        ).failure(failed).run()
