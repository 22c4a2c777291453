"""The number a case takes when another case holds its number (the copies' clash; the whole
story through the commands is in tests/network/test_restored_and_copied.py)."""

from __future__ import annotations

from cmdesk.core.services.case_numbers import CASE_NUMBER_RE
from cmdesk.core.sync.number_clash import distinct_number


def test_the_second_case_s_number_keeps_its_shape_and_takes_its_own_id() -> None:
    number = distinct_number("WVFT-2569-3F9A2C-0007", "01a24d83-04ff-70a8-9ab8-a79e126c79c1")
    assert number == "WVFT-2569-6C79C1-0007"
    assert CASE_NUMBER_RE.match(number)


def test_an_org_code_with_a_dash_keeps_it() -> None:
    number = distinct_number("SOS-CV-2569-3F9A2C-0012", "01a24d83-04ff-70a8-9ab8-00000000abcd")
    assert number == "SOS-CV-2569-00ABCD-0012"
    assert CASE_NUMBER_RE.match(number)


def test_a_number_of_another_shape_gets_the_id_part_added() -> None:
    assert distinct_number("OLD-7", "01a24d83-04ff-70a8-9ab8-00000000abcd") == "OLD-7-00ABCD"
