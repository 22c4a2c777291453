"""A partner leaving the agreement: its trust withdrawn at the office, through `cmdesk`
processes. Before, nothing could withdraw it: every laptop of the organisation went on making
bundles for the partner and taking its bundles for as long as the vault lived.

Now the data manager runs `sync untrust CODE`: that laptop sends the partner nothing more and
takes no bundle of its, the organisation's other laptops learn it from the office's next
bundle, a laptop enrolled afterwards never trusts it, and `sync trust` with its identity file
trusts it again, everywhere, the same way.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.network.harness import Laptop
from tests.network.test_partner_trust import agreement, refer

TH = {"CMDESK_LANG": "th"}


def _statuses(laptop: Laptop) -> dict[str, str]:
    return {str(r["id"]): str(r["status"]) for r in laptop.json("referral", "list")}


def _unanswerable(laptop: Laptop) -> set[str]:
    """The referrals the laptop says no answer will come to (their partner was withdrawn)."""
    return {str(r["id"]) for r in laptop.json("referral", "list") if r["receiver_withdrawn"]}


def _partners(laptop: Laptop) -> dict[str, Any]:
    return {str(o["code"]): o for o in laptop.json("sync", "partners") if not o["own"]}


def _export_refused(laptop: Laptop, tmp_path: Path, name: str) -> str:
    """What `sync export --for ECPAT` says on this laptop (in Thai), checking it wrote nothing."""
    out = tmp_path / name
    refused = laptop.run(
        "sync", "export", "--for", "ECPAT", "-o", str(out), json_out=False, check=False, env=TH
    )  # fmt: skip
    assert refused.code == 1, refused.out
    assert not out.exists()
    return refused.err


def test_a_partner_whose_trust_is_withdrawn_is_sent_nothing_and_taken_nothing_from(
    tmp_path: Path,
) -> None:
    office, (lek,), partner, som = agreement(tmp_path, "lek")
    referral = str(refer(lek)["id"])
    lek.send_to(office)
    office.send_to(partner)
    som.run("referral", "respond", referral, "acknowledge")
    partner.send_to(office)
    office.send_to(lek)
    assert _statuses(lek)[referral] == "acknowledged"

    # ECPAT leaves the agreement: the office's data manager withdraws its trust.
    said = office.run("sync", "untrust", "ECPAT", json_out=False, env=TH).out
    assert "ECPAT" in said and "ถอน" in said
    # The referral ECPAT acknowledged will get no answer now: the data manager is told.
    assert "การส่งต่อ 1 รายการที่ส่งไปยัง ECPAT ยังเปิดอยู่" in said
    assert _partners(office)["ECPAT"]["withdrawn_at"]

    # Nothing more is sent to it, from the office or (once it hears) from a field laptop.
    assert "ไม่ไว้วางใจ ECPAT" in _export_refused(office, tmp_path, "office-for-ecpat")
    som.run("referral", "respond", referral, "accept", "--text", "รับเข้าที่พักแล้ว")
    late = partner.export("WVFT")
    refused = office.run("sync", "import", str(late), json_out=False, check=False, env=TH)
    assert refused.code == 1 and "ECPAT" in refused.err and "ไม่ได้นำเข้า" in refused.err
    kasem = office.as_user("kasem")
    assert _statuses(kasem)[referral] == "acknowledged"
    # Nor is a new referral made to it: it would never reach it.
    case = kasem.open_case("ดาว", "risk_reason=อยู่ลำพัง")
    again = kasem.run(
        "referral", "send", case["id"], "--to", "ECPAT", "--service", "legal_aid",
        "--reason", "ต้องการทนายความ", "--share", "identity", "--override-reason", "ศาลนัดพรุ่งนี้",
        json_out=False, check=False, env=TH,
    )  # fmt: skip
    assert again.code != 0 and "ไม่ไว้วางใจ ECPAT" in again.err
    assert len(_statuses(kasem)) == 1
    # The supervisor sees which referral will get no answer, on the list and the referral.
    assert _unanswerable(kasem) == {referral}
    listed = kasem.run("referral", "list", json_out=False, env=TH).out
    assert "จะไม่มีคำตอบ เพราะไม่ไว้วางใจ ECPAT แล้ว" in listed
    shown = kasem.run("referral", "show", referral, json_out=False, env=TH).out
    assert "ถอนความไว้วางใจ ECPAT" in shown and "ส่งต่อเด็กไปยังองค์กรอื่น" in shown

    office.send_to(lek)
    assert _partners(lek)["ECPAT"]["withdrawn_at"]
    assert _unanswerable(lek) == {referral}  # lek's laptop, once it heard
    _export_refused(lek, tmp_path, "lek-for-ecpat")
    assert lek.import_(late, check=False).code == 1
    assert _statuses(lek)[referral] == "acknowledged"
    # What ECPAT sent before stays, whole and the same on both laptops.
    assert lek.state_hash() == office.state_hash()
    assert office.check().code == 0

    # The agreement is renewed: trusting its identity file again undoes the withdrawal.
    office.trust(partner)
    assert office.import_(late).code == 0
    assert _statuses(kasem)[referral] == "accepted"
    assert _unanswerable(kasem) == set()
    office.send_to(lek)
    assert not _partners(lek)["ECPAT"]["withdrawn_at"]
    assert _unanswerable(lek) == set()
    assert partner.import_(lek.export("ECPAT")).code == 0
    assert lek.state_hash() == office.state_hash()


def test_a_laptop_enrolled_after_the_withdrawal_never_trusts_the_partner(tmp_path: Path) -> None:
    office, _, partner, _ = agreement(tmp_path)
    bundle = partner.export("WVFT")
    assert office.json("sync", "untrust", "ECPAT")["open_referrals"] == 0
    late = office.enrol(tmp_path / "late", user="nok", role="supervisor")

    assert "ECPAT" not in _partners(late)
    assert late.import_(bundle, check=False).code == 1
    # The office's bundle tells it of ECPAT, withdrawn: still nothing is taken or sent.
    office.send_to(late)
    assert _partners(late)["ECPAT"]["withdrawn_at"]
    assert late.import_(bundle, check=False).code == 1
    _export_refused(late, tmp_path, "late-for-ecpat")


def test_only_a_data_manager_withdraws_and_only_the_office_s_word_travels(
    tmp_path: Path,
) -> None:
    office, (lek,), _partner, _ = agreement(tmp_path, "lek")
    office.send_to(lek)
    # A supervisor may not withdraw a partner, on the office's laptop or on their own.
    kasem = office.as_user("kasem")
    assert kasem.run("sync", "untrust", "ECPAT", check=False).code != 0
    assert lek.run("sync", "untrust", "ECPAT", check=False).code != 0
    assert not _partners(office)["ECPAT"]["withdrawn_at"]
    # Nor can the organisation's own identity be withdrawn, nor an organisation not known.
    own = office.run("sync", "untrust", "WVFT", json_out=False, check=False, env=TH)
    assert own.code != 0 and "องค์กรของคุณเอง" in own.err
    assert office.run("sync", "untrust", "NOPE", check=False).code != 0

    # The office withdraws, then trusts again; a field laptop that hears of the two decisions
    # out of order keeps the later one.
    office.run("sync", "untrust", "ECPAT")
    withdrawn = office.export()
    office.trust(_partner)
    trusted_again = office.export()
    lek.import_(trusted_again)
    lek.import_(withdrawn)
    assert not _partners(lek)["ECPAT"]["withdrawn_at"]
