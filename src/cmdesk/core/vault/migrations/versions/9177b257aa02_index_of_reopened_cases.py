"""index of reopened cases

Revision ID: 9177b257aa02
Revises: f0a977e4e985
Create Date: 2026-12-05 22:29:22.511154

A partial index holding only the stage changes out of closure (reopenings), by organisation
and time: the network figures count a period's reopenings from it instead of reading every
stage change. Creating an index does not rebuild the table, so the capture triggers stay as
they are.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "9177b257aa02"
down_revision = "f0a977e4e985"
branch_labels = None
depends_on = None

NAME = "ix_case_stage_change_reopened"


def upgrade() -> None:
    op.create_index(
        NAME,
        "case_stage_change",
        ["org_id", "created_at"],
        sqlite_where=sa.text("from_stage = 'closure'"),
    )


def downgrade() -> None:
    op.drop_index(NAME, table_name="case_stage_change")
