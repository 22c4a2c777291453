"""The period a statistics file covers: a Buddhist Era year ("2569"), a quarter of it
("2569-Q1": January to March; Q2 April to June ...), or two dates ("2026-01-01..2026-03-31",
or Thai "1/1/2569..31/3/2569"). Calendar quarters, as the network's MOU meetings count them;
the Thai fiscal year (October to September) is written as a date range."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from cmdesk.core.errors import ValidationError
from cmdesk.core.i18n import N_, parse_date

BE_OFFSET = 543
BAD_PERIOD = N_(
    "Give the period as a Buddhist Era year (2569), a quarter (2569-Q1) or two dates "
    "separated by two dots (1/1/2569..31/3/2569)."
)
_YEAR = re.compile(r"^(\d{4})$")


@dataclass(frozen=True)
class Period:
    start: date  # first day, inclusive
    end: date  # last day, inclusive
    name: str  # as written in files and reports ("2569-Q1", "2569", "2026-01-01..2026-03-31")

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end


def _year(be: int) -> int:
    year = be - BE_OFFSET if be > 2400 else be
    if not 1900 <= year <= 2200:
        raise ValidationError.single("period", BAD_PERIOD)
    return year


def parse_period(text: str) -> Period:
    value = text.strip()
    if m := _YEAR.match(value):
        year = _year(int(m.group(1)))
        return Period(date(year, 1, 1), date(year, 12, 31), f"{year + BE_OFFSET}")
    if m := re.match(r"^(\d{4})-Q([1-4])$", value, re.IGNORECASE):
        year, quarter = _year(int(m.group(1))), int(m.group(2))
        start = date(year, 3 * quarter - 2, 1)
        end = (date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)) - (
            timedelta(days=1)
        )
        return Period(start, end, f"{year + BE_OFFSET}-Q{quarter}")
    if ".." in value:
        first, _sep, last = value.partition("..")
        start = parse_date(first.strip(), "th", field="period")
        end = parse_date(last.strip(), "th", field="period")
        if end < start:
            raise ValidationError.single("period", BAD_PERIOD)
        return Period(start, end, f"{start.isoformat()}..{end.isoformat()}")
    raise ValidationError.single("period", BAD_PERIOD)
