"""indexes of the approvals queue

Revision ID: f0a977e4e985
Revises: ebb5ccd5ed4a
Create Date: 2026-12-05 20:17:40.943551

Two partial indexes that hold only the cases waiting for a supervisor (a plan submitted, a
closure requested), covering what the approvals queue reads: it reads them instead of every
case. Creating an index
does not rebuild the table, so the capture and search triggers stay as they are.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "f0a977e4e985"
down_revision = "ebb5ccd5ed4a"
branch_labels = None
depends_on = None

# As in cmdesk.core.model.case (WAITING_COLUMNS) when this revision was written.
COVERED = [
    "id",
    "case_number",
    "child_id",
    "stage",
    "org_id",
    "deleted_at",
    "assigned_worker_id",
    "case_manager_id",
    "team",
]
WAITING = (
    ("ix_case_file_plan_waiting", "plan_submitted_at", "plan_status = 'submitted'"),
    ("ix_case_file_closure_waiting", "closure_requested_at", "closure_status = 'requested'"),
)


def upgrade() -> None:
    for name, column, where in WAITING:
        op.create_index(name, "case_file", [column, *COVERED], sqlite_where=sa.text(where))


def downgrade() -> None:
    for name, _column, _where in WAITING:
        op.drop_index(name, table_name="case_file")
