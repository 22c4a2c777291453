"""No write path bypasses capture: every column of every synced table, by ORM or raw SQL,
becomes an operation; applying remote operations never comes back as local ones."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import text

import cmdesk.core.model as model
from cmdesk.core.model import Child
from cmdesk.core.model.base import is_synced
from cmdesk.core.sync.oplog import load_ops
from cmdesk.core.sync.tables import AUDIT_TABLE, synced_tables
from cmdesk.core.workspace import Workspace
from tests.core.sync.conftest import Net, exchange, open_ws, sync
from tests.core.sync.records import add_child, edit, raw


def synced_orm_tables() -> dict[str, list[str]]:
    out = {}
    for mapper in model.Base.registry.mappers:
        if is_synced(mapper.class_):
            out[mapper.local_table.name] = [c.name for c in mapper.local_table.columns]  # type: ignore[attr-defined]
    return out


def test_the_registry_is_every_synced_orm_class_plus_the_audit_trail() -> None:
    orm = synced_orm_tables()
    assert len(orm) >= 10
    assert set(synced_tables()) == set(orm) | {AUDIT_TABLE}
    for name, cols in orm.items():
        assert set(synced_tables()[name].columns) == set(cols) - {"id"}


def captured(ws: Workspace, table: str, row_id: str) -> dict[str, Any]:
    """field -> value of every captured operation for one record, latest last."""
    out: dict[str, Any] = {}
    with ws.ctx.read() as s:
        for (ops,) in s.execute(
            text("SELECT ops FROM sync_change WHERE tbl = :t AND row_id = :r ORDER BY hlc, seq"),
            {"t": table, "r": row_id},
        ):
            out.update({op[1]: op[2] for op in load_ops(ops)})
    return out


def sample(table: str, col: str, n: int) -> Any:
    column = model.Base.metadata.tables[table].columns[col]
    kind = type(column.type).__name__
    if kind in ("Integer", "Boolean"):
        return n % 2 if kind == "Boolean" else n
    if kind == "JSON":
        return json.dumps([f"v{n}"])
    if kind == "UtcDateTime":
        return f"2026-01-0{1 + n % 8}T00:00:00.000000Z"
    if kind == "Date":
        return f"2026-02-0{1 + n % 8}"
    return f"v{n}"[: getattr(column.type, "length", None) or 99]


@pytest.mark.parametrize("table", sorted(synced_tables()))
def test_every_column_is_captured_on_insert_on_update_and_on_delete(net: Net, table: str) -> None:
    ws = net.a1
    cols = synced_tables()[table].columns
    values = {c: sample(table, c, 1) for c in cols}
    names = ", ".join(f'"{c}"' for c in ("id", *cols))
    params = ", ".join(f":{c}" for c in ("id", *cols))
    insert = f'INSERT INTO "{table}" ({names}) VALUES ({params})'
    if table == AUDIT_TABLE:
        # The audit trail is append-only: a raw insert is captured like any other.
        with ws.ctx.write() as s:
            s.execute(text(insert), {"id": "row-1", **values})
        assert captured(ws, table, "row-1") == values
        return
    raw(ws, insert, id="row-1", **values)
    assert captured(ws, table, "row-1") == values
    for i, col in enumerate(cols):
        new = sample(table, col, i + 2)
        if new == values[col]:
            new = sample(table, col, i + 3)
        raw(ws, f'UPDATE "{table}" SET "{col}" = :v WHERE id = :id', v=new, id="row-1")
        assert captured(ws, table, "row-1")[col] == new, col
    raw(ws, f'DELETE FROM "{table}" WHERE id = :id', id="row-1")
    assert captured(ws, table, "row-1")["-"] == 1


def test_orm_writes_are_captured_with_the_stamp_of_the_value_they_replace(net: Net) -> None:
    child = add_child(net.a1)
    edit(net.a1, Child, child, nickname="Dao")
    with net.a1.ctx.read() as s:
        rows = s.execute(
            text(
                "SELECT hlc, ops FROM sync_change WHERE tbl = 'child' AND row_id = :r ORDER BY hlc"
            ),
            {"r": child},
        ).all()
    create_hlc = rows[0][0]
    ops = {op[1]: op for op in load_ops(rows[1][1])}
    assert ops["nickname"][2] == "Dao"
    assert ops["nickname"][3][0] == create_hlc  # prev: the stamp of the replaced value


def test_applying_remote_operations_makes_no_local_ones(net: Net) -> None:
    for _ in range(3):
        add_child(net.a1)
    exchange(net.a1, net.a2)
    me = net.a2.device_id
    with net.a2.ctx.read() as s:
        local = s.execute(
            text(
                "SELECT c.tbl FROM sync_change c JOIN sync_origin o ON o.idx = c.origin "
                "WHERE o.device_id = :d"
            ),
            {"d": me},
        ).scalars()
        # Only a2's own audit entries (unlock, import): no copies of a1's records.
        assert set(local) <= {AUDIT_TABLE}
        assert s.execute(text("SELECT count(*) FROM sync_dirty")).scalar() == 0


def test_a_dropped_trigger_is_recreated_when_the_vault_is_opened(net: Net) -> None:
    raw(net.a1, "DROP TRIGGER sync_upd_child")
    child = add_child(net.a1)
    root = net.a1.vault.paths.root
    net.a1.close()
    net.a1 = open_ws(root)
    edit(net.a1, Child, child, nickname="after reopen")
    assert captured(net.a1, "child", child)["nickname"] == "after reopen"


def test_a_write_left_uncaptured_is_captured_at_the_next_commit(net: Net) -> None:
    # A connection without the hook (a maintenance script) still leaves dirty marks.
    child = add_child(net.a1)
    raw_conn = net.a1.vault.engine.raw_connection()
    try:
        raw_conn.driver_connection.execute("BEGIN")  # type: ignore[union-attr]
        raw_conn.driver_connection.execute(  # type: ignore[union-attr]
            "UPDATE child SET nickname = 'by script' WHERE id = ?", (child,)
        )
        raw_conn.driver_connection.execute("COMMIT")  # type: ignore[union-attr]
    finally:
        raw_conn.close()
    add_child(net.a1)
    assert captured(net.a1, "child", child)["nickname"] == "by script"
    assert sync(net.a1).status().conflicts == 0
