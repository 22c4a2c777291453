"""The audit trail is append-only and any change to it is found."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from cmdesk.core.acting.audit import ChainBreak, entry_hash
from cmdesk.core.model import AuditEntry
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


def test_an_entry_rewritten_with_its_hash_is_not_taken_for_another_copy_s(ws: Workspace) -> None:
    """`check` follows a link to an entry the sync history holds (a copied laptop's trail has
    two branches: sync/audit_versions.py). An entry rewritten here with its own hash made
    again still breaks the link after it: the history holds the entry as it was, not as it
    is here."""
    add_entries(ws, 6)
    ws.sync.export()  # every entry is in the sync history
    with ws.ctx.write() as s:
        s.execute(text("DROP TRIGGER audit_entry_no_update"))
        device = s.scalar(text("SELECT device_id FROM audit_entry WHERE seq = 3"))
        entry = s.scalars(select(AuditEntry).where(AuditEntry.seq == 3)).one()
        entry.detail = '{"n": 99}'
        entry.hash = entry_hash(entry)
    report = ws.check()
    assert report.audit_break == ChainBreak(device, 4, "link") and report.branched == ()


def test_an_entry_removed_is_not_taken_for_another_copy_s_gap(ws: Workspace) -> None:
    """A laptop may lack another copy's entries it was never sent; an entry removed here is
    in the history, continuing the trail at the gap: still a break."""
    add_entries(ws, 6)
    ws.sync.export()
    with ws.ctx.write() as s:
        s.execute(text("DROP TRIGGER audit_entry_no_delete"))
        device = s.scalar(text("SELECT device_id FROM audit_entry WHERE seq = 3"))
        s.execute(text("DELETE FROM audit_entry WHERE seq = 3"))
    report = ws.check()
    assert report.audit_break == ChainBreak(device, 3, "gap") and report.branched == ()
