"""Every kind of synced record reaches the views that show it."""

from __future__ import annotations

from cmdesk.core.acting.changes import TABLE_KINDS, Kind, OpChanges, kind_of_table
from cmdesk.core.sync.tables import synced_tables

# Not shown by any view as records of their own: the audit trail is read per case, and an
# erasure removes what it names.
UNSHOWN = {"audit_entry", "erasure"}


def test_every_synced_table_has_a_kind() -> None:
    missing = set(synced_tables()) - UNSHOWN - set(TABLE_KINDS)
    assert not missing, f"add these tables to acting.changes.TABLE_KINDS: {sorted(missing)}"


def test_kinds_combine_and_match() -> None:
    changes = OpChanges.of(kind_of_table("case_goal"), ids=("g1",)) | OpChanges.of(Kind.SYNC)
    assert changes.touches(Kind.PLAN) and changes.touches(Kind.CHILD, Kind.SYNC)
    assert not changes.touches(Kind.CHILD, Kind.NOTE)
    assert changes.ids == {"g1"}
    assert kind_of_table("a_table_from_a_newer_app") is Kind.CASE
