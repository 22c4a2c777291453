"""Hybrid logical clock: wall-clock milliseconds plus a counter, packed in one integer.

A stamp is `ms << 16 | counter`. Stamps from one device only ever grow, even if its wall clock
steps back; a device that receives a stamp moves its clock past it, so an edit made after
seeing another always carries the larger stamp (the causal order the merge relies on). The
origin device id, kept beside each stamp, breaks ties between devices.

A remote stamp more than `DRIFT_MS` ahead of this device's wall clock is not taken in: the
operation is quarantined instead, so one laptop with a wrong clock cannot drag every replica's
clock into the future (Actual Budget's rule; Anki refuses beyond 300 s).
"""

from __future__ import annotations

import time
from collections.abc import Callable

COUNTER_BITS = 16
COUNTER_MASK = (1 << COUNTER_BITS) - 1
DRIFT_MS = 5 * 60 * 1000

MsClock = Callable[[], int]


def wall_ms() -> int:
    return time.time_ns() // 1_000_000


def pack(ms: int, counter: int = 0) -> int:
    return (ms << COUNTER_BITS) | counter


def ms_of(stamp: int) -> int:
    return stamp >> COUNTER_BITS


def too_far_ahead(stamp: int, now_ms: int, drift_ms: int = DRIFT_MS) -> bool:
    return ms_of(stamp) > now_ms + drift_ms


class Hlc:
    """One device's clock. `last` is persisted by the caller with each use."""

    def __init__(self, last: int = 0, now: MsClock = wall_ms, drift_ms: int = DRIFT_MS) -> None:
        self.last = last
        self.now = now
        self.drift_ms = drift_ms

    def tick(self) -> int:
        """A new local stamp, larger than every stamp this clock has issued or received."""
        wall = pack(self.now())
        # A counter overflow carries into the milliseconds: stamps stay unique and ordered.
        self.last = max(wall, self.last + 1)
        return self.last

    def accepts(self, stamp: int) -> bool:
        return not too_far_ahead(stamp, self.now(), self.drift_ms)

    def receive(self, stamp: int) -> bool:
        """Takes in a remote stamp; False (clock untouched) when it is beyond the drift bound."""
        if not self.accepts(stamp):
            return False
        self.last = max(self.last, stamp)
        return True
