"""Operations from a newer app: fields this version does not know are kept (and relayed), and
applied once the app is upgraded."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pytest

from cmdesk.core.model import new_id
from cmdesk.core.sync import batches, bundle_format, payload
from cmdesk.core.sync.hlc import pack, wall_ms
from cmdesk.core.sync.oplog import Change, load_ops
from cmdesk.core.sync.tables import SCHEMA_VERSION, synced_tables
from tests.core.sync.conftest import Net, exchange, open_ws, sync
from tests.core.sync.records import add_child, field, raw


def newer_app_bundle(net: Net, child: str) -> bytes:
    """What a laptop running the next version would send: a new child field, a new table."""
    keys = sync(net.a3).keys()
    me = net.a3.device_id
    stamp = pack(wall_ms())
    with net.a3.ctx.read() as s:
        from sqlalchemy import text

        first = int(
            s.execute(text("SELECT value FROM sync_local WHERE key = 'next_seq'")).scalar() or 1
        )
    changes = [
        Change(
            me,
            first,
            stamp,
            "child",
            child,
            stamp - 1,
            SCHEMA_VERSION + 1,
            [[0, "nickname", "known field"], [1, "favourite_colour", "green"]],
        ),
        Change(
            me,
            first + 2,
            stamp,
            "future_table",
            new_id(),
            0,
            SCHEMA_VERSION + 1,
            [[0, "anything", 1]],
        ),
    ]
    from cmdesk.core.sync.vectors import RangeSet

    # Signed by its origin as that laptop's export would (batches.py), so it can be relayed.
    batch = batches.sign_changes(me, changes, keys.device.sign)
    body = payload.encode(
        payload.Payload({me: RangeSet([(1, first + 2)])}, {}, [changes], batches=[batch])
    )
    fields = {
        "format": bundle_format.FORMAT,
        "schema": SCHEMA_VERSION + 1,
        "app": "0.2.0",
        "bundle_id": new_id(),
        "created_at": "2026-11-25T00:00:00+00:00",
        "sender_device": me,
        "sender_org": keys.org.identity.org_id,
        "cert": keys.device.cert,
        "chain": keys.device.chain,
        "recipient_org": keys.org.identity.org_id,
        "vector_from": {},
        "vector_to": {},
        "segments": 1,
        "operations": 3,
    }
    return bundle_format.write(fields, body, keys.org.identity.box_public, keys.device)


@pytest.fixture
def upgraded_child() -> Iterator[None]:
    """Pretends this app was upgraded to know child.favourite_colour."""
    tables = synced_tables()
    old = tables["child"]
    tables["child"] = dataclasses.replace(
        old,
        columns=(*old.columns, "favourite_colour"),
        fillers={**old.fillers, "favourite_colour": ""},
    )
    yield
    tables["child"] = old


def test_unknown_fields_wait_for_the_upgrade_and_then_apply(
    net: Net, request: pytest.FixtureRequest
) -> None:
    child = add_child(net.a1)
    exchange(net.a1, net.a2)
    exchange(net.a1, net.a3)
    result = sync(net.a2).import_bundle(newer_app_bundle(net, child))
    assert result.waiting_for_upgrade == 3
    assert field(net.a2, "child", child, "nickname") == "known field"
    waiting = sync(net.a2).status().waiting_for_upgrade
    assert {w.table for w in waiting} == {"child", "future_table"}
    # Kept and relayed: a1 (not upgraded either) gets them from a2.
    exchange(net.a2, net.a1)
    assert len(sync(net.a1).status().waiting_for_upgrade) == 2

    # The upgrade: the migration adds the column, the new app knows the field.
    raw(net.a2, "ALTER TABLE child ADD COLUMN favourite_colour VARCHAR(20) NOT NULL DEFAULT ''")
    root = net.a2.vault.paths.root
    net.a2.close()
    request.getfixturevalue("upgraded_child")
    net.a2 = open_ws(root)
    assert field(net.a2, "child", child, "favourite_colour") == "green"
    waiting = sync(net.a2).status().waiting_for_upgrade
    assert {w.table for w in waiting} == {"future_table"}
    with net.a2.ctx.read() as s:
        from sqlalchemy import text

        ops = s.execute(text("SELECT ops FROM sync_change WHERE tbl = 'future_table'")).scalar()
    assert load_ops(ops) == [[0, "anything", 1]]
