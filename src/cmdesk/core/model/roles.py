"""Roles of staff and what the core lets each do."""

from __future__ import annotations

from enum import StrEnum

from cmdesk.core.i18n import N_


class Role(StrEnum):
    FIELD_WORKER = "field_worker"
    CASE_MANAGER = "case_manager"
    SUPERVISOR = "supervisor"
    DATA_MANAGER = "data_manager"


ROLE_LABELS: dict[Role, str] = {
    Role.FIELD_WORKER: N_("Field worker"),
    Role.CASE_MANAGER: N_("Case manager (social worker)"),
    Role.SUPERVISOR: N_("Supervisor"),
    Role.DATA_MANAGER: N_("Data manager (administrator)"),
}
