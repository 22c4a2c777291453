"""The case plan: goals by domain, and for each goal the actions, who does them and by when.

Goals and actions are written at the case plan stage by the case manager; a supervisor then
approves the plan (the buttons are in the workflow bar). While the plan is carried out and
reviewed, anyone on the case marks how each action is going.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QLineEdit,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from cmdesk.core.acting.case_actions import CaseAction
from cmdesk.core.i18n import N_, format_date
from cmdesk.core.model.case import Stage
from cmdesk.core.model.labels import label_of
from cmdesk.gui.screens.case.base import CaseTab
from cmdesk.gui.screens.case.data import CaseBundle
from cmdesk.gui.widgets.choice import ChoiceCombo, Item, Label, kind_items
from cmdesk.gui.widgets.date_field import DateField
from cmdesk.gui.widgets.details import select_row, stretch_column
from cmdesk.gui.widgets.form import FormGrid
from cmdesk.gui.widgets.labels import Heading, WrapLabel
from cmdesk.gui.widgets.push_button import label_buttons, push_button
from cmdesk.gui.widgets.scroll_body import scroll_body

if TYPE_CHECKING:
    from cmdesk.core.services.organisations import OrganisationDTO
    from cmdesk.core.workspace import Workspace
    from cmdesk.gui.screens.case.page import CasePage

ROW_ID = Qt.ItemDataRole.UserRole
ROW_KIND = Qt.ItemDataRole.UserRole + 1


def org_items(b: CaseBundle) -> list[Item]:
    """The network's organisations, the case's own first, by name in the reader's language."""

    def label(org: OrganisationDTO) -> Label:
        return lambda tr: f"{org.name(tr.locale)} ({org.code})"

    return [(o.code, label(o)) for o in b.organisations]


