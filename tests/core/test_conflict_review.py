"""Conflicts as a reviewer sees them: the case and child they concern, who made each value,
and only for staff who may see that case."""

from __future__ import annotations

from pathlib import Path

from cmdesk.core.services.conflict_review import open_count, review
from cmdesk.core.sync.resolution import open_conflicts
from tests.conftest import ADMIN
from tests.core.laptops import (
    FIELD_WORKER,
    SUPERVISOR,
    concurrent_risk,
    exchange,
    make_laptops,
    open_as,
)
from tests.core.sync.conftest import network_template  # noqa: F401 (a fixture)


def test_a_supervisor_sees_both_values_with_case_child_and_author(
    network_template: Path,  # noqa: F811
    tmp_path: Path,
) -> None:
    laptops = make_laptops(network_template, tmp_path)
    concurrent_risk(laptops, on_a="high", on_b="critical")
    exchange(laptops.a, laptops.b)
    with open_as(laptops.b) as ws:
        found = review(ws)
        assert open_count(ws) == 1
        case_number = ws.cases.get(laptops.case_id).case_number
    assert found.hidden == 0
    (conflict,) = found.conflicts
    assert (conflict.table, conflict.field, conflict.kind) == ("case_file", "risk_level", "edit")
    assert conflict.case_number == case_number
    assert conflict.child_name_th and conflict.child_name_latin
    by_value = {side.value: side for side in conflict.sides}
    assert set(by_value) == {"high", "critical"}
    assert by_value["critical"].this_device and not by_value["high"].this_device
    assert {side.author for side in conflict.sides} == {SUPERVISOR}
    assert [side.index for side in conflict.sides] == [0, 1]
    assert found.users and found.orgs


def test_staff_who_may_not_see_the_case_are_not_shown_its_conflict(
    network_template: Path,  # noqa: F811
    tmp_path: Path,
) -> None:
    laptops = make_laptops(network_template, tmp_path)
    concurrent_risk(laptops)
    exchange(laptops.a, laptops.b)
    for user in (FIELD_WORKER, ADMIN):
        with open_as(laptops.b, user) as ws:
            found = review(ws)
            assert found.conflicts == ()
            assert found.hidden == 1
            assert open_count(ws) == 0


def test_a_deleted_case_edited_elsewhere_is_reviewed_and_can_be_restored(
    network_template: Path,  # noqa: F811
    tmp_path: Path,
) -> None:
    laptops = make_laptops(network_template, tmp_path)
    with open_as(laptops.a) as ws:
        ws.cases.soft_delete(laptops.case_id, "opened in error")
    with open_as(laptops.b) as ws:
        ws.cases.set_risk(laptops.case_id, "high", "the mother left")
    exchange(laptops.a, laptops.b)
    with open_as(laptops.b) as ws:
        (conflict,) = review(ws).conflicts
        assert conflict.kind == "delete"
        assert conflict.sides[0].field == "deleted_at"
        assert any(s.field == "risk_level" and s.value == "high" for s in conflict.sides[1:])
        ws.conflicts.decide(conflict.id, choose=1)
        assert open_count(ws) == 0
        assert ws.cases.get(laptops.case_id).risk_level == "high"


def test_only_staff_who_see_the_case_may_decide_its_conflict(
    network_template: Path,  # noqa: F811
    tmp_path: Path,
) -> None:
    import pytest

    from cmdesk.core.errors import PermissionDenied, ValidationError
    from cmdesk.core.services.conflict_review import decide, visible_conflicts

    laptops = make_laptops(network_template, tmp_path)
    concurrent_risk(laptops, on_a="high", on_b="critical")
    exchange(laptops.a, laptops.b)
    with open_as(laptops.b, FIELD_WORKER) as ws:
        (conflict,) = open_conflicts(ws.sync)
        assert visible_conflicts(ws) == []
        with pytest.raises(PermissionDenied):
            decide(ws, conflict.id, "low")
        assert len(open_conflicts(ws.sync)) == 1  # refused: nothing changed
    with open_as(laptops.b) as ws:
        # A typed value must be one of the field's codes.
        with pytest.raises(ValidationError) as refused:
            ws.conflicts.decide(conflict.id, "not-a-risk-level")
        assert refused.value.errors[0].field == "value"
        assert len(open_conflicts(ws.sync)) == 1
        ws.conflicts.decide(conflict.id, choose=0)
        assert open_conflicts(ws.sync) == []
