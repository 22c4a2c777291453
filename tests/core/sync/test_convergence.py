"""Concurrent edits surface as one conflict on every replica; sequential edits never do."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

from cmdesk.core.model import Case, Child
from cmdesk.core.sync.resolution import open_conflicts, resolve
from tests.core.sync.conftest import Net, exchange, sync
from tests.core.sync.records import add_case, add_child, edit, field, soft_delete


def spread(net: Net, src_name: str = "a1") -> None:
    src = getattr(net, src_name)
    for dst in (net.a1, net.a2, net.a3):
        if dst is not src:
            exchange(src, dst)


def test_concurrent_edits_of_one_field_are_one_conflict_on_every_replica(net: Net) -> None:
    child = add_child(net.a1)
    spread(net)
    edit(net.a1, Child, child, nickname="Noi")
    edit(net.a2, Child, child, nickname="Nok")
    # a3 receives both, in the other order than a1 and a2 see them.
    exchange(net.a2, net.a3)
    exchange(net.a1, net.a3)
    exchange(net.a1, net.a2)
    exchange(net.a2, net.a1)
    sets = [{(c.id, c.field) for c in open_conflicts(sync(ws))} for ws in (net.a1, net.a2, net.a3)]
    assert sets[0] == sets[1] == sets[2] and len(sets[0]) == 1
    (conflict,) = open_conflicts(sync(net.a3))
    assert {s.value for s in conflict.sides} == {"Noi", "Nok"}
    hashes = {sync(ws).state_hash() for ws in (net.a1, net.a2, net.a3)}
    assert len(hashes) == 1


def test_resolution_is_an_operation_that_syncs_and_closes_the_conflict(net: Net) -> None:
    child = add_child(net.a1)
    spread(net)
    edit(net.a1, Child, child, nickname="Noi")
    edit(net.a2, Child, child, nickname="Nok")
    exchange(net.a2, net.a1)
    (conflict,) = open_conflicts(sync(net.a1))
    resolve(sync(net.a1), conflict.id, "Noi (น้อย)")
    exchange(net.a1, net.a2)
    exchange(net.a1, net.a3)
    exchange(net.a2, net.a3)
    for ws in (net.a1, net.a2, net.a3):
        assert open_conflicts(sync(ws)) == []
        assert field(ws, "child", child, "nickname") == "Noi (น้อย)"


def test_choosing_the_value_already_shown_still_settles_the_conflict(net: Net) -> None:
    child = add_child(net.a1)
    spread(net)
    edit(net.a1, Child, child, village="A")
    edit(net.a2, Child, child, village="B")
    exchange(net.a2, net.a1)
    exchange(net.a1, net.a2)
    (conflict,) = open_conflicts(sync(net.a2))
    resolve(sync(net.a2), conflict.id, choose=0)
    exchange(net.a2, net.a1)
    assert open_conflicts(sync(net.a1)) == open_conflicts(sync(net.a2)) == []
    assert field(net.a1, "child", child, "village") == conflict.sides[0].value


def test_sequential_edits_across_laptops_never_conflict(net: Net) -> None:
    child = add_child(net.a1)
    case = add_case(net.a1, child)
    order = ["a1", "a2", "a3", "a2", "a1", "a3"]
    prev = "a1"
    for i, name in enumerate(order):
        exchange(getattr(net, prev), getattr(net, name)) if prev != name else None
        ws = getattr(net, name)
        edit(ws, Child, child, nickname=f"n{i}", village=f"v{i}")
        edit(ws, Case, case, risk_level=["low", "high"][i % 2])
        prev = name
    for a, b in itertools.permutations((net.a1, net.a2, net.a3), 2):
        exchange(a, b)
    for ws in (net.a1, net.a2, net.a3):
        assert open_conflicts(sync(ws)) == []
        assert field(ws, "child", child, "nickname") == f"n{len(order) - 1}"


def test_delete_versus_edit_is_a_conflict(net: Net) -> None:
    child = add_child(net.a1)
    spread(net)
    soft_delete(net.a1, Child, child)
    edit(net.a2, Child, child, village="ย้ายไปเชียงแสน")
    exchange(net.a1, net.a2)
    exchange(net.a2, net.a1)
    kinds = {(c.kind, c.field) for c in open_conflicts(sync(net.a1))}
    assert kinds == {("delete", "deleted_at")}
    assert {c.id for c in open_conflicts(sync(net.a1))} == {
        c.id for c in open_conflicts(sync(net.a2))
    }
    # Keeping the deletion is one choice...
    other = add_child(net.a1)
    spread(net)
    soft_delete(net.a1, Child, other)
    edit(net.a3, Child, other, nickname="late edit")
    exchange(net.a3, net.a1)
    (keep,) = [c for c in open_conflicts(sync(net.a1)) if c.row_id == other]
    resolve(sync(net.a1), keep.id, "keep deleted")
    assert field(net.a1, "child", other, "deleted_at") is not None
    assert not [c for c in open_conflicts(sync(net.a1)) if c.row_id == other]
    # ...and the edit is kept under the deletion: restoring brings the record back with it.
    (conflict,) = open_conflicts(sync(net.a2))
    resolve(sync(net.a2), conflict.id, "")
    exchange(net.a2, net.a1)
    for ws in (net.a1, net.a2):
        assert open_conflicts(sync(ws)) == []
        assert field(ws, "child", child, "deleted_at") is None
        assert field(ws, "child", child, "village") == "ย้ายไปเชียงแสน"


def test_two_laptops_deleting_a_record_while_editing_it_meet_without_stopping_imports(
    net: Net,
) -> None:
    # Each deletion also edits the record in its change, as two copies of one vault do when
    # each re-issues the same deletion under its own name: each deletion did not see the
    # other's edit, so each is a conflict of its own, over the same stamps.
    child = add_child(net.a1)
    spread(net)
    when = datetime.now(UTC)
    edit(net.a1, Child, child, deleted_at=when, village="a1")
    edit(net.a2, Child, child, deleted_at=when, village="a2")
    exchange(net.a1, net.a2)
    exchange(net.a2, net.a1)
    for ws in (net.a1, net.a2):
        found = open_conflicts(sync(ws))
        assert sorted((c.kind, c.field) for c in found) == [
            ("delete", "deleted_at"),
            ("delete", "deleted_at"),
            ("edit", "village"),
        ]
        assert field(ws, "child", child, "deleted_at") is not None
    assert {c.id for c in open_conflicts(sync(net.a1))} == {
        c.id for c in open_conflicts(sync(net.a2))
    }
    # Every later bundle still goes in.
    edit(net.a1, Child, child, nickname="later")
    exchange(net.a1, net.a2)
    assert field(net.a2, "child", child, "nickname") == "later"


def test_applying_twice_in_any_order_or_relayed_gives_the_same_state(net: Net) -> None:
    c1 = add_child(net.a1, nickname="one")
    b1, _ = sync(net.a1).export()
    c2 = add_child(net.a2, nickname="two")
    b2, _ = sync(net.a2).export()
    edit(net.a1, Child, c1, nickname="one more")
    b3, _ = sync(net.a1).export()
    for data in (b3, b2, b1, b3, b1):
        sync(net.a3).import_bundle(data)
    # a2 gets a1's changes only through a3.
    exchange(net.a3, net.a2)
    exchange(net.a2, net.a1)
    assert sync(net.a1).state_hash() == sync(net.a2).state_hash() == sync(net.a3).state_hash()
    assert field(net.a2, "child", c1, "nickname") == "one more"
    assert field(net.a1, "child", c2, "nickname") == "two"
