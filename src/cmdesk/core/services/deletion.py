"""Soft deletion: case data is hidden with who, when and why, never removed (erasure is the
separate PDPA action in cmdesk.core.services.pdpa)."""

from __future__ import annotations

from typing import Final

from cmdesk.core.errors import ValidationError
from cmdesk.core.i18n import N_
from cmdesk.core.model import utcnow
from cmdesk.core.model.base import SoftDeleted

MAX_REASON: Final = 500


def check_reason(reason: str, field: str = "reason") -> str:
    text = " ".join(reason.split())
    if not text:
        raise ValidationError.single(field, N_("Give a reason."))
    if len(text) > MAX_REASON:
        raise ValidationError.single(field, N_("At most {max} characters."), max=MAX_REASON)
    return text


def soft_delete(row: SoftDeleted, user_id: str, reason: str) -> None:
    row.deleted_at = utcnow()
    row.deleted_by = user_id
    row.deleted_reason = reason
