"""Reading real PDFs back: poppler's pdftotext/pdftoppm and pypdf, no mocks."""

from __future__ import annotations

import shutil
import subprocess
import unicodedata
from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader
from pypdf.generic import IndirectObject, StreamObject


def require(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        pytest.skip(f"{tool} not installed (poppler-utils; scripts/bootstrap.sh installs it)")
    return path


def pdftotext_raw(pdf: bytes, tmp_path: Path, *, password: str | None = None) -> str:
    """Text in content-stream order (-raw), as poppler-based viewers copy it."""
    exe = require("pdftotext")
    source = tmp_path / "in.pdf"
    source.write_bytes(pdf)
    args = [exe, "-raw", "-enc", "UTF-8"]
    if password is not None:
        args += ["-upw", password]
    done = subprocess.run([*args, str(source), "-"], capture_output=True, check=True)
    return done.stdout.decode("utf-8")


def pdftotext_layout(pdf: bytes, tmp_path: Path) -> str:
    """Text laid out by position (-layout), as people paste from a viewer's table."""
    exe = require("pdftotext")
    source = tmp_path / "layout.pdf"
    source.write_bytes(pdf)
    args = [exe, "-layout", "-enc", "UTF-8", str(source), "-"]
    return subprocess.run(args, capture_output=True, check=True).stdout.decode("utf-8")


def pdftotext_pages(pdf: bytes, tmp_path: Path) -> list[str]:
    return pdftotext_raw(pdf, tmp_path).split("\f")[:-1]


def pypdf_pages(pdf: bytes, password: str | None = None) -> list[str]:
    reader = PdfReader(BytesIO(pdf))
    if password is not None:
        reader.decrypt(password)
    return [page.extract_text() for page in reader.pages]


def nfkd(text: str) -> str:
    """SARA AM may come back as NIKHAHIT + SARA AA: compare compatibility-decomposed text."""
    return unicodedata.normalize("NFKD", text)


def squash(text: str) -> str:
    """Text without whitespace: line breaks in Thai fall between words with no space."""
    return "".join(text.split())


def every_byte(pdf: bytes) -> bytes:
    """The file followed by every stream decompressed (content, fonts, ToUnicode maps, images,
    metadata), so a search sees whatever any reader could decode."""
    reader = PdfReader(BytesIO(pdf))
    chunks = [pdf]
    for generation, objects in reader.xref.items():
        if generation == 65535:  # the free-list head, object 0
            continue
        for number in objects:
            obj = reader.get_object(IndirectObject(number, generation, reader))
            if isinstance(obj, StreamObject):
                chunks.append(obj.get_data())
            chunks.append(repr(obj).encode("utf-8", "backslashreplace"))
    for stream_numbers in reader.xref_objStm.values():
        chunks.append(repr(stream_numbers).encode())
    return b"\n".join(chunks)


def render_page(pdf: bytes, tmp_path: Path, page: int, dpi: int) -> Path:
    exe = require("pdftoppm")
    source = tmp_path / "render.pdf"
    source.write_bytes(pdf)
    stem = tmp_path / f"page{page}"
    paths = [str(source), str(stem)]
    subprocess.run(
        [exe, "-r", str(dpi), "-f", str(page), "-l", str(page), "-png", "-singlefile", *paths],
        check=True,
    )
    return stem.with_suffix(".png")
