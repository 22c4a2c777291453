"""Format → parse gives the date back, in every style and both languages, 1900–2100."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from cmdesk.core.i18n import Locale, format_date, parse_date
from cmdesk.core.i18n.dates import Style

CENTURIES = st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31))
# Thai short dates carry two digits of the B.E. year, read as 25xx: B.E. 2500–2599.
THAI_SHORT_WINDOW = st.dates(min_value=date(1957, 1, 1), max_value=date(2056, 12, 31))
FOUR_DIGIT_YEAR_STYLES = st.sampled_from(["full", "long", "medium"])


@settings(deadline=None)  # the first example loads Babel's locale data
@given(CENTURIES, FOUR_DIGIT_YEAR_STYLES, st.sampled_from(["th", "en"]), st.booleans())
def test_round_trip(value: date, style: Style, locale: Locale, thai_digits: bool) -> None:
    text = format_date(value, locale, style, thai_digits=thai_digits)
    assert parse_date(text, locale) == value


@settings(deadline=None)
@given(CENTURIES, st.booleans())
def test_round_trip_english_short(value: date, thai_digits: bool) -> None:
    assert parse_date(format_date(value, "en", "short", thai_digits=thai_digits), "en") == value


@settings(deadline=None)
@given(THAI_SHORT_WINDOW, st.booleans())
def test_round_trip_thai_short(value: date, thai_digits: bool) -> None:
    assert parse_date(format_date(value, "th", "short", thai_digits=thai_digits), "th") == value


@settings(deadline=None)
@given(CENTURIES, st.sampled_from(["full", "long", "medium"]))
def test_buddhist_year_is_gregorian_plus_543(value: date, style: Style) -> None:
    thai = format_date(value, "th", style)
    english = format_date(value, "en", style)
    assert thai.endswith(f" {value.year + 543}")
    assert english.endswith(f" {value.year}")


@settings(deadline=None)
@given(CENTURIES)
def test_thai_short_year_is_the_last_two_buddhist_digits(value: date) -> None:
    assert format_date(value, "th", "short").endswith(f"/{(value.year + 543) % 100:02d}")