class PlanTab(CaseTab):
    def __init__(self, page: CasePage) -> None:
        super().__init__(page)
        self.setObjectName("case-plan")
        outer = QVBoxLayout(self)
        split = QSplitter(self)
        outer.addWidget(split)

        _scroll, left = scroll_body(split)  # a child of the splitter: its left side
        forms = QVBoxLayout(left)
        forms.setContentsMargins(6, 6, 8, 0)
        self.hint = WrapLabel(parent=left)
        self.hint.setStyleSheet("color: #52606d;")
        forms.addWidget(self.hint)
        self.goal_title = Heading(parent=left, level=2)
        forms.addWidget(self.goal_title)
        self.goal_form = FormGrid(left)
        self.goal_domain = ChoiceCombo(kind_items("domain"), left)
        self.goal_domain.setObjectName("goal-domain")
        self.goal_form.add("domain", N_("Domain"), self.goal_domain, required=True)
        self.goal_text = QLineEdit(left)
        self.goal_text.setObjectName("goal-description")
        self.goal_form.add("description", N_("Goal"), self.goal_text, required=True)
        forms.addWidget(self.goal_form)
        self.add_goal = push_button(left, "add-goal", self._add_goal, "save")
        forms.addWidget(self.add_goal, 0, Qt.AlignmentFlag.AlignRight)

        self.action_title = Heading(parent=left, level=2)
        forms.addWidget(self.action_title)
        self.action_form = FormGrid(left)
        self.action_text = QLineEdit(left)
        self.action_text.setObjectName("action-description")
        self.action_form.add("description", N_("Action"), self.action_text, required=True)
        self.action_org = ChoiceCombo((), left)
        self.action_org.setObjectName("action-organisation")
        self.action_form.add("responsible_org", N_("Who does it"), self.action_org, required=True)
        self.action_due = DateField(lambda: self.translator, left, name="due_date")
        self.action_due.setObjectName("action-due")
        due_error = self.action_form.add("due_date", N_("By when"), self.action_due)
        self.action_due.problem.connect(due_error.show_text)
        forms.addWidget(self.action_form)
        self.add_action = push_button(left, "add-action", self._add_action, "save")
        forms.addWidget(self.add_action, 0, Qt.AlignmentFlag.AlignRight)

        self.progress_title = Heading(parent=left, level=2)
        forms.addWidget(self.progress_title)
        self.action_status = ChoiceCombo(kind_items("action_status"), left)
        self.action_status.setObjectName("action-status")
        forms.addWidget(self.action_status)
        self.set_status = push_button(left, "set-action-status", self._set_status)
        forms.addWidget(self.set_status, 0, Qt.AlignmentFlag.AlignRight)
        self.remove = push_button(left, "remove-plan-row", self._remove)
        forms.addWidget(self.remove, 0, Qt.AlignmentFlag.AlignRight)
        forms.addStretch(1)

        right = QWidget(split)
        box = QVBoxLayout(right)
        box.setContentsMargins(8, 0, 0, 0)
        self.tree_title = Heading(parent=right, level=2)
        box.addWidget(self.tree_title)
        self.status = WrapLabel(parent=right)
        self.status.setObjectName("plan-status")
        box.addWidget(self.status)
        self.tree = QTreeWidget(right)
        self.tree.setObjectName("plan-tree")
        self.tree.setWordWrap(True)
        self.tree.currentItemChanged.connect(lambda *_a: self._update_enabled())
        box.addWidget(self.tree, 1)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        self.tracker.watch(self.goal_text, self.action_text, self.action_due)

    def title(self) -> str:
        return self.translator.gettext("Case plan")

    def retranslate(self) -> None:
        tr = self.translator
        self.goal_title.setText(tr.gettext("Add a goal"))
        self.action_title.setText(tr.gettext("Add an action to the chosen goal"))
        self.progress_title.setText(tr.gettext("Progress of the chosen action"))
        self.tree_title.setText(tr.gettext("Goals and actions"))
        for w in (self.goal_domain, self.action_org, self.action_status):
            w.retranslate(tr)
        self.goal_form.retranslate(tr)
        self.action_form.retranslate(tr)
        self.action_due.retranslate(tr)
        label_buttons(
            {
                self.add_goal: tr.gettext("Add the goal"),
                self.add_action: tr.gettext("Add the action"),
                self.set_status: tr.gettext("Set the status"),
                self.remove: tr.gettext("Remove the chosen goal or action…"),
            }
        )
        self.action_status.setAccessibleName(self.progress_title.text())
        self.tree.setHeaderLabels(
            [
                tr.gettext("Goal or action"),
                tr.gettext("Who"),
                tr.gettext("By when"),
                tr.gettext("Status"),
            ]
        )
        self.tree.setAccessibleName(self.tree_title.text())
        stretch_column(self.tree, 0)
        self._update_enabled()

    def clear(self) -> None:
        self.tree.clear()
        self.status.setText("")

    def show_bundle(self, b: CaseBundle) -> None:
        tr = self.translator
        self.action_org.set_items(org_items(b))
        if not self.action_org.code() and b.organisations:
            self.action_org.set_code(b.organisations[0].code)
        plan = b.plan
        text = tr.format(
            "The plan is: {status}", status=tr.gettext(label_of("plan_status", plan.status))
        )
        if plan.return_reason:
            text += "\n" + tr.format("Returned because: {reason}", reason=plan.return_reason)
        self.status.setText(text)
        self.status.setProperty("verbatim", bool(plan.return_reason))
        selected = self._selected()
        self.tree.clear()
        for goal in plan.goals:
            item = QTreeWidgetItem(
                self.tree,
                [
                    f"{tr.gettext(label_of('domain', goal.domain))}: {goal.description}",
                    "",
                    "",
                    tr.gettext(label_of("goal_status", goal.status)),
                ],
            )
            item.setData(0, ROW_ID, goal.id)
            item.setData(0, ROW_KIND, "goal")
            for action in goal.actions:
                child = QTreeWidgetItem(
                    item,
                    [
                        action.description,
                        action.responsible_org_code,
                        format_date(action.due_date, tr.locale) if action.due_date else "",
                        tr.gettext(label_of("action_status", action.status)),
                    ],
                )
                child.setData(0, ROW_ID, action.id)
                child.setData(0, ROW_KIND, "action")
            item.setExpanded(True)
        self._select(selected)
        self._update_enabled()

    # -- state ------------------------------------------------------------------------------
    def _selected(self) -> tuple[str, str] | None:
        item = self.tree.currentItem()
        if item is None:
            return None
        return str(item.data(0, ROW_KIND)), str(item.data(0, ROW_ID))

    def _select(self, chosen: tuple[str, str] | None) -> None:
        if chosen is None:
            if self.tree.topLevelItemCount():
                select_row(self.tree, -1)
            return
        for i in range(self.tree.topLevelItemCount()):
            goal = self.tree.topLevelItem(i)
            if goal is None:
                continue
            for item in (goal, *(goal.child(j) for j in range(goal.childCount()))):
                if item is not None and item.data(0, ROW_ID) == chosen[1]:
                    self.tree.setCurrentItem(item)
                    return

    def _goal_id(self) -> str | None:
        item = self.tree.currentItem()
        if item is None:
            return None
        if item.data(0, ROW_KIND) == "action":
            item = item.parent()
        return str(item.data(0, ROW_ID)) if item is not None else None

    def _update_enabled(self) -> None:
        b = self.bundle
        editing = b is not None and b.may(CaseAction.EDIT_PLAN)
        progress = b is not None and b.may(CaseAction.UPDATE_ACTIONS)
        chosen = self._selected()
        for w in (self.goal_domain, self.goal_text, self.add_goal):
            w.setEnabled(editing)
        has_goal = self._goal_id() is not None
        for w in (self.action_text, self.action_org, self.action_due, self.add_action):
            w.setEnabled(editing and has_goal)
        is_action = chosen is not None and chosen[0] == "action"
        for w in (self.action_status, self.set_status):
            w.setEnabled(progress and is_action)
        self.remove.setEnabled(editing and chosen is not None)
        tr = self.translator
        if b is None:
            self.hint.setText("")
        elif editing:
            self.hint.setText(
                tr.gettext(
                    "Write a goal for each need the assessment found, then the actions that "
                    "lead to it. Changing an approved plan sends it back for approval."
                )
            )
        elif b.case.stage in (Stage.REGISTRATION, Stage.ASSESSMENT):
            self.hint.setText(tr.gettext("The case plan is written at the case plan stage."))
        else:
            self.hint.setText(
                tr.gettext("Mark how each action is going: choose it in the list on the right.")
            )

    # -- changes ----------------------------------------------------------------------------
    def reset_forms(self) -> None:
        self.goal_text.clear()
        self.action_text.clear()
        self.action_due.set_value(None)
        self.goal_form.clear_errors()
        self.action_form.clear_errors()

    def _add_goal(self) -> None:
        b = self.bundle
        if b is None:
            return
        case_id, domain, text = b.case.id, self.goal_domain.code(), self.goal_text.text()

        def added(_r: object) -> None:
            self.goal_text.clear()
            self.goal_form.clear_errors()
            self._settle()

        self.change(
            lambda ws: ws.casework.add_goal(case_id, domain, text),
            form=self.goal_form,
            button=self.add_goal,
            done=added,
        )

    def _add_action(self) -> None:
        goal_id = self._goal_id()
        if goal_id is None or not self.action_due.check():
            return
        text, org = self.action_text.text(), self.action_org.code()
        due = self.action_due.value()

        def added(_r: object) -> None:
            self.action_text.clear()
            self.action_due.set_value(None)
            self.action_form.clear_errors()
            self._settle()

        self.change(
            lambda ws: ws.casework.add_action(goal_id, text, org, due),
            form=self.action_form,
            button=self.add_action,
            done=added,
        )

    def _set_status(self) -> None:
        chosen = self._selected()
        if chosen is None or chosen[0] != "action":
            return
        action_id, status = chosen[1], self.action_status.code()
        self.change(
            lambda ws: ws.casework.set_action_status(action_id, status), button=self.set_status
        )

    def _remove(self) -> None:
        chosen = self._selected()
        if chosen is None:
            return
        kind, row_id = chosen

        def remove(ws: Workspace, why: str) -> object:
            if kind == "goal":
                return ws.casework.remove_goal(row_id, why)
            return ws.casework.remove_action(row_id, why)

        self.ask_reason(
            title=lambda t: t.gettext("Remove from the plan"),
            prompt=lambda t: t.gettext(
                "It stays in the record's history. Say why it is removed from the plan."
            ),
            ok=lambda t: t.gettext("Remove"),
            change=remove,
        )

    def _settle(self) -> None:
        # What is left typed in the other form still counts as unsaved.
        if not (self.goal_text.text() or self.action_text.text() or self.action_due.text()):
            self.tracker.mark_clean()
