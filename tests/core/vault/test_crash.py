"""kill -9 in the middle of writes: nothing committed is lost and the vault stays whole."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from cmdesk.core.model import VaultMeta
from cmdesk.core.workspace import Workspace
from tests.conftest import ADMIN, ADMIN_PASS

TRIALS = 50


@pytest.mark.slow
def test_kill_9_during_writes_loses_no_committed_transaction(vault_dir: Path) -> None:
    rng = random.Random(20261125)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    next_n = 0
    for trial in range(TRIALS):
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.core.vault.crash_writer",
                str(vault_dir),
                ADMIN,
                ADMIN_PASS,
                str(next_n),
            ],
            stdout=subprocess.PIPE,
            text=True,
            env=env,
            cwd=Path(__file__).resolve().parents[3],
        )
        assert proc.stdout is not None
        acknowledged = -1
        stop_after = rng.randint(1, 40)
        for line in proc.stdout:
            acknowledged = int(line)
            if acknowledged - next_n + 1 >= stop_after:
                break
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        proc.stdout.close()  # ours to close (warnings are errors in the tests)
        assert acknowledged >= next_n, f"trial {trial}: the writer never committed"

        with Workspace.open(vault_dir, ADMIN, ADMIN_PASS) as ws:
            report = ws.check()
            assert report.ok, f"trial {trial}: {report}"
            with ws.ctx.read() as s:
                keys = set(s.scalars(select(VaultMeta.key).where(VaultMeta.key.like("crash-%"))))
        expected = {f"crash-{n:06d}" for n in range(acknowledged + 1)}
        assert expected <= keys, f"trial {trial}: lost {sorted(expected - keys)[:3]}"
        next_n = max(int(k.removeprefix("crash-")) for k in keys) + 1
