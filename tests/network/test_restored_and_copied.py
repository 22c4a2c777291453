"""A vault restored from a backup, or copied to another laptop, loses nothing and reuses no
sequence number (issue 10, reproductions 1-2), through `cmdesk` processes: backup, restore by
copying the backup into place, a vault folder copied whole, exchanges in both directions."""

from __future__ import annotations

import itertools
import shutil
from pathlib import Path

from cmdesk.core.workspace import Workspace
from tests.network.harness import ADMIN, PASS, Laptop


def new_child(staff: Laptop, name: str) -> str:
    made = staff.json(
        "child", "add", "--set", f"given_name_th={name}", "--set", "sex=female",
        "--set", "birth_year=2557",
    )  # fmt: skip
    return str(made["id"])


def names(staff: Laptop) -> set[str]:
    return {str(c["name_th"]) for c in staff.json("child", "list")}


def test_office_restored_from_its_backup_loses_nothing(tmp_path: Path) -> None:
    office = Laptop.init(tmp_path / "office", "WVFT")
    sup = office.add_user("kasem", "supervisor", display_name="Kasem")
    field = office.enrol(tmp_path / "field", user="lek", role="supervisor")
    new_child(sup, "มะลิ")
    office.send_to(field)
    backup = office.backup()
    before = office.status()["device_id"]

    new_child(sup, "ดาว")  # after the backup: only the field laptop will have it
    office.send_to(field)
    shutil.rmtree(office.root)
    shutil.copytree(backup, office.root)  # the office restores its backup

    # The restored vault knows it is a copy, goes on as a new laptop, and says so.
    assert office.status()["device_id"] != before
    assert "opened from a backup copy" in office.run("sync", "status", json_out=False).out
    new_child(sup, "ฟ้า")  # work after the restore
    field.send_to(office)  # the lost work comes back
    office.send_to(field)
    field.send_to(office)
    assert names(sup) == names(field.as_user("lek")) == {"มะลิ", "ดาว", "ฟ้า"}
    assert office.state_hash() == field.state_hash()
    for laptop in (office, field):
        report = laptop.check().json
        assert report["ok"] and report["audit_break"] is None


def test_vault_folder_copied_to_a_second_laptop_forks_and_heals(tmp_path: Path) -> None:
    """No backup mark here: a folder copied whole. Both copies work under one device id; the
    first bundle that shows one of them its own id with other content makes it a new laptop,
    and it sends its work again under the new id."""
    office = Laptop.init(tmp_path / "office", "WVFT")
    sup = office.add_user("kasem", "supervisor", display_name="Kasem")
    field = office.enrol(tmp_path / "field", user="lek", role="supervisor")
    new_child(sup, "มะลิ")
    office.send_to(field)
    twin = office.copy_folder(tmp_path / "twin")
    twin_sup = twin.as_user("kasem")

    new_child(sup, "ดาว")
    new_child(twin_sup, "ฟ้า")  # same device id, same next sequence number
    office.send_to(field)
    twin.send_to(field)
    got = field.send_to(twin)  # the twin sees its own id with other content
    assert got["new_identity"] and got["forked"] > 0
    assert twin.status()["device_id"] != office.status()["device_id"]
    for _ in range(2):
        twin.send_to(field)
        field.send_to(office)
        office.send_to(field)
        field.send_to(twin)
    everyone = {"มะลิ", "ดาว", "ฟ้า"}
    assert names(sup) == names(twin_sup) == names(field.as_user("lek")) == everyone
    assert office.state_hash() == field.state_hash() == twin.state_hash()


def test_work_restored_before_it_was_sent_reaches_the_office_through_a_relay(
    tmp_path: Path,
) -> None:
    """The field laptop records a child, is backed up, and is restored before it ever sent
    anything: the child is history of its old identity, which no other laptop has met. The
    restored laptop signs that history with the old key it still holds, so a relay may carry
    it; unsigned, every laptop would refuse it from the relay and the network would never
    converge."""
    office = Laptop.init(tmp_path / "office", "WVFT")
    sup = office.add_user("kasem", "supervisor", display_name="Kasem")
    field = office.enrol(tmp_path / "field", user="lek", role="supervisor")
    relay = office.enrol(tmp_path / "relay", user="dao", role="supervisor")
    new_child(field, "ดาว")
    backup = field.backup()
    shutil.rmtree(field.root)
    shutil.copytree(backup, field.root)
    new_child(field, "ฟ้า")  # under the new identity

    field.send_to(relay)
    relay.send_to(office)
    assert names(sup) == {"ดาว", "ฟ้า"}
    assert office.status()["trouble"]["refused"] == []
    office.send_to(field)
    office.send_to(relay)
    assert office.state_hash() == field.state_hash() == relay.state_hash()


