"""The sync revision gives a migrated vault the same capture triggers as a fresh one, and a
vault that had records before sync existed gets them captured."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from sqlalchemy import text

from cmdesk.core import schema as cmdesk_schema
from cmdesk.core.vault import crypto, migrate
from cmdesk.core.vault.engine import make_engine
from cmdesk.core.workspace import Workspace
from tests.conftest import ADMIN, ADMIN_PASS
from tests.core.sync.conftest import attach
from tests.core.sync.records import add_child

SYNC_REVISION = "0fae82e9ebc3"


def triggers(engine: object) -> dict[str, str]:
    with engine.connect() as conn:  # type: ignore[attr-defined]
        return dict(
            conn.execute(
                text(
                    "SELECT name, sql FROM sqlite_master "
                    "WHERE type = 'trigger' AND name LIKE 'sync%'"
                )
            ).all()
        )


def test_fresh_and_migrated_vaults_have_the_same_capture_triggers(tmp_path: Path) -> None:
    fresh = make_engine(tmp_path / "a.db", crypto.new_data_key(), create=True)
    with fresh.begin() as conn:  # straight from the code, not from the migrations
        cmdesk_schema.create_all(conn)
    migrated = make_engine(tmp_path / "b.db", crypto.new_data_key(), create=True)
    migrate.upgrade(migrated)
    assert triggers(fresh) == triggers(migrated)
    assert len(triggers(fresh)) >= 3 * 16
    fresh.dispose()
    migrated.dispose()


def test_records_from_before_sync_are_captured_after_the_upgrade(vault_dir: Path) -> None:
    ws = attach(Workspace.open(vault_dir, ADMIN, ADMIN_PASS))
    child = add_child(ws)
    with ws.ctx.engine.begin() as conn:
        down = [r.revision for r in migrate.script().walk_revisions()]
        before_sync = down[down.index(SYNC_REVISION) + 1]
        command.downgrade(migrate.alembic_config(conn), before_sync)
    ws.close()
    ws = attach(Workspace.open(vault_dir, ADMIN, ADMIN_PASS))
    try:
        ws.sync.capture_pending()
        with ws.ctx.read() as s:
            tables = set(
                s.execute(
                    text("SELECT tbl FROM sync_change WHERE row_id = :r"), {"r": child}
                ).scalars()
            )
        assert tables == {"child"}
    finally:
        ws.close()
