"""Postponing a follow-up: a new date and why (both kept; the core checks both again)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QVBoxLayout, QWidget

from cmdesk.core.acting.thai_time import thai_today
from cmdesk.core.errors import ValidationError
from cmdesk.core.i18n import N_
from cmdesk.gui.errors import friendly_message
from cmdesk.gui.ops import ChangeOp
from cmdesk.gui.session import Session
from cmdesk.gui.widgets.date_field import DateField
from cmdesk.gui.widgets.form import FormGrid
from cmdesk.gui.widgets.labels import Heading, MessageLabel, WrapLabel
from cmdesk.gui.widgets.text_box import TextBox
from cmdesk.gui.widgets.unsaved import DirtyTracker, confirm_discard


class PostponeDialog(QDialog):
    def __init__(
        self,
        session: Session,
        parent: QWidget,
        *,
        task_id: str,
        title: str,
        due: date,
        on_saved: Callable[[Any], None] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("postpone-dialog")
        self._session = session
        self._task_id = task_id
        self._task_title = title
        self._on_saved = on_saved
        layout = QVBoxLayout(self)
        self.heading = Heading(parent=self, level=2)
        layout.addWidget(self.heading)
        self.what = WrapLabel(parent=self)
        layout.addWidget(self.what)
        self.form = FormGrid(self)
        self.due = DateField(lambda: session.lang.translator, self, name="due_date")
        self.due.setObjectName("postpone-date")
        self.due.set_value(max(due, thai_today()) + timedelta(days=7))
        due_error = self.form.add("due_date", N_("New date"), self.due, required=True)
        self.due.problem.connect(due_error.show_text)
        self.reason = TextBox(self, lines=3)
        self.reason.setObjectName("postpone-reason")
        self.form.add("reason", N_("Why it is postponed"), self.reason, required=True)
        layout.addWidget(self.form)
        self.message = MessageLabel(self)
        layout.addWidget(self.message)
        self.buttons = QDialogButtonBox(self)
        self.save = self.buttons.addButton("", QDialogButtonBox.ButtonRole.AcceptRole)
        self.save.setObjectName("postpone")
        self.cancel = self.buttons.addButton("", QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.tracker = DirtyTracker(self)
        self.tracker.watch(self.reason)
        session.lang.language_changed.connect(self.retranslate)
        self.retranslate()
        self.setMinimumWidth(480)
        self.finished.connect(self.deleteLater)

    def retranslate(self) -> None:
        tr = self._session.lang.translator
        self.setWindowTitle(tr.gettext("Postpone the follow-up"))
        self.heading.setText(tr.gettext("Postpone the follow-up"))
        self.what.setText(self._task_title)
        self.form.retranslate(tr)
        self.due.retranslate(tr)
        self.save.setText(tr.gettext("Postpone"))
        self.cancel.setText(tr.gettext("Cancel"))
        for b in (self.save, self.cancel):
            b.setAccessibleName(b.text())

    def submit(self) -> None:
        if not self.due.check():
            return
        new_date = self.due.value()
        if new_date is None:
            self.form.set_error("due_date", lambda tr: tr.gettext("This field is required."))
            return
        reason, task_id = self.reason.text(), self._task_id
        self.form.clear_errors()
        self.message.clear_message()

        def saved(result: Any) -> None:
            self.tracker.mark_clean()
            self.accept()
            if self._on_saved is not None:
                self._on_saved(result)

        def failed(exc: BaseException) -> None:
            tr = self._session.lang.translator
            if isinstance(exc, ValidationError):
                left = self.form.show_validation(exc, tr)
                if left:
                    self.message.show_error("\n".join(left))
            else:
                self.message.show_error(friendly_message(exc, tr))

        ChangeOp(
            self._session,
            parent=self,
            op=lambda ws: ws.tasks.reschedule(task_id, new_date, reason),
            success=saved,
        ).failure(failed).run()

    def reject(self) -> None:
        if self.tracker.dirty and self.isVisible():
            confirm_discard(self, self._session.lang.translator, super().reject)
        else:
            super().reject()
