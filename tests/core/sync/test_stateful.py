"""Four replicas (three laptops of WVFT, one of the partner ECPAT) doing random work and
random exchanges: duplicated, reordered, relayed and truncated bundles, referrals with and
without consent, consent withdrawn. After a final full exchange, the laptops of WVFT hold the
same data and the same conflicts, no operation is lost, every record is what its history
says, and the partner holds exactly what was shared with it."""

from __future__ import annotations

import functools
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any, ClassVar

import pytest
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, rule, run_state_machine_as_test
from sqlalchemy import text

from cmdesk.core.errors import BundleRejected
from cmdesk.core.model import Case, Child, Referral
from cmdesk.core.sync import rejections as rej
from cmdesk.core.sync.materialize import EVERY, held_ops
from cmdesk.core.sync.merge import REMOVED, row_state
from cmdesk.core.sync.oplog import load_ops
from cmdesk.core.sync.resolution import open_conflicts
from cmdesk.core.sync.sharing import SECTIONS, scope_for
from cmdesk.core.sync.tables import AUDIT_TABLE, synced_tables
from cmdesk.core.vault import engine as vault_engine
from cmdesk.core.vault import migrate
from cmdesk.core.workspace import Workspace
from tests.core.sync.conftest import Net, copy_network, exchange, open_ws, sync
from tests.core.sync.records import (
    PARTNER,
    add_case,
    add_child,
    add_consent,
    add_note,
    add_referral,
    edit,
    soft_delete,
    withdraw_consent,
)

EXAMPLES = int(os.environ.get("SYNC_EXAMPLES", "200"))
ORG_LAPTOPS = ("a1", "a2", "a3")
REPLICAS = (*ORG_LAPTOPS, "p1")
OWNED = {n: t.owned for n, t in synced_tables().items()}
TEXT = st.sampled_from(["", "น้อย", "Noi", "บ้านห้วยน้ำริน", "Mae Chan", "ก", "ลาหู่"])


def has_row(ws: Workspace, table: str, row_id: str) -> bool:
    with ws.ctx.read() as s:
        return (
            s.execute(text(f'SELECT 1 FROM "{table}" WHERE id = :i'), {"i": row_id}).first()
            is not None
        )


def data_ops(ws: Workspace) -> set[tuple[str, int]]:
    """(origin, seq) of every held operation on a record (the audit trail aside)."""
    out: set[tuple[str, int]] = set()
    with ws.ctx.read() as s:
        for device, seq, ops in s.execute(
            text(
                "SELECT o.device_id, c.seq, c.ops FROM sync_change c "
                "JOIN sync_origin o ON o.idx = c.origin WHERE c.tbl != :a"
            ),
            {"a": AUDIT_TABLE},
        ):
            out.update((device, seq + op[0]) for op in load_ops(ops))
    return out


def expand(table: str, clocks: dict[str, Any]) -> set[str]:
    """The fields a record's clocks speak for ("*": every column not listed)."""
    names = set(clocks) - {EVERY}
    if EVERY in clocks:
        names |= set(synced_tables()[table].columns)
    return names


def known_fields(ws: Workspace) -> dict[tuple[str, str], set[str]]:
    with ws.ctx.read() as s:
        return {
            (t, r): expand(t, json.loads(c))
            for t, r, c in s.execute(text("SELECT tbl, row_id, clocks FROM sync_row"))
        }


def values(ws: Workspace, table: str, row_id: str) -> dict[str, Any]:
    with ws.ctx.read() as s:
        result = s.execute(text(f'SELECT * FROM "{table}" WHERE id = :i'), {"i": row_id})
        row = result.first()
        return dict(zip(result.keys(), row, strict=True)) if row else {}


def fsck(ws: Workspace) -> None:
    """Every stored record equals the full merge of its history (fast paths included)."""
    engine = sync(ws)
    with engine.store.read() as db:
        keys = db.execute("SELECT tbl, row_id, flags FROM sync_row").fetchall()
        conflicts = {r[0] for r in db.execute("SELECT id FROM sync_conflict")}
        expected_conflicts: set[str] = set()
        for tbl, row_id, _flags in keys:
            ops, _ = held_ops(db, engine.store.origins, tbl, row_id)
            st_ = row_state(tbl, row_id, ops)
            expected_conflicts |= {c.id for c in st_.conflicts}
            cols = ["id", *synced_tables()[tbl].columns]
            select = ", ".join(f'"{c}"' for c in cols)
            row = db.execute(f'SELECT {select} FROM "{tbl}" WHERE id = ?', (row_id,)).fetchone()
            if st_.removed:
                assert row is None, (tbl, row_id)
                continue
            assert row is not None, (tbl, row_id)
            stored = dict(zip(cols, row, strict=True))
            for name, value in st_.values.items():
                if name != REMOVED:
                    assert stored[name] == value, (tbl, row_id, name)
        assert conflicts == expected_conflicts


