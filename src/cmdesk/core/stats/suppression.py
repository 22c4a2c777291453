"""Small-cell suppression: a count from 1 to threshold-1 is not published (it could point at a
child in a small village), and whenever a table's total is published, no suppressed cell may
be worked out from it by subtraction (complementary suppression: the next smallest cell is
hidden too). Places are a hierarchy (province > district > subdistrict): a hidden district
hides its subdistricts, whose sum would give it away.

A hidden cell is None. Zero is published: "no case" names nobody.
"""

from __future__ import annotations

from collections.abc import Mapping

DEFAULT_THRESHOLD = 5

Cells = dict[str, int | None]


def suppress_group(cells: Mapping[str, int], threshold: int, *, additive: bool) -> Cells:
    """One table. `additive`: its cells add up to a published total (each case counted once)."""
    out: Cells = {k: (None if 0 < v < threshold else v) for k, v in cells.items()}
    if additive:
        hidden = [k for k, v in out.items() if v is None]
        if len(hidden) == 1:
            # The total minus the others would give the hidden one back: hide the smallest
            # other non-zero cell too.
            others = sorted((v, k) for k, v in cells.items() if v and out[k] is not None)
            if others:
                out[others[0][1]] = None
    return out


def suppress_places(counts: Mapping[str, int], threshold: int) -> Cells:
    """Place codes of every level (2-digit province, 4-digit district, 6-digit subdistrict)
    with their counts; each level's cells add up to the level above."""
    out: Cells = {}
    provinces = {c: n for c, n in counts.items() if len(c) == 2}
    out.update(suppress_group(provinces, threshold, additive=False))
    for level, parent_len in ((4, 2), (6, 4)):
        parents = {c for c in counts if len(c) == parent_len}
        for parent in parents:
            group = {
                c: n for c, n in counts.items() if len(c) == level and c[:parent_len] == parent
            }
            if out.get(parent) is None:
                out.update(dict.fromkeys(group))  # the parent is hidden: so are its parts
            else:
                out.update(suppress_group(group, threshold, additive=True))
    return out
