"""Small dialogs that change the case itself: its risk level (with the reason), its protection
concerns, and who works on it.

Each one is offered only when the core lists the matching CaseAction for the signed-in user;
the service checks again on save, and what it refuses lands under the field it names.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import (
    QDialog,
    QLineEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from cmdesk.core.acting.changes import Kind, OpChanges
from cmdesk.core.i18n import N_
from cmdesk.core.services.cases import MANAGER_ROLES, WORKER_ROLES
from cmdesk.gui.ops import ChangeOp, QueryOp
from cmdesk.gui.session import Session
from cmdesk.gui.widgets.choice import CheckList, ChoiceCombo, Item, kind_items
from cmdesk.gui.widgets.dialog_buttons import ok_cancel_buttons, translate_ok_cancel
from cmdesk.gui.widgets.dialog_frame import dialog_title
from cmdesk.gui.widgets.form import FormGrid
from cmdesk.gui.widgets.labels import MessageLabel, add_heading_and_text
from cmdesk.gui.widgets.text_box import TextBox
from cmdesk.gui.widgets.unsaved import DirtyTracker, confirm_discard

if TYPE_CHECKING:
    from cmdesk.core.services.users import UserDTO
    from cmdesk.core.workspace import Workspace
    from cmdesk.gui.screens.case.data import CaseBundle


class CaseEditDialog(QDialog):
    """A form, a line for what no field owns, Save and Cancel; the change runs on the worker
    and the page reloads from the change signal."""

    title_msgid = ""
    intro_msgid = ""
    save_msgid = N_("Save")
    scrolls = False  # long forms scroll inside a dialog sized to the screen

    def __init__(self, session: Session, parent: QWidget, name: str) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self._session = session
        self._layout = QVBoxLayout(self)
        self.title, self.intro = add_heading_and_text(self._layout, self)
        self.form = self.make_form()
        if self.scrolls:
            scroll = QScrollArea(self)
            scroll.setWidgetResizable(True)
            scroll.setWidget(self.form)
            self._layout.addWidget(scroll, 1)
        else:
            self._layout.addWidget(self.form)
        self.message = MessageLabel(self)
        self._layout.addWidget(self.message)
        self.buttons, self.save, self.cancel = ok_cancel_buttons(self, "save", self.submit)
        self.cancel.setObjectName("cancel")
        self._layout.addWidget(self.buttons)
        self.tracker = DirtyTracker(self)
        self.setMinimumWidth(480)
        session.lang.language_changed.connect(self.retranslate)
        self.finished.connect(self.deleteLater)

    def retranslate(self) -> None:
        tr = self._session.lang.translator
        dialog_title(self, self.title, tr.gettext(self.title_msgid))
        self.intro.setText(tr.gettext(self.intro_msgid) if self.intro_msgid else "")
        self.intro.setVisible(bool(self.intro_msgid))
        self.form.retranslate(tr)
        translate_ok_cancel(tr, self.save, tr.gettext(self.save_msgid), self.cancel)

    # -- to implement -----------------------------------------------------------------------
    def make_form(self) -> FormGrid:
        return FormGrid(self)

    def operation(self) -> Callable[[Workspace], Any] | None:
        raise NotImplementedError

    # -- shared -------------------------------------------------------------------------------
    def submit(self) -> None:
        op = self.operation()
        if op is None:
            return
        self.form.clear_errors()
        self.message.clear_message()
        self.save.setEnabled(False)

        def saved(_result: Any) -> None:
            self.tracker.mark_clean()
            self.accept()

        def failed(exc: BaseException) -> None:
            from cmdesk.gui.errors import show_failure

            self.save.setEnabled(True)
            show_failure(exc, self.form, self.message, self._session.lang.translator)

        ChangeOp(self._session, parent=self, op=op, success=saved).failure(failed).run()

    def reject(self) -> None:
        # Hidden means locked: a different user unlocking closes this without asking them.
        if self.tracker.dirty and self.isVisible():
            confirm_discard(self, self._session.lang.translator, super().reject)
        else:
            super().reject()


class RiskDialog(CaseEditDialog):
    title_msgid = N_("Change risk level")
    intro_msgid = N_(
        "Say what changed for the child. The earlier levels and their reasons stay in the "
        "risk history."
    )
    save_msgid = N_("Save the risk level")

    def __init__(self, session: Session, parent: QWidget, bundle: CaseBundle) -> None:
        super().__init__(session, parent, "risk-dialog")
        self._case_id = bundle.case.id
        self.level = ChoiceCombo(kind_items("risk"), self)
        self.level.setObjectName("risk-level")
        self.form.add("risk_level", N_("Risk level"), self.level, required=True)
        self.reason = TextBox(self, lines=4)
        self.reason.setObjectName("risk-reason")
        self.form.add("risk_reason", N_("Why this risk level"), self.reason, required=True)
        self.tracker.watch(self.reason)
        self.retranslate()
        self.level.set_code(bundle.case.risk_level)

    def retranslate(self) -> None:
        self.level.retranslate(self._session.lang.translator)
        super().retranslate()

    def operation(self) -> Callable[[Workspace], Any]:
        case_id, level, reason = self._case_id, self.level.code(), self.reason.text()
        return lambda ws: ws.cases.set_risk(case_id, level, reason)


class ConcernsDialog(CaseEditDialog):
    title_msgid = N_("Change concerns")
    save_msgid = N_("Save the concerns")

    def __init__(self, session: Session, parent: QWidget, bundle: CaseBundle) -> None:
        super().__init__(session, parent, "concerns-dialog")
        self._case_id = bundle.case.id
        self.concerns = CheckList(kind_items("concern"), self)
        self.concerns.setObjectName("concerns")
        self.form.add("concerns", N_("Protection concerns"), self.concerns, required=True)
        self.other = QLineEdit(self)
        self.other.setObjectName("concern-other")
        self.form.add("concern_other", N_("The other concern"), self.other)
        self.retranslate()
        self.concerns.set_codes(bundle.case.concerns)
        self.other.setText(bundle.case.concern_other)
        # Watched after filling in: ticking from code is not the user choosing.
        self.tracker.watch(self.other, *self.concerns.boxes.values())

    def retranslate(self) -> None:
        self.concerns.retranslate(self._session.lang.translator)
        super().retranslate()

    def operation(self) -> Callable[[Workspace], Any]:
        case_id, chosen, other = self._case_id, self.concerns.codes(), self.other.text()
        return lambda ws: ws.cases.set_concerns(case_id, chosen, other)


def staff_items(users: list[UserDTO], org_code: str, roles: tuple[str, ...]) -> list[Item]:
    """Active staff of the case's organisation whom the core accepts in that part, by full
    name (the user name when none is recorded)."""
    return [
        (u.id, u.display_name or u.username)
        for u in users
        if u.active and u.org_code == org_code and u.role in roles
    ]


def _keeping(items: list[Item], current: str, bundle: CaseBundle) -> list[Item]:
    """The choices, with the person the case has now when they are not among them (this
    laptop does not know them yet, or they were deactivated):
    shown as chosen, so saving the other part of the assignment keeps them. Before, the box
    showed "Nobody yet" and saving a new case manager took the field worker off the case."""
    if current and all(code != current for code, _label in items):
        return [(current, lambda tr: bundle.who(current, tr)), *items]
    return items


class AssignDialog(CaseEditDialog):
    title_msgid = N_("Reassign the case")
    intro_msgid = N_("Only active staff of the case's organisation can be chosen.")
    save_msgid = N_("Save the assignment")

    def __init__(self, session: Session, parent: QWidget, bundle: CaseBundle) -> None:
        from cmdesk.core.acting.case_actions import CaseAction

        super().__init__(session, parent, "assign-dialog")
        case = bundle.case
        self._case_id = case.id
        self._org_code = bundle.org_code(case.org_id)
        self._was_worker = case.assigned_worker_id or ""
        self._was_manager = case.case_manager_id or ""
        self._bundle = bundle
        self.worker = ChoiceCombo((), self, placeholder=N_("Nobody yet"))
        self.worker.setObjectName("assign-worker")
        self.manager = ChoiceCombo((), self, placeholder=N_("Nobody yet"))
        self.manager.setObjectName("assign-manager")
        for combo in (self.worker, self.manager):
            combo.setProperty("verbatim", True)  # people's names, as they wrote them
        self.may_worker = bundle.may(CaseAction.ASSIGN_WORKER)
        self.may_manager = bundle.may(CaseAction.ASSIGN_MANAGER)
        if self.may_worker:
            self.form.add("assigned_worker_id", N_("Field worker"), self.worker)
        else:
            self.worker.hide()
        if self.may_manager:
            self.form.add("case_manager_id", N_("Case manager"), self.manager)
        else:
            self.manager.hide()
        self.retranslate()
        self.worker.set_code(self._was_worker)
        self.manager.set_code(self._was_manager)
        self.tracker.watch(self.worker, self.manager)
        self.save.setEnabled(False)
        QueryOp(session, parent=self, op=lambda ws: ws.users.people(), success=self._staff).run()

    def _staff(self, users: list[UserDTO]) -> None:
        with self.tracker.paused():
            workers = staff_items(users, self._org_code, WORKER_ROLES)
            managers = staff_items(users, self._org_code, MANAGER_ROLES)
            self.worker.set_items(_keeping(workers, self._was_worker, self._bundle))
            self.manager.set_items(_keeping(managers, self._was_manager, self._bundle))
        self.save.setEnabled(True)

    def retranslate(self) -> None:
        tr = self._session.lang.translator
        self.worker.retranslate(tr)
        self.manager.retranslate(tr)
        super().retranslate()

    def operation(self) -> Callable[[Workspace], Any] | None:
        case_id = self._case_id
        worker = self.worker.code() if self.may_worker else self._was_worker
        manager = self.manager.code() if self.may_manager else self._was_manager
        new_worker = worker != self._was_worker
        new_manager = manager != self._was_manager
        if not (new_worker or new_manager):
            self.accept()
            return None

        def op(ws: Workspace) -> Any:
            # The manager first: a new manager may be the one who names the worker.
            result = None
            if new_manager:
                result = ws.cases.assign_case_manager(case_id, manager or None)
            if new_worker:
                result = ws.cases.assign_worker(case_id, worker or None)
            return result

        return op


class FollowUpDialog(CaseEditDialog):
    """A follow-up on the case: what, when, and who does it (the case's field worker unless
    someone else is chosen)."""

    title_msgid = N_("Add a follow-up")
    save_msgid = N_("Add the follow-up")

    def __init__(self, session: Session, parent: QWidget, bundle: CaseBundle) -> None:
        from datetime import timedelta

        from cmdesk.core.acting.thai_time import thai_today
        from cmdesk.gui.widgets.date_field import DateField

        super().__init__(session, parent, "follow-up-dialog")
        case = bundle.case
        self._case_id = case.id
        self._org_code = bundle.org_code(case.org_id)
        self._default = case.assigned_worker_id or (bundle.actor.user_id if bundle.actor else "")
        self.what = QLineEdit(self)
        self.what.setObjectName("follow-up-title")
        self.form.add("title", N_("What to do"), self.what, required=True)
        self.due = DateField(lambda: session.lang.translator, self, name="due_date")
        self.due.setObjectName("follow-up-date")
        self.due.set_value(thai_today() + timedelta(days=7))
        due_error = self.form.add("due_date", N_("By when"), self.due, required=True)
        self.due.problem.connect(due_error.show_text)
        self.who = ChoiceCombo((), self)
        self.who.setObjectName("follow-up-who")
        self.who.setProperty("verbatim", True)  # people's names, as they wrote them
        self.form.add("assigned_to", N_("Who does it"), self.who)
        self.details = TextBox(self, lines=3)
        self.details.setObjectName("follow-up-details")
        self.form.add("details", N_("Details"), self.details)
        self.tracker.watch(self.what, self.details)
        self.retranslate()
        self.save.setEnabled(False)
        QueryOp(session, parent=self, op=lambda ws: ws.users.people(), success=self._staff).run()

    def _staff(self, users: list[UserDTO]) -> None:
        with self.tracker.paused():
            self.who.set_items(staff_items(users, self._org_code, WORKER_ROLES))
            self.who.set_code(self._default)
        self.save.setEnabled(True)

    def retranslate(self) -> None:
        tr = self._session.lang.translator
        self.who.retranslate(tr)
        self.due.retranslate(tr)
        super().retranslate()

    def operation(self) -> Callable[[Workspace], Any] | None:
        if not self.due.check():
            return None
        due = self.due.value()
        if due is None:
            return None
        case_id, title, details = self._case_id, self.what.text(), self.details.text()
        who = self.who.code() or None
        return lambda ws: ws.tasks.add(case_id, title, due, who, details)


class MechanismLinkDialog(CaseEditDialog):
    """The community mechanism that referred the case to the organisation, and the one the
    organisation referred it to (each may be none)."""

    title_msgid = N_("Community mechanism of the case")
    intro_msgid = N_(
        "The tambon centre or youth council that referred the child to us, or that we "
        "referred the child to. The network figures count cases by mechanism, never by name."
    )

    def __init__(self, session: Session, parent: QWidget, bundle: CaseBundle) -> None:
        super().__init__(session, parent, "mechanism-link-dialog")
        case = bundle.case
        self._case_id = case.id
        self._was = {"from": case.referred_by_mechanism_id, "to": case.referred_to_mechanism_id}
        linked = set(self._was.values())
        # Active mechanisms, and an inactive one only if the case names it already.
        items: list[Item] = [
            (m.id, m.name) for m in bundle.mechanisms if m.active or m.id in linked
        ]
        self.combos: dict[str, ChoiceCombo] = {}
        for direction, name, label in (
            ("from", "referred_by_mechanism_id", N_("Referred by mechanism")),
            ("to", "referred_to_mechanism_id", N_("Referred to mechanism")),
        ):
            combo = ChoiceCombo(items, self, placeholder=N_("None"))
            combo.setObjectName(f"mechanism-{direction}")
            combo.setProperty("verbatim", True)  # the mechanisms' own names
            self.form.add(name, label, combo)
            self.tracker.watch(combo)
            self.combos[direction] = combo
        self.retranslate()
        for direction, combo in self.combos.items():
            combo.set_code(self._was[direction] or "")

    def retranslate(self) -> None:
        for combo in self.combos.values() if hasattr(self, "combos") else ():
            combo.retranslate(self._session.lang.translator)
        super().retranslate()

    def operation(self) -> Callable[[Workspace], Any]:
        case_id = self._case_id
        changed = {
            d: c.code() or None
            for d, c in self.combos.items()
            if (c.code() or None) != self._was[d]
        }

        def link(ws: Workspace) -> OpChanges:
            done = OpChanges.of(Kind.CASE, Kind.MECHANISM, ids=(case_id,))
            for direction, mechanism in changed.items():
                done |= ws.mechanisms.link_case(case_id, mechanism, direction).changes
            return done

        return link
