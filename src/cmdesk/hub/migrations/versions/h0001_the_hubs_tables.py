"""the hub's tables

Revision ID: h0001
Revises:
Create Date: 2026-12-05 23:30:00

The tables as they stood when the hub's schema moved to Alembic. A hub set up before then has
some of them already, perhaps without the columns added since: each table is made if missing
and each later column added if missing, so old and new hubs end the same.
"""

from __future__ import annotations

import time

import sqlalchemy as sa
from alembic import op

revision = "h0001"
down_revision = None
branch_labels = None
depends_on = None

# SQLite's words; PostgreSQL's differ for blobs and times (_words).
TABLES = (
    """CREATE TABLE IF NOT EXISTS org (
    org_id TEXT PRIMARY KEY, code TEXT NOT NULL, sign_public BLOB NOT NULL,
    next_seq INTEGER NOT NULL DEFAULT 1)""",
    """CREATE TABLE IF NOT EXISTS revoked (
    org_id TEXT NOT NULL, subject TEXT NOT NULL, PRIMARY KEY (org_id, subject))""",
    """CREATE TABLE IF NOT EXISTS mailbox (
    recipient_org TEXT NOT NULL, seq INTEGER NOT NULL, sha256 TEXT NOT NULL UNIQUE,
    bundle_id TEXT NOT NULL UNIQUE, size INTEGER NOT NULL, sender_org TEXT NOT NULL,
    sender_device TEXT NOT NULL, PRIMARY KEY (recipient_org, seq))""",
    """CREATE TABLE IF NOT EXISTS fetched (
    sha256 TEXT NOT NULL, device_id TEXT NOT NULL, PRIMARY KEY (sha256, device_id))""",
    """CREATE TABLE IF NOT EXISTS used_nonce (nonce TEXT PRIMARY KEY, expires REAL NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS upload (
    upload_id TEXT PRIMARY KEY, device_id TEXT NOT NULL, org_id TEXT NOT NULL,
    length INTEGER NOT NULL, expires REAL NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS upload_chunk (
    upload_id TEXT NOT NULL, at INTEGER NOT NULL, data BLOB NOT NULL,
    PRIMARY KEY (upload_id, at))""",
    """CREATE TABLE IF NOT EXISTS device (
    device_id TEXT PRIMARY KEY, org_id TEXT NOT NULL, first_seen REAL NOT NULL,
    last_seen REAL NOT NULL)""",
)
# Columns added to the first hubs' tables: (table, column, definition).
COLUMNS = (
    # Unix time the bundle became visible; 0 for bundles from before (their retention counts
    # from this upgrade).
    ("mailbox", "created_at", "REAL NOT NULL DEFAULT 0"),
    # Days an organisation's bundles are kept at most; NULL: the hub's default.
    ("org", "retention_days", "INTEGER"),
    # A bundle sealed to one laptop of the recipient: only it lists and fetches it.
    ("mailbox", "recipient_device", "TEXT NOT NULL DEFAULT ''"),
    # 1: a laptop limited to one team's cases: the organisation's bundles do not wait for it.
    ("device", "scoped", "INTEGER NOT NULL DEFAULT 0"),
)


def _words(sql: str) -> str:
    if op.get_bind().dialect.name == "postgresql":
        return sql.replace("BLOB", "BYTEA").replace("REAL", "DOUBLE PRECISION")
    return sql


def upgrade() -> None:
    for statement in TABLES:
        op.execute(_words(statement))
    inspector = sa.inspect(op.get_bind())
    for table, name, definition in COLUMNS:
        if name not in {c["name"] for c in inspector.get_columns(table)}:
            op.execute(_words(f"ALTER TABLE {table} ADD COLUMN {name} {definition}"))
    op.execute(
        sa.text("UPDATE mailbox SET created_at = :now WHERE created_at = 0").bindparams(
            now=time.time()
        )
    )


def downgrade() -> None:
    raise NotImplementedError("the hub's metadata is never downgraded")
