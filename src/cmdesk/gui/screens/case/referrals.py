"""The case's referrals to partner organisations, and the way to make a new one."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QTreeWidget, QTreeWidgetItem, QVBoxLayout

from cmdesk.core.acting.case_actions import CaseAction
from cmdesk.core.i18n import format_date
from cmdesk.core.model.labels import label_of
from cmdesk.gui.icons import icon
from cmdesk.gui.screens.case.base import CaseTab
from cmdesk.gui.screens.case.data import CaseBundle
from cmdesk.gui.widgets.details import select_row
from cmdesk.gui.widgets.labels import Heading, WrapLabel

if TYPE_CHECKING:
    from cmdesk.gui.screens.case.page import CasePage

REFERRAL_ID = Qt.ItemDataRole.UserRole


class ReferralsTab(CaseTab):
    def __init__(self, page: CasePage) -> None:
        super().__init__(page)
        self.setObjectName("case-referrals")
        layout = QVBoxLayout(self)
        self.heading = Heading(parent=self, level=2)
        layout.addWidget(self.heading)
        self.intro = WrapLabel(parent=self)
        self.intro.setStyleSheet("color: #52606d;")
        layout.addWidget(self.intro)
        self.table = QTreeWidget(self)
        self.table.setObjectName("case-referrals-list")
        self.table.setRootIsDecorated(False)
        self.table.itemActivated.connect(lambda item, _c: self._open(item))
        layout.addWidget(self.table, 1)
        row = QHBoxLayout()
        self.open_button = QPushButton(self)
        self.open_button.setObjectName("open-referral")
        self.open_button.clicked.connect(lambda: self._open(self.table.currentItem()))
        row.addWidget(self.open_button)
        row.addStretch(1)
        self.refer = QPushButton(icon("outbox"), "", self)
        self.refer.setObjectName("refer")
        self.refer.clicked.connect(self.open_new)
        row.addWidget(self.refer)
        layout.addLayout(row)

    def title(self) -> str:
        return self.translator.gettext("Referrals")

    def retranslate(self) -> None:
        tr = self.translator
        self.heading.setText(tr.gettext("Referrals to partner organisations"))
        self.intro.setText(
            tr.gettext(
                "Refer the child when another organisation of the network can help. Only the "
                "sections you choose are shared, and only with consent or a recorded reason."
            )
        )
        self.refer.setText(tr.gettext("Refer to a partner…"))
        self.open_button.setText(tr.gettext("Open the chosen referral"))
        for b in (self.refer, self.open_button):
            b.setAccessibleName(b.text())
        self.table.setHeaderLabels(
            [
                tr.gettext("Date"),
                tr.gettext("To"),
                tr.gettext("Service"),
                tr.gettext("Urgency"),
                tr.gettext("Status"),
            ]
        )
        self.table.setAccessibleName(self.heading.text())
        self._update_buttons()

    def clear(self) -> None:
        self.table.clear()
        self._update_buttons()

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
                    tr.gettext(label_of("referral_status", r.status)),
                ],
            )
            item.setData(0, REFERRAL_ID, r.id)
        if self.table.topLevelItemCount():
            select_row(self.table, 0)
        self._update_buttons()

    def _update_buttons(self) -> None:
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
