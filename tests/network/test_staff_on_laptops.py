"""A person is the same person on every laptop of their organisation.

The office makes the accounts of a field worker and a case manager; each joins the network on
a laptop of their own with an enrolment file, under the same user name. The office's
supervisor opens a case and names them on it. When the office's bundle arrives, each finds
the case in their caseload: the case names them by the account they sign in with on their
own laptop. Work they start on their laptop is theirs at the office too. (Accounts stayed on
the laptop that made them, each with an id of its own, so a worker enrolled on a laptop never
saw a case assigned to them at the office.)
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import text

from cmdesk.core.workspace import Workspace
from tests.network.harness import ADMIN, PASS, Laptop, cmdesk


def _caseload(laptop: Laptop, *filters: str) -> dict[str, Any]:
    listed = laptop.json("case", "list", "--limit", "500", *filters)
    items = listed["items"] if isinstance(listed, dict) else listed
    return {str(c["id"]): c for c in items}


def _office(tmp_path: Path) -> tuple[Laptop, Laptop]:
    """WVFT's office with a supervisor (returned beside it) and field worker somchai."""
    office = Laptop.init(tmp_path / "office", "WVFT")
    kasem = office.add_user("kasem", "supervisor")
    office.add_user("somchai", "field_worker")
    return office, kasem


def _give_to_somchai_and_nok(laptop: Laptop, case: Any) -> None:
    """Field worker somchai and case manager nok work on the case."""
    laptop.run(
        "case", "edit", str(case["id"]), "--set", "assigned_worker=somchai",
        "--set", "case_manager=nok",
    )  # fmt: skip


def test_a_worker_enrolled_on_a_laptop_sees_the_cases_the_office_gave_them(
    tmp_path: Path,
) -> None:
    office, kasem = _office(tmp_path)
    office.add_user("nok", "case_manager")
    somchai = office.enrol(tmp_path / "somchai-laptop", user="somchai", role="field_worker")
    nok = office.enrol(tmp_path / "nok-laptop", user="nok", role="case_manager")

    case = kasem.open_case("มะลิ", "risk_reason=อยู่ลำพัง")
    _give_to_somchai_and_nok(kasem, case)
    office.send_to(somchai)
    office.send_to(nok)

    # Each finds the case in their own caseload, on their own laptop.
    # It names them by the accounts they sign in with there.
    assert list(_caseload(somchai)) == [str(case["id"])]
    assert _caseload(somchai)[str(case["id"])]["assigned_worker"] == "somchai"
    assert list(_caseload(nok)) == [str(case["id"])]
    assert _caseload(nok)[str(case["id"])]["case_manager"] == "nok"

    # The field worker opens a case in the village; at the office it is his.
    own = somchai.open_case("ดาว", "risk_reason=ไม่ได้ไปโรงเรียน")
    somchai.send_to(office)
    at_office = _caseload(kasem)
    assert at_office[str(own["id"])]["assigned_worker"] == "somchai"
    mine = office.as_user("somchai").json("case", "list", "--limit", "500")
    items = mine["items"] if isinstance(mine, dict) else mine
    assert {str(c["id"]) for c in items} == {str(case["id"]), str(own["id"])}
    assert office.check().code == 0


def test_an_account_made_before_ids_followed_from_names_joins_under_its_office_id(
    tmp_path: Path,
) -> None:
    # A vault from before: the office's account of the field worker has a random id.
    office, kasem = _office(tmp_path)
    old_id = str(uuid.uuid4())
    with Workspace.open(office.root, ADMIN, PASS) as ws, ws.ctx.write() as s:
        s.execute(text("UPDATE app_user SET id = :id WHERE username = 'somchai'"), {"id": old_id})
    case = kasem.open_case("มะลิ", "risk_reason=อยู่ลำพัง")
    kasem.run("case", "edit", str(case["id"]), "--set", "assigned_worker=somchai")

    # The enrolment file made now carries that id; the laptop's account takes it.
    somchai = office.enrol(tmp_path / "somchai-laptop", user="somchai", role="field_worker")
    office.send_to(somchai)
    assert list(_caseload(somchai)) == [str(case["id"])]
    own = somchai.open_case("ดาว", "risk_reason=ไม่ได้ไปโรงเรียน")
    somchai.send_to(office)
    assert _caseload(kasem)[str(own["id"])]["assigned_worker"] == "somchai"


