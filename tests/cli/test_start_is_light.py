"""Every command starts without importing what only a few need: reportlab (PDFs), openpyxl
(spreadsheets), httpx (the hub) and Alembic (creating or upgrading a vault). Importing them
took 0.4 s of each command's start (cmdesk.cli.main: 0.9 s -> 0.5 s; `sync status` 1.55 s ->
1.13 s on this machine), which the network tests pay thousands of times and a script calling
cmdesk pays on every call."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.network.harness import ADMIN, PASS, PYTHONPATH, Laptop

HEAVY = ("reportlab", "openpyxl", "httpx", "alembic")

PROBE = """
import sys
from tests.network.fast_cmdesk import run
sys.argv = ["cmdesk", "--vault", sys.argv[1], "--user", sys.argv[2], "--json", "sync", "status"]
code = run()
print(code, sorted(m for m in {heavy!r} if m in sys.modules))
"""


def test_a_command_on_a_vault_imports_none_of_the_heavy_libraries(tmp_path: Path) -> None:
    office = Laptop.init(tmp_path / "office", "WVFT")
    env = {**os.environ, "PYTHONPATH": PYTHONPATH, "CMDESK_PASSPHRASE": PASS}
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(heavy=HEAVY), str(office.root), ADMIN],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    assert '"state_hash"' in done.stdout, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "0 []"
