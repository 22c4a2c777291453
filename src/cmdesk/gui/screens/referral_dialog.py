"""Referring a child to a partner: who, for what, how urgently, what they will see, and on
what basis the information leaves the organisation.

Sending needs a standing consent (or other lawful basis) to share with that partner. Without
one the dialog says so, offers to record the consent, and sends only if the worker records why
it must go anyway (a child in danger tonight); the core enforces the same rule.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from cmdesk.core.acting.changes import Kind
from cmdesk.core.i18n import N_, format_date
from cmdesk.core.model.labels import label_of
from cmdesk.core.model.referral import SharedSection
from cmdesk.core.services.referrals import ReferralDraft
from cmdesk.gui.errors import show_failure
from cmdesk.gui.ops import ChangeOp, QueryOp
from cmdesk.gui.screens.consent_dialog import partner_items
from cmdesk.gui.screens.referral_preview import preview_text
from cmdesk.gui.session import Session
from cmdesk.gui.widgets.choice import CheckList, ChoiceCombo, kind_items
from cmdesk.gui.widgets.date_field import DateField
from cmdesk.gui.widgets.dialog_buttons import ok_cancel_buttons, translate_ok_cancel
from cmdesk.gui.widgets.dialog_frame import dialog_title, one_use_dialog
from cmdesk.gui.widgets.form import FormGrid
from cmdesk.gui.widgets.labels import Heading, MessageLabel, add_heading_and_text
from cmdesk.gui.widgets.push_button import label_buttons, push_button
from cmdesk.gui.widgets.screen_fit import fit_to_screen
from cmdesk.gui.widgets.scroll_body import scroll_body
from cmdesk.gui.widgets.text_box import TextBox
from cmdesk.gui.widgets.unsaved import DirtyTracker, confirm_discard

if TYPE_CHECKING:
    from cmdesk.core.services.consents import ConsentDTO
    from cmdesk.gui.screens.case.data import CaseBundle

_OK = "color: #1e4620; background: #e3f1e4; padding: 6px;"
_MISSING = "color: #a4262c; background: #fde7e9; padding: 6px;"
# What a referral usually needs: who the child is, why, and what was found.
DEFAULT_SECTIONS = (SharedSection.IDENTITY, SharedSection.CONCERNS_AND_RISK)


class ReferralDialog(QDialog):
    def __init__(self, session: Session, parent: QWidget, bundle: CaseBundle) -> None:
        super().__init__(parent)
        self.setObjectName("referral-dialog")
        self._session = session
        self._bundle = bundle
        self._basis: ConsentDTO | None = None
        self._basis_known = False
        self._offered: set[str] | None = None
        outer = QVBoxLayout(self)
        self.title = Heading(parent=self, level=2)
        outer.addWidget(self.title)
        columns = QHBoxLayout()
        outer.addLayout(columns, 1)

        scroll, left = scroll_body(self)
        box = QVBoxLayout(left)
        box.setContentsMargins(0, 0, 8, 0)
        self.form = FormGrid(left)
        self.partner = ChoiceCombo(partner_items(bundle.organisations), left)
        self.partner.setObjectName("referral-partner")
        self.form.add("to_org", N_("Refer to"), self.partner, required=True)
        self.service = ChoiceCombo((), left)
        self.service.setObjectName("referral-service")
        self.form.add("service", N_("Service needed"), self.service, required=True)
        # The partner's own list of services comes first; another service needs a reason,
        # which is recorded with the referral (the core refuses it without one).
        self.any_service = QCheckBox(left)
        self.any_service.setObjectName("any-service")
        self.any_service.toggled.connect(lambda _on: self._fill_services())
        self.form.layout_.addRow(self.any_service)
        self.service_reason = TextBox(left, lines=2)
        self.service_reason.setObjectName("service-reason")
        self.form.add(
            "service_reason",
            N_("Why this service"),
            self.service_reason,
            required=True,
        )
        self.service.currentIndexChanged.connect(lambda _i: self._show_service_reason())
        self.urgency = ChoiceCombo(kind_items("urgency"), left)
        self.urgency.setObjectName("referral-urgency")
        self.form.add("urgency", N_("Urgency"), self.urgency, required=True)
        self.due = DateField(lambda: self._session.lang.translator, left, name="due_date")
        self.due.setObjectName("referral-due")
        due_error = self.form.add("due_date", N_("Answer needed by"), self.due)
        self.due.problem.connect(due_error.show_text)
        self.reason = TextBox(left, lines=4)
        self.reason.setObjectName("referral-reason")
        self.form.add("reason", N_("Why the child is referred"), self.reason, required=True)
        self.sections = CheckList(kind_items("shared_section"), left, columns=1)
        self.sections.setObjectName("referral-sections")
        self.form.add("shared_sections", N_("What to share"), self.sections, required=True)
        box.addWidget(self.form)

        box.addStretch(1)
        columns.addWidget(scroll, 1)

        # Consent first, where it is seen: without it nothing can be sent.
        right = QVBoxLayout()
        self.consent_title, self.consent_state = add_heading_and_text(right, self)
        self.consent_state.setObjectName("consent-state")
        row = QHBoxLayout()
        self.record_consent = push_button(self, "record-consent", self._record_consent)
        row.addWidget(self.record_consent)
        row.addStretch(1)
        right.addLayout(row)
        self.override = QCheckBox(self)
        self.override.setObjectName("send-without-consent")
        self.override.toggled.connect(lambda _on: self._update_send())
        right.addWidget(self.override)
        self.override_form = FormGrid(self)
        self.override_reason = TextBox(self, lines=3)
        self.override_reason.setObjectName("override-reason")
        self.override_form.add(
            "override_reason",
            N_("Why it cannot wait for consent"),
            self.override_reason,
            required=True,
        )
        self.override_reason.textChanged.connect(self._update_send)
        right.addWidget(self.override_form)
        self.preview_title = Heading(parent=self, level=2)
        right.addWidget(self.preview_title)
        self.preview = QPlainTextEdit(self)
        self.preview.setObjectName("referral-preview")
        self.preview.setReadOnly(True)
        self.preview.setProperty("verbatim", True)  # the child's data, as the partner sees it
        right.addWidget(self.preview, 1)
        columns.addLayout(right, 1)

        self.message = MessageLabel(self)
        outer.addWidget(self.message)
        self.buttons, self.send, self.cancel = ok_cancel_buttons(self, "send-referral", self.submit)
        outer.addWidget(self.buttons)

        self.tracker = DirtyTracker(self)
        self.tracker.watch(
            self.reason, self.due, self.override_reason, self.override, self.service_reason
        )
        self.sections.changed.connect(self._update_preview)
        self.partner.currentIndexChanged.connect(lambda _i: self._partner_changed())
        one_use_dialog(self, session.lang, self.retranslate)
        session.operation_did_execute.connect(self._changed)
        session.locked.connect(self._locked)
        session.unlocked.connect(self._update_preview)
        with self.tracker.paused():
            self.sections.set_codes(s.value for s in DEFAULT_SECTIONS)
        self._partner_changed()
        fit_to_screen(self, 980, 660)

    # -- text -------------------------------------------------------------------------------
    def retranslate(self) -> None:
        tr = self._session.lang.translator
        dialog_title(self, self.title, tr.gettext("Refer to a partner"))
        for combo in (self.partner, self.service, self.urgency):
            combo.retranslate(tr)
        self.sections.retranslate(tr)
        self.form.retranslate(tr)
        self.override_form.retranslate(tr)
        self.due.retranslate(tr)
        self.consent_title.setText(tr.gettext("Consent to share"))
        label_buttons(
            {
                self.record_consent: tr.gettext("Record consent…"),
                self.override: tr.gettext("Send without consent (a reason is recorded)"),
            }
        )
        self._any_service_text()
        self.preview_title.setText(tr.gettext("What the partner will receive"))
        self.preview.setAccessibleName(self.preview_title.text())
        translate_ok_cancel(tr, self.send, tr.gettext("Send the referral"), self.cancel)
        self._show_basis()
        self._update_preview()

    # -- partner, service and consent -------------------------------------------------------
    def _partner_changed(self) -> None:
        self._fill_services()
        self._check_consent()
        self._update_preview()

    def _fill_services(self) -> None:
        code = self.partner.code()
        org = next((o for o in self._bundle.organisations if o.code == code), None)
        offered = set(org.services) if org is not None and org.services else None
        self._offered = offered
        self.any_service.setVisible(offered is not None)
        self._any_service_text()
        every = kind_items("service")
        if offered is None or self.any_service.isChecked():
            self.service.set_items(every)
        else:
            self.service.set_items([item for item in every if item[0] in offered])
        self._show_service_reason()

    def _any_service_text(self) -> None:
        tr = self._session.lang.translator
        self.any_service.setText(tr.gettext("Show every service (a reason is recorded)"))
        self.any_service.setToolTip(
            tr.format(
                "{partner} lists only some services; another one needs a reason.",
                partner=self.partner.currentText(),
            )
        )

    def _unlisted(self) -> bool:
        """The chosen service is one the partner does not list."""
        code = self.service.code()
        return self._offered is not None and bool(code) and code not in self._offered

    def _show_service_reason(self) -> None:
        self.form.set_row_visible("service_reason", self._unlisted())

    def _check_consent(self) -> None:
        code, case_id = self.partner.code(), self._bundle.case.id
        self._basis_known = False
        self._show_basis()
        if not code:
            return

        def arrived(basis: ConsentDTO | None) -> None:
            if code != self.partner.code():
                return  # the user picked another partner meanwhile
            self._basis = basis
            self._basis_known = True
            self._show_basis()

        QueryOp(
            self._session,
            parent=self,
            op=lambda ws: ws.consents.sharing_basis(case_id, code),
            success=arrived,
        ).run()

    def _show_basis(self) -> None:
        tr = self._session.lang.translator
        partner = self.partner.currentText()
        basis = self._basis
        if not self._basis_known:
            self.consent_state.setText(tr.gettext("Checking the consent…"))
            self.consent_state.setStyleSheet("")
        elif basis is not None:
            self.consent_state.setText(
                tr.format(
                    "{basis} to share with {partner}, recorded for {date}.",
                    basis=tr.gettext(label_of("lawful_basis", basis.basis)),
                    partner=partner,
                    date=format_date(basis.given_on, tr.locale),
                )
            )
            self.consent_state.setStyleSheet(_OK)
        else:
            self.consent_state.setText(
                tr.format(
                    "There is no consent to share this case with {partner}. Record the "
                    "family's consent first, or send without it only if the child cannot wait.",
                    partner=partner,
                )
            )
            self.consent_state.setStyleSheet(_MISSING)
        missing = self._basis_known and basis is None
        self.record_consent.setVisible(missing)
        self.override.setVisible(missing)
        self.override_form.setVisible(missing and self.override.isChecked())
        self._update_send()

    def _update_send(self) -> None:
        has_basis = self._basis_known and self._basis is not None
        overriding = (
            self._basis_known
            and self._basis is None
            and self.override.isChecked()
            and bool(self.override_reason.text().strip())
        )
        self.override_form.setVisible(
            self._basis_known and self._basis is None and self.override.isChecked()
        )
        self.send.setEnabled(has_basis or overriding)

    def _record_consent(self) -> None:
        from cmdesk.gui.screens.consent_dialog import ConsentDialog

        ConsentDialog(
            self._session,
            self,
            child_id=self._bundle.child.id,
            case_id=self._bundle.case.id,
            organisations=self._bundle.organisations,
            share_with=self.partner.code(),
        ).open()

    def _changed(self, changes: Any, _initiator: object) -> None:
        if changes.touches(Kind.CONSENT):
            self._check_consent()

    def _update_preview(self) -> None:
        tr = self._session.lang.translator
        self.preview.setPlainText(preview_text(self._bundle, self.sections.codes(), tr))

    # -- sending ----------------------------------------------------------------------------
    def draft(self) -> ReferralDraft | None:
        if not self.due.check():
            return None
        return ReferralDraft(
            to_org=self.partner.code(),
            service=self.service.code(),
            reason=self.reason.text(),
            shared_sections=self.sections.codes(),
            urgency=self.urgency.code(),
            due_date=self.due.value(),
        )

    def submit(self) -> None:
        draft = self.draft()
        if draft is None:
            return
        case_id = self._bundle.case.id
        service_reason = self.service_reason.text().strip() if self._unlisted() else None
        override = (
            self.override_reason.text().strip()
            if self._basis is None and self.override.isChecked()
            else None
        )
        self.form.clear_errors()
        self.message.clear_message()
        self.send.setEnabled(False)

        def send(ws: Any) -> Any:
            # One transaction: a refused sending leaves no draft behind.
            return ws.referrals.draft_and_send(
                case_id, draft, override, service_reason=service_reason or None
            )

        def sent(_result: Any) -> None:
            self.tracker.mark_clean()
            self.accept()

        def failed(exc: BaseException) -> None:
            self._update_send()
            show_failure(exc, self.form, self.message, self._session.lang.translator)

        ChangeOp(self._session, parent=self, op=send, success=sent).failure(failed).run()

    def reject(self) -> None:
        # Hidden means locked: a different user unlocking closes this without asking them.
        if self.tracker.dirty and self.isVisible():
            confirm_discard(self, self._session.lang.translator, super().reject)
        else:
            super().reject()

    def _locked(self) -> None:
        # The preview holds the child's data; it is built again from the case after unlocking.
        self.preview.clear()
