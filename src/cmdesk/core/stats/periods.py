"""Reporting periods: a Thai fiscal year, one of its quarters, or a date range.

The network reports on the Thai government fiscal year (1 October to 30 September), because
the provincial shelter and the ministry it reports to count that way: fiscal year 2569 runs
from 1 October 2568 to 30 September 2569 B.E., and its first quarter ("2569-Q1") is
October to December 2568. docs/stats.md says so for users.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from cmdesk.core.errors import ValidationError
from cmdesk.core.i18n import N_

BE_OFFSET = 543
BAD_PERIOD = N_(
    "{period} is not a period. Write a fiscal year (2569), a quarter (2569-Q1 or "
    "ไตรมาส 1/2569) or a date range (2569-01-01..2569-03-31)."
)
BACKWARDS = N_("The period ends before it starts. Put the earlier date first.")

_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_YEAR = re.compile(r"^(?:ปีงบประมาณ|ปีงบ|fy|ปี)?\s*(\d{4})$", re.IGNORECASE)
_QUARTER = (
    re.compile(r"^(\d{4})\s*[-/ ]\s*(?:q|ไตรมาส(?:ที่)?)\s*([1-4])$", re.IGNORECASE),
    re.compile(r"^(?:q|ไตรมาส(?:ที่)?)\s*([1-4])\s*[-/ ]\s*(?:ปี(?:งบประมาณ)?\s*)?(\d{4})$", re.I),
)
_RANGE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})\s*(?:\.\.|ถึง|to)\s*(\d{4})-(\d{1,2})-(\d{1,2})$")


@dataclass(frozen=True)
class Period:
    """Inclusive dates; `label` is the canonical form ("2569", "2569-Q1" or a date range)."""

    label: str
    first: date
    last: date

    def contains(self, day: date) -> bool:
        return self.first <= day <= self.last


def _bad(text: str) -> ValidationError:
    return ValidationError.single("period", BAD_PERIOD, period=text[:40])


def _ce_year(year: int) -> int:
    """Years above 2400 are B.E. (what Thai users write); others are C.E."""
    return year - BE_OFFSET if year > 2400 else year


def fiscal_year(be_year: int) -> Period:
    ce = be_year - BE_OFFSET
    return Period(str(be_year), date(ce - 1, 10, 1), date(ce, 9, 30))


def fiscal_quarter(be_year: int, quarter: int) -> Period:
    ce = be_year - BE_OFFSET
    month = 10 + 3 * (quarter - 1)  # Q1 starts in October of the year before
    year = ce - 1 if month <= 12 else ce
    month = month if month <= 12 else month - 12
    first = date(year, month, 1)
    next_month = month + 3
    after = date(year + (next_month > 12), (next_month - 1) % 12 + 1, 1)
    return Period(f"{be_year}-Q{quarter}", first, after - timedelta(days=1))


def parse_period(text: str) -> Period:
    """A period from what a user typed, in Thai or English, Thai or Arabic digits."""
    clean = " ".join(text.translate(_THAI_DIGITS).strip().split())
    if m := _YEAR.match(clean):
        return fiscal_year(_be(int(m.group(1)), text))
    if m := _QUARTER[0].match(clean):
        return fiscal_quarter(_be(int(m.group(1)), text), int(m.group(2)))
    if m := _QUARTER[1].match(clean):
        return fiscal_quarter(_be(int(m.group(2)), text), int(m.group(1)))
    if m := _RANGE.match(clean):
        parts = [int(g) for g in m.groups()]
        try:
            first = date(_ce_year(parts[0]), parts[1], parts[2])
            last = date(_ce_year(parts[3]), parts[4], parts[5])
        except ValueError:
            raise _bad(text) from None
        if last < first:
            raise ValidationError.single("period", BACKWARDS)
        return Period(f"{first.isoformat()}..{last.isoformat()}", first, last)
    raise _bad(text)


def _be(year: int, text: str) -> int:
    """A fiscal year is named in B.E.; a C.E. year (2026) is taken as B.E. 2569."""
    be = year if year > 2400 else year + BE_OFFSET
    if not 2550 <= be <= 2650:  # the years this network can have records of
        raise _bad(text)
    return be


def quarter_of(day: date) -> Period:
    """The fiscal quarter holding `day` (October to December is Q1 of the next B.E. year)."""
    be_year = day.year + BE_OFFSET + (day.month >= 10)
    return fiscal_quarter(be_year, (day.month - 10) % 12 // 3 + 1)
