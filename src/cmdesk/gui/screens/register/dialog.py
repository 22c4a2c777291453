"""Register a child: details → possible duplicates (only if any) → open the case.

Nothing is written until the worker has seen any possible duplicates: the draft is checked
first (field errors land under their fields), then compared with the children already in the
vault. Registering and opening the case are two steps, so a registered child whose case
cannot be opened yet (the risk not yet known) is not lost.

For a referral the organisation accepted (`intake`), the forms start filled in with what the
referral shares, and the child and case are registered for it (services.referral_intake): the
sender's record of the child, held here, is not offered as a duplicate.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from cmdesk.core.errors import DuplicateSuspected, ValidationError
from cmdesk.core.i18n import N_
from cmdesk.gui.errors import friendly_message
from cmdesk.gui.ops import ChangeOp, QueryOp
from cmdesk.gui.screens.register.child_form import ChildForm
from cmdesk.gui.screens.register.duplicates import Candidate, DuplicatesPanel, with_places
from cmdesk.gui.screens.register.household_section import HouseholdSection
from cmdesk.gui.screens.register.open_case import OpenCaseForm
from cmdesk.gui.session import Session
from cmdesk.gui.widgets.dialog_frame import dialog_title, one_use_dialog
from cmdesk.gui.widgets.form import FormGrid
from cmdesk.gui.widgets.labels import Heading, MessageLabel, WrapLabel
from cmdesk.gui.widgets.prompts import ask
from cmdesk.gui.widgets.push_button import push_button
from cmdesk.gui.widgets.screen_fit import fit_to_screen
from cmdesk.gui.widgets.unsaved import DirtyTracker, confirm_discard

if TYPE_CHECKING:
    from cmdesk.core.services.child_drafts import ChildDraft
    from cmdesk.core.services.children import ChildDTO
    from cmdesk.core.services.referral_intake import Intake

FORM, DUPLICATES, CASE = 0, 1, 2
FIRST_VISIT = N_("First visit to assess the child's safety")


class RegisterChildDialog(QDialog):
    case_opened = Signal(str)

    def __init__(self, session: Session, parent: QWidget, intake: Intake | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("register-child")
        self._session = session
        self.intake = intake
        self._referral = intake.referral_id if intake else None
        self._draft: ChildDraft | None = None
        self.child: ChildDTO | None = None
        layout = QVBoxLayout(self)
        self.title = Heading(parent=self, level=2)
        layout.addWidget(self.title)
        self.steps = QStackedWidget(self)
        layout.addWidget(self.steps, 1)

        form_page = QWidget(self.steps)
        box = QVBoxLayout(form_page)
        box.setContentsMargins(0, 0, 0, 0)
        self.intro = WrapLabel(parent=form_page)
        box.addWidget(self.intro)
        scroll = QScrollArea(form_page)
        scroll.setWidgetResizable(True)
        holder = QWidget(scroll)
        stack = QVBoxLayout(holder)
        self.form = ChildForm(session, holder)
        stack.addWidget(self.form)
        self.household = HouseholdSection(session.lang, holder)
        stack.addWidget(self.household)
        scroll.setWidget(holder)
        box.addWidget(scroll, 1)
        self.steps.addWidget(form_page)

        self.duplicates = DuplicatesPanel(self.steps)
        self.steps.addWidget(self.duplicates)

        case_page = QWidget(self.steps)
        cbox = QVBoxLayout(case_page)
        cbox.setContentsMargins(0, 0, 0, 0)
        self.registered = WrapLabel(parent=case_page)
        self.registered.setObjectName("registered-note")
        self.registered.setStyleSheet("color: #1e4620; background: #e3f1e4; padding: 6px;")
        cbox.addWidget(self.registered)
        self.case_form = OpenCaseForm(case_page)
        cbox.addWidget(self.case_form)
        cbox.addStretch(1)
        self.steps.addWidget(case_page)

        self.message = MessageLabel(self)
        layout.addWidget(self.message)
        nav = QHBoxLayout()
        self.cancel_button = push_button(self, "cancel", self.reject)
        nav.addWidget(self.cancel_button)
        self.back_button = push_button(self, "back", lambda: self.go_to(FORM))
        nav.addWidget(self.back_button)
        nav.addStretch(1)
        self.next_button = QPushButton(self)
        self.next_button.setObjectName("next")
        self.next_button.setDefault(True)
        self.next_button.clicked.connect(self.next)
        nav.addWidget(self.next_button)
        layout.addLayout(nav)

        if intake is not None:
            self._fill(intake)
        self.tracker = DirtyTracker(self)
        self.tracker.watch(*self.form.fields(), *self.case_form.fields())
        self.household.changed.connect(self.tracker.touch)
        one_use_dialog(self, session.lang, self.retranslate)
        self.form.start()
        self.go_to(FORM)
        fit_to_screen(self, 860, 700)

    def _fill(self, intake: Intake) -> None:
        """What the referral shares, before anything is watched for changes: closing the
        dialog untouched loses nothing (the referral still holds it)."""
        self.form.fill(intake.child)
        self.household.set_members(intake.child.household)
        f = self.case_form
        f.concerns.set_codes(intake.concerns)
        f.concern_other.setText(intake.concern_other)
        if intake.risk_level:
            f.risk.set_code(intake.risk_level)
        f.risk_reason.setText(intake.risk_reason)

    # -- text -------------------------------------------------------------------------------
    def retranslate(self) -> None:
        tr = self._session.lang.translator
        if self.intake is not None:
            dialog_title(self, self.title, tr.gettext("Register the referred child"))
            self.intro.setText(
                tr.format(
                    "What {org} shares in its referral is filled in. Check it, add what you "
                    "know, and register the child at your organisation; then open your case.",
                    org=self.intake.from_org_code,
                )
            )
        else:
            dialog_title(self, self.title, tr.gettext("Register a child"))
            self.intro.setText(
                tr.gettext(
                    "Write what the child and family told you. Give at least one name: in "
                    "Thai, in Latin letters, or a nickname. Fields you do not know can stay "
                    "empty."
                )
            )
        self.form.retranslate(tr)
        self.household.retranslate(tr)
        self.duplicates.retranslate(tr)
        self.case_form.retranslate(tr)
        self.registered.setText(
            tr.gettext(
                "The child is registered. Now open the child's case: what are the protection "
                "concerns, and how great is the risk?"
            )
        )
        self._update_nav()

    def _update_nav(self) -> None:
        tr = self._session.lang.translator
        step = self.steps.currentIndex()
        self.cancel_button.setText(tr.gettext("Cancel") if step != CASE else tr.gettext("Not now"))
        self.back_button.setText(tr.gettext("Back to the form"))
        self.back_button.setVisible(step == DUPLICATES)
        self.next_button.setText(
            {
                FORM: tr.gettext("Check and register"),
                DUPLICATES: tr.gettext("It is a different child: register"),
                CASE: tr.gettext("Open the case"),
            }[step]
        )
        for b in (self.cancel_button, self.back_button, self.next_button):
            b.setAccessibleName(b.text())

    def go_to(self, step: int) -> None:
        self.steps.setCurrentIndex(step)
        self.message.clear_message()
        self._update_nav()
        self.next_button.setEnabled(True)
        if step == FORM:
            self.form.given_th.setFocus()

    # -- steps ------------------------------------------------------------------------------
    def next(self) -> None:
        step = self.steps.currentIndex()
        if step == FORM:
            self.check()
        elif step == DUPLICATES:
            self.register(confirmed=True)
        else:
            self.open_case()

    def check(self) -> None:
        self.form.clear_errors()
        if not self.form.check_id():
            return
        try:
            draft = replace(self.form.draft(), household=self.household.drafts())
        except ValidationError as bad:
            self._failed(bad, self.form)
            return
        self._draft = draft
        self.next_button.setEnabled(False)

        def compared(candidates: list[Candidate]) -> None:
            self.next_button.setEnabled(True)
            if candidates:
                self._show_duplicates(candidates)
            else:
                self.register(confirmed=False)

        QueryOp(
            self._session,
            parent=self,
            op=lambda ws: with_places(
                ws.children.find_duplicates(draft, for_referral=self._referral)
            ),
            success=compared,
        ).failure(lambda exc: self._failed(exc, self.form)).run()

    def _show_duplicates(self, candidates: list[Candidate]) -> None:
        self.duplicates.show_candidates(candidates, self._session.lang.translator)
        self.go_to(DUPLICATES)

    def register(self, *, confirmed: bool) -> None:
        draft = self._draft
        if draft is None:
            return
        self.next_button.setEnabled(False)

        def registered(outcome: Any) -> None:
            self.child = outcome.value
            self.go_to(CASE)
            self.case_form.concerns.setFocus()

        def failed(exc: BaseException) -> None:
            if isinstance(exc, DuplicateSuspected):
                # Someone registered a match since the check (a sync arrived): show it.
                self.next_button.setEnabled(True)
                found = list(exc.candidates)
                QueryOp(
                    self._session,
                    parent=self,
                    op=lambda _ws: with_places(found),
                    success=self._show_duplicates,
                ).run()
                return
            self.go_to(FORM)
            self._failed(exc, self.form)

        ChangeOp(
            self._session,
            parent=self,
            op=lambda ws: ws.children.register_child(
                draft, confirm_not_duplicate=confirmed, for_referral=self._referral
            ),
            success=registered,
        ).failure(failed).run()

    def open_case(self) -> None:
        child = self.child
        if child is None:
            return
        f = self.case_form
        concerns, other = f.concerns.codes(), f.concern_other.text()
        risk, reason = f.risk.code(), f.risk_reason.text()
        # The case starts with its first visit planned, titled in the worker's language (the
        # core decides when it is due, from the risk).
        first_visit = self._session.lang.translator.gettext(FIRST_VISIT)
        f.clear_errors()
        self.next_button.setEnabled(False)

        def opened(outcome: Any) -> None:
            self.tracker.mark_clean()
            self.case_opened.emit(outcome.value.id)
            self.accept()

        ChangeOp(
            self._session,
            parent=self,
            op=lambda ws: ws.cases.open_case(
                child.id,
                concerns,
                risk,
                reason,
                concern_other=other,
                first_visit=first_visit,
                for_referral=self._referral,
            ),
            success=opened,
        ).failure(lambda exc: self._failed(exc, f)).run()

    def _failed(self, exc: BaseException, form: FormGrid) -> None:
        self.next_button.setEnabled(True)
        tr = self._session.lang.translator
        if isinstance(exc, ValidationError):
            left = form.show_validation(exc, tr)
            self.message.show_error("\n".join(left) if left else tr.gettext(exc.text_id))
        else:
            self.message.show_error(friendly_message(exc, tr))

    # -- leaving ----------------------------------------------------------------------------
    def reject(self) -> None:
        tr = self._session.lang.translator
        if not self.isVisible():  # locked, and someone else unlocked: close without asking
            super().reject()
        elif self.steps.currentIndex() == CASE:
            ask(
                self,
                tr.gettext(
                    "The child is registered but has no case yet, so colleagues will not see "
                    "the child in the caseload. Close without opening the case?"
                ),
                yes=tr.gettext("Close"),
                no=tr.gettext("Back"),
                on_yes=super().reject,
            )
        elif self.tracker.dirty:
            confirm_discard(self, tr, super().reject)
        else:
            super().reject()
