from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from cmdesk.core.errors import ValidationError
from cmdesk.core.i18n import (
    format_date,
    format_datetime,
    from_thai_digits,
    parse_date,
    parse_year,
    to_thai_digits,
    translator,
)

D = date(2025, 1, 15)
NO_SUCH_DATE_EN = (
    "There is no such date. Check the day and the month: the day comes first, as in 15/1/2025."
)
NO_SUCH_DATE_TH = "ไม่มีวันที่นี้ในปฏิทิน กรุณาตรวจสอบวันและเดือน โดยกรอกวันก่อนเดือน เช่น 15/1/2568"


@pytest.mark.parametrize(
    ("style", "thai", "english"),
    [
        ("full", "วันพุธที่ 15 มกราคม พ.ศ. 2568", "Wednesday, 15 January 2025"),
        ("long", "15 มกราคม 2568", "15 January 2025"),
        ("medium", "15 ม.ค. 2568", "15 Jan 2025"),
        ("short", "15/1/68", "15/01/2025"),
    ],
)
def test_formats_like_icu_thai_buddhist_and_en_gb(style: str, thai: str, english: str) -> None:
    assert format_date(D, "th", style) == thai  # type: ignore[arg-type]
    assert format_date(D, "en", style) == english  # type: ignore[arg-type]


def test_thai_digits_on_request() -> None:
    assert format_date(D, "th", "long", thai_digits=True) == "๑๕ มกราคม ๒๕๖๘"
    assert format_date(D, "th", "short", thai_digits=True) == "๑๕/๑/๖๘"


def test_digit_helpers() -> None:
    assert to_thai_digits("เลขที่ 0123456789") == "เลขที่ ๐๑๒๓๔๕๖๗๘๙"
    assert from_thai_digits("เลขที่ ๐๑๒๓๔๕๖๗๘๙") == "เลขที่ 0123456789"


def test_year_boundaries_and_leap_days() -> None:
    assert format_date(date(2024, 2, 29), "th", "long") == "29 กุมภาพันธ์ 2567"
    assert format_date(date(2025, 12, 31), "th", "full") == "วันพุธที่ 31 ธันวาคม พ.ศ. 2568"
    assert format_date(date(1957, 1, 1), "th", "short") == "1/1/00"  # B.E. 2500


def test_audit_timestamps() -> None:
    # Thai time as ICU and CLDR 47 write it (docs/thai-formats.md), whatever Babel is installed.
    assert format_datetime(datetime(2025, 1, 15, 14, 5), "th", "medium") == "15 ม.ค. 2568 14:05 น."
    assert format_datetime(datetime(2025, 1, 15, 14, 5), "en", "medium") == "15 Jan 2025 14:05"
    stored = datetime(2025, 1, 15, 17, 30, tzinfo=UTC)  # half past midnight in Chiang Rai
    bangkok = timezone(timedelta(hours=7))
    assert format_datetime(stored, "th", "long", tz=bangkok) == "16 มกราคม 2568 00:30 น."


@pytest.mark.parametrize(
    "text",
    [
        "15/1/2568",
        "15/01/2568",
        "15-1-2568",
        "15.1.2568",
        "2568-01-15",
        "๑๕/๑/๒๕๖๘",
        "15 ม.ค. 2568",
        "15 มค 2568",
        "15 มกราคม 2568",
        "15 มกรา 68",
        "วันที่ 15 มกราคม พ.ศ. 2568",
        "วันพุธที่ 15 มกราคม พ.ศ. 2568",
        "15/1/68",
        "15/1/2025",
        "2025-01-15",
        "  15 / 1 / 2568  ",
    ],
)
def test_reads_what_a_thai_user_types(text: str) -> None:
    assert parse_date(text, "th") == D


@pytest.mark.parametrize(
    "text",
    [
        "15/1/2025",
        "2025-01-15",
        "15 Jan 2025",
        "15 jan. 2025",
        "January 15, 2025",
        "Wednesday, 15 January 2025",
        "15 January B.E. 2568",
        "15/1/2568",
    ],
)
def test_reads_english_input(text: str) -> None:
    assert parse_date(text, "en") == D


def test_year_rules() -> None:
    assert parse_date("1/1/2400", "th") == date(2400, 1, 1)  # not above 2400: C.E.
    assert parse_date("1/1/2401", "th") == date(1858, 1, 1)  # B.E.
    assert parse_date("1/1/99", "th") == date(2056, 1, 1)  # B.E. 2599
    assert parse_date("1/1/00", "th") == date(1957, 1, 1)  # B.E. 2500
    assert parse_date("1 ม.ค. ค.ศ. 2500", "th") == date(2500, 1, 1)  # era said: C.E.


@pytest.mark.parametrize(
    ("text", "locale", "english", "thai"),
    [
        ("", "th", "Enter a date, for example 15/1/2025.", "กรุณากรอกวันที่ เช่น 15/1/2568"),
        (
            "31/2/2568",
            "th",
            NO_SUCH_DATE_EN,
            NO_SUCH_DATE_TH,
        ),
        (
            "1/15/2025",  # month first: refused, not silently read as something else
            "en",
            NO_SUCH_DATE_EN,
            NO_SUCH_DATE_TH,
        ),
        (
            "15/1/25",  # 2025 or B.E. 2525? In English, ask.
            "en",
            "Write the year with four digits, for example 2025.",
            "กรุณากรอกปีเป็นตัวเลข 4 หลัก เช่น 2568",
        ),
        (
            "15/1/256",
            "th",
            "Write the year with four digits, for example 2025.",
            "กรุณากรอกปีเป็นตัวเลข 4 หลัก เช่น 2568",
        ),
        (
            "วันพฤหัสบดีที่ 15 มกราคม พ.ศ. 2568",
            "th",
            "The day of the week does not match the date.",
            "วันในสัปดาห์ไม่ตรงกับวันที่",
        ),
        (
            "15 Janvier 2025",
            "en",
            "This is not a date cmdesk can read. Write day/month/year, for example 15/1/2025.",
            "ไม่สามารถอ่านวันที่นี้ได้ กรุณากรอกเป็น วัน/เดือน/ปี เช่น 15/1/2568",
        ),
        (
            "15 ม.ค. พ.ศ. 2568 ค.ศ. 2025",
            "th",
            "This is not a date cmdesk can read. Write day/month/year, for example 15/1/2025.",
            "ไม่สามารถอ่านวันที่นี้ได้ กรุณากรอกเป็น วัน/เดือน/ปี เช่น 15/1/2568",
        ),
        (
            "15/1",
            "th",
            "This is not a date cmdesk can read. Write day/month/year, for example 15/1/2025.",
            "ไม่สามารถอ่านวันที่นี้ได้ กรุณากรอกเป็น วัน/เดือน/ปี เช่น 15/1/2568",
        ),
    ],
)
def test_bad_input_says_what_to_fix_in_both_languages(
    text: str, locale: str, english: str, thai: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_date(text, locale)  # type: ignore[arg-type]
    [error] = caught.value.errors
    assert error.field == "date"
    assert error.message(translator("en")) == english
    assert error.message(translator("th")) == thai


def test_the_field_name_can_be_given() -> None:
    with pytest.raises(ValidationError) as caught:
        parse_date("nonsense", "th", field="incident_date")
    assert caught.value.errors[0].field == "incident_date"


def test_parse_year() -> None:
    assert [parse_year(t, "th") for t in ("2555", "พ.ศ. 2555", "๒๕๕๕", "2012")] == [2012] * 4
    with pytest.raises(ValidationError):
        parse_year("15/1/2555", "th")
