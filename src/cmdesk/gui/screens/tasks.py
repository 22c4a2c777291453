"""My work: the follow-ups of the signed-in worker, overdue first, then today's and the
coming week's, each with the child it is for, and Done / Postpone for the chosen one."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QWidget

from cmdesk.core.acting.case_actions import does_casework
from cmdesk.core.acting.changes import Kind
from cmdesk.core.acting.thai_time import thai_today
from cmdesk.core.i18n import N_, Translator, format_date
from cmdesk.core.services.tasks import AgendaItem
from cmdesk.gui.models.paged import Column, Fetch, Page, slice_page
from cmdesk.gui.ops import ChangeOp
from cmdesk.gui.screens.list_screen import ListScreen
from cmdesk.gui.screens.postpone_dialog import PostponeDialog
from cmdesk.gui.session import Session
from cmdesk.gui.widgets.prompts import ReasonDialog
from cmdesk.gui.widgets.push_button import label_buttons, push_button

FILTERS = ("mine", "all")


def when(item: AgendaItem, tr: Translator) -> str:
    day = item.day(thai_today())
    shown = format_date(item.task.due_date, tr.locale, "medium")
    if day == "overdue":
        return tr.format("Overdue since {date}", date=shown)
    if day == "today":
        return tr.gettext("Today")
    return shown


def child_of(item: AgendaItem, tr: Translator) -> str:
    name = item.child_name_th if tr.locale == "th" else item.child_name_latin
    name = name or item.child_name_th or item.child_name_latin
    return f"{name} ({item.child_nickname})" if item.child_nickname else name


COLUMNS: list[Column[Any]] = [
    Column(N_("When"), when, alert=lambda i: i.day(thai_today()) == "overdue"),
    Column(N_("Child"), child_of),
    Column(N_("Village"), lambda i, tr: i.village),
    Column(N_("Task"), lambda i, tr: i.task.title),
    Column(N_("Case number"), lambda i, tr: i.task.case_number),
]


class TasksScreen(ListScreen[Any]):
    open_case_requested = Signal(str)
    REFRESH_ON = (Kind.TASK, Kind.CASE, Kind.CHILD)

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(session, COLUMNS, "tasks", parent)
        self.setObjectName("tasks")
        self.which = QComboBox(self)
        self.which.currentIndexChanged.connect(lambda _i: self.reload())
        self.filters.addWidget(self.which)
        self.filters.addStretch(1)
        self.done = push_button(self, "task-done", self._mark_done)
        self.postpone = push_button(self, "task-postpone", self._postpone)
        for button in (self.done, self.postpone):
            button.setEnabled(False)
            self.filters.addWidget(button)
        self.table.activated_row.connect(self._open_row)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._selection())
        self.model.modelReset.connect(self._selection)
        self.watch_changes()
        session.lang.follow(self.retranslate)

    def retranslate(self) -> None:
        tr = self._session.lang.translator
        self.title.setText(tr.gettext("My work"))
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
        label_buttons({self.done: tr.gettext("Done…"), self.postpone: tr.gettext("Postpone…")})
        self.empty.set_texts(
            tr.gettext("Nothing to do this week"),
            tr.gettext(
                "Follow-up visits and other tasks due this week appear here, and those whose "
                "date has passed, the longest overdue first."
            ),
        )
        super().retranslate()

    def count_text(self, total: int, more: bool) -> str:
        return self._session.lang.translator.format("{n} tasks", n=total)

    def show_which(self, which: str) -> None:
        """The user's own follow-ups ("mine") or those on every case they see ("all")."""
        self.which.setCurrentIndex(FILTERS.index(which) if which in FILTERS else 0)

    def fetch(self) -> Fetch[Any] | None:
        actor = self._session.actor
        if actor is None or not does_casework(actor):
            return None
        mine = self.which.currentData() != "all"

        def run(ws: Any, offset: int, limit: int) -> Page[Any]:
            return slice_page(ws.tasks.agenda(mine_only=mine), offset, limit)

        return run

    def _chosen(self) -> AgendaItem | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        record = self.model.row(rows[0])
        return record if isinstance(record, AgendaItem) else None

    def _selection(self) -> None:
        chosen = self._chosen() is not None
        self.done.setEnabled(chosen)
        self.postpone.setEnabled(chosen)

    def _mark_done(self) -> None:
        item = self._chosen()
        if item is None:
            return
        task_id = item.task.id

        def save(_choice: str, outcome: str) -> None:
            ChangeOp(
                self._session, parent=self, op=lambda ws: ws.tasks.complete(task_id, outcome)
            ).run()

        ReasonDialog(
            self,
            self._session.lang,
            title=lambda t: t.gettext("Follow-up done"),
            prompt=lambda t: item.task.title,
            ok=lambda t: t.gettext("Mark as done"),
            text_label=lambda t: t.gettext("What happened"),
            text_required=False,
            on_ok=save,
        ).open()

    def _postpone(self) -> None:
        item = self._chosen()
        if item is None:
            return
        PostponeDialog(
            self._session,
            self,
            task_id=item.task.id,
            title=item.task.title,
            due=item.task.due_date,
        ).open()

    def _open_row(self, row: int) -> None:
        record = self.model.row(self.model.index(row, 0))
        if isinstance(record, AgendaItem):
            self.open_case_requested.emit(record.task.case_id)
