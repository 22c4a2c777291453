"""Recording a consent, or another lawful basis when consent cannot be had (PDPA B.E. 2562).

The fields follow the choice: consent asks who gave it and how; another basis (vital
interest, legal duty) asks why consent could not be obtained; sharing names the organisation.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QDialog, QLineEdit, QVBoxLayout, QWidget

from cmdesk.core.acting.thai_time import thai_today
from cmdesk.core.i18n import N_
from cmdesk.core.model.consent import ConsentPurpose, LawfulBasis
from cmdesk.core.services.consents import ConsentDraft
from cmdesk.gui.ops import ChangeOp
from cmdesk.gui.session import Session
from cmdesk.gui.widgets.choice import ChoiceCombo, Item, Label, kind_items
from cmdesk.gui.widgets.date_field import DateField
from cmdesk.gui.widgets.dialog_buttons import ok_cancel_buttons, translate_ok_cancel
from cmdesk.gui.widgets.dialog_frame import dialog_title, one_use_dialog
from cmdesk.gui.widgets.form import FormGrid
from cmdesk.gui.widgets.labels import MessageLabel, add_heading_and_text
from cmdesk.gui.widgets.text_box import TextBox
from cmdesk.gui.widgets.unsaved import DirtyTracker, confirm_discard

if TYPE_CHECKING:
    from cmdesk.core.services.organisations import OrganisationDTO


def partner_items(orgs: list[OrganisationDTO]) -> list[Item]:
    """Other organisations of the network, by name in the reader's language (not those whose
    trust was withdrawn: nothing reaches them)."""

    def label(org: OrganisationDTO) -> Label:
        return lambda tr: f"{org.name(tr.locale)} ({org.code})"

    return [(o.code, label(o)) for o in orgs if not o.is_own and not o.trust_withdrawn]


class ConsentDialog(QDialog):
    def __init__(
        self,
        session: Session,
        parent: QWidget,
        *,
        child_id: str,
        case_id: str | None,
        organisations: list[OrganisationDTO],
        purpose: str = ConsentPurpose.SHARING,
        share_with: str = "",
        on_saved: Callable[[Any], None] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("consent-dialog")
        self._session = session
        self._child_id = child_id
        self._case_id = case_id
        self._on_saved = on_saved
        layout = QVBoxLayout(self)
        self.title, self.intro = add_heading_and_text(layout, self)
        self.form = FormGrid(self)
        self.purpose = ChoiceCombo(kind_items("consent_purpose"), self)
        self.purpose.setObjectName("consent-purpose")
        self.form.add("purpose", N_("Consent to"), self.purpose, required=True)
        self.org = ChoiceCombo(partner_items(organisations), self)
        self.org.setObjectName("consent-organisation")
        self.form.add("shared_with_org", N_("Share with"), self.org, required=True)
        self.basis = ChoiceCombo(kind_items("lawful_basis"), self)
        self.basis.setObjectName("consent-basis")
        self.form.add("basis", N_("Lawful basis"), self.basis, required=True)
        self.given_by = ChoiceCombo(kind_items("consent_giver"), self)
        self.given_by.setObjectName("consent-given-by")
        self.form.add("given_by", N_("Given by"), self.given_by, required=True)
        self.giver_name = QLineEdit(self)
        self.giver_name.setObjectName("consent-giver-name")
        self.form.add("giver_name", N_("Name of the person who consented"), self.giver_name)
        self.method = ChoiceCombo(kind_items("consent_method"), self)
        self.method.setObjectName("consent-method")
        self.form.add("method", N_("How"), self.method, required=True)
        self.given_on = DateField(
            lambda: self._session.lang.translator, self, name="given_on", required=True
        )
        self.given_on.setObjectName("consent-date")
        date_error = self.form.add("given_on", N_("Date given"), self.given_on, required=True)
        self.given_on.problem.connect(date_error.show_text)
        self.reason = TextBox(self, lines=3)
        self.reason.setObjectName("consent-basis-reason")
        self.form.add("basis_reason", N_("Why consent could not be obtained"), self.reason)
        layout.addWidget(self.form)
        self.message = MessageLabel(self)
        layout.addWidget(self.message)
        self.buttons, self.save, self.cancel = ok_cancel_buttons(self, "save-consent", self.submit)
        layout.addWidget(self.buttons)

        self.tracker = DirtyTracker(self)
        self.tracker.watch(self.giver_name, self.reason, self.given_on)
        self.purpose.currentIndexChanged.connect(lambda _i: self._fields_for_choice())
        self.basis.currentIndexChanged.connect(lambda _i: self._fields_for_choice())
        self.given_by.currentIndexChanged.connect(lambda _i: self._fields_for_choice())
        one_use_dialog(self, session.lang, self.retranslate)
        self.purpose.set_code(purpose)
        if share_with:
            self.org.set_code(share_with)
        self.given_by.set_code("parent")
        self.given_on.set_value(thai_today())
        self._fields_for_choice()
        self.setMinimumWidth(560)

    def retranslate(self) -> None:
        tr = self._session.lang.translator
        dialog_title(self, self.title, tr.gettext("Record consent"))
        self.intro.setText(
            tr.gettext(
                "Record what the child or family agreed to, on paper or in words before a "
                "witness. If consent cannot be had and the child is in danger, choose another "
                "lawful basis and say why."
            )
        )
        for combo in (self.purpose, self.org, self.basis, self.given_by, self.method):
            combo.retranslate(tr)
        self.form.retranslate(tr)
        self.given_on.retranslate(tr)
        translate_ok_cancel(tr, self.save, tr.gettext("Save the consent"), self.cancel)

    def _fields_for_choice(self) -> None:
        sharing = self.purpose.code() == ConsentPurpose.SHARING
        consent = self.basis.code() == LawfulBasis.CONSENT
        self.form.set_row_visible("shared_with_org", sharing)
        for name in ("given_by", "method"):
            self.form.set_row_visible(name, consent)
        self.form.set_row_visible("giver_name", consent and self.given_by.code() != "child")
        self.form.set_row_visible("basis_reason", not consent)

    def draft(self) -> ConsentDraft | None:
        if not self.given_on.check():
            return None
        day = self.given_on.value()
        if day is None:
            return None
        consent = self.basis.code() == LawfulBasis.CONSENT
        sharing = self.purpose.code() == ConsentPurpose.SHARING
        return ConsentDraft(
            purpose=self.purpose.code(),
            given_on=day,
            basis=self.basis.code(),
            given_by=self.given_by.code() if consent else None,
            giver_name=self.giver_name.text() if consent else "",
            method=self.method.code() if consent else None,
            shared_with_org=self.org.code() if sharing else None,
            basis_reason="" if consent else self.reason.text(),
            case_id=self._case_id,
        )

    def submit(self) -> None:
        draft = self.draft()
        if draft is None:
            return
        child_id = self._child_id
        self.form.clear_errors()
        self.message.clear_message()
        self.save.setEnabled(False)

        def saved(result: Any) -> None:
            self.tracker.mark_clean()
            if self._on_saved is not None:
                self._on_saved(result)
            self.accept()

        def failed(exc: BaseException) -> None:
            from cmdesk.gui.errors import show_failure

            self.save.setEnabled(True)
            show_failure(exc, self.form, self.message, self._session.lang.translator)

        ChangeOp(
            self._session,
            parent=self,
            op=lambda ws: ws.consents.record(child_id, draft),
            success=saved,
        ).failure(failed).run()

    def reject(self) -> None:
        # Hidden means locked: a different user unlocking closes this without asking them.
        if self.tracker.dirty and self.isVisible():
            confirm_discard(self, self._session.lang.translator, super().reject)
        else:
            super().reject()
