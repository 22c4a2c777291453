"""Birth dates that may be only partly known.

Many highland children have no birth certificate: the family may know the day, only the year,
or only an age ("about 12") told on some day. The record keeps what was actually said, so
nothing is invented: a year-only birth date is never stored as 1 January, and an estimate keeps
the stated age and the day it was stated.

It lives in i18n, beside the date formatting, because its main job is to be shown and read
honestly in both languages; it is a plain value the model layer can store field by field
(precision, year, day, stated_age, stated_on).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from cmdesk.core.errors import ValidationError
from cmdesk.core.i18n.dates import buddhist_year, format_date
from cmdesk.core.i18n.digits import to_thai_digits
from cmdesk.core.i18n.translator import Locale, Translator, translator
from cmdesk.core.text_ids import N_

Precision = Literal["exact", "year", "estimated"]

MAX_AGE = 130
YEAR_ONLY = N_("{year} (year only)")
ESTIMATED = N_("about {year} (estimated from age)")
BAD_AGE = N_("An age is a whole number of years from 0 to {max}.")
BEFORE_BIRTH = N_("This date is before the birth date.")


def _invalid(msgid: str, **params: object) -> Exception:
    return ValidationError.single("birth_date", msgid, **params)


@dataclass(frozen=True)
class BirthDate:
    """Use the constructors: BirthDate.exact(day), BirthDate.year_only(year),
    BirthDate.from_age(age, on=day). Years are Gregorian (convert typed B.E. with parse_year)."""

    precision: Precision
    year: int
    day: date | None = None  # exact only
    stated_age: int | None = None  # estimated only
    stated_on: date | None = None  # estimated only: the day the age was given

    def __post_init__(self) -> None:
        shape = (self.day is not None, self.stated_age is not None, self.stated_on is not None)
        expected = {
            "exact": (True, False, False),
            "year": (False, False, False),
            "estimated": (False, True, True),
        }[self.precision]
        if shape != expected:
            raise ValueError(f"inconsistent {self.precision} birth date: {self!r}")
        if self.day is not None and self.day.year != self.year:
            raise ValueError(f"year {self.year} differs from the day {self.day}")
        if (
            self.stated_on is not None
            and self.stated_age is not None
            and self.year != self.stated_on.year - self.stated_age
        ):
            raise ValueError(f"year {self.year} does not follow from the stated age")

    @classmethod
    def exact(cls, day: date) -> BirthDate:
        return cls("exact", day.year, day=day)

    @classmethod
    def year_only(cls, year: int) -> BirthDate:
        if not date.min.year <= year <= date.max.year:
            raise ValueError(f"year out of range: {year}")
        return cls("year", year)

    @classmethod
    def from_age(cls, age: int, *, on: date) -> BirthDate:
        """Someone said the child was `age` years old on `on`.

        The year shown is on.year - age (the birthday may or may not have passed yet that year;
        the display says "about").
        """
        if not 0 <= age <= MAX_AGE:
            raise _invalid(BAD_AGE, max=MAX_AGE)
        return cls("estimated", on.year - age, stated_age=age, stated_on=on)


def age_on(birth: BirthDate, day: date) -> int:
    """Age in whole years on `day`.

    When the birth date is not exact, this is the youngest age the known facts allow (as if
    born on 31 December of a year-only birth, or as if the stated age had just been reached on
    the day it was stated). A child is then never treated as older than they can be: turning 18
    ends the protections of the Child Protection Act B.E. 2546.
    """
    if birth.precision == "exact":
        assert birth.day is not None
        age = _whole_years(birth.day, day)
    elif birth.precision == "year":
        if day.year < birth.year:
            raise _invalid(BEFORE_BIRTH)
        age = max(0, _whole_years(date(birth.year, 12, 31), day))
    else:
        assert birth.stated_age is not None and birth.stated_on is not None
        age = birth.stated_age + _whole_years(birth.stated_on, day)
    if age < 0:
        raise _invalid(BEFORE_BIRTH)
    return age


def _whole_years(start: date, end: date) -> int:
    """Completed years from start to end (negative if end is earlier); 29 February counts as
    passed on 1 March in other years."""
    return end.year - start.year - ((end.month, end.day) < (start.month, start.day))


def format_birth_date(
    birth: BirthDate,
    locale: Locale,
    *,
    thai_digits: bool = False,
    tr: Translator | None = None,
) -> str:
    """Thai: 15 มกราคม 2555 / พ.ศ. 2555 (ทราบเฉพาะปี) / ประมาณ พ.ศ. 2555 (ประมาณจากอายุ);
    English: 15 January 2012 / 2012 (year only) / about 2012 (estimated from age)."""
    if birth.precision == "exact":
        assert birth.day is not None
        return format_date(birth.day, locale, "long", thai_digits=thai_digits)
    tr = tr or translator(locale)
    year = buddhist_year(birth.year) if locale == "th" else birth.year
    msgid = YEAR_ONLY if birth.precision == "year" else ESTIMATED
    text = tr.format(msgid, year=year)
    return to_thai_digits(text) if thai_digits else text
