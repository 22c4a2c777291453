"""What a referral shares, read where it is received: `referral show` at the partner prints
the child's facts the referral shares, as its slip prints them, and nothing it does not; the
sender reads the same list. Through `cmdesk` processes, in Thai and English."""

from __future__ import annotations

import json
import re
from pathlib import Path

from tests.network.test_partner_trust import agreement

TH = {"CMDESK_LANG": "th"}
CHILD = {
    "given_name_th": "มะลิ",
    "family_name_th": "แสงทอง",
    "given_name_latin": "Mali",
    "sex": "female",
    "birth_date": "2014-03-05",
    "village": "บ้านห้วยน้ำริน",
    "id_document_type": "g_code",
    "id_number": "G123456789012",
    "household": [
        {"name": "นางคำ แสงทอง", "relationship": "grandmother", "is_caregiver": True,
         "phone": "0812345678"},
    ],
}  # fmt: skip


def _send(kasem_case: str, *sections: str) -> list[str]:
    args = [
        "referral", "send", kasem_case, "--to", "ECPAT", "--service", "legal_aid",
        "--reason", "ต้องการทนายความ", "--override-reason", "ศาลนัดพรุ่งนี้ ติดต่อผู้ปกครองไม่ได้",
    ]  # fmt: skip
    return [*args, *(arg for s in sections for arg in ("--share", s))]


def test_the_partner_reads_what_the_referral_shares_and_nothing_more(tmp_path: Path) -> None:
    office, _, partner, som = agreement(tmp_path)
    kasem = office.as_user("kasem")
    source = tmp_path / "child.json"
    source.write_text(json.dumps(CHILD, ensure_ascii=False), encoding="utf-8")
    child = kasem.json("child", "add", "--json-input", str(source))
    case = kasem.json(
        "case", "add", child["id"], "--set", "concerns=neglect", "--set", "risk_level=medium",
        "--set", "risk_reason=อยู่ลำพัง",
    )  # fmt: skip
    # Identity and household, not the legal status: the G-code stays at WVFT.
    referral = kasem.json(*_send(str(case["id"]), "identity", "household"))
    office.send_to(partner)

    shown = som.run("referral", "show", str(referral["id"]), json_out=False, env=TH).out
    # Every step so far, dated as Thai readers date (Buddhist era, 24-hour time).
    assert re.search(r"^  \d{1,2} \S+ 25\d\d \d\d:\d\d น\.  ส่งแล้ว รอการตอบรับ$", shown, re.M)
    facts = shown[shown.index("ส่งให้ ECPAT:") :]
    assert "ชื่อ-นามสกุล: มะลิ แสงทอง (Mali)" in facts
    assert "วันเกิด: 5 มีนาคม 2557" in facts
    assert "ย่าหรือยาย: นางคำ แสงทอง · ผู้ดูแล: ใช่" in facts
    assert "G123456789012" not in shown and "บ้านห้วยน้ำริน" not in shown  # not shared
    assert "ไม่ได้" not in facts  # no refusal in place of the facts

    # The sender reads the same facts: what the partner was given, word for word.
    sent = kasem.run("referral", "show", str(referral["id"]), json_out=False, env=TH).out
    assert sent[sent.index("ส่งให้ ECPAT:") :] == facts

    # English, the same facts in the reader's language.
    english = som.run("referral", "show", str(referral["id"]), json_out=False).out
    assert "Full name: Mali (มะลิ แสงทอง)" in english
    assert "Caregiver: Yes" in english


