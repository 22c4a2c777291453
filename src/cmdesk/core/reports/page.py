"""The page every document is printed on, and the one function that turns a story into bytes.

Every page carries: the confidentiality marking (top and bottom centre, where Thai official
practice puts the secrecy class), the organisation's name and logo slot, who the copy is for
(its redaction level), "page x of y", who printed it and when, and a QR code with the record
ID and a check. Page x of y needs the page count, so the page furniture is drawn when the
document is saved, over each page's content (reportlab's deferred-page canvas pattern).
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from io import BytesIO
from typing import Any

from pypdf import PdfReader, PdfWriter
from pypdf.constants import UserAccessPermissions
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate
from reportlab.platypus.flowables import Flowable

from cmdesk.core.i18n import Translator, format_datetime
from cmdesk.core.reports.fonts import register_fonts
from cmdesk.core.reports.inputs import Organisation
from cmdesk.core.reports.qr import QrPayload, draw_qr
from cmdesk.core.reports.redaction import Level, level_label
from cmdesk.core.reports.shaping import draw_text
from cmdesk.core.reports.styles import (
    CONFIDENTIAL_RED,
    MARGIN_BOTTOM,
    MARGIN_LEFT,
    MARGIN_RIGHT,
    MARGIN_TOP,
    MUTED,
    PAGE_SIZE,
    RULE_GREY,
)

# Bilingual on every document whatever its language: anyone who finds the paper must see it.
CONFIDENTIAL = "ลับ / CONFIDENTIAL"

# reportlab keeps per-document state in shared font objects; one build at a time.
_BUILD_LOCK = threading.Lock()

LOGO_SIZE = 15 * mm
QR_SIZE = 21 * mm
QR_FORM = "cmdeskRecordQR"


@dataclass(frozen=True)
class PageFurniture:
    organisation: Organisation
    title: str  # the document's title, in its language
    reference: str  # what the paper is about, e.g. the case number (never a name)
    level: Level
    printed_by: str
    printed_at: datetime
    qr: QrPayload
    tr: Translator


def protect_with_password(
    pdf: bytes, password: str, attachments: dict[str, bytes] | None = None
) -> bytes:
    """AES-256 (PDF 2.0, revision 6) encryption of a finished PDF, done by pypdf over the
    cryptography package. reportlab's own AES-256 output was measured unreadable (pypdf
    rejects its key; poppler opens it without the password), and its fallback is RC4.
    `attachments` (file name -> bytes) are embedded first, so they are encrypted too."""
    writer = PdfWriter(clone_from=PdfReader(BytesIO(pdf)))
    for name, data in (attachments or {}).items():
        writer.add_attachment(name, data)
    allowed = (
        UserAccessPermissions.PRINT
        | UserAccessPermissions.PRINT_TO_REPRESENTATION
        | UserAccessPermissions.EXTRACT
        | UserAccessPermissions.EXTRACT_TEXT_AND_GRAPHICS
    )
    writer.encrypt(
        user_password=password,
        # Nobody needs to lift the restrictions, so the owner password is thrown away.
        owner_password=secrets.token_urlsafe(24),
        permissions_flag=allowed,
        algorithm="AES-256",
    )
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def _draw_furniture(canvas: Any, page: int, pages: int, info: PageFurniture) -> None:
    fonts = register_fonts()
    tr = info.tr
    width, height = PAGE_SIZE
    left, right = MARGIN_LEFT, width - MARGIN_RIGHT
    canvas.saveState()

    canvas.setFillColor(CONFIDENTIAL_RED)
    draw_text(canvas, width / 2, height - 12 * mm, CONFIDENTIAL, fonts.bold, 12, "center")
    draw_text(canvas, width / 2, 6 * mm, CONFIDENTIAL, fonts.bold, 10, "center")

    name_x = left
    logo_bottom = height - 15 * mm - LOGO_SIZE
    if info.organisation.logo:
        image = ImageReader(BytesIO(info.organisation.logo))
        canvas.drawImage(
            image, left, logo_bottom, LOGO_SIZE, LOGO_SIZE, preserveAspectRatio=True, mask="auto"
        )
        name_x = left + LOGO_SIZE + 4 * mm
    canvas.setFillColorRGB(0, 0, 0)
    draw_text(canvas, name_x, height - 21 * mm, info.organisation.name, fonts.bold, 12)
    if info.organisation.address:
        canvas.setFillColor(MUTED)
        draw_text(canvas, name_x, height - 26 * mm, info.organisation.address, fonts.regular, 8.5)
    canvas.setFillColor(CONFIDENTIAL_RED)
    draw_text(
        canvas, right, height - 21 * mm, level_label(info.level, tr), fonts.bold, 9.5, "right"
    )
    canvas.setStrokeColor(RULE_GREY)
    canvas.setLineWidth(0.6)
    canvas.line(left, height - 29 * mm, right, height - 29 * mm)

    canvas.line(left, 28 * mm, right, 28 * mm)
    qr_x = right - QR_SIZE
    canvas.saveState()
    canvas.translate(qr_x, 5.5 * mm)
    canvas.doForm(QR_FORM)
    canvas.restoreState()
    canvas.setFillColorRGB(0, 0, 0)
    printed_at = format_datetime(info.printed_at, tr.locale, "medium")
    draw_text(
        canvas,
        left,
        22 * mm,
        tr.format("Printed by {name} on {when}", name=info.printed_by, when=printed_at),
        fonts.regular,
        8.5,
    )
    draw_text(canvas, left, 17.5 * mm, f"{info.title} · {info.reference}", fonts.regular, 8.5)
    canvas.setFillColor(MUTED)
    draw_text(
        canvas,
        left,
        13 * mm,
        tr.format("Record ID {record_id}", record_id=info.qr.record_id),
        fonts.regular,
        7.5,
    )
    canvas.setFillColorRGB(0, 0, 0)
    draw_text(
        canvas,
        qr_x - 3 * mm,
        22 * mm,
        tr.format("Page {page} of {pages}", page=page, pages=pages),
        fonts.bold,
        9,
        "right",
    )
    canvas.restoreState()


def _furnished_canvas(info: PageFurniture) -> Callable[..., Canvas]:
    class FurnishedCanvas(Canvas):  # type: ignore[misc]
        """Holds finished pages until save(), when the page count is known."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._held_pages: list[dict[str, Any]] = []

        def showPage(self) -> None:  # noqa: N802 (reportlab's name)
            self._held_pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            pages = len(self._held_pages)
            # The code is the same on every page: drawn once, as a form each page refers to.
            self.beginForm(QR_FORM, 0, 0, QR_SIZE, QR_SIZE)
            draw_qr(self, info.qr.encode(), 0, 0, QR_SIZE)
            self.endForm()
            for number, state in enumerate(self._held_pages, start=1):
                self.__dict__.update(state)
                _draw_furniture(self, number, pages, info)
                super().showPage()
            super().save()

    return FurnishedCanvas