def test_copies_whose_work_reached_different_laptops_first_converge(tmp_path: Path) -> None:
    """Issue 10, found by the stateful test: the office's vault folder is copied; the office
    records a child and sends it to one laptop, the copy records another and sends it to a
    second laptop, each before any copy knows of the other. Each laptop kept the version of
    the numbers both copies used that it received first, and the offices gave way to whatever
    they saw next: the laptops never converged, and one never had the other copy's child.
    Every laptop now keeps the version made first, and the other copy sends its work again
    under a new identity."""
    office = Laptop.init(tmp_path / "office", "WVFT")
    sup = office.add_user("kasem", "supervisor", display_name="Kasem")
    north = office.enrol(tmp_path / "north", user="lek", role="supervisor")
    south = office.enrol(tmp_path / "south", user="dao", role="supervisor")
    new_child(sup, "มะลิ")
    office.send_to(north)
    office.send_to(south)
    twin = office.copy_folder(tmp_path / "twin")
    twin_sup = twin.as_user("kasem")
    shared = office.status()["device_id"]

    new_child(sup, "ดาว")
    office.send_to(north)  # north holds the office's version of the numbers both used
    new_child(twin_sup, "ฟ้า")
    twin.send_to(south)  # south holds the copy's
    laptops = (north, south, twin)
    for _ in range(3):
        for laptop in laptops:
            laptop.send_to(office)
        for laptop in laptops:
            office.send_to(laptop)
    everyone = {"มะลิ", "ดาว", "ฟ้า"}
    assert names(sup) == names(twin_sup) == everyone
    assert names(north.as_user("lek")) == names(south.as_user("dao")) == everyone
    assert len({x.state_hash() for x in (office, *laptops)}) == 1
    for laptop in (office, *laptops):
        assert laptop.status()["trouble"]["refused"] == []
        report = laptop.check().json
        # Both copies wrote the trail of the id they shared: a laptop holding entries of both
        # sees two branches, each whole, not a trail altered (as it reported before).
        assert report["ok"] and report["audit_break"] is None, report
        assert set(report["audit_branches"]) <= {shared}
    # The case this test is about: the copy holds both branches, and says so.
    assert twin.check().json["audit_branches"] == [shared]
    said = twin.run("check", json_out=False).out
    assert "two branches" in said and shared in said
    thai = twin.run("--lang", "th", "check", json_out=False).out
    assert "สองสาย" in thai and shared in thai
    # A branch is no cover: an entry where the trail branches, altered, is a break again.
    _alter_where_it_branches(twin, shared)
    report = twin.check().json
    assert not report["ok"] and report["audit_break"]["device_id"] == shared


def _alter_where_it_branches(laptop: Laptop, device: str) -> None:
    """What someone with the vault's key could do: change an entry's words in place (past
    the database's append-only triggers)."""
    with Workspace.open(laptop.root, ADMIN, PASS) as ws:
        raw = ws.ctx.engine.raw_connection()
        try:
            rows = raw.execute(
                "SELECT id, prev_hash, hash FROM audit_entry WHERE device_id = ? ORDER BY seq",
                (device,),
            ).fetchall()
            branching = next(r[0] for before, r in itertools.pairwise(rows) if r[1] != before[2])
            raw.execute("DROP TRIGGER audit_entry_no_update")
            raw.execute("UPDATE audit_entry SET actor = 'someone' WHERE id = ?", (branching,))
            raw.commit()
        finally:
            raw.close()


