"""Who did what to this case and this child's record, and when (the audit trail)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QTreeWidget, QTreeWidgetItem, QVBoxLayout

from cmdesk.core.i18n import format_datetime
from cmdesk.gui.audit_labels import describe
from cmdesk.gui.screens.case.base import CaseTab
from cmdesk.gui.screens.case.data import CaseBundle
from cmdesk.gui.widgets.details import stretch_column
from cmdesk.gui.widgets.labels import Heading, WrapLabel

if TYPE_CHECKING:
    from cmdesk.gui.screens.case.page import CasePage


class HistoryTab(CaseTab):
    def __init__(self, page: CasePage) -> None:
        super().__init__(page)
        self.setObjectName("case-history")
        layout = QVBoxLayout(self)
        self.heading = Heading(parent=self, level=2)
        layout.addWidget(self.heading)
        self.intro = WrapLabel(parent=self)
        self.intro.setStyleSheet("color: #52606d;")
        layout.addWidget(self.intro)
        self.table = QTreeWidget(self)
        self.table.setObjectName("audit-history")
        self.table.setRootIsDecorated(False)
        layout.addWidget(self.table, 1)

    def title(self) -> str:
        return self.tr.gettext("History")

    def retranslate(self) -> None:
        tr = self.tr
        self.heading.setText(tr.gettext("History of this record"))
        self.intro.setText(
            tr.gettext(
                "Every change, every look at the record and every print is kept in the audit "
                "trail, newest first. Nobody can change or remove these entries."
            )
        )
        self.table.setHeaderLabels([tr.gettext("When"), tr.gettext("Who"), tr.gettext("What")])
        self.table.setAccessibleName(self.heading.text())
        stretch_column(self.table, 2)

    def clear(self) -> None:
        self.table.clear()

    def show_bundle(self, b: CaseBundle) -> None:
        tr = self.tr
        self.table.clear()
        for entry in sorted(b.history, key=lambda e: e.at, reverse=True):
            QTreeWidgetItem(
                self.table,
                [
                    format_datetime(entry.at, tr.locale),
                    entry.actor,
                    describe(entry.action, entry.detail, tr),
                ],
            )
