"""The network harness itself: two laptops of one organisation and a partner, through the
real commands in separate processes, exchange a child and agree on the state."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.network import forking
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


def test_a_command_forked_from_the_server_answers_as_a_fresh_process_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The server saves each command its start; what the command says, reads and ends with
    is the same: JSON out, a Thai refusal with its exit code, a record typed on stdin."""
    office = Laptop.init(tmp_path / "office", "WVFT").add_user("anong", "case_manager")
    seen: dict[bool, tuple[Any, ...]] = {}
    for fresh in (False, True):
        if fresh:
            monkeypatch.setenv(forking.FRESH, "1")
        forked_before = forking.forked_here()
        status = office.run("sync", "status")
        refused = office.run(
            "case", "show", "no-such-case", json_out=False, check=False, env={"CMDESK_LANG": "th"}
        )
        typed = office.json(
            "child", "add", "--json-input", "-",
            stdin='{"given_name_th": "มะลิ", "sex": "female", "birth_year": 2557}',
        )  # fmt: skip
        assert forking.forked_here() - forked_before == (0 if fresh else 3)
        seen[fresh] = (
            status.code, sorted(status.json), refused.code, refused.out, refused.err,
            typed["given_name_th"],
        )  # fmt: skip
    assert seen[False] == seen[True]
    assert seen[False][2] == 1
    assert "ไม่พบ" in seen[False][4]
    assert seen[False][5] == "มะลิ"
