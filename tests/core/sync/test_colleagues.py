"""The organisation's staff directory as a laptop keeps it (sync.colleagues)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from types import SimpleNamespace
from typing import Any

from cmdesk.core.sync import colleagues
from cmdesk.core.sync.keys import DeviceCert
from cmdesk.core.workspace import Workspace
from tests.conftest import WORKER

NOW = datetime(2026, 12, 7, 6, 0, tzinfo=UTC)


def entry(**fields: Any) -> dict[str, Any]:
    said = {
        "id": "0f0e0d0c-0b0a-5908-8706-050403020100",
        "username": "dao",
        "display_name": "ดาว ใจงาม",
        "role": "field_worker",
        "team": "north",
        "active": True,
        "as_of": NOW.isoformat(),
    }
    return {**said, **fields}


def kept(ws: Workspace) -> list[tuple[Any, ...]]:
    with ws.sync.store.read() as db:
        return list(
            db.execute("SELECT username, display_name, role, team, active, as_of FROM colleague")
        )


def test_a_later_directory_replaces_an_earlier_one_and_never_the_reverse(ws: Workspace) -> None:
    later = (NOW + timedelta(hours=1)).isoformat()
    with ws.sync.store.write() as db:
        assert colleagues.keep(db, ws.actor.org_id, colleagues.parse([entry()])) == 1
        gone = entry(active=False, display_name="ดาว (ลาออก)", as_of=later)
        assert colleagues.keep(db, ws.actor.org_id, colleagues.parse([gone])) == 1
        # An older directory arriving late (a bundle carried for a week) changes nothing.
        assert colleagues.keep(db, ws.actor.org_id, colleagues.parse([entry()])) == 0
    assert kept(ws) == [("dao", "ดาว (ลาออก)", "field_worker", "north", 0, later)]
    dao = next(u for u in ws.users.people() if u.username == "dao")
    assert (dao.active, dao.here, dao.name) == (False, False, "ดาว (ลาออก)")


def test_a_moment_in_another_offset_compares_as_the_same_moment(ws: Workspace) -> None:
    bangkok = timezone(timedelta(hours=7))
    # Written in Thai time, one minute before: later as text, earlier as a moment.
    earlier = (NOW - timedelta(minutes=1)).astimezone(bangkok).isoformat()
    later = (NOW + timedelta(minutes=1)).astimezone(bangkok).isoformat()
    with ws.sync.store.write() as db:
        colleagues.keep(db, ws.actor.org_id, colleagues.parse([entry()]))
        renamed = colleagues.parse([entry(display_name="ดาว", as_of=earlier)])
        assert colleagues.keep(db, ws.actor.org_id, renamed) == 0
        renamed = colleagues.parse([entry(display_name="ดาว", as_of=later)])
        assert colleagues.keep(db, ws.actor.org_id, renamed) == 1
    assert kept(ws)[0][1] == "ดาว"


def test_malformed_entries_are_left_out() -> None:
    bad = [
        entry(username="Dao Smith"),  # not a user name
        entry(role="director"),
        entry(active="yes"),
        entry(as_of="2026-12-07T06:00:00"),  # no UTC offset
        entry(as_of="yesterday"),
        entry(id=""),
        entry(display_name="x" * 201),
        "dao",
        None,
    ]
    assert colleagues.parse(bad) == []
    assert colleagues.parse({"dao": entry()}) == []
    assert [e.username for e in colleagues.parse([*bad, entry()])] == ["dao"]


def test_only_a_laptop_that_keeps_the_accounts_offers_them(ws: Workspace) -> None:
    device = ws.sync.keys().device
    with ws.sync.store.read() as db:
        offered = colleagues.offered(db, device)
        assert {e["username"] for e in offered} >= {"admin", WORKER}
        assert all(set(e) == set(entry()) for e in offered)
        as_supervisor = SimpleNamespace(cert=SimpleNamespace(role="supervisor"))
        assert colleagues.offered(db, as_supervisor) == []  # type: ignore[arg-type]
    assert isinstance(device.cert, DeviceCert)


def test_a_partner_s_directory_is_never_kept(ws: Workspace) -> None:
    own = ws.sync.keys().org.identity
    from_partner = SimpleNamespace(sender_org="another-organisation")
    with ws.sync.store.write() as db:
        assert colleagues.learn(db, from_partner, [entry()], own) == 0  # type: ignore[arg-type]
    assert kept(ws) == []
