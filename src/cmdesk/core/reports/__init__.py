"""PDF documents (reportlab): Thai and English, shaped, redacted by level, marked confidential.

Each builder is a pure function from a frozen input dataclass (reports.inputs) to PDF bytes:
no files, no Qt.
"""

from __future__ import annotations

from cmdesk.core.reports.documents.case_summary import build_case_summary
from cmdesk.core.reports.documents.caseload import build_caseload_report
from cmdesk.core.reports.documents.common import Printing
from cmdesk.core.reports.documents.consent_form import build_consent_form
from cmdesk.core.reports.documents.referral_slip import build_referral_slip
from cmdesk.core.reports.fonts import register_fonts
from cmdesk.core.reports.page import protect_with_password
from cmdesk.core.reports.qr import DocumentKind, QrPayload, QrPayloadInvalid, verify_qr_payload
from cmdesk.core.reports.redaction import DEFAULT_POLICY, Level, RedactionPolicy, Section
from cmdesk.core.reports.thai_wrap import warm_up as _warm_up_segmenter

__all__ = [
    "DEFAULT_POLICY",
    "DocumentKind",
    "Level",
    "Printing",
    "QrPayload",
    "QrPayloadInvalid",
    "RedactionPolicy",
    "Section",
    "build_case_summary",
    "build_caseload_report",
    "build_consent_form",
    "build_referral_slip",
    "protect_with_password",
    "verify_qr_payload",
    "warm_up",
]


def warm_up() -> None:
    """Registers the fonts and loads the Thai dictionary now (about 0.5 s, once per process),
    e.g. on a worker thread while the app starts, so the first print is not the slow one."""
    register_fonts()
    _warm_up_segmenter()
