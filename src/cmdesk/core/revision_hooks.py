"""What autogenerate cannot see, added to every new revision (Alembic's
`process_revision_directives`, wired in env.py).

Two things made upgrades of real vaults fail or go quietly wrong:

- An added NOT NULL column with only a Python-side default: SQLite refuses
  `ALTER TABLE ADD COLUMN ... NOT NULL` without a default as soon as the table has a row, so
  every populated vault failed to upgrade. Each such column gets a `server_default`: the value
  sync fills a missing field with (`tables.column_filler`), so a migrated row and a row received
  without the field hold the same thing.
- Triggers. Autogenerate does not know them; a batch operation that recreates a table drops
  them, `DROP COLUMN` refuses while a trigger names the column, and sync's capture trigger of a
  table lists its columns, so a new column would go uncaptured. For every table the revision
  touches, and every table whose capture or search triggers differ from what the app makes
  today, the revision drops that table's triggers before its operations and creates them
  after: sync's from `sync.triggers.trigger_sql`, the search index's from `search.schema.DDL`
  (re-indexing every child when they changed), any other trigger as the vault has it. The
  downgrade does the reverse with the triggers the vault had at the previous head.

The statements are written into the revision as text, like the hand-written revisions do, so
later model changes never change what a released revision does.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any, cast

from alembic.operations import ops
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Column, Connection, DefaultClause

import cmdesk.core.model as model
from cmdesk.core.search import schema as search_schema
from cmdesk.core.sync.tables import column_filler, synced_tables
from cmdesk.core.sync.triggers import trigger_sql

SYNC_PREFIX = "sync_"
SEARCH_PREFIX = "search_"
REINDEX_BY_TRIGGER = "UPDATE child SET given_name_th = given_name_th"
# Trigger name -> (its table, its CREATE statement).
Triggers = dict[str, tuple[str, str]]


def with_server_default(col: Column[Any]) -> Column[Any]:
    """A copy of `col` that existing rows can be given: NOT NULL columns get a server default."""
    if col.nullable or col.server_default is not None or col.primary_key:
        return col
    filler = column_filler(col)
    copy = col._copy()
    # As text: SQLAlchemy quotes it ('' for text, '0' for a number, which SQLite's column
    # affinity stores as 0), and SQLite accepts only a literal, not an expression, as the
    # default of an added column.
    copy.server_default = DefaultClause("" if filler is None else str(filler))
    return copy


def _add_column_ops(container: Iterable[ops.MigrateOperation]) -> Iterable[ops.AddColumnOp]:
    for op_ in container:
        if isinstance(op_, ops.AddColumnOp):
            yield op_
        elif isinstance(op_, ops.ModifyTableOps):
            yield from _add_column_ops(op_.ops)


def _touched(container: Iterable[ops.MigrateOperation]) -> set[str]:
    names: set[str] = set()
    for op_ in container:
        if isinstance(
            op_,
            ops.ModifyTableOps
            | ops.CreateTableOp
            | ops.DropTableOp
            | ops.AddColumnOp
            | ops.DropColumnOp
            | ops.AlterColumnOp,
        ):
            names.add(op_.table_name)
    return names


def vault_triggers(conn: Connection) -> Triggers:
    """name -> (table, CREATE statement) of every trigger in the vault."""
    rows = conn.exec_driver_sql(
        "SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name"
    )
    return {str(r[0]): (str(r[1]), str(r[2])) for r in rows}


def search_triggers() -> Triggers:
    """name -> (table, CREATE statement) of the search index's triggers, as the app makes them."""
    out: Triggers = {}
    for statement in search_schema.DDL:
        if statement.startswith("CREATE TRIGGER "):
            words = statement.split()
            out[words[2]] = (words[words.index("ON") + 1], statement)
    return out


def app_triggers() -> Triggers:
    """Every capture and search trigger the current model wants."""
    out = {
        name: (table.name, sql)
        for table in synced_tables().values()
        for name, sql in trigger_sql(table).items()
    }
    out.update(search_triggers())
    return out


class _Recorder:
    """Stands in for a connection to collect the statements of search_schema.rebuild."""

    def __init__(self) -> None:
        self.statements: list[str] = []

    def exec_driver_sql(self, statement: str) -> None:
        self.statements.append(statement)


