"""What erasure needs from the search index: nothing of an erased child may stay in it.

The triggers already delete a child's index rows with the child's row. `forget_child` does it
again explicitly (in case a row outlived its child, e.g. a vault repaired by hand) and then
rewrites both indexes ('optimize'): a deleted FTS5 row's terms can survive as keys in index
pages even with 'secure-delete'; rewriting from the live rows drops them, and with
`PRAGMA secure_delete` the freed pages are zeroed. The caller checkpoints the WAL after
committing, so no old page image stays in it either (PdpaService.erase_child does).

The Workspace hands `forget_child` to the PDPA service as an erasure hook.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

from cmdesk.core.search import schema


def forget_child(session: Session, child_id: str, *, optimize: bool = True) -> None:
    """Removes the child's entries from the index, inside the caller's transaction."""
    row = {"child": child_id}
    session.execute(
        text(
            "DELETE FROM search_text WHERE rowid IN"
            " (SELECT id FROM search_row WHERE child_id = :child)"
        ),
        row,
    )
    session.execute(
        text(
            "DELETE FROM search_word WHERE rowid IN"
            " (SELECT id FROM search_row WHERE child_id = :child)"
        ),
        row,
    )
    session.execute(text("DELETE FROM search_row WHERE child_id = :child"), row)
    if optimize:
        schema.optimize(session.connection())
