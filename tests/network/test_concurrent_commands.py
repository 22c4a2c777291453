"""Several `cmdesk` commands on one vault at the same moment (a script, the app and a sync at
once) wait their turn; none fails on a locked database (issue 10, 6: 6 of 9 failed)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.network.harness import PASS, PYTHONPATH, Laptop


def test_nine_commands_at_once_all_succeed(tmp_path: Path) -> None:
    office = Laptop.init(tmp_path / "office", "WVFT")
    office.add_user("kasem", "supervisor", display_name="Kasem")
    env = {k: v for k, v in os.environ.items() if not k.startswith("CMDESK_")}
    env.update(
        CMDESK_PASSPHRASE=PASS,
        CMDESK_LANG="en",
        PYTHONPATH=PYTHONPATH,
    )
    base = [sys.executable, "-m", "tests.network.fast_cmdesk", "--vault", str(office.root)]
    commands = [
        *(
            [*base, "--user", "kasem", "child", "add", "--set", f"given_name_th={name}",
             "--set", "sex=female", "--set", "birth_year=2557"]
            for name in ("มะลิ", "ดาว", "ฟ้า", "น้ำ")
        ),
        *([*base, "--user", "kasem", "case", "list"] for _ in range(3)),
        *([*base, "--user", "admin", "sync", "status"] for _ in range(2)),
    ]  # fmt: skip
    running = [
        subprocess.Popen(c, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for c in commands
    ]
    results = [(p.wait(timeout=300), p.stderr.read() if p.stderr else "") for p in running]
    for p in running:
        for stream in (p.stdout, p.stderr):
            if stream:
                stream.close()
    failed = [err for code, err in results if code != 0]
    assert not failed, failed
    kasem = office.as_user("kasem")
    assert len(kasem.json("child", "list")) == 4
    assert office.check().json["audit_break"] is None