def render_pdf(
    story: list[Flowable],
    info: PageFurniture,
    *,
    password: str | None,
    attachments: dict[str, bytes] | None = None,
) -> bytes:
    """Lays out the story on furnished A4 pages; the PDF as bytes (nothing touches the disk)."""
    register_fonts()
    buffer = BytesIO()
    width, height = PAGE_SIZE
    doc = BaseDocTemplate(
        buffer,
        pagesize=PAGE_SIZE,
        leftMargin=MARGIN_LEFT,
        rightMargin=MARGIN_RIGHT,
        topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM,
        # Metadata holds nothing a redaction level could hide: no names, no case content.
        title=f"{info.title} {info.reference}",
        author=info.organisation.name,
        subject=level_label(info.level, info.tr),
        creator="cmdesk",
        keywords=[],
        lang=info.tr.locale,
    )
    frame = Frame(
        MARGIN_LEFT,
        MARGIN_BOTTOM,
        width - MARGIN_LEFT - MARGIN_RIGHT,
        height - MARGIN_TOP - MARGIN_BOTTOM,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
        id="body",
    )
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame])])
    with _BUILD_LOCK:
        doc.build(story, canvasmaker=_furnished_canvas(info))
    # The unprotected bytes exist only in memory, never on disk.
    if password:
        return protect_with_password(buffer.getvalue(), password, attachments)
    if attachments:
        raise ValueError("attachments are only written into a password-protected PDF")
    return buffer.getvalue()
