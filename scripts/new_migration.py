"""Writes a new Alembic revision for the model changes since the current head.

Usage: python scripts/new_migration.py "add case tables"

It upgrades a throwaway keyed vault to the head, then autogenerates against the ORM metadata,
so revisions are always made on a SQLCipher connection like the ones they will run on.
Review the generated file before committing: autogenerate misses triggers and FTS tables.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from alembic import command

from cmdesk.core.vault import crypto, migrate
from cmdesk.core.vault.engine import make_engine


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(Path(tmp) / "m.db", crypto.new_data_key(), create=True)
        with engine.begin() as conn:
            cfg = migrate.alembic_config(conn)
            if migrate.script().get_heads():
                command.upgrade(cfg, "head")
            command.revision(cfg, message=sys.argv[1], autogenerate=True)
        engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
