"""Schema migrations on the keyed connection: create and stamp, back up then upgrade, or refuse.

Alembic is imported only when a vault is created or upgraded: opening a vault already at the
head (every command, every start of the app) reads its stamp and compares it with HEAD, where
importing Alembic and reading every revision cost a quarter of a second of each start."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DBAPIError

from cmdesk.core.errors import VaultTooNew

if TYPE_CHECKING:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

PACKAGED = Path(__file__).resolve().parent / "migrations"
MIGRATIONS = PACKAGED
# The head revision of the migrations in PACKAGED: scripts/new_migration.py writes it, and a
# test checks it against Alembic's own reading.
HEAD = "09e9b68a5680"


def alembic_config(connection: Connection | None = None) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


def script() -> ScriptDirectory:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config())


def head() -> str:
    heads = script().get_heads()
    if len(heads) != 1:
        raise RuntimeError("migrations must have exactly one head")
    return heads[0]


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def _stamp(engine: Engine) -> str | None:
    """The vault's revision as Alembic stamped it (None: not stamped, or more than one)."""
    try:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT version_num FROM alembic_version")).all()
    except DBAPIError:
        return None
    return str(rows[0][0]) if len(rows) == 1 else None


def create_schema(engine: Engine) -> None:
    """A fresh vault: every migration from empty, so new and upgraded vaults are built by the
    same statements (tests prove they equal cmdesk.core.schema.create_all)."""
    from alembic import command

    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), "head")


def needs_upgrade(engine: Engine) -> bool:
    """True when the vault is behind; raises VaultTooNew when it is ahead of this app."""
    if MIGRATIONS == PACKAGED and _stamp(engine) == HEAD:
        return False
    current = current_revision(engine)
    known = {rev.revision for rev in script().walk_revisions()}
    if current is not None and current not in known:
        raise VaultTooNew
    return current != head()


def upgrade(engine: Engine) -> None:
    from alembic import command

    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), "head")
