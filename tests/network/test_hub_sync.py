"""Laptops of one organisation and a partner sync only through a real `cmdesk-hub` process
(`cmdesk sync now`), and end in the same state as by USB; the hub holds nothing readable."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from cmdesk.core.model import AuditEntry
from cmdesk.core.sync.rejections import UNKNOWN_SENDER
from cmdesk.core.workspace import Workspace
from tests.network.harness import ADMIN, PASS, Laptop
from tests.network.hub_process import HubProcess, office_field_and_partner, running_hub
from tests.network.test_partner_trust import refer, refer_to_wvft

CANARY = "มะลิแคนารี"


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[HubProcess]:
    with running_hub(tmp_path) as running:
        yield running


def test_two_laptops_and_a_partner_converge_through_the_hub(
    tmp_path: Path, hub: HubProcess
) -> None:
    office, field, partner = office_field_and_partner(tmp_path, hub)

    worker = office.add_user("anong", "case_manager", display_name="Anong")
    worker.json(
        "child", "add", "--set", f"given_name_th={CANARY}", "--set", "sex=female",
        "--set", "birth_year=2557",
    )  # fmt: skip

    sent = office.json("sync", "now")
    assert any(s["org"] == "WVFT" and s["operations"] > 0 for s in sent["sent"])
    got = field.json("sync", "now")
    assert sum(r["new"] for r in got["received"]) > 0
    assert field.state_hash() == office.state_hash()

    # Nothing is shared with the partner: no bundle for it was sent, it receives nothing.
    assert [s["operations"] for s in sent["sent"] if s["org"] == "ECPAT"] == [0]
    partner_got = partner.json("sync", "now")
    assert partner_got["received"] == []
    assert partner.state_hash() != office.state_hash()

    # A second round finds nothing left for the field laptop.
    again = field.json("sync", "now")
    assert again["received"] == []

    held = hub.all_bytes() + (hub.data.parent / "hub.log").read_bytes()
    assert CANARY.encode() not in held
    assert b"Anong" not in held


def test_no_laptop_sends_a_partner_whose_trust_was_withdrawn_anything_through_the_hub(
    tmp_path: Path, hub: HubProcess
) -> None:
    office, field, _partner = office_field_and_partner(tmp_path, hub)
    office.json("sync", "now")
    field.json("sync", "now")  # learns of ECPAT (trusted after it joined) from the office
    # Before: each exchange makes a bundle for ECPAT (empty while nothing is shared with it).
    assert "ECPAT" in {s["org"] for s in field.json("sync", "now")["sent"]}

    office.run("sync", "untrust", "ECPAT")
    # The office tells ECPAT once, with no record (a notice), then sends it nothing.
    notice = [s for s in office.json("sync", "now")["sent"] if s["org"] == "ECPAT"]
    assert [(s["notice"], s["operations"]) for s in notice] == [(True, 0)]
    assert {s["org"] for s in office.json("sync", "now")["sent"]} == {"WVFT"}
    field.json("sync", "now")  # hears of the withdrawal from the office's bundle
    assert {s["org"] for s in field.json("sync", "now")["sent"]} == {"WVFT"}


def test_a_withdrawn_partner_s_bundle_is_refused_once_and_its_answer_comes_when_trusted_again(
    tmp_path: Path, hub: HubProcess
) -> None:
    office, _field, partner = office_field_and_partner(tmp_path, hub)
    kasem = office.add_user("kasem", "supervisor")
    referral = str(refer(kasem)["id"])
    office.json("sync", "now")
    partner.json("sync", "now")
    som = partner.add_user("som", "supervisor")
    som.run("referral", "respond", referral, "acknowledge")

    office.run("sync", "untrust", "ECPAT")
    sent = partner.json("sync", "now")["sent"]
    assert [s["operations"] > 0 for s in sent if s["org"] == "WVFT"] == [True]
    said = office.run("sync", "now", json_out=False, env={"CMDESK_LANG": "th"}).out
    assert "ECPAT" in said and "ไม่ไว้วางใจแล้ว" in said
    # Taken off the hub: the next exchange over a field connection does not fetch it again.
    assert office.json("sync", "now")["refused"] == []
    assert _status_of(kasem, referral) == "sent"

    # Trusted again: the partner's next bundle carries its answer again.
    office.trust(partner)
    office.json("sync", "now")
    partner.json("sync", "now")
    office.json("sync", "now")
    assert _status_of(kasem, referral) == "acknowledged"


def test_a_withdrawn_partner_is_told_once_through_the_hub_and_stops_sending(
    tmp_path: Path, hub: HubProcess
) -> None:
    office, field, partner = office_field_and_partner(tmp_path, hub)
    referral = _refer_to_wvft(partner)
    partner.json("sync", "now")
    office.json("sync", "now")
    office.run("sync", "untrust", "ECPAT")

    said = office.run("sync", "now", json_out=False, env={"CMDESK_LANG": "th"}).out
    assert "แจ้ง ECPAT แล้วว่าองค์กรของคุณไม่ไว้วางใจองค์กรนั้นแล้ว" in said
    # Once: the next exchange sends ECPAT nothing.
    assert all(s["org"] != "ECPAT" for s in office.json("sync", "now")["sent"])
    # A field laptop does not tell (it does not decide whom the organisation trusts).
    field.json("sync", "now")
    assert all(s["org"] != "ECPAT" for s in field.json("sync", "now")["sent"])

    heard = partner.run("sync", "now", json_out=False, env={"CMDESK_LANG": "th"}).out
    assert "WVFT ถอนความไว้วางใจองค์กรของคุณแล้ว" in heard
    som = partner.as_user("som")
    (row,) = [r for r in som.json("referral", "list") if r["id"] == referral]
    assert row["receiver_withdrew"]
    # ECPAT's laptops make nothing more for WVFT.
    assert all(s["org"] != "WVFT" for s in partner.json("sync", "now")["sent"])


def _status_of(laptop: Laptop, referral: str) -> str:
    return next(str(r["status"]) for r in laptop.json("referral", "list") if r["id"] == referral)


def test_a_hub_that_takes_more_than_it_said_before_gets_the_whole_bundle(
    tmp_path: Path, hub: HubProcess
) -> None:
    """The laptop remembers the largest bundle the hub said it takes (to cut bundles at once
    next time). Once the hub takes more (its operator raised the limit), a bundle that
    cannot be cut that small goes whole, and the old figure is forgotten."""
    office = Laptop.init(tmp_path / "office", "WVFT")
    hub.register(office)
    hub.connect(office)
    office.add_user("anong", "case_manager", display_name="Anong").json(
        "child", "add", "--set", f"given_name_th={CANARY}", "--set", "sex=female",
        "--set", "birth_year=2557",
    )  # fmt: skip
    setting = office.root / "hub.json"
    doc = json.loads(setting.read_text())
    setting.write_text(json.dumps({**doc, "max_bytes": 1024}))  # said long ago: 1 KB
    sent = office.json("sync", "now")["sent"]
    wvft = next(s for s in sent if s["org"] == "WVFT")
    assert wvft["operations"] > 0 and not wvft["held"] and wvft["parts"] == 1
    assert json.loads(setting.read_text()) == doc


def test_a_laptop_with_the_wrong_pin_sends_nothing(tmp_path: Path, hub: HubProcess) -> None:
    office = Laptop.init(tmp_path / "office", "WVFT")
    hub.register(office)
    office.run("sync", "hub", "set", hub.url, "--pin", "00" * 32)
    failed = office.run("sync", "now", json_out=False, check=False)
    assert failed.code == 1
    assert "does not match the pin" in failed.err
    assert "Traceback" not in failed.err
    assert not [p for p in (hub.data / "blobs").rglob("*") if p.is_file()]


def test_an_unregistered_organisation_is_refused(tmp_path: Path, hub: HubProcess) -> None:
    stranger = Laptop.init(tmp_path / "stranger", "NOBODY")
    hub.connect(stranger)
    failed = stranger.run("sync", "now", json_out=False, check=False)
    assert failed.code == 1
    assert "refused this laptop" in failed.err


def office_and_field_with_a_child_sent(tmp_path: Path, hub: HubProcess) -> tuple[Laptop, Laptop]:
    """WVFT's office and a field laptop on the hub; the office registered a child and sent it."""
    office = Laptop.init(tmp_path / "office", "WVFT")
    field = office.enrol(tmp_path / "field", user="pim", role="case_manager")
    hub.register(office)
    for laptop in (office, field):
        hub.connect(laptop)
    office.add_user("anong", "case_manager").json(
        "child", "add", "--set", "given_name_th=ดาว", "--set", "sex=female",
        "--set", "birth_year=2557",
    )  # fmt: skip
    office.json("sync", "now")
    return office, field


