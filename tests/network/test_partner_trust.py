"""A partner trusted after a laptop joined reaches that laptop through the office's bundles,
through `cmdesk` processes. Before, the field laptop (its enrolment file made before the
agreement with ECPAT) refused every answer of ECPAT's the office relayed to it, said so in
`sync status` for ever, and never converged with the office (found by the random walk,
tests/network/test_random_walk.py)."""

from __future__ import annotations

from pathlib import Path

from tests.network.harness import Laptop


def test_a_partner_trusted_after_a_laptop_joined_reaches_it_from_the_office(
    tmp_path: Path,
) -> None:
    office = Laptop.init(tmp_path / "office", "WVFT")
    office.add_user("kasem", "supervisor")
    field = office.enrol(tmp_path / "field", user="lek", role="supervisor")
    # A second field laptop that hears only from the first: a supervisor's laptop does not
    # decide whom the organisation trusts, so it passes on no partner.
    relay_only = office.enrol(tmp_path / "relay", user="dao", role="supervisor")
    partner = Laptop.init(tmp_path / "partner", "ECPAT")
    som = partner.add_user("som", "supervisor")
    office.trust(partner)  # the agreement with ECPAT, after the laptops joined
    partner.trust(office)

    case = field.open_case("มะลิ", "risk_reason=อยู่ลำพัง")
    referral = field.json(
        "referral", "send", case["id"], "--to", "ECPAT", "--service", "legal_aid",
        "--reason", "ต้องการทนายความ", "--share", "identity",
        "--override-reason", "ศาลนัดพรุ่งนี้ ติดต่อผู้ปกครองไม่ได้",
    )  # fmt: skip
    field.send_to(office)
    office.send_to(partner)
    som.run("referral", "respond", str(referral["id"]), "acknowledge")
    partner.send_to(office)
    office.send_to(field)
    field.send_to(relay_only)

    statuses = {str(r["id"]): r["status"] for r in field.json("referral", "list")}
    assert statuses == {str(referral["id"]): "acknowledged"}
    assert field.status()["trouble"]["refused"] == []
    assert field.state_hash() == office.state_hash()
    # The field laptop knows ECPAT now: it makes a bundle for ECPAT itself, which ECPAT
    # takes. The relay heard of no partner from a supervisor's laptop.
    assert partner.import_(field.export("ECPAT")).code == 0
    refused = relay_only.run("sync", "export", "--for", "ECPAT", "-o", str(tmp_path / "x"),
                             check=False)  # fmt: skip
    assert refused.code == 1 and "ECPAT" in refused.err
