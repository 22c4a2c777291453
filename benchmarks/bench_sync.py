"""Sync costs, each beside a baseline measured in the same run on the same encrypted vaults.

Targets (issue 6): applying 100k field operations at >= 0.5x the rate of raw inserts of the
same rows; capture makes ordinary writes <= 1.5x slower; <= 60 bytes per operation in a
bundle; export and import of a 10k-case vault each <= 10 s.

Records come from the demo generator (cmdesk.core.demo), so values are realistic Thai and
English text. `SYNC_BENCH_CASES` overrides the size of the large vault (default 10000);
`SYNC_BENCH_LARGER=N` adds the peak memory of importing a bundle of N cases (issue 10: bounded
whatever the bundle; about two minutes more for 30000).
"""

from __future__ import annotations

import contextlib
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import text

from cmdesk.core.demo.generate import generate
from cmdesk.core.model import Child, new_id, org_id_for
from cmdesk.core.sync import authority, batches, bundle_format, keys, values
from cmdesk.core.sync.importing import apply_segment, collector_paused
from cmdesk.core.sync.payload import Payload, decode
from cmdesk.core.sync.store import BULK_CACHE_KIB
from cmdesk.core.sync.tables import AUDIT_TABLE, synced_tables
from cmdesk.core.vault import crypto
from cmdesk.core.workspace import Workspace

Row = tuple[str, float, float | None, str]
USER, PASS = "admin", "benchmark passphrase"
BIG = int(os.environ.get("SYNC_BENCH_CASES", "10000"))
LARGER = int(os.environ.get("SYNC_BENCH_LARGER", "0"))
# ~330 operations per demo case: about 100k operations.
APPLY_CASES = 310
WRITES = 150


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


def founding(root: Path, code: str = "WVFT") -> Workspace:
    return Workspace.create(
        root, org_code=code, username=USER, passphrase=PASS, kdf=crypto.weak_kdf_for_tests()
    )


def laptop(source: Workspace, root: Path) -> Workspace:
    data, secret = source.sync.enrolment_file("data_manager")
    return Workspace.join(
        root, data, secret, username=USER, passphrase=PASS, kdf=crypto.weak_kdf_for_tests()
    )


def without_capture(ws: Workspace) -> None:
    """The same vault as it would be without sync: no commit hook, no capture triggers."""
    ws.sync.close()
    with ws.ctx.engine.begin() as conn:
        names = (
            conn.execute(
                text(
                    "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'sync!_%' "
                    "ESCAPE '!'"
                )
            )
            .scalars()
            .all()
        )
        for name in names:
            conn.execute(text(f'DROP TRIGGER "{name}"'))


def operations(ws: Workspace) -> int:
    with ws.ctx.read() as s:
        return int(
            s.execute(
                text("SELECT coalesce(sum(span), 0) FROM sync_change WHERE tbl != :a"),
                {"a": AUDIT_TABLE},
            ).scalar()
            or 0
        )


