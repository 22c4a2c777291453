"""Passphrases, slots and recovery: what a user and a data manager would do."""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from cmdesk.core.errors import (
    PermissionDenied,
    RecoveryKeyMismatch,
    UnlockThrottled,
    ValidationError,
    WrongPassphrase,
)
from cmdesk.core.vault import crypto
from cmdesk.core.vault.throttle import delay_after
from cmdesk.core.workspace import Workspace
from tests.conftest import ADMIN, ADMIN_PASS, WORKER, WORKER_PASS

# Captured at import: the autouse fixture in tests/conftest.py swaps in a cheap tuner.
real_tune_kdf = crypto.tune_kdf


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def settle(vault_dir: Path) -> None:
    """Open and close once so the WAL is checkpointed into the main file."""
    ws = Workspace.open(vault_dir, ADMIN, ADMIN_PASS)
    with ws.ctx.read() as s:
        s.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
    ws.close()


def test_passphrase_change_rewrites_a_slot_not_the_database(vault_dir: Path) -> None:
    settle(vault_dir)
    db = vault_dir / "cmdesk.db"
    before = digest(db)
    ws = Workspace.open(vault_dir, WORKER, WORKER_PASS)
    # Opening appends an 'unlock' audit entry; only the change itself is measured.
    with ws.ctx.read() as s:
        s.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
    before = digest(db)
    ws.users.change_passphrase(WORKER, "a brand new passphrase", old_passphrase=WORKER_PASS)
    ws.close()
    assert digest(db) == before
    wal = vault_dir / "cmdesk.db-wal"
    assert not wal.exists() or wal.stat().st_size == 0
    with pytest.raises(WrongPassphrase):
        Workspace.open(vault_dir, WORKER, WORKER_PASS)
    time.sleep(delay_after(1))
    with Workspace.open(vault_dir, WORKER, "a brand new passphrase") as again:
        actions = [
            r[0]
            for r in again.ctx.engine.connect().execute(
                text("SELECT action FROM audit_entry ORDER BY at")
            )
        ]
    # The change and the failed attempt reach the audit trail at the next unlock.
    assert "user.passphrase" in actions
    assert "unlock.failed" in actions


def test_changing_your_own_passphrase_needs_the_old_one(ws: Workspace, vault_dir: Path) -> None:
    worker = Workspace.open(vault_dir, WORKER, WORKER_PASS)
    with pytest.raises(WrongPassphrase):
        worker.users.change_passphrase(WORKER, "another new passphrase", old_passphrase="guess")
    with pytest.raises(PermissionDenied):
        worker.users.change_passphrase(ADMIN, "taking over the admin")
    worker.close()


def test_short_passphrase_is_refused_with_the_field_named(ws: Workspace) -> None:
    with pytest.raises(ValidationError) as err:
        ws.users.add("newuser", "short", "field_worker")
    assert err.value.errors[0].field == "passphrase"
    assert "newuser" not in [u.username for u in ws.users.list()]


def test_removing_a_user_locks_them_out(ws: Workspace, vault_dir: Path) -> None:
    ws.users.remove(WORKER)
    slots = json.loads((vault_dir / "keyslots.json").read_text())
    assert WORKER not in [s["user"] for s in slots["slots"]]
    with pytest.raises(WrongPassphrase):
        Workspace.open(vault_dir, WORKER, WORKER_PASS)


def test_a_removed_account_opens_again_for_the_person_who_came_back(
    ws: Workspace, vault_dir: Path
) -> None:
    before = ws.users.get(WORKER)
    ws.users.remove(WORKER)
    with pytest.raises(ValidationError) as taken:
        ws.users.add(ADMIN, "another passphrase", "data_manager")
    assert taken.value.errors[0].field == "username"  # an active account's name stays taken

    back = ws.users.add(WORKER, "back from leave again", "case_manager", team="north")
    assert back.reopened and back.active and back.id == before.id  # their history stays theirs
    assert (back.role, back.team, back.display_name) == ("case_manager", "north", before.name)
    with Workspace.open(vault_dir, WORKER, "back from leave again") as worker:
        assert worker.ctx.actor.role == "case_manager"
    assert not ws.users.add("newcomer", "a new passphrase", "field_worker").reopened


def test_field_worker_cannot_add_users(vault_dir: Path) -> None:
    with Workspace.open(vault_dir, WORKER, WORKER_PASS) as worker, pytest.raises(PermissionDenied):
        worker.users.add("intruder", "intruder passphrase", "data_manager")


def test_recovery_drill(vault_dir: Path) -> None:
    """Forget the passphrase, recover with the organisation's offline key, set a new one."""
    with Workspace.open(vault_dir, ADMIN, ADMIN_PASS) as ws:
        private_key = ws.new_recovery_key()
    forgotten_then_new = "recovered passphrase words"
    with Workspace.recover(vault_dir, private_key, ADMIN, forgotten_then_new) as ws:
        assert ws.actor.username == ADMIN
    with pytest.raises(WrongPassphrase):
        Workspace.open(vault_dir, ADMIN, ADMIN_PASS)
    time.sleep(delay_after(1))
    with Workspace.open(vault_dir, ADMIN, forgotten_then_new) as ws:
        assert ws.check().ok


def test_another_vaults_recovery_key_is_refused(vault_dir: Path) -> None:
    with Workspace.open(vault_dir, ADMIN, ADMIN_PASS) as ws:
        ws.new_recovery_key()
    stranger, _ = crypto.new_recovery_keypair()
    with pytest.raises(RecoveryKeyMismatch):
        Workspace.recover(vault_dir, stranger, ADMIN, "whatever passphrase")


