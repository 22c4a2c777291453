"""The two weeks a team's laptop waits before letting go of a case are counted from bundle
times; one that cannot be read must not stop the import (the network test walks the rest:
tests/network/test_team_laptops.py)."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

from cmdesk.core.sync.team_leaving import made_at


def header(created_at: str) -> Any:
    return SimpleNamespace(created_at=created_at)


def test_a_bundle_time_is_read_with_its_zone_and_a_bad_one_counts_as_now() -> None:
    assert made_at(header("2026-01-15T07:05:00+07:00")) == datetime(2026, 1, 15, 0, 5, tzinfo=UTC)
    assert made_at(header("2026-01-15T00:05:00")) == datetime(2026, 1, 15, 0, 5, tzinfo=UTC)
    before = datetime.now(UTC)
    assert before <= made_at(header("not a time")) <= datetime.now(UTC)
