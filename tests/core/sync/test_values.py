"""A change's values must fit their columns (values.py): what the app writes always does, and
what reading a row back could not take is refused before anything is applied."""

from __future__ import annotations

import pytest
from sqlalchemy import LargeBinary

from cmdesk.core.demo.generate import generate
from cmdesk.core.sync import values
from cmdesk.core.sync.oplog import Change
from tests.core.sync.conftest import Net


def change(tbl: str, **fields: object) -> Change:
    ops = [[i, name, value] for i, (name, value) in enumerate(fields.items())]
    return Change("device", 1, 1, tbl, "row", 0, 1, ops)


def test_every_synced_column_has_a_rule() -> None:
    unknown = [
        f"{tbl}.{column}"
        for tbl, columns in values.rules().items()
        for column, rule in columns.items()
        if rule == values.UNCHECKED
    ]
    assert unknown == [], "give these column types a rule in sync/values.py"
    assert values._rule(LargeBinary(), True) == values.UNCHECKED  # what the test looks for
    assert "referral" in values.rules() and "status_changed_at" in values.rules()["referral"]


@pytest.mark.parametrize(
    ("tbl", "fields"),
    [
        ("referral", {"status_changed_at": "garbage"}),
        ("referral", {"status_changed_at": "2026-01-02T03:04:05"}),  # no UTC mark
        ("referral", {"due_date": "2026-13-01"}),
        ("referral", {"due_date": "20260102"}),  # ISO, but not how dates are stored
        ("referral", {"due_date": 20260102}),
        ("referral", {"shared_sections": "identity"}),  # not JSON
        ("referral", {"shared_sections": '"identity"'}),  # JSON, but not a list
        ("referral", {"status": None}),  # NOT NULL
        ("referral", {"reason": 42}),  # text
        ("child", {"birth_year": "2557"}),
        ("case_file", {"stage": "assessment", "reopen_count": "1"}),
        ("community_mechanism", {"active": 2}),
    ],
)
def test_values_that_cannot_be_read_back_are_refused(tbl: str, fields: dict[str, object]) -> None:
    assert tbl in values.rules()
    assert set(fields) <= set(values.rules()[tbl]), "a column of this test is gone"
    assert values.reason(change(tbl, **fields)) == values.BAD_VALUE


def test_values_the_app_writes_fit() -> None:
    fine = change(
        "referral",
        status="acknowledged",
        status_changed_at="2026-01-02T03:04:05.000006Z",
        due_date="2026-01-02",
        shared_sections='["identity"]',
        consent_id=None,
    )
    assert values.reason(fine) is None
    # A field this version does not know is left to the import (kept for after an update).
    assert values.reason(change("referral", colour_of_sky=object())) is None
    assert values.reason(change("a_table_from_a_newer_cmdesk", x=object())) is None


def test_a_shape_seen_fine_is_still_checked() -> None:
    """The check remembers shapes of types it found fine (for speed); a later change of the
    same shape with a bad value, or of the same columns with other types, is refused."""
    good = {"status": "acknowledged", "status_changed_at": "2026-01-02T03:04:05.000006Z"}
    assert values.reason(change("referral", **good)) is None
    assert values.reason(change("referral", **good)) is None
    bad_moment = {**good, "status_changed_at": "2026-01-02"}
    assert values.reason(change("referral", **bad_moment)) == values.BAD_VALUE
    bad_type = {**good, "status": 3}
    assert values.reason(change("referral", **bad_type)) == values.BAD_VALUE


def test_a_segment_names_each_change_that_does_not_fit() -> None:
    """The import reads a segment's moments at once (refused); a bad one among good ones
    is found by its position, and only that change is refused."""
    good = {"status": "acknowledged", "status_changed_at": "2026-01-02T03:04:05.000006Z"}
    segment = [
        change("referral", **good),
        change("referral", **{**good, "status_changed_at": "garbage"}),
        change("referral", **good),
        change("referral", **{**good, "due_date": "2026-02-31"}),
        change("referral", **{**good, "status": None}),
        change("referral", **good),
    ]
    assert values.refused(segment) == {1, 3, 4}
    assert values.refused(segment[:1] + segment[2:3]) == set()
    assert values.refused([]) == set()


def test_every_record_of_a_demo_organisation_fits(net: Net) -> None:
    """The whole of a generated organisation (children, cases, plans, notes, referrals,
    mechanisms, audit) crosses to another laptop with nothing refused."""
    generate(net.a1, 40, workers=0, syncable=True)
    data, _ = net.a1.sync.export(everything=True)
    result = net.a2.sync.import_bundle(data)
    assert result.refused == {}
    assert result.new == result.operations > 1000
    assert net.a2.sync.state_hash() == net.a1.sync.state_hash()
