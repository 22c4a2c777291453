"""kill -9 during import: each segment is applied completely or not at all, and importing
the same bundle again resumes where it stopped and ends in the same state."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from cmdesk.core.sync import bundle_format, payload
from cmdesk.core.sync import engine as engine_module
from cmdesk.core.sync.oplog import Origins, load_held
from cmdesk.core.sync.triggers import ensure_triggers
from cmdesk.core.workspace import Workspace
from tests.conftest import ADMIN, ADMIN_PASS
from tests.core.sync.conftest import Net, open_ws, sync
from tests.core.sync.records import add_case, add_child

TRIALS = 6


def held_ops(ws: Workspace) -> set[tuple[str, int]]:
    with sync(ws).store.read() as db:
        held = load_held(db, Origins())
    return {(o, n) for o, r in held.items() for lo, hi in r for n in range(lo, hi + 1)}


@pytest.mark.slow
def test_kill_9_during_import_leaves_whole_segments_and_resumes(
    net: Net, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(payload, "SEGMENT_OPS", 400)
    for i in range(120):
        add_case(net.a1, add_child(net.a1, nickname=f"c{i}"))
    data, result = sync(net.a1).export()
    assert result.segments >= 15
    bundle = tmp_path / "big.bundle"
    bundle.write_bytes(data)
    decoded = payload.decode(
        bundle_format.decrypt(bundle_format.parse(data), sync(net.a2).keys().org.box_secret)
    )
    segments = [
        {(c.origin, c.seq + op[0]) for c in seg for op in c.ops} for seg in decoded.segments
    ]
    expected_hash = sync(net.a1).state_hash()
    template = net.a2.vault.paths.root
    net.a2.close()
    rng = random.Random(6)
    stale: list[int] = []

    def spy(db: Any, *, dry_run: bool = False) -> int:
        changed = ensure_triggers(db, dry_run=dry_run)
        stale.append(changed)
        return changed

    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    for trial in range(TRIALS):
        vault = tmp_path / f"trial{trial}"
        shutil.copytree(template, vault)
        with Workspace.open(vault, ADMIN, ADMIN_PASS) as ws:
            before = held_ops(ws)
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.core.sync.import_worker",
                str(vault),
                ADMIN,
                ADMIN_PASS,
                str(bundle),
            ],
            stdout=subprocess.PIPE,
            text=True,
            env=env,
            cwd=Path(__file__).resolve().parents[3],
        )
        assert proc.stdout is not None
        stop_after = rng.randint(0, len(segments) - 2)
        seen = 0
        for line in proc.stdout:
            if line.strip().isdigit():
                seen = int(line)
            if seen >= stop_after:
                break
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        proc.stdout.close()  # ours to close (warnings are errors in the tests)

        # The capture triggers, dropped inside each segment's transaction, are all there when
        # the vault is next opened (before the engine's own repair would put them back).
        stale.clear()
        monkeypatch.setattr(engine_module, "ensure_triggers", spy)
        ws = open_ws(vault)
        monkeypatch.setattr(engine_module, "ensure_triggers", ensure_triggers)
        assert stale and stale[0] == 0, f"trial {trial}: capture triggers missing after kill -9"
        try:
            with ws.ctx.read() as s:
                done = (
                    s.execute(
                        text("SELECT done FROM sync_import WHERE bundle_id = :b"),
                        {"b": result.bundle_id},
                    ).scalar()
                    or 0
                )
            # (Opening the vault adds this laptop's own audit operations: leave them out.)
            now = {k for k in held_ops(ws) - before if k[0] != ws.device_id}
            applied = set().union(*segments[:done]) if done else set()
            assert now == applied, f"trial {trial}: segment {done} half applied"
            assert done >= seen
            assert ws.check().ok
            again = sync(ws).import_file(bundle)
            assert again.resumed_at == done and not again.replay
            assert sync(ws).state_hash() == expected_hash
        finally:
            ws.close()