def search_rebuild() -> list[str]:
    recorder = _Recorder()
    search_schema.rebuild(cast(Connection, recorder))
    return recorder.statements


def _managed(name: str) -> bool:
    return name.startswith((SYNC_PREFIX, SEARCH_PREFIX))


def _mentions(sql: str, tables: set[str]) -> bool:
    return any(re.search(rf"\b{re.escape(t)}\b", sql) for t in tables)


def involved_triggers(have: Triggers, want: Triggers, touched: set[str]) -> set[str]:
    """Names of the triggers to drop before the revision's operations and create after: those
    on a table it changes or whose capture or search trigger drifted from the app's, and those
    that name a changed table in their body (SQLite refuses to rename a rebuilt table while a
    trigger on another table names it: the search index's triggers on case_file read child)."""
    drifted = {
        table
        for name, (table, _sql) in {**have, **want}.items()
        if _managed(name) and have.get(name, ("", ""))[1] != want.get(name, ("", ""))[1]
    }
    return {
        name
        for name, (table, sql) in {**have, **want}.items()
        if table in touched | drifted or _mentions(sql, touched)
    }


def trigger_ops(
    have: Triggers, touched: set[str], tables_after: set[str]
) -> tuple[list[ops.MigrateOperation], list[ops.MigrateOperation], set[str]]:
    """(drops before, creates after, trigger names involved) for an upgrade from the vault's
    triggers `have` to the app's; `touched` are the tables the revision's operations change."""
    want = app_triggers()
    names = involved_triggers(have, want, touched)
    before: list[ops.MigrateOperation] = [
        ops.ExecuteSQLOp(f'DROP TRIGGER IF EXISTS "{name}"') for name in sorted(names & set(have))
    ]
    after: list[ops.MigrateOperation] = []
    for name in sorted(names):
        # The app's capture and search triggers; any other (the audit trail's guards) as it was.
        table, sql = want[name] if _managed(name) and name in want else have.get(name, ("", ""))
        if sql and table in tables_after and (name in want or not _managed(name)):
            after.append(ops.ExecuteSQLOp(sql))
    search_changed = any(
        have.get(name, ("", ""))[1] != sql for name, (_t, sql) in search_triggers().items()
    )
    if search_changed:
        after += [ops.ExecuteSQLOp(s) for s in search_rebuild()]
    return before, after, names


def restore_ops(
    have: Triggers, names: set[str], tables_before: set[str]
) -> tuple[list[ops.MigrateOperation], list[ops.MigrateOperation]]:
    """(drops before, creates after) for the downgrade: back to the triggers the vault had."""
    before: list[ops.MigrateOperation] = [
        ops.ExecuteSQLOp(f'DROP TRIGGER IF EXISTS "{name}"') for name in sorted(names)
    ]
    after: list[ops.MigrateOperation] = [
        ops.ExecuteSQLOp(have[name][1])
        for name in sorted(names & set(have))
        if have[name][0] in tables_before
    ]
    if any(have.get(name) != made for name, made in search_triggers().items()):
        # The old triggers index children the old way: a rewrite of every child to the value it
        # already has fires them (sync's triggers mark nothing: no value changes).
        after.append(ops.ExecuteSQLOp(REINDEX_BY_TRIGGER))
    return before, after


def process_revision_directives(
    context: MigrationContext, revision: Any, directives: Sequence[ops.MigrationScript]
) -> None:
    script = directives[0]
    upgrade = script.upgrade_ops
    downgrade = script.downgrade_ops
    if upgrade is None or downgrade is None:
        return
    for add in _add_column_ops(upgrade.ops):
        add.column = with_server_default(add.column)
    conn = context.connection
    if conn is None:
        return
    have = vault_triggers(conn)
    tables_before = {
        str(r[0]) for r in conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type='table'")
    }
    tables_after = set(model.Base.metadata.tables) | search_schema.ALL_TABLES
    touched = _touched(upgrade.ops)
    before, after, names = trigger_ops(have, touched, tables_after)
    if not before and not after:
        return
    upgrade.ops[:0] = before
    upgrade.ops += after
    down_before, down_after = restore_ops(have, names, tables_before)
    downgrade.ops[:0] = down_before
    downgrade.ops += down_after
