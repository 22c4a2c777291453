"""Registering children with names no generated child has, through the real services."""

from __future__ import annotations

import dataclasses
from typing import Any

from cmdesk.core.i18n import BirthDate
from cmdesk.core.services.child_drafts import ChildDraft
from cmdesk.core.workspace import Workspace

THAI_ID = "1112034563562"


def draft(**changes: Any) -> ChildDraft:
    base = ChildDraft(
        given_name_th="ฑิฆัมพร",
        family_name_th="ฌาณฤทธิ์",
        given_name_latin="Thikhamphon",
        family_name_latin="Chanarit",
        nickname="น้ำฝน",
        sex="female",
        birth=BirthDate.year_only(2014),
        ethnicity="lahu",
        nationality="thai",
        legal_status="thai",
        id_document_type="thai_id",
        id_number=THAI_ID,
        village="บ้านฮ่อมหลวงใหม่",
        subdistrict_code="570101",
        languages=("lahu", "thai"),
        school_status="enrolled",
        disability="no",
    )
    return dataclasses.replace(base, **changes)


def user_id(ws: Workspace, username: str) -> str:
    return ws.users.get(username).id


def register(
    ws: Workspace,
    *,
    worker: str | None = None,
    risk: str = "high",
    with_case: bool = True,
    **changes: Any,
) -> tuple[str, str | None]:
    """(child id, case id) of a new child, with a case assigned to `worker` if given."""
    child = ws.children.register_child(draft(**changes), confirm_not_duplicate=True).value
    if not with_case:
        return child.id, None
    case = ws.cases.open_case(
        child.id,
        ["neglect"],
        risk,
        "Left alone for days.",
        assigned_worker_id=user_id(ws, worker) if worker else None,
    ).value
    return child.id, case.id
