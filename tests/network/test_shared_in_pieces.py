"""Issue 10, reproduction 5a, as the organisations did it: a second referral of one case
shares more sections with the same partner, after the partner's bundle told WVFT what it
holds. The partner's import used to fail on the change log's unique key with a traceback,
and so did every later bundle from WVFT."""

from __future__ import annotations

from pathlib import Path

from tests.network.harness import Laptop


def test_a_second_referral_sharing_more_sections_imports_and_so_do_later_bundles(
    tmp_path: Path,
) -> None:
    wvft = Laptop.init(tmp_path / "wvft", "WVFT")
    sup = wvft.add_user("kasem", "supervisor", display_name="Kasem")
    wvft.run("demo", "--cases", "6", "--syncable", "--seed", "3", "--workers", "0")
    sent = [
        r
        for r in sup.json("referral", "list")
        if r["status"] in ("sent", "acknowledged", "accepted")
        and "legal_status" not in r["shared_sections"]
    ]
    assert sent, "the demo data has referrals with consent"
    code, case_id = sent[0]["to_org_code"], sent[0]["case_id"]
    service = sent[0]["service"]  # one the partner offers
    partner = Laptop.init(tmp_path / "partner", code)
    wvft.trust(partner)
    partner.trust(wvft)
    assert wvft.send_to(partner)["new"] > 0
    partner.send_to(wvft)

    sup.run(
        "referral", "send", case_id, "--to", code, "--service", service,
        "--reason", "birth registration for court", "--share", "identity",
        "--share", "legal_status",
    )  # fmt: skip
    got = partner.import_(wvft.export(code), check=False)
    assert got.code == 0, got.err
    assert got.json["new"] > 0

    staff = partner.add_user("pk", "supervisor", display_name="PK")
    incoming = staff.json("referral", "list", "--incoming")
    mine = [r for r in incoming if r["case_id"] == case_id]
    assert len(mine) >= 2
    assert any("legal_status" in r["shared_sections"] for r in mine)

    sup.run("case", "edit", case_id, "--set", "risk_level=high", "--set", "risk_reason=again")
    later = partner.import_(wvft.export(code), check=False)
    assert later.code == 0, later.err
    assert partner.check().json["ok"]
