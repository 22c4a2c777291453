"""Who did what to this case and this child's record, and when (the audit trail)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QCheckBox, QTreeWidgetItem

from cmdesk.core.i18n import N_, format_datetime
from cmdesk.gui.audit_labels import READS, describe
from cmdesk.gui.screens.case.data import CaseBundle
from cmdesk.gui.screens.case.panes import ListTab

if TYPE_CHECKING:
    from cmdesk.gui.screens.case.page import CasePage


class HistoryTab(ListTab):
    def __init__(self, page: CasePage) -> None:
        super().__init__(page, "case-history", "audit-history")
        self.show_reads = QCheckBox(self)
        self.show_reads.setObjectName("show-reads")
        self.show_reads.toggled.connect(lambda _on: self._refill())
        self.layout_.addWidget(self.show_reads)
        self.add_list()

    def title(self) -> str:
        return self.translator.gettext("History")

    def retranslate(self) -> None:
        tr = self.translator
        self.retranslate_panes(
            tr,
            N_("History of this record"),
            N_(
                "Every change, every look at the record and every print is kept in the audit "
                "trail, newest first. Nobody can change or remove these entries."
            ),
            [N_("When"), N_("Who"), N_("What")],
        )
        self.show_reads.setText(tr.gettext("Also show each time the record was only looked at"))
        self.show_reads.setAccessibleName(self.show_reads.text())

    def show_bundle(self, b: CaseBundle) -> None:
        self._refill()

    def _refill(self) -> None:
        b, tr = self.bundle, self.translator
        self.table.clear()
        if b is None:
            return
        # Every opening of the case is audited (who looked at a child's record matters), so
        # reads outnumber everything else; they are shown only when asked for.
        reads = self.show_reads.isChecked()
        entries = [e for e in b.history if reads or e.action not in READS]
        for entry in sorted(entries, key=lambda e: e.at, reverse=True):
            QTreeWidgetItem(
                self.table,
                [
                    format_datetime(entry.at, tr.locale),
                    b.person(entry.actor),
                    describe(entry.action, entry.detail, tr),
                ],
            )
