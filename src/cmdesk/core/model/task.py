"""Follow-up tasks on a case, with due dates (the overdue list reads them)."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Final

from sqlalchemy import Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from cmdesk.core.i18n import N_
from cmdesk.core.model.base import Base, SoftDeleted, Synced, UtcDateTime
from cmdesk.core.model.field_info import about, code_of, user_ref


class TaskStatus(StrEnum):
    OPEN = "open"
    DONE = "done"
    CANCELLED = "cancelled"


TASK_STATUS_LABELS: Final[dict[TaskStatus, str]] = {
    TaskStatus.OPEN: N_("To do"),
    TaskStatus.DONE: N_("Done"),
    TaskStatus.CANCELLED: N_("Cancelled"),
}


class Task(Synced, SoftDeleted, Base):
    __tablename__ = "case_task"
    # Open tasks by due date with their case and worker: the home screen counts them per
    # worker, and My work pages through them, from the index alone.
    __table_args__ = (
        Index(
            "ix_case_task_open_due",
            "due_date",
            "case_id",
            "assigned_to",
            sqlite_where=text("status = 'open' AND deleted_at IS NULL"),
        ),
    )

    case_id: Mapped[str] = mapped_column(String(36), index=True)
    title: Mapped[str] = mapped_column(String(300), info=about(N_("Task")))
    details: Mapped[str] = mapped_column(Text, default="", info=about(N_("Details")))
    due_date: Mapped[date] = mapped_column(index=True, info=about(N_("By when")))
    assigned_to: Mapped[str | None] = mapped_column(
        String(36), default=None, index=True, info=user_ref(N_("Assigned to"))
    )
    status: Mapped[str] = mapped_column(
        String(16), default=TaskStatus.OPEN, index=True, info=code_of(N_("Status"), "task_status")
    )
    done_at: Mapped[datetime | None] = mapped_column(
        UtcDateTime(), default=None, info=about(N_("Done on"))
    )
    # What the visit found when it was done, or why it was postponed or cancelled (the
    # latest of these; earlier ones stay in the sync history).
    outcome: Mapped[str] = mapped_column(Text, default="", info=about(N_("What happened")))
