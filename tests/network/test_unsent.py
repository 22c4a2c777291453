"""A field worker sees how much of their work is only on their laptop (`sync status`, the
home screen): what losing the laptop in the highlands would lose, until a bundle from another
laptop of the organisation says it holds that work."""

from __future__ import annotations

from pathlib import Path

from tests.network.harness import Laptop

TH = {"CMDESK_LANG": "th"}


def _only_here(laptop: Laptop) -> object:
    return laptop.json("sync", "status")["only_here"]


def test_work_is_only_here_until_another_laptop_of_the_organisation_says_it_holds_it(
    tmp_path: Path,
) -> None:
    office = Laptop.init(tmp_path / "office", "WVFT")
    pim = office.enrol(tmp_path / "pim", user="pim", role="case_manager")
    lek = office.enrol(tmp_path / "lek", user="lek", role="supervisor")
    assert _only_here(pim) == 0
    for name in ("ดาว", "เดือน"):
        pim.json(
            "child", "add", "--set", f"given_name_th={name}", "--set", "sex=female",
            "--set", "birth_year=2558",
        )  # fmt: skip
    made = _only_here(pim)
    assert isinstance(made, int) and made >= 2
    said = pim.run("sync", "status", json_out=False, env=TH).out
    assert f"ยังไม่ได้ส่ง: การเปลี่ยนแปลง {made} รายการ" in said

    # Sent, but nothing has come back to say so yet: still only here as far as pim knows.
    pim.send_to(lek)
    assert _only_here(pim) == made
    # The supervisor's laptop holds it, and says so in its next bundle.
    lek.send_to(pim)
    assert _only_here(pim) == 0
    said = pim.run("sync", "status", json_out=False, env=TH).out
    assert "งานทั้งหมดที่ทำในเครื่องนี้ไปถึงเครื่องอื่นขององค์กรคุณแล้ว" in said
    # The office is what the others send to: it says nothing of the kind.
    assert _only_here(office) is None
    assert "ยังไม่ได้ส่ง" not in office.run("sync", "status", json_out=False, env=TH).out
