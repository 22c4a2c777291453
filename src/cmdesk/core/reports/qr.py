"""The QR code on every page, so a sheet of paper can be matched to its record.

Payload: ``CMDESK1:<kind>:<record id>:<check>``, where check is the first 8 hex digits of
SHA-256 over the rest. It carries no personal data (record IDs are random UUIDs), and the
check catches a misread or hand-typed payload. It is not a signature: anyone can make one.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import segno

from cmdesk.core.errors import CmdeskError
from cmdesk.core.i18n import N_

PREFIX = "CMDESK1"
_RECORD_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
_CHECK_LENGTH = 8


class DocumentKind(StrEnum):
    CASE_SUMMARY = "CS"
    REFERRAL_SLIP = "RS"
    CONSENT_FORM = "CF"
    CASELOAD = "CL"
    PERSONAL_DATA = "PD"
    NETWORK_REPORT = "NR"


class QrPayloadInvalid(CmdeskError):
    msgid = N_(
        "This code is not from a cmdesk document, or it was misread. Scan it again, or type "
        "the record ID printed under it."
    )


@dataclass(frozen=True)
class QrPayload:
    kind: DocumentKind
    record_id: str

    def __post_init__(self) -> None:
        if not _RECORD_ID.fullmatch(self.record_id):
            raise ValueError(f"record ID not printable in a QR payload: {self.record_id!r}")

    def encode(self) -> str:
        body = f"{PREFIX}:{self.kind.value}:{self.record_id}"
        return f"{body}:{_check(body)}"


def _check(body: str) -> str:
    return hashlib.sha256(body.encode("ascii")).hexdigest()[:_CHECK_LENGTH].upper()


def verify_qr_payload(payload: str) -> QrPayload:
    """The document kind and record ID in a scanned payload; QrPayloadInvalid if it is not one
    of ours or its check does not match."""
    parts = payload.strip().split(":")
    if len(parts) != 4 or parts[0] != PREFIX:
        raise QrPayloadInvalid()
    _, kind, record_id, check = parts
    if check.upper() != _check(":".join(parts[:3])):
        raise QrPayloadInvalid()
    try:
        return QrPayload(DocumentKind(kind), record_id)
    except ValueError as error:
        raise QrPayloadInvalid() from error


def draw_qr(canvas: Any, payload: str, x: float, y: float, size: float) -> None:
    """Draws the code as vector squares in a size x size box at (x, y) (bottom left)."""
    code = segno.make(payload, error="m", micro=False)
    matrix = code.matrix
    modules = len(matrix) + 8  # the standard quiet zone of four modules on each side
    unit = size / modules
    canvas.saveState()
    canvas.setFillColorRGB(1, 1, 1)
    canvas.rect(x, y, size, size, stroke=0, fill=1)
    canvas.setFillColorRGB(0, 0, 0)
    path = canvas.beginPath()
    for row, cells in enumerate(matrix):
        top = y + size - (row + 4) * unit
        col = 0
        while col < len(cells):
            if cells[col]:
                start = col
                while col < len(cells) and cells[col]:
                    col += 1
                # One rectangle per run of dark modules keeps the page stream small.
                path.rect(x + (start + 4) * unit, top - unit, (col - start) * unit, unit)
            else:
                col += 1
    canvas.drawPath(path, stroke=0, fill=1)
    canvas.restoreState()
