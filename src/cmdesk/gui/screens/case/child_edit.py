"""Correcting and completing a registered child's details, and the people they live with.

The registration form itself, filled in from the record, so both ask the same questions with
the same rules; the core replaces the details with the form's and audits which fields changed.
Household members are added, corrected and removed one at a time (removal keeps the row,
hidden, with the reason).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QWidget

from cmdesk.core.errors import ValidationError
from cmdesk.core.i18n import N_
from cmdesk.gui.screens.case.case_edits import CaseEditDialog
from cmdesk.gui.screens.register.child_form import ChildForm
from cmdesk.gui.screens.register.household_form import HouseholdMemberForm
from cmdesk.gui.session import Session
from cmdesk.gui.widgets.form import FormGrid
from cmdesk.gui.widgets.screen_fit import fit_to_screen

if TYPE_CHECKING:
    from cmdesk.core.services.children import ChildDTO, HouseholdMemberDTO
    from cmdesk.core.workspace import Workspace


class EditChildDialog(CaseEditDialog):
    title_msgid = N_("Edit the child's details")
    intro_msgid = N_(
        "Correct or complete what the child and family told you. Fields you do not know can "
        "stay empty."
    )
    save_msgid = N_("Save the details")
    scrolls = True

    def __init__(self, session: Session, parent: QWidget, child: ChildDTO) -> None:
        self._child_id = child.id
        super().__init__(session, parent, "edit-child")
        form = self.child_form
        self.retranslate()
        with self.tracker.paused():
            form.fill(child)
        form.start()
        self.tracker.watch(*form.fields())
        for combo in (
            form.sex,
            form.ethnicity,
            form.nationality,
            form.legal_status,
            form.document,
            form.school,
            form.disability,
            form.birth.kind,
            form.address.province,
            form.address.district,
            form.address.subdistrict,
        ):
            self.tracker.watch(combo)
        self.tracker.watch(*form.languages.boxes.values())
        fit_to_screen(self, 860, 700)

    def make_form(self) -> FormGrid:
        self.child_form = ChildForm(self._session, self)
        return self.child_form

    def operation(self) -> Callable[[Workspace], Any] | None:
        form = self.child_form
        form.clear_errors()
        if not form.check_id():
            return None
        try:
            draft = form.draft()
        except ValidationError as bad:
            form.show_validation(bad, self._session.lang.translator)
            return None
        child_id = self._child_id
        return lambda ws: ws.children.update_child(child_id, draft)


class MemberDialog(CaseEditDialog):
    """Adds a member to the child's household, or corrects one (`member` given)."""

    save_msgid = N_("Save the household member")

    def __init__(
        self,
        session: Session,
        parent: QWidget,
        child_id: str,
        member: HouseholdMemberDTO | None = None,
    ) -> None:
        self.title_msgid = (
            N_("Add a household member") if member is None else N_("Edit household member")
        )
        self._child_id = child_id
        self._member_id = member.id if member is not None else None
        super().__init__(session, parent, "household-member")
        form = self.member_form
        self.retranslate()
        if member is not None:
            form.fill(member, session.lang.translator.locale)
        self.tracker.watch(*form.fields(), form.relationship)

    def make_form(self) -> FormGrid:
        self.member_form = HouseholdMemberForm(self)
        return self.member_form

    def operation(self) -> Callable[[Workspace], Any] | None:
        try:
            draft = self.member_form.draft(self._session.lang.translator.locale)
        except ValidationError as bad:
            self.member_form.show_validation(bad, self._session.lang.translator)
            return None
        child_id, member_id = self._child_id, self._member_id
        if member_id is None:
            return lambda ws: ws.children.add_household_member(child_id, draft)
        return lambda ws: ws.children.update_household_member(member_id, draft)
