"""A laptop enrolled for one team holds that team's cases only, and no organisation key.

The data manager makes an enrolment file for team "north"; a field worker joins with it on
their own laptop. The laptop sends its first bundle to the office; the office then makes a
bundle for that laptop alone (sealed to its device key), carrying the north team's cases with
everything recorded on them, and nothing of the south team's. A bundle made for every laptop
of the organisation cannot be opened there; a bundle made for another laptop is refused.
Work done on the team's laptop reaches the office as from any laptop, and a case moved into
the team arrives whole with its history.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from cmdesk.core.model import Case, Erasure, Note
from cmdesk.core.sync import hlc, team_authority, team_leaving
from cmdesk.core.workspace import Workspace
from tests.network.harness import ADMIN, PASS, Laptop
from tests.network.hub_process import hub_command, running_hub


def _names(laptop: Laptop, user: str) -> dict[str, Any]:
    """Each visible case by id, as the user's caseload lists it."""
    listed = laptop.as_user(user).json("case", "list", "--limit", "500")
    items = listed["items"] if isinstance(listed, dict) else listed
    return {c["id"]: c for c in items}


@pytest.fixture
def network(tmp_path: Path) -> tuple[Laptop, Laptop, Path]:
    office = Laptop.init(tmp_path / "office", "WVFT")
    office.add_user("fw1", "field_worker", team="north")
    office.add_user("fw3", "field_worker", team="south")
    office.add_user("sup", "supervisor")
    office.run("demo", "--cases", "12", "--seed", "5", "--syncable", "--workers", "1")
    enrol = office.bundles / "north.enrol"
    made = office.json(
        "sync", "enrol-file", "-o", str(enrol), "--role", "field_worker", "--team", "north"
    )
    office.join(tmp_path / "field", enrol, str(made["passphrase"]), "pim")
    field = Laptop(tmp_path / "field", "pim", PASS, "WVFT", office.bundles)
    return office, field, enrol


@contextmanager
def _vault(laptop: Laptop, user: str) -> Iterator[Any]:
    """The laptop's vault as its user opens it (their own key), read with plain SQL."""
    with Workspace.open(laptop.root, user, PASS) as ws:
        raw = ws.ctx.engine.raw_connection()
        try:
            yield raw
        finally:
            raw.close()


def _team_cases(office: Laptop) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    with _vault(office, ADMIN) as raw:
        for case_id, team in raw.execute("SELECT id, team FROM case_file"):
            found.setdefault(team, set()).add(case_id)
    return found


def test_a_team_laptop_holds_its_team_only_and_no_organisation_key(
    network: tuple[Laptop, Laptop, Path],
) -> None:
    office, field, _ = network
    teams = _team_cases(office)
    assert teams.get("north") and teams.get("south"), teams
    assert field.status()["team"] == "north"

    # A bundle for every laptop of the organisation is closed to it, and it says what to do.
    refused = field.import_(office.export(), check=False)
    assert refused.code != 0
    assert "only team north's cases" in refused.err + refused.out

    # Its first bundle reaches the office; the office makes one for it alone.
    field.send_to(office)
    listed = office.json("sync", "laptops")
    device = str(field.status()["device_id"])
    assert [(x["device_id"], x["team"]) for x in listed] == [(device, "north")]
    bundle = office.bundles / "for-pim.bundle"
    made = office.json("sync", "export", "-o", str(bundle), "--laptop", device[:8])
    assert made["recipient_device"] == device
    said = field.import_(bundle).json
    assert said["new"] > 0 and not said.get("refused"), said

    # What is in the laptop's vault, decrypted with its own user's key: the north team's cases,
    # their children, and no organisation private key.
    with _vault(field, "pim") as raw:
        cases = {r[0]: r[1] for r in raw.execute("SELECT id, team FROM case_file")}
        children = {r[0] for r in raw.execute("SELECT id FROM child")}
        wanted_children = {r[0] for r in raw.execute("SELECT DISTINCT child_id FROM case_file")}
        keys = {r[0]: r[1] for r in raw.execute("SELECT name, secret FROM sync_key")}
        foreign_audit = raw.execute(
            "SELECT count(*) FROM audit_entry WHERE device_id != ?", (device,)
        ).fetchone()[0]
    assert set(cases) == teams["north"]
    assert set(cases.values()) == {"north"}
    assert children == wanted_children
    assert keys["org_box"] is None and keys["org_sign"] is None
    assert keys["device"] is not None
    assert foreign_audit == 0
    # The field worker sees the team's cases in their caseload.
    assert set(_names(field, "pim")) == teams["north"]


