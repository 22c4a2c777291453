"""Where the case stands and the steps the signed-in user may take from here.

The stage strip shows the six stages with the current one marked. The buttons are only those
the workflow allows this role now (case_workflow.allowed_moves, plan approval, closure request
and approval, reopening); a step whose precondition is missing (no assessment yet) is still
offered and the core says what is missing, in the user's language.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from cmdesk.core.acting.case_actions import CaseAction
from cmdesk.core.i18n import Translator
from cmdesk.core.model.case import Stage
from cmdesk.core.model.labels import choices, label_of
from cmdesk.gui.widgets.flow_layout import FlowLayout, flow_policy
from cmdesk.gui.widgets.labels import WrapLabel
from cmdesk.gui.widgets.prompts import ReasonDialog
from cmdesk.gui.widgets.push_button import name_buttons, push_button

if TYPE_CHECKING:
    from cmdesk.gui.screens.case.data import CaseBundle
    from cmdesk.gui.screens.case.page import CasePage

# Narrow padding keeps the six stages on one line at 1024 pixels.
_CURRENT = "background: #2c4a6b; color: white; border-radius: 10px; padding: 1px 8px;"
_DONE = "color: #2c4a6b; padding: 1px 4px;"
_LATER = "color: #9aa5b1; padding: 1px 4px;"
ACTIONS = (
    "submit_plan",
    "approve_plan",
    "return_plan",
    "request_closure",
    "approve_closure",
    "decline_closure",
    "reopen",
)


class StageStrip(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        flow_policy(self)
        row = FlowLayout(self, spacing=2)
        self.labels: dict[str, QLabel] = {}
        for i, stage in enumerate(Stage):
            if i:
                arrow = QLabel("›", self)
                arrow.setStyleSheet(_LATER)
                row.addWidget(arrow)
            label = QLabel(self)
            label.setObjectName(f"stage-{stage.value}")
            self.labels[stage.value] = label
            row.addWidget(label)
        self.current = ""

    def show_stage(self, stage: str) -> None:
        self.current = stage
        order = [s.value for s in Stage]
        here = order.index(stage) if stage in order else -1
        for i, code in enumerate(order):
            style = _CURRENT if i == here else _DONE if i < here else _LATER
            self.labels[code].setStyleSheet(style)

    def retranslate(self, tr: Translator) -> None:
        for code, label in self.labels.items():
            label.setText(tr.gettext(label_of("stage", code)))


class WorkflowBar(QFrame):
    def __init__(self, page: CasePage) -> None:
        super().__init__(page)
        self.page = page
        self.setObjectName("workflow-bar")
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(2)
        self.strip = StageStrip(self)
        box.addWidget(self.strip)
        # Where the plan and closure stand, and the steps, share one row: the case's own
        # records get the height (a 600-pixel screen).
        status_row = QHBoxLayout()
        status_row.setContentsMargins(0, 0, 0, 0)
        self.status = WrapLabel(parent=self)
        self.status.setObjectName("workflow-status")
        status_row.addWidget(self.status, 2)
        buttons = QWidget(self)
        flow_policy(buttons)
        row = FlowLayout(buttons)
        self.move_buttons: dict[str, QPushButton] = {}
        for stage in Stage:
            button = push_button(
                buttons, f"move-{stage.value}", lambda _c=False, s=stage.value: self._move(s)
            )
            button.hide()
            row.addWidget(button)
            self.move_buttons[stage.value] = button
        self.buttons: dict[str, QPushButton] = {}
        for name in ACTIONS:
            button = push_button(buttons, name.replace("_", "-"), getattr(self, f"_{name}"))
            button.hide()
            row.addWidget(button)
            self.buttons[name] = button
        status_row.addWidget(buttons, 3)
        box.addLayout(status_row)

    @property
    def translator(self) -> Translator:
        return self.page.session.lang.translator

    def show_bundle(self, b: CaseBundle) -> None:
        self.strip.show_stage(b.case.stage)
        moves = {m.value for m in b.case.moves}
        for code, button in self.move_buttons.items():
            button.setVisible(code in moves)
        for name, button in self.buttons.items():
            button.setVisible(b.may(CaseAction(name)))
        self._status_text(b)

    def clear(self) -> None:
        for button in [*self.move_buttons.values(), *self.buttons.values()]:
            button.hide()
        self.status.setText("")

    def _status_text(self, b: CaseBundle) -> None:
        tr = self.translator
        case = b.case
        parts = [
            tr.format(
                "Case plan: {status}",
                status=tr.gettext(label_of("plan_status", case.plan_status)),
            )
        ]
        if case.plan_status == "returned" and case.plan_return_reason:
            parts.append(tr.format("Returned because: {reason}", reason=case.plan_return_reason))
        if case.closure_status:
            parts.append(tr.gettext(label_of("closure_status", case.closure_status)))
            if case.closure_reason:
                parts.append(tr.gettext(label_of("closure_reason", case.closure_reason)))
        self.status.setText(" · ".join(parts))
        # The plan's return reason is a worker's text: in any script, so not checked as UI.
        self.status.setProperty("verbatim", bool(case.plan_return_reason))

    def retranslate(self) -> None:
        tr = self.translator
        self.strip.retranslate(tr)
        name_buttons(
            self.move_buttons,
            {
                code: tr.format("Move to {stage}", stage=tr.gettext(label_of("stage", code)))
                for code in self.move_buttons
            },
        )
        name_buttons(
            self.buttons,
            {
                "submit_plan": tr.gettext("Submit the plan for approval"),
                "approve_plan": tr.gettext("Approve the plan"),
                "return_plan": tr.gettext("Return the plan…"),
                "request_closure": tr.gettext("Request closure…"),
                "approve_closure": tr.gettext("Approve closure"),
                "decline_closure": tr.gettext("Decline closure…"),
                "reopen": tr.gettext("Reopen the case…"),
            },
        )
        if self.page.bundle is not None:
            self._status_text(self.page.bundle)

    # -- steps ------------------------------------------------------------------------------
    def _case_id(self) -> str:
        assert self.page.bundle is not None
        return self.page.bundle.case.id

    def _move(self, stage: str) -> None:
        case_id = self._case_id()
        self.page.change(lambda ws: ws.workflow.advance(case_id, stage))

    def _submit_plan(self) -> None:
        case_id = self._case_id()
        self.page.change(lambda ws: ws.workflow.submit_plan(case_id))

    # Approving, returning and declining all open the one approval dialog: the plan or the
    # closure request is read in full before it is decided.
    def _decide(self, kind: str) -> None:
        from cmdesk.gui.screens.home.approval_dialog import ApprovalDialog

        ApprovalDialog.show_for(self.page.session, self.page, self._case_id(), kind)

    def _approve_plan(self) -> None:
        self._decide("plan")

    def _return_plan(self) -> None:
        self._decide("plan")

    def _request_closure(self) -> None:
        case_id = self._case_id()
        ReasonDialog(
            self.page,
            self.page.session.lang,
            title=lambda t: t.gettext("Request closure"),
            prompt=lambda t: t.gettext(
                "A supervisor approves the closure. Choose the reason; add a note if it helps "
                "(it is needed for 'Other reason')."
            ),
            ok=lambda t: t.gettext("Request closure"),
            choices=list(choices("closure_reason")),
            choice_label=lambda t: t.gettext("Reason for closing"),
            text_label=lambda t: t.gettext("Note"),
            text_required=False,
            on_ok=lambda code, note: self.page.change(
                lambda ws: ws.workflow.request_closure(case_id, code, note)
            ),
        ).open()

    def _approve_closure(self) -> None:
        self._decide("closure")

    def _decline_closure(self) -> None:
        self._decide("closure")

    def _reopen(self) -> None:
        case_id = self._case_id()
        ReasonDialog(
            self.page,
            self.page.session.lang,
            title=lambda t: t.gettext("Reopen the case"),
            prompt=lambda t: t.gettext("The case goes back to assessment. Say why it is reopened."),
            ok=lambda t: t.gettext("Reopen the case"),
            text_label=lambda t: t.gettext("Reason"),
            on_ok=lambda _c, why: self.page.change(lambda ws: ws.workflow.reopen(case_id, why)),
        ).open()
