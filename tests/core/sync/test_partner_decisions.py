"""Decisions on a partner (trust withdrawn, or given again) as a laptop takes them from its
office's bundles (sync.partners.take_decisions): the latest wins, as moments."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from cmdesk.core.model.org import org_id_for
from cmdesk.core.sync import keystore, partners
from cmdesk.core.sync.keys import OrgKeys
from cmdesk.core.workspace import Workspace

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
