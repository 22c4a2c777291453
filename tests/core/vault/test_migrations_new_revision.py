"""scripts/new_migration.py on a model change, end to end: a new NOT NULL column on a synced
table gets a server default and the table's triggers, and the revision upgrades a populated
vault whose next edit of the new field is captured for sync.

The model change happens in a child process (a column appended to the `child` table), so this
process's model, caches and migrations folder stay as they are; the revision is written into a
copy of the migrations folder."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import cmdesk.core.model as model
from cmdesk.core import revision_hooks as autogen
from cmdesk.core.demo.generate import generate
from cmdesk.core.vault import crypto, migrate
from cmdesk.core.vault.engine import make_engine
from cmdesk.core.vault.store import Vault
from cmdesk.core.workspace import Workspace
from tests.conftest import ADMIN, ADMIN_PASS

ROOT = Path(__file__).resolve().parents[3]

# Runs in the child process: argv = migrations copy, vault, user, passphrase.
DRIVER = """
import json, runpy, sys
from pathlib import Path
from sqlalchemy import Column, String, text
import cmdesk.core.model as model
from cmdesk.core.sync.tables import synced_tables

model.Child.__table__.append_column(
    Column("favourite_colour", String(20), nullable=False, default="")
)
synced_tables.cache_clear()
loc, root, user, passphrase = sys.argv[1:]
sys.argv = ["new_migration.py", "child: favourite colour", "--into", loc]
try:
    runpy.run_path("scripts/new_migration.py", run_name="__main__")
except SystemExit as exc:
    assert not exc.code, exc.code

from cmdesk.core.sync.oplog import load_ops
from cmdesk.core.sync.triggers import ensure_triggers
from cmdesk.core.vault import migrate
from cmdesk.core.vault.store import Vault
from cmdesk.core.vault.store import Vault
from cmdesk.core.workspace import Workspace

migrate.MIGRATIONS = Path(loc)
facts = {}
vault = Vault.unlock(Path(root), user, passphrase)
facts["revision"] = migrate.current_revision(vault.engine)
facts["head"] = migrate.head()
raw = vault.engine.raw_connection()
try:
    db = raw.driver_connection
    facts["colours"] = [r[0] for r in db.execute("SELECT favourite_colour FROM child")]
    # Before the app gets a chance to repair them: what the migration itself left.
    facts["triggers_to_fix"] = ensure_triggers(db, dry_run=True)
finally:
    raw.close()
vault.lock()

ws = Workspace.open(Path(root), user, passphrase)
with ws.ctx.read() as s:
    child = s.execute(text("SELECT id FROM child ORDER BY id LIMIT 1")).scalar()
with ws.ctx.write() as s:
    s.execute(text("UPDATE child SET favourite_colour = 'green' WHERE id = :i"), {"i": child})
with ws.ctx.read() as s:
    ops = s.execute(
        text("SELECT ops FROM sync_change WHERE tbl = 'child' AND row_id = :i ORDER BY hlc DESC"),
        {"i": child},
    ).scalar()
facts["captured"] = [[op[1], op[2]] for op in load_ops(ops)]
ws.close()

# And back: the downgrade drops the column and puts the previous triggers back.
from alembic import command

vault = Vault.unlock(Path(root), user, passphrase)
with vault.engine.begin() as conn:
    command.downgrade(migrate.alembic_config(conn), "-1")
with vault.engine.connect() as conn:
    facts["columns_after_downgrade"] = [
        r[1] for r in conn.exec_driver_sql("PRAGMA table_info(child)")
    ]
    facts["triggers_after_downgrade"] = dict(
        conn.exec_driver_sql("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").all()
    )
