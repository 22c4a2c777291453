"""Records at scale: search, opening a case, the filtered caseload and demo generation, with
100,000 generated cases, each beside the same work on an unencrypted copy of the vault.

Targets (issue: search, demo data): search p95 <= 30 ms for Thai and for Latin substrings;
opening a case with its history <= 20 ms; first page of the filtered caseload <= 50 ms;
generating 100k demo cases <= 120 s.

The generated vault is cached between runs (in the user cache folder, keyed by a hash of the
code that shapes it), so a repeated run takes seconds. Environment:
    CMDESK_BENCH_CASES=N        cases to generate (default 100000)
    CMDESK_BENCH_GENERATE=1     also time a fresh generation, even when the vault is cached
    CMDESK_BENCH_PRUNE=1        delete the cached vaults of other code versions
"""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import platformdirs
import sqlcipher3.dbapi2 as sqlcipher
from sqlalchemy import Engine, create_engine, event, select, text
from sqlalchemy.pool import QueuePool

from cmdesk.core.acting.audit import AuditService
from cmdesk.core.acting.context import Context
from cmdesk.core.demo.generate import generate
from cmdesk.core.model import Case, Child, Referral
from cmdesk.core.search.service import CaseloadQuery, SearchService
from cmdesk.core.services.cases import CaseService
from cmdesk.core.services.referrals import referral_dtos
from cmdesk.core.vault import crypto
from cmdesk.core.workspace import Workspace

Row = tuple[str, float, float | None, str]
PASSPHRASE = "benchmark passphrase"
AS_OF = date(2026, 11, 25)
SEED = 7
# A network-sized staff: 30 field workers in teams of three, 10 case managers.
USERS = (
    ("supervisor", "supervisor", ""),
    *((f"cm{i:02d}", "case_manager", "") for i in range(1, 11)),
    *((f"fw{i:02d}", "field_worker", f"team{(i - 1) // 3 + 1}") for i in range(1, 31)),
)
SOURCES = (
    "core/demo",
    "core/model",
    "core/search/schema.py",
    "core/vault/migrations/versions",
)


def code_key(cases: int) -> str:
    """Changes whenever code that shapes the generated vault changes."""
    root = Path(__file__).resolve().parents[1] / "src" / "cmdesk"
    digest = hashlib.sha256(f"{cases}:{SEED}:{AS_OF}".encode())
    for source in SOURCES:
        path = root / source
        for file in sorted(path.rglob("*.py")) if path.is_dir() else [path]:
            digest.update(file.read_bytes())
    return digest.hexdigest()[:16]


def make_vault(root: Path, cases: int) -> float:
    """A vault with staff and `cases` demo cases; returns the seconds generation took."""
    kdf = crypto.weak_kdf_for_tests()  # the benchmark measures records, not key derivation
    ws = Workspace.create(root, org_code="DEMO", username="admin", passphrase=PASSPHRASE, kdf=kdf)
    try:
        for name, role, team in USERS:
            ws.users.add(name, PASSPHRASE, role, team=team, kdf=kdf)
        result = generate(ws, cases, seed=SEED, as_of=AS_OF)
    finally:
        ws.close()
    return result.seconds


def cached_vault(cases: int) -> tuple[Path, float | None]:
    """The vault for this code, built once. Other versions' vaults are kept (about 1.4 GB
    each): worktrees and branches benchmarked side by side each read their own; set
    CMDESK_BENCH_PRUNE=1 to delete them when a new one is built."""
    cache = Path(platformdirs.user_cache_dir("cmdesk", appauthor=False)) / "bench"
    root = cache / f"records-{code_key(cases)}"
    if (root / "cmdesk.db").exists():
        return root, None
    if os.environ.get("CMDESK_BENCH_PRUNE") == "1":
        for old in cache.glob("records-*"):
            shutil.rmtree(old, ignore_errors=True)
    cache.mkdir(parents=True, exist_ok=True)
    building = cache / f"building-{os.getpid()}"
    shutil.rmtree(building, ignore_errors=True)
    seconds = make_vault(building, cases)
    building.rename(root)
    return root, seconds


