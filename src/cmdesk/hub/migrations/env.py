"""Alembic environment of the hub's metadata (SQLite or PostgreSQL): runs on the connection the
hub hands it (storage.migrate), never on a URL of its own."""

from __future__ import annotations

from alembic import context

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("the hub's migrations run only on the connection storage.migrate gives")

context.configure(connection=connection, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
