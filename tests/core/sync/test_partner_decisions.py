"""Decisions on a partner (trust withdrawn, or given again) as a laptop takes them from its
office's bundles (sync.partners.take_decisions): the latest wins, as moments."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from cmdesk.core.model.org import org_id_for
from cmdesk.core.sync import keys, keystore, partners
from cmdesk.core.sync.keys import OrgKeys
from cmdesk.core.vault import crypto
from cmdesk.core.workspace import Workspace
from tests.conftest import ADMIN, ADMIN_PASS
from tests.core.sync.conftest import Net

NOW = datetime(2026, 12, 7, 6, 0, tzinfo=UTC)
ECPAT = org_id_for("ECPAT")


def decision(withdrawn: bool = True, at: datetime = NOW, **fields: Any) -> dict[str, Any]:
    said = {"org": ECPAT, "withdrawn": at.isoformat() if withdrawn else None, "at": at.isoformat()}
    return {**said, **fields}


def withdrawn(ws: Workspace) -> bool:
    return any(t.withdrawn_at is not None for t in ws.sync.trusted() if t.code == "ECPAT")


def trusting_ecpat(ws: Workspace) -> Workspace:
    ws.sync.trust(OrgKeys.generate(ECPAT, "ECPAT", "", "").identity_file())
    return ws


def test_the_latest_decision_wins_in_whatever_order_they_arrive(ws: Workspace) -> None:
    trusting_ecpat(ws)
    later = NOW + timedelta(days=2)
    with ws.sync.store.write() as db:
        assert partners.take_decisions(db, [decision(withdrawn=False, at=later)]) == 1
        # Withdrawn earlier, carried in a bundle that arrives after: changes nothing.
        assert partners.take_decisions(db, [decision()]) == 0
    assert not withdrawn(ws)
    with ws.sync.store.write() as db:
        assert partners.take_decisions(db, [decision(at=later + timedelta(seconds=1))]) == 1
    assert withdrawn(ws)


def test_a_moment_in_thai_time_compares_as_the_same_moment(ws: Workspace) -> None:
    trusting_ecpat(ws)
    bangkok = timezone(timedelta(hours=7))
    with ws.sync.store.write() as db:
        partners.take_decisions(db, [decision()])
        # Later as text ("13:59+07:00" > "06:00Z"), a minute earlier as a moment.
        earlier = (NOW - timedelta(minutes=1)).astimezone(bangkok)
        assert partners.take_decisions(db, [decision(withdrawn=False, at=earlier)]) == 0
    assert withdrawn(ws)


def test_malformed_decisions_and_decisions_on_unknown_or_own_organisations_are_left_out(
    ws: Workspace,
) -> None:
    trusting_ecpat(ws)
    own = ws.sync.keys().org.identity.org_id
    bad = [
        {**decision(), "at": "2026-12-07T06:00:00"},  # no UTC offset
        {**decision(), "at": "yesterday"},
        {**decision(), "withdrawn": "since the flood"},
        decision(org=None),
        decision(org=own),  # the organisation's own trust is never withdrawn
        decision(org=org_id_for("FOCUS")),  # not known here
    ]
    with ws.sync.store.write() as db:
        assert partners.take_decisions(db, bad) == 0
        assert keystore.withdrawn(db) == {}
    assert [t.withdrawn_at for t in ws.sync.trusted()] == [None, None]


def test_only_a_partner_s_laptop_that_decides_trust_can_tell_it_withdrew(
    net: Net, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A hostile or mistaken laptop of ECPAT that does not decide trust (a supervisor's)
    cannot make WVFT believe ECPAT withdrew, and so stop WVFT's exchanges with it."""
    monkeypatch.setattr(keys, "ENROL_OPS", 1)
    monkeypatch.setattr(keys, "ENROL_MEM", 8192)
    enrol, secret = net.p1.sync.enrolment_file("supervisor")
    p2 = Workspace.join(
        tmp_path / "p2", enrol, secret, username=ADMIN, passphrase=ADMIN_PASS,
        kdf=crypto.weak_kdf_for_tests(),
    )  # fmt: skip
    wvft = net.a1.sync.keys().org.identity.org_id
    forged = [{"org": wvft, "withdrawn": NOW.isoformat(), "at": NOW.isoformat()}]
    try:
        with monkeypatch.context() as hostile:
            hostile.setattr(partners, "decision_for", lambda *_: forged)
            from_supervisor, _ = p2.sync.export("WVFT")
            from_office, _ = net.p1.sync.export("WVFT")
    finally:
        p2.close()
    assert net.a1.sync.import_bundle(from_supervisor).partner_decision == ""
    assert [t.withdrew_at for t in net.a1.sync.trusted() if t.code == "ECPAT"] == [None]
    # The same words from ECPAT's office are its decision.
    assert net.a1.sync.import_bundle(from_office).partner_decision == "withdrew"
    assert [t.withdrew_at for t in net.a1.sync.trusted() if t.code == "ECPAT"] != [None]