def _feed(office: Laptop, field: Laptop) -> Any:
    """Sends the field laptop's work to the office, then gives it its own bundle; the
    function that gives it the next one."""
    field.send_to(office)
    device = str(field.status()["device_id"])

    def to_field() -> Any:
        out = office.bundles / f"for-field-{len(list(office.bundles.iterdir()))}.bundle"
        office.run("sync", "export", "-o", str(out), "--laptop", device)
        return field.import_(out).json

    to_field()
    return to_field


def test_work_travels_both_ways_and_a_case_moved_into_the_team_arrives_whole(
    network: tuple[Laptop, Laptop, Path], tmp_path: Path
) -> None:
    office, field, _ = network
    teams = _team_cases(office)
    to_field = _feed(office, field)
    north_case = sorted(teams["north"])[0]
    # The field worker records a note; it reaches the office like any laptop's work.
    field.run("note", "add", north_case, "--text", "เยี่ยมบ้าน พบเด็กปลอดภัย")
    said = field.send_to(office)
    assert not said.get("refused"), said
    supervisor = office.as_user("sup")
    shown = supervisor.json("case", "show", north_case)
    assert "เยี่ยมบ้าน พบเด็กปลอดภัย" in str(shown)

    # A south case handed to a north field worker arrives whole on the team's laptop.
    moved = sorted(teams["south"])[0]
    supervisor.run("case", "edit", moved, "--set", "assigned_worker=fw1")
    assert moved in _team_cases(office)["north"]
    said = to_field()
    assert not said.get("refused"), said
    on_field = field.as_user("pim").json("case", "show", moved)
    on_office = supervisor.json("case", "show", moved)
    for part in ("notes", "tasks"):
        assert len(on_field[part]) == len(on_office[part]), part
    case_there, case_here = on_field["case"], on_office["case"]
    assert case_here["stage_history"]
    for key in ("child_name_th", "stage_history", "risk_history", "team"):
        assert case_there[key] == case_here[key], key

    # A north case handed to a south worker leaves the team's caseload on the laptop.
    gone = sorted(teams["north"])[1]
    assert gone in _names(field, "pim")
    supervisor.run("case", "edit", gone, "--set", "assigned_worker=fw3")
    said = to_field()
    assert not said.get("refused"), said
    assert gone not in _names(field, "pim")

    # A bundle made for another laptop of the organisation is refused there.
    other = office.enrol(tmp_path / "other", "dao")
    other.send_to(office)
    other_device = str(other.status()["device_id"])
    out = office.bundles / "for-other.bundle"
    office.run("sync", "export", "-o", str(out), "--laptop", other_device)
    refused = field.import_(out, check=False)
    assert refused.code != 0
    assert "another laptop" in refused.err + refused.out
    # ... and opened by the laptop it was made for (a whole-organisation laptop).
    assert other.import_(out).json["new"] > 0


def test_through_the_hub_the_team_laptop_gets_its_own_bundle_and_nothing_else(
    network: tuple[Laptop, Laptop, Path], tmp_path: Path
) -> None:
    office, field, _ = network
    teams = _team_cases(office)
    with running_hub(tmp_path) as hub:
        hub.register(office)
        for laptop in (office, field):
            hub.connect(laptop)
        office.json("sync", "now")  # a bundle for the organisation: not for the team laptop
        first = field.json("sync", "now")  # its first bundle; nothing it could open waits
        assert first["received"] == [] and first["refused"] == []
        sent = office.json("sync", "now")  # hears from it, then sends a bundle sealed to it
        assert any(s["operations"] > 0 and s["org"].startswith("WVFT ") for s in sent["sent"])
        got = field.json("sync", "now")
        assert got["refused"] == [] and sum(r["new"] for r in got["received"]) > 0
        assert set(_names(field, "pim")) == teams["north"]
        # Each laptop fetched what it waited for: the bundle made for the team laptop (by it
        # alone) and the team laptop's own (by the office) are dropped; the office's bundles
        # for the whole organisation wait for a laptop that can open them.
        pruned = hub_command("prune", "--data", str(hub.data)).stdout
        assert pruned.startswith("Expired 2 bundle(s)"), pruned


