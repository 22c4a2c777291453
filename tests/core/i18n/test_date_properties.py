"""Format → parse gives the date back, in every style and both languages, 1900–2100."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from cmdesk.core.errors import ValidationError
from cmdesk.core.i18n import Locale, format_date, parse_date, translator
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


@settings(deadline=None)
@given(st.text(), st.sampled_from(["th", "en"]))
def test_any_text_gives_a_date_or_a_message(text: str, locale: Locale) -> None:
    # Whatever is typed, the user sees a date or a message; never a crash.
    try:
        parse_date(text, locale)
    except ValidationError as error:
        assert error.errors[0].field == "date"


@settings(deadline=None)
@given(
    st.lists(
        st.sampled_from(["15", "1", "2568", "68", "/", "-", ".", " ", "ม.ค.", "พ.ศ.", "²", "๑"])
    )
)
def test_date_like_text_gives_a_date_or_a_message(parts: list[str]) -> None:
    """Text made of the pieces of Thai dates: a date, or a message about the date field in
    Thai and in English; anything else (another exception, an empty message) fails."""
    text = "".join(parts)
    try:
        parsed = parse_date(text, "th")
    except ValidationError as error:
        assert [e.field for e in error.errors] == ["date"]
        th, en = error.message(translator("th")), error.message(translator("en"))
        assert th and en and th != en
    else:
        assert isinstance(parsed, date)
        assert any(ch.isdigit() for ch in text)  # a date is never read out of no digits
