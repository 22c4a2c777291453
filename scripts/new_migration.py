"""Writes a new Alembic revision for the model changes since the current head.

Usage: python scripts/new_migration.py "add favourite colour to child" [--into DIR]

It upgrades a throwaway keyed vault to the head, then autogenerates against the ORM metadata,
so revisions are always made on a SQLCipher connection like the ones they will run on. Beyond
what autogenerate sees, the revision gives every new NOT NULL column a server default (so
populated vaults can be upgraded) and drops and recreates the sync capture and search triggers
of every table it changes, from the same code the app uses (cmdesk.core.vault.migrations.
autogen). Review the file before committing, and run the migration tests: they upgrade a
populated vault at every older revision and compare every row.

--into DIR writes into another copy of the migrations folder (the tests use it).
"""

from __future__ import annotations

import argparse
import re
import tempfile
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import Script, ScriptDirectory

from cmdesk.core.sync import schema_history
from cmdesk.core.sync.tables import schema_fingerprint
from cmdesk.core.vault import crypto, migrate
from cmdesk.core.vault.engine import make_engine


def generate(message: str, location: Path = migrate.MIGRATIONS) -> Path | None:
    """Writes the revision into `location`'s versions; returns its path (None: no changes)."""
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(Path(tmp) / "m.db", crypto.new_data_key(), create=True)
        try:
            with engine.begin() as conn:
                cfg = Config()
                cfg.set_main_option("script_location", str(location))
                cfg.attributes["connection"] = conn
                if ScriptDirectory.from_config(cfg).get_heads():
                    command.upgrade(cfg, "head")
                made = command.revision(cfg, message=message, autogenerate=True)
        finally:
            engine.dispose()
    scripts = made if isinstance(made, list) else [made]
    paths = [Path(s.path) for s in scripts if isinstance(s, Script)]
    return paths[0] if paths else None


def new_head(location: Path) -> str:
    cfg = Config()
    cfg.set_main_option("script_location", str(location))
    (head,) = ScriptDirectory.from_config(cfg).get_heads()
    return str(head)


def write_head(module: Path, head: str) -> None:
    """migrate.HEAD, which lets a vault at the head open without Alembic, follows the new
    revision (a test checks it)."""
    text = module.read_text(encoding="utf-8")
    updated = re.sub(r'^HEAD = "[0-9a-f]+"$', f'HEAD = "{head}"', text, count=1, flags=re.M)
    if updated == text and f'HEAD = "{head}"' not in text:
        raise SystemExit(f"HEAD not found in {module}: set it to {head!r} by hand")
    module.write_text(updated, encoding="utf-8")
    print(f"HEAD in {module.name} is now {head}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("message")
    parser.add_argument("--into", type=Path, default=migrate.MIGRATIONS)
    args = parser.parse_args(argv)
    path = generate(args.message, args.into)
    print(f"wrote {path}")
    if path is not None and args.into.resolve() == migrate.PACKAGED:
        write_head(Path(migrate.__file__), new_head(args.into))
    fp = schema_fingerprint()
    history = schema_history.SCHEMA_HISTORY
    if history[-1] != fp:
        print(
            "The synced tables changed: append this line to SCHEMA_HISTORY in "
            f'{schema_history.__file__}:\n    "{fp}",\n'
            f"Operations will then carry sync schema version {len(history) + 1}."
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
