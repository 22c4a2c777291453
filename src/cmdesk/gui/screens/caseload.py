"""The caseload: every case the signed-in worker may see, searchable, a page at a time."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QWidget

from cmdesk.core.services.changes import OpChanges
from cmdesk.gui.models.paged import Column, Fetch, Page
from cmdesk.gui.screens.list_screen import ListScreen
from cmdesk.gui.session import Session
from cmdesk.gui.widgets.search_box import SearchBox

FILTERS = ("open", "all", "closed")


def _no_cases(_ws: Any, _offset: int, _limit: int) -> Page[Any]:
    return Page([], 0)


class CaseloadScreen(ListScreen[Any]):
    open_case_requested = Signal(str)
    register_requested = Signal()

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        columns: list[Column[Any]] = []
        super().__init__(session, columns, "caseload", parent)
        self.setObjectName("caseload")
        self.search = SearchBox(self)
        self.search.setObjectName("caseload-search")
        self.search.search_requested.connect(lambda _text: self.reload())
        self.filters.addWidget(self.search, 1)
        self.status_filter = QComboBox(self)
        self.status_filter.currentIndexChanged.connect(lambda _i: self.reload())
        self.filters.addWidget(self.status_filter)
        self.mine_only = QCheckBox(self)
        self.mine_only.toggled.connect(lambda _on: self.reload())
        self.filters.addWidget(self.mine_only)
        self.empty.action.clicked.connect(self.register_requested)
        self.table.activated_row.connect(self._open_row)
        session.operation_did_execute.connect(self._changed)
        session.lang.language_changed.connect(self.retranslate)
        self.retranslate()

    def retranslate(self) -> None:
        tr = self._session.lang.tr
        self.title.setText(tr.gettext("Caseload"))
        self.search.setPlaceholderText(tr.gettext("Search by name, ID number or village"))
        self.search.setAccessibleName(tr.gettext("Search cases"))
        labels = {
            "open": tr.gettext("Open cases"),
            "all": tr.gettext("Open and closed cases"),
            "closed": tr.gettext("Closed cases"),
        }
        current = self.status_filter.currentData() or "open"
        self.status_filter.blockSignals(True)
        self.status_filter.clear()
        for key in FILTERS:
            self.status_filter.addItem(labels[key], key)
        self.status_filter.setCurrentIndex(FILTERS.index(current))
        self.status_filter.blockSignals(False)
        self.status_filter.setAccessibleName(tr.gettext("Which cases"))
        self.mine_only.setText(tr.gettext("Only my cases"))
        self.mine_only.setAccessibleName(self.mine_only.text())
        if self.search.text().strip():
            self.empty.set_texts(
                tr.gettext("No case matches your search"),
                tr.gettext("Check the spelling, or search by ID number or village instead."),
            )
        else:
            self.empty.set_texts(
                tr.gettext("No cases yet"),
                tr.gettext(
                    "When you register a child who needs protection, their case appears "
                    "here. Cases assigned to you by a colleague appear here too."
                ),
                tr.gettext("Register a child") if self._can_register() else None,
            )
        super().retranslate()

    def count_text(self, total: int) -> str:
        return self._session.lang.tr.format("{n} cases", n=total)

    def _can_register(self) -> bool:
        return False

    def fetch(self) -> Fetch[Any]:
        return _no_cases

    def reload(self) -> None:
        self.retranslate()
        self.model.set_fetch(self.fetch())

    def on_unlocked(self) -> None:
        self.reload()

    def on_locked(self) -> None:
        self.model.clear()

    def _changed(self, changes: OpChanges, _initiator: object) -> None:
        if changes.touches("case") or changes.touches("child"):
            self.model.refresh()

    def _open_row(self, row: int) -> None:
        record = self.model.row(self.model.index(row, 0))
        case_id = getattr(record, "case_id", None) or getattr(record, "id", None)
        if case_id:
            self.open_case_requested.emit(str(case_id))
