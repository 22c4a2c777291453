"""Approvals read before they are given: the plan (goals, actions, assessment findings, last
review) or the closure request (reason, note, requested by) in full, a comment for the case
history, then Approve or Return / Decline (a reason is required to send it back).

The one way to decide a plan or a closure: the home screen's queue and the case page's
workflow bar both open this dialog."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from cmdesk.core.i18n import Translator, format_date, format_datetime
from cmdesk.core.model.labels import label_of
from cmdesk.gui.errors import show_failure
from cmdesk.gui.ops import ChangeOp, QueryOp
from cmdesk.gui.session import Session
from cmdesk.gui.widgets.form import FormGrid
from cmdesk.gui.widgets.labels import Heading, MessageLabel
from cmdesk.gui.widgets.screen_fit import fit_to_screen
from cmdesk.gui.widgets.text_box import TextBox

if TYPE_CHECKING:
    from cmdesk.core.services.case_dto import CaseDTO
    from cmdesk.core.services.casework import AssessmentDTO, PlanDTO, ReviewDTO
    from cmdesk.core.workspace import Workspace


@dataclass(frozen=True)
class Decision:
    """What the supervisor is asked to decide, with everything needed to decide it."""

    kind: str  # "plan" or "closure"
    case: CaseDTO
    plan: PlanDTO
    assessments: tuple[AssessmentDTO, ...]
    last_review: ReviewDTO | None
    staff: dict[str, str]


def load_decision(ws: Workspace, case_id: str, kind: str) -> Decision:
    reviews = ws.casework.reviews(case_id)
    staff = {u.id: u.display_name or u.username for u in ws.users.people()}
    return Decision(
        kind=kind,
        case=ws.cases.get(case_id),
        plan=ws.casework.plan(case_id),
        assessments=tuple(ws.casework.assessments(case_id)),
        last_review=max(reviews, key=lambda r: r.at) if reviews else None,
        staff=staff,
    )


def _section(title: str, rows: list[str]) -> str:
    items = "".join(f"<li>{row}</li>" for row in rows)
    return f"<h3>{escape(title)}</h3><ul>{items}</ul>" if rows else ""


def render(d: Decision, tr: Translator) -> str:
    """The item in full, as HTML; every stored text is escaped."""
    case, parts = d.case, []
    name = case.child_name_th if tr.locale == "th" else case.child_name_latin
    parts.append(
        f"<p><b>{escape(name or case.child_name_th or case.child_name_latin)}</b> · "
        f"{escape(case.case_number)} · {escape(tr.gettext(label_of('risk', case.risk_level)))}</p>"
    )
    if d.kind == "closure":
        who = d.staff.get(case.closure_requested_by or "", case.closure_requested_by or "")
        rows = [
            escape(tr.gettext(label_of("closure_reason", case.closure_reason or ""))),
            escape(tr.format("Requested by {name}", name=who)),
        ]
        if case.closure_requested_at:
            rows.append(escape(format_datetime(case.closure_requested_at, tr.locale)))
        if case.closure_note:
            rows.append(escape(tr.format("Note: {note}", note=case.closure_note)))
        parts.append(_section(tr.gettext("Closure request"), rows))
    goals = []
    for goal in d.plan.goals:
        actions = "".join(
            f"<li>{escape(a.description)}"
            + (f" · {escape(a.responsible_org_code)}" if a.responsible_org_code else "")
            + (f" · {escape(format_date(a.due_date, tr.locale))}" if a.due_date else "")
            + "</li>"
            for a in goal.actions
        )
        domain = escape(tr.gettext(label_of("domain", goal.domain)))
        goals.append(f"{domain}: {escape(goal.description)}<ul>{actions}</ul>")
    parts.append(_section(tr.gettext("Goals and actions"), goals))
    findings = [
        f"{escape(tr.gettext(label_of('domain', a.domain)))} "
        f"({escape(tr.gettext(label_of('domain_rating', a.rating)))}): {escape(a.findings)}"
        for a in d.assessments
    ]
    parts.append(_section(tr.gettext("Assessment findings"), findings))
    review = d.last_review
    if review is not None:
        when = escape(format_date(review.review_date, tr.locale))
        rows = [f"{when}: {escape(review.progress)}", escape(review.decision)]
        parts.append(_section(tr.gettext("Last review"), rows))
    else:
        parts.append(f"<p>{escape(tr.gettext('No review recorded yet.'))}</p>")
    return "".join(parts)


class ApprovalDialog(QDialog):
    @classmethod
    def show_for(
        cls,
        session: Session,
        parent: QWidget,
        case_id: str,
        kind: str,
        on_decided: Callable[[], None] | None = None,
    ) -> None:
        QueryOp(
            session,
            parent=parent,
            op=lambda ws: load_decision(ws, case_id, kind),
            success=lambda d: cls(session, parent, d, on_decided).open(),
        ).run()

    def __init__(
        self,
        session: Session,
        parent: QWidget,
        decision: Decision,
        on_decided: Callable[[], None] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("approval-dialog")
        self._session = session
        self.decision = decision
        self._on_decided = on_decided
        layout = QVBoxLayout(self)
        self.heading = Heading(parent=self, level=2)
        layout.addWidget(self.heading)
        self.body = QTextBrowser(self)
        self.body.setObjectName("approval-body")
        self.body.setOpenLinks(False)
        layout.addWidget(self.body, 1)
        self.form = FormGrid(self)
        self.comment = TextBox(self, lines=2)
        self.comment.setObjectName("approval-comment")
        self.form.add(
            "comment", lambda tr: tr.gettext("Comment (kept on the case history)"), self.comment
        )
        self.reason = TextBox(self, lines=2)
        self.reason.setObjectName("approval-reason")
        self.form.add("reason", self._reason_label, self.reason)
        layout.addWidget(self.form)
        self.message = MessageLabel(self)
        layout.addWidget(self.message)
        self.buttons = QDialogButtonBox(self)
        self.approve_button = self._button("approve", QDialogButtonBox.ButtonRole.AcceptRole)
        self.return_button = self._button("send-back", QDialogButtonBox.ButtonRole.ActionRole)
        self.cancel_button = self._button("cancel", QDialogButtonBox.ButtonRole.RejectRole)
        self.approve_button.clicked.connect(self.approve)
        self.return_button.clicked.connect(self.send_back)
        self.cancel_button.clicked.connect(self.reject)
        layout.addWidget(self.buttons)
        session.lang.language_changed.connect(self.retranslate)
        session.locked.connect(self.reject)
        self.retranslate()
        fit_to_screen(self, 760, 640)
        self.finished.connect(self.deleteLater)

    def _button(self, name: str, role: QDialogButtonBox.ButtonRole) -> QPushButton:
        button = self.buttons.addButton("", role)
        button.setObjectName(f"approval-{name}")
        button.setAutoDefault(False)
        return button

    @property
    def is_plan(self) -> bool:
        return self.decision.kind == "plan"

    def _reason_label(self, tr: Translator) -> str:
        if self.is_plan:
            return tr.gettext("What to change (needed to return the plan)")
        return tr.gettext("Why the case stays open (needed to decline)")

    def retranslate(self) -> None:
        tr = self._session.lang.translator
        title = (
            tr.gettext("Approve the case plan?")
            if self.is_plan
            else tr.gettext("Approve closing this case?")
        )
        self.setWindowTitle(title)
        self.heading.setText(title)
        self.body.setHtml(render(self.decision, tr))
        self.form.retranslate(tr)
        self.approve_button.setText(
            tr.gettext("Approve the plan") if self.is_plan else tr.gettext("Approve closure")
        )
        self.return_button.setText(
            tr.gettext("Return the plan") if self.is_plan else tr.gettext("Decline closure")
        )
        self.cancel_button.setText(tr.gettext("Cancel"))
        for button in (self.approve_button, self.return_button, self.cancel_button):
            button.setAccessibleName(button.text())
        self.body.setAccessibleName(title)

    # -- deciding ----------------------------------------------------------------------------
    def approve(self) -> None:
        case_id, said = self.decision.case.id, self.comment.text().strip()
        if self.is_plan:
            self._decide(lambda ws: ws.workflow.approve_plan(case_id, comment=said))
        else:
            self._decide(lambda ws: ws.workflow.approve_closure(case_id, comment=said))

    def send_back(self) -> None:
        case_id, said = self.decision.case.id, self.comment.text().strip()
        why = self.reason.text().strip()
        if not why:
            self.form.set_error("reason", lambda tr: tr.gettext("This field is required."))
            self.reason.setFocus()
            return
        if self.is_plan:
            self._decide(lambda ws: ws.workflow.return_plan(case_id, why, comment=said))
        else:
            self._decide(lambda ws: ws.workflow.decline_closure(case_id, why, comment=said))

    def _decide(self, op: Callable[[Any], Any]) -> None:
        self.form.clear_errors()
        self.message.clear_message()
        ChangeOp(self._session, parent=self, op=op, success=lambda _r: self._decided()).failure(
            lambda exc: show_failure(exc, self.form, self.message, self._session.lang.translator)
        ).run()

    def _decided(self) -> None:
        self.accept()
        if self._on_decided is not None:
            self._on_decided()
