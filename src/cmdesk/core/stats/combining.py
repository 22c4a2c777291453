"""The network's figures for a period: every organisation's published figures added up.

Only published figures are combined, so the network view can show nothing an organisation
hid: a cell hidden by any organisation is hidden in the sum, and every sum a reader can check
is a sum of published numbers. Times (medians, p90) do not add up; they stay per organisation.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from cmdesk.core.errors import BundleRejected
from cmdesk.core.i18n import N_

Figures = Mapping[str, Any]
MALFORMED = N_(
    "The statistics in this bundle are not in a form this version of cmdesk can read. "
    "Nothing was kept. Ask the sender to make the bundle again with the same version."
)
MAX_KEY = 64
# Derived when combining: the subdistricts where the network has cases and no organisation
# records an active community mechanism of either kind, with their cases.
GAPS = "mechanism_gaps"
_MECHANISM_KINDS = ("mechanism_centre", "mechanism_council")  # aggregates.MECHANISM_KIND_TABLES


def checked(figures: Any) -> dict[str, Any]:
    """Another organisation's figures, refused unless they are only codes, counts and days
    (a bundle from a newer or altered app must not reach the combination half-read)."""

    def key(k: Any) -> bool:
        return isinstance(k, str) and 0 < len(k) <= MAX_KEY

    def count(v: Any) -> bool:
        return v is None or (isinstance(v, int) and not isinstance(v, bool) and v >= 0)

    def number(v: Any) -> bool:
        return v is None or (isinstance(v, int | float) and not isinstance(v, bool))

    try:
        tables, times = figures["tables"], figures.get("times", {})
        ok = (
            all(key(figures[k]) for k in ("org", "period", "first", "last"))
            and isinstance(tables, dict)
            and all(
                key(name)
                and all(key(k) and count(v) for k, v in t["cells"].items())
                and all(key(total) and all(key(p) for p in parts) for total, parts in t["sums"])
                for name, t in tables.items()
            )
            and all(key(k) and all(number(v) for v in t.values()) for k, t in times.items())
        )
    except (KeyError, TypeError, ValueError, AttributeError):
        ok = False
    if not ok:
        raise BundleRejected(MALFORMED)
    return dict(figures)


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
    by_org = {one["org"]: {n: t["cells"] for n, t in one["tables"].items()} for one in figures}
    gaps = _gaps(combined)
    if gaps is not None:
        combined[GAPS] = gaps
        for tables in by_org.values():
            own = tables.get("area", {})
            tables[GAPS] = {k: own[k] for k in gaps if k in own}
    return {
        "period": figures[0]["period"] if figures else "",
        "first": figures[0]["first"] if figures else "",
        "last": figures[0]["last"] if figures else "",
        "organisations": [one["org"] for one in figures],
        "missing": sorted(missing),
        "tables": combined,
        "sums": _merged_sums(figures, sums),
        "by_org": by_org,
        "times": {one["org"]: one.get("times", {}) for one in figures},
    }


def _gaps(combined: Mapping[str, Mapping[str, int | None]]) -> dict[str, int | None] | None:
    """Subdistrict -> the network's cases there (None: hidden, yet at least one: a key is
    published only for a subdistrict with cases), where no active mechanism is recorded.
    None when no figures say anything about mechanisms (an older app's)."""
    if not any(name in combined for name in _MECHANISM_KINDS):
        return None
    covered = {key for name in _MECHANISM_KINDS for key, n in combined.get(name, {}).items() if n}
    area = combined.get("area", {})
    return {
        key: n
        for key, n in sorted(area.items())
        if key.startswith("subdistrict:") and key[-1].isdigit() and key not in covered
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
