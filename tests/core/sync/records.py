"""Small helpers that write records the way any code path might (ORM and raw SQL), for sync
tests. Capture is below the services, so tests need not depend on their API."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import text

from cmdesk.core.model import Case, Child, Consent, Note, Referral, new_id, org_id_for
from cmdesk.core.sync import payload
from cmdesk.core.sync.engine import ExportResult
from cmdesk.core.workspace import Workspace

PARTNER = "ECPAT"
PARTNER_ID = org_id_for(PARTNER)
_n = [0]


def add_child(ws: Workspace, **fields: Any) -> str:
    with ws.ctx.write() as s:
        child = Child(
            org_id=ws.actor.org_id,
            given_name_th=fields.pop("given_name_th", "มะลิ"),
            family_name_th=fields.pop("family_name_th", "แสงดี"),
            village=fields.pop("village", "บ้านห้วย"),
            **fields,
        )
        s.add(child)
        s.flush()
        return child.id


def children_in_segments(
    ws: Workspace, monkeypatch: pytest.MonkeyPatch, n: int
) -> tuple[bytes, ExportResult]:
    """`n` new children, then an export of them in segments of 100 operations."""
    monkeypatch.setattr(payload, "SEGMENT_OPS", 100)
    for i in range(n):
        add_child(ws, nickname=f"c{i}")
    return ws.sync.export()


def add_case(ws: Workspace, child_id: str, **fields: Any) -> str:
    _n[0] += 1
    with ws.ctx.write() as s:
        case = Case(
            org_id=ws.actor.org_id,
            child_id=child_id,
            case_number=fields.pop("case_number", f"{ws.device_id[-8:]}-{_n[0]}-{new_id()[-6:]}"),
            risk_level=fields.pop("risk_level", "medium"),
            **fields,
        )
        s.add(case)
        s.flush()
        return case.id


def edit(ws: Workspace, model: type[Any], row_id: str, **fields: Any) -> None:
    with ws.ctx.write() as s:
        row = s.get(model, row_id)
        assert row is not None
        for k, v in fields.items():
            setattr(row, k, v)


def soft_delete(ws: Workspace, model: type[Any], row_id: str) -> None:
    edit(ws, model, row_id, deleted_at=datetime.now(UTC), deleted_by="t", deleted_reason="test")


def add_note(ws: Workspace, case_id: str, body: str) -> str:
    with ws.ctx.write() as s:
        nid = new_id()
        s.add(Note(id=nid, org_id=ws.actor.org_id, case_id=case_id, thread_id=nid, body=body))
        return nid


def add_consent(ws: Workspace, child_id: str, case_id: str, to_org: str = PARTNER_ID) -> str:
    with ws.ctx.write() as s:
        consent = Consent(
            org_id=ws.actor.org_id,
            child_id=child_id,
            case_id=case_id,
            purpose="sharing",
            shared_with_org_id=to_org,
            given_by="parent",
            giver_name="ผู้ปกครอง",
            method="written",
            given_on=date(2026, 1, 5),
        )
        s.add(consent)
        s.flush()
        return consent.id


def add_referral(
    ws: Workspace,
    case_id: str,
    child_id: str,
    sections: list[str],
    consent_id: str | None,
    to_org: str = PARTNER_ID,
    status: str = "sent",
) -> str:
    with ws.ctx.write() as s:
        ref = Referral(
            org_id=ws.actor.org_id,
            case_id=case_id,
            child_id=child_id,
            to_org_id=to_org,
            service="psychosocial",
            reason="needs counselling",
            shared_sections=sections,
            status=status,
            consent_id=consent_id,
        )
        s.add(ref)
        s.flush()
        return ref.id


def withdraw_consent(ws: Workspace, consent_id: str) -> None:
    edit(ws, Consent, consent_id, withdrawn_at=datetime.now(UTC), withdrawn_reason="asked")


def raw(ws: Workspace, sql: str, **params: Any) -> None:
    with ws.ctx.write() as s:
        s.execute(text(sql), params)


def rows(ws: Workspace, table: str) -> dict[str, dict[str, Any]]:
    with ws.ctx.read() as s:
        result = s.execute(text(f'SELECT * FROM "{table}"'))
        names = list(result.keys())
        found = [dict(zip(names, r, strict=True)) for r in result]
        return {str(r["id"]): r for r in found}


def field(ws: Workspace, table: str, row_id: str, name: str) -> Any:
    with ws.ctx.read() as s:
        return s.execute(
            text(f'SELECT "{name}" FROM "{table}" WHERE id = :i'), {"i": row_id}
        ).scalar()


def as_json(value: object) -> str:
    return json.dumps(value)
