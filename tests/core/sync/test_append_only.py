"""No operation removes an audit entry, and one that says so does not stop an import.

Found by the stateful model widened to copies of copies: an import stopped on "audit trail is
append-only" (the trail's trigger) when an entry's history ended removed, and every later
import from that laptop stopped the same way. A damaged or hostile copy of the app can send
such an operation on purpose; it must cost the receiver nothing."""

from __future__ import annotations

from typing import Any

import pytest

from cmdesk.core.sync import capture
from tests.core.sync.conftest import Net, exchange, sync


def _raw(ws: Any, *statements: str) -> Any:
    with sync(ws).store.write() as db:
        for sql in statements:
            found = db.execute(sql).fetchall()
    return found


def test_an_operation_removing_an_audit_entry_leaves_it_and_the_import_goes_on(
    net: Net, monkeypatch: pytest.MonkeyPatch
) -> None:
    exchange(net.a1, net.a2)
    office = net.a1.device_id
    (victim,) = _raw(net.a2, f"SELECT id FROM audit_entry WHERE device_id = '{office}' LIMIT 1")[0]
    # A hostile copy of the app on a2: the trail's triggers dropped, one of the office's entries
    # deleted, and the capture not told that audit entries are never removed.
    history = f"SELECT count(*) FROM sync_change WHERE row_id = '{victim}'"
    (before,) = _raw(net.a2, history)[0]
    monkeypatch.setattr(capture, "APPEND_ONLY", frozenset())
    _raw(
        net.a2,
        "DROP TRIGGER audit_entry_no_delete",
        f"DELETE FROM audit_entry WHERE id = '{victim}'",
        "SELECT 1",
    )
    sync(net.a2).capture_pending()
    assert _raw(net.a2, history) == [(before + 1,)]  # the removal, as an operation
    monkeypatch.undo()

    result = sync(net.a1).import_bundle(sync(net.a2).export()[0])
    assert result.new >= 1
    assert _raw(net.a1, f"SELECT count(*) FROM audit_entry WHERE id = '{victim}'") == [(1,)]
    assert net.a1.check().ok
    # The office goes on exchanging with that laptop and with the others.
    exchange(net.a1, net.a3)
    assert sync(net.a1).import_bundle(sync(net.a2).export()[0]).replay is False
