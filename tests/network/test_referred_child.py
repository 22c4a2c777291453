"""Who a referral is for, as each side's lists and windows say it: the sending organisation
sees its child's name; the receiving one sees the name only when the child's identity was
shared, and keeps up with it as the sender corrects it. Through `cmdesk` processes, in Thai."""

from __future__ import annotations

from pathlib import Path

from tests.network.test_partner_trust import agreement

TH = {"CMDESK_LANG": "th"}


def _refer(kasem_case: str, sections: tuple[str, ...]) -> list[str]:
    args = [
        "referral", "send", kasem_case, "--to", "ECPAT", "--service", "legal_aid",
        "--reason", "ต้องการทนายความ", "--override-reason", "ศาลนัดพรุ่งนี้ ติดต่อผู้ปกครองไม่ได้",
    ]  # fmt: skip
    for section in sections:
        args += ["--share", section]
    return args


def test_the_receiver_sees_the_child_s_name_only_when_it_was_shared_and_as_corrected(
    tmp_path: Path,
) -> None:
    office, _, partner, som = agreement(tmp_path)
    kasem = office.as_user("kasem")
    named = kasem.open_case("มะลิ", "risk_reason=อยู่ลำพัง")
    child = str(named["child_id"])
    kasem.run("child", "edit", child, "--set", "given_name_latin=Mali", "--set", "nickname=ดาว")
    referral = kasem.json(*_refer(str(named["id"]), ("identity",)))
    hidden = kasem.open_case("ชบา", "risk_reason=อยู่ลำพัง")
    kept_back = kasem.json(*_refer(str(hidden["id"]), ("concerns_and_risk",)))

    # The sender's own list names both children.
    sent = kasem.run("referral", "list", json_out=False, env=TH).out
    assert "มะลิ (Mali) ชื่อเล่น ดาว" in sent and "ชบา" in sent
    office.send_to(partner)

    inbox = som.run("referral", "list", "--incoming", json_out=False, env=TH).out
    lines = {line.split()[0]: line for line in inbox.splitlines()}
    assert "มะลิ (Mali) ชื่อเล่น ดาว" in lines[str(referral["id"])]
    assert "ไม่ได้ส่งให้องค์กรของคุณ" in lines[str(kept_back["id"])]
    assert "ชบา" not in inbox  # not shared: never shown, never held
    shown = som.run("referral", "show", str(referral["id"]), json_out=False).out
    assert "Child: Mali (มะลิ), called ดาว" in shown

    # WVFT corrects the name; ECPAT's inbox follows at the next exchange.
    kasem.run("child", "edit", child, "--set", "nickname=ดาวเรือง")
    office.send_to(partner)
    got = som.json("referral", "show", str(referral["id"]))
    assert (got["child_name_th"], got["child_name_latin"]) == ("มะลิ", "Mali")
    assert got["child_nickname"] == "ดาวเรือง"
