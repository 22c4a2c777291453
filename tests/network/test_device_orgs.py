"""A partner cannot place one of our laptops in its own organisation by hearsay.

A bundle tells the receiver which devices its sender knows and their organisations. ECPAT's
signed bundle claims WVFT's new laptop as ECPAT's; WVFT's office believed it and, from then
on, refused that laptop's work relayed by another WVFT laptop ("created inside another
organisation"). The organisation of a device now comes from its own certificate, or from a
laptop of the receiver's own organisation; a partner vouches only for its own devices, and
never over a certificate.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from cmdesk.core.model import org_id_for
from cmdesk.core.sync import engine as engine_module
from cmdesk.core.sync.exporting import known_devices
from cmdesk.core.sync.payload import Knowledge
from cmdesk.core.workspace import Workspace
from tests.core.sync.records import rows
from tests.network.harness import ADMIN, PASS, Laptop
from tests.network.test_partner_trust import refer


def lying_bundle(partner: Laptop, device: str, mp: pytest.MonkeyPatch) -> Path:
    """ECPAT's real keys sign a bundle whose knowledge says `device` is ECPAT's."""

    def knowledge(db: Any) -> dict[str, Knowledge]:
        found = known_devices(db)
        found[device] = Knowledge(org_id_for("ECPAT"), {})
        return found

    mp.setattr(engine_module, "known_devices", knowledge)
    out = partner.bundles / "lying.bundle"
    with Workspace.open(partner.root, ADMIN, PASS) as ws:
        data, _ = ws.sync.export("WVFT")
    out.write_bytes(data)
    mp.undo()
    return out


def org_of(laptop: Laptop, device: str) -> str:
    peers = {p["device_id"]: p["org_code"] for p in laptop.status()["peers"]}
    return str(peers.get(device, ""))


def test_a_partner_cannot_claim_our_laptop(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    office = Laptop.init(tmp_path / "office", "WVFT")
    partner = Laptop.init(tmp_path / "partner", "ECPAT")
    office.trust(partner)
    partner.trust(office)
    field = office.enrol(tmp_path / "field", "pim")  # the new laptop
    relay = office.enrol(tmp_path / "relay", "dao")  # another WVFT laptop
    new_laptop = str(field.status()["device_id"])
    for laptop in (field, relay):  # their records arrive, as after any join
        office.send_to(laptop)

    # The office cannot tell this lie from the truth yet (a partner may tell of its own
    # laptops), but it holds it only as hearsay.
    office.import_(lying_bundle(partner, new_laptop, monkeypatch))

    # The new laptop registers a child and sends it to the office through another laptop.
    child = field.json("child", "add", "--set", "given_name_th=มะลิ", "--set", "sex=female")
    field.send_to(relay)
    said = relay.send_to(office)
    assert not said.get("refused"), said
    with Workspace.open(office.root, ADMIN, PASS) as ws:
        assert rows(ws, "child")[child["id"]]["given_name_th"] == "มะลิ"
    assert org_of(office, new_laptop) == "WVFT"


def test_work_relayed_before_the_office_wrote_reaches_the_office(tmp_path: Path) -> None:
    # Two laptops join; neither has imported anything from the office yet. One relays the
    # other's work: it must not assume the office already holds what the laptops hold.
    office = Laptop.init(tmp_path / "office", "WVFT")
    field = office.enrol(tmp_path / "field", "pim")
    relay = office.enrol(tmp_path / "relay", "dao")
    child = field.json("child", "add", "--set", "given_name_th=ดาว", "--set", "sex=male")
    field.send_to(relay)
    relay.send_to(office)
    with Workspace.open(office.root, ADMIN, PASS) as ws:
        assert rows(ws, "child")[child["id"]]["given_name_th"] == "ดาว"


def test_a_restored_laptop_s_referral_reaches_the_partner_s_second_laptop_whole(
    tmp_path: Path,
) -> None:
    """Found by the random walk (seed 24). WVFT's field laptop refers a case to ECPAT, then is
    restored from its backup and goes on under a new identity; the referral, made under its
    old one, reaches ECPAT's office through WVFT's, and ECPAT's office relays it to its
    outreach laptop. Neither office could vouch for the old identity's organisation, so the
    outreach laptop took it for one of ECPAT's own and refused WVFT's share of the case as
    "changed on the way". The certificate relayed with the changes says whose it is."""
    office = Laptop.init(tmp_path / "office", "WVFT")
    lek = office.enrol(tmp_path / "field", user="lek", role="supervisor")
    partner = Laptop.init(tmp_path / "partner", "ECPAT")
    office.trust(partner)
    partner.trust(office)
    outreach = partner.enrol(tmp_path / "outreach", user="nid", role="supervisor")
    referral = str(refer(lek)["id"])
    backup = lek.backup()
    shutil.rmtree(lek.root)
    shutil.copytree(backup, lek.root)

    lek.send_to(office)
    office.send_to(partner)
    partner.send_to(outreach)
    assert outreach.status()["trouble"]["refused"] == []
    assert referral in {str(r["id"]) for r in outreach.json("referral", "list", "--incoming")}
    assert outreach.check().code == 0
