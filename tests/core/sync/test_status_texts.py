"""How `sync status` and the sync screen say a sender's refused changes."""

from __future__ import annotations

from cmdesk.core.i18n import translator
from cmdesk.core.sync import authority, values
from cmdesk.core.sync.status import RefusedChanges
from cmdesk.core.sync.texts import refused_line


def _refused(reason: str, count: int) -> RefusedChanges:
    return RefusedChanges("org-id", "ECPAT", reason, count, "2026-12-07T06:14:00+00:00")


def test_a_refusal_reads_as_one_sentence_in_english() -> None:
    # The reasons start in lower case to follow "refused:"; after a full stop they read as a
    # sentence begun in lower case ("1 change. writes a value…").
    one = refused_line(_refused(values.BAD_VALUE, 1), translator("en"))
    assert one.startswith("Refused from ECPAT, 1 change: writes a value its field cannot hold")
    assert ". Last on 7 Dec 2026" in one
    many = refused_line(_refused(authority.NOT_OWNER, 3), translator("en"))
    assert many.startswith(
        "Refused from ECPAT, 3 changes: changes a record that belongs to another organisation."
    )


def test_a_refusal_is_said_in_thai() -> None:
    said = refused_line(_refused(values.BAD_VALUE, 2), translator("th"))
    assert said.startswith("ปฏิเสธการเปลี่ยนแปลงจาก ECPAT แล้ว 2 รายการ")
    assert "เขียนค่าที่ช่องข้อมูลนั้นเก็บไม่ได้" in said
    assert "7 ธ.ค. 2569" in said
