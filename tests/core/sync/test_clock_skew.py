"""A laptop whose clock is a year ahead: its operations wait in quarantine, visible, and no
other replica's clock is dragged beyond the drift bound."""

from __future__ import annotations

from cmdesk.core.model import Child
from cmdesk.core.sync.capture import LocalCounters
from cmdesk.core.sync.hlc import DRIFT_MS, ms_of, wall_ms
from cmdesk.core.workspace import Workspace
from tests.core.sync.conftest import Net, exchange, sync
from tests.core.sync.records import add_child, edit, field

YEAR_MS = 365 * 86_400_000


def hlc_ms(ws: Workspace) -> int:
    with ws.sync.store.read() as db:
        return ms_of(LocalCounters.load(db).hlc)


def test_future_operations_are_quarantined_and_clocks_stay_within_the_bound(net: Net) -> None:
    child = add_child(net.a1, nickname="now")
    exchange(net.a1, net.a2)
    exchange(net.a1, net.a3)
    sync(net.a3).store.now_ms = lambda: wall_ms() + YEAR_MS
    edit(net.a3, Child, child, nickname="from the future")
    future_child = add_child(net.a3)
    exchange(net.a3, net.a1)
    status = sync(net.a1).status()
    assert status.quarantined, "the future operations are shown"
    assert {w.table for w in status.quarantined} >= {"child"}
    assert field(net.a1, "child", child, "nickname") == "now"
    assert future_child in {w.row_id for w in status.quarantined}
    assert hlc_ms(net.a1) <= wall_ms() + DRIFT_MS
    # a1 goes on working and relays the quarantined operations without applying them.
    edit(net.a1, Child, child, village="still working")
    exchange(net.a1, net.a2)
    assert hlc_ms(net.a2) <= wall_ms() + DRIFT_MS
    assert field(net.a2, "child", child, "village") == "still working"
    assert len(sync(net.a2).status().quarantined) == len(status.quarantined)
    # When the time comes (here: the replica's clock reaches it), they apply.
    sync(net.a1).store.now_ms = lambda: wall_ms() + YEAR_MS + 60_000
    assert sync(net.a1).status().quarantined == ()
    assert field(net.a1, "child", child, "nickname") == "from the future"
