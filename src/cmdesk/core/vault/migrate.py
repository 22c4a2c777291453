"""Schema migrations on the keyed connection: create and stamp, back up then upgrade, or refuse."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine

from cmdesk.core.errors import VaultTooNew

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(connection: Connection | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


def script() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config())


def head() -> str:
    heads = script().get_heads()
    if len(heads) != 1:
        raise RuntimeError("migrations must have exactly one head")
    return heads[0]


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def create_schema(engine: Engine) -> None:
    """A fresh vault: every migration from empty, so new and upgraded vaults are built by the
    same statements (tests prove they equal cmdesk.core.schema.create_all)."""
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), "head")


def needs_upgrade(engine: Engine) -> bool:
    """True when the vault is behind; raises VaultTooNew when it is ahead of this app."""
    current = current_revision(engine)
    known = {rev.revision for rev in script().walk_revisions()}
    if current is not None and current not in known:
        raise VaultTooNew
    return current != head()


def upgrade(engine: Engine) -> None:
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), "head")