def test_a_team_laptop_cannot_change_another_team_s_cases_and_its_late_work_still_arrives(
    network: tuple[Laptop, Laptop, Path],
) -> None:
    office, field, _ = network
    teams = _team_cases(office)
    _feed(office, field)
    north, south = sorted(teams["north"]), sorted(teams["south"])
    supervisor = office.as_user("sup")
    target = supervisor.json("case", "show", south[0])["case"]
    south_child = str(target["child_id"])

    # Offline, the worker writes on a north case while the office hands it to the south team.
    field.run("note", "add", north[0], "--text", "บันทึกก่อนย้ายทีม")
    supervisor.run("case", "edit", north[0], "--set", "assigned_worker=fw3")
    assert north[0] in _team_cases(office)["south"]

    # A hostile copy of the app on the north laptop signs changes to the south team's records:
    # an edit of a south case, a note on it, a new case in the south team, an erasure.
    with Workspace.open(field.root, "pim", PASS) as ws:
        org = ws.actor.org_id
        with ws.ctx.write() as s:
            s.add(
                Case(
                    id=south[0], org_id=org, child_id=south_child, team="south",
                    case_number=str(target["case_number"]), risk_level="low",
                )
            )  # fmt: skip
            s.add(Note(case_id=south[0], thread_id=str(uuid.uuid4()), org_id=org, body="ปลอม"))
            s.add(
                Case(
                    org_id=org, child_id=south_child, team="south", case_number="X-9",
                    risk_level="medium",
                )
            )  # fmt: skip
            s.add(
                Erasure(
                    org_id=org, child_id=south_child, reason="entered_in_error",
                    erased={"child": [south_child]},
                )
            )  # fmt: skip

    said = field.send_to(office)
    refused = said["refused"]
    assert refused.get(team_authority.OUTSIDE_TEAM, 0) >= 3, refused
    assert refused.get(team_authority.TEAM_ERASES) == 1, refused
    office.check()
    # Nothing of it was applied: the south case, its notes and its child are as they were.
    shown = supervisor.json("case", "show", south[0])
    assert shown["case"]["risk_level"] == target["risk_level"]
    assert "ปลอม" not in str(shown["notes"])
    assert south_child in {c["child_id"] for c in _names(office, "sup").values()}
    assert not [c for c in _names(office, "sup").values() if c["case_number"] == "X-9"]
    # The note written before the case left the team arrived.
    assert "บันทึกก่อนย้ายทีม" in str(supervisor.json("case", "show", north[0])["notes"])
    # The data manager reads why, in Thai.
    status = office.run("sync", "status", json_out=False, env={"CMDESK_LANG": "th"}).out
    assert "แก้ไขเคสนอกทีมที่โน้ตบุ๊กเครื่องนั้นจำกัดไว้" in status
    assert "ลบข้อมูลนอกทีมที่โน้ตบุ๊กเครื่องนั้นจำกัดไว้" in status


def _supervisor_laptop(office: Laptop, root: Path) -> Laptop:
    """A whole-organisation laptop joined from the office's enrolment file, used by "som"."""
    return _joined(office, root, "som", "supervisor")


def _joined(office: Laptop, root: Path, user: str, role: str, *team: str) -> Laptop:
    """A laptop joined from the office's enrolment file for `role` (and `team`, if given)."""
    enrol = office.bundles / f"{root.name}.enrol"
    extra = ["--team", *team] if team else []
    made = office.json("sync", "enrol-file", "-o", str(enrol), "--role", role, *extra)
    office.join(root, enrol, str(made["passphrase"]), user)
    return Laptop(root, user, PASS, "WVFT", office.bundles)


