"""My tasks and overdue follow-ups: what the signed-in worker should do next."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QWidget

from cmdesk.core.services.changes import OpChanges
from cmdesk.gui.models.paged import Column, Fetch, Page
from cmdesk.gui.screens.list_screen import ListScreen
from cmdesk.gui.session import Session

FILTERS = ("due", "open")


def _no_tasks(_ws: Any, _offset: int, _limit: int) -> Page[Any]:
    return Page([], 0)


class TasksScreen(ListScreen[Any]):
    open_case_requested = Signal(str)

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        columns: list[Column[Any]] = []
        super().__init__(session, columns, "tasks", parent)
        self.setObjectName("tasks")
        self.which = QComboBox(self)
        self.which.currentIndexChanged.connect(lambda _i: self.reload())
        self.filters.addWidget(self.which)
        self.filters.addStretch(1)
        self.table.activated_row.connect(self._open_row)
        session.operation_did_execute.connect(self._changed)
        session.lang.language_changed.connect(self.retranslate)
        self.retranslate()

    def retranslate(self) -> None:
        tr = self._session.lang.tr
        self.title.setText(tr.gettext("My tasks and follow-ups"))
        labels = {
            "due": tr.gettext("Due this week and overdue"),
            "open": tr.gettext("All my open tasks"),
        }
        current = self.which.currentData() or "due"
        self.which.blockSignals(True)
        self.which.clear()
        for key in FILTERS:
            self.which.addItem(labels[key], key)
        self.which.setCurrentIndex(FILTERS.index(current))
        self.which.blockSignals(False)
        self.which.setAccessibleName(tr.gettext("Which tasks"))
        self.empty.set_texts(
            tr.gettext("Nothing due"),
            tr.gettext(
                "Follow-up visits and other tasks on your cases appear here, the overdue "
                "ones first and in red."
            ),
        )
        super().retranslate()

    def count_text(self, total: int) -> str:
        return self._session.lang.tr.format("{n} tasks", n=total)

    def fetch(self) -> Fetch[Any]:
        return _no_tasks

    def reload(self) -> None:
        self.model.set_fetch(self.fetch())

    def on_unlocked(self) -> None:
        self.reload()

    def on_locked(self) -> None:
        self.model.clear()

    def _changed(self, changes: OpChanges, _initiator: object) -> None:
        if changes.touches("task") or changes.touches("case"):
            self.model.refresh()

    def _open_row(self, row: int) -> None:
        record = self.model.row(self.model.index(row, 0))
        case_id = getattr(record, "case_id", None)
        if case_id:
            self.open_case_requested.emit(str(case_id))