def test_wrong_passphrases_back_off_and_each_failure_is_slower(vault_dir: Path) -> None:
    now = [1_000_000.0]

    def clock() -> float:
        return now[0]

    for _ in range(3):
        with pytest.raises(WrongPassphrase):
            Workspace.open(vault_dir, ADMIN, "guess", clock=clock)
        # Right away, even the right passphrase must wait.
        with pytest.raises(UnlockThrottled) as throttled:
            Workspace.open(vault_dir, ADMIN, ADMIN_PASS, clock=clock)
        now[0] += throttled.value.seconds
    assert [delay_after(n) for n in (1, 2, 3, 4)] == [1, 2, 4, 8]
    with Workspace.open(vault_dir, ADMIN, ADMIN_PASS, clock=clock) as ws:
        failed = [h.action for h in ws.audit.history("")].count("unlock.failed")
    assert failed == 3


def test_deleting_the_unlock_state_lifts_no_backoff_and_hides_no_failure(
    vault_dir: Path,
) -> None:
    """unlock-state.json deleted between guesses (issue 10): the slot file's mirror keeps the
    wait, and the next unlock writes to the audit trail how many failures the file lost."""
    now = [1_000_000.0]

    def clock() -> float:
        return now[0]

    for _ in range(3):
        with pytest.raises(WrongPassphrase):
            Workspace.open(vault_dir, ADMIN, "guess", clock=clock)
        now[0] += delay_after(3)
    (vault_dir / "unlock-state.json").unlink()
    with pytest.raises(WrongPassphrase):
        Workspace.open(vault_dir, ADMIN, "guess", clock=clock)
    (vault_dir / "unlock-state.json").unlink()
    with pytest.raises(UnlockThrottled) as throttled:
        Workspace.open(vault_dir, ADMIN, ADMIN_PASS, clock=clock)
    assert throttled.value.seconds == delay_after(4)
    now[0] += throttled.value.seconds
    with Workspace.open(vault_dir, ADMIN, ADMIN_PASS, clock=clock) as ws:
        told = [h for h in ws.audit.history("") if h.action == "unlock.failures_unrecorded"]
    assert [h.detail.get("count") for h in told] == [4]
    # Settled: the next wrong passphrase starts from one again.
    with pytest.raises(WrongPassphrase):
        Workspace.open(vault_dir, ADMIN, "guess", clock=clock)
    with pytest.raises(UnlockThrottled) as again:
        Workspace.open(vault_dir, ADMIN, ADMIN_PASS, clock=clock)
    assert again.value.seconds == delay_after(1)


def test_slot_moved_to_another_user_does_not_open(vault_dir: Path) -> None:
    path = vault_dir / "keyslots.json"
    slots = json.loads(path.read_text())
    for slot in slots["slots"]:
        if slot["user"] == WORKER:
            slot["user"] = "impostor"
    path.write_text(json.dumps(slots))
    with pytest.raises(WrongPassphrase):
        Workspace.open(vault_dir, "impostor", WORKER_PASS)


def test_kdf_tuning_scales_time_cost_to_the_machine() -> None:
    """A machine where each Argon2 pass takes 50 ms needs about 10 passes for 0.5 s."""
    seen: list[int] = []

    def timer(params: crypto.KdfParams) -> float:
        seen.append(params.time_cost)
        return 0.05 * params.time_cost

    params = real_tune_kdf(target_seconds=0.5, minimum_seconds=0.3, timer=timer)
    assert params.time_cost == 10
    assert 0.05 * params.time_cost >= 0.3
    assert params.memory_kib >= 64 * 1024


def test_kdf_tuning_steps_up_when_the_first_probe_was_misleadingly_slow() -> None:
    # The probe ran while the machine was busy (0.25 s per pass); later passes take 20 ms.
    calls = iter([0.25])

    def timer(params: crypto.KdfParams) -> float:
        return next(calls, 0.02 * params.time_cost)

    params = real_tune_kdf(target_seconds=0.5, minimum_seconds=0.3, timer=timer)
    assert 0.02 * params.time_cost >= 0.3


def test_kdf_tuning_is_bounded_even_with_a_broken_timer() -> None:
    params = real_tune_kdf(timer=lambda _params: 0.0)
    assert params.time_cost == crypto.MAX_TIME_COST


def test_tuned_parameters_are_stored_in_the_slot_and_used_to_unlock(vault_dir: Path) -> None:
    slots = json.loads((vault_dir / "keyslots.json").read_text())
    kdf = slots["slots"][0]["kdf"]
    assert kdf["alg"] == "argon2id" and kdf["time_cost"] >= 1 and len(kdf["salt"]) == 32


def test_a_reset_is_audited_as_done_by_the_data_manager(vault_dir: Path) -> None:
    """Issue 10, 6: a passphrase reset was audited as done by the user whose passphrase was
    reset; it is the data manager's act, naming the colleague in its detail."""
    from sqlalchemy import select

    from cmdesk.core.model import AuditEntry

    with Workspace.open(vault_dir, ADMIN, ADMIN_PASS) as ws:
        ws.users.change_passphrase(WORKER, "a reset by the data manager")
    ws = Workspace.open(vault_dir, WORKER, "a reset by the data manager")
    with ws, ws.ctx.read() as s:
        entries = s.scalars(select(AuditEntry).where(AuditEntry.action == "user.passphrase")).all()
        done = [(e.actor, json.loads(e.detail)["user"]) for e in entries]
    assert done == [(ADMIN, WORKER)]