class SyncMachine(RuleBasedStateMachine):
    template: ClassVar[Path]

    def __init__(self) -> None:
        super().__init__()
        # Real SQLCipher files; in memory-backed /dev/shm where there is one, for speed.
        shm = Path("/dev/shm")
        self.dir = Path(tempfile.mkdtemp(prefix="sync-sm-", dir=shm if shm.is_dir() else None))
        self.net: Net = copy_network(self.template, self.dir)
        seed = json.loads((self.template / "seed.json").read_text())
        # (org of owner, child id) and (org, case id, child id); the seed is on every laptop.
        self.children: list[tuple[str, str]] = [("WVFT", seed["child"])]
        self.cases: list[tuple[str, str, str]] = [("WVFT", seed["case"], seed["child"])]
        self.consents: list[str] = []
        self.referrals: list[str] = []
        self.bundles: list[tuple[str, bytes]] = []  # (recipient org code, data)
        self.shared_ever: set[tuple[str, str, str]] = set()
        self.backups: dict[str, Path] = {}  # laptop -> its latest `backup` copy

    def ws(self, name: str) -> Workspace:
        ws: Workspace = getattr(self.net, name)
        return ws

    @staticmethod
    def org(name: str) -> str:
        return PARTNER if name == "p1" else "WVFT"

    # -- work --------------------------------------------------------------------------
    @rule(rep=st.sampled_from(REPLICAS), nickname=TEXT)
    def create_child(self, rep: str, nickname: str) -> None:
        child = add_child(self.ws(rep), nickname=nickname)
        self.children.append((self.org(rep), child))

    @rule(rep=st.sampled_from(REPLICAS), data=st.data())
    def create_case(self, rep: str, data: st.DataObject) -> None:
        mine = [
            c for o, c in self.children if o == self.org(rep) and has_row(self.ws(rep), "child", c)
        ]
        if mine:
            child = data.draw(st.sampled_from(mine))
            self.cases.append((self.org(rep), add_case(self.ws(rep), child), child))

    @rule(
        rep=st.sampled_from(REPLICAS),
        data=st.data(),
        name=st.sampled_from(["nickname", "village"]),
        value=TEXT,
    )
    def edit_child(self, rep: str, data: st.DataObject, name: str, value: str) -> None:
        here = [c for _, c in self.children if has_row(self.ws(rep), "child", c)]
        if here:
            edit(self.ws(rep), Child, data.draw(st.sampled_from(here)), **{name: value})

    @rule(rep=st.sampled_from(REPLICAS), data=st.data(), risk=st.sampled_from(["low", "high"]))
    def edit_case(self, rep: str, data: st.DataObject, risk: str) -> None:
        here = [c for _, c, _ in self.cases if has_row(self.ws(rep), "case_file", c)]
        if here:
            edit(
                self.ws(rep),
                Case,
                data.draw(st.sampled_from(here)),
                risk_level=risk,
                risk_reason=f"by {rep}",
            )

    @rule(rep=st.sampled_from(ORG_LAPTOPS), data=st.data())
    def delete_case(self, rep: str, data: st.DataObject) -> None:
        here = [c for _, c, _ in self.cases if has_row(self.ws(rep), "case_file", c)]
        if here:
            soft_delete(self.ws(rep), Case, data.draw(st.sampled_from(here)))

    @rule(rep=st.sampled_from(REPLICAS), data=st.data(), body=TEXT)
    def note(self, rep: str, data: st.DataObject, body: str) -> None:
        here = [c for _, c, _ in self.cases if has_row(self.ws(rep), "case_file", c)]
        if here:
            add_note(self.ws(rep), data.draw(st.sampled_from(here)), body or "-")

    @rule(
        rep=st.sampled_from(ORG_LAPTOPS),
        data=st.data(),
        consent=st.booleans(),
        sections=st.lists(st.sampled_from(sorted(SECTIONS)), unique=True, max_size=3),
    )
    def refer(self, rep: str, data: st.DataObject, consent: bool, sections: list[str]) -> None:
        ws = self.ws(rep)
        here = [(c, ch) for o, c, ch in self.cases if o == "WVFT" and has_row(ws, "case_file", c)]
        if not here:
            return
        case, child = data.draw(st.sampled_from(here))
        consent_id = add_consent(ws, child, case) if consent else None
        if consent_id:
            self.consents.append(consent_id)
        self.referrals.append(add_referral(ws, case, child, sections, consent_id))

    @rule(rep=st.sampled_from(ORG_LAPTOPS), data=st.data())
    def withdraw(self, rep: str, data: st.DataObject) -> None:
        here = [c for c in self.consents if has_row(self.ws(rep), "consent", c)]
        if here:
            withdraw_consent(self.ws(rep), data.draw(st.sampled_from(here)))

    @rule(data=st.data(), status=st.sampled_from(["acknowledged", "accepted", "declined"]))
    def partner_answers(self, data: st.DataObject, status: str) -> None:
        here = [r for r in self.referrals if has_row(self.net.p1, "referral", r)]
        if here:
            edit(self.net.p1, Referral, data.draw(st.sampled_from(here)), status=status)

    # -- exchanges ---------------------------------------------------------------------
    def _export(self, src: str, partner: bool, everything: bool = False) -> None:
        ws = self.ws(src)
        target = ("WVFT" if src == "p1" else PARTNER) if partner else self.org(src)
        if target == PARTNER:
            self._remember_scope(ws)
        data, _ = sync(ws).export(target, everything=everything)
        self.bundles.append((target, data))

    def _remember_scope(self, ws: Workspace) -> None:
        engine = sync(ws)
        owned = {n: t.owned for n, t in synced_tables().items()}
        with engine.store.read() as db:
            partner_id = engine.keys().org.identity.org_id
            from cmdesk.core.model import org_id_for

            scope = scope_for(db, org_id_for(PARTNER), owned)
            del partner_id
        for (tbl, row), fields in scope.items():
            for f in fields if fields is not None else (*synced_tables()[tbl].columns, REMOVED):
                self.shared_ever.add((tbl, row, f))

    @rule(src=st.sampled_from(REPLICAS), partner=st.booleans(), everything=st.booleans())
    def export(self, src: str, partner: bool, everything: bool) -> None:
        self._export(src, partner, everything)

    @rule(
        dst=st.sampled_from(REPLICAS),
        data=st.data(),
        how=st.sampled_from(["once", "twice", "truncated", "flipped"]),
    )
    def import_(self, dst: str, data: st.DataObject, how: str) -> None:
        mine = [b for org, b in self.bundles if org == self.org(dst)]
        if not mine:
            return
        bundle = data.draw(st.sampled_from(mine))
        engine = sync(self.ws(dst))
        if how in ("truncated", "flipped"):
            before = (engine.state_hash(), len(data_ops(self.ws(dst))))
            # Bundle sizes vary from run to run (random ids), so draw a fraction of them.
            where = data.draw(st.integers(0, 999_999))
            if how == "truncated":
                bad = bundle[: where * len(bundle) // 1_000_000]
            else:
                at = where * len(bundle) * 8 // 1_000_000
                bad = bytearray(bundle)
                bad[at // 8] ^= 1 << (at % 8)
            with pytest.raises(BundleRejected):
                engine.import_bundle(bytes(bad))
            assert (engine.state_hash(), len(data_ops(self.ws(dst)))) == before
            return
        engine.import_bundle(bundle)
        if how == "twice":
            before = engine.state_hash()
            assert engine.import_bundle(bundle).replay
            assert engine.state_hash() == before

    @rule(rep=st.sampled_from(["a2", "a3"]))
    def backup(self, rep: str) -> None:
        dest = Path(tempfile.mkdtemp(prefix=f"{rep}-backup-", dir=self.dir)) / "vault"
        self.ws(rep).backup(dest)
        self.backups[rep] = dest

    @rule(rep=st.sampled_from(["a2", "a3"]))
    def restore_from_backup(self, rep: str) -> None:
        """The laptop's vault is replaced by its older backup, as a data manager restores one:
        it must go on as a new identity (reidentify.py), reuse no sequence number, and get
        back from the others whatever it had sent them since the backup."""
        backup = self.backups.pop(rep, None)
        if backup is None:
            return
        ws = self.ws(rep)
        root, before = ws.vault.paths.root, ws.device_id
        ws.close()
        shutil.rmtree(root)
        shutil.copytree(backup, root)
        restored = open_ws(root)
        event("a laptop restored from its backup")
        assert restored.device_id != before
        setattr(self.net, rep, restored)

    @rule(data=st.data())
    def misdelivered(self, data: st.DataObject) -> None:
        """A bundle carried to a laptop of the wrong organisation is refused unread."""
        for org, bundle in self.bundles:
            wrong = "p1" if org == "WVFT" else data.draw(st.sampled_from(ORG_LAPTOPS))
            with pytest.raises(BundleRejected) as exc:
                sync(self.ws(wrong)).import_bundle(bundle)
            assert exc.value.text_id == rej.WRONG_RECIPIENT
            return

    # -- the end ---------------------------------------------------------------------------
    def teardown(self) -> None:
        try:
            self._final_check()
        finally:
            self.net.close()
            shutil.rmtree(self.dir, ignore_errors=True)

    def _final_check(self) -> None:
        a1, a2, a3, p1 = self.net.a1, self.net.a2, self.net.a3, self.net.p1
        exchange(p1, a1, "WVFT")
        for _ in range(2):
            for src, dst in ((a1, a2), (a2, a3), (a3, a1)):
                exchange(src, dst)
        self._remember_scope(a1)
        exchange(a1, p1, PARTNER)
        laptops = (a1, a2, a3)
        hashes = {sync(ws).state_hash() for ws in laptops}
        assert len(hashes) == 1, "laptops of one organisation differ"
        conflict_sets = [
            sorted((c.id, c.sides) for c in open_conflicts(sync(ws))) for ws in laptops
        ]
        assert conflict_sets[0] == conflict_sets[1] == conflict_sets[2]
        ops = [data_ops(ws) for ws in laptops]
        assert ops[0] == ops[1] == ops[2], "an operation was lost"
        for ws in laptops:
            status = sync(ws).status()
            assert status.quarantined == () and status.waiting_for_upgrade == ()
            fsck(ws)
        fsck(p1)
        # No operation of the partner's that concerns us is missing either.
        with sync(a1).store.read() as db:
            from cmdesk.core.model import org_id_for

            scope = scope_for(
                db, org_id_for(PARTNER), {n: t.owned for n, t in synced_tables().items()}
            )
        partner_org = org_id_for(PARTNER)
        held = known_fields(p1)
        for (tbl, row), fields in held.items():
            owner = values(p1, tbl, row).get("org_id") if synced_tables()[tbl].owned else None
            if tbl == AUDIT_TABLE or owner == partner_org:
                continue
            extra = {(tbl, row, f) for f in fields} - self.shared_ever
            assert not extra, f"the partner holds what was never shared: {sorted(extra)[:3]}"
        for (tbl, row), fields in scope.items():
            ours = values(a1, tbl, row)
            theirs = values(p1, tbl, row)
            for f in fields if fields is not None else synced_tables()[tbl].columns:
                if f != REMOVED and f in ours:
                    assert theirs.get(f) == ours[f], (tbl, f)


@pytest.fixture
def fast_vaults(monkeypatch: pytest.MonkeyPatch) -> None:
    """Durability is the crash tests' subject; here it only costs time (one fsync per
    commit), so these vaults commit without waiting for the disk. Opening a vault reads the
    migration scripts once instead of four times per example."""
    monkeypatch.setattr(migrate, "script", functools.cache(migrate.script))
    original = vault_engine.connect_keyed

    def connect(*args: Any, **kw: Any) -> Any:
        conn = original(*args, **kw)
        conn.execute("PRAGMA synchronous = OFF")
        return conn

    monkeypatch.setattr(vault_engine, "connect_keyed", connect)


@pytest.fixture(scope="session")
def seeded_template(network_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The network with one child and case already on every laptop of WVFT, so that random
    work meets on the same records from the first step."""
    dest = tmp_path_factory.mktemp("seeded")
    net = copy_network(network_template, dest)
    try:
        child = add_child(net.a1, nickname="seed")
        case = add_case(net.a1, child)
        exchange(net.a1, net.a2)
        exchange(net.a1, net.a3)
    finally:
        net.close()
    (dest / "seed.json").write_text(json.dumps({"child": child, "case": case}))
    return dest


@pytest.mark.slow
def test_replicas_converge_and_share_only_what_is_allowed(
    seeded_template: Path, fast_vaults: None
) -> None:
    SyncMachine.template = seeded_template
    run_state_machine_as_test(
        SyncMachine,
        settings=settings(
            max_examples=EXAMPLES,
            stateful_step_count=16,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        ),
    )


def test_template_network_is_isolated(network_template: Path, tmp_path: Path) -> None:
    # The laptops of the template share an organisation and trust the partner.
    net = copy_network(network_template, tmp_path)
    try:
        ids = {sync(ws).keys().org.identity.org_id for ws in (net.a1, net.a2, net.a3)}
        assert len(ids) == 1
        assert any(not t.own for t in sync(net.a2).trusted())
        assert len({ws.device_id for ws in net.all()}) == 4
    finally:
        net.close()