def test_concerns_and_risk_shared_are_read_on_screen_though_off_the_slip(
    tmp_path: Path,
) -> None:
    office, _, partner, som = agreement(tmp_path)
    kasem = office.as_user("kasem")
    case = kasem.open_case("ชบา", "risk_reason=อยู่ลำพัง")
    risk = kasem.json(*_send(str(case["id"]), "concerns_and_risk"))
    notes = kasem.json(*_send(str(case["id"]), "notes"))
    office.send_to(partner)

    shown = som.run("referral", "show", str(risk["id"]), json_out=False, env=TH).out
    assert "ชบา" not in shown  # the identity was not shared
    facts = shown[shown.index("ส่งให้ ECPAT:") :]
    assert "ปัญหาการคุ้มครองและระดับความเสี่ยง" in facts
    assert "ระดับความเสี่ยง: ความเสี่ยงปานกลาง" in facts and "อยู่ลำพัง" in facts
    # Notes alone: nothing a slip prints, said so rather than an empty list; then the notes,
    # none written yet.
    shown = som.run("referral", "show", str(notes["id"]), json_out=False, env=TH).out
    facts = shown[shown.index("ส่งให้ ECPAT:") :].splitlines()
    assert facts[1].strip() == "ไม่ได้ส่งข้อมูลใดที่พิมพ์ในใบส่งต่อ"
    assert facts[2:] == ["บันทึกการปฏิบัติงานที่ส่งให้ (0 รายการ):", "  ยังไม่มีบันทึกการปฏิบัติงานของเคสนี้"]


def test_the_partner_reads_the_case_notes_a_referral_shares_and_those_written_since(
    tmp_path: Path,
) -> None:
    office, _, partner, som = agreement(tmp_path)
    kasem = office.as_user("kasem")
    case = kasem.open_case("ชบา", "risk_reason=อยู่ลำพัง")
    visit = "เยี่ยมบ้าน ยายดูแลดี\nแต่ไม่มีรายได้"
    kasem.run("note", "add", str(case["id"]), "--kind", "home_visit", "--text", visit)
    with_notes = kasem.json(*_send(str(case["id"]), "identity", "notes"))
    without = kasem.json(*_send(str(case["id"]), "identity"))
    office.send_to(partner)

    shown = som.run("referral", "show", str(with_notes["id"]), json_out=False, env=TH).out
    notes = shown[shown.index("บันทึกการปฏิบัติงานที่ส่งให้ (1 รายการ):") :].splitlines()
    assert notes[1].endswith("เยี่ยมบ้าน")  # when, and the kind of note
    assert notes[2:4] == ["    เยี่ยมบ้าน ยายดูแลดี", "    แต่ไม่มีรายได้"]
    # A referral that does not share the notes does not show them, though ECPAT holds them.
    other = som.run("referral", "show", str(without["id"]), json_out=False, env=TH).out
    assert "ยายดูแลดี" not in other and "บันทึกการปฏิบัติงาน" not in other

    # A note written at WVFT after the referral reaches ECPAT at the next sync, newest first.
    kasem.run("note", "add", str(case["id"]), "--kind", "phone_call", "--text", "โทรหายาย")
    office.send_to(partner)
    shown = som.run("referral", "show", str(with_notes["id"]), json_out=False).out
    notes = shown[shown.index("Case notes shared (2):") :].splitlines()
    assert notes[1].endswith("Phone call") and notes[2] == "    โทรหายาย"
    assert notes[3].endswith("Home visit")


