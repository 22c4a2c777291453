"""Case notes: append-only. An edit adds a new version; every version stays readable.

Anyone working on a case may write notes, also after closure (follow-up contacts); only the
author edits their own note. Reading the notes of a case is audited.
"""

from __future__ import annotations

import builtins
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from cmdesk.core.acting.access import AccessRefused, Guard
from cmdesk.core.acting.audit import AuditService
from cmdesk.core.acting.changes import Kind, OpChanges
from cmdesk.core.acting.context import Context
from cmdesk.core.errors import NotFound, ValidationError
from cmdesk.core.i18n import N_
from cmdesk.core.model import Note, new_id
from cmdesk.core.model.note import NoteKind
from cmdesk.core.services.outcome import Outcome

MAX_NOTE: Final = 20000


@dataclass(frozen=True, kw_only=True)
class NoteDTO:
    id: str  # this version
    thread_id: str  # the note, across its versions
    case_id: str
    version: int
    kind: str
    body: str
    author_id: str
    written_at: datetime
    # For the current version: how many versions exist (1 = never edited).
    versions: int = 1


def _dto(n: Note, versions: int = 1) -> NoteDTO:
    return NoteDTO(
        id=n.id,
        thread_id=n.thread_id,
        case_id=n.case_id,
        version=n.version,
        kind=n.kind,
        body=n.body,
        author_id=n.created_by,
        written_at=n.created_at,
        versions=versions,
    )


def current_notes(s: Session, case_id: str) -> list[NoteDTO]:
    """The current version of each note of a case, newest note first (no access check)."""
    rows = s.scalars(
        select(Note)
        .where(Note.case_id == case_id)
        .order_by(Note.thread_id, Note.version, Note.created_at)
    ).all()
    threads: dict[str, list[Note]] = {}
    for n in rows:
        threads.setdefault(n.thread_id, []).append(n)
    current = [_dto(versions[-1], len(versions)) for versions in threads.values()]
    current.sort(key=lambda d: d.thread_id, reverse=True)  # UUIDv7: creation order
    return current


def _check(body: str, kind: str) -> str:
    text = body.strip()
    if not text:
        raise ValidationError.single("body", N_("The note is empty."))
    if len(text) > MAX_NOTE:
        raise ValidationError.single("body", N_("At most {max} characters."), max=MAX_NOTE)
    if kind not in {k.value for k in NoteKind}:
        raise ValidationError.single("kind", N_("Choose one of the listed values."))
    return text


class NoteService:
    def __init__(self, ctx: Context, audit: AuditService) -> None:
        self._ctx = ctx
        self._audit = audit
        self._guard = Guard(ctx)

    def add(self, case_id: str, body: str, kind: str = NoteKind.OTHER) -> Outcome[NoteDTO]:
        text = _check(body, kind)
        with self._guard.write() as s:
            case = self._guard.case(s, case_id)
            first_id = new_id()  # the thread is named after its first version
            note = Note(
                id=first_id,
                thread_id=first_id,
                org_id=case.org_id,
                case_id=case.id,
                kind=kind,
                body=text,
                version=1,
            )
            s.add(note)
            s.flush()
            self._audit.record(s, "note.add", "note", note.id, {"case": case.id})
            dto = _dto(note)
        return Outcome(dto, OpChanges.of(Kind.NOTE, Kind.CASE, ids=(dto.id, case_id)))

    def edit(self, note_id: str, body: str, kind: str | None = None) -> Outcome[NoteDTO]:
        """A new version of the note (of any earlier version's thread); by its author only."""
        with self._guard.write() as s:
            base = s.get(Note, note_id)
            if base is None:
                raise NotFound
            case = self._guard.case(s, base.case_id)
            first = s.get(Note, base.thread_id)
            if first is None or first.created_by != self._ctx.actor.user_id:
                raise AccessRefused("note", base.id)
            latest = self._versions(s, base.thread_id)[-1]
            text = _check(body, kind or latest.kind)
            note = Note(
                org_id=case.org_id,
                case_id=case.id,
                thread_id=base.thread_id,
                version=latest.version + 1,
                based_on_id=latest.id,
                kind=kind or latest.kind,
                body=text,
            )
            s.add(note)
            s.flush()
            self._audit.record(
                s, "note.edit", "note", note.id, {"case": case.id, "thread": note.thread_id}
            )
            dto = _dto(note, note.version)
        return Outcome(dto, OpChanges.of(Kind.NOTE, Kind.CASE, ids=(dto.id, dto.case_id)))

    def list(self, case_id: str) -> builtins.list[NoteDTO]:
        """The current version of each note of a case, newest note first (audited read)."""
        with self._guard.write() as s:
            case = self._guard.case(s, case_id)
            self._audit.record(s, "case.notes.read", "case", case.id)
            return current_notes(s, case.id)

    def history(self, note_id: str) -> builtins.list[NoteDTO]:
        """Every version of a note, oldest first."""
        with self._guard.write() as s:
            note = s.get(Note, note_id)
            if note is None:
                raise NotFound
            self._guard.case(s, note.case_id)
            versions = self._versions(s, note.thread_id)
            self._audit.record(s, "note.history.read", "note", note.thread_id)
            return [_dto(v, len(versions)) for v in versions]

    @staticmethod
    def _versions(s: Session, thread_id: str) -> builtins.list[Note]:
        return builtins.list(
            s.scalars(
                select(Note)
                .where(Note.thread_id == thread_id)
                .order_by(Note.version, Note.created_at, Note.id)
            )
        )
