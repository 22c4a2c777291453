"""Demo data: a realistic, deterministic, bilingual caseload written into a vault.

`generate(ws, cases, seed=...)` writes children (Thai and Latin names, highland groups,
villages in real Chiang Rai subdistricts) with households, cases spread over every stage and
risk level, casework, notes, consent and referrals among the partners in every state.

Fast enough for 100,000 cases: rows are built in plain Python (cmdesk.core.demo.records) and
written with SQLAlchemy Core bulk inserts, one transaction per batch of cases. Nothing is
bypassed that keeps the vault consistent: the search index and sync change capture are kept by
database triggers in the same transactions, and each batch appends one audit entry (ids and
counts only) to the hash chain. Only the per-row service checks are skipped; the rows are made
to pass them (tests check that).

The same seed, as-of day and vault give the same rows, ids included. Demo data goes only into a
vault with no children yet or one already holding demo data (vault_meta "demo"), never beside
real records.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import random
import sys
import time
import uuid
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Final

from sqlalchemy import Connection, delete, func, select, text
from sqlalchemy.orm import Session

from cmdesk.core.acting import audit as audit_chain
from cmdesk.core.acting.thai_time import thai_today
from cmdesk.core.demo.batches import WRITERS, Batch, CaseSpec, build_batch
from cmdesk.core.demo.mechanisms import demo_mechanisms
from cmdesk.core.demo.records import TABLES, DemoWorld, Partner, Staff, case_year
from cmdesk.core.errors import CmdeskError, ValidationError
from cmdesk.core.i18n import N_
from cmdesk.core.model import Child, Mechanism, MechanismMeeting, Organisation, User, VaultMeta
from cmdesk.core.model.roles import Role
from cmdesk.core.progress import CancelToken, Progress
from cmdesk.core.search import schema as search_schema
from cmdesk.core.services.case_numbers import device_part
from cmdesk.core.services.organisations import own_org_id
from cmdesk.core.sync.model import SyncDirty
from cmdesk.core.workspace import Workspace

MAX_CASES: Final = 1_000_000
DEFAULT_BATCH: Final = 2000
DEMO_KEY: Final = "demo"
# Cases were opened over about three years, more of them recently.
_MEAN_DAYS_OPEN: Final = 300
_MAX_DAYS_OPEN: Final = 1100

__all__ = ["DemoResult", "NotADemoVault", "dataset_hash", "generate"]


class NotADemoVault(CmdeskError):
    msgid = N_(
        "This vault holds real records. Demo data goes only into a new vault or a demo vault."
    )


@dataclass(frozen=True)
class DemoResult:
    seed: int
    cases: int  # cases written (fewer than asked if cancelled)
    rows: dict[str, int]
    cancelled: bool
    seconds: float


def _check(cases: int, seed: int, batch: int) -> None:
    if not 1 <= cases <= MAX_CASES:
        raise ValidationError.single("cases", N_("Give a number from 1 to {max}."), max=MAX_CASES)
    if seed < 0:
        raise ValidationError.single("seed", N_("Give a number of 0 or more."))
    if batch < 1:
        raise ValidationError.single("batch", N_("Give a number of 1 or more."))


def _staff(session: Session, org_id: str, role: Role) -> tuple[Staff, ...]:
    users = session.execute(
        select(User.id, User.team)
        .where(User.org_id == org_id, User.role == role.value, User.active.is_(True))
        .order_by(User.username)
    ).all()
    return tuple(Staff(uid, team) for uid, team in users)


def _world(session: Session, ws: Workspace, as_of: date) -> DemoWorld:
    org_id = own_org_id(session)
    orgs = session.scalars(select(Organisation).order_by(Organisation.code)).all()
    own = next(o for o in orgs if o.id == org_id)
    partners = tuple(
        Partner(
            o.id,
            tuple(o.services or ()),
            str(uuid.uuid5(uuid.NAMESPACE_URL, f"cmdesk-demo-partner-staff:{o.code}")),
        )
        for o in orgs
        if o.id != org_id and o.services
    )
    return DemoWorld(
        org_id=org_id,
        org_code=own.code,
        device_part=device_part(ws.device_id),
        actor_id=ws.actor.user_id,
        as_of=as_of,
        field_workers=_staff(session, org_id, Role.FIELD_WORKER),
        case_managers=_staff(session, org_id, Role.CASE_MANAGER),
        supervisors=_staff(session, org_id, Role.SUPERVISOR),
        partners=partners,
    )


def _mechanisms(ws: Workspace, world: DemoWorld, seed: int, syncable: bool) -> DemoWorld:
    """The world with the vault's community mechanisms, made on the first run."""
    with ws.ctx.write() as s:
        if s.scalar(select(func.count()).select_from(Mechanism)) == 0:
            rows, meetings = demo_mechanisms(seed, world.org_id, world.actor_id, world.as_of)
            s.add_all([*rows, *meetings])
            s.flush()
            audit_chain.append(
                s,
                device_id=ws.device_id,
                actor=ws.actor.username,
                action="demo.mechanisms",
                detail={"seed": seed, "mechanisms": len(rows), "meetings": len(meetings)},
            )
            if not syncable:
                tables = (Mechanism.__tablename__, MechanismMeeting.__tablename__)
                s.execute(delete(SyncDirty).where(SyncDirty.tbl.in_(tables)))
        by_place: dict[str, list[str]] = {}
        for mech_id, code in s.execute(
            select(Mechanism.id, Mechanism.subdistrict_code)
            .where(Mechanism.org_id == world.org_id)
            .order_by(Mechanism.id)
        ):
            by_place.setdefault(code, []).append(mech_id)
    return replace(world, mechanisms=tuple((k, tuple(v)) for k, v in sorted(by_place.items())))