def test_a_case_handed_to_another_team_is_read_only_on_the_team_s_laptop(
    network: tuple[Laptop, Laptop, Path], tmp_path: Path
) -> None:
    office, _, _ = network
    # A case manager of the north team opens a case on the team's laptop: with no worker yet,
    # it is the north team's (a case of no team would be refused at the office).
    field = _joined(office, tmp_path / "km-laptop", "km", "case_manager", "north")
    to_field = _feed(office, field)
    opened = field.open_case("ดาว", "risk_reason=อยู่ลำพัง")
    case = str(opened["id"])
    assert opened["team"] == "north" and opened["read_only_for_team"] == ""
    field.run("note", "add", case, "--text", "เยี่ยมบ้าน")
    assert field.send_to(office)["refused"] == {}
    supervisor = office.as_user("sup")

    # The office hands the case to the south team's worker; km still manages it.
    supervisor.run("case", "edit", case, "--set", "assigned_worker=fw3")
    to_field()
    shown = field.json("case", "show", case)
    assert shown["case"]["team"] == "south"
    assert shown["case"]["actions"] == [] and shown["case"]["read_only_for_team"] == "north"
    told = field.run("case", "show", case, json_out=False, env={"CMDESK_LANG": "th"}).out
    assert "ไม่ได้อยู่กับทีม north" in told and "แก้ไขไม่ได้" in told

    # A note written now would be refused at the office: the laptop refuses it first, says
    # why, and writes nothing.
    refused = field.run("note", "add", case, "--text", "หลังย้ายทีม", check=False)
    assert refused.code != 0 and "Traceback" not in refused.err
    assert "no longer with team north" in refused.err + refused.out
    thai = field.run(
        "note", "add", case, "--text", "หลังย้ายทีม", check=False, env={"CMDESK_LANG": "th"}
    )
    assert "ไม่ได้อยู่กับทีม north" in thai.err + thai.out
    assert len(field.json("case", "show", case)["notes"]) == len(shown["notes"])
    # Nothing it sent is refused; the office holds what it wrote before the move.
    assert field.send_to(office)["refused"] == {}
    assert "เยี่ยมบ้าน" in str(supervisor.json("case", "show", case)["notes"])


def test_a_case_handed_over_on_a_supervisor_s_laptop_leaves_the_team_s_caseload(
    network: tuple[Laptop, Laptop, Path], tmp_path: Path
) -> None:
    """The supervisor takes a north case from its team on their own laptop; the office relays
    the hand-over to the north laptop, which takes it (its origin's signature holds)."""
    office, field, _ = network
    north = sorted(_team_cases(office)["north"])
    to_field = _feed(office, field)
    supervisor = _supervisor_laptop(office, tmp_path / "sup")
    office.send_to(supervisor)
    # No worker assigned: the case is no team's (users are each laptop's own, so the
    # supervisor's laptop knows no south worker to hand it to).
    supervisor.run("case", "edit", north[0], "--set", "assigned_worker=")
    supervisor.send_to(office)
    assert north[0] in _team_cases(office)[""]

    # The field laptop syncs as a worker does: sends its bundle, takes the office's.
    field.send_to(office)
    said = to_field()
    assert said["refused"] == {}, said["refused"]
    with _vault(field, "pim") as raw:
        (team,) = raw.execute("SELECT team FROM case_file WHERE id = ?", (north[0],)).fetchone()
    assert team == ""
    assert north[0] not in _names(field, "pim")
    field.check()


def test_after_a_lost_laptop_is_revoked_the_team_s_laptop_goes_on_sending_its_work(
    network: tuple[Laptop, Laptop, Path], tmp_path: Path
) -> None:
    """A revocation gives the organisation a new key; the team's laptop, which holds none,
    passes the news on and its work still reaches the office and the laptops that stay."""
    office, field, _ = network
    north = sorted(_team_cases(office)["north"])
    to_field = _feed(office, field)
    lost = _supervisor_laptop(office, tmp_path / "lost")
    lost.send_to(office)
    lost_id = lost.status()["device_id"]
    assert office.json("sync", "revoke", lost_id)["revoked"] == lost_id
    field.send_to(office)
    to_field()  # the revocation and the organisation's new key (public) reach it

    field.run("note", "add", north[0], "--text", "หลังเพิกถอนเครื่องที่หาย")
    exported = field.run("sync", "export", "-o", str(office.bundles / "t.bundle"), check=False)
    assert exported.code == 0, exported.err
    said = office.import_(office.bundles / "t.bundle").json
    assert said["refused"] == {}, said["refused"]
    shown = office.as_user("sup").json("case", "show", north[0])
    assert "หลังเพิกถอนเครื่องที่หาย" in str(shown["notes"])
    office.check()
    field.check()


