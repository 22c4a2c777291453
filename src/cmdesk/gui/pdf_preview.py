"""Pictures of a PDF's first pages for the print preview, without writing the PDF anywhere.

QtPdf is not in PySide6-Essentials, so poppler's pdftoppm draws the pages when it is
installed (Linux field laptops have it); the PDF goes to it through a pipe, never a temp file,
because a PDF is plaintext and a temp file would be a copy of a child's record on disk.
Runs on the worker thread; QImage (unlike QPixmap) may be made there.
"""

from __future__ import annotations

import io
import logging
import shutil
import subprocess

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPainter
from PySide6.QtPrintSupport import QPrinter

_log = logging.getLogger(__name__)
PREVIEW_DPI = 60
MAX_PAGES = 6
TIMEOUT_S = 20


def page_count(pdf: bytes, password: str | None = None) -> int:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    if reader.is_encrypted:
        reader.decrypt(password or "")
    return len(reader.pages)


def can_preview() -> bool:
    return shutil.which("pdftoppm") is not None


PRINT_DPI = 300


def render_pages(
    pdf: bytes,
    password: str | None = None,
    *,
    pages: int,
    dpi: int = PREVIEW_DPI,
    limit: int = MAX_PAGES,
) -> list[QImage]:
    """Images of the first pages (up to `limit`); [] when pdftoppm is missing or fails."""
    tool = shutil.which("pdftoppm")
    if tool is None:
        return []
    if password:
        pdf = _decrypted(pdf, password)
    images: list[QImage] = []
    for number in range(1, min(pages, limit) + 1):
        command = [tool, "-png", "-r", str(dpi), "-f", str(number), "-l", str(number)]
        command += ["-singlefile", "-"]
        try:
            done = subprocess.run(
                command, input=pdf, capture_output=True, timeout=TIMEOUT_S, check=False
            )
        except (OSError, subprocess.TimeoutExpired):
            _log.warning("pdftoppm could not draw a preview page")
            break
        # The format comes from the PNG header. (Naming it is refused at run time as bytes and
        # by PySide6's stubs as str.)
        image = QImage.fromData(done.stdout)
        if done.returncode != 0 or image.isNull():
            _log.warning("pdftoppm failed on a preview page (exit %s)", done.returncode)
            break
        images.append(image)
    return images


def _decrypted(pdf: bytes, password: str) -> bytes:
    """An in-memory copy without the password, so the password never goes on a command line
    (other users of the laptop can read those)."""
    from pypdf import PdfReader, PdfWriter

    reader = PdfReader(io.BytesIO(pdf))
    reader.decrypt(password)
    out = io.BytesIO()
    PdfWriter(clone_from=reader).write(out)
    return out.getvalue()


def print_pages(printer: QPrinter, images: list[QImage]) -> int:
    """Paints each page image onto its own sheet, fitted to the printable area; the number of
    pages sent. QPainter on a QPrinter may run off the GUI thread (this runs on the worker)."""
    painter = QPainter()
    if not images or not painter.begin(printer):
        return 0
    try:
        for index, image in enumerate(images):
            if index:
                printer.newPage()
            area = painter.viewport()
            size = image.size().scaled(area.size(), Qt.AspectRatioMode.KeepAspectRatio)
            painter.setViewport(area.x(), area.y(), size.width(), size.height())
            painter.setWindow(image.rect())
            painter.drawImage(0, 0, image)
            painter.setViewport(area)
    finally:
        painter.end()
    return len(images)
