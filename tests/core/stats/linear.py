"""What an attacker with exact arithmetic gets from published totals: every hidden cell that
the published sums pin down, taken all together (not only one sum at a time)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction

from cmdesk.core.stats.suppression import Sum


def _reduced(rows: list[dict[int, Fraction]]) -> list[dict[int, Fraction]]:
    """Reduced row echelon form of sparse rows (column -> coefficient)."""
    done: list[tuple[int, dict[int, Fraction]]] = []
    for row in rows:
        row = dict(row)
        for col, pivot_row in done:  # eliminate earlier pivots from the new row
            if row.get(col):
                f = row[col]
                for c, v in pivot_row.items():
                    row[c] = row.get(c, Fraction(0)) - f * v
                row = {c: v for c, v in row.items() if v}
        if not row:
            continue
        col = min(row)
        lead = row[col]
        row = {c: v / lead for c, v in row.items()}
        for i, (other_col, other) in enumerate(done):  # and the new pivot from earlier rows
            if other.get(col):
                f = other[col]
                merged = dict(other)
                for c, v in row.items():
                    merged[c] = merged.get(c, Fraction(0)) - f * v
                done[i] = (other_col, {c: v for c, v in merged.items() if v})
        done.append((col, row))
    return [r for _, r in done]


def determined(published: Mapping[str, int | None], sums: Sequence[Sum]) -> list[str]:
    """Hidden cells whose value follows from the published sums (a linear system): in the
    reduced row echelon form, a cell is pinned down exactly when a row is that cell alone."""
    hidden = sorted(k for k, v in published.items() if v is None)
    index = {k: i for i, k in enumerate(hidden)}
    rows = []
    for s in sums:
        row: dict[int, Fraction] = {}
        for k, sign in [(s.total, -1), *((p, 1) for p in s.parts)]:
            if k in index:
                row[index[k]] = row.get(index[k], Fraction(0)) + sign
        row = {c: v for c, v in row.items() if v}
        if row:
            rows.append(row)
    return sorted(hidden[next(iter(r))] for r in _reduced(rows) if len(r) == 1)
