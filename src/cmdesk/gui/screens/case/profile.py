"""The child and the case at a glance: who the child is, where they live, who they live with,
what the concerns are, and the follow-ups due.

The identity number can be copied for a form at the district office; it leaves the clipboard
after 30 seconds (security.ClipboardGuard) so the next program pasted into never gets it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QPushButton,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from cmdesk.core.acting.case_actions import CaseAction
from cmdesk.core.acting.thai_time import thai_today
from cmdesk.core.i18n import N_, age_on, format_birth_date, format_date, format_datetime
from cmdesk.core.model import catalog
from cmdesk.core.reference.ethnicity import ethnic_group
from cmdesk.core.reference.identity import format_thai_id
from cmdesk.gui.screens.case.base import CaseTab
from cmdesk.gui.screens.case.case_edits import (
    AssignDialog,
    ConcernsDialog,
    FollowUpDialog,
    MechanismLinkDialog,
    RiskDialog,
)
from cmdesk.gui.screens.case.data import CaseBundle
from cmdesk.gui.widgets.choice import code_labels
from cmdesk.gui.widgets.details import DetailsGrid, record_list, stretch_column
from cmdesk.gui.widgets.labels import Heading
from cmdesk.gui.widgets.push_button import push_button
from cmdesk.gui.widgets.scroll_body import scroll_body

if TYPE_CHECKING:
    from cmdesk.core.services.children import HouseholdMemberDTO
    from cmdesk.gui.screens.case.page import CasePage
    from cmdesk.gui.session import Session

CHILD_ROWS = (
    ("name_th", N_("Name in Thai")),
    ("name_latin", N_("Name in Latin letters")),
    ("nickname", N_("Nickname")),
    ("sex", N_("Sex")),
    ("birth", N_("Date of birth")),
    ("ethnicity", N_("Ethnic group")),
    ("nationality", N_("Nationality")),
    ("legal_status", N_("Legal status")),
    ("document", N_("Identity document")),
    ("address", N_("Address")),
    ("village", N_("Village")),
    ("languages", N_("Languages")),
    ("school", N_("School")),
    ("disability", N_("Disability")),
)
# Plain texts shown inside another row (the school's name beside its status); every other
# plain text of the child gets a row of its own under its catalog label.
COMBINED_TEXTS = frozenset({"school_name", "disability_details"})
MORE_TEXTS = tuple(n for n in catalog.plain_texts("child") if n not in COMBINED_TEXTS)
CASE_ROWS = (
    ("concerns", N_("Protection concerns")),
    ("risk", N_("Risk level")),
    ("risk_reason", N_("Why this risk level")),
    ("manager", N_("Case manager")),
    ("worker", N_("Field worker")),
    ("opened", N_("Opened on")),
    ("referred_by", catalog.label_of("case_file", "referred_by_mechanism_id")),
    ("referred_to", catalog.label_of("case_file", "referred_to_mechanism_id")),
    ("from_referral", catalog.label_of("case_file", "from_referral_id")),
)


class ProfileTab(CaseTab):
    def __init__(self, page: CasePage) -> None:
        super().__init__(page)
        self.setObjectName("case-profile")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        scroll, body = scroll_body(self)
        outer.addWidget(scroll)
        layout = QVBoxLayout(body)
        self.child_heading = Heading(parent=body, level=2)
        layout.addWidget(self.child_heading)
        self.copy_id = push_button(body, "copy-id-number", self._copy_id, "copy")
        self.child = DetailsGrid(body)
        for key, msgid in CHILD_ROWS:
            self.child.add(key, msgid, self.copy_id if key == "document" else None)
        for name in MORE_TEXTS:
            self.child.add(name, catalog.label_of("child", name))
        layout.addWidget(self.child)
        child_edits = QHBoxLayout()
        self.edit_child = push_button(body, "edit-child", self._open_child)
        child_edits.addWidget(self.edit_child)
        child_edits.addStretch(1)
        layout.addLayout(child_edits)
        self.household_heading = Heading(parent=body, level=2)
        layout.addWidget(self.household_heading)
        self.household = record_list(body, "household", max_height=120)
        self.household.itemSelectionChanged.connect(self._member_chosen)
        self.household.itemActivated.connect(lambda _item, _col: self._edit_member())
        layout.addWidget(self.household)
        member_edits = QHBoxLayout()
        self.add_member = push_button(body, "add-member", self._add_member)
        self.edit_member = push_button(body, "edit-member", self._edit_member)
        self.remove_member = push_button(body, "remove-member", self._remove_member)
        for button in (self.add_member, self.edit_member, self.remove_member):
            member_edits.addWidget(button)
        member_edits.addStretch(1)
        layout.addLayout(member_edits)
        self.case_heading = Heading(parent=body, level=2)
        layout.addWidget(self.case_heading)
        self.case = DetailsGrid(body)
        # The referral from another organisation this case was opened for, to read again.
        self.show_referral = push_button(body, "show-referral", self._show_referral, "referrals")
        for key, msgid in CASE_ROWS:
            self.case.add(key, msgid, self.show_referral if key == "from_referral" else None)
        self.case.set_row_visible("from_referral", False)  # until a case opened for one shows
        self.show_referral.setVisible(False)
        layout.addWidget(self.case)
        # Offered only when the core lists the action for the signed-in user (CaseDTO.actions).
        edits = QHBoxLayout()
        self.change_risk = push_button(body, "change-risk", lambda: self._edit(RiskDialog))
        self.change_concerns = push_button(
            body, "change-concerns", lambda: self._edit(ConcernsDialog)
        )
        self.reassign = push_button(body, "reassign", lambda: self._edit(AssignDialog))
        self.link_mechanism = push_button(
            body, "link-mechanism", lambda: self._edit(MechanismLinkDialog)
        )
        for button in (self.change_risk, self.change_concerns, self.reassign, self.link_mechanism):
            edits.addWidget(button)
        for button in self._edit_buttons():
            button.hide()
        edits.addStretch(1)
        layout.addLayout(edits)
        self.risk_heading = Heading(parent=body, level=3)
        layout.addWidget(self.risk_heading)
        self.risk_history = record_list(body, "risk-history", wrap=True, max_height=140)
        layout.addWidget(self.risk_history)
        self.tasks_heading = Heading(parent=body, level=2)
        layout.addWidget(self.tasks_heading)
        self.tasks = record_list(body, "case-tasks", max_height=120)
        layout.addWidget(self.tasks)
        task_row = QHBoxLayout()
        self.add_task = push_button(body, "add-follow-up", lambda: self._edit(FollowUpDialog))
        self.add_task.hide()
        task_row.addWidget(self.add_task)
        task_row.addStretch(1)
        layout.addLayout(task_row)
        layout.addStretch(1)
        self._id_number = ""

    def title(self) -> str:
        return self.translator.gettext("Child and case")

    def retranslate(self) -> None:
        tr = self.translator
        self.child_heading.setText(tr.gettext("About the child"))
        self.household_heading.setText(tr.gettext("Household and caregivers"))
        self.case_heading.setText(tr.gettext("The case"))
        self.tasks_heading.setText(tr.gettext("Follow-ups"))
        self.add_task.setText(tr.gettext("Add a follow-up…"))
        self.add_task.setAccessibleName(self.add_task.text())
        self.risk_heading.setText(tr.gettext("Risk history"))
        self.edit_child.setText(tr.gettext("Edit the child's details"))
        self.add_member.setText(tr.gettext("Add a member"))
        self.edit_member.setText(tr.gettext("Edit"))
        self.remove_member.setText(tr.gettext("Remove"))
        self.change_risk.setText(tr.gettext("Change risk level"))
        self.change_concerns.setText(tr.gettext("Change concerns"))
        self.reassign.setText(tr.gettext("Reassign"))
        self.link_mechanism.setText(tr.gettext("Community mechanism…"))
        self.show_referral.setText(tr.gettext("See the referral…"))
        self.show_referral.setAccessibleName(self.show_referral.text())
        for button in self._edit_buttons():
            button.setAccessibleName(button.text())
        self.risk_history.setHeaderLabels(
            [tr.gettext("When"), tr.gettext("Risk level"), tr.gettext("Why"), tr.gettext("By")]
        )
        self.risk_history.setAccessibleName(self.risk_heading.text())
        stretch_column(self.risk_history, 2)
        self.child.retranslate(tr)
        self.case.retranslate(tr)
        self.copy_id.setText(tr.gettext("Copy number"))
        self.copy_id.setToolTip(
            tr.gettext("Copies the number; it is cleared from the clipboard after 30 seconds.")
        )
        self.copy_id.setAccessibleName(self.copy_id.text())
        self.household.setHeaderLabels(
            [
                tr.gettext("Name"),
                tr.gettext("Relationship"),
                tr.gettext("Caregiver"),
                tr.gettext("Lives with the child"),
                tr.gettext("Phone"),
            ]
        )
        self.tasks.setHeaderLabels([tr.gettext("Due"), tr.gettext("Task"), tr.gettext("Status")])
        self.household.setAccessibleName(self.household_heading.text())
        self.tasks.setAccessibleName(self.tasks_heading.text())
        stretch_column(self.household, 0)
        stretch_column(self.tasks, 1)

    def clear(self) -> None:
        self.child.clear()
        self.case.clear()
        self.household.clear()
        self.tasks.clear()
        self.risk_history.clear()
        for button in (*self._edit_buttons(), self.add_task):
            button.hide()
        self._id_number = ""
        self.copy_id.setEnabled(False)

    def show_bundle(self, b: CaseBundle) -> None:
        tr, locale = self.translator, self.translator.locale
        c, case = b.child, b.case

        lab = code_labels(tr)

        self.child.set("name_th", c.name_th)
        self.child.set("name_latin", c.name_latin)
        self.child.set("nickname", c.nickname)
        self.child.set("sex", lab("sex", c.sex))
        birth = ""
        if c.birth is not None:
            birth = format_birth_date(c.birth, locale, tr=tr)
            birth += " · " + tr.nformat(
                "{n} year old", "{n} years old", age_on(c.birth, thai_today())
            )
        self.child.set("birth", birth)
        group = ethnic_group(c.ethnicity) if c.ethnicity else None
        self.child.set("ethnicity", group.label(locale) if group else "")
        self.child.set("nationality", lab("nationality", c.nationality))
        self.child.set("legal_status", lab("legal_status", c.legal_status))
        number = c.id_number or ""
        shown = format_thai_id(number) if len(number) == 13 and number.isdigit() else number
        document = lab("document_type", c.id_document_type)
        self.child.set("document", f"{document}: {shown}" if shown else document)
        self._id_number = number
        self.copy_id.setEnabled(bool(number))
        self.copy_id.setVisible(bool(number))
        self.child.set("address", b.address.get(locale, ""))
        self.child.set("village", c.village)
        self.child.set("languages", ", ".join(lab("language", x) for x in c.languages))
        school = lab("school_status", c.school_status)
        school_name = c.texts["school_name"]
        self.child.set("school", f"{school}: {school_name}" if school_name else school)
        disability = lab("disability", c.disability)
        details = c.texts["disability_details"]
        self.child.set("disability", f"{disability}: {details}" if details else disability)
        for name in MORE_TEXTS:
            self.child.set(name, c.texts[name])

        self.household.clear()
        yes, no = tr.gettext("Yes"), tr.gettext("No")
        # Whoever works on the case may correct the child and the household, closed or not.
        edits = b.may(CaseAction.EDIT_CHILD)
        for button in (self.edit_child, self.add_member, self.edit_member, self.remove_member):
            button.setVisible(edits)
        for m in c.household:
            item = QTreeWidgetItem(
                self.household,
                [
                    m.name,
                    lab("relationship", m.relationship),
                    yes if m.is_caregiver else no,
                    yes if m.lives_with_child else no,
                    m.phone,
                ],
            )
            item.setData(0, Qt.ItemDataRole.UserRole, m.id)
        self._member_chosen()

        concerns = [lab("concern", x) for x in case.concerns]
        if case.concern_other:
            concerns.append(case.concern_other)
        self.case.set("concerns", ", ".join(concerns))
        self.case.set("risk", lab("risk", case.risk_level))
        self.case.set("risk_reason", case.risk_reason)
        self.case.set("manager", b.who(case.case_manager_id, tr))
        self.case.set("worker", b.who(case.assigned_worker_id, tr))
        self.case.set("opened", format_date(case.opened_at, locale, "long"))
        self.case.set("referred_by", b.mechanism_name(case.referred_by_mechanism_id))
        self.case.set("referred_to", b.mechanism_name(case.referred_to_mechanism_id))
        self.case.set("from_referral", tr.format("From {org}", org=case.from_referral_org))
        self.case.set_row_visible("from_referral", case.from_referral_id is not None)
        self.show_referral.setVisible(case.from_referral_readable)
        self.link_mechanism.setVisible(b.may(CaseAction.EDIT_CASE))
        self.change_risk.setVisible(b.may(CaseAction.EDIT_CASE))
        self.change_concerns.setVisible(b.may(CaseAction.EDIT_CASE))
        self.reassign.setVisible(
            b.may(CaseAction.ASSIGN_WORKER) or b.may(CaseAction.ASSIGN_MANAGER)
        )
        self.risk_history.clear()
        # Newest first: the level in force now is the one at the top.
        for r in sorted(case.risk_history, key=lambda r: r.at, reverse=True):
            item = QTreeWidgetItem(
                self.risk_history,
                [format_datetime(r.at, locale), lab("risk", r.level), r.reason, b.who(r.by, tr)],
            )
            item.setToolTip(2, r.reason)

        self.add_task.setVisible(b.may(CaseAction.ADD_TASK))
        self.tasks.clear()
        for t in b.tasks:
            QTreeWidgetItem(
                self.tasks,
                [format_date(t.due_date, locale), t.title, lab("task_status", t.status)],
            )

    def _copy_id(self) -> None:
        if not self._id_number:
            return
        self.session.clipboard.copy(self._id_number)
        self.page.message.show_note(
            lambda tr: tr.gettext(
                "The identity number is copied. It will be cleared from the clipboard in "
                "30 seconds."
            ),
            self.translator,
        )

    # -- changes ----------------------------------------------------------------------------
    def _edit_buttons(self) -> tuple[QPushButton, ...]:
        return (
            self.edit_child,
            self.add_member,
            self.edit_member,
            self.remove_member,
            self.change_risk,
            self.change_concerns,
            self.reassign,
            self.link_mechanism,
        )

    def _show_referral(self) -> None:
        b = self.bundle
        if b is not None and b.case.from_referral_id:
            from cmdesk.gui.screens.referral_detail import ReferralDetailDialog

            ReferralDetailDialog.show_for(self.session, self.page, b.case.from_referral_id)

    def _chosen_member(self) -> HouseholdMemberDTO | None:
        item = self.household.currentItem()
        b = self.bundle
        if item is None or b is None or not item.isSelected():
            return None
        member_id = item.data(0, Qt.ItemDataRole.UserRole)
        return next((m for m in b.child.household if m.id == member_id), None)

    def _member_chosen(self) -> None:
        chosen = self._chosen_member() is not None
        self.edit_member.setEnabled(chosen)
        self.remove_member.setEnabled(chosen)

    def _open_child(self) -> None:
        from cmdesk.gui.screens.case.child_edit import EditChildDialog

        if self.bundle is not None:
            EditChildDialog(self.session, self, self.bundle.child).open()

    def _add_member(self) -> None:
        from cmdesk.gui.screens.case.child_edit import MemberDialog

        if self.bundle is not None:
            MemberDialog(self.session, self, self.bundle.child.id).open()

    def _edit_member(self) -> None:
        from cmdesk.gui.screens.case.child_edit import MemberDialog

        member = self._chosen_member()
        if self.bundle is not None and member is not None and self.edit_member.isVisible():
            MemberDialog(self.session, self, self.bundle.child.id, member).open()

    def _remove_member(self) -> None:
        member = self._chosen_member()
        if member is None:
            return
        member_id = member.id
        self.ask_reason(
            title=lambda t: t.gettext("Remove household member"),
            prompt=lambda t: t.gettext(
                "The person no longer shows in the household. The record is kept, hidden, "
                "with your reason."
            ),
            ok=lambda t: t.gettext("Remove"),
            change=lambda ws, why: ws.children.remove_household_member(member_id, why),
        )

    def _edit(self, dialog: Callable[[Session, QWidget, CaseBundle], QDialog]) -> None:
        """Opens one of the case's edit dialogs (risk, concerns, worker...) on the case shown."""
        if self.bundle is not None:
            dialog(self.session, self, self.bundle).open()
