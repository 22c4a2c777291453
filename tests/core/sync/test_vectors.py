"""Range sets of held sequence numbers behave like the sets they stand for."""

from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st

from cmdesk.core.sync.vectors import RangeSet, contiguous, intersect_all

ranges = st.lists(st.tuples(st.integers(1, 60), st.integers(0, 8)), max_size=12)


def build(pairs: list[tuple[int, int]]) -> tuple[RangeSet, set[int]]:
    r, model = RangeSet(), set()
    for lo, n in pairs:
        r.add(lo, lo + n)
        model |= set(range(lo, lo + n + 1))
    return r, model


@given(ranges)
def test_membership_count_and_contiguous_match_a_plain_set(pairs: list[tuple[int, int]]) -> None:
    r, model = build(pairs)
    assert all((n in r) == (n in model) for n in range(0, 75))
    assert r.count() == len(model)
    expected = 0
    while expected + 1 in model:
        expected += 1
    assert r.contiguous() == expected
    spans = list(r)
    assert all(a[1] + 1 < b[0] for a, b in itertools.pairwise(spans))
    assert RangeSet.from_json(r.to_json()) == r


@given(ranges, ranges, st.integers(1, 70), st.integers(0, 10))
def test_intersection_covers_and_gaps(
    p: list[tuple[int, int]], q: list[tuple[int, int]], lo: int, n: int
) -> None:
    a, ma = build(p)
    b, mb = build(q)
    both = a.intersection(b)
    assert {x for x in range(0, 75) if x in both} == ma & mb
    assert a.covers(lo, lo + n) == (set(range(lo, lo + n + 1)) <= ma)
    assert a.intersects(lo, lo + n) == bool(set(range(lo, lo + n + 1)) & ma)
    gaps = {x for g in a.missing_from(lo, lo + n) for x in range(g[0], g[1] + 1)}
    assert gaps == set(range(lo, lo + n + 1)) - ma


def test_vector_helpers() -> None:
    x = {"a": RangeSet([(1, 5), (8, 9)]), "b": RangeSet([(1, 2)])}
    y = {"a": RangeSet([(1, 3)])}
    assert contiguous(x) == {"a": 5, "b": 2}
    assert contiguous(intersect_all([x, y])) == {"a": 3}
    assert intersect_all([]) == {}
