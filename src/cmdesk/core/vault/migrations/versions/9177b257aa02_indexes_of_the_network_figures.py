"""indexes of the network figures

Revision ID: 9177b257aa02
Revises: f0a977e4e985
Create Date: 2026-12-05 22:29:22.511154

Two indexes the network figures (cmdesk.core.stats.aggregates) read instead of whole tables:
a partial index holding only the stage changes out of closure (reopenings), by organisation
and time; and an organisation's cases by opening time with every column the figures count.
Creating an index does not rebuild the table, so the capture and search triggers stay as they
are.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "9177b257aa02"
down_revision = "f0a977e4e985"
branch_labels = None
depends_on = None

REOPENED = "ix_case_stage_change_reopened"
FIGURES = "ix_case_file_figures"
# As in cmdesk.core.model.case (FIGURES_COLUMNS) when this revision was written.
COVERED = [
    "closed_at",
    "deleted_at",
    "child_id",
    "risk_level",
    "stage",
    "concerns",
    "referred_by_mechanism_id",
    "referred_to_mechanism_id",
]


def upgrade() -> None:
    op.create_index(
        REOPENED,
        "case_stage_change",
        ["org_id", "created_at"],
        sqlite_where=sa.text("from_stage = 'closure'"),
    )
    op.create_index(FIGURES, "case_file", ["org_id", "opened_at", *COVERED])


def downgrade() -> None:
    op.drop_index(FIGURES, table_name="case_file")
    op.drop_index(REOPENED, table_name="case_stage_change")
