"""The hub's metadata schema is migrated with Alembic: a hub set up before (tables made by hand,
without the columns added since) keeps every bundle it holds and gains what is new, on both
deployments; a new hub starts at the newest revision."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from alembic.script import ScriptDirectory

from cmdesk.hub.app import open_hub
from cmdesk.hub.storage import MIGRATIONS, Entry

# The first hubs' tables, as they made them before Alembic.
OLD = (
    "CREATE TABLE org (org_id TEXT PRIMARY KEY, code TEXT NOT NULL, sign_public {blob} NOT NULL,"
    " next_seq INTEGER NOT NULL DEFAULT 1)",
    "CREATE TABLE revoked (org_id TEXT NOT NULL, subject TEXT NOT NULL,"
    " PRIMARY KEY (org_id, subject))",
    "CREATE TABLE mailbox (recipient_org TEXT NOT NULL, seq INTEGER NOT NULL,"
    " sha256 TEXT NOT NULL UNIQUE, bundle_id TEXT NOT NULL UNIQUE, size INTEGER NOT NULL,"
    " sender_org TEXT NOT NULL, sender_device TEXT NOT NULL, PRIMARY KEY (recipient_org, seq))",
    "CREATE TABLE fetched (sha256 TEXT NOT NULL, device_id TEXT NOT NULL,"
    " PRIMARY KEY (sha256, device_id))",
    "CREATE TABLE used_nonce (nonce TEXT PRIMARY KEY, expires {real} NOT NULL)",
    "CREATE TABLE device (device_id TEXT PRIMARY KEY, org_id TEXT NOT NULL,"
    " first_seen {real} NOT NULL, last_seen {real} NOT NULL)",
    "INSERT INTO org VALUES ('org-b', 'ECPAT', {key}, 2)",
    "INSERT INTO mailbox VALUES ('org-b', 1, '{sha}', 'bundle-1', 1234, 'org-a', 'dev-a')",
)
SHA = "ab" * 32


def _old_hub(deployment: dict[str, Any], data: Path) -> None:
    if "db" in deployment:
        import psycopg

        with psycopg.connect(deployment["db"], autocommit=True) as db:
            for statement in OLD:
                db.execute(
                    statement.format(
                        blob="BYTEA", real="DOUBLE PRECISION", key="'\\x00'::bytea", sha=SHA
                    )
                )  # noqa: E501
        return
    data.mkdir(parents=True)
    with sqlite3.connect(data / "hub.sqlite") as db:
        for statement in OLD:
            db.execute(statement.format(blob="BLOB", real="REAL", key="x'00'", sha=SHA))


def _revision(hub: Any) -> str:
    return str(hub.meta._rows("SELECT version_num FROM alembic_version")[0][0])


def test_an_old_hub_keeps_its_bundles_and_gains_the_new_columns(
    deployment: dict[str, Any], tmp_path: Path
) -> None:
    data = tmp_path / "data"
    _old_hub(deployment, data)
    hub = open_hub(data, "hub-1", **deployment)
    try:
        head = ScriptDirectory(str(MIGRATIONS)).get_current_head()
        assert _revision(hub) == head
        kept = hub.meta.entry(SHA)
        assert kept is not None and (kept.bundle_id, kept.size) == ("bundle-1", 1234)
        assert kept.recipient_device == ""
        # What the newer columns are for works on the upgraded hub: a bundle for one laptop.
        new = Entry(0, "cd" * 32, "bundle-2", 10, "org-a", "dev-a", "org-b", "dev-b")
        assert hub.meta.publish(new).seq == 2
        assert [e.sha256 for e in hub.meta.pending("org-b", "dev-c", 0)] == [SHA]
        assert [e.sha256 for e in hub.meta.pending("org-b", "dev-b", 0)] == [SHA, "cd" * 32]
    finally:
        hub.close()
    # Opening it again finds nothing to do.
    again = open_hub(data, "hub-1", **deployment)
    try:
        assert _revision(again) == head
    finally:
        again.close()
