"""Consent and lawful basis for the child: what was agreed, with whom, and withdrawals."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QTreeWidgetItem

from cmdesk.core.i18n import N_, format_date
from cmdesk.core.model.labels import label_of
from cmdesk.gui.screens.case.data import CaseBundle
from cmdesk.gui.screens.case.panes import ListTab
from cmdesk.gui.widgets.push_button import push_button

if TYPE_CHECKING:
    from cmdesk.gui.screens.case.page import CasePage

CONSENT_ID = Qt.ItemDataRole.UserRole


class ConsentTab(ListTab):
    def __init__(self, page: CasePage) -> None:
        super().__init__(page, "case-consent", "consents")
        self.table.currentItemChanged.connect(lambda *_a: self.update_buttons())
        self.add_list()
        self.print_form = push_button(self, "print-consent-form", self._print_form, "print")
        self.withdraw = push_button(self, "withdraw-consent", self._withdraw)
        self.record = push_button(self, "record-consent", self.open_record, "save")
        self.add_button_row([self.print_form], [self.withdraw, self.record])

    def title(self) -> str:
        return self.translator.gettext("Consent")

    def retranslate(self) -> None:
        tr = self.translator
        self.retranslate_panes(
            tr,
            N_("Consent and lawful basis"),
            N_(
                "Sharing the case with a partner needs the family's consent to share with that "
                "organisation, or another lawful basis. A withdrawn consent stays in the list."
            ),
            [
                N_("Consent to"),
                N_("With"),
                N_("Lawful basis"),
                N_("Given by"),
                N_("Date given"),
                N_("Status"),
            ],
            {
                self.record: tr.gettext("Record consent…"),
                self.withdraw: tr.gettext("Withdraw the chosen consent…"),
                self.print_form: tr.gettext("Print a consent form…"),
            },
        )

    def show_bundle(self, b: CaseBundle) -> None:
        tr = self.translator
        self.table.clear()
        for c in b.consents:
            if c.active:
                status = tr.gettext("In force")
            else:
                status = (
                    tr.format("Withdrawn on {date}", date=format_date(c.withdrawn_at, tr.locale))
                    if c.withdrawn_at
                    else ""
                )
            giver = tr.gettext(label_of("consent_giver", c.given_by)) if c.given_by else ""
            if c.giver_name:
                giver = f"{giver}: {c.giver_name}" if giver else c.giver_name
            item = QTreeWidgetItem(
                self.table,
                [
                    tr.gettext(label_of("consent_purpose", c.purpose)),
                    c.shared_with_org_code,
                    tr.gettext(label_of("lawful_basis", c.basis)),
                    giver,
                    format_date(c.given_on, tr.locale),
                    status,
                ],
            )
            item.setData(0, CONSENT_ID, c.id)
            if not c.active:
                for col in range(6):
                    item.setForeground(col, QBrush(QColor("#9aa5b1")))
        self.update_buttons()

    def _chosen(self) -> str | None:
        item = self.table.currentItem()
        if item is None or self.bundle is None:
            return None
        consent_id = str(item.data(0, CONSENT_ID))
        active = any(c.id == consent_id and c.active for c in self.bundle.consents)
        return consent_id if active else None

    def update_buttons(self) -> None:
        loaded = self.bundle is not None
        self.record.setEnabled(loaded)
        self.print_form.setEnabled(loaded)
        self.withdraw.setEnabled(self._chosen() is not None)

    def open_record(self, *, share_with: str = "") -> None:
        b = self.bundle
        if b is None:
            return
        from cmdesk.gui.screens.consent_dialog import ConsentDialog

        ConsentDialog(
            self.session,
            self.page,
            child_id=b.child.id,
            case_id=b.case.id,
            organisations=b.organisations,
            share_with=share_with,
        ).open()

    def _withdraw(self) -> None:
        consent_id = self._chosen()
        if consent_id is None:
            return
        self.ask_reason(
            title=lambda t: t.gettext("Withdraw consent"),
            prompt=lambda t: t.gettext(
                "From now on nothing more is shared on this consent, and the organisation it was "
                "shared with is told at the next sync that it was withdrawn (not why). Say who "
                "withdrew it and why."
            ),
            ok=lambda t: t.gettext("Withdraw consent"),
            change=lambda ws, why: ws.consents.withdraw(consent_id, why),
        )

    def _print_form(self) -> None:
        b = self.bundle
        if b is None:
            return
        from cmdesk.gui.screens.print_dialog import PrintDialog, PrintJob

        PrintDialog.show_for(self.session, self.page, PrintJob.consent_form(b.case.id))