def test_a_consent_withdrawn_at_wvft_stops_ecpat_showing_what_it_was_given(
    tmp_path: Path,
) -> None:
    office, _, partner, som = agreement(tmp_path)
    kasem = office.as_user("kasem")
    case = kasem.open_case("มะลิ", "risk_reason=อยู่ลำพัง")
    consent = kasem.json(
        "consent", "add", str(case["child_id"]), "--purpose", "sharing", "--share-with", "ECPAT",
        "--given-on", "1/12/2569", "--given-by", "parent", "--giver-name", "นางคำ แสงทอง",
        "--method", "written", "--case", str(case["id"]),
    )  # fmt: skip
    referral = kasem.json(
        "referral", "send", str(case["id"]), "--to", "ECPAT", "--service", "legal_aid",
        "--reason", "ต้องการทนายความ", "--share", "identity",
    )  # fmt: skip
    assert referral["consent_id"] == consent["id"]  # sent on the consent, no override
    office.send_to(partner)
    shown = som.run("referral", "show", str(referral["id"]), json_out=False, env=TH).out
    assert "ชื่อ-นามสกุล: มะลิ" in shown

    said = kasem.run(
        "consent", "withdraw", str(consent["id"]), "--reason", "แม่เปลี่ยนใจ",
        json_out=False, env=TH,
    ).out  # fmt: skip
    assert str(consent["id"]) in said
    listed = kasem.run("consent", "list", str(case["child_id"]), json_out=False, env=TH).out
    assert "ถอนแล้วเมื่อ" in listed
    office.send_to(partner)

    shown = som.run("referral", "show", str(referral["id"]), json_out=False, env=TH).out
    facts = shown[shown.index("ส่งให้ ECPAT:") :]
    assert "ครอบครัวถอนความยินยอมให้ส่งข้อมูลเคสนี้ให้ ECPAT แล้ว" in facts
    assert "ชื่อ-นามสกุล" not in facts and "บันทึกความยินยอม" not in facts
    # WVFT is told what would let it share again; ECPAT is not (it cannot).
    sent = kasem.run("referral", "show", str(referral["id"]), json_out=False, env=TH).out
    assert "หากครอบครัวให้ความยินยอมอีกครั้ง ให้บันทึกความยินยอมนั้น" in sent
    got = som.json("referral", "show", str(referral["id"]))
    assert got["consent_withdrawn_at"] is not None and got["child_name_th"] == ""
    # The child's name is off ECPAT's inbox too; WVFT's own list still names its child.
    inbox = som.run("referral", "list", "--incoming", json_out=False, env=TH).out
    assert "ไม่แสดง: ครอบครัวถอนความยินยอมแล้ว" in inbox and "มะลิ" not in inbox
    # Both lists say where the referral stands now: still open, its consent withdrawn.
    sent = kasem.run("referral", "list", json_out=False, env=TH).out
    assert "มะลิ" in sent
    for listed in (inbox, sent):
        assert listed.rstrip().endswith("· ส่งแล้ว รอการตอบรับ: ครอบครัวถอนความยินยอมแล้ว")
    # The slip is refused at ECPAT too, with the same reason.
    printed = som.run(
        "report", "referral", str(referral["id"]), "--lang", "th", "-o", str(tmp_path / "s.pdf"),
        check=False, env=TH,
    )  # fmt: skip
    assert printed.code != 0 and "ครอบครัวถอนความยินยอม" in printed.err
    assert not (tmp_path / "s.pdf").exists()

    # The family consents again: the referral, still open, shares on the new consent from the
    # next sync, with what changed in between.
    kasem.json(
        "consent", "add", str(case["child_id"]), "--purpose", "sharing", "--share-with", "ECPAT",
        "--given-on", "3/12/2569", "--given-by", "parent", "--giver-name", "นางคำ แสงทอง",
        "--method", "written", "--case", str(case["id"]),
    )  # fmt: skip
    patch = tmp_path / "nickname.json"
    patch.write_text(json.dumps({"nickname": "ลิลลี่"}, ensure_ascii=False), encoding="utf-8")
    kasem.run("child", "edit", str(case["child_id"]), "--json-patch", str(patch))
    office.send_to(partner)
    shown = som.run("referral", "show", str(referral["id"]), json_out=False, env=TH).out
    facts = shown[shown.index("ส่งให้ ECPAT:") :]
    assert "ชื่อ-นามสกุล: มะลิ" in facts and "ชื่อเล่น: ลิลลี่" in facts
    for user in (som, kasem):  # the basis stands again, at either side
        assert user.json("referral", "show", str(referral["id"]))["consent_withdrawn_at"] is None
    inbox = som.run("referral", "list", "--incoming", json_out=False, env=TH).out
    assert "มะลิ" in inbox and "ถอนความยินยอม" not in inbox
