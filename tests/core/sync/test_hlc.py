"""The hybrid logical clock: monotonic on one device, causal across devices, bounded drift."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from cmdesk.core.sync.hlc import DRIFT_MS, Hlc, ms_of, pack

NOW = 1_795_000_000_000


def test_stamps_grow_even_when_the_wall_clock_steps_back() -> None:
    wall = [NOW]
    clock = Hlc(now=lambda: wall[0])
    first = clock.tick()
    wall[0] = NOW - 60_000
    second = clock.tick()
    assert second > first and ms_of(second) == NOW


def test_a_received_stamp_moves_the_clock_past_it() -> None:
    clock = Hlc(now=lambda: NOW)
    remote = pack(NOW + 1000, 7)
    assert clock.receive(remote)
    assert clock.tick() > remote


def test_a_stamp_beyond_the_drift_bound_is_refused_and_leaves_the_clock_alone() -> None:
    clock = Hlc(now=lambda: NOW)
    before = clock.tick()
    year_ahead = pack(NOW + 365 * 86_400_000)
    assert not clock.receive(year_ahead)
    assert clock.last == before
    assert clock.receive(pack(NOW + DRIFT_MS))  # exactly at the bound is accepted


@given(st.lists(st.one_of(st.integers(-10_000, 10_000), st.none()), min_size=1, max_size=60))
def test_ticks_and_receipts_never_go_backwards(steps: list[int | None]) -> None:
    wall = [NOW]
    clock = Hlc(now=lambda: wall[0])
    last = 0
    for step in steps:
        if step is None:
            clock.receive(pack(wall[0] + 1000, 3))
        else:
            wall[0] += step
            stamp = clock.tick()
            assert stamp > last
            last = stamp
        assert ms_of(clock.last) <= max(wall[0], NOW + 10_000 * len(steps)) + DRIFT_MS


def test_counter_overflow_carries_into_milliseconds() -> None:
    clock = Hlc(last=pack(NOW, 0xFFFF), now=lambda: NOW)
    assert clock.tick() == pack(NOW + 1, 0)
