"""Dates for display: Thai in the Buddhist Era (as ICU's Thai Buddhist calendar prints them),
English in the Gregorian calendar, day first.

Dates are stored as ISO (Gregorian) dates; the Buddhist year exists only on screen and paper.
"""

from __future__ import annotations

import re
from datetime import date, datetime, tzinfo
from typing import Literal

from babel.dates import format_date as babel_format_date
from babel.dates import format_time as babel_format_time

from cmdesk.core.i18n.digits import to_thai_digits
from cmdesk.core.i18n.translator import Locale

Style = Literal["full", "long", "medium", "short"]
STYLES: tuple[Style, ...] = ("full", "long", "medium", "short")

BE_OFFSET = 543  # พ.ศ. = ค.ศ. + 543
BE_ERA = "พ.ศ."

# Babel locale used for names (months, weekdays) and the English patterns.
# English is en_GB, not Babel's default en_US: Thai readers take every numeric date as
# day/month/year, and Thai NGOs' English documents write "15 January 2025", so a US "1/2/25"
# would be read as 1 February. en_GB's short style also has a four-digit year ("15/01/2025").
BABEL_LOCALE: dict[Locale, str] = {"th": "th_TH", "en": "en_GB"}

# CLDR's patterns for Thai in the Buddhist calendar (ICU's default for Thai). Babel ships only
# the Gregorian ones, whose full and long styles print "ค.ศ. 2025"; names still come from Babel.
_THAI_BUDDHIST_PATTERNS: dict[Style, str] = {
    "full": "EEEEที่ d MMMM G y",
    "long": "d MMMM y",
    "medium": "d MMM y",
    "short": "d/M/yy",
}


def buddhist_year(gregorian_year: int) -> int:
    return gregorian_year + BE_OFFSET


def format_date(
    value: date, locale: Locale, style: Style = "medium", *, thai_digits: bool = False
) -> str:
    """Thai: วันพุธที่ 15 มกราคม พ.ศ. 2568 / 15 มกราคม 2568 / 15 ม.ค. 2568 / 15/1/68;
    English: Wednesday, 15 January 2025 / 15 January 2025 / 15 Jan 2025 / 15/01/2025."""
    if isinstance(value, datetime):
        value = value.date()  # a datetime is a date, but its time does not belong here
    if locale == "th":
        text = babel_format_date(value, _buddhist_pattern(value, style), locale=BABEL_LOCALE["th"])
    else:
        text = babel_format_date(value, style, locale=BABEL_LOCALE[locale])
    return to_thai_digits(text) if thai_digits else text


def _buddhist_pattern(value: date, style: Style) -> str:
    """The Thai pattern with era and year written in as literals (Babel would print ค.ศ./C.E.)."""
    year = buddhist_year(value.year)

    def year_literal(match: re.Match[str]) -> str:
        # "yy" is the last two digits, like ICU; any other length is the whole year.
        return f"'{year % 100:02d}'" if len(match.group()) == 2 else f"'{year}'"

    pattern = re.sub(r"G+", f"'{BE_ERA}'", _THAI_BUDDHIST_PATTERNS[style])
    return re.sub(r"y+", year_literal, pattern)


# "นาฬิกา" (o'clock), abbreviated as every Thai clock time is written.
THAI_TIME_SUFFIX = "น."


def format_datetime(
    value: datetime,
    locale: Locale,
    style: Style = "medium",
    *,
    thai_digits: bool = False,
    tz: tzinfo | None = None,
) -> str:
    """A timestamp for audit trails: the date in `style`, then 24-hour time:
    "15 ม.ค. 2568 14:05 น." and "15 Jan 2025 14:05".

    An aware datetime is shown in `tz`, or in this computer's time zone if none is given (stored
    timestamps are UTC, people read local time); a naive one is shown as it is.
    """
    if value.tzinfo is not None:
        value = value.astimezone(tz)
    # The time is written out here, not taken from the installed Babel's short pattern: the
    # format is a decision (docs/thai-formats.md), and Babel 2.19 changed its Thai pattern.
    # Thai follows ICU and CLDR 47 ("14:05 น."), not the government's "14.05 น.".
    time = babel_format_time(value.time(), "HH:mm", locale=BABEL_LOCALE[locale])
    if locale == "th":
        time = f"{time} {THAI_TIME_SUFFIX}"
    text = f"{format_date(value.date(), locale, style)} {time}"
    return to_thai_digits(text) if thai_digits else text
