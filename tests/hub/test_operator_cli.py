"""The operator's commands, in the test's process: org add (and its refusals), fingerprint."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cmdesk.hub import cli
from tests.hub.test_mailbox import office


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = cli.main(["--lang", "en", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_org_add_registers_once_and_refuses_other_keys(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = str(tmp_path / "data")
    first, impostor = office("WVFT"), office("WVFT")
    (tmp_path / "a.identity").write_bytes(first.org.identity_file())
    (tmp_path / "b.identity").write_bytes(impostor.org.identity_file())
    assert run(capsys, "org", "add", str(tmp_path / "a.identity"), "--data", data)[0] == 0
    code, out, _ = run(capsys, "org", "add", str(tmp_path / "a.identity"), "--data", data)
    assert (code, "already registered with these keys" in out) == (0, True)
    code, _, err = run(capsys, "org", "add", str(tmp_path / "b.identity"), "--data", data)
    assert code == 1
    assert "under other keys" in err
    (tmp_path / "junk").write_bytes(b"not an identity")
    code, _, err = run(capsys, "org", "add", str(tmp_path / "junk"), "--data", data)
    assert code == 1
    assert "not a cmdesk organisation identity file" in err


def test_fingerprint_is_stable_and_readable_in_thai(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = str(tmp_path / "data")
    _, out1, _ = run(capsys, "fingerprint", "--data", data)
    _, out2, _ = run(capsys, "fingerprint", "--data", data)
    pin = out1.strip().splitlines()[-1]
    assert re.fullmatch(r"([0-9A-F]{4} ){15}[0-9A-F]{4}", pin)
    assert out1 == out2
    assert cli.main(["--lang", "th", "fingerprint", "--data", data]) == 0
    assert "พิน" in capsys.readouterr().out
