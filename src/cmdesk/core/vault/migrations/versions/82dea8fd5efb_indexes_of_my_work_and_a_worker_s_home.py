"""indexes of My work and a worker's home

Revision ID: 82dea8fd5efb
Revises: 6e07072e81ca
Create Date: 2026-12-05 23:22:05.010808

What My work and a field worker's or case manager's home screen read instead of the rows
(issue 11): the open follow-ups of a case and of a worker, in My work's order, with the columns
that page and count them (partial: open and not deleted); the referrals waiting for an answer
by case (partial); a case's scope columns by id; and the live cases of a worker, a case manager
and a team with their ids, which replace the single-column indexes on those three columns
(same first column, so whatever used those can use these). Creating and dropping indexes does
not rebuild a table, so the capture and search triggers stay as they are (autogenerate's batch
form dropped and remade them for nothing).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "82dea8fd5efb"
down_revision = "6e07072e81ca"
branch_labels = None
depends_on = None

OPEN_TASK = sa.text("status = 'open' AND deleted_at IS NULL")
# (new index, its column, the single-column index it replaces)
CASE_LIVE = (
    ("ix_case_file_worker_live", "assigned_worker_id", "ix_case_file_assigned_worker_id"),
    ("ix_case_file_manager_live", "case_manager_id", "ix_case_file_case_manager_id"),
    ("ix_case_file_team_live", "team", "ix_case_file_team"),
)
NEW = (
    "ix_case_file_scope",
    *(name for name, _column, _old in CASE_LIVE),
    "ix_case_task_open_case",
    "ix_case_task_open_mine",
    "ix_referral_waiting",
)


def upgrade() -> None:
    op.create_index(
        "ix_case_file_scope",
        "case_file",
        ["id", "org_id", "deleted_at", "assigned_worker_id", "case_manager_id", "team"],
    )
    for name, column, old in CASE_LIVE:
        op.drop_index(old, table_name="case_file")
        op.create_index(name, "case_file", [column, "org_id", "deleted_at", "id"])
    op.create_index(
        "ix_case_task_open_case",
        "case_task",
        ["case_id", "due_date", "created_at", "id", "status", "deleted_at"],
        sqlite_where=OPEN_TASK,
    )
    op.create_index(
        "ix_case_task_open_mine",
        "case_task",
        ["assigned_to", "due_date", "created_at", "case_id", "id", "status", "deleted_at"],
        sqlite_where=OPEN_TASK,
    )
    op.create_index(
        "ix_referral_waiting",
        "referral",
        ["case_id", "status"],
        sqlite_where=sa.text("status IN ('sent', 'acknowledged')"),
    )
    # Their statistics, as 6e07072e81ca: without them the planner weighs a new index blind
    # against the old ones' measured selectivity.
    for name in NEW:
        op.execute(f"ANALYZE {name}")


def downgrade() -> None:
    op.drop_index("ix_referral_waiting", table_name="referral")
    op.drop_index("ix_case_task_open_mine", table_name="case_task")
    op.drop_index("ix_case_task_open_case", table_name="case_task")
    for name, column, old in reversed(CASE_LIVE):
        op.drop_index(name, table_name="case_file")
        op.create_index(old, "case_file", [column])
    op.drop_index("ix_case_file_scope", table_name="case_file")
