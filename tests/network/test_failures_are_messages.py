"""Bad input and unexpected failures reach people as messages in their language, never as
tracebacks (issue 10, "Failures are messages"), each through a real `cmdesk` process."""

from __future__ import annotations

import json
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from cmdesk.core.sync import engine as engine_module
from cmdesk.core.workspace import Workspace
from tests.network.harness import ADMIN, PASS, PYTHONPATH, Laptop, cmdesk

CANARY = "มะลิแก้วใจ"


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> Laptop:
    laptop = Laptop.init(tmp_path_factory.mktemp("fail") / "office", "WVFT")
    return laptop.add_user("kasem", "supervisor", display_name="Kasem")


def no_traceback(err: str) -> None:
    assert "Traceback" not in err and 'File "' not in err, err


def test_input_file_that_is_not_utf8(office: Laptop, tmp_path: Path) -> None:
    bad = tmp_path / "child.json"
    bad.write_bytes(b'\xff\xfe{"given_name_th": "x"}')
    got = office.run("child", "add", "--json-input", str(bad), check=False)
    assert got.code == 1
    assert "is not UTF-8 text" in got.err
    no_traceback(got.err)
    th = office.run(
        "child", "add", "--json-input", str(bad), check=False, env={"CMDESK_LANG": "th"}
    )
    assert "UTF-8" in th.err and "ไม่" in th.err
    assert office.json("child", "list") == []


def test_passphrase_file_that_is_not_utf8(office: Laptop, tmp_path: Path) -> None:
    secret = tmp_path / "pass.txt"
    secret.write_bytes(PASS.encode() + b"\xff")
    got = office.run("--passphrase-file", str(secret), "case", "list", check=False)
    assert got.code == 1
    assert "is not UTF-8 text" in got.err
    no_traceback(got.err)


def test_json_nested_too_deeply(office: Laptop, tmp_path: Path) -> None:
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000)
    got = office.run("child", "add", "--json-input", str(deep), check=False)
    assert got.code == 1
    assert "nested too deeply" in got.err
    no_traceback(got.err)


@pytest.mark.parametrize("offset", ["1e30", "100000000000000000000000", "-1"])
def test_page_offsets_out_of_range_are_usage_errors(office: Laptop, offset: str) -> None:
    got = office.run("case", "list", "--offset", offset, check=False)
    assert got.code == 2
    assert "--offset" in got.err
    no_traceback(got.err)


def test_bundle_header_nested_too_deeply_is_refused(office: Laptop, tmp_path: Path) -> None:
    header = b"[" * 50_000 + b"]" * 50_000
    hostile = tmp_path / "deep.bundle"
    hostile.write_bytes(b"cmdesk-bundle\n" + len(header).to_bytes(4, "big") + header)
    admin = office.as_user("admin")
    before = admin.status()["state_hash"]
    got = admin.import_(hostile, check=False)
    assert got.code == 1
    no_traceback(got.err)
    assert "Nothing was imported" in got.err or "nothing" in got.err.lower()
    assert admin.status()["state_hash"] == before


def test_unexpected_failure_gives_a_message_and_a_report_without_personal_data(
    office: Laptop, tmp_path: Path
) -> None:
    """A failure nobody foresaw: the message says what happened and where the report is; the
    report names the place in the code and nothing of the data."""
    crash_dir = tmp_path / "crash"
    launcher = (
        "import sys\n"
        "from tests.network import fast_cmdesk\n"
        "import cmdesk.cli.vault_cmds as v\n"
        "def broken(args):\n"
        f"    raise ValueError('no such child {CANARY}')\n"
        "v.cmd_info = broken\n"
        "sys.exit(fast_cmdesk.run())\n"
    )
    env = {
        "CMDESK_CRASH_DIR": str(crash_dir),
        "CMDESK_PASSPHRASE": PASS,
        "CMDESK_LANG": "en",
        "PYTHONPATH": PYTHONPATH,
    }
    proc = subprocess.run(
        [sys.executable, "-c", launcher, "--vault", str(office.root), "--user", "admin", "info"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert proc.returncode == 1
    no_traceback(proc.stderr)
    assert "Something unexpected went wrong" in proc.stderr
    assert CANARY not in proc.stderr
    reports = list(crash_dir.glob("crash-*.txt"))
    assert len(reports) == 1 and str(reports[0]) in proc.stderr
    text = reports[0].read_text()
    assert "builtins.ValueError" in text and "in broken" in text and "in main" in text
    assert CANARY not in text and str(office.root) not in text
    assert stat.S_IMODE(reports[0].stat().st_mode) == 0o600
    # The vault is untouched and still opens.
    assert json.loads(cmdesk("--vault", str(office.root), "--user", "admin", "--json", "check",
                             env={"CMDESK_PASSPHRASE": PASS}).out)["ok"]  # fmt: skip


def test_a_huge_file_that_is_not_a_bundle_is_refused_without_reading_it(
    office: Laptop, tmp_path: Path
) -> None:
    huge = tmp_path / "holiday-video.mp4"
    with huge.open("wb") as f:  # 1 GiB, sparse: no disk used
        f.truncate(1 << 30)
    proc, peak_kib = import_measuring_memory(office, huge)
    assert proc.returncode == 1 and "not a cmdesk sync bundle" in proc.stderr
    no_traceback(proc.stderr)
    assert peak_kib < 300 * 1024, peak_kib  # the file is 1 GiB


def test_a_signed_bundle_that_would_expand_to_gigabytes_is_refused_from_its_header(
    office: Laptop, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A laptop of the organisation (its real keys) sends a bundle whose payload is 256 MiB of
    # one repeated byte: a few kilobytes on the USB stick. It used to be expanded in full
    # before anything was checked (8 GiB of memory for the 4 GiB a header may declare).
    huge = 256 << 20
    monkeypatch.setattr(engine_module, "encode", lambda _payload: b"\n" * huge)
    with Workspace.open(office.root, ADMIN, PASS) as ws:
        data, _ = ws.sync.export()
    monkeypatch.undo()
    assert len(data) < 1 << 20
    bomb = tmp_path / "small.bundle"
    bomb.write_bytes(data)
    proc, peak_kib = import_measuring_memory(office, bomb)
    assert proc.returncode == 1, proc.stderr
    no_traceback(proc.stderr)
    assert peak_kib < 300 * 1024, peak_kib


def import_measuring_memory(office: Laptop, path: Path) -> tuple[Any, int]:
    """`sync import` of `path` in its own process, and that process's peak memory in KiB:
    VmHWM, which starts afresh at exec (ru_maxrss would count the forking test worker)."""
    launcher = (
        "import re, sys\n"
        "from tests.network import fast_cmdesk\n"
        "code = fast_cmdesk.run()\n"
        "status = open('/proc/self/status').read()\n"
        "print('peak', re.search(r'VmHWM:\\s+(\\d+)', status).group(1), file=sys.stderr)\n"
        "sys.exit(code)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", launcher, "--vault", str(office.root), "--user", "admin",
         "sync", "import", str(path)],
        env={"CMDESK_PASSPHRASE": PASS, "CMDESK_LANG": "en",
             "PYTHONPATH": PYTHONPATH},
        capture_output=True, text=True, check=False, timeout=300,
    )  # fmt: skip
    return proc, int(proc.stderr.rsplit("peak", 1)[1].split()[0])
