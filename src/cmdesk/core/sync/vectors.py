"""What a replica holds: per origin device, the set of operation sequence numbers, as ranges.

The version vector of the issue (highest contiguous sequence per origin) is `contiguous()`.
The full range set is kept as well because a replica of a partner organisation holds only the
operations shared with it, so its sequence numbers have gaps that will never fill; and because
bundles may arrive out of order. Ranges are inclusive, sorted, disjoint and never adjacent.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Iterator, Mapping


class RangeSet:
    __slots__ = ("_r",)

    def __init__(self, ranges: Iterable[tuple[int, int]] = ()) -> None:
        self._r: list[tuple[int, int]] = []
        for lo, hi in ranges:
            self.add(lo, hi)

    # -- reading -----------------------------------------------------------------
    def __iter__(self) -> Iterator[tuple[int, int]]:
        return iter(self._r)

    def __bool__(self) -> bool:
        return bool(self._r)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RangeSet) and self._r == other._r

    def __hash__(self) -> int:
        return hash(tuple(self._r))

    def __repr__(self) -> str:
        return f"RangeSet({self._r!r})"

    def __contains__(self, n: object) -> bool:
        if not isinstance(n, int):
            return False
        i = bisect.bisect_right(self._r, (n, float("inf"))) - 1
        return i >= 0 and self._r[i][0] <= n <= self._r[i][1]

    def covers(self, lo: int, hi: int) -> bool:
        r = self._r
        # Fast answer for the common case of an import: numbers beyond everything held.
        if not r or lo > r[-1][1]:
            return False
        i = bisect.bisect_right(r, (lo, float("inf"))) - 1
        return i >= 0 and r[i][0] <= lo and hi <= r[i][1]

    def intersects(self, lo: int, hi: int) -> bool:
        """True when any of lo..hi is held."""
        r = self._r
        if not r or lo > r[-1][1]:
            return False
        i = bisect.bisect_right(r, (hi, float("inf"))) - 1
        return i >= 0 and r[i][1] >= lo

    def count(self) -> int:
        return sum(hi - lo + 1 for lo, hi in self._r)

    def contiguous(self) -> int:
        """The highest n such that 1..n are all held (0 when 1 is missing)."""
        if self._r and self._r[0][0] <= 1:
            return self._r[0][1]
        return 0

    def maximum(self) -> int:
        return self._r[-1][1] if self._r else 0

    # -- changing ----------------------------------------------------------------
    def add(self, lo: int, hi: int | None = None) -> None:
        hi = lo if hi is None else hi
        if hi < lo:
            return
        r = self._r
        # Fast paths: an origin's operations mostly arrive in order, so most additions extend
        # the last range or start a new one after it (no search, no list splice).
        if not r or lo > r[-1][1] + 1:
            r.append((lo, hi))
            return
        last_lo, last_hi = r[-1]
        if lo >= last_lo:
            if hi > last_hi:
                r[-1] = (last_lo, hi)
            return
        # First range that could touch [lo, hi] (ends at or after lo - 1).
        i = bisect.bisect_left(r, (lo, lo))
        if i > 0 and r[i - 1][1] >= lo - 1:
            i -= 1
        j = i
        while j < len(r) and r[j][0] <= hi + 1:
            lo, hi = min(lo, r[j][0]), max(hi, r[j][1])
            j += 1
        r[i:j] = [(lo, hi)]

    def update(self, other: RangeSet) -> None:
        for lo, hi in other:
            self.add(lo, hi)

    # -- algebra -----------------------------------------------------------------
    def intersection(self, other: RangeSet) -> RangeSet:
        out = RangeSet()
        a, b = self._r, other._r
        i = j = 0
        while i < len(a) and j < len(b):
            lo, hi = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
            if lo <= hi:
                out._r.append((lo, hi))
            if a[i][1] < b[j][1]:
                i += 1
            else:
                j += 1
        return out

    def without(self, lo: int, hi: int) -> RangeSet:
        """A copy of this set with [lo, hi] taken out."""
        kept = RangeSet()
        for a, b in self._r:
            if b < lo or a > hi:
                kept._r.append((a, b))
                continue
            if a < lo:
                kept._r.append((a, lo - 1))
            if b > hi:
                kept._r.append((hi + 1, b))
        return kept

    def missing_from(self, lo: int, hi: int) -> list[tuple[int, int]]:
        """The parts of [lo, hi] not in this set."""
        gaps: list[tuple[int, int]] = []
        cursor = lo
        for a, b in self._r:
            if b < cursor:
                continue
            if a > hi:
                break
            if a > cursor:
                gaps.append((cursor, min(a - 1, hi)))
            cursor = max(cursor, b + 1)
            if cursor > hi:
                break
        if cursor <= hi:
            gaps.append((cursor, hi))
        return gaps

    # -- storage -----------------------------------------------------------------
    def to_json(self) -> list[int]:
        return [n for pair in self._r for n in pair]

    @classmethod
    def from_json(cls, flat: object) -> RangeSet:
        if not isinstance(flat, list) or len(flat) % 2:
            raise ValueError("ranges")
        out = cls()
        for lo, hi in zip(flat[::2], flat[1::2], strict=True):
            if not (isinstance(lo, int) and isinstance(hi, int)) or lo < 1 or hi < lo:
                raise ValueError("ranges")
            out.add(lo, hi)
        return out


Vector = dict[str, RangeSet]


def vector_to_json(v: Mapping[str, RangeSet]) -> dict[str, list[int]]:
    return {origin: ranges.to_json() for origin, ranges in sorted(v.items()) if ranges}


def vector_from_json(d: object) -> Vector:
    if not isinstance(d, dict):
        raise ValueError("vector")
    return {str(k): RangeSet.from_json(v) for k, v in d.items()}


def contiguous(v: Mapping[str, RangeSet]) -> dict[str, int]:
    """The classic version vector: highest contiguous sequence per origin."""
    return {origin: r.contiguous() for origin, r in sorted(v.items()) if r.contiguous()}


def intersect_all(vectors: list[Vector]) -> Vector:
    """What every one of several replicas holds (nothing when the list is empty)."""
    if not vectors:
        return {}
    out = dict(vectors[0])
    for v in vectors[1:]:
        out = {o: r.intersection(v[o]) for o, r in out.items() if o in v}
    return out


def merge_into(target: Vector, other: Mapping[str, RangeSet]) -> None:
    for origin, ranges in other.items():
        target.setdefault(origin, RangeSet()).update(ranges)