def test_a_supervisor_s_laptop_knows_the_office_s_staff_and_gives_them_cases(
    tmp_path: Path,
) -> None:
    office, kasem = _office(tmp_path)
    office.add_user("nok", "case_manager", display_name="นก รักเด็ก")
    lek = office.enrol(tmp_path / "lek-laptop", user="lek", role="supervisor")

    # From its enrolment file alone the laptop knows the office's staff: a supervisor there
    # gives a new case to the office's field worker and case manager, whose accounts are not
    # on the laptop (before: "There is no user with this name").
    case = lek.open_case("มะลิ", "risk_reason=อยู่ลำพัง")
    _give_to_somchai_and_nok(lek, case)
    named = _caseload(lek)[str(case["id"])]
    assert (named["assigned_worker"], named["case_manager"]) == ("somchai", "นก รักเด็ก")
    lek.send_to(office)
    assert _caseload(kasem)[str(case["id"])]["case_manager"] == "นก รักเด็ก"

    # Staff the office adds later, or lets go, reach the laptop with the office's next bundle.
    office.add_user("dao", "field_worker")
    office.run("user", "remove", "somchai")
    office.send_to(lek)
    other = lek.open_case("ดาว", "risk_reason=ไม่ได้ไปโรงเรียน")
    lek.run("case", "edit", str(other["id"]), "--set", "assigned_worker=dao")
    assert _caseload(lek)[str(other["id"])]["assigned_worker"] == "dao"
    refused = lek.run(
        "case", "edit", str(other["id"]), "--set", "assigned_worker=somchai",
        json_out=False, check=False, env={"CMDESK_LANG": "th"},
    )  # fmt: skip
    assert refused.code != 0
    assert "กรุณาเลือกเจ้าหน้าที่ของหน่วยงานที่ยังปฏิบัติงานอยู่" in refused.err
    # The case he had stays his, named as before, and is found among those of staff who
    # left, at the office and on the supervisor's laptop, to be given to someone else.
    assert _caseload(lek)[str(case["id"])]["assigned_worker"] == "somchai"
    for laptop in (lek, kasem):
        assert list(_caseload(laptop, "--staff-left", "--open")) == [str(case["id"])]
    lek.run("case", "edit", str(case["id"]), "--set", "assigned_worker=dao")
    assert _caseload(lek, "--staff-left") == {}


def test_joining_under_a_name_the_office_does_not_know_is_said_with_the_names_close_to_it(
    tmp_path: Path,
) -> None:
    office, _kasem = _office(tmp_path)
    enrol, secret = office.enrol_file("field_worker")
    env = {
        "CMDESK_ENROL_PASSPHRASE": secret,
        "CMDESK_PASSPHRASE": PASS,
        "CMDESK_NEW_PASSPHRASE": PASS,
        "CMDESK_LANG": "th",
    }
    typo = tmp_path / "typo-laptop"
    said = cmdesk("--vault", str(typo), "--user", "somchia", "sync", "join", str(enrol), env=env)
    assert "สำนักงานไม่มีบัญชีผู้ใช้ชื่อ somchia" in said.err
    assert "ชื่อผู้ใช้ที่สำนักงานที่ใกล้เคียงกัน: somchai" in said.err
    # The right name joins without a word of it.
    right = tmp_path / "right-laptop"
    said = cmdesk("--vault", str(right), "--user", "somchai", "sync", "join", str(enrol), env=env)
    assert said.err == ""
    assert "somchai" not in said.out
