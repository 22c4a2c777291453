"""Page furniture on every page: marking, level, page x of y, who printed, QR; passwords."""

from __future__ import annotations

import contextlib
import re
import subprocess
import zlib
from io import BytesIO
from pathlib import Path

import pytest
import segno
from PIL import Image
from pypdf import PdfReader
from reportlab.lib.units import mm

from cmdesk.core.i18n import Locale, translator
from cmdesk.core.reports import (
    DocumentKind,
    Level,
    QrPayload,
    build_case_summary,
    verify_qr_payload,
)
from cmdesk.core.reports import samples as fake
from cmdesk.core.reports.page import CONFIDENTIAL, QR_SIZE
from cmdesk.core.reports.styles import MARGIN_RIGHT, PAGE_SIZE

from .pdftools import pdftotext_pages, pdftotext_raw, pypdf_pages, render_page, require

PASSWORD = "Sample-pass-2569"


def summary(lang: Locale, *, notes: int = 14, password: str | None = None) -> bytes:
    return build_case_summary(
        fake.case_summary(lang, notes=notes),
        tr=translator(lang),
        level=Level.FULL,
        printed_by="ผู้ใช้ทดสอบ" if lang == "th" else "Test User",
        printed_at=fake.PRINTED_AT,
        password=password,
    )


@pytest.mark.parametrize(
    ("lang", "template", "printed"),
    [
        ("th", "หน้า {page} จาก {pages}", "พิมพ์โดย ผู้ใช้ทดสอบ เมื่อ 14 ก.พ. 2569 09:30 น."),
        ("en", "Page {page} of {pages}", "Printed by Test User on 14 Feb 2026 09:30"),
    ],
)
def test_every_page_is_furnished(lang: Locale, template: str, printed: str, tmp_path: Path) -> None:
    pages = pdftotext_pages(summary(lang), tmp_path)
    assert len(pages) >= 4
    level = translator(lang).gettext("Full internal record")
    for number, text in enumerate(pages, start=1):
        assert template.format(page=number, pages=len(pages)) in text
        assert text.count(CONFIDENTIAL) == 2  # top and bottom
        assert printed in text
        assert level in text
        assert fake.record_id(1) in text
        for other in range(1, len(pages) + 1):
            if other != number:
                assert template.format(page=other, pages=len(pages)) not in text


def test_page_count_of_a_short_document(tmp_path: Path) -> None:
    pages = pdftotext_pages(summary("en", notes=0), tmp_path)
    assert f"Page {len(pages)} of {len(pages)}" in pages[-1]
    assert len(pages) < len(pdftotext_pages(summary("en", notes=14), tmp_path))


def test_printed_qr_code_carries_the_record_id(tmp_path: Path) -> None:
    """Reads the modules of the code drawn on page 2 back from a 300 dpi rendering and compares
    them with the code of the expected payload."""
    png = render_page(summary("en"), tmp_path, page=2, dpi=300)
    image = Image.open(png).convert("L")
    payload = QrPayload(DocumentKind.CASE_SUMMARY, fake.record_id(1)).encode()
    matrix = segno.make(payload, error="m", micro=False).matrix
    scale = 300 / 72
    unit = QR_SIZE / (len(matrix) + 8)  # four quiet modules on each side
    left = PAGE_SIZE[0] - MARGIN_RIGHT - QR_SIZE
    top = 5.5 * mm + QR_SIZE
    seen = [
        [
            int(
                image.getpixel(
                    (
                        round((left + (col + 4.5) * unit) * scale),
                        round((PAGE_SIZE[1] - top + (row + 4.5) * unit) * scale),
                    )
                )
                < 128
            )
            for col in range(len(matrix))
        ]
        for row in range(len(matrix))
    ]
    assert seen == [list(r) for r in matrix]
    decoded = verify_qr_payload(payload)
    assert (decoded.kind, decoded.record_id) == (DocumentKind.CASE_SUMMARY, fake.record_id(1))


def test_password_protected_pdf_needs_the_password(tmp_path: Path) -> None:
    pdf = summary("en", password=PASSWORD)
    reader = PdfReader(BytesIO(pdf))
    assert reader.is_encrypted
    assert not reader.decrypt("wrong password")
    # Without the password nothing is readable: not the text, not the streams.
    assert b"Sample Child" not in every_byte_without_decrypting(pdf)
    exe = require("pdftotext")
    (tmp_path / "locked.pdf").write_bytes(pdf)
    refused = subprocess.run([exe, str(tmp_path / "locked.pdf"), "-"], capture_output=True)
    assert refused.returncode != 0
    opened = pdftotext_raw(pdf, tmp_path, password=PASSWORD)
    assert "Sample Child 1" in opened
    assert "Sample Child 1" in "".join(pypdf_pages(pdf, password=PASSWORD))


def every_byte_without_decrypting(pdf: bytes) -> bytes:
    """What someone without the password gets: the file and every stream that inflates."""
    out = [pdf]
    for match in re.finditer(rb"stream\r?\n(.*?)endstream", pdf, re.S):
        with contextlib.suppress(zlib.error):  # encrypted streams do not inflate: the point
            out.append(zlib.decompress(match.group(1)))
    return b"".join(out)


def test_unprotected_pdf_is_readable_as_a_control() -> None:
    assert b"Sample Child" in every_byte_without_decrypting(summary("en"))


def test_a_thai_password_protects_with_aes_256() -> None:
    pdf = summary("en", password="รหัสผ่านไทย")
    reader = PdfReader(BytesIO(pdf))
    assert reader.is_encrypted
    assert "/AESV3" in str(reader.trailer["/Encrypt"])
    assert not reader.decrypt("รหัสผ่าน")
    assert "Sample Child 1" in "".join(pypdf_pages(pdf, password="รหัสผ่านไทย"))