def _answer(office: Laptop, laptop: Laptop) -> Any:
    """The office's bundle for this laptop alone, imported there."""
    out = office.bundles / f"for-{laptop.root.name}-{len(list(office.bundles.iterdir()))}"
    office.run("sync", "export", "-o", str(out), "--laptop", str(laptop.status()["device_id"]))
    return laptop.import_(out).json


def test_a_team_s_laptop_copied_to_another_goes_on_as_two_and_loses_nothing(
    network: tuple[Laptop, Laptop, Path], tmp_path: Path
) -> None:
    """The north laptop's folder is copied to a second laptop; both go on working and
    syncing with the office. The copy learns from the office's bundle made for it that it
    is one, takes a new identity and sends its work again: both notes arrive, and both
    laptops hear of a case the office takes from the team."""
    office, field, _ = network
    north = sorted(_team_cases(office)["north"])
    _feed(office, field)
    copy = field.copy_folder(tmp_path / "field-copy")
    # The original prints a case summary (its audit entry takes the next number) and its
    # bundle reaches the office first; the copy's note took the same number. The office
    # keeps the original's, which a team's bundle never carries back (an audit entry): the
    # copy must still learn from the office that it is a copy, or its note is lost.
    field.run("report", "case", north[0], "-o", str(tmp_path / "summary.pdf"))
    field.send_to(office)
    copy.run("note", "add", north[0], "--text", "บันทึกจากเครื่องที่คัดลอก")
    office.as_user("sup").run("case", "edit", north[1], "--set", "assigned_worker=fw3")

    # The two laptops' USB sticks reach the office on the same day; the answers go back.
    for round_ in range(3):
        for laptop in (field, copy):
            said = laptop.send_to(office)
            assert said["refused"] == {}, said["refused"]
        for laptop in (field, copy):
            assert _answer(office, laptop)["refused"] == {}
        if round_ == 0:
            field.run("note", "add", north[0], "--text", "บันทึกจากเครื่องเดิม")
    assert field.status()["device_id"] != copy.status()["device_id"]
    notes = str(office.as_user("sup").json("case", "show", north[0])["notes"])
    assert "บันทึกจากเครื่องเดิม" in notes and "บันทึกจากเครื่องที่คัดลอก" in notes
    for laptop in (field, copy):
        with _vault(laptop, "pim") as raw:
            (team,) = raw.execute("SELECT team FROM case_file WHERE id = ?", (north[1],)).fetchone()
        assert team == "south"
        # Each laptop also holds the other's note (the office sends the version it kept of
        # numbers both used, under the copy's old id too).
        shown = str(laptop.json("case", "show", north[0])["notes"])
        assert "บันทึกจากเครื่องเดิม" in shown and "บันทึกจากเครื่องที่คัดลอก" in shown
        assert laptop.check().code == 0
    office.check()


def test_the_copy_reports_first_and_both_laptops_check_whole(
    network: tuple[Laptop, Laptop, Path], tmp_path: Path
) -> None:
    """The copy of the north laptop reports to the office and prints a summary, then each
    laptop writes a note on the same case; they exchange through the office for three days.
    Both notes reach all three, and each laptop's check passes: the trail of the id they
    shared has two branches, each whole (it was reported as altered on the original)."""
    office, field, _ = network
    north = sorted(_team_cases(office)["north"])
    _feed(office, field)
    copy = field.copy_folder(tmp_path / "field-copy")
    shared = str(copy.status()["device_id"])
    copy.send_to(office)
    copy.run("report", "case", north[0], "-o", str(tmp_path / "summary.pdf"))
    words = {"บันทึกจากเครื่องเดิม": field, "บันทึกจากเครื่องที่คัดลอก": copy}
    for text, laptop in words.items():
        laptop.run("note", "add", north[0], "--text", text)
    for _ in range(3):
        for laptop in (field, copy):
            assert laptop.send_to(office)["refused"] == {}
        for laptop in (field, copy):
            assert _answer(office, laptop)["refused"] == {}
    for laptop in (office.as_user("sup"), field, copy):
        shown = str(laptop.json("case", "show", north[0])["notes"])
        assert all(text in shown for text in words)
    for laptop in (office, field, copy):
        report = laptop.check().json
        assert report["ok"], report
        assert set(report["audit_branches"]) <= {shared}


