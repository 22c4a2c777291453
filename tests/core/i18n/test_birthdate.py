from __future__ import annotations

from datetime import date

import pytest

from cmdesk.core.errors import ValidationError
from cmdesk.core.i18n import BirthDate, age_on, format_birth_date, translator


def test_shown_honestly_in_both_languages() -> None:
    exact = BirthDate.exact(date(2012, 1, 15))
    year = BirthDate.year_only(2012)
    estimated = BirthDate.from_age(12, on=date(2024, 6, 1))
    assert [format_birth_date(b, "th") for b in (exact, year, estimated)] == [
        "15 มกราคม 2555",
        "พ.ศ. 2555 (ทราบเฉพาะปี)",
        "ประมาณ พ.ศ. 2555 (ประมาณจากอายุ)",
    ]
    assert [format_birth_date(b, "en") for b in (exact, year, estimated)] == [
        "15 January 2012",
        "2012 (year only)",
        "about 2012 (estimated from age)",
    ]
    assert format_birth_date(year, "th", thai_digits=True) == "พ.ศ. ๒๕๕๕ (ทราบเฉพาะปี)"


def test_exact_age_counts_birthdays() -> None:
    born = BirthDate.exact(date(2007, 3, 10))
    assert age_on(born, date(2025, 3, 9)) == 17
    assert age_on(born, date(2025, 3, 10)) == 18
    leap = BirthDate.exact(date(2008, 2, 29))
    assert age_on(leap, date(2026, 2, 28)) == 17
    assert age_on(leap, date(2026, 3, 1)) == 18


def test_year_only_age_is_the_youngest_possible() -> None:
    # Born some day in 2007: on 1 June 2025 the child is 17 or 18; treated as 17 (still a child).
    born = BirthDate.year_only(2007)
    assert age_on(born, date(2025, 6, 1)) == 17
    assert age_on(born, date(2025, 12, 31)) == 18
    assert age_on(born, date(2007, 5, 1)) == 0


def test_estimated_age_grows_from_the_day_it_was_stated() -> None:
    born = BirthDate.from_age(12, on=date(2024, 6, 1))
    assert born.year == 2012
    assert age_on(born, date(2024, 6, 1)) == 12
    assert age_on(born, date(2025, 5, 31)) == 12
    assert age_on(born, date(2025, 6, 1)) == 13


def test_before_birth_is_refused() -> None:
    with pytest.raises(ValidationError):
        age_on(BirthDate.exact(date(2012, 1, 15)), date(2012, 1, 14))
    with pytest.raises(ValidationError):
        age_on(BirthDate.year_only(2012), date(2011, 12, 31))


def test_an_impossible_age_is_refused_with_a_message() -> None:
    with pytest.raises(ValidationError) as caught:
        BirthDate.from_age(-1, on=date(2024, 1, 1))
    [error] = caught.value.errors
    assert error.message(translator("th")) == "อายุต้องเป็นจำนวนปีเต็ม ตั้งแต่ 0 ถึง 130 ปี"


def test_inconsistent_values_are_a_programming_error() -> None:
    with pytest.raises(ValueError, match="inconsistent"):
        BirthDate("year", 2012, day=date(2012, 1, 1))
    with pytest.raises(ValueError, match="stated age"):
        BirthDate("estimated", 2000, stated_age=12, stated_on=date(2024, 1, 1))