def test_kill_9_of_the_hub_loses_nothing_it_acknowledged(tmp_path: Path, hub: HubProcess) -> None:
    pin = hub.pin()
    office, field = office_and_field_with_a_child_sent(tmp_path, hub)

    hub.kill()
    hub.start()
    assert hub.pin() == pin  # the same certificate after a restart: laptops' pins still hold
    got = field.json("sync", "now")
    assert sum(r["new"] for r in got["received"]) > 0
    assert field.state_hash() == office.state_hash()


def test_a_full_hub_keeps_nothing_back_from_the_laptop_and_still_delivers(
    tmp_path: Path, hub: HubProcess
) -> None:
    office, field = office_and_field_with_a_child_sent(tmp_path, hub)
    field.json("sync", "now")
    field.json(
        "child", "add", "--set", "given_name_th=เดือน", "--set", "sex=male",
        "--set", "birth_year=2560",
    )  # fmt: skip
    office.as_user("anong").json(
        "child", "add", "--set", "given_name_th=ฟ้า", "--set", "sex=female",
        "--set", "birth_year=2558",
    )  # fmt: skip
    office.json("sync", "now")

    # The operator restarts the hub with no room for any laptop's bundles.
    hub.stop()
    hub.options = ("--quota-device-mb", "0")
    hub.start()
    said = field.run("sync", "now", json_out=False)
    assert "Not sent to WVFT: the sync hub has no room" in said.out
    assert "Received from WVFT" in said.out  # receiving goes on
    thai = field.run("--lang", "th", "sync", "now", json_out=False)
    assert "ฮับซิงค์ไม่มีพื้นที่" in thai.out and "Traceback" not in thai.err

    # With room again, the field laptop's work leaves: nothing was lost meanwhile.
    hub.stop()
    hub.options = ()
    hub.start()
    assert any(s["operations"] > 0 for s in field.json("sync", "now")["sent"])
    office.json("sync", "now")
    assert field.state_hash() == office.state_hash()


