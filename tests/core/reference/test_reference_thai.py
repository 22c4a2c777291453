"""A Thai-speaking worker reads every reference label and message in Thai."""

from __future__ import annotations

import pytest

from cmdesk.core.errors import ValidationError
from cmdesk.core.i18n import translator
from cmdesk.core.reference.identity import (
    DOCUMENT_TYPE_LABELS,
    PERSON_TYPE_LABELS,
    validate_g_code,
    validate_thai_id,
)
from cmdesk.core.reference.partners import KIND_LABELS, SERVICE_LABELS
from cmdesk.core.reference.relationships import RELATIONSHIP_LABELS

THAI_LETTERS = range(0x0E01, 0x0E5C)

LABELS = [
    *DOCUMENT_TYPE_LABELS.values(),
    *PERSON_TYPE_LABELS.values(),
    *KIND_LABELS.values(),
    *SERVICE_LABELS.values(),
    *RELATIONSHIP_LABELS.values(),
]


@pytest.mark.parametrize("msgid", LABELS)
def test_every_label_has_a_thai_translation(msgid: str) -> None:
    thai = translator("th").gettext(msgid)
    assert thai != msgid
    assert any(ord(c) in THAI_LETTERS for c in thai)


def test_a_short_g_code_is_refused_in_thai_naming_the_count() -> None:
    with pytest.raises(ValidationError) as caught:
        validate_g_code("G12345678901")
    text = caught.value.errors[0].message(translator("th"))
    assert "12 หลัก" in text and "11 หลัก" in text


def test_a_wrong_check_digit_is_explained_in_thai() -> None:
    with pytest.raises(ValidationError) as caught:
        validate_thai_id("1112034563563")
    assert "เลขตรวจสอบ" in caught.value.errors[0].message(translator("th"))
