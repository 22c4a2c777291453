"""SQLAlchemy engine over SQLCipher, every pooled connection keyed before any other statement."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import sqlcipher3.dbapi2 as sqlcipher
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine.interfaces import ExceptionContext
from sqlalchemy.pool import QueuePool

from cmdesk.core.errors import VaultDamaged

_DAMAGE_MARKERS = ("file is not a database", "malformed", "disk image")


def is_damage(exc: BaseException) -> bool:
    return isinstance(exc, sqlcipher.DatabaseError) and any(m in str(exc) for m in _DAMAGE_MARKERS)


def key_pragma(data_key: bytes) -> str:
    # A raw 256-bit key: no per-connection KDF, the passphrase work happened in the slot.
    return f"PRAGMA key = \"x'{data_key.hex()}'\""


def connect_keyed(path: Path, data_key: bytes, *, create: bool = False) -> Any:
    """Opens one keyed connection. mode=rw: a mistyped path never creates a database."""
    mode = "rwc" if create else "rw"
    conn = sqlcipher.connect(
        f"file:{path}?mode={mode}", uri=True, check_same_thread=False, isolation_level=None
    )
    try:
        conn.execute(key_pragma(data_key))
        # SQLCipher reports a wrong key or a damaged first page only on the first read.
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        conn.execute("PRAGMA busy_timeout = 10000")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA secure_delete = ON")
        conn.execute("PRAGMA temp_store = MEMORY")
    except sqlcipher.DatabaseError as exc:
        conn.close()
        raise VaultDamaged from exc
    return conn


def make_engine(
    path: Path, data_key: bytes | Callable[[], bytes], *, create: bool = False
) -> Engine:
    """`data_key`: the key, or where to read it for each new connection (a vault whose key is
    replaced keeps its engine: Vault.rekey)."""
    key_of = data_key if callable(data_key) else (lambda: data_key)
    engine = create_engine(
        "sqlite://",
        creator=lambda: connect_keyed(path, key_of(), create=create),
        module=sqlcipher,
        poolclass=QueuePool,
        pool_size=4,
        max_overflow=16,
        pool_timeout=30,
        # SQL parameters are personal data: keep them out of exception text and logs.
        hide_parameters=True,
    )

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        # The driver runs in autocommit; SQLAlchemy's transactions are real BEGIN/COMMIT.
        # Writers take the lock up front, so two writers never deadlock upgrading a read lock.
        immediate = conn.get_execution_options().get("cmdesk_immediate", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    @event.listens_for(engine, "handle_error")
    def _damage(ctx: ExceptionContext) -> None:
        if is_damage(ctx.original_exception):
            raise VaultDamaged from ctx.original_exception

    return engine