def _wholes_for_own_org(laptop: Laptop) -> int:
    """Exports for the laptop's own organisation that its audit trail records as one whole
    bundle (not a part) with changes in it."""
    with Workspace.open(laptop.root, ADMIN, PASS) as ws:
        own = ws.sync.status().org_id
        with ws.ctx.read() as session:
            details = session.scalars(
                select(AuditEntry.detail).where(AuditEntry.action == "sync.export")
            ).all()
    found = [json.loads(d) for d in details]
    return sum(1 for d in found if d["to_org"] == own and d["operations"] and "part" not in d)


def test_a_first_sync_larger_than_the_hub_takes_goes_in_parts(
    tmp_path: Path, hub: HubProcess
) -> None:
    office = Laptop.init(tmp_path / "office", "WVFT")
    office.run("demo", "--cases", "1000", "--seed", "4", "--syncable", "--workers", "0")
    field = office.enrol(tmp_path / "field", user="pim", role="case_manager")
    hub.register(office)
    for laptop in (office, field):
        hub.connect(laptop)
    # The operator keeps bundles to 1 MB; the office's first bundle is larger.
    whole = office.export()
    assert whole.stat().st_size > 1 << 20
    hub.stop()
    hub.options = ("--max-bundle-mb", "1")
    hub.start()
    said = office.run("sync", "now", json_out=False)
    assert "Sent to WVFT:" in said.out
    assert "The sync hub takes smaller bundles than this one: it went to WVFT in" in said.out
    assert "Traceback" not in said.err
    sent = office.json("sync", "now")["sent"]
    wvft = next(s for s in sent if s["org"] == "WVFT")
    assert wvft["parts"] >= 2 and not wvft["held"]
    thai = office.run("--lang", "th", "sync", "now", json_out=False)
    assert "ฮับซิงค์รับชุดข้อมูลได้เล็กกว่าชุดนี้" in thai.out
    # The hub's ceiling is remembered: the later exchanges cut at once. Before, each sealed
    # the whole bundle again first, the hub refused it, and the audit trail kept an export
    # that never left the laptop. Two here: the bundle exported above, and the first the hub
    # refused.
    assert _wholes_for_own_org(office) == 2

    # The field laptop receives every part (three sends' worth: duplicates are already
    # here) and ends exactly as the office, as from the whole bundle on a stick.
    got = field.json("sync", "now")
    assert len(got["received"]) >= 2 * wvft["parts"]
    assert sum(r["new"] for r in got["received"]) > 0
    assert field.state_hash() == office.state_hash()
    assert field.check().code == 0

    # What arrived in parts travels on: a laptop that never met the office takes it from the
    # field laptop's stick, every change still vouched for by the office's signatures.
    other = office.enrol(tmp_path / "other", user="nok", role="case_manager")
    got = other.import_(field.export(everything=True)).json
    assert got["new"] > 0
    assert other.state_hash() == office.state_hash()
    assert other.status()["trouble"]["refused"] == []


def _refer_to_wvft(partner: Laptop) -> str:
    return refer_to_wvft(partner.add_user("som", "supervisor"))


