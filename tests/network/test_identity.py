"""Laptop identities as users meet them, each laptop its own `cmdesk` process: one enrolment
file joined on two laptops gives two identities whose work all arrives; a laptop that joined
holds no organisation certification key and cannot act as the organisation; an expired
enrolment file is refused; a forged partner identity is refused with a phone check."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from cmdesk.core.model.base import new_id
from cmdesk.core.model.org import org_id_for
from cmdesk.core.sync import keys, keystore
from cmdesk.core.sync.keys import Enrolment, OrgKeys, b64, seal_enrolment, unseal_enrolment
from cmdesk.core.workspace import Workspace
from tests.network.harness import Laptop


def enrol_for(office: Laptop, laptops: int, role: str = "case_manager") -> tuple[Path, str]:
    out = office.bundles / f"enrol-{laptops}-{new_id()}.enrol"
    made = office.json(
        "sync", "enrol-file", "-o", str(out), "--role", role, "--laptops", str(laptops)
    )
    assert made["laptops"] == laptops
    return out, str(made["passphrase"])


def add_child(laptop: Laptop, name: str) -> str:
    child = laptop.json(
        "child", "add", "--set", f"given_name_th={name}", "--set", "sex=female",
        "--set", "birth_year=2557", "--not-duplicate",
    )  # fmt: skip
    return str(child["id"])


def test_one_enrolment_file_joined_on_two_laptops_gives_two_identities_and_loses_nothing(
    tmp_path: Path,
) -> None:
    office = Laptop.init(tmp_path / "office", "WVFT")
    # Made for one laptop, joined on two by mistake (reproduction 1 of issue 10).
    enrol_file, secret = enrol_for(office, laptops=1)
    joined = [
        office.join(tmp_path / name, enrol_file, secret, user).json
        for name, user in (("b", "pim"), ("c", "nok"))
    ]
    b = Laptop(tmp_path / "b", "pim", office.passphrase, "WVFT", office.bundles)
    c = Laptop(tmp_path / "c", "nok", office.passphrase, "WVFT", office.bundles)
    assert joined[0]["device_id"] != joined[1]["device_id"]

    add_child(b, "มะลิ")
    add_child(c, "ดาว")
    add_child(office.add_user("anong", "case_manager"), "ฟ้า")
    assert b.send_to(office)["new"] > 0
    assert c.send_to(office)["new"] > 0  # not "already here": C is not mistaken for B
    office.send_to(b)
    office.send_to(c)
    b.send_to(c)
    c.send_to(b)
    hashes = {lap.state_hash() for lap in (office, b, c)}
    assert len(hashes) == 1
    vectors = [set(lap.status()["vector"]) for lap in (office, b, c)]
    assert vectors[0] == vectors[1] == vectors[2]
    assert {joined[0]["device_id"], joined[1]["device_id"]} < vectors[0]
    for lap in (office, b, c):
        assert lap.check().code == 0
    # Nothing is refused or lost, but the data manager is told the file was used twice.
    shown = office.run("sync", "status", json_out=False).out
    assert "Warning: 2 laptops joined with enrolment file" in shown
    assert joined[0]["device_id"] in shown and joined[1]["device_id"] in shown


def test_a_joined_laptop_holds_no_organisation_key_and_cannot_act_for_the_organisation(
    tmp_path: Path,
) -> None:
    office = Laptop.init(tmp_path / "office", "WVFT")
    field = office.enrol(tmp_path / "field", user="pim", role="data_manager")
    for args in (
        ("sync", "identity", "-o", str(tmp_path / "x.identity")),
        ("sync", "enrol-file", "-o", str(tmp_path / "x.enrol")),
        ("sync", "rotate-key"),
    ):
        refused = field.run(*args, json_out=False, check=False)
        assert refused.code != 0 and "Traceback" not in refused.err
        assert "Only the data manager's computer that created the organisation" in refused.err
    thai = field.run(*args, json_out=False, check=False, env={"CMDESK_LANG": "th"})
    assert "Only the data manager" not in thai.err and thai.err.strip()
    assert not (tmp_path / "x.identity").exists() and not (tmp_path / "x.enrol").exists()

    # What the vault holds, decrypted with the field worker's own passphrase.
    with Workspace.open(field.root, field.user, field.passphrase) as ws, ws.sync.store.read() as db:
        held = keystore.held_key_names(db)
    assert held["org_sign"] is False and held["org_box"] is True and held["device"] is True
    with (
        Workspace.open(office.root, office.user, office.passphrase) as ws,
        ws.sync.store.read() as db,
    ):
        assert keystore.held_key_names(db)["org_sign"] is True


def test_an_expired_enrolment_file_is_refused_and_holds_no_organisation_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    office = Laptop.init(tmp_path / "office", "WVFT")
    with Workspace.open(office.root, office.user, office.passphrase) as ws:
        org = ws.sync.keys().org
        enrolment = Enrolment.issue(
            org, new_id(), "field_worker", (), now=datetime.now(UTC) - timedelta(days=15)
        )
    assert org.sign_secret is not None
    # Cheap key derivation, as the commands under test use (fast_cmdesk.py).
    monkeypatch.setattr(keys, "ENROL_OPS", 1)
    monkeypatch.setattr(keys, "ENROL_MEM", 8192)
    stale = tmp_path / "stale.enrol"
    stale.write_bytes(seal_enrolment(enrolment, "AAAAA-BBBBB-CCCCC"))
    refused = office.join(tmp_path / "late", stale, "AAAAA-BBBBB-CCCCC", "pim", check=False)
    assert refused.code == 1 and "expired" in refused.err
    assert not (tmp_path / "late").exists()
    # The file and its passphrase, opened by hand, give no organisation certification key.
    assert b64(org.sign_secret).encode() not in unseal_enrolment(
        stale.read_bytes(), "AAAAA-BBBBB-CCCCC"
    )


def test_a_forged_partner_identity_is_refused_with_a_phone_check(tmp_path: Path) -> None:
    office = Laptop.init(tmp_path / "office", "WVFT")
    partner = Laptop.init(tmp_path / "partner", "ECPAT")
    office.trust(partner)
    partner.trust(office)
    before = office.json("sync", "status")
    forged = tmp_path / "ecpat-forged.identity"
    forged.write_bytes(OrgKeys.generate(org_id_for("ECPAT"), "ECPAT", "", "").identity_file())
    refused = office.run("sync", "trust", str(forged), json_out=False, check=False)
    assert refused.code == 1 and "Traceback" not in refused.err
    assert "compare the fingerprints" in refused.err
    # ECPAT's id under another code.
    other = OrgKeys.generate(org_id_for("ECPAT"), "FOCUS", "", "")
    forged.write_bytes(other.identity_file())
    refused = office.run("sync", "trust", str(forged), json_out=False, check=False)
    assert refused.code == 1 and "compare the fingerprints" in refused.err
    assert office.json("sync", "status")["state_hash"] == before["state_hash"]
    exported = office.export("ECPAT")
    assert partner.import_(exported).code == 0  # still sealed to the genuine partner


def test_revocation_drill_a_lost_laptop_is_refused_and_cannot_read_new_bundles(
    tmp_path: Path,
) -> None:
    office = Laptop.init(tmp_path / "office", "WVFT")
    enrol_file, secret = enrol_for(office, laptops=2)
    office.join(tmp_path / "b", enrol_file, secret, "pim")
    office.join(tmp_path / "c", enrol_file, secret, "nok")
    lost = Laptop(tmp_path / "b", "pim", office.passphrase, "WVFT", office.bundles)
    kept = Laptop(tmp_path / "c", "nok", office.passphrase, "WVFT", office.bundles)
    lost.send_to(office)
    kept.send_to(office)
    lost_id = lost.status()["device_id"]
    assert office.json("sync", "revoke", lost_id)["revoked"] == lost_id
    office.send_to(kept)  # the revocation and the organisation's new key arrive

    add_child(lost, "มะลิ")
    late = lost.export()
    for laptop in (office, kept):
        refused = laptop.run("sync", "import", str(late), json_out=False, check=False)
        assert refused.code == 1 and "revoked" in refused.err and "Traceback" not in refused.err
    closed = lost.run("sync", "import", str(office.export()), json_out=False, check=False)
    assert closed.code == 1 and "new key" in closed.err

    add_child(kept, "ดาว")
    assert kept.send_to(office)["new"] > 0
    office.send_to(kept)
    assert office.state_hash() == kept.state_hash() != lost.state_hash()
