"""A relay cannot alter or invent another device's changes (issue 10, per-origin signatures).

Three WVFT laptops exchange in a chain office -> relay -> field through the `cmdesk` command.
The relay is a laptop of the same organisation, so its bundle is trusted; but what the office
made is signed by the office. A relay that lowers a case's risk "by" the office, or invents a
change under the office's id, has those changes refused into the quarantine with the reason,
shown by `sync status`; the rest of its bundle applies, and the office's real change still
arrives later. Honest relaying converges.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from cmdesk.core.model import Case, Child
from cmdesk.core.sync import batches
from cmdesk.core.sync import engine as engine_module
from cmdesk.core.workspace import Workspace
from tests.core.sync.records import add_case, add_child, rows
from tests.network.harness import PASS, Laptop


def tamper(relay: Laptop, office_device: str, child_id: str) -> None:
    """What a hostile copy of the app on the relay could do to its own log: the office's case
    now says "low" risk, and a change the office never made renames the child."""
    with Workspace.open(relay.root, relay.user, PASS) as ws, ws.sync.store.write() as db:
        origin = ws.sync.store.origins.idx(db, office_device)
        altered = db.execute(
            "UPDATE sync_change SET ops = replace(ops, '\"high\"', '\"low\"') "
            "WHERE origin = ? AND tbl = 'case_file'",
            (origin,),
        ).rowcount
        assert altered == 1
        top = db.execute("SELECT max(seq), max(hlc) FROM sync_change").fetchone()
        db.execute(
            "INSERT INTO sync_change (origin, seq, span, hlc, tbl, row_id, seen, schema, ops, "
            "state) SELECT ?, ?, 1, ?, 'child', ?, 0, schema, ?, 0 FROM sync_change LIMIT 1",
            (origin, top[0] + 50, top[1] + 1, child_id, '{"f":["nickname"],"v":["forged"]}'),
        )


def refused(laptop: Laptop) -> dict[str, int]:
    return {r["reason"]: r["count"] for r in laptop.status()["trouble"]["refused"]}


def test_relay_cannot_alter_or_invent_the_offices_changes(tmp_path: Path) -> None:
    office = Laptop.init(tmp_path / "office", "WVFT")
    relay = office.enrol(tmp_path / "relay", "dao")
    field = office.enrol(tmp_path / "field", "pim")
    with Workspace.open(office.root, office.user, PASS) as ws:
        child = add_child(ws, nickname="")
        case = add_case(ws, child, risk_level="high")
    office_device = str(office.status()["device_id"])
    office.send_to(relay)
    field.send_to(relay)  # the relay learns the field laptop holds nothing yet

    tamper(relay, office_device, child)
    with Workspace.open(relay.root, relay.user, PASS) as ws:
        own = add_child(ws, nickname="relay's own")
    said = field.run("sync", "import", str(relay.export()), json_out=False).out
    assert batches.ALTERED in said and batches.UNSIGNED in said

    with Workspace.open(field.root, field.user, PASS) as ws:
        assert case not in rows(ws, "case_file")  # neither "low" nor anything else
        children = rows(ws, "child")
        assert children[child]["nickname"] in ("", None)  # the office's child, unrenamed
        assert own in children  # the rest of the bundle applied
    counts = refused(field)
    assert counts[batches.ALTERED] == 1 and counts[batches.UNSIGNED] == 1
    th = field.run("sync", "status", json_out=False, env={"CMDESK_LANG": "th"}).out
    assert "ปฏิเสธการเปลี่ยนแปลงจาก WVFT" in th
    assert field.check().code == 0

    # The office's real change still arrives, from the office itself.
    office.send_to(field)
    with Workspace.open(field.root, field.user, PASS) as ws, ws.ctx.read() as s:
        held = s.get(Case, case)
        assert held is not None and held.risk_level == "high"
        named = s.get(Child, child)
        assert named is not None and named.nickname in ("", None)


def test_honest_relaying_converges_in_a_chain(tmp_path: Path) -> None:
    a = Laptop.init(tmp_path / "a", "WVFT")
    b = a.enrol(tmp_path / "b", "dao")
    c = a.enrol(tmp_path / "c", "pim")
    for laptop in (a, b, c):
        with Workspace.open(laptop.root, laptop.user, PASS) as ws:
            add_case(ws, add_child(ws), risk_level="high")
    c.send_to(b)
    a.send_to(b)  # b holds a's and c's work; c never meets a
    b.send_to(c)
    c.send_to(b)
    b.send_to(a)
    assert a.state_hash() == b.state_hash() == c.state_hash()
    assert not refused(c) and not refused(a)


def test_changes_from_an_older_vault(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Changes captured before signatures existed import directly from their origin; a relay
    cannot carry them until the origin's next export has signed them (docs/sync-identities.md).
    """
    office = Laptop.init(tmp_path / "office", "WVFT")
    relay = office.enrol(tmp_path / "relay", "dao")
    field = office.enrol(tmp_path / "field", "pim")
    with Workspace.open(office.root, office.user, PASS) as ws:
        case = add_case(ws, add_child(ws), risk_level="high")

    def unsigned(*_: Any) -> None:
        return None  # what an older version's export did: no origin signatures

    monkeypatch.setattr(engine_module.batches, "sign_own", unsigned)
    old = office.bundles / "old.bundle"
    with Workspace.open(office.root, office.user, PASS) as ws:
        data, _ = ws.sync.export()
    old.write_bytes(data)
    monkeypatch.undo()
    relay.import_(old)  # directly from the origin: accepted
    field.send_to(relay)
    relay.send_to(field)  # relayed unsigned: refused, nothing lost
    assert refused(field)[batches.UNSIGNED] >= 1
    with Workspace.open(field.root, field.user, PASS) as ws:
        assert case not in rows(ws, "case_file")

    office.send_to(relay)  # the office's next export signs its earlier changes
    relay.send_to(field)
    with Workspace.open(field.root, field.user, PASS) as ws:
        assert case in rows(ws, "case_file")
    assert field.state_hash() == relay.state_hash()
