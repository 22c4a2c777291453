"""A new follow-up row, checked: shared by the task service and by opening a case (which
plans the first visit in the same transaction)."""

from __future__ import annotations

from datetime import date
from typing import Final

from sqlalchemy.orm import Session

from cmdesk.core.acting.audit import AuditService
from cmdesk.core.errors import ValidationError
from cmdesk.core.i18n import N_
from cmdesk.core.model import Case, Task
from cmdesk.core.model.case import RiskLevel

MAX_TITLE: Final = 300
MAX_DETAILS: Final = 4000
# How many days after a case is opened its first visit is due: the greater the danger, the
# sooner someone sees the child. The worker may reschedule it (with a reason).
FIRST_VISIT_DAYS: Final[dict[str, int]] = {
    RiskLevel.CRITICAL: 1,
    RiskLevel.HIGH: 3,
    RiskLevel.MEDIUM: 7,
    RiskLevel.LOW: 14,
}


def check_task(title: str, details: str) -> tuple[str, str]:
    text = " ".join(title.split())
    if not text:
        raise ValidationError.single("title", N_("This field is required."))
    if len(text) > MAX_TITLE:
        raise ValidationError.single("title", N_("At most {max} characters."), max=MAX_TITLE)
    if len(details) > MAX_DETAILS:
        raise ValidationError.single("details", N_("At most {max} characters."), max=MAX_DETAILS)
    return text, details.strip()


def add_task(
    s: Session,
    audit: AuditService,
    case: Case,
    title: str,
    due_date: date,
    assigned_to: str,
    details: str = "",
) -> Task:
    """Adds the follow-up (its staff member already checked by the caller) and audits it."""
    text, more = check_task(title, details)
    task = Task(
        org_id=case.org_id,
        case_id=case.id,
        title=text,
        details=more,
        due_date=due_date,
        assigned_to=assigned_to,
    )
    s.add(task)
    s.flush()
    audit.record(s, "task.add", "task", task.id, {"case": case.id})
    return task
