"""Alembic environment: always runs on the caller's already-keyed connection.

There is deliberately no URL here: an unkeyed connection could create a plaintext database.
"""

from __future__ import annotations

from typing import Any, Literal

from alembic import context

from cmdesk.core.model.base import UtcDateTime
from cmdesk.core.revision_hooks import process_revision_directives
from cmdesk.core.schema import METADATA, include_name


def render_item(kind: str, obj: Any, autogen_context: Any) -> str | Literal[False]:
    # Migrations must not import the model: render our column types as plain SQL types.
    if kind == "type" and isinstance(obj, UtcDateTime):
        return "sa.String(length=32)"
    return False


connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("cmdesk migrations run only on a keyed vault connection")

context.configure(
    connection=connection,
    target_metadata=METADATA,
    render_as_batch=True,
    compare_type=True,
    render_item=render_item,
    # The search index is hand-written DDL (FTS5), not model tables: never drop it.
    include_name=include_name,
    # Server defaults for new NOT NULL columns and the trigger DDL autogenerate cannot see.
    process_revision_directives=process_revision_directives,
)
with context.begin_transaction():
    context.run_migrations()
