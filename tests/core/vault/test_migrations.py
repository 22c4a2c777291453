"""Schema migrations run on the keyed connection and match the model exactly."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect, text

from cmdesk.core import schema as cmdesk_schema
from cmdesk.core.errors import VaultTooNew
from cmdesk.core.vault import crypto, migrate
from cmdesk.core.vault.engine import make_engine
from cmdesk.core.vault.store import Vault
from cmdesk.core.workspace import Workspace
from tests.conftest import ADMIN, ADMIN_PASS


def test_there_is_exactly_one_head() -> None:
    assert len(migrate.script().get_heads()) == 1


def test_the_head_written_in_the_code_is_alembic_s(tmp_path: Path) -> None:
    """Opening a vault at HEAD skips Alembic: a stale HEAD would leave vaults unmigrated."""
    assert migrate.head() == migrate.HEAD
    engine = make_engine(tmp_path / "m.db", crypto.new_data_key(), create=True)
    assert migrate.needs_upgrade(engine)  # not stamped at all
    migrate.create_schema(engine)
    assert not migrate.needs_upgrade(engine)
    with engine.begin() as conn:
        older = [r.revision for r in migrate.script().walk_revisions()][1]
        command.downgrade(migrate.alembic_config(conn), older)
    assert migrate.needs_upgrade(engine)
    engine.dispose()


def test_migrating_from_empty_gives_exactly_the_models_schema(tmp_path: Path) -> None:
    engine = make_engine(tmp_path / "m.db", crypto.new_data_key(), create=True)
    migrate.upgrade(engine)
    with engine.connect() as conn:
        # The search index's FTS tables are hand-written DDL, outside the model.
        context = MigrationContext.configure(
            conn, opts={"include_name": cmdesk_schema.include_name}
        )
        diff = compare_metadata(context, cmdesk_schema.METADATA)
        triggers = {
            r[0] for r in conn.execute(text("SELECT name FROM sqlite_master WHERE type='trigger'"))
        }
    engine.dispose()
    assert diff == []
    assert {"audit_entry_no_update", "audit_entry_no_delete"} <= triggers


def objects(engine: Engine) -> set[tuple[str, str]]:
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT type, name FROM sqlite_master"))
        # Alembic's own bookkeeping, and SQLite's internal objects, are not the schema.
        skip = ("sqlite_", "alembic_version")
        return {(str(kind), str(name)) for kind, name in rows if not str(name).startswith(skip)}


def columns(engine: Engine, table: str) -> list[tuple[str, bool]]:
    return sorted((c["name"], bool(c["nullable"])) for c in inspect(engine).get_columns(table))


def test_fresh_vault_and_migrated_vault_have_the_same_tables(tmp_path: Path) -> None:
    fresh = make_engine(tmp_path / "a.db", crypto.new_data_key(), create=True)
    with fresh.begin() as conn:  # straight from the code, not from the migrations
        cmdesk_schema.create_all(conn)
    migrated = make_engine(tmp_path / "b.db", crypto.new_data_key(), create=True)
    migrate.upgrade(migrated)
    assert set(inspect(fresh).get_table_names()) == set(inspect(migrated).get_table_names()) - {
        "alembic_version"
    }
    # and the same indexes and triggers, and the same columns in every table
    assert objects(fresh) == objects(migrated)
    for table in inspect(fresh).get_table_names():
        assert columns(fresh, table) == columns(migrated, table), table
    fresh.dispose()
    migrated.dispose()


def test_vault_behind_is_backed_up_then_upgraded(vault_dir: Path) -> None:
    ws = Workspace.open(vault_dir, ADMIN, ADMIN_PASS)
    with ws.ctx.engine.begin() as conn:
        # Pretend the vault was written before the newest revision existed.
        revisions = list(migrate.script().walk_revisions())
        assert len(revisions) > 1, "an upgrade needs an older revision to start from"
        older = revisions[1].revision
        # Really take the schema back (not just the stamp), so the upgrade has work to do.
        command.downgrade(migrate.alembic_config(conn), older)
    ws.close()
    vault = Vault.unlock(vault_dir, ADMIN, ADMIN_PASS)
    backups = list((vault_dir / "backups").glob("before-upgrade-*.db"))
    assert len(backups) == 1 and not backups[0].read_bytes().startswith(b"SQLite format 3")
    assert migrate.current_revision(vault.engine) == migrate.head()
    vault.lock()


def test_vault_from_a_newer_app_is_refused(vault_dir: Path) -> None:
    ws = Workspace.open(vault_dir, ADMIN, ADMIN_PASS)
    with ws.ctx.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = 'f00dfeedbeef'"))
    ws.close()
    with pytest.raises(VaultTooNew):
        Workspace.open(vault_dir, ADMIN, ADMIN_PASS)