def _restamp(laptop: Laptop, user: str, days_ahead: dict[str, int]) -> None:
    """What a hostile copy of the app could do: stamp the notes with these words as made so
    many days from now (the laptop signs its changes as they stand when it exports)."""
    now = hlc.wall_ms()
    with _vault(laptop, user) as raw:
        for words, days in days_ahead.items():
            (note_id,) = raw.execute("SELECT id FROM case_note WHERE body = ?", (words,)).fetchone()
            raw.execute(
                "UPDATE sync_change SET hlc = ? WHERE tbl = 'case_note' AND row_id = ?",
                (hlc.pack(now + days * 24 * 3600 * 1000), note_id),
            )
        raw.commit()


def test_work_on_a_case_that_left_the_team_counts_only_when_it_could_be_late(
    network: tuple[Laptop, Laptop, Path],
) -> None:
    """A note written offline after the office moved a case away still arrives; a note
    stamped long after the move, or stamped back to pass as such a note, does not."""
    office, field, _ = network
    north = sorted(_team_cases(office)["north"])
    _feed(office, field)
    supervisor = office.as_user("sup")
    supervisor.run("case", "edit", north[0], "--set", "assigned_worker=fw3")
    assert north[0] in _team_cases(office)["south"]

    honest, ahead, own, back = "เขียนหลังย้ายทีม", "ลงเวลาล่วงหน้า", "งานของทีมเอง", "ลงเวลาย้อนหลัง"
    field.run("note", "add", north[0], "--text", honest)
    field.run("note", "add", north[0], "--text", ahead)
    field.run("note", "add", north[1], "--text", own)
    field.run("note", "add", north[0], "--text", back)
    # Stamped past the late-work window; then the team's own work 40 days on, so the last
    # note, numbered after it but stamped now, was stamped back.
    _restamp(field, "pim", {ahead: team_authority.LATE_WORK_DAYS + 1, own: 40})

    said = field.send_to(office)
    assert said["refused"].get(team_authority.OUTSIDE_TEAM) == 2, said["refused"]
    notes = str(supervisor.json("case", "show", north[0])["notes"])
    assert honest in notes
    assert ahead not in notes and back not in notes
    office.check()
    status = office.run("sync", "status", json_out=False, env={"CMDESK_LANG": "th"}).out
    assert "แก้ไขเคสนอกทีมที่โน้ตบุ๊กเครื่องนั้นจำกัดไว้" in status


def _held_on(laptop: Laptop, user: str, case_id: str) -> dict[str, Any]:
    """What the laptop's vault, opened with its own user's key, still holds of one case."""
    with _vault(laptop, user) as raw:

        def count(sql: str, *args: str) -> int:
            return int(raw.execute(sql, args).fetchone()[0])

        child = raw.execute("SELECT child_id FROM case_file WHERE id = ?", (case_id,))
        return {
            "case": count("SELECT count(*) FROM case_file WHERE id = ?", case_id),
            "child": (child.fetchone() or [None])[0],
            "notes": count("SELECT count(*) FROM case_note WHERE case_id = ?", case_id),
            "history": count("SELECT count(*) FROM sync_change WHERE row_id = ?", case_id),
            "words": count("SELECT count(*) FROM case_note WHERE body LIKE ?", "%บันทึกก่อนย้ายทีม%"),
        }


