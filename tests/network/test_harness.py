"""The network harness itself: two laptops of one organisation and a partner, through the
real commands in separate processes, exchange a child and agree on the state."""

from __future__ import annotations

from pathlib import Path

from tests.network.harness import Laptop


def test_office_field_laptop_and_partner_converge(tmp_path: Path) -> None:
    office = Laptop.init(tmp_path / "office", "WVFT")
    field = office.enrol(tmp_path / "field", user="pim", role="case_manager")
    partner = Laptop.init(tmp_path / "partner", "ECPAT")
    office.trust(partner)
    partner.trust(office)

    worker = office.add_user("anong", "case_manager", display_name="Anong")
    child = worker.json(
        "child", "add", "--set", "given_name_th=มะลิ", "--set", "sex=female",
        "--set", "birth_year=2557",
    )  # fmt: skip
    received = office.send_to(field)
    assert received["new"] > 0
    assert child["id"]
    assert office.state_hash() == field.state_hash()

    # Nothing is shared with the partner yet: its bundle carries none of WVFT's children.
    partner_got = office.send_to(partner)
    assert partner_got["new"] == 0
    assert partner.state_hash() != office.state_hash()