def test_a_bundle_from_a_partner_not_trusted_yet_is_downloaded_once_until_it_is_trusted(
    tmp_path: Path, hub: HubProcess
) -> None:
    """ECPAT trusts WVFT first and refers a child; WVFT's data manager has not trusted ECPAT
    yet. Before, every exchange of every WVFT laptop downloaded ECPAT's bundle again only to
    refuse it: over a field office's connection, for as long as the decision took."""
    office = Laptop.init(tmp_path / "office", "WVFT")
    partner = Laptop.init(tmp_path / "partner", "ECPAT")
    partner.trust(office)
    for laptop in (office, partner):
        hub.register(laptop)
        hub.connect(laptop)
    referral = _refer_to_wvft(partner)
    partner.json("sync", "now")

    out = hub.metric("bytes_out_total")
    first = office.json("sync", "now")["refused"]
    assert [(r["again"], r["taken_off"]) for r in first] == [(False, False)]
    downloaded = hub.metric("bytes_out_total") - out
    assert downloaded > 0

    said = office.run("sync", "now", json_out=False, env={"CMDESK_LANG": "th"}).out
    assert "ไม่ได้ดาวน์โหลดอีก" in said and "ECPAT" in said  # named by its code, not an id
    assert [r["again"] for r in office.json("sync", "now")["refused"]] == [True]
    assert hub.metric("bytes_out_total") - out == downloaded  # nothing more came down
    # Between exchanges, `sync status` says it too (the Exchange data screen shows the same).
    (waiting,) = office.json("sync", "status")["waiting_on_hub"]
    assert (waiting["reason"], waiting["params"], waiting["count"]) == (
        UNKNOWN_SENDER,
        {"org": "ECPAT"},
        1,
    )
    status = office.run("sync", "status", json_out=False, env={"CMDESK_LANG": "th"}).out
    assert "ชุดข้อมูลซิงค์ 1 ชุดรอที่ฮับ" in status and "ECPAT" in status

    # Trusted now: the next exchange downloads it again, and the referral arrives.
    office.trust(partner)
    # Trusting it is a change that may let it in: no longer said as waiting.
    assert office.json("sync", "status")["waiting_on_hub"] == []
    got = office.json("sync", "now")
    assert got["refused"] == []
    assert [r["org"] for r in got["received"]] == ["ECPAT"]
    kasem = office.add_user("kasem", "supervisor")
    assert referral in {r["id"] for r in kasem.json("referral", "list", "--incoming")}
    assert office.json("sync", "now")["received"] == []


def test_a_partner_s_bundle_that_came_before_the_office_s_word_is_taken_in_the_same_exchange(
    tmp_path: Path, hub: HubProcess
) -> None:
    """The field laptop joined before the office trusted ECPAT: it hears of ECPAT in the
    office's bundle, which the hub lists after ECPAT's own. Both arrive in one exchange."""
    office, field, partner = office_field_and_partner(tmp_path, hub)
    _refer_to_wvft(partner)
    partner.json("sync", "now")
    office.json("sync", "now")
    got = field.json("sync", "now")
    assert got["refused"] == []
    assert sorted(r["org"] for r in got["received"]) == ["ECPAT", "WVFT"]
    assert field.state_hash() == office.state_hash()


def test_a_bundle_damaged_on_the_hub_is_refused_once_and_what_it_held_comes_again(
    tmp_path: Path, hub: HubProcess
) -> None:
    """The office's bundle is damaged where the hub keeps it. The field laptop refuses it
    and takes it off the hub for itself (its bytes can never import), so later exchanges do
    not download it again; what it held comes in the office's next bundle."""
    office, field, _partner = office_field_and_partner(tmp_path, hub)
    office.add_user("anong", "case_manager").json(
        "child", "add", "--set", f"given_name_th={CANARY}", "--set", "sex=female",
        "--set", "birth_year=2557",
    )  # fmt: skip
    office.json("sync", "now")
    (blob,) = [p for p in hub.data.rglob("*") if re.fullmatch("[0-9a-f]{64}", p.name)]
    damaged = bytearray(blob.read_bytes())
    damaged[len(damaged) // 2] ^= 0xFF
    blob.write_bytes(bytes(damaged))

    refused = field.json("sync", "now")["refused"]
    assert [(r["again"], r["taken_off"]) for r in refused] == [(False, True)]
    out = hub.metric("bytes_out_total")
    assert field.json("sync", "now")["refused"] == []
    assert hub.metric("bytes_out_total") == out

    office.json("sync", "now")  # hears from the field laptop what it holds
    assert sum(r["new"] for r in field.json("sync", "now")["received"]) > 0
    assert field.state_hash() == office.state_hash()
