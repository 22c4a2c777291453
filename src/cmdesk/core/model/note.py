"""Case notes: append-only. Editing a note adds a version; earlier versions stay visible."""

from __future__ import annotations

from enum import StrEnum
from typing import Final

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from cmdesk.core.i18n import N_
from cmdesk.core.model.base import Base, Synced
from cmdesk.core.model.field_info import about, code_of, record_ref


class NoteKind(StrEnum):
    HOME_VISIT = "home_visit"
    PHONE_CALL = "phone_call"
    MEETING = "meeting"
    OBSERVATION = "observation"
    OTHER = "other"


NOTE_KIND_LABELS: Final[dict[NoteKind, str]] = {
    NoteKind.HOME_VISIT: N_("Home visit"),
    NoteKind.PHONE_CALL: N_("Phone call"),
    NoteKind.MEETING: N_("Meeting"),
    NoteKind.OBSERVATION: N_("Observation"),
    NoteKind.OTHER: N_("Other note"),
}


class Note(Synced, Base):
    """One version of a note. Rows are never updated: the author and time are those of the
    version (Synced.created_by / created_at)."""

    __tablename__ = "case_note"

    case_id: Mapped[str] = mapped_column(String(36), index=True)
    # The id of the note's first version; every version of one note shares it.
    thread_id: Mapped[str] = mapped_column(String(36), index=True, info=record_ref(""))
    # Not unique: two offline devices may both edit version 1; both version-2 rows are kept
    # and shown, which is what a person needs to see, and sync never fails on them.
    version: Mapped[int] = mapped_column(Integer, default=1, info=about(""))
    based_on_id: Mapped[str | None] = mapped_column(String(36), default=None, info=record_ref(""))
    kind: Mapped[str] = mapped_column(
        String(16), default=NoteKind.OTHER, info=code_of(N_("Kind of note"), "note_kind")
    )
    body: Mapped[str] = mapped_column(Text, info=about(N_("Text of the note")))