def _opening_times(rng: random.Random, count: int, now: datetime) -> list[datetime]:
    """When each case was opened, oldest first, so case numbers count up with time."""
    times = []
    for _ in range(count):
        days = min(int(rng.expovariate(1 / _MEAN_DAYS_OPEN)) + 1, _MAX_DAYS_OPEN)
        times.append(now - timedelta(days=days, seconds=rng.randrange(6 * 3600)))
    return sorted(times)


def _meta(session: Session, key: str) -> VaultMeta | None:
    return session.get(VaultMeta, key)


def _set_meta(session: Session, key: str, value: str) -> None:
    row = _meta(session, key)
    if row is None:
        session.add(VaultMeta(key=key, value=value))
    else:
        row.value = value


def _insert(conn: Connection, batch: Batch) -> None:
    # The DBAPI connection of the same transaction: the search and sync triggers still fire.
    raw = conn.connection.dbapi_connection
    assert raw is not None
    cursor = raw.cursor()
    try:
        for table in TABLES:
            if batch.values[table]:
                w = WRITERS[table]
                k = w.columns.index("id")
                cursor.executemany(w.sql, sorted(batch.values[table], key=lambda v: v[k]))
    finally:
        cursor.close()


def _specs(world: DemoWorld, opened: list[datetime], seqs: dict[int, int]) -> list[CaseSpec]:
    """Each case's number, counting up per Buddhist-Era year after the vault's own sequence."""
    specs = []
    for i, at in enumerate(opened):
        year = case_year(at)
        seqs[year] += 1
        number = f"{world.org_code}-{year}-{world.device_part}-{seqs[year]:04d}"
        specs.append(CaseSpec(i, number, at))
    return specs


def _batches(
    world: DemoWorld, seed: int, run: int, specs: list[CaseSpec], size: int, workers: int
) -> Iterator[Batch]:
    """Built batches in order. With workers, several are built ahead while one is written."""
    chunks = [specs[i : i + size] for i in range(0, len(specs), size)]
    if workers < 1 or len(chunks) < 3:
        for chunk in chunks:
            yield build_batch(world, seed, run, chunk)
        return
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        pending: deque[Future[Batch]] = deque()
        try:
            for chunk in chunks:
                pending.append(pool.submit(build_batch, world, seed, run, chunk))
                if len(pending) > workers + 1:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        finally:
            for future in pending:
                future.cancel()


