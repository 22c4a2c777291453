"""A trusted partner cannot change what it has no authority over: its signed bundle carrying
an erasure, an edit, a new case and audit entries for WVFT's child is imported through the
`cmdesk` command at WVFT; those changes are refused with their reasons, nothing of them is
applied, and the rest of the bundle (the partner's own record) is."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from cmdesk.core.model import Case, Erasure, org_id_for
from cmdesk.core.sync import authority
from cmdesk.core.sync import engine as engine_module
from cmdesk.core.sync.exporting import for_own_org
from cmdesk.core.workspace import Workspace
from tests.core.sync.records import add_child, rows
from tests.network.harness import ADMIN, PASS, Laptop

WVFT_ID = org_id_for("WVFT")


def forged_bundle(
    partner: Laptop, child_id: str, other_id: str, out: Path, mp: pytest.MonkeyPatch
) -> str:
    """The partner's own keys sign a bundle holding every change in its log, forged ones
    included (its export would never select them; a hostile copy of the app would)."""

    def everything(db: Any, origins: Any, scope: Any, known: Any, check: Any, *_: Any) -> Any:
        return for_own_org(db, origins, known, check)

    mp.setattr(engine_module, "for_partner", everything)
    with Workspace.open(partner.root, ADMIN, PASS) as ws:
        # An edit of WVFT's other child: the same record id, a value of the partner's choosing
        # (not the erased one: the partner's own erasure would purge it from its log).
        add_child(ws, id=other_id, nickname="forged")
        # A new case inside WVFT, for WVFT's child.
        with ws.ctx.write() as s:
            s.add(Case(org_id=WVFT_ID, child_id=child_id, case_number="X-1", risk_level="low"))
            # An erasure of WVFT's child.
            s.add(
                Erasure(
                    org_id=ws.actor.org_id,
                    child_id=child_id,
                    reason="entered_in_error",
                    erased={"child": [child_id]},
                )
            )
            # An audit entry about WVFT's child (it would appear in its PDPA export).
            ws.audit.record(s, "child.view", "child", child_id, {})
        # The partner's own record: allowed.
        own = add_child(ws, nickname="partner's own")
        data, _ = ws.sync.export("WVFT")
    out.write_bytes(data)
    mp.undo()
    return own


def test_partner_bundle_cannot_erase_edit_create_or_audit_wvft_records(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    office = Laptop.init(tmp_path / "office", "WVFT")
    partner = Laptop.init(tmp_path / "partner", "ECPAT")
    office.trust(partner)
    partner.trust(office)
    worker = office.add_user("anong", "case_manager")
    child = worker.json(
        "child", "add", "--set", "given_name_th=มะลิ", "--set", "sex=female",
        "--set", "birth_year=2557",
    )  # fmt: skip
    other = worker.json("child", "add", "--set", "given_name_th=ดาว", "--set", "sex=male")
    before = office.state_hash()

    bundle = tmp_path / "forged.bundle"
    own = forged_bundle(partner, child["id"], other["id"], bundle, monkeypatch)
    # Imported as a Thai user does: each refusal is said in words.
    said = office.run("sync", "import", str(bundle), json_out=False, env={"CMDESK_LANG": "th"}).out
    assert "แก้ไขข้อมูลที่เป็นขององค์กรอื่น" in said  # the edit (NOT_OWNER)
    assert "สร้างข้อมูลใหม่ในนามขององค์กรอื่น" in said  # the case (CREATED_INSIDE)
    assert "ลบข้อมูลที่เป็นขององค์กรอื่น" in said  # the erasure (ERASES_OTHERS)
    assert "บันทึกการตรวจสอบขององค์กรอื่น" in said  # the audit entries (AUDIT_OF_OTHERS)

    shown = worker.json("child", "show", other["id"])
    assert shown["nickname"] in ("", None)
    assert office.state_hash() != before  # the partner's own record arrived...
    office.check()
    with Workspace.open(office.root, ADMIN, PASS) as ws:
        children = rows(ws, "child")
        assert own in children
        assert children[child["id"]]["deleted_at"] is None
        assert not [c for c in rows(ws, "case_file").values() if c["child_id"] == child["id"]]
        assert not rows(ws, "erasure")
        audit = [a for a in rows(ws, "audit_entry").values() if a["entity_id"] == child["id"]]
        assert all(a["device_id"] != partner.status()["device_id"] for a in audit)
    assert authority.NOT_OWNER  # (msgids above are these reasons in Thai)

    # Later, on another day, the data manager still sees what was refused and from whom: in
    # `sync status` and in `check` (which still passes: refusals are not damage).
    th = {"CMDESK_LANG": "th"}
    status = office.run("sync", "status", json_out=False, env=th).out
    assert "ปฏิเสธการเปลี่ยนแปลงจาก ECPAT" in status
    assert "ลบข้อมูลที่เป็นขององค์กรอื่น" in status
    checked = office.run("check", json_out=False, env=th).out
    assert "ปฏิเสธการเปลี่ยนแปลงจาก ECPAT" in checked
    refused = {r["reason"]: r["count"] for r in office.status()["trouble"]["refused"]}
    assert refused[authority.ERASES_OTHERS] >= 1 and refused[authority.NOT_OWNER] >= 1
    assert all(r["from_code"] == "ECPAT" for r in office.status()["trouble"]["refused"])
    # A partner that sent nothing wrong has nothing to show.
    assert (
        "ไม่มีการเปลี่ยนแปลงจากโน้ตบุ๊กหรือหน่วยงานอื่นที่ถูกปฏิเสธ"
        in partner.run("sync", "status", json_out=False, env=th).out
    )
