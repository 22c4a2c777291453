"""Postponing a follow-up: a new date and why (both kept; the core checks both again)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QWidget

from cmdesk.core.acting.thai_time import thai_today
from cmdesk.core.i18n import N_
from cmdesk.gui.screens.case.case_edits import CaseEditDialog
from cmdesk.gui.session import Session
from cmdesk.gui.widgets.date_field import DateField
from cmdesk.gui.widgets.text_box import TextBox

if TYPE_CHECKING:
    from cmdesk.core.workspace import Workspace


class PostponeDialog(CaseEditDialog):
    title_msgid = N_("Postpone the follow-up")
    save_msgid = N_("Postpone")

    def __init__(
        self, session: Session, parent: QWidget, *, task_id: str, title: str, due: date
    ) -> None:
        super().__init__(session, parent, "postpone-dialog")
        self._task_id = task_id
        self._task_title = title
        self.due = DateField(lambda: session.lang.translator, self, name="due_date")
        self.due.setObjectName("postpone-date")
        self.due.set_value(max(due, thai_today()) + timedelta(days=7))
        due_error = self.form.add("due_date", N_("New date"), self.due, required=True)
        self.due.problem.connect(due_error.show_text)
        self.reason = TextBox(self, lines=3)
        self.reason.setObjectName("postpone-reason")
        self.form.add("reason", N_("Why it is postponed"), self.reason, required=True)
        self.tracker.watch(self.reason)
        self.intro.setProperty("verbatim", True)  # the follow-up's title, as the worker wrote it
        self.retranslate()

    def retranslate(self) -> None:
        self.due.retranslate(self._session.lang.translator)
        super().retranslate()
        self.intro.setText(self._task_title)  # what is postponed, as the worker wrote it
        self.intro.setVisible(True)

    def operation(self) -> Callable[[Workspace], Any] | None:
        if not self.due.check():
            return None
        new_date = self.due.value()
        if new_date is None:
            self.form.set_error("due_date", lambda tr: tr.gettext("This field is required."))
            return None
        task_id, reason = self._task_id, self.reason.text()
        return lambda ws: ws.tasks.reschedule(task_id, new_date, reason)
