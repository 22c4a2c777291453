"""Everything a vault's database holds, assembled in one place: the records model, sync's own
tables and capture triggers, and the search index's FTS5 tables and triggers.

Vaults are made by running the migrations (cmdesk.core.vault.migrate), so a new vault and an
upgraded one are built by the same statements. This module is what the migrations are checked
against: Alembic's env compares with `METADATA`, and `create_all` builds the schema straight
from the code, for the tests that prove the migrations give the same database.
"""

from __future__ import annotations

from sqlalchemy import Connection, MetaData

from cmdesk.core.model import Base
from cmdesk.core.search import schema as search_schema
from cmdesk.core.sync import model as sync_model
from cmdesk.core.sync.triggers import ensure_triggers

# Importing sync.model defines sync's tables on the model's Base; this module is where that
# happens on purpose (the model itself never imports sync or search).
METADATA: MetaData = Base.metadata

include_name = search_schema.include_name  # Alembic: the FTS5 objects are not model tables


def create_all(connection: Connection) -> None:
    """Every table, index and trigger, from the code (not from the migrations)."""
    METADATA.create_all(connection)
    search_schema.create(connection)
    ensure_triggers(sync_model.SqlAlchemyDb(connection))
