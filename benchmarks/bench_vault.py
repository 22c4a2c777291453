"""Vault costs: unlock split into key derivation and open; bulk insert and indexed reads in the
encrypted vault against plain SQLite on the same rows, with the same durability settings.

Targets (issue 2): open after key derivation <= 50 ms; bulk insert <= 1.3x plain SQLite.
"""

from __future__ import annotations

import random
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import sqlcipher3.dbapi2 as sqlcipher

from cmdesk.core.vault import crypto
from cmdesk.core.vault.engine import connect_keyed
from cmdesk.core.vault.store import Vault, VaultPaths
from cmdesk.core.workspace import Workspace

ROWS = 50_000
Row = tuple[str, float, float | None, str]

SCHEMA = (
    "CREATE TABLE item (id TEXT PRIMARY KEY, org_id TEXT, name TEXT, village TEXT, n INTEGER)",
    "CREATE INDEX ix_item_n ON item(n)",
)


def make_rows(rng: random.Random) -> list[tuple[str, str, str, str, int]]:
    return [
        (
            f"{i:08d}-{rng.getrandbits(64):016x}",
            "org",
            f"ชื่อทดสอบ {i} Name {i}",
            f"บ้าน {rng.randint(1, 900)}",
            i,
        )
        for i in range(ROWS)
    ]


def plain_connect(path: Path) -> Any:
    conn = sqlite3.connect(path, isolation_level=None)
    for pragma in (
        "journal_mode = WAL",
        "synchronous = FULL",
        "foreign_keys = ON",
        "secure_delete = ON",
        "temp_store = MEMORY",
    ):
        conn.execute(f"PRAGMA {pragma}")
    return conn


def timed(fn: Callable[[], object]) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def bulk_insert(conn: Any, rows: list[tuple[str, str, str, str, int]]) -> None:
    for ddl in SCHEMA:
        conn.execute(ddl)
    conn.execute("BEGIN")
    conn.executemany("INSERT INTO item VALUES (?,?,?,?,?)", rows)
    conn.execute("COMMIT")


def indexed_reads(conn: Any, keys: list[int]) -> None:
    for k in keys:
        conn.execute("SELECT id, name FROM item WHERE n = ?", (k,)).fetchone()


def run() -> list[Row]:
    rng = random.Random(1)
    rows = make_rows(rng)
    keys = [rng.randrange(ROWS) for _ in range(ROWS)]
    out: list[Row] = []
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        # Unlock: key derivation with this machine's tuned parameters, then opening the vault.
        params = crypto.tune_kdf()
        kdf_s = statistics.median(
            timed(lambda: crypto.derive_key(b"pass", params)) for _ in range(3)
        )
        ws = Workspace.create(
            root / "v",
            org_code="BENCH",
            username="admin",
            passphrase="benchmark passphrase",
            kdf=params,
        )
        data_key = ws.vault.data_key
        ws.close()
        slots = Vault._load_slots(VaultPaths(root / "v"))

        def open_only() -> None:
            vault = Vault._open(VaultPaths(root / "v"), slots, data_key)
            with vault.engine.connect() as conn:
                conn.exec_driver_sql("SELECT count(*) FROM app_user").scalar()
            vault.lock()

        open_only()  # warm imports
        open_s = statistics.median(timed(open_only) for _ in range(10))
        out.append(("unlock: key derivation (Argon2id, tuned)", kdf_s * 1000, None, "ms"))
        out.append(
            ("unlock: open after key derivation (target <= 50 ms)", open_s * 1000, None, "ms")
        )

        # Bulk insert and reads: same rows, same pragmas. Baselines: stdlib sqlite3, and the
        # same SQLCipher build without a key (isolates the cost of encryption itself).
        def plain_stdlib(path: Path) -> Any:
            return plain_connect(path)

        def plain_same_build(path: Path) -> Any:
            conn = sqlcipher.connect(str(path), isolation_level=None)
            for pragma in ("journal_mode = WAL", "synchronous = FULL", "secure_delete = ON"):
                conn.execute(f"PRAGMA {pragma}")
            return conn

        def encrypted(path: Path) -> Any:
            return connect_keyed(path, crypto.new_data_key(), create=True)

        best: dict[str, tuple[float, float]] = {}
        for attempt in range(2):  # alternate, keep the best of two: less noise from the OS cache
            for name, opener in (
                ("stdlib", plain_stdlib),
                ("unkeyed", plain_same_build),
                ("vault", encrypted),
            ):
                conn = opener(root / f"{name}-{attempt}.db")
                ins = timed(lambda c=conn: bulk_insert(c, rows))
                rd = timed(lambda c=conn: indexed_reads(c, keys))
                conn.close()
                prev = best.get(name, (float("inf"), float("inf")))
                best[name] = (min(prev[0], ins), min(prev[1], rd))
        v_ins, v_rd = best["vault"]
        for name, label in (("stdlib", "stdlib sqlite3"), ("unkeyed", "same build, no key")):
            b_ins, b_rd = best[name]
            out.append((f"bulk insert {ROWS:,} rows, time vs {label} (<= 1.3x)", v_ins, b_ins, "s"))
            out.append((f"indexed point reads {ROWS:,}, time vs {label}", v_rd, b_rd, "s"))
    return out


if __name__ == "__main__":
    for row in run():
        print(row)