vault.lock()
print("FACTS " + json.dumps(facts))
"""


@pytest.fixture
def populated(vault_dir: Path) -> Path:
    with Workspace.open(vault_dir, ADMIN, ADMIN_PASS) as ws:
        generate(ws, 6, seed=3, workers=0, syncable=True)
    return vault_dir


@pytest.fixture
def migrations_copy(tmp_path: Path) -> Path:
    dest = tmp_path / "migrations"
    shutil.copytree(migrate.MIGRATIONS, dest, ignore=shutil.ignore_patterns("__pycache__"))
    return dest


def run_driver(loc: Path, vault: Path) -> tuple[dict[str, Any], str]:
    done = subprocess.run(
        [sys.executable, "-c", DRIVER, str(loc), str(vault), ADMIN, ADMIN_PASS],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    line = next(x for x in done.stdout.splitlines() if x.startswith("FACTS "))
    return json.loads(line.removeprefix("FACTS ")), done.stdout


def test_a_new_column_migrates_a_populated_vault_and_is_captured(
    populated: Path, migrations_copy: Path
) -> None:
    vault = Vault.unlock(populated, ADMIN, ADMIN_PASS)
    with vault.engine.connect() as conn:
        triggers = dict(
            conn.exec_driver_sql("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").all()
        )
    vault.lock()
    before = set((migrations_copy / "versions").glob("*.py"))
    facts, out = run_driver(migrations_copy, populated)
    made = set((migrations_copy / "versions").glob("*.py")) - before
    assert len(made) == 1
    revision = next(iter(made)).read_text()

    # What the developer reviews: a default existing rows can take, and the triggers.
    assert "server_default=''" in revision
    assert "add_column" in revision and "favourite_colour" in revision
    upd = next(line for line in revision.splitlines() if "CREATE TRIGGER sync_upd_child" in line)
    assert "favourite_colour" in upd
    assert revision.index('DROP TRIGGER IF EXISTS "sync_upd_child"') < revision.index("add_column")
    # The search triggers on child are put back too (a batch table rebuild would drop them).
    assert "CREATE TRIGGER search_child_update" in revision
    # The sync version is derived: the script says which fingerprint to register.
    assert "append this line to SCHEMA_HISTORY" in out

    # The populated vault upgraded through the app's own unlock path.
    assert facts["revision"] == facts["head"] != migrate.head()
    assert len(facts["colours"]) >= 6 and set(facts["colours"]) == {""}
    assert facts["triggers_to_fix"] == 0
    assert ["favourite_colour", "green"] in facts["captured"]

    assert "favourite_colour" not in facts["columns_after_downgrade"]
    assert facts["triggers_after_downgrade"] == triggers


def test_revision_without_model_changes_adds_no_triggers(migrations_copy: Path) -> None:
    done = subprocess.run(
        [sys.executable, "scripts/new_migration.py", "nothing", "--into", str(migrations_copy)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    (made,) = (migrations_copy / "versions").glob("*_nothing.py")
    text = made.read_text()
    assert "TRIGGER" not in text and "server_default" not in text
    assert "append this line" not in done.stdout


def _sql(ops_: list[Any]) -> list[str]:
    return [str(o.sqltext) for o in ops_]


def test_drifted_search_triggers_are_recreated_and_the_index_refilled(tmp_path: Path) -> None:
    # A vault whose search trigger is an older version (the schema module changed since).
    engine = make_engine(tmp_path / "m.db", crypto.new_data_key(), create=True)
    try:
        migrate.create_schema(engine)
        with engine.connect() as conn:
            have = autogen.vault_triggers(conn)
    finally:
        engine.dispose()
    tables = set(model.Base.metadata.tables)
    assert autogen.trigger_ops(have, set(), tables)[:2] == ([], []), "a current vault: nothing"

    name = "search_case_update"
    table, sql = have[name]
    have[name] = (table, sql.replace(", team ON case_file", " ON case_file"))
    before, after, names = autogen.trigger_ops(have, set(), tables)
    assert f'DROP TRIGGER IF EXISTS "{name}"' in _sql(before)
    assert sql in _sql(after)
    # Every child re-indexed with the new triggers' text.
    assert any(
        s.startswith("INSERT INTO search_text(rowid, body, codes) SELECT") for s in _sql(after)
    )
    # The downgrade puts the old trigger back and re-indexes the old way.
    down_before, down_after = autogen.restore_ops(have, names, tables)
    assert f'DROP TRIGGER IF EXISTS "{name}"' in _sql(down_before)
    assert have[name][1] in _sql(down_after)
    assert autogen.REINDEX_BY_TRIGGER in _sql(down_after)
    # The table's other triggers (sync capture) come back exactly as they were.
    capture = {s for n, (t, s) in have.items() if t == "case_file" and n.startswith("sync_")}
    assert len(capture) == 3
    assert {s for s in _sql(after) if s.startswith("CREATE TRIGGER sync_")} == capture
