"""The identity-document rules of a child draft over the whole input space (Hypothesis): any
13-digit number is accepted exactly when its check digit is right and its person type fits
the document type and legal status chosen."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from cmdesk.core.errors import ValidationError
from cmdesk.core.reference.identity import thai_id_check_digit
from cmdesk.core.services.child_drafts import check_child
from tests.core.records.factories import child_draft

THAI_TYPES = set("12345")
NON_THAI_TYPES = set("0678")
twelve_digits = st.text(alphabet="0123456789", min_size=12, max_size=12)


def fields_refused(**changes: object) -> set[str]:
    try:
        check_child(child_draft(**changes), with_household=True)  # type: ignore[arg-type]
    except ValidationError as refused:
        return {e.field for e in refused.errors}
    return set()


@settings(max_examples=400)
@given(twelve_digits, st.integers(0, 9))
def test_thai_id_is_accepted_exactly_when_valid_and_thai(first12: str, last: int) -> None:
    number = first12 + str(last)
    valid = last == thai_id_check_digit(first12) and first12[0] in THAI_TYPES
    refused = fields_refused(id_number=number)
    assert (refused == set()) == valid
    assert refused <= {"id_number"}


@settings(max_examples=400)
@given(twelve_digits, st.integers(0, 9))
def test_non_thai_number_is_accepted_exactly_when_valid_and_of_type_0678(
    first12: str, last: int
) -> None:
    number = first12 + str(last)
    valid = last == thai_id_check_digit(first12) and first12[0] in NON_THAI_TYPES
    refused = fields_refused(
        nationality="myanmar",
        legal_status="non_thai_registered",
        id_document_type="non_thai_id",
        id_number=number,
    )
    assert (refused == set()) == valid


@settings(max_examples=200)
@given(twelve_digits)
def test_any_g_code_of_twelve_digits_is_accepted_for_a_pupil(digits: str) -> None:
    refused = fields_refused(
        nationality="unknown",
        legal_status="g_code_pupil",
        id_document_type="g_code",
        id_number=f"g{digits[:4]} {digits[4:]}",
    )
    assert refused == set()


@settings(max_examples=200)
@given(st.text(max_size=20))
def test_arbitrary_text_never_crashes_the_rules(text: str) -> None:
    # Whatever is typed, the answer is "fine" or a field error, never an exception.
    fields_refused(id_number=text, given_name_th=text, village=text)
