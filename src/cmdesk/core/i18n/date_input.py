"""Reading dates as people type them: day first, Buddhist or Gregorian year, Thai or Arabic digits.

Accepted (in either language): 15/1/2568, 15-01-2568, 15.1.2568, 2568-01-15, ๑๕/๑/๒๕๖๘,
15 ม.ค. 2568, 15 มกราคม พ.ศ. 2568, 15 มกรา 68, วันพุธที่ 15 มกราคม พ.ศ. 2568, 15/1/2025,
2025-01-15, 15 Jan 2025, January 15, 2025, Wednesday, 15 January 2025 — that is, everything
format_date writes, plus the common ways of typing it.

Year rules: a four-digit year above 2400 is Buddhist Era (minus 543), otherwise Gregorian;
an explicit era (พ.ศ./B.E., ค.ศ./C.E./A.D.) overrides that. A two-digit year is B.E. 25xx in
Thai ("15/1/68" is 2568 = 2025, as Thai short dates are written). In English it is refused:
"15/1/25" could be 2025 or B.E. 2525 (1982), and a wrong birth year is worse than a retyped one.
Numeric dates are always day/month/year: Thai readers never write month first.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from datetime import date
from functools import cache

from babel.dates import get_day_names, get_month_names

from cmdesk.core.errors import ValidationError
from cmdesk.core.i18n.dates import BABEL_LOCALE, BE_OFFSET
from cmdesk.core.i18n.digits import from_thai_digits
from cmdesk.core.i18n.translator import Locale
from cmdesk.core.text_ids import N_

EMPTY = N_("Enter a date, for example 15/1/2025.")
UNREADABLE = N_("This is not a date cmdesk can read. Write day/month/year, for example 15/1/2025.")
NO_SUCH_DAY = N_(
    "There is no such date. Check the day and the month: the day comes first, as in 15/1/2025."
)
YEAR_IN_FULL = N_("Write the year with four digits, for example 2025.")
WRONG_WEEKDAY = N_("The day of the week does not match the date.")

_ERAS = {"พศ": "BE", "be": "BE", "คศ": "CE", "ce": "CE", "ad": "CE"}
# Words people put around a date that carry no information: "วันที่ 15 เดือนมกราคม ปี 2568",
# "the 15th of January 2025".
_FILLERS = {"วันที่", "ที่", "เดือน", "ปี", "the", "of", "st", "nd", "rd", "th"}
_BE_THRESHOLD = 2400  # no Gregorian year we record is above this; every B.E. year we see is


class _Unreadable(Exception):
    def __init__(self, msgid: str) -> None:
        super().__init__(msgid)
        self.msgid = msgid


def parse_date(text: str, locale: Locale, *, field: str = "date") -> date:
    """The date `text` means, or ValidationError.single(field, ...) saying what to fix."""
    try:
        return _parse(text, locale)
    except _Unreadable as problem:
        raise ValidationError.single(field, problem.msgid) from None


def parse_year(text: str, locale: Locale, *, field: str = "year") -> int:
    """A year typed alone (e.g. a birth year): "2555", "พ.ศ. 2555", "๒๕๕๕" or "2012" → 2012."""
    try:
        tokens = _tokens(text)
        era = _era(tokens)
        numbers = [t for t in tokens if _is_number(t)]
        words = [t for t in tokens if not _is_number(t) and t not in _ERAS and t not in _FILLERS]
        if len(numbers) != 1 or words:
            raise _Unreadable(N_("Write the year, for example 2568 or 2025."))
        return _year(numbers[0], era, locale)
    except _Unreadable as problem:
        raise ValidationError.single(field, problem.msgid) from None


def _parse(text: str, locale: Locale) -> date:
    tokens = _tokens(text)
    if not tokens:
        raise _Unreadable(EMPTY)
    era = _era(tokens)
    weekday: int | None = None
    month: int | None = None
    numbers: list[str] = []
    for token in tokens:
        if _is_number(token):
            numbers.append(token)
        elif token in _ERAS or token in _FILLERS:
            continue
        elif _month_key(token) in _months() and month is None:
            month = _months()[_month_key(token)]
        elif _weekday_key(token) in _weekdays() and weekday is None:
            weekday = _weekdays()[_weekday_key(token)]
        else:
            raise _Unreadable(UNREADABLE)

    if month is None:
        if len(numbers) != 3:
            raise _Unreadable(UNREADABLE)
        if len(numbers[0]) == 4:  # ISO order, 2568-01-15
            year_text, month_text, day_text = numbers
        else:
            day_text, month_text, year_text = numbers
        if len(month_text) > 2:
            raise _Unreadable(UNREADABLE)
        month = int(month_text)
    else:
        if len(numbers) != 2:
            raise _Unreadable(UNREADABLE)
        # "15 มกราคม 2568", "January 15, 2025", or year first "2568 มกราคม 15"
        day_text, year_text = reversed(numbers) if len(numbers[0]) == 4 else numbers
    if len(day_text) > 2:
        raise _Unreadable(UNREADABLE)

    try:
        value = date(_year(year_text, era, locale), month, int(day_text))
    except ValueError:
        raise _Unreadable(NO_SUCH_DAY) from None
    # Babel weekday keys are 0 = Monday, like date.weekday()
    if weekday is not None and weekday != value.weekday():
        raise _Unreadable(WRONG_WEEKDAY)
    return value


def _tokens(text: str) -> list[str]:
    text = from_thai_digits(text).casefold()
    # Dots after letters belong to abbreviations (ม.ค., พ.ศ., B.E.); after digits they separate.
    text = re.sub(r"(?<=[^0-9\s])\.", "", text)
    # ASCII digits only: other scripts' digits (and "²") are not read as numbers.
    return re.findall(r"[0-9]+|[^0-9\s/\-.,]+", text)


def _is_number(token: str) -> bool:
    return token.isascii() and token.isdigit()


def _era(tokens: list[str]) -> str | None:
    eras = {_ERAS[t] for t in tokens if t in _ERAS}
    if len(eras) > 1:
        raise _Unreadable(UNREADABLE)
    return eras.pop() if eras else None


def _year(digits: str, era: str | None, locale: Locale) -> int:
    year = int(digits)
    if len(digits) == 2:
        if era == "BE" or (era is None and locale == "th"):
            return 2500 + year - BE_OFFSET
        raise _Unreadable(YEAR_IN_FULL)
    if len(digits) != 4:
        raise _Unreadable(YEAR_IN_FULL)
    if era == "BE" or (era is None and year > _BE_THRESHOLD):
        return year - BE_OFFSET
    return year


def _month_key(token: str) -> str:
    return token.removeprefix("เดือน")  # "เดือนมกราคม", typed without a space


def _weekday_key(token: str) -> str:
    # "วันพุธที่" in the Thai full style: the weekday name plus "ที่" (ordinal "the").
    return token.removesuffix("ที่")


def _name_key(name: str) -> str:
    return name.casefold().replace(".", "")


def _babel_names(
    get_names: Callable[..., Mapping[int, str]],
) -> Iterator[tuple[str, int, str, str]]:
    """Each wide and abbreviated name that `get_names` (Babel's month or day names) gives in
    both languages, as a key, with its number, Babel locale and width."""
    for babel_locale in (*BABEL_LOCALE.values(), "en"):
        for width in ("wide", "abbreviated"):
            for number, name in get_names(width, locale=babel_locale).items():
                yield _name_key(name), number, babel_locale, width


@cache
def _months() -> dict[str, int]:
    """Month names and abbreviations of both languages (from Babel), dots removed → 1..12."""
    names: dict[str, int] = {}
    for key, number, babel_locale, width in _babel_names(get_month_names):
        names[key] = number
        # Thais often drop the suffix when typing: มกรา, กุมภา, เมษา, ตุลา ...
        for suffix in ("คม", "ยน", "พันธ์"):
            if width == "wide" and key.endswith(suffix) and babel_locale.startswith("th"):
                names[key.removesuffix(suffix)] = number
    return names


@cache
def _weekdays() -> dict[str, int]:
    names: dict[str, int] = {}
    for key, number, _locale, _width in _babel_names(get_day_names):
        names[key] = number
        names[key.removeprefix("วัน")] = number  # "พุธ" as well as "วันพุธ"
    return names
