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
from tests.network.test_partner_trust import agreement, refer, refer_to_wvft

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

    # Nothing more is sent to it, from the office (a notice alone: no record) or (once it
    # hears) from a field laptop.
    notice = office.json("sync", "export", "--for", "ECPAT", "-o", str(tmp_path / "notice"))
    assert notice["notice"] and notice["operations"] == 0
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


def test_the_partner_is_told_so_its_referrals_say_no_answer_will_come_and_it_stops_sending(
    tmp_path: Path,
) -> None:
    """Before, ECPAT never knew: its referral to WVFT stayed "sent" for ever, its laptops
    went on making bundles WVFT refused, and nobody at ECPAT was told to find another
    organisation for the child."""
    office, (lek,), partner, som = agreement(tmp_path, "lek")
    lek.send_to(office)
    outreach = partner.enrol(tmp_path / "outreach", user="nid", role="supervisor")
    referral = refer_to_wvft(som)
    partner.send_to(office)
    partner.send_to(outreach)

    said = office.run("sync", "untrust", "ECPAT", json_out=False, env=TH).out
    assert "sync export --to ECPAT" in said  # how ECPAT is told without a hub
    notice = tmp_path / "notice.cmsync"
    made = office.run(
        "sync", "export", "--for", "ECPAT", "-o", str(notice), json_out=False, env=TH
    ).out  # fmt: skip
    assert "หนังสือแจ้ง" in made and "ไม่มีบันทึกใด" in made
    stale = office.export("ECPAT")  # a second notice, of the same decision
    kept = partner.state_hash()
    told = partner.run("sync", "import", str(notice), json_out=False, env=TH).out
    assert "WVFT ถอนความไว้วางใจองค์กรของคุณแล้ว" in told
    assert partner.state_hash() == kept  # a notice carries no record
    # ...nor anything of WVFT's laptops (ECPAT had never heard of lek's).
    peers = {p["device_id"] for p in partner.status()["peers"]}
    assert lek.status()["device_id"] not in peers
    assert _partners(partner)["WVFT"]["withdrew_at"]
    listed = partner.run("sync", "partners", json_out=False, env=TH).out
    assert "ถอนความไว้วางใจองค์กรของคุณเมื่อ" in listed

    # The referral ECPAT made says that no answer will come, and why.
    (row,) = [r for r in som.json("referral", "list") if r["id"] == referral]
    assert row["receiver_withdrawn"] and row["receiver_withdrew"]
    assert (
        "จะไม่มีคำตอบ เพราะ WVFT ถอนความไว้วางใจแล้ว"
        in som.run("referral", "list", json_out=False, env=TH).out
    )
    shown = som.run("referral", "show", referral, json_out=False, env=TH).out
    assert "WVFT ถอนความไว้วางใจองค์กรของคุณแล้ว" in shown and "ส่งต่อเด็กไปยังองค์กรอื่น" in shown

    # ECPAT makes nothing more for WVFT, nor a new referral to it.
    out = tmp_path / "for-wvft"
    refused = partner.run(
        "sync", "export", "--for", "WVFT", "-o", str(out), json_out=False, check=False, env=TH
    )  # fmt: skip
    assert refused.code == 1 and "WVFT ถอนความไว้วางใจองค์กรของคุณแล้ว" in refused.err
    assert not out.exists()
    case = som.open_case("ดาว", "risk_reason=อยู่ลำพัง")
    again = som.run(
        "referral", "send", case["id"], "--to", "WVFT", "--service", "psychosocial",
        "--reason", "ต้องการผู้ให้คำปรึกษา", "--share", "identity",
        "--override-reason", "ศาลนัดพรุ่งนี้", json_out=False, check=False, env=TH,
    )  # fmt: skip
    assert again.code != 0 and "WVFT ถอนความไว้วางใจองค์กรของคุณแล้ว" in again.err
    # ECPAT's outreach laptop hears it from its office's next bundle (no hub here).
    partner.send_to(outreach)
    (row,) = [r for r in outreach.json("referral", "list") if r["id"] == referral]
    assert row["receiver_withdrew"]
    assert outreach.run("sync", "export", "--for", "WVFT", "-o", str(out), check=False).code == 1

    # The agreement is renewed: the office's next bundle for ECPAT says so, and ECPAT's
    # laptops send again.
    office.trust(partner)
    back = partner.run("sync", "import", str(office.export("ECPAT")), json_out=False, env=TH).out
    assert "WVFT กลับมาไว้วางใจองค์กรของคุณแล้ว" in back
    assert not _partners(partner)["WVFT"]["withdrew_at"]
    (row,) = [r for r in som.json("referral", "list") if r["id"] == referral]
    assert not row["receiver_withdrawn"] and not row["receiver_withdrew"]
    assert office.import_(partner.export("WVFT")).code == 0
    partner.send_to(outreach)
    (row,) = [r for r in outreach.json("referral", "list") if r["id"] == referral]
    assert not row["receiver_withdrew"]
    # A notice of the old decision, arriving after the new one, changes nothing.
    partner.import_(stale)
    assert not _partners(partner)["WVFT"]["withdrew_at"]
