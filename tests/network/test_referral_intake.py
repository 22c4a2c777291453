"""A partner takes a referred child into its own caseload: `referral open-case` at ECPAT
registers the child from what WVFT's referral shares and opens ECPAT's own case for it,
without retyping and without the shared record counted as a duplicate. Through `cmdesk`
processes, in Thai."""

from __future__ import annotations

import json
from pathlib import Path

from tests.network.test_partner_trust import agreement
from tests.network.test_shared_facts import CHILD, TH, _send


def test_ecpat_opens_its_own_case_for_the_referral_it_accepted(tmp_path: Path) -> None:
    office, _, partner, som = agreement(tmp_path)
    kasem = office.as_user("kasem")
    source = tmp_path / "child.json"
    # In a subdistrict, with a birth date: what makes two records of a child look alike.
    where = {"province_code": "57", "district_code": "5701", "subdistrict_code": "570101"}
    source.write_text(json.dumps(CHILD | where, ensure_ascii=False), encoding="utf-8")
    child = kasem.json("child", "add", "--json-input", str(source))
    case = kasem.json(
        "case", "add", child["id"], "--set", "concerns=neglect", "--set", "risk_level=high",
        "--set", "risk_reason=อยู่ลำพัง",
    )  # fmt: skip
    # Not the legal status: the G-code stays at WVFT.
    shared = ("identity", "address", "household", "concerns_and_risk")
    referral = str(kasem.json(*_send(str(case["id"]), *shared))["id"])
    office.send_to(partner)

    # Not before ECPAT has accepted the referral: said so, and nothing is registered.
    early = som.run("referral", "open-case", referral, json_out=False, check=False, env=TH)
    assert early.code != 0 and "รับการส่งต่อก่อน" in early.err
    assert som.json("child", "list") == []
    som.run("referral", "respond", referral, "accept")

    # WVFT's record of the child, held at ECPAT because the referral shares it, is the child
    # being registered, not a possible duplicate of it.
    said = som.run("referral", "open-case", referral, json_out=False, env=TH).out
    assert said.startswith("ลงทะเบียนเด็กและเปิดเคส ECPAT-") and said.rstrip().endswith("จาก WVFT แล้ว")
    number = said.split()[1]
    shown = som.json("case", "show", number)
    ours = shown["case"]
    assert ours["child_name_th"] == "มะลิ แสงทอง" and ours["org_id"] != case["org_id"]
    # The concerns and risk came with the referral; the case starts at registration.
    assert ours["concerns"] == ["neglect"] and ours["risk_level"] == "high"
    assert ours["risk_reason"] == "อยู่ลำพัง" and ours["stage"] == "registration"
    registered = som.json("child", "show", str(ours["child_id"]))
    assert registered["id"] != child["id"]  # ECPAT's own record of the child
    assert registered["birth"] is not None and registered["given_name_latin"] == "Mali"
    assert [m["name"] for m in registered["household"]] == ["นางคำ แสงทอง"]
    assert registered["village"] == "บ้านห้วยน้ำริน" and registered["subdistrict_code"] == "570101"
    assert registered["id_number"] in (None, "")  # the legal status was not shared

    # ECPAT works the case as its own: a note, written to its case, not to WVFT's.
    som.run("note", "add", number, "--kind", "home_visit", "--text", "พบเด็กที่บ้านยาย")
    assert len(som.json("case", "show", number)["notes"]) == 1
    # The case says which referral it was opened for.
    told = som.run("case", "show", number, json_out=False, env=TH).out
    assert f"เปิดตามการส่งต่อ: จาก WVFT ({referral})" in told
    shown = som.run("referral", "show", referral, json_out=False, env=TH).out
    assert f"เคสขององค์กรคุณ: {number}" in shown
    inbox = som.run("referral", "list", "--incoming", json_out=False, env=TH).out
    assert inbox.rstrip().endswith(f"· รับดำเนินการแล้ว · เคสของเรา {number}")
    # One case a referral: a second is refused, naming the first.
    again = som.run("referral", "open-case", referral, json_out=False, check=False, env=TH)
    assert again.code != 0 and number in again.err
    assert len(som.json("case", "list")) == 1

    # WVFT receives ECPAT's answer, not ECPAT's case or its note.
    partner.send_to(office)
    assert [c["case_number"] for c in kasem.json("case", "list")] == [case["case_number"]]
    sent = kasem.run("referral", "show", referral, json_out=False, env=TH).out
    assert number not in sent and "พบเด็กที่บ้านยาย" not in sent
