"""The sync engine's storage: transactions on the vault's raw connection, the replica's clock,
change capture, and the release of held changes. Exporting, importing, resolution and
re-identification work through it (the internal API of the sync package), so none of them
reaches into the engine's private members.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager

from cmdesk.core.acting.audit import AuditService
from cmdesk.core.acting.context import Context
from cmdesk.core.sync.capture import LocalCounters, capture
from cmdesk.core.sync.db import Db
from cmdesk.core.sync.hlc import Hlc, MsClock
from cmdesk.core.sync.materialize import RowWriter, held_ops, recompute
from cmdesk.core.sync.model import APPLIED, DEFERRED, QUARANTINED
from cmdesk.core.sync.oplog import Origins

# Page cache for imports, in KiB (negative: SQLite's unit for a size rather than pages). Part
# of an import's bounded memory (issue 10: <= 300 MB): importing 10k cases into a new laptop
# took the same CPU time with 32, 64 or 128 MiB (about 9.5 s), and 17 s with 16 MiB.
BULK_CACHE_KIB = -48 * 1024


# What the workspace wraps around applying received records (sync knows nothing of what
# else is kept beside them): the search index, brought up to date once per segment.
Applying = Callable[[Db], AbstractContextManager[None]]


class SyncStore:
    def __init__(
        self, ctx: Context, audit: AuditService, now_ms: MsClock, applying: Applying
    ) -> None:
        self.ctx = ctx
        self.audit = audit
        # Replaceable (tests give a laptop a wrong clock).
        self.now_ms: MsClock = now_ms
        self.origins = Origins()
        self.applying = applying

    def now(self) -> int:
        return self.now_ms()

    def capture(self, db: Db) -> int:
        """Turns the writes committed since the last capture into this device's operations."""
        return capture(db, self.origins, self.ctx.device_id, self.now)

    @contextmanager
    def read(self) -> Iterator[Db]:
        with self.ctx.engine.connect() as conn, conn.begin():
            yield conn.connection.driver_connection  # type: ignore[misc]

    @contextmanager
    def write(self) -> Iterator[Db]:
        with self.ctx.engine.connect() as conn:
            conn.execution_options(cmdesk_immediate=True)
            with conn.begin():
                yield conn.connection.driver_connection  # type: ignore[misc]

    @contextmanager
    def bulk(self) -> Iterator[Callable[[], AbstractContextManager[Db]]]:
        """One connection for a long import, with a page cache large enough that writing a
        whole organisation's records does not thrash; each call opens one transaction."""
        with self.ctx.engine.connect() as conn:
            conn.execution_options(cmdesk_immediate=True)
            raw: Db = conn.connection.driver_connection  # type: ignore[assignment]
            before = raw.execute("PRAGMA cache_size").fetchone()[0]
            raw.execute(f"PRAGMA cache_size = {BULK_CACHE_KIB}")

            @contextmanager
            def transaction() -> Iterator[Db]:
                with conn.begin():
                    yield raw

            try:
                yield transaction
            finally:
                raw.execute(f"PRAGMA cache_size = {int(before)}")

    def org_id(self, db: Db) -> str:
        row = db.execute("SELECT value FROM vault_meta WHERE key = 'org_id'").fetchone()
        return str(row[0])

    def release(self, db: Db, state: int) -> int:
        """Applies held changes that may apply now: quarantined ones whose time has come, or
        ones that waited for an upgrade whose fields this version knows."""
        counters = LocalCounters.load(db)
        clock = Hlc(counters.hlc, self.now)
        rows = db.execute(
            "SELECT origin, seq, hlc, tbl, row_id FROM sync_change WHERE state = ?", (state,)
        ).fetchall()
        ready = [r for r in rows if state != QUARANTINED or clock.accepts(r[2])]
        keys = sorted({(r[3], r[4]) for r in ready})
        if not ready:
            return 0
        if state == QUARANTINED:
            for r in ready:
                clock.receive(r[2])
            db.executemany(
                "UPDATE sync_change SET state = ? WHERE origin = ? AND seq = ?",
                [(DEFERRED, r[0], r[1]) for r in ready],
            )
        writer = RowWriter()
        for key in keys:
            recompute(db, self.origins, key, writer)
            _, still_waiting = held_ops(db, self.origins, *key)
            if not still_waiting:
                db.execute(
                    "UPDATE sync_change SET state = ? WHERE tbl = ? AND row_id = ? AND state = ?",
                    (APPLIED, key[0], key[1], DEFERRED),
                )
        writer.flush(db)
        counters.hlc = clock.last
        counters.save(db)
        db.execute("DELETE FROM sync_dirty")
        return len(ready)
