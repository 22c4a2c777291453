"""Erasures: which records were erased, so every replica erases them too and none brings them
back. Holds ids and a reason code only, never anything about the person."""

from __future__ import annotations

from enum import StrEnum
from typing import Final

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from cmdesk.core.i18n import N_
from cmdesk.core.model.base import Base, Synced
from cmdesk.core.model.field_info import about, code_of


class ErasureReason(StrEnum):
    DATA_SUBJECT_REQUEST = "data_subject_request"  # PDPA s.33
    CONSENT_WITHDRAWN = "consent_withdrawn"
    RETENTION_ENDED = "retention_ended"
    ENTERED_IN_ERROR = "entered_in_error"
    COURT_ORDER = "court_order"


ERASURE_REASON_LABELS: Final[dict[ErasureReason, str]] = {
    ErasureReason.DATA_SUBJECT_REQUEST: N_("Request from the child or guardian (PDPA)"),
    ErasureReason.CONSENT_WITHDRAWN: N_("Consent withdrawn, no other lawful basis"),
    ErasureReason.RETENTION_ENDED: N_("Retention period ended"),
    ErasureReason.ENTERED_IN_ERROR: N_("Registered in error"),
    ErasureReason.COURT_ORDER: N_("Court or authority order"),
}


class Erasure(Synced, Base):
    __tablename__ = "erasure"

    child_id: Mapped[str] = mapped_column(String(36), index=True)
    reason: Mapped[str] = mapped_column(String(32), info=code_of(N_("Reason"), "erasure_reason"))
    # {"table name": [ids...]} of every row erased, so sync can erase them elsewhere and
    # refuse to re-import them.
    erased: Mapped[dict[str, list[str]]] = mapped_column(JSON, default=dict, info=about(""))