def plain_copy(ws: Workspace, dest: Path) -> None:
    """An unencrypted copy of the vault (sqlcipher_export), for baselines."""
    raw = ws.ctx.engine.raw_connection()  # autocommit: ATTACH/DETACH outside a transaction
    try:
        raw.execute(f"ATTACH DATABASE '{dest}' AS plain KEY ''")
        raw.execute("SELECT sqlcipher_export('plain')")
        raw.execute("DETACH DATABASE plain")
    finally:
        raw.close()


def plain_engine(path: Path) -> Engine:
    def connect() -> Any:
        conn = sqlcipher.connect(str(path), check_same_thread=False, isolation_level=None)
        for pragma in ("journal_mode = WAL", "synchronous = FULL", "secure_delete = ON"):
            conn.execute(f"PRAGMA {pragma}")
        return conn

    engine = create_engine("sqlite://", creator=connect, module=sqlcipher, poolclass=QueuePool)

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        immediate = conn.get_execution_options().get("cmdesk_immediate", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[18] if len(samples) >= 20 else max(samples)


def timed_ms(fn: Callable[[], object]) -> float:
    started = time.perf_counter()
    fn()
    return (time.perf_counter() - started) * 1000


def substrings(names: list[str], rng: random.Random, count: int) -> list[str]:
    """Realistic queries: 3-5 consecutive letters from real (generated) names."""
    out = []
    while len(out) < count:
        name = rng.choice(names).replace(" ", "")
        if len(name) < 5:
            continue
        size = rng.randint(3, 5)
        start = rng.randrange(len(name) - size + 1)
        out.append(name[start : start + size])
    return out


class Pair:
    """The same services over the vault and over its unencrypted copy."""

    def __init__(self, ws: Workspace, plain: Engine) -> None:
        self.ws = ws
        ctx = Context(plain, ws.device_id, ws.actor)
        self.plain_search = SearchService(ctx)
        self.plain_cases = CaseService(ctx, AuditService(ctx))

    def both(self, fn: Callable[[Any, Any], object], args: list[Any]) -> tuple[float, float]:
        vault = [timed_ms(lambda a=a: fn(self.ws.search, a)) for a in args]
        plain = [timed_ms(lambda a=a: fn(self.plain_search, a)) for a in args]
        return p95(vault), p95(plain)


def queries(ws: Workspace, rng: random.Random) -> tuple[list[str], list[str], list[str]]:
    with ws.ctx.read() as s:
        children = s.execute(
            select(Child.given_name_th, Child.family_name_th, Child.given_name_latin).limit(5000)
        ).all()
        case_ids = list(s.scalars(select(Case.id).order_by(text("random()")).limit(200)))
    thai = substrings([f"{g} {f}" for g, f, _ in children], rng, 100)
    latin = substrings([g for _, _, g in children if g], rng, 100)
    return thai, latin, case_ids


def filters() -> Iterator[CaseloadQuery]:
    """The caseload screen's queries: open cases, risk first (its default), narrowed by stage,
    risk or overdue follow-ups; and newest first with stage and risk."""
    yield CaseloadQuery(include_closed=False, order="risk")
    yield CaseloadQuery(include_closed=False, order="risk", overdue_only=True)
    yield CaseloadQuery(stages=("closure",), order="risk")
    for stage in ("assessment", "case_plan", "implementation", "review"):
        yield CaseloadQuery(stages=(stage,), order="risk")
        yield CaseloadQuery(stages=(stage,), order="risk", overdue_only=True)
        for risks in (("high", "critical"), ("low",)):
            yield CaseloadQuery(stages=(stage,), risks=risks)


def due_filters() -> Iterator[CaseloadQuery]:
    for stage in ("assessment", "implementation", "review"):
        yield CaseloadQuery(stages=(stage,), order="due")
        yield CaseloadQuery(stages=(stage,), order="due", overdue_only=True)


def run() -> list[Row]:
    cases = int(os.environ.get("CMDESK_BENCH_CASES", "100000"))
    out: list[Row] = []
    root, generated_s = cached_vault(cases)
    if generated_s is None and os.environ.get("CMDESK_BENCH_GENERATE") == "1":
        with tempfile.TemporaryDirectory() as tmp:
            generated_s = make_vault(Path(tmp) / "v", cases)
    if generated_s is not None:
        out.append((f"generate {cases:,} demo cases (<= 120 s)", generated_s, None, "s"))
    rng = random.Random(1)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp) / "v"
        shutil.copytree(root, work)
        ws = Workspace.open(work, "supervisor", PASSPHRASE)
        plain_path = Path(tmp) / "plain.db"
        plain_copy(ws, plain_path)
        engine = plain_engine(plain_path)
        pair = Pair(ws, engine)
        thai, latin, case_ids = queries(ws, rng)
        for warm in thai[:5] + latin[:5]:
            ws.search.search(warm)
            pair.plain_search.search(warm)
        v, b = pair.both(lambda svc, q: svc.search(q), thai)
        supervisor_thai = v
        out.append(("search p95, Thai substrings, supervisor (<= 30 ms)", v, b, "ms"))
        v, b = pair.both(lambda svc, q: svc.search(q), latin)
        out.append(("search p95, Latin substrings, supervisor (<= 30 ms)", v, b, "ms"))
        short = [q[:2] for q in thai[:50]] + [q[:2] for q in latin[:50]]
        v, b = pair.both(lambda svc, q: svc.search(q), short)
        out.append(("search p95, 2-letter prefixes", v, b, "ms"))
        v, b = pair.both(lambda svc, q: svc.caseload(q), list(filters()))
        out.append(("first page of filtered caseload p95 (<= 50 ms)", v, b, "ms"))
        v, b = pair.both(lambda svc, q: svc.caseload(q), list(due_filters()))
        out.append(("first page by next follow-up, by stage, p95", v, b, "ms"))
        opened = [timed_ms(lambda c=c: ws.cases.get(c)) for c in case_ids]
        plain_opened = [timed_ms(lambda c=c: pair.plain_cases.get(c)) for c in case_ids]
        out.append(
            ("open a case with its history p95 (<= 20 ms)", p95(opened), p95(plain_opened), "ms")
        )
        out.append(referral_lists(ws))
        # Issue 11: the supervisor's home screen is the first thing after unlocking; its
        # figures beside the first page of the caseload, the screen it replaced.
        home = [timed_ms(ws.home.figures) for _ in range(3)]
        first_page = [timed_ms(lambda: ws.search.caseload()) for _ in range(3)]
        out.append(
            (
                "home screen figures, supervisor vs caseload first page",
                min(home),
                min(first_page),
                "ms",
            )
        )
        ws.close()
        fw = Workspace.open(work, "fw01", PASSPHRASE)
        fw_times = [timed_ms(lambda q=q: fw.search.search(q)) for q in thai]
        # Issue 11: a field worker's search within 20 ms; beside the supervisor's, who sees the
        # whole organisation (the worker's scope once cost twice the supervisor's time).
        out.append(
            (
                "search p95, Thai, field worker (<= 20 ms) vs supervisor",
                p95(fw_times),
                supervisor_thai,
                "ms",
            )
        )
        fw.close()
        # A field worker and a case manager leave: the supervisor's home counts their open
        # cases, and the caseload lists them (CaseloadQuery.staff_left).
        with Workspace.open(work, "admin", PASSPHRASE) as admin:
            admin.users.remove("fw03")
            admin.users.remove("cm02")
        ws = Workspace.open(work, "supervisor", PASSPHRASE)
        gone_home = [timed_ms(ws.home.figures) for _ in range(3)]
        left = ws.home.figures().staff_left
        out.append(
            (
                f"  with two staff gone ({left:,} open cases of theirs) vs none gone",
                min(gone_home),
                min(home),
                "ms",
            )
        )
        theirs = CaseloadQuery(staff_left=True, include_closed=False)
        listed = [timed_ms(lambda: ws.search.caseload(theirs)) for _ in range(3)]
        out.append(
            ("first page of their cases vs caseload first page", min(listed), min(first_page), "ms")
        )
        ws.close()
        engine.dispose()
    return out


def referral_lists(ws: Workspace) -> Row:
    """The supervisor's outbox, every referral of the organisation's cases: read together
    (referrals.referral_dtos) beside one referral at a time, as lists were read before."""
    listed = [timed_ms(ws.referrals.outgoing) for _ in range(3)]
    count = len(ws.referrals.outgoing())

    def one_at_a_time() -> None:
        with ws.ctx.read() as s:
            for r in s.scalars(select(Referral).order_by(Referral.created_at.desc())):
                referral_dtos(s, [r])

    return (
        f"referral outbox, all {count:,} referrals, vs one at a time",
        min(listed),
        timed_ms(one_at_a_time),
        "ms",
    )


if __name__ == "__main__":
    for row in run():
        print(row)
