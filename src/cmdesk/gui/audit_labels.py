"""Words for the audit trail's action codes, so a record's history reads as sentences.

An action this version does not know (a newer device synced it) is shown as its code.
"""

from __future__ import annotations

from typing import Final

from cmdesk.core.i18n import N_, Translator
from cmdesk.core.model.labels import label_of

ACTION_LABELS: Final[dict[str, str]] = {
    "case.open": N_("Case opened"),
    "case.read": N_("Case looked at"),
    "case.stage": N_("Stage changed"),
    "case.assessment": N_("Assessment recorded"),
    "case.plan.submit": N_("Case plan submitted for approval"),
    "case.plan.approve": N_("Case plan approved"),
    "case.plan.return": N_("Case plan returned for changes"),
    "case.plan.goal.add": N_("Goal added to the plan"),
    "case.plan.goal.update": N_("Goal changed"),
    "case.plan.goal.remove": N_("Goal removed from the plan"),
    "case.plan.goal.status": N_("Goal progress recorded"),
    "case.plan.action.add": N_("Action added to the plan"),
    "case.plan.action.update": N_("Action changed"),
    "case.plan.action.remove": N_("Action removed from the plan"),
    "case.plan.action.status": N_("Action progress recorded"),
    "case.review": N_("Review recorded"),
    "case.closure.request": N_("Closure requested"),
    "case.closure.approve": N_("Closure approved"),
    "case.closure.decline": N_("Closure declined"),
    "case.reopen": N_("Case reopened"),
    "case.risk": N_("Risk level changed"),
    "case.concerns": N_("Protection concerns changed"),
    "case.assign_worker": N_("Field worker assigned"),
    "case.assign_manager": N_("Case manager assigned"),
    "case.notes.read": N_("Notes looked at"),
    "case.delete": N_("Case removed as opened in error"),
    "child.register": N_("Child registered"),
    "child.read": N_("Child's record looked at"),
    "child.update": N_("Child's details changed"),
    "child.delete": N_("Child removed as registered in error"),
    "report.print": N_("Document printed or saved as PDF"),
    "caseload.export": N_("Caseload saved as a spreadsheet"),
    "access.denied": N_("Access refused"),
}


# Looking at a record, as opposed to doing something to it.
READS: Final = frozenset(
    {
        "case.read",
        "child.read",
        "case.notes.read",
        "note.history.read",
        "referral.read",
        "referral.notes.read",
        "referral.intake.read",
    }
)


def describe(action: str, detail: dict[str, object], tr: Translator) -> str:
    msgid = ACTION_LABELS.get(action)
    text = tr.gettext(msgid) if msgid else action
    if action == "case.stage":
        frm, to = detail.get("from"), detail.get("to")
        if isinstance(frm, str) and isinstance(to, str):
            text += f": {tr.gettext(label_of('stage', frm))} → {tr.gettext(label_of('stage', to))}"
    elif action == "case.assessment" and isinstance(detail.get("domain"), str):
        text += f": {tr.gettext(label_of('domain', str(detail['domain'])))}"
    elif action == "case.closure.request" and isinstance(detail.get("reason"), str):
        text += f": {tr.gettext(label_of('closure_reason', str(detail['reason'])))}"
    # What a supervisor said when deciding a plan or a closure (case_workflow._decision).
    why, comment = detail.get("why"), detail.get("comment")
    if isinstance(why, str) and why:
        text += " · " + tr.format("Reason: {reason}", reason=why)
    if isinstance(comment, str) and comment:
        text += " · " + tr.format("Comment: {comment}", comment=comment)
    return text
