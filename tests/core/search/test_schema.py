"""The index's objects are the same in fresh and migrated vaults, and the triggers keep it
exactly as a rebuild from the records would make it."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from sqlalchemy import Engine, text

from cmdesk.core import schema as cmdesk_schema
from cmdesk.core.search import schema
from cmdesk.core.vault import crypto, migrate
from cmdesk.core.vault.engine import make_engine
from cmdesk.core.workspace import Workspace
from tests.conftest import ADMIN, ADMIN_PASS
from tests.core.search.conftest import Open
from tests.core.search.helpers import draft, register

BEFORE_SEARCH = "9ab137b968b6"


def search_objects(engine: Engine) -> dict[str, str]:
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT name, sql FROM sqlite_master WHERE name LIKE 'search%' AND sql IS NOT NULL"
            )
        )
        return {str(name): str(sql) for name, sql in rows}


def test_fresh_and_migrated_vaults_have_the_same_index(tmp_path: Path) -> None:
    fresh = make_engine(tmp_path / "a.db", crypto.new_data_key(), create=True)
    with fresh.begin() as conn:  # straight from the code, not from the migrations
        cmdesk_schema.create_all(conn)
    migrated = make_engine(tmp_path / "b.db", crypto.new_data_key(), create=True)
    migrate.upgrade(migrated)
    made = search_objects(fresh)
    assert made == search_objects(migrated)
    assert set(schema.TRIGGERS) <= set(made)
    assert {"search_row", "search_text", "search_word", "search_case_recent"} <= set(made)
    fresh.dispose()
    migrated.dispose()


def test_autogenerate_leaves_the_index_alone() -> None:
    assert not schema.include_name("search_text_data", "table", {})
    assert not schema.include_name("search_case_risk", "index", {})
    assert schema.include_name("case_file", "table", {})
    assert schema.include_name("ix_case_file_stage", "index", {})


def indexed(ws: Workspace) -> list[tuple[int, str, str]]:
    with ws.ctx.read() as s:
        rows = s.execute(text("SELECT rowid, body, codes FROM search_text ORDER BY rowid"))
        return [(int(r), str(b), str(c)) for r, b, c in rows]


def test_triggers_keep_the_index_as_a_rebuild_would(open_as: Open) -> None:
    ws = open_as("sup")
    child, case = register(ws, worker="fw_a1")
    assert case is not None
    ws.children.update_child(child, draft(nickname="ฝน", village="บ้านใหม่"))
    ws.cases.set_risk(case, "critical", "Threatened again.")
    ws.workflow.advance(case, "assessment")
    _, other_case = register(ws, given_name_th="ฑิฆัมพี")
    ws.cases.soft_delete(other_case or "", "Opened twice.")
    kept = indexed(ws)
    with ws.ctx.write() as s:
        schema.rebuild(s.connection())
    assert indexed(ws) == kept
    with ws.ctx.read() as s:
        rowid = s.scalar(text("SELECT id FROM search_row WHERE child_id = :c"), {"c": child})
    body, codes = next((b, c) for r, b, c in kept if r == rowid)
    assert "ฝน" in body and "บานใหม" in body  # tone marks folded out
    assert "§rc" in codes and "§sa" in codes and "§rh" not in codes


def test_a_vault_from_before_the_index_gets_its_children_indexed(vault_dir: Path) -> None:
    ws = Workspace.open(vault_dir, ADMIN, ADMIN_PASS)
    ws.users.add("sup", "search test passphrase", "supervisor", kdf=crypto.weak_kdf_for_tests())
    ws.close()
    ws = Workspace.open(vault_dir, "sup", "search test passphrase")
    _, case = register(ws)
    with ws.ctx.engine.begin() as conn:
        command.downgrade(migrate.alembic_config(conn), BEFORE_SEARCH)
    assert search_objects(ws.ctx.engine) == {}
    ws.close()
    ws = Workspace.open(vault_dir, "sup", "search test passphrase")  # upgrades
    assert [r.id for r in ws.search.search("ฆัมพ").rows] == [case]
    assert [r.id for r in ws.search.search("ฑิ").rows] == [case]
    ws.close()


def test_scope_tags_written_by_triggers_are_the_ones_searches_ask_for(ws: Workspace) -> None:
    """A worker's search asks for tags computed in Python; the index holds tags computed in
    SQL. If the two ever differ, workers silently stop finding their own cases."""
    teams = ["a", "north", "team10", "ทีมเหนือ", "ทีม ป่าซาง", "O'Brien|x"]
    with ws.ctx.read() as s:
        for team in teams:
            in_sql = s.scalar(text(f"SELECT {schema._team_tag_sql(':t')}"), {"t": team})
            assert in_sql == schema.team_tag(team), team
    uid = "01a24482-2ab4-70ed-8a0a-abf0a75516ef"
    assert schema.worker_tag(uid) == "§ef"
