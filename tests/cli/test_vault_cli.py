"""The CLI as a data manager scripts it: exit codes, messages, JSON."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from cmdesk.cli.main import main
from cmdesk.core.vault.throttle import delay_after
from cmdesk.core.workspace import Workspace
from tests.conftest import ADMIN, ADMIN_PASS, WORKER, WORKER_PASS


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    monkeypatch.delenv("CMDESK_USER", raising=False)
    monkeypatch.delenv("CMDESK_NEW_PASSPHRASE", raising=False)
    monkeypatch.setenv("CMDESK_PASSPHRASE", ADMIN_PASS)
    monkeypatch.setenv("CMDESK_LANG", "en")
    return monkeypatch


def test_init_then_info_as_json(
    tmp_path: Path, env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    vault = tmp_path / "v"
    assert main(["--vault", str(vault), "init", "--org", "ecpat", "--user", ADMIN]) == 0
    capsys.readouterr()
    assert main(["--vault", str(vault), "--json", "info"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["user"] == ADMIN and info["role"] == "data_manager"


def test_init_refuses_an_existing_vault(
    vault_dir: Path, env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["--vault", str(vault_dir), "--user", ADMIN, "init", "--org", "X"])
    assert code == 1
    assert "already exists" in capsys.readouterr().err


def test_wrong_passphrase_exits_1_with_a_message(
    vault_dir: Path, env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    env.setenv("CMDESK_PASSPHRASE", "wrong wrong wrong")
    assert main(["--vault", str(vault_dir), "--user", ADMIN, "check"]) == 1
    err = capsys.readouterr().err
    assert "passphrase is not correct" in err
    assert "Traceback" not in err


def test_mistyped_vault_exits_1_and_creates_nothing(
    tmp_path: Path, env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--vault", str(tmp_path / "nope"), "--user", ADMIN, "check"]) == 1
    assert "no vault" in capsys.readouterr().err
    assert not (tmp_path / "nope").exists()


def test_usage_error_exits_2(env: pytest.MonkeyPatch) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["no-such-command"])
    assert exit_.value.code == 2


def test_passphrase_from_a_file(vault_dir: Path, tmp_path: Path, env: pytest.MonkeyPatch) -> None:
    env.delenv("CMDESK_PASSPHRASE")
    secret = tmp_path / "pass.txt"
    secret.write_text(ADMIN_PASS + "\n")
    assert (
        main(
            ["--vault", str(vault_dir), "--user", ADMIN, "--passphrase-file", str(secret), "check"]
        )
        == 0
    )


def test_user_add_list_remove(
    vault_dir: Path, env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    v = ["--vault", str(vault_dir), "--user", ADMIN]
    env.setenv("CMDESK_NEW_PASSPHRASE", "new colleague passphrase")
    assert main([*v, "user", "add", "nok", "--role", "case_manager", "--name", "Nok"]) == 0
    capsys.readouterr()
    assert main([*v, "--json", "user", "list"]) == 0
    users = {u["username"]: u for u in json.loads(capsys.readouterr().out)}
    assert users["nok"]["role"] == "case_manager"
    assert main([*v, "user", "remove", "nok"]) == 0
    env.setenv("CMDESK_PASSPHRASE", "new colleague passphrase")
    assert main(["--vault", str(vault_dir), "--user", "nok", "check"]) == 1


def test_recovery_key_drill_from_the_cli(
    vault_dir: Path, tmp_path: Path, env: pytest.MonkeyPatch
) -> None:
    v = ["--vault", str(vault_dir), "--user", ADMIN]
    key = tmp_path / "recovery.key"
    assert main([*v, "recovery-key", "new", "-o", str(key)]) == 0
    assert key.stat().st_mode & 0o777 == 0o600
    env.setenv("CMDESK_NEW_PASSPHRASE", "after the recovery drill")
    assert main([*v, "recover", "--key", str(key)]) == 0
    Workspace.open(vault_dir, ADMIN, "after the recovery drill").close()


def test_recover_with_a_file_that_is_not_a_key(
    vault_dir: Path, tmp_path: Path, env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    bogus = tmp_path / "notes.txt"
    bogus.write_text("shopping list")
    env.setenv("CMDESK_NEW_PASSPHRASE", "after the recovery drill")
    assert main(["--vault", str(vault_dir), "--user", ADMIN, "recover", "--key", str(bogus)]) == 1
    assert "not a cmdesk recovery key" in capsys.readouterr().err


def test_backup_opens_as_a_vault(vault_dir: Path, tmp_path: Path, env: pytest.MonkeyPatch) -> None:
    out = tmp_path / "backup"
    assert main(["--vault", str(vault_dir), "--user", ADMIN, "backup", "-o", str(out)]) == 0
    with Workspace.open(out, WORKER, WORKER_PASS) as copy:
        assert copy.check().ok


def test_passwd_for_yourself(vault_dir: Path, env: pytest.MonkeyPatch) -> None:
    env.setenv("CMDESK_PASSPHRASE", WORKER_PASS)
    env.setenv("CMDESK_NEW_PASSPHRASE", "the workers new passphrase")
    assert main(["--vault", str(vault_dir), "--user", WORKER, "user", "passwd"]) == 0
    Workspace.open(vault_dir, WORKER, "the workers new passphrase").close()


def test_messages_follow_the_chosen_language(
    vault_dir: Path, env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    env.setenv("CMDESK_PASSPHRASE", "wrong wrong wrong")
    assert main(["--vault", str(vault_dir), "--user", ADMIN, "--lang", "th", "check"]) == 1
    err = capsys.readouterr().err
    assert "รหัสผ่าน" in err and "passphrase" not in err
    time.sleep(delay_after(1))  # the wrong attempt above started a backoff
    env.setenv("CMDESK_PASSPHRASE", ADMIN_PASS)
    env.setenv("CMDESK_LANG", "th")
    assert main(["--vault", str(vault_dir), "--user", ADMIN, "check"]) == 0
    assert "เรียบร้อยดี" in capsys.readouterr().out