def ordinary_writes(ws: Workspace, n: int) -> float:
    """Seconds per ordinary write: a child registered, then one field edited (ORM, audited)."""
    started = time.perf_counter()
    for i in range(n // 2):
        with ws.ctx.write() as s:
            child = Child(
                id=new_id(),
                org_id=ws.actor.org_id,
                given_name_th="มะลิ",
                family_name_th="แสงดี",
                nickname=f"n{i}",
                village="บ้านห้วยน้ำริน",
            )
            s.add(child)
            ws.audit.record(s, "child.create", "child", child.id)
        with ws.ctx.write() as s:
            found = s.get(Child, child.id)
            assert found is not None
            found.nickname = f"edited {i}"
            ws.audit.record(s, "child.update", "child", child.id)
    return (time.perf_counter() - started) / n


def raw_insert(source: Workspace, target: Workspace) -> float:
    """Seconds to insert every record of `source` into `target` with plain SQL, in one
    transaction (the target's own indexes and full-text triggers fire as they would)."""
    batches = []
    with source.ctx.read() as s:
        for name, table in synced_tables().items():
            if name == AUDIT_TABLE:
                continue
            cols = ["id", *table.columns]
            select = ", ".join(f'"{c}"' for c in cols)
            rows = s.execute(text(f'SELECT {select} FROM "{name}"')).all()
            if rows:
                marks = ", ".join("?" * len(cols))
                batches.append((f'INSERT INTO "{name}" ({select}) VALUES ({marks})', rows))
    raw = target.vault.engine.raw_connection()
    try:
        db = raw.driver_connection
        # The page cache an import gets, so that neither side spills pages the other keeps.
        before = db.execute("PRAGMA cache_size").fetchone()[0]  # type: ignore[union-attr]
        db.execute(f"PRAGMA cache_size = {BULK_CACHE_KIB}")  # type: ignore[union-attr]
        started = time.perf_counter()
        db.execute("BEGIN IMMEDIATE")  # type: ignore[union-attr]
        for sql, rows in batches:
            db.executemany(sql, [tuple(r) for r in rows])  # type: ignore[union-attr]
        db.execute("COMMIT")  # type: ignore[union-attr]
        elapsed = time.perf_counter() - started
        db.execute(f"PRAGMA cache_size = {int(before)}")  # type: ignore[union-attr]
        return elapsed
    finally:
        raw.close()


def apply_only(ws: Workspace, data: bytes) -> tuple[float, float, int]:
    """(seconds to check and decode, seconds to apply, operations) for one bundle, applied
    segment by segment in transactions as `import_bundle` does."""
    engine = ws.sync
    own = engine.keys()

    def check_and_decode() -> Payload:
        parsed = bundle_format.parse(data)
        return decode(bundle_format.decrypt(parsed, own.org.box_secret), parsed.header.format)

    with collector_paused():  # as import_bundle does
        t_decode, payload = timed(check_and_decode)
        started = time.perf_counter()
        with engine.store.bulk() as transaction:  # the import's connection and page cache
            for segment in payload.segments:
                with transaction() as db:
                    apply_segment(engine, db, segment)
        t_apply = time.perf_counter() - started
    return t_decode, t_apply, payload.operations()


def authority_check(ws: Workspace, data: bytes) -> float:
    """Seconds to judge every change of the bundle as if another organisation had sent it
    about its own records (the per-change path; this organisation's own bundles skip it)."""
    own = ws.sync.keys()
    parsed = bundle_format.parse(data)
    payload = decode(bundle_format.decrypt(parsed, own.org.box_secret), parsed.header.format)
    sender = parsed.header.sender_org
    with ws.sync.store.read() as db:
        facts = authority.Facts(
            own_org=org_id_for("ECPAT"),
            sender_org=sender,
            sender_device=parsed.header.sender_device,
            device_orgs={o: sender for seg in payload.segments for o in {c.origin for c in seg}},
            held={},
            owner=authority.db_owner(db),
        )
        started = time.perf_counter()
        verdict = authority.check(payload.segments, facts)
        elapsed = time.perf_counter() - started
    # Every change was judged (most pass; its audit entries and rows of other organisations'
    # referrals in the demo data are refused): what matters here is the time per change.
    assert sum(len(seg) for seg in verdict.segments) + len(verdict.refused) > 0
    return elapsed


def signature_check(ws: Workspace, data: bytes) -> float:
    """Seconds to check every change of the bundle against its origin's signed batch as if a
    third laptop had relayed it (issue 10; the per-change path: a bundle's own sender's
    changes skip it)."""
    own = ws.sync.keys()
    parsed = bundle_format.parse(data)
    payload = decode(bundle_format.decrypt(parsed, own.org.box_secret), parsed.header.format)
    sender = parsed.header.sender_device
    keys_ = batches.OriginKeys({sender: parsed.header.cert.sign_public}, {}, {}, {})
    started = time.perf_counter()
    checked = batches.check(
        payload.segments,
        batches.OriginCheck(
            payload.batches,
            "a relay",
            lambda origin, seq: False,
            lambda origin: own.org.identity.org_id,
            own.org.identity.org_id,
            keys_,
        ),
    )
    elapsed = time.perf_counter() - started
    assert not checked.refused and checked.batches  # every change verified
    return elapsed


def value_check(ws: Workspace, data: bytes) -> float:
    """Seconds to check that every value of the bundle fits its column (values.py: every
    import does, whoever sent it)."""
    own = ws.sync.keys()
    parsed = bundle_format.parse(data)
    payload = decode(bundle_format.decrypt(parsed, own.org.box_secret), parsed.header.format)
    started = time.perf_counter()
    bad = sum(len(values.refused(seg)) for seg in payload.segments)
    elapsed = time.perf_counter() - started
    assert bad == 0  # the demo organisation's own values all fit
    return elapsed


@contextlib.contextmanager
def quick_enrolment() -> Iterator[Path]:
    """A temporary folder, with enrolment files' key derivation cut to a minimum meanwhile
    (the benchmarks measure sync, not the passphrase of an enrolment file)."""
    saved = keys.ENROL_OPS, keys.ENROL_MEM
    keys.ENROL_OPS, keys.ENROL_MEM = 1, 8192
    try:
        with tempfile.TemporaryDirectory() as tmp:
            yield Path(tmp)
    finally:
        keys.ENROL_OPS, keys.ENROL_MEM = saved


def run() -> list[Row]:
    with quick_enrolment() as root:
        rows = _capture_overhead(root) + _apply_rate(root) + _big_vault(root)
        return rows + (_larger_bundle(root, LARGER) if LARGER else [])


def _capture_overhead(root: Path) -> list[Row]:
    with_sync = founding(root / "w1")
    plain = founding(root / "w2")
    without_capture(plain)
    ordinary_writes(with_sync, 20)  # warm-up
    ordinary_writes(plain, 20)
    a, b = [], []
    for _ in range(3):
        a.append(ordinary_writes(with_sync, WRITES))
        b.append(ordinary_writes(plain, WRITES))
    with_sync.close()
    plain.close()
    return [
        (
            "ordinary write with capture (target <= 1.5x)",
            statistics.median(a) * 1000,
            statistics.median(b) * 1000,
            "ms",
        ),
    ]


def _apply_rate(root: Path) -> list[Row]:
    source = founding(root / "a1")
    generate(source, APPLY_CASES, workers=0, syncable=True)
    n_ops = operations(source)
    data, result = source.sync.export()
    decode_s, apply_s, raw_s, log_s = [], [], [], []
    checks_s: list[tuple[float, float, float]] = []
    for i in range(3):  # alternating, each into fresh laptops: the median of three
        target = laptop(source, root / f"t{i}")
        baseline = laptop(source, root / f"r{i}")
        without_capture(baseline)
        t_decode, t_apply, applied = apply_only(target, data)
        # Each check in each round too: one reading of a few tens of milliseconds moved
        # the total by a tenth from one run to the next.
        checks_s.append(
            (
                authority_check(target, data),
                signature_check(target, data),
                value_check(target, data),
            )
        )
        raw_s.append(raw_insert(source, baseline))
        assert target.sync.state_hash() == source.sync.state_hash()
        decode_s.append(t_decode)
        apply_s.append(t_apply)
        # The naive alternative: every operation stored as one row, nothing merged.
        log_s.append(_raw_op_rows(baseline, applied))
        target.close()
        baseline.close()
    source.close()
    t_decode, t_apply = statistics.median(decode_s), statistics.median(apply_s)
    t_raw, t_log = statistics.median(raw_s), statistics.median(log_s)
    check_s, sign_s, values_s = (statistics.median(c) for c in zip(*checks_s, strict=True))
    return [
        (
            f"apply {applied:,} operations (target >= 0.5x)",
            applied / t_apply,
            n_ops / t_raw,
            "ops/s",
        ),
        ("  check, decrypt and decode the same bundle", applied / t_decode, None, "ops/s"),
        (
            "  authority of each change, as a partner's bundle (issue 10) vs apply",
            applied / check_s,
            applied / t_apply,
            "ops/s",
        ),
        (
            "  origin signatures of each change, as relayed (issue 10) vs apply",
            applied / sign_s,
            applied / t_apply,
            "ops/s",
        ),
        (
            "  values fit their columns (every import) vs apply",
            applied / values_s,
            applied / t_apply,
            "ops/s",
        ),
        (
            "apply + authority + signatures + values (target >= 0.4x raw insert)",
            applied / (t_apply + check_s + sign_s + values_s),
            n_ops / t_raw,
            "ops/s",
        ),
        ("  raw insert of one row per operation (no merge)", applied / t_log, None, "ops/s"),
        ("bundle size per operation (target <= 60)", result.size / applied, None, "bytes"),
    ]


def _raw_op_rows(ws: Workspace, n: int) -> float:
    rows = [
        ("device", i, i, "child", f"row-{i // 30}", f"field_{i % 30}", f"value {i}", None)
        for i in range(1, n + 1)
    ]
    raw = ws.vault.engine.raw_connection()
    try:
        db = raw.driver_connection
        db.execute(  # type: ignore[union-attr]
            "CREATE TABLE bench_op (origin TEXT, seq INTEGER, hlc INTEGER, tbl TEXT, "
            "row_id TEXT, field TEXT, value, prev, PRIMARY KEY (origin, seq))"
        )
        started = time.perf_counter()
        db.execute("BEGIN IMMEDIATE")  # type: ignore[union-attr]
        db.executemany("INSERT INTO bench_op VALUES (?,?,?,?,?,?,?,?)", rows)  # type: ignore[union-attr]
        db.execute("COMMIT")  # type: ignore[union-attr]
        return time.perf_counter() - started
    finally:
        raw.close()


def _big_vault(root: Path) -> list[Row]:
    source = founding(root / "b1")
    t_gen, _ = timed(lambda: generate(source, BIG, syncable=True))
    n_ops = operations(source)
    target = laptop(source, root / "b2")
    t_export, (data, _) = timed(lambda: source.sync.export())
    # A hub taking bundles of at most 4 MB: the same first sync in parts (issue 12).
    t_parts, pieces = timed(lambda: source.sync.export_parts(4 << 20))
    parts_bytes = sum(len(piece) for piece, _ in pieces)
    t_import, result = timed(lambda: target.sync.import_bundle(data))
    assert result.new >= n_ops
    same = target.sync.state_hash() == source.sync.state_hash()
    fresh = laptop(source, root / "b3")
    fresh.close()
    source.close()
    target.close()
    assert same
    bundle = root / "big.cmdbundle"
    bundle.write_bytes(data)
    opened = _peak_rss_mb(root / "b3", "sync", "status")
    imported = _peak_rss_mb(root / "b3", "sync", "import", str(bundle))
    return [
        (f"demo vault of {BIG:,} cases: {n_ops:,} operations", n_ops / BIG, None, "ops/case"),
        ("  generating it (capture included)", t_gen, None, "s"),
        (f"export of {BIG:,} cases (target <= 10 s)", t_export, None, "s"),
        (f"import of {BIG:,} cases (target <= 10 s)", t_import, None, "s"),
        ("  bundle size", len(data) / 1e6, None, "MB"),
        (
            f"  in parts of at most 4 MB for a hub ({len(pieces)} parts) vs whole",
            parts_bytes / 1e6,
            len(data) / 1e6,
            "MB",
        ),
        ("  cutting it into parts", t_parts, t_export, "s"),
        (
            f"peak memory, `sync import` of {BIG:,} cases (<= 300 MB) vs `sync status`",
            imported,
            opened,
            "MB",
        ),
    ]


def _larger_bundle(root: Path, cases: int) -> list[Row]:
    """Peak memory of importing a larger bundle: an import holds one segment decoded at a
    time, so it grows with the bundle's file and a few bytes per change, not its contents."""
    source = founding(root / "l1")
    generate(source, cases, syncable=True)
    fresh = laptop(source, root / "l2")
    fresh.close()
    data, result = source.sync.export()
    source.close()
    bundle = root / "larger.cmdbundle"
    bundle.write_bytes(data)
    del data
    opened = _peak_rss_mb(root / "l2", "sync", "status")
    imported = _peak_rss_mb(root / "l2", "sync", "import", str(bundle))
    return [
        (
            f"peak memory, `sync import` of {cases:,} cases ({result.size / 1e6:.0f} MB)"
            " vs `sync status`",
            imported,
            opened,
            "MB",
        ),
    ]


def _peak_rss_mb(vault: Path, *args: str) -> float:
    """The largest resident set of one `cmdesk` process, as the operating system counted it
    (measured by a parent of its own: this process's other children would hide a smaller one)."""
    env = {**os.environ, "CMDESK_PASSPHRASE": PASS, "CMDESK_LANG": "en"}
    command = [sys.executable, "-m", "cmdesk.cli.main", "--vault", str(vault), "--user", USER]
    parent = (
        "import resource, subprocess, sys\n"
        "subprocess.run(sys.argv[1:], check=True, capture_output=True)\n"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    out = subprocess.run(
        [sys.executable, "-c", parent, *command, *args],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return int(out.strip()) / 1024  # KiB on Linux