def default_workers() -> int:
    """Worker processes for building: every core but one is shared with the writer. None in a
    frozen (PyInstaller) build, whose entry point would have to call freeze_support first."""
    if getattr(sys, "frozen", False):
        return 0
    return max(1, (os.cpu_count() or 1) - 1)


def generate(
    ws: Workspace,
    cases: int,
    *,
    seed: int = 1,
    as_of: date | None = None,
    batch: int = DEFAULT_BATCH,
    workers: int | None = None,
    syncable: bool = False,
    progress: Progress | None = None,
    cancel: CancelToken | None = None,
) -> DemoResult:
    """Writes `cases` demo cases (each with its own child). Data managers only.

    Each batch of `batch` cases is one transaction; cancelling keeps the batches written.
    `workers=0` builds in this process (small datasets do anyway).

    Demo records stay in this vault: sync does not send them unless `syncable` (sync's
    change capture then records every field of every row, which costs more than writing
    them: about 2 ms per case). A demo record someone edits is sent like any other."""
    ws.ctx.require_role(Role.DATA_MANAGER)
    _check(cases, seed, batch)
    started = time.perf_counter()
    day = as_of or thai_today()
    with ws.ctx.read() as s:
        marker = _meta(s, DEMO_KEY)
        if marker is None and (s.scalar(select(func.count()).select_from(Child)) or 0) > 0:
            raise NotADemoVault
        run = int(json.loads(marker.value)["runs"]) if marker else 0
        world = _world(s, ws, day)
        opened = _opening_times(random.Random(f"cmdesk-demo:{seed}:{run}"), cases, world.now)
        years = {case_year(t) for t in opened}
        seqs = {y: int(getattr(_meta(s, f"case_seq:{y}"), "value", 0)) for y in years}
    specs = _specs(world, opened, dict(seqs))
    world = _mechanisms(ws, world, seed, syncable)

    totals = dict.fromkeys(TABLES, 0)
    done = 0
    cancelled = False
    pool_size = default_workers() if workers is None else workers
    for built in _batches(world, seed, run, specs, batch, pool_size):
        if cancel is not None and cancel.cancelled:
            cancelled = True
            break
        last = built.first + built.count
        with ws.ctx.write() as s:
            _insert(s.connection(), built)
            if not syncable:
                # Sync's triggers marked every new row; unmarked, commit captures nothing.
                s.execute(delete(SyncDirty).where(SyncDirty.tbl.in_(TABLES)))
            for year in seqs:
                taken = [sp for sp in specs[built.first : last] if case_year(sp.opened_at) == year]
                if taken:
                    _set_meta(s, f"case_seq:{year}", taken[-1].case_number.rsplit("-", 1)[1])
            _set_meta(s, DEMO_KEY, json.dumps({"seed": seed, "runs": run + 1}))
            audit_chain.append(
                s,
                device_id=ws.device_id,
                actor=ws.actor.username,
                action="demo.generate",
                detail={"seed": seed, "run": run, "first": built.first, "cases": built.count},
            )
        for table in TABLES:
            totals[table] += len(built.values[table])
        done = last
        if progress is not None:
            progress(done, cases)
    with ws.ctx.write() as s:
        # One index segment and fresh planner statistics: searches stay fast after a bulk load.
        conn = s.connection()
        search_schema.optimize(conn)
        for table in ("case_file", "case_task", "child"):
            conn.execute(text(f"ANALYZE {table}"))
    return DemoResult(seed, done, totals, cancelled, time.perf_counter() - started)


def dataset_hash(ws: Workspace) -> str:
    """SHA-256 over every demo table's rows in id order: equal hashes, equal datasets."""
    digest = hashlib.sha256()
    with ws.ctx.read() as s:
        conn = s.connection()
        for table in TABLES:
            digest.update(table.encode())
            result = conn.execute(text(f"SELECT * FROM {table} ORDER BY id"))
            for row in result:
                digest.update(json.dumps(list(row), ensure_ascii=False, default=str).encode())
    return digest.hexdigest()