def _weeks_pass(laptop: Laptop, user: str, weeks: int) -> None:
    """As if the laptop had first seen the office hold the leaving cases `weeks` earlier."""
    with _vault(laptop, user) as raw:
        (text,) = raw.execute(
            "SELECT value FROM vault_meta WHERE key = ?", (team_leaving.SINCE,)
        ).fetchone()
        since = {
            case: (datetime.fromisoformat(at) - timedelta(weeks=weeks)).isoformat()
            for case, at in json.loads(text).items()
        }
        raw.execute(
            "UPDATE vault_meta SET value = ? WHERE key = ?", (json.dumps(since), team_leaving.SINCE)
        )
        raw.commit()


def _children_on(laptop: Laptop, user: str) -> set[str]:
    with _vault(laptop, user) as raw:
        return {str(r[0]) for r in raw.execute("SELECT id FROM child")}


def test_a_case_handed_to_another_team_leaves_the_team_s_laptop_and_comes_back_whole(
    network: tuple[Laptop, Laptop, Path],
) -> None:
    office, field, _ = network
    teams = _team_cases(office)
    to_field = _feed(office, field)
    supervisor = office.as_user("sup")
    north = sorted(teams["north"])
    children = {c: supervisor.json("case", "show", c)["case"]["child_id"] for c in north}
    # A case whose child has no other case of the team: the child leaves the laptop too.
    gone = next(c for c in north if list(children.values()).count(children[c]) == 1)
    child = children[gone]
    assert child in _children_on(field, "pim")
    field.send_to(office)  # the office hears what the laptop holds now

    # Offline, the worker writes a note on it while the office hands it to the south team.
    field.run("note", "add", gone, "--text", "บันทึกก่อนย้ายทีม")
    supervisor.run("case", "edit", gone, "--set", "assigned_worker=fw3")
    # The office does not hold the note yet: the laptop keeps the case, and the note.
    said = to_field()
    assert said["removed_cases"] == 0, said
    assert _held_on(field, "pim", gone)["words"] == 1
    assert gone not in _names(field, "pim")

    # Once the office holds the note, the laptop waits two weeks (the office's weekly backup
    # then holds the note too), and then lets go of the case: nothing of it is left in the
    # vault, decrypted with the laptop's own key.
    field.send_to(office)
    assert "บันทึกก่อนย้ายทีม" in str(supervisor.json("case", "show", gone)["notes"])
    assert to_field()["removed_cases"] == 0
    assert _held_on(field, "pim", gone)["words"] == 1
    _weeks_pass(field, "pim", 1)
    assert to_field()["removed_cases"] == 0
    _weeks_pass(field, "pim", 1)
    out = office.bundles / "for-field-th.bundle"
    office.run("sync", "export", "-o", str(out), "--laptop", str(field.status()["device_id"]))
    told = field.run("sync", "import", str(out), json_out=False, env={"CMDESK_LANG": "th"}).out
    assert "ย้ายไปทีมอื่นแล้ว ถูกนำออกจากโน้ตบุ๊กเครื่องนี้: 1" in told, told
    held = _held_on(field, "pim", gone)
    assert held == {"case": 0, "child": None, "notes": 0, "history": 0, "words": 0}, held
    assert child not in _children_on(field, "pim")
    assert set(_names(field, "pim")) == set(north) - {gone}
    field.check()

    # It stays gone: the laptop's report says it no longer holds the case, and the office
    # sends nothing more of it while it is another team's.
    field.send_to(office)
    supervisor.run(
        "case", "edit", gone, "--set", "risk_level=high", "--set", "risk_reason=พบความเสี่ยงใหม่"
    )
    to_field()
    assert _held_on(field, "pim", gone)["case"] == 0

    # Handed back to the team, it arrives whole: the office's notes and the worker's own.
    supervisor.run("case", "edit", gone, "--set", "assigned_worker=fw1")
    said = to_field()
    assert not said.get("refused"), said
    on_field = field.as_user("pim").json("case", "show", gone)
    on_office = supervisor.json("case", "show", gone)
    assert len(on_field["notes"]) == len(on_office["notes"])
    assert "บันทึกก่อนย้ายทีม" in str(on_field["notes"])
    for key in ("child_name_th", "risk_level", "stage_history", "team"):
        assert on_field["case"][key] == on_office["case"][key], key
    field.check()
    office.check()
    assert field.send_to(office)["refused"] == {}
