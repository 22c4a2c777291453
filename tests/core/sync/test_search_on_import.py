"""Imported records are found by search exactly as records written here are: the search index
is brought up to date once per segment (search/deferred.py), and each child's entry is what
indexing it from scratch gives, through new children, renames, cases opened, moved and
closed on another laptop."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text

from cmdesk.core.model import Case, Child
from cmdesk.core.search import schema
from cmdesk.core.workspace import Workspace
from tests.core.sync.conftest import Net, exchange
from tests.core.sync.records import add_case, add_child, edit, soft_delete


def entries(ws: Workspace) -> dict[str, tuple[Any, ...]]:
    """Each child's index entry: its text and codes, and which words find it."""
    with ws.ctx.engine.connect() as conn:
        text_rows = conn.exec_driver_sql(
            "SELECT r.child_id, t.body, t.codes FROM search_text t"
            " JOIN search_row r ON r.id = t.rowid"
        ).all()
        word_rows = conn.exec_driver_sql("SELECT count(*) FROM search_word").scalar()
    return {
        "text": {child: (body, codes) for child, body, codes in text_rows},
        "words": word_rows,
    }


def rebuilt(ws: Workspace) -> dict[str, tuple[Any, ...]]:
    """The entries indexing every child from scratch gives (rolled back afterwards)."""
    with ws.ctx.engine.connect() as conn:
        trans = conn.begin()
        schema.rebuild(conn)
        text_rows = conn.exec_driver_sql(
            "SELECT r.child_id, t.body, t.codes FROM search_text t"
            " JOIN search_row r ON r.id = t.rowid"
        ).all()
        word_rows = conn.exec_driver_sql("SELECT count(*) FROM search_word").scalar()
        trans.rollback()
    return {
        "text": {child: (body, codes) for child, body, codes in text_rows},
        "words": word_rows,
    }


def found(ws: Workspace, word: str) -> set[str]:
    """Children whose words hold `word` (what the caseload's search box matches first)."""
    with ws.ctx.engine.connect() as conn:
        return set(
            conn.exec_driver_sql(
                "SELECT r.child_id FROM search_word w JOIN search_row r ON r.id = w.rowid"
                " WHERE search_word MATCH ?",
                (f'"{word}"',),
            ).scalars()
        )


def triggers(ws: Workspace) -> dict[str, str]:
    with ws.ctx.engine.connect() as conn:
        return dict(
            conn.execute(text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")).all()
        ) | {
            "temp:" + name: sql
            for name, sql in conn.execute(
                text("SELECT name, sql FROM sqlite_temp_master WHERE type = 'trigger'")
            ).all()
        }


def test_imported_children_are_found_as_if_written_here(net: Net) -> None:
    office, laptop = net.a1, net.a2
    before = triggers(laptop)
    dao = add_child(office, given_name_th="ดาวเรือง", nickname="ดาว", village="บ้านสบกก")
    fah = add_child(office, given_name_th="ฟ้าใส", village="บ้านห้วยไร่")
    case = add_case(office, dao, risk_level="high")
    add_case(office, fah)
    exchange(office, laptop)

    assert laptop.sync.state_hash() == office.sync.state_hash()
    assert entries(laptop) == rebuilt(laptop)
    assert entries(laptop)["text"][dao] == entries(office)["text"][dao]
    assert found(laptop, "ดาวเรือง") == {dao}
    assert found(laptop, "สบกก") == {dao}  # the village without its "บ้าน"

    # Renamed; its case handed to a team at another risk; a second case opened and closed.
    edit(office, Child, dao, given_name_th="ดวงดาว")
    edit(office, Case, case, team="north", risk_level="low")
    second = add_case(office, dao)
    soft_delete(office, Case, second)
    exchange(office, laptop)

    assert laptop.sync.state_hash() == office.sync.state_hash()
    assert entries(laptop) == rebuilt(laptop)
    assert entries(laptop)["text"] == entries(office)["text"]
    assert found(laptop, "ดวงดาว") == {dao}
    assert found(laptop, "ดาวเรือง") == set()

    # The laptop's own triggers are back as they were: its own edits are indexed at once.
    assert triggers(laptop) == before
    edit(laptop, Child, fah, nickname="เมฆ")
    assert found(laptop, "เมฆ") == {fah}
    assert entries(laptop) == rebuilt(laptop)
