"""The network's figures for a period: every organisation's published figures added up.

Only published figures are combined, so the network view can show nothing an organisation
hid: a cell hidden by any organisation is hidden in the sum, and every sum a reader can check
is a sum of published numbers. Times (medians, p90) do not add up; they stay per organisation.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

Figures = Mapping[str, Any]


def combine(figures: Sequence[Figures], missing: Iterable[str] = ()) -> dict[str, Any]:
    """Combined tables, each organisation's tables, and the organisations missing."""
    combined: dict[str, dict[str, int | None]] = {}
    for one in figures:
        for name, table in one["tables"].items():
            cells = combined.setdefault(name, {})
            for key, value in table["cells"].items():
                if key in cells and cells[key] is None:
                    continue
                cells[key] = None if value is None else (cells.get(key) or 0) + int(value)
    sums = {name: table["sums"] for one in figures for name, table in one["tables"].items()}
    return {
        "period": figures[0]["period"] if figures else "",
        "first": figures[0]["first"] if figures else "",
        "last": figures[0]["last"] if figures else "",
        "organisations": [one["org"] for one in figures],
        "missing": sorted(missing),
        "tables": combined,
        "sums": _merged_sums(figures, sums),
        "by_org": {
            one["org"]: {n: t["cells"] for n, t in one["tables"].items()} for one in figures
        },
        "times": {one["org"]: one.get("times", {}) for one in figures},
    }


def _merged_sums(figures: Sequence[Figures], seen: Mapping[str, Any]) -> dict[str, list[Any]]:
    """Every sum any organisation published, over the keys of all of them: a total of the
    network is the sum of the same parts as each organisation's."""
    merged: dict[str, dict[str, set[str]]] = {}
    for one in figures:
        for name, table in one["tables"].items():
            by_total = merged.setdefault(name, {})
            for total, parts in table["sums"]:
                by_total.setdefault(total, set()).update(parts)
    return {
        name: [[total, sorted(parts)] for total, parts in by_total.items()]
        for name, by_total in merged.items()
        if name in seen
    }
