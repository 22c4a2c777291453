"""What a social worker sees when typing identity numbers."""

from __future__ import annotations

import pytest

from cmdesk.core.errors import ValidationError
from cmdesk.core.i18n import translator
from cmdesk.core.reference.identity import (
    DOCUMENT_TYPE_LABELS,
    PERSON_TYPE_LABELS,
    IdDocumentType,
    PersonType,
    validate_document,
    validate_g_code,
    validate_thai_id,
)


def refused(call: object, *args: object, **kwargs: object) -> str:
    """The English message the user would read, with its parameters filled in."""
    assert callable(call)
    with pytest.raises(ValidationError) as caught:
        call(*args, **kwargs)
    (error,) = caught.value.errors
    return error.message(translator("en"))


@pytest.mark.parametrize("number", ["1112034563562", "1234567890121"])
def test_known_valid_numbers_are_accepted(number: str) -> None:
    assert validate_thai_id(number).digits == number


@pytest.mark.parametrize(
    "typed",
    [
        "1-1120-34563-56-2",
        "1 1120 34563 56 2",
        " 1112034563562 ",
        "๑-๑๑๒๐-๓๔๕๖๓-๕๖-๒",
        "1–1120–34563–56–2",  # en dashes, as word processors replace them
    ],
)
def test_dashes_spaces_and_thai_digits_are_accepted(typed: str) -> None:
    number = validate_thai_id(typed)
    assert number.digits == "1112034563562"
    assert number.display == "1-1120-34563-56-2"


def test_parsed_number_tells_type_province_and_district() -> None:
    number = validate_thai_id("1-1120-34563-56-2")
    assert number.person_type is PersonType.THAI_BIRTH_ON_TIME
    assert number.is_thai_national
    assert number.province_code == "11"
    assert number.district_digits == "20"
    assert not number.is_highland


def test_highland_number_is_recognised() -> None:
    # Type 6, registered in Chiang Rai (57), digits 6-7 = 50.
    number = validate_thai_id("6570150123455")
    assert number.person_type is PersonType.MIGRANT_OR_TEMPORARY
    assert number.province_code == "57"
    assert number.is_highland
    assert not number.is_thai_national


def test_short_number_is_refused_naming_the_length() -> None:
    message = refused(validate_thai_id, "1-1120-34563-56")
    assert "13 digits" in message
    assert "12" in message


def test_letters_are_refused() -> None:
    assert "only digits" in refused(validate_thai_id, "1-1120-3456A-56-2")


def test_wrong_check_digit_is_refused() -> None:
    assert "check digit" in refused(validate_thai_id, "1112034563563")


def test_empty_is_refused() -> None:
    assert "Enter" in refused(validate_thai_id, "  ")


def test_person_type_9_does_not_exist() -> None:
    # 9 + twelve digits with a correct check digit is still no one's number.
    assert "starts with 9" in refused(validate_thai_id, "9000000000004")


def test_thai_id_card_must_belong_to_a_thai_national() -> None:
    message = refused(validate_thai_id, "6570150123455", document_type=IdDocumentType.THAI_ID)
    assert "starting with 6" in message
    assert "1 to 5" in message


def test_non_thai_number_must_not_belong_to_a_thai_national() -> None:
    message = refused(validate_thai_id, "1112034563562", document_type=IdDocumentType.NON_THAI_ID)
    assert "starting with 1" in message
    assert "0, 6, 7 or 8" in message


@pytest.mark.parametrize("first", ["0", "6", "7", "8"])
def test_non_thai_types_are_accepted_as_non_thai(first: str) -> None:
    from cmdesk.core.reference.identity import thai_id_check_digit

    body = first + "57015012345"
    number = validate_thai_id(
        body + str(thai_id_check_digit(body)), document_type=IdDocumentType.NON_THAI_ID
    )
    assert not number.is_thai_national


def test_error_names_the_field() -> None:
    with pytest.raises(ValidationError) as caught:
        validate_thai_id("123", field="caregiver_id")
    assert caught.value.errors[0].field == "caregiver_id"


@pytest.mark.parametrize("typed", ["G123456789012", "g 1234 5678 9012", "G-1234-5678-9012"])
def test_g_code_is_accepted_and_normalised(typed: str) -> None:
    assert validate_g_code(typed) == "G123456789012"


def test_g_code_with_11_digits_is_refused_naming_the_length() -> None:
    message = refused(validate_g_code, "G12345678901")
    assert "12 digits" in message
    assert "11" in message


def test_g_code_without_g_is_refused() -> None:
    assert "letter G" in refused(validate_g_code, "123456789012")


def test_g_code_with_letters_after_g_is_refused() -> None:
    assert "only digits" in refused(validate_g_code, "G12345678901X")


def test_document_none_stores_nothing_and_refuses_a_number() -> None:
    assert validate_document(IdDocumentType.NONE, "") is None
    assert validate_document(IdDocumentType.NONE, None) is None
    assert "clear the number" in refused(validate_document, IdDocumentType.NONE, "123")


def test_document_dispatches_by_type() -> None:
    assert validate_document(IdDocumentType.THAI_ID, "1-1120-34563-56-2") == "1112034563562"
    assert validate_document(IdDocumentType.G_CODE, "g123456789012") == "G123456789012"
    assert validate_document(IdDocumentType.OTHER, "  MM  1234567 ") == "MM 1234567"


def test_other_document_needs_a_number_of_sensible_length() -> None:
    assert "Enter" in refused(validate_document, IdDocumentType.OTHER, " ")
    assert "40" in refused(validate_document, IdDocumentType.OTHER, "X" * 41)


def test_every_document_and_person_type_has_a_label() -> None:
    assert set(DOCUMENT_TYPE_LABELS) == set(IdDocumentType)
    assert set(PERSON_TYPE_LABELS) == set(PersonType)
    assert len(set(DOCUMENT_TYPE_LABELS.values())) == len(IdDocumentType)
