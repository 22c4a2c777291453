"""Which partners a bundle from the organisation's own laptop passes on (the whole story
through the commands is in tests/network/test_partner_trust.py): only a laptop that may decide
trust does, and never over a partner already known."""

from __future__ import annotations

from pathlib import Path

import pytest

from cmdesk.core.model import org_id_for
from cmdesk.core.model.base import new_id
from cmdesk.core.sync import bundle_format, keys, keystore, partners
from cmdesk.core.sync.keys import OrgKeys
from cmdesk.core.vault import crypto
from cmdesk.core.workspace import Workspace
from tests.core.sync.conftest import ADMIN, ADMIN_PASS, Net, attach, sync


def _header(ws: Workspace, for_org: str | None = None) -> bundle_format.Header:
    return bundle_format.parse(ws.sync.export(for_org)[0]).header


def test_a_partner_is_learned_only_from_a_laptop_that_may_decide_trust(
    net: Net, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(keys, "ENROL_OPS", 1)
    monkeypatch.setattr(keys, "ENROL_MEM", 8192)
    data, secret = net.a1.sync.enrolment_file("supervisor")
    supervisor = attach(
        Workspace.join(
            tmp_path / "sup", data, secret, username=ADMIN, passphrase=ADMIN_PASS,
            kdf=crypto.weak_kdf_for_tests(),
        )
    )  # fmt: skip
    try:
        from_supervisor = _header(supervisor)
    finally:
        supervisor.close()
    from_office = _header(net.a1)
    from_partner = _header(net.p1, "WVFT")
    adra = OrgKeys.generate(org_id_for("ADRA"), "ADRA", "เอดรา", "ADRA").identity
    # Another organisation claiming ECPAT's place, and one whose id does not follow its code.
    forged = OrgKeys.generate(org_id_for("ECPAT"), "ECPAT", "ปลอม", "Forged").identity
    odd = OrgKeys.generate(new_id(), "FOCUS", "โฟกัส", "FOCUS").identity
    own = sync(net.a2).keys().org.identity
    with sync(net.a2).store.write() as db:
        ecpat_before = keystore.trusted(db)[org_id_for("ECPAT")][0]
        assert partners.learn(db, from_supervisor, [adra.body()], own) == 0
        assert partners.learn(db, from_partner, [adra.body()], own) == 0
        learned = partners.learn(
            db, from_office, [forged.body(), odd.body(), {"not": "an identity"}, adra.body()], own
        )
        assert learned == 1
        trusted = keystore.trusted(db)
    assert trusted[org_id_for("ADRA")][0] == adra
    assert trusted[org_id_for("ECPAT")][0] == ecpat_before
    assert odd.org_id not in trusted


def test_the_office_offers_its_partners_and_a_supervisor_s_laptop_none(net: Net) -> None:
    with sync(net.a1).store.read() as db:
        trusted = keystore.trusted(db)
    office = sync(net.a1).keys().device
    assert [body["code"] for body in partners.offered(office, trusted)] == ["ECPAT"]
    assert partners.may_decide_trust(None) and partners.may_decide_trust("data_manager")
    assert not partners.may_decide_trust("supervisor")
