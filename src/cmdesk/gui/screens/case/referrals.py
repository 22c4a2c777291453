"""The case's referrals to partner organisations, and the way to make a new one."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTreeWidgetItem

from cmdesk.core.acting.case_actions import CaseAction
from cmdesk.core.i18n import N_, format_date
from cmdesk.core.model.labels import label_of
from cmdesk.core.services.referrals import status_words
from cmdesk.gui.screens.case.data import CaseBundle
from cmdesk.gui.screens.case.panes import ListTab
from cmdesk.gui.widgets.details import select_row
from cmdesk.gui.widgets.push_button import push_button

if TYPE_CHECKING:
    from cmdesk.gui.screens.case.page import CasePage

REFERRAL_ID = Qt.ItemDataRole.UserRole


class ReferralsTab(ListTab):
    def __init__(self, page: CasePage) -> None:
        super().__init__(page, "case-referrals", "case-referrals-list")
        self.table.itemActivated.connect(lambda item, _c: self._open(item))
        self.add_list()
        self.open_button = push_button(
            self, "open-referral", lambda: self._open(self.table.currentItem())
        )
        self.refer = push_button(self, "refer", self.open_new, "outbox")
        self.add_button_row([self.open_button], [self.refer])

    def title(self) -> str:
        return self.translator.gettext("Referrals")

    def retranslate(self) -> None:
        tr = self.translator
        self.retranslate_panes(
            tr,
            N_("Referrals to partner organisations"),
            N_(
                "Refer the child when another organisation of the network can help. Only the "
                "sections you choose are shared, and only with consent or a recorded reason."
            ),
            [N_("Date"), N_("To"), N_("Service"), N_("Urgency"), N_("Status")],
            {
                self.refer: tr.gettext("Refer to a partner…"),
                self.open_button: tr.gettext("Open the chosen referral"),
            },
        )

    def show_bundle(self, b: CaseBundle) -> None:
        tr = self.translator
        self.table.clear()
        for r in reversed(b.referrals):
            when = r.sent_at or r.created_at
            item = QTreeWidgetItem(
                self.table,
                [
                    format_date(when, tr.locale),
                    r.to_org_code,
                    tr.gettext(label_of("service", r.service)),
                    tr.gettext(label_of("urgency", r.urgency)),
                    status_words(r, tr),
                ],
            )
            item.setData(0, REFERRAL_ID, r.id)
        if self.table.topLevelItemCount():
            select_row(self.table, 0)
        self.update_buttons()

    def update_buttons(self) -> None:
        b = self.bundle
        self.refer.setEnabled(b is not None and b.may(CaseAction.SEND_REFERRAL))
        self.open_button.setEnabled(self.table.currentItem() is not None)

    def open_new(self) -> None:
        b = self.bundle
        if b is None:
            return
        from cmdesk.gui.screens.referral_dialog import ReferralDialog

        ReferralDialog(self.session, self.page, b).open()

    def _open(self, item: QTreeWidgetItem | None) -> None:
        if item is None:
            return
        from cmdesk.gui.screens.referral_detail import ReferralDetailDialog

        ReferralDetailDialog.show_for(self.session, self.page, str(item.data(0, REFERRAL_ID)))
