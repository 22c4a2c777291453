"""The search index brought up to date once per transaction instead of once per row, for
writers of many rows at a time (a sync import applies a segment of thousands of records).

Row by row, the index's triggers (schema.py) rewrite a child's entry for the child's insert,
then again for each case inserted for it, each rewrite a trigram tokenisation. Inside
`deferred`, those triggers are dropped in the caller's write transaction and temporary
triggers only note which children were touched; on leaving, each touched child's entry is
written once from its final rows, the same statements `rebuild` uses. The triggers are
recreated with their stored text in the same transaction (a rollback or a crash restores
them with everything else; nobody else writes meanwhile: the caller holds the write lock).

Deletions keep their own triggers: they remove entries by child, which touching does not
change, and an erased child must leave the index in the same statement as its row.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any, Protocol

from cmdesk.core.search.schema import (
    INDEXED_CASE_COLUMNS,
    INDEXED_CHILD_COLUMNS,
    body_sql,
    codes_sql,
    words_sql,
)


class Db(Protocol):
    """The raw DB-API connection the caller writes through (sync's)."""

    def execute(self, sql: str, parameters: Any = ..., /) -> Any: ...


_DEFERRED = (
    "search_child_insert",
    "search_child_update",
    "search_case_insert",
    "search_case_update",
)

# A plain insert, duplicates and all: inside a trigger "OR IGNORE" gives way to the outer
# statement's conflict policy, and a sync upsert's would fail the whole record on a child
# noted twice (a case's old and new child are one).
_NOTE = "INSERT INTO temp.search_touched(child_id) VALUES"
_NOTING = (
    "CREATE TEMP TABLE IF NOT EXISTS search_touched (child_id TEXT)",
    "CREATE TEMP TRIGGER search_note_child_insert AFTER INSERT ON main.child"
    f" BEGIN {_NOTE} (new.id); END",
    "CREATE TEMP TRIGGER search_note_child_update AFTER UPDATE OF"
    f" {', '.join(INDEXED_CHILD_COLUMNS)} ON main.child BEGIN {_NOTE} (new.id); END",
    "CREATE TEMP TRIGGER search_note_case_insert AFTER INSERT ON main.case_file"
    f" BEGIN {_NOTE} (new.child_id); END",
    "CREATE TEMP TRIGGER search_note_case_update AFTER UPDATE OF"
    f" {', '.join(INDEXED_CASE_COLUMNS)} ON main.case_file"
    f" BEGIN {_NOTE} (old.child_id); {_NOTE} (new.child_id); END",
)

_NOTING_TRIGGERS = tuple(statement.split()[3] for statement in _NOTING[1:])

_TOUCHED = "(SELECT DISTINCT child_id FROM temp.search_touched)"
_TOUCHED_ROWS = f"SELECT r.id FROM search_row r JOIN {_TOUCHED} t ON t.child_id = r.child_id"
_REINDEX = (
    f"DELETE FROM search_text WHERE rowid IN ({_TOUCHED_ROWS})",
    f"DELETE FROM search_word WHERE rowid IN ({_TOUCHED_ROWS})",
    f"INSERT OR IGNORE INTO search_row(child_id) SELECT c.id FROM {_TOUCHED} t"
    " JOIN child c ON c.id = t.child_id",
    f"INSERT INTO search_text(rowid, body, codes) SELECT r.id, {body_sql('c')}, {codes_sql('c')}"
    f" FROM {_TOUCHED} t JOIN search_row r ON r.child_id = t.child_id"
    " JOIN child c ON c.id = t.child_id",
    f"INSERT INTO search_word(rowid, words) SELECT r.id, {words_sql('c')}"
    f" FROM {_TOUCHED} t JOIN search_row r ON r.child_id = t.child_id"
    " JOIN child c ON c.id = t.child_id",
    "DELETE FROM temp.search_touched",
)


@contextlib.contextmanager
def deferred(db: Db) -> Iterator[None]:
    """Within the caller's write transaction: the index entries of the children written inside
    are brought up to date once, on leaving."""
    marks = ", ".join("?" * len(_DEFERRED))
    saved: list[tuple[str, str]] = db.execute(
        f"SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name IN ({marks})",
        _DEFERRED,
    ).fetchall()
    if not saved:  # a vault without the index (an old schema): nothing to defer
        yield
        return
    for name, _sql in saved:
        db.execute(f'DROP TRIGGER "{name}"')
    for statement in _NOTING:
        db.execute(statement)
    db.execute("DELETE FROM temp.search_touched")
    try:
        yield
    except BaseException:
        # The transaction is being abandoned and its rollback restores the triggers; should
        # a caller commit it anyway, they are put back unless SQLite rolled it back already.
        with contextlib.suppress(Exception):
            _restore(db, saved)
        raise
    for statement in _REINDEX:
        db.execute(statement)
    _restore(db, saved)


def _restore(db: Db, saved: list[tuple[str, str]]) -> None:
    for name in _NOTING_TRIGGERS:
        db.execute(f"DROP TRIGGER IF EXISTS temp.{name}")
    for _name, sql in saved:
        db.execute(sql.replace("CREATE TRIGGER ", "CREATE TRIGGER IF NOT EXISTS ", 1))
