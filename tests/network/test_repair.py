"""A vault an older version left damaged is mended (issue 10): a laptop that worked under
another laptop's device id (every save then failed on a number already taken) goes on as a
new laptop when it is opened; an audit trail's break is recorded as known by
`cmdesk check --repair`. Through `cmdesk` processes; the damage itself is
written into the encrypted vault as the older version left it."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from cmdesk.core.workspace import Workspace
from tests.network.harness import PASS, Laptop


def new_child(staff: Laptop, name: str, check: bool = True) -> int:
    return staff.run(
        "child", "add", "--set", f"given_name_th={name}", "--set", "sex=female",
        "--set", "birth_year=2557", check=check,
    ).code  # fmt: skip


def names(staff: Laptop) -> set[str]:
    return {str(c["name_th"]) for c in staff.json("child", "list")}


def damage(laptop: Laptop, sql: str) -> None:
    with Workspace.open(laptop.root, laptop.user, PASS) as ws, ws.ctx.write() as s:
        s.execute(text(sql))


def test_a_laptop_that_shared_its_identity_is_repaired_and_loses_nothing(tmp_path: Path) -> None:
    office = Laptop.init(tmp_path / "office", "WVFT")
    sup = office.add_user("kasem", "supervisor", display_name="Kasem")
    field = office.enrol(tmp_path / "field", user="lek", role="supervisor")
    new_child(field, "มะลิ")
    new_child(field, "ดาว")
    field.send_to(office)
    before = field.status()["device_id"]
    # What the older version left: the next change's number is one this id already used.
    damage(field, "UPDATE sync_local SET value = 1 WHERE key = 'next_seq'")

    # Opening finds the clash before anything is written and goes on as a new laptop; the
    # older version's vault could not even be opened (its unlock record failed to save).
    report = field.json("check")
    assert report["ok"] and report["identity_clash"] is False
    assert field.status()["device_id"] != before
    assert "Nothing needed repair." in field.run("check", "--repair", json_out=False).out
    told = field.run("sync", "status", json_out=False, env={"CMDESK_LANG": "th"}).out
    assert "cmdesk รุ่นเก่าเคยยอมให้เครื่องอื่นใช้ตัวตนเดียวกัน" in told
    new_child(field, "ฟ้า")  # saving works again
    field.send_to(office)
    office.send_to(field)
    assert names(sup) == names(field) == {"มะลิ", "ดาว", "ฟ้า"}
    assert office.state_hash() == field.state_hash()


TWIN_ENTRY = (
    "INSERT INTO audit_entry (id, device_id, seq, at, actor, action, entity, entity_id, detail,"
    " prev_hash, hash) SELECT '{id}', device_id, max(seq) + 1, max(at), 'twin', 'unlock', '',"
    " '', '{{}}', '{prev}', '{hash}' FROM audit_entry"
    " WHERE device_id = (SELECT value FROM vault_meta WHERE key = 'device_id')"
)


def twin_entry(laptop: Laptop, n: int) -> None:
    """An entry another laptop wrote under this laptop's id, as an older version let happen:
    it does not follow this laptop's last entry."""
    damage(laptop, TWIN_ENTRY.format(id=f"twin-{n}", prev=str(n) * 64, hash=str(n + 1) * 64))


def test_an_audit_break_is_recorded_as_known_and_stays_counted(tmp_path: Path) -> None:
    office = Laptop.init(tmp_path / "office", "WVFT")
    office.add_user("kasem", "supervisor")
    twin_entry(office, 1)
    broken = office.run("check", check=False)
    assert broken.code == 1 and broken.json["audit_break"]["reason"] == "link"
    first = broken.json["audit_break"]["seq"]

    th = office.run("check", "--repair", json_out=False, check=False, env={"CMDESK_LANG": "th"})
    assert th.code == 0 and "Traceback" not in th.err
    assert "บันทึกว่าทราบแล้ว" in th.out
    after = office.json("check")
    assert after["ok"] and after["known_audit_breaks"] == 1 and after["audit_break"] is None
    # A break that comes later is still found.
    twin_entry(office, 3)
    again = office.run("check", check=False).json["audit_break"]
    assert again is not None and again["seq"] > first
    # Only staff who may back up the vault may repair it.
    worker = office.add_user("pim", "field_worker")
    refused = worker.run("check", "--repair", json_out=False, check=False)
    assert refused.code != 0 and "Traceback" not in refused.err
