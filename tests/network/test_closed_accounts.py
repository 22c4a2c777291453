"""A worker leaves: the data manager closes their account at the office (`user remove`).
Their own laptop, once it hears the office's staff directory, stops opening for them, but
only after every change made on it has reached the organisation: nothing is lost."""

from __future__ import annotations

from pathlib import Path

from tests.network.harness import PASS, Laptop

TH = {"CMDESK_LANG": "th"}
_NEW_PASS = {"CMDESK_NEW_PASSPHRASE": PASS}  # `user add` reads the passphrase from there


def _office(tmp_path: Path) -> tuple[Laptop, Laptop]:
    office = Laptop.init(tmp_path / "office", "WVFT")
    office.add_user("somchai", "field_worker")
    somchai = office.enrol(tmp_path / "somchai-laptop", user="somchai", role="field_worker")
    return office, somchai


def test_a_worker_who_left_keeps_their_laptop_only_until_its_work_has_reached_the_office(
    tmp_path: Path,
) -> None:
    office, somchai = _office(tmp_path)
    kasem = office.add_user("kasem", "supervisor")
    kasem.open_case("มะลิ", "risk_reason=อยู่ลำพัง")
    office.send_to(somchai)
    # Somchai registers a child in the field; it has not reached the office yet.
    somchai.json(
        "child", "add", "--set", "given_name_th=ดาว", "--set", "sex=female",
        "--set", "birth_year=2558",
    )  # fmt: skip

    removed = office.run("user", "remove", "somchai", json_out=False, env=TH).out
    assert "บนเครื่องของผู้ใช้คนนั้นเอง บัญชีจะถูกปิดด้วย" in removed
    office.send_to(somchai)  # the directory says somchai's account is closed

    # It still opens, says so in Thai, and asks for the work to be sent.
    said = somchai.run("child", "list", json_out=False, env=TH)
    assert said.code == 0 and "ปิดบัญชี" in said.err and "ส่ง" in said.err
    somchai.send_to(office)
    office.send_to(somchai)  # the office holds everything somchai made: the laptop closes

    refused = somchai.run("child", "list", json_out=False, check=False, env=TH)
    assert refused.code != 0
    assert "ปิดบัญชี" in refused.err and "ไม่มีข้อมูลสูญหาย" in refused.err
    assert "ดาว" not in refused.out
    # Nothing was lost: the child registered in the field is at the office.
    assert "ดาว" in kasem.run("child", "list", json_out=False).out


def test_only_the_organisation_s_word_closes_an_account(
    tmp_path: Path,
) -> None:
    office, somchai = _office(tmp_path)
    # A supervisor's laptop keeps no accounts of the organisation: its directory is not taken.
    office.add_user("lek", "supervisor")
    lek = office.enrol(tmp_path / "lek-laptop", user="lek", role="supervisor")
    office.send_to(lek)
    office.run("user", "remove", "somchai")
    office.send_to(lek)
    lek.send_to(somchai)  # relays the office's work, never the office's directory
    assert somchai.run("child", "list", check=False).code == 0

    # The office's own bundle is its word: a laptop that made nothing closes at once.
    office.send_to(somchai)
    assert somchai.run("child", "list", check=False).code != 0


def test_a_worker_who_comes_back_has_their_account_and_laptop_again(tmp_path: Path) -> None:
    office, somchai = _office(tmp_path)
    kasem = office.add_user("kasem", "supervisor")
    kasem.open_case("มะลิ", "risk_reason=อยู่ลำพัง", "assigned_worker=somchai")
    office.send_to(somchai)
    somchai.json("child", "add", "--set", "given_name_th=ดาว", "--set", "sex=female")
    office.run("user", "remove", "somchai")
    office.send_to(somchai)
    assert "ปิดบัญชี" in somchai.run("child", "list", json_out=False, env=TH).err

    # Back from leave: the data manager adds the same user name, which opens the account again.
    again = {**TH, **_NEW_PASS}
    back = office.run("user", "add", "somchai", "--role", "field_worker", json_out=False, env=again)
    assert "เปิดใช้อีกครั้ง" in back.out and "somchai" in back.out
    users = {u["username"]: u for u in office.json("user", "list")}
    assert users["somchai"]["active"]
    office.send_to(somchai)  # the directory now says the account is open
    somchai.send_to(office)
    office.send_to(somchai)  # everything it made is at the office: it stays open all the same
    opened = somchai.run("child", "list", json_out=False, env=TH)
    assert opened.code == 0 and "ปิดบัญชี" not in opened.err
    assert "มะลิ" in opened.out and "ดาว" in opened.out


def test_a_laptop_closed_for_good_is_enrolled_again_for_the_worker_who_came_back(
    tmp_path: Path,
) -> None:
    office, somchai = _office(tmp_path)
    office.run("user", "remove", "somchai")
    office.send_to(somchai)
    closed = somchai.run("child", "list", json_out=False, check=False, env=TH)
    assert closed.code != 0 and "ผู้ดูแลข้อมูล" in closed.err  # give it to the data manager

    office.run("user", "add", "somchai", "--role", "field_worker", env=_NEW_PASS)
    kasem = office.add_user("kasem", "supervisor")
    kasem.open_case("มะลิ", "risk_reason=อยู่ลำพัง", "assigned_worker=somchai")
    fresh = office.enrol(tmp_path / "somchai-again", user="somchai", role="field_worker")
    office.send_to(fresh)
    assert "มะลิ" in fresh.run("child", "list", json_out=False).out
