"""The audit trail is append-only and any change to it is found."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from cmdesk.core.workspace import Workspace


def add_entries(ws: Workspace, n: int) -> None:
    for i in range(n):
        with ws.ctx.write() as s:
            ws.audit.record(s, "test.event", "thing", f"id-{i}", {"n": i})


def test_intact_chain_verifies(ws: Workspace) -> None:
    add_entries(ws, 10)
    assert ws.audit.verify() is None
    assert ws.check().ok


def test_the_database_refuses_to_edit_or_delete_entries(ws: Workspace) -> None:
    add_entries(ws, 3)
    with pytest.raises(IntegrityError), ws.ctx.write() as s:
        s.execute(text("UPDATE audit_entry SET actor = 'someone else'"))
    with pytest.raises(IntegrityError), ws.ctx.write() as s:
        s.execute(text("DELETE FROM audit_entry"))


@pytest.mark.parametrize("tamper", ["edit", "delete", "swap"])
def test_tampering_is_reported_at_the_first_broken_entry(ws: Workspace, tamper: str) -> None:
    add_entries(ws, 10)
    with ws.ctx.write() as s:
        # Someone with the key drops the guard and rewrites history.
        s.execute(text("DROP TRIGGER audit_entry_no_update"))
        s.execute(text("DROP TRIGGER audit_entry_no_delete"))
        seqs = [r[0] for r in s.execute(text("SELECT seq FROM audit_entry ORDER BY seq"))]
        target = seqs[5]
        if tamper == "edit":
            s.execute(text("UPDATE audit_entry SET detail='{}' WHERE seq=:q"), {"q": target})
        elif tamper == "delete":
            s.execute(text("DELETE FROM audit_entry WHERE seq=:q"), {"q": target})
        else:
            s.execute(text("UPDATE audit_entry SET seq=-1 WHERE seq=:q"), {"q": target})
            s.execute(
                text("UPDATE audit_entry SET seq=:q WHERE seq=:r"), {"q": target, "r": target + 1}
            )
            s.execute(text("UPDATE audit_entry SET seq=:r WHERE seq=-1"), {"r": target + 1})
    broken = ws.audit.verify()
    assert broken is not None
    assert broken.seq == target
    assert not ws.check().ok
