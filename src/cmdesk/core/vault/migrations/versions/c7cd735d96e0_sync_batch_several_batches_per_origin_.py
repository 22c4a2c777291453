"""sync_batch: several batches per origin and first number

Two copies of one vault (a folder copied whole) sign runs of their changes from the same
number under one device id and key; both signatures are genuine, and a relay that holds some
of each copy's versions needs both to vouch for every change it relays on (batches.py). The
signature joins the primary key. Autogenerate does not see a primary key change: written by
hand.

Revision ID: c7cd735d96e0
Revises: 8fe22232ec44
Create Date: 2026-12-05 19:30:43.487001
"""

from __future__ import annotations

from alembic import op

revision = "c7cd735d96e0"
down_revision = "8fe22232ec44"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sync_batch", recreate="always") as batch_op:
        batch_op.drop_constraint("pk_sync_batch", type_="primary")
        batch_op.create_primary_key("pk_sync_batch", ["origin", "first", "signature"])


def downgrade() -> None:
    # One batch per origin and first number again: the one stored first is kept.
    op.execute(
        "DELETE FROM sync_batch WHERE rowid NOT IN "
        "(SELECT min(rowid) FROM sync_batch GROUP BY origin, first)"
    )
    with op.batch_alter_table("sync_batch", recreate="always") as batch_op:
        batch_op.drop_constraint("pk_sync_batch", type_="primary")
        batch_op.create_primary_key("pk_sync_batch", ["origin", "first"])
