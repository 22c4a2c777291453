"""indexes of the home screen and My work

Revision ID: 6e07072e81ca
Revises: 9177b257aa02
Create Date: 2026-12-05 22:49:32.393772

Two indexes the home screen's counts read instead of the rows (issue 11): open tasks by due
date with their case and worker (partial: only open, not deleted), and cases by organisation
and deletion with their stage and risk level (the counts by risk and stage; and the few cases
outside a supervisor's scope, which the task and referral counts subtract). Creating an index
does not rebuild the table, so the capture and search triggers stay as they are.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "6e07072e81ca"
down_revision = "9177b257aa02"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_case_file_org_live", "case_file", ["org_id", "deleted_at", "stage", "risk_level", "id"]
    )
    op.create_index(
        "ix_case_task_open_due",
        "case_task",
        ["due_date", "case_id", "assigned_to"],
        sqlite_where=sa.text("status = 'open' AND deleted_at IS NULL"),
    )
    # Their statistics, so the planner knows that a vault's cases share one or two org_id
    # values: without them it took ix_case_file_org_live for the approvals queue (org_id and
    # deleted_at equal) over the queue's own partial indexes, and read every case (100k: 2 s).
    for name in ("ix_case_file_org_live", "ix_case_task_open_due"):
        op.execute(f"ANALYZE {name}")


def downgrade() -> None:
    op.drop_index("ix_case_task_open_due", table_name="case_task")
    op.drop_index("ix_case_file_org_live", table_name="case_file")
