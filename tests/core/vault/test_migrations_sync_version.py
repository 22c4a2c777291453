"""The sync schema version is read off the model: a change to what sync carries gives a new
version, and the registry of versions says exactly which line to add."""

from __future__ import annotations

from sqlalchemy import Column, Date, MetaData, String, Table

import cmdesk.core.model as model
from cmdesk.core.sync import schema_history
from cmdesk.core.sync.schema_history import SCHEMA_HISTORY, fingerprint, version_of
from cmdesk.core.sync.tables import (
    SCHEMA_VERSION,
    _synced_model_tables,
    schema_fingerprint,
    synced_tables,
)


def _copies() -> dict[str, Table]:
    meta = MetaData()
    return {name: t.to_metadata(meta) for name, t in _synced_model_tables().items()}


def test_the_models_fingerprint_is_the_last_registered_version() -> None:
    fp = schema_fingerprint()
    assert SCHEMA_HISTORY[-1] == fp, (
        "The synced tables changed (a column was added, removed, renamed or changed kind). "
        f'Append "{fp}", to SCHEMA_HISTORY in {schema_history.__file__}: operations '
        f"will then carry sync schema version {len(SCHEMA_HISTORY) + 1}."
    )
    assert len(SCHEMA_HISTORY) == SCHEMA_VERSION


def test_the_first_release_stays_version_1() -> None:
    # Bundles made before the version was derived say 1: the first entry is that model.
    assert version_of(SCHEMA_HISTORY[0]) == 1
    assert len(set(SCHEMA_HISTORY)) == len(SCHEMA_HISTORY)
    assert all(len(fp) == 64 and set(fp) <= set("0123456789abcdef") for fp in SCHEMA_HISTORY)


def test_a_new_synced_column_is_a_newer_version() -> None:
    tables = _copies()
    assert fingerprint(tables) == schema_fingerprint()
    tables["child"].append_column(Column("favourite_colour", String(20), nullable=False))
    newer = fingerprint(tables)
    assert newer != schema_fingerprint()
    # Not registered yet: the next version, so the developer's app still runs.
    assert version_of(newer) == len(SCHEMA_HISTORY) + 1
    # Registered: its position.
    assert version_of(newer, (*SCHEMA_HISTORY, newer)) == len(SCHEMA_HISTORY) + 1


def test_a_changed_kind_or_nullability_is_a_newer_version() -> None:
    kind = _copies()
    kind["child"].append_column(Column("born", Date(), nullable=True))
    text = _copies()
    text["child"].append_column(Column("born", String(10), nullable=True))
    required = _copies()
    required["child"].append_column(Column("born", String(10), nullable=False))
    assert len({fingerprint(kind), fingerprint(text), fingerprint(required)}) == 3


def test_declaration_order_and_lengths_do_not_change_the_version() -> None:
    a = _copies()
    b = _copies()
    cols = [c for c in b["case_note"].columns]
    meta = MetaData()
    reordered = Table(
        "case_note",
        meta,
        *[
            Column(
                c.name, String(999) if isinstance(c.type, String) else c.type, nullable=c.nullable
            )
            for c in reversed(cols)
        ],
    )
    b["case_note"] = reordered
    assert fingerprint(a) == fingerprint(b)


def test_tables_outside_sync_do_not_count() -> None:
    tables = _copies()
    assert "user" not in tables and "vault_meta" not in tables
    assert set(tables) == set(synced_tables())
    assert model.User.__tablename__ not in tables
