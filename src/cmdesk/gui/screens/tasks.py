"""My tasks and overdue follow-ups: what the signed-in worker should do next."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QWidget

from cmdesk.core.acting.case_actions import does_casework
from cmdesk.core.acting.changes import Kind, OpChanges
from cmdesk.core.i18n import N_, format_date
from cmdesk.gui.models.paged import Column, Fetch, Page, slice_page
from cmdesk.gui.screens.list_screen import ListScreen
from cmdesk.gui.session import Session

FILTERS = ("mine", "all")

COLUMNS: list[Column[Any]] = [
    Column(
        N_("Due"),
        lambda t, tr: format_date(t.due_date, tr.locale),
        alert=lambda t: t.status == "open",  # this list holds overdue tasks only
    ),
    Column(N_("Task"), lambda t, tr: t.title),
    Column(N_("Case number"), lambda t, tr: t.case_number),
]


class TasksScreen(ListScreen[Any]):
    open_case_requested = Signal(str)

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(session, COLUMNS, "tasks", parent)
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
        tr = self._session.lang.translator
        self.title.setText(tr.gettext("Overdue follow-ups"))
        labels = {
            "mine": tr.gettext("Assigned to me"),
            "all": tr.gettext("On all the cases I can see"),
        }
        current = self.which.currentData() or "mine"
        self.which.blockSignals(True)
        self.which.clear()
        for key in FILTERS:
            self.which.addItem(labels[key], key)
        self.which.setCurrentIndex(FILTERS.index(current))
        self.which.blockSignals(False)
        self.which.setAccessibleName(tr.gettext("Which tasks"))
        self.empty.set_texts(
            tr.gettext("Nothing overdue"),
            tr.gettext(
                "Follow-up visits and other tasks whose date has passed appear here, the "
                "longest overdue first."
            ),
        )
        super().retranslate()

    def count_text(self, total: int, more: bool) -> str:
        return self._session.lang.translator.format("{n} tasks", n=total)

    def fetch(self) -> Fetch[Any] | None:
        actor = self._session.actor
        if actor is None or not does_casework(actor):
            return None
        mine = self.which.currentData() != "all"

        def run(ws: Any, offset: int, limit: int) -> Page[Any]:
            return slice_page(ws.tasks.overdue(mine_only=mine), offset, limit)

        return run

    def reload(self) -> None:
        fetch = self.fetch()
        self.model.set_fetch(fetch)
        if fetch is None:
            self.model.mark_empty()

    def on_unlocked(self) -> None:
        self.reload()

    def on_locked(self) -> None:
        self.model.clear()

    def _changed(self, changes: OpChanges, _initiator: object) -> None:
        if changes.touches(Kind.TASK) or changes.touches(Kind.CASE):
            self.model.refresh()

    def _open_row(self, row: int) -> None:
        record = self.model.row(self.model.index(row, 0))
        case_id = getattr(record, "case_id", None)
        if case_id:
            self.open_case_requested.emit(str(case_id))