def test_cases_opened_on_both_copies_of_a_laptop_reach_the_office_with_distinct_numbers(
    tmp_path: Path,
) -> None:
    """A field laptop's folder copied to a second computer: both take their next case number
    from the same device and sequence, so the two cases opened there share one number. The
    office set the second aside and showed only one of them, for ever, and the copies never
    converged (found by the random walk, tests/network/test_random_walk.py). Every laptop now
    holds both, the one made with the higher id under a number made from its own id."""
    office = Laptop.init(tmp_path / "office", "WVFT")
    sup = office.add_user("kasem", "supervisor", display_name="Kasem")
    field = office.enrol(tmp_path / "field", user="lek", role="supervisor")
    twin = field.copy_folder(tmp_path / "twin")
    opened = [
        laptop.open_case(name, "risk_reason=อยู่ลำพัง")
        for laptop, name in ((field, "มะลิ"), (twin, "ดาว"))
    ]
    assert opened[0]["case_number"] == opened[1]["case_number"]
    for _ in range(3):
        for laptop in (field, twin):
            laptop.send_to(office)
            office.send_to(laptop)
    for staff in (sup, field, twin):
        numbers = {str(c["id"]): str(c["case_number"]) for c in staff.json("case", "list")}
        assert set(numbers) == {str(c["id"]) for c in opened}
        assert len(set(numbers.values())) == 2
        first, second = sorted(numbers)  # the case made with the lower id keeps the number
        assert numbers[first] == opened[0]["case_number"]
        # The other's number has the same shape, and finds it.
        assert numbers[second].split("-")[::3] == numbers[first].split("-")[::3]
        assert staff.json("case", "show", numbers[second])["case"]["id"] == second
    assert office.state_hash() == field.state_hash() == twin.state_hash()


def test_a_copy_of_the_office_receives_work_its_twin_received_first(tmp_path: Path) -> None:
    """Found by the random walk (seed 26). The office's folder is copied twice; the field
    laptop's case reaches the second copy first, which reports to the office under the id
    both copies still share. The office believed that id held the field laptop's work, so
    the first copy was never sent it: the child missed there at every exchange after."""
    office = Laptop.init(tmp_path / "office", "WVFT")
    kasem = office.add_user("kasem", "supervisor")
    lek = office.enrol(tmp_path / "field", user="lek", role="supervisor")
    first = kasem.copy_folder(tmp_path / "copy1")
    second = kasem.copy_folder(tmp_path / "copy2")
    lek.open_case("เด็กเอ", "risk_reason=อยู่ลำพัง")
    first.open_case("เด็กบี", "risk_reason=อยู่ลำพัง")
    second.import_(lek.export())
    for _ in range(3):
        for laptop in (lek, first, second):
            laptop.send_to(kasem)
        for laptop in (lek, first, second):
            kasem.send_to(laptop)
    for laptop in (kasem, lek, first, second):
        names = sorted(str(c["name_th"]) for c in laptop.json("child", "list"))
        assert names == ["เด็กบี", "เด็กเอ"]
    assert len({laptop.state_hash() for laptop in (kasem, lek, first, second)}) == 1


def test_a_copy_of_the_office_gets_the_office_s_later_work_from_a_field_laptop(
    tmp_path: Path,
) -> None:
    """Found by the random walk (50 steps, seed 88). The office's folder is copied; the
    office records a child after the copy and its bundle reaches the field laptop. A laptop
    sends no laptop what it thinks that laptop made itself, so the field laptop never sent
    the copy, which answers to the office's id, the office's child: only the field's own
    change to it arrived, and the copy listed no child at every exchange with the field. Now
    the field's bundle tells the copy that its id went further elsewhere (the numbers the field
    holds of it), the copy goes on as a new laptop, and the field sends it what it lacks."""
    office = Laptop.init(tmp_path / "office", "WVFT")
    kasem = office.add_user("kasem", "supervisor")
    lek = office.enrol(tmp_path / "field", user="lek", role="supervisor")
    copy = kasem.copy_folder(tmp_path / "copy")
    case = kasem.open_case("เด็กห้า", "risk_reason=อยู่ลำพัง")
    kasem.send_to(lek)
    lek.run("child", "edit", str(case["child_id"]), "--set", "nickname=ห้า")

    got = lek.send_to(copy)
    assert got["new_identity"] and got["forked"] == 0  # its id went further, no fork
    assert copy.status()["device_id"] != office.status()["device_id"]
    copy.send_to(lek)  # the field laptop meets the copy's new identity
    lek.send_to(copy)
    shown = copy.json("child", "show", str(case["child_id"]))
    assert (shown["given_name_th"], shown["nickname"]) == ("เด็กห้า", "ห้า")
    assert names(copy) == {"เด็กห้า"}
    copy.send_to(kasem)
    kasem.send_to(copy)
    assert len({laptop.state_hash() for laptop in (kasem, lek, copy)}) == 1
