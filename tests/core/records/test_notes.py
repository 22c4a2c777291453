"""Notes are append-only: an edit is a new version and the history stays visible."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from cmdesk.core.acting.changes import Kind
from cmdesk.core.errors import PermissionDenied, ValidationError
from cmdesk.core.model import AuditEntry, Note
from tests.core.records.conftest import Open
from tests.core.records.flows import new_case


def test_a_note_is_authored_and_timestamped(as_user: Open) -> None:
    case = new_case(as_user)
    pim = as_user("pim")
    out = pim.notes.add(case.id, "  Home visit: grandmother at home.  ", "home_visit")
    note = out.value
    assert out.changes.touches(Kind.NOTE) and note.id in out.changes.ids
    assert note.body == "Home visit: grandmother at home."
    assert note.author_id == pim.actor.user_id and note.version == 1
    assert note.thread_id == note.id and note.written_at.tzinfo is not None
    assert [n.id for n in as_user("anong").notes.list(case.id)] == [note.id]


def test_editing_adds_a_version_and_keeps_every_earlier_one(as_user: Open) -> None:
    case = new_case(as_user)
    pim = as_user("pim")
    first = pim.notes.add(case.id, "Mother says the girl sleeps at a neighbour's.").value
    second = pim.notes.edit(first.id, "Mother says the girl sleeps at her aunt's.").value
    # Editing from an old version still makes the next version of the same note.
    third = pim.notes.edit(first.id, "Mother says the girl sleeps at her aunt's house.").value
    assert (second.version, third.version) == (2, 3)
    listed = as_user("anong").notes.list(case.id)
    assert [(n.id, n.version, n.versions) for n in listed] == [(third.id, 3, 3)]
    history = as_user("anong").notes.history(third.id)
    assert [h.body for h in history] == [
        "Mother says the girl sleeps at a neighbour's.",
        "Mother says the girl sleeps at her aunt's.",
        "Mother says the girl sleeps at her aunt's house.",
    ]
    # No row was ever changed: three rows, the first one as written.
    with pim.ctx.read() as s:
        assert s.scalar(select(func.count()).select_from(Note)) == 3
        row = s.get(Note, first.id)
        assert row is not None and row.body.endswith("neighbour's.")


def test_only_the_author_edits_a_note(as_user: Open) -> None:
    case = new_case(as_user)
    note = as_user("pim").notes.add(case.id, "first visit").value
    with pytest.raises(PermissionDenied):
        as_user("malee").notes.edit(note.id, "changed by the supervisor")
    with pytest.raises(PermissionDenied):
        as_user("ton").notes.list(case.id)


def test_empty_notes_and_unknown_kinds_are_refused(as_user: Open) -> None:
    case = new_case(as_user)
    with pytest.raises(ValidationError):
        as_user("pim").notes.add(case.id, "   ")
    with pytest.raises(ValidationError):
        as_user("pim").notes.add(case.id, "text", "gossip")


def test_reading_notes_is_audited_without_their_text(as_user: Open) -> None:
    case = new_case(as_user)
    as_user("pim").notes.add(case.id, "SECRET-WORDS in a note")
    as_user("dao").notes.list(case.id)
    with as_user("dao").ctx.read() as s:
        entries = s.scalars(select(AuditEntry)).all()
    assert any(e.action == "case.notes.read" and e.actor == "dao" for e in entries)
    assert not any("SECRET-WORDS" in e.detail for e in entries)
