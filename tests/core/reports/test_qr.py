"""QR payloads: what goes in comes out; a misread or altered payload is refused."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cmdesk.core.i18n import translator
from cmdesk.core.reports import DocumentKind, QrPayload, QrPayloadInvalid, verify_qr_payload

RECORD = "0190a3b2-0000-7000-8000-000000000042"


@pytest.mark.parametrize("kind", list(DocumentKind))
def test_round_trip(kind: DocumentKind) -> None:
    payload = QrPayload(kind, RECORD).encode()
    assert payload.startswith("CMDESK1:")
    assert verify_qr_payload(payload) == QrPayload(kind, RECORD)
    # Scanners may add whitespace; a check typed by hand may be in lower case.
    body, check = payload.rsplit(":", 1)
    assert verify_qr_payload(f" {body}:{check.lower()}\n").kind is kind


@given(st.from_regex(r"[A-Za-z0-9._-]{1,64}", fullmatch=True), st.sampled_from(DocumentKind))
def test_round_trip_any_record_id(record_id: str, kind: DocumentKind) -> None:
    assert verify_qr_payload(QrPayload(kind, record_id).encode()) == QrPayload(kind, record_id)


def test_one_changed_character_is_caught() -> None:
    payload = QrPayload(DocumentKind.CASE_SUMMARY, RECORD).encode()
    check_starts = payload.rindex(":") + 1
    failures = 0
    for i, ch in enumerate(payload):
        if ch == ":":
            continue
        for other in "0123456789abcdefABCDEF":
            same_check_digit = i >= check_starts and other.upper() == ch.upper()
            if other != ch and not same_check_digit:
                altered = payload[:i] + other + payload[i + 1 :]
                with pytest.raises(QrPayloadInvalid):
                    verify_qr_payload(altered)
                failures += 1
    assert failures > 500


@pytest.mark.parametrize(
    "payload",
    [
        "",
        "https://example.org/",
        "CMDESK1:CS:" + RECORD,  # no check
        "CMDESK2:CS:" + RECORD + ":00000000",
        "CMDESK1:XX:" + RECORD + ":00000000",
        "CMDESK1:CS:a:b:c",
    ],
)
def test_foreign_payloads_are_refused(payload: str) -> None:
    with pytest.raises(QrPayloadInvalid):
        verify_qr_payload(payload)


def test_unknown_kind_with_a_valid_check_is_refused() -> None:
    from cmdesk.core.reports.qr import _check

    body = f"CMDESK1:ZZ:{RECORD}"
    with pytest.raises(QrPayloadInvalid):
        verify_qr_payload(f"{body}:{_check(body)}")


def test_the_error_speaks_both_languages() -> None:
    error = QrPayloadInvalid()
    assert "scan" in error.message(translator("en")).lower()
    assert "สแกน" in error.message(translator("th"))


def test_record_ids_that_cannot_be_printed_are_rejected() -> None:
    for bad in ("", "a:b", "ชื่อเด็ก", "x" * 65):
        with pytest.raises(ValueError, match="record ID"):
            QrPayload(DocumentKind.CASE_SUMMARY, bad)
