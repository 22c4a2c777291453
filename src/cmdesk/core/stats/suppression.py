"""Small-cell suppression with complementary suppression.

A table is cells (key -> count) and the sums published with them: each sum is a total cell
and the cells it adds up (a row and its total, the subdistricts of a district and the
district...). A count from 1 to threshold-1 is hidden (primary suppression: a cell that
small can point at one child). A hidden cell could be recomputed from a sum in which it is
the only hidden one, so another cell of that sum is hidden too (complementary suppression),
until every sum hides none or at least two of its cells. Zero is shown: it names nobody.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

DEFAULT_THRESHOLD = 5


@dataclass(frozen=True)
class Sum:
    """`total` equals the sum of `parts` (all keys of the same table)."""

    total: str
    parts: tuple[str, ...]

    @property
    def keys(self) -> tuple[str, ...]:
        return (self.total, *self.parts)


def suppress(
    cells: Mapping[str, int], sums: Sequence[Sum], threshold: int = DEFAULT_THRESHOLD
) -> dict[str, int | None]:
    """The published cells: None where a count is hidden."""
    hidden = {k for k, v in cells.items() if 0 < v < threshold}
    changed = True
    while changed:
        changed = False
        for s in sums:
            in_sum = [k for k in s.keys if k in hidden]
            if len(in_sum) != 1:
                continue
            # The smallest other non-zero cell costs the least information to hide; a zero is
            # hidden only when nothing else is left (hiding it still blocks the subtraction).
            shown = [k for k in s.keys if k not in hidden]
            if not shown:
                continue
            shown.sort(key=lambda k: (cells[k] == 0, cells[k], k))
            hidden.add(shown[0])
            changed = True
    return {k: (None if k in hidden else v) for k, v in cells.items()}


def recoverable(published: Mapping[str, int | None], sums: Sequence[Sum]) -> list[str]:
    """Hidden cells that one published sum gives away (what an attacker tries first)."""
    found = []
    for s in sums:
        missing = [k for k in s.keys if published.get(k) is None]
        if len(missing) == 1:
            found.append(missing[0])
    return found
