"""One case: the child, where the case stands, and a tab per part of the work.

Opened from a caseload row (or a task). Everything shown comes from one read on the worker
(data.load_case) and is read again after any change that touches this case or its child.
Locking drops what is shown and keeps what is being typed; leaving with unsaved text asks.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from cmdesk.core.acting.changes import Kind, OpChanges
from cmdesk.core.errors import OutsideLaptopTeam, ValidationError
from cmdesk.core.model.labels import label_of
from cmdesk.gui.errors import friendly_message
from cmdesk.gui.ops import ChangeOp, QueryOp
from cmdesk.gui.screens.case.base import CaseTab
from cmdesk.gui.screens.case.data import CaseBundle, load_case
from cmdesk.gui.screens.case.workflow_bar import WorkflowBar
from cmdesk.gui.session import Session
from cmdesk.gui.widgets.form import FormGrid
from cmdesk.gui.widgets.labels import Heading, MessageLabel
from cmdesk.gui.widgets.push_button import label_buttons, push_button
from cmdesk.gui.widgets.unsaved import confirm_discard

_RISK_STYLE = {
    "low": "background: #e3f1e4; color: #1e4620;",
    "medium": "background: #fff4ce; color: #5c4400;",
    "high": "background: #fde7e9; color: #a4262c;",
    "critical": "background: #a4262c; color: white;",
}
_CHIP = "border-radius: 10px; padding: 2px 10px;"


class CasePage(QWidget):
    back_requested = Signal()

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("case-page")
        self.session = session
        self.case_id: str | None = None
        self.bundle: CaseBundle | None = None
        self._generation = 0
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)

        header = QHBoxLayout()
        self.back_button = push_button(self, "back-to-caseload", self.request_back, "caseload")
        header.addWidget(self.back_button)
        self.child_name = Heading(parent=self)
        self.child_name.setObjectName("case-child-name")
        self.child_name.setProperty("verbatim", True)  # a child's name, in any script
        header.addWidget(self.child_name, 1)
        self.case_number = QLabel(self)
        self.case_number.setObjectName("case-number")
        self.case_number.setProperty("verbatim", True)
        header.addWidget(self.case_number)
        self.risk = QLabel(self)
        self.risk.setObjectName("case-risk")
        header.addWidget(self.risk)
        self.print_button = push_button(self, "print", self.open_print, "print")
        header.addWidget(self.print_button)
        layout.addLayout(header)

        self.workflow = WorkflowBar(self)
        layout.addWidget(self.workflow)
        self.message = MessageLabel(self)
        layout.addWidget(self.message)
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("case-tabs")
        self.tabs.setDocumentMode(True)
        layout.addWidget(self.tabs, 1)
        self.loading = QLabel(self)
        layout.addWidget(self.loading)
        self.loading.hide()
        self.case_tabs: list[CaseTab] = []
        self._build_tabs()

        # Keyboard: Alt+Left goes back as in a browser; Ctrl+P prints as everywhere.
        back = QShortcut(QKeySequence("Alt+Left"), self)
        back.activated.connect(self.request_back)
        printing = QShortcut(QKeySequence.StandardKey.Print, self)
        printing.activated.connect(self.open_print)

        session.operation_did_execute.connect(self._changed)
        session.lang.follow(self.retranslate)

    def _build_tabs(self) -> None:
        from cmdesk.gui.screens.case.assessment import AssessmentTab
        from cmdesk.gui.screens.case.consents import ConsentTab
        from cmdesk.gui.screens.case.history import HistoryTab
        from cmdesk.gui.screens.case.notes import NotesTab
        from cmdesk.gui.screens.case.plan import PlanTab
        from cmdesk.gui.screens.case.profile import ProfileTab
        from cmdesk.gui.screens.case.referrals import ReferralsTab
        from cmdesk.gui.screens.case.reviews import ReviewsTab

        self.profile = ProfileTab(self)
        self.assessment = AssessmentTab(self)
        self.plan = PlanTab(self)
        self.reviews = ReviewsTab(self)
        self.notes = NotesTab(self)
        self.consents = ConsentTab(self)
        self.referrals = ReferralsTab(self)
        self.history = HistoryTab(self)
        self.case_tabs = [
            self.profile,
            self.assessment,
            self.plan,
            self.reviews,
            self.notes,
            self.consents,
            self.referrals,
            self.history,
        ]
        # Each tab scrolls on its own: on a 1024x600 screen the forms are taller than the room
        # left under the case header, and the window must never grow past the screen.
        self._holders: dict[CaseTab, QScrollArea] = {}
        for tab in self.case_tabs:
            holder = QScrollArea(self.tabs)
            holder.setWidgetResizable(True)
            holder.setFrameShape(QFrame.Shape.NoFrame)
            holder.setWidget(tab)
            self._holders[tab] = holder
            self.tabs.addTab(holder, "")

    def show_tab(self, tab: CaseTab) -> None:
        self.tabs.setCurrentWidget(self._holders[tab])

    def current_tab(self) -> CaseTab:
        return self.case_tabs[self.tabs.currentIndex()]

    # -- opening and reloading ----------------------------------------------------------------
    def open_case(self, case_id: str) -> None:
        if case_id != self.case_id:
            self.clear()
            self.tabs.setCurrentIndex(0)
        self.case_id = case_id
        self.reload()

    def reload(self) -> None:
        case_id = self.case_id
        if case_id is None or not self.session.is_unlocked:
            return
        self._generation += 1
        generation = self._generation
        self.loading.setText(self.session.lang.translator.gettext("Loading the case…"))
        self.loading.show()

        def arrived(bundle: CaseBundle) -> None:
            if generation != self._generation or case_id != self.case_id:
                return  # an older read, or another case opened meanwhile
            self.loading.hide()
            self.show_bundle(bundle)

        def failed(exc: BaseException) -> None:
            if generation == self._generation:
                self.loading.hide()
                if self.session.is_unlocked:
                    self.message.show_error(
                        lambda tr: friendly_message(exc, tr), self.session.lang.translator
                    )

        QueryOp(
            self.session, parent=self, op=lambda ws: load_case(ws, case_id), success=arrived
        ).failure(failed).run()

    def show_bundle(self, bundle: CaseBundle) -> None:
        self.bundle = bundle
        tr = self.session.lang.translator
        case, child = bundle.case, bundle.child
        first, second = (
            (child.name_th, child.name_latin)
            if tr.locale == "th"
            else (child.name_latin, child.name_th)
        )
        name = first or second or child.nickname
        if child.nickname and name != child.nickname:
            name = f"{name} ({child.nickname})"
        self.child_name.setText(name)
        self.case_number.setText(case.case_number)
        self.risk.setText(tr.gettext(label_of("risk", case.risk_level)))
        self.risk.setStyleSheet(_CHIP + _RISK_STYLE.get(case.risk_level, ""))
        self.workflow.show_bundle(bundle)
        for tab in self.case_tabs:
            tab.show_bundle(bundle)
        self._update_tab_titles()
        if case.read_only_for_team:
            # Why nothing can be changed: the case was handed to another team (laptop_team).
            own = case.read_only_for_team
            self.message.show_note(lambda t: t.format(OutsideLaptopTeam.msgid, own=own), tr)

    def clear(self) -> None:
        """Nothing of the child stays on screen (lock, or another case opening)."""
        self._generation += 1
        self.bundle = None
        self.child_name.setText("")
        self.case_number.setText("")
        self.risk.setText("")
        self.risk.setStyleSheet("")
        self.message.clear_message()
        self.workflow.clear()
        for tab in self.case_tabs:
            tab.clear()

    def _changed(self, changes: OpChanges, _initiator: object) -> None:
        b = self.bundle
        if b is None or not self.isVisible():
            return
        mine = {b.case.id, b.child.id}
        if changes.ids & mine or changes.touches(Kind.CONSENT) or changes.touches(Kind.REFERRAL):
            self.reload()

    # -- lock -----------------------------------------------------------------------------------
    def on_locked(self) -> None:
        self.clear()

    def on_unlocked(self) -> None:
        if self.case_id is not None:
            self.reload()

    # -- leaving ------------------------------------------------------------------------------
    def has_unsaved(self) -> bool:
        return any(tab.tracker.dirty for tab in self.case_tabs)

    def leave(self, then: Callable[[], None]) -> None:
        """Runs `then` now if nothing typed would be lost, else after the user agrees."""
        if not self.has_unsaved():
            then()
            return

        def discard() -> None:
            for tab in self.case_tabs:
                tab.discard()
            then()

        confirm_discard(self, self.session.lang.translator, discard)

    def request_back(self) -> None:
        self.leave(self.back_requested.emit)

    # -- actions shared by tabs -----------------------------------------------------------------
    def change(self, op: Callable[[Any], Any], form: FormGrid | None = None) -> None:
        self.message.clear_message()
        ChangeOp(self.session, parent=self, op=op).failure(
            lambda exc: self.show_failure(exc, form)
        ).run()

    def show_failure(self, exc: BaseException, form: FormGrid | None = None) -> None:
        tr = self.session.lang.translator
        if isinstance(exc, ValidationError) and form is not None:
            left = form.show_validation(exc, tr)
            if left:
                self.message.show_error("\n".join(left))
            return
        self.message.show_error(lambda t: friendly_message(exc, t), tr)

    def open_print(self) -> None:
        if self.bundle is None:
            return
        from cmdesk.gui.screens.print_dialog import PrintDialog, PrintJob

        PrintDialog.show_for(self.session, self, PrintJob.for_case(self.bundle.case.id))

    # -- text -----------------------------------------------------------------------------------
    def retranslate(self) -> None:
        tr = self.session.lang.translator
        label_buttons(
            {self.back_button: tr.gettext("Caseload"), self.print_button: tr.gettext("Print…")}
        )
        self.back_button.setToolTip(tr.gettext("Back to the caseload (Alt+Left)"))
        self.print_button.setToolTip(tr.gettext("Print or save as PDF (Ctrl+P)"))
        self.tabs.setAccessibleName(tr.gettext("Parts of the case"))
        self.workflow.retranslate()
        self.message.retranslate(tr)
        for tab in self.case_tabs:
            tab.retranslate()
        self._update_tab_titles()
        if self.bundle is not None:
            self.show_bundle(self.bundle)

    def _update_tab_titles(self) -> None:
        for i, tab in enumerate(self.case_tabs):
            self.tabs.setTabText(i, tab.title())
