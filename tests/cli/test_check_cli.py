"""`cmdesk check`, `check --repair` and `user remove` in this process (the network tests run
them as separate processes, which coverage does not see): what each says, in Thai and
English, about a vault's key and a break in its audit trail."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import text

from cmdesk.cli.main import main
from cmdesk.core.workspace import Workspace
from tests.conftest import ADMIN, ADMIN_PASS, WORKER

TWIN_ENTRY = (
    "INSERT INTO audit_entry (id, device_id, seq, at, actor, action, entity, entity_id, detail,"
    " prev_hash, hash) SELECT 'twin', device_id, max(seq) + 1, max(at), 'twin', 'unlock', '',"
    " '', '{}', '" + "1" * 64 + "', '" + "2" * 64 + "' FROM audit_entry"
    " WHERE device_id = (SELECT value FROM vault_meta WHERE key = 'device_id')"
)


def test_check_repair_and_user_removal_say_what_they_did(
    vault_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CMDESK_PASSPHRASE", ADMIN_PASS)

    def cmdesk(lang: str, *args: str) -> tuple[int, str]:
        monkeypatch.setenv("CMDESK_LANG", lang)
        code = main(["--vault", str(vault_dir), "--user", ADMIN, *args])
        return code, capsys.readouterr().out

    code, said = cmdesk("en", "check", "--repair")
    assert code == 0 and "Nothing needed repair." in said and "All good" in said

    with Workspace.open(vault_dir, ADMIN, ADMIN_PASS) as ws, ws.ctx.write() as s:
        s.execute(text(TWIN_ENTRY))
    code, said = cmdesk("en", "check")
    assert code == 1 and "The audit trail is broken at entry" in said
    code, said = cmdesk("th", "check", "--repair")
    assert code == 0 and "บันทึกว่าทราบแล้ว" in said
    code, said = cmdesk("en", "--json", "check")
    assert code == 0 and json.loads(said)["known_audit_breaks"] == 1
    code, said = cmdesk("en", "check")
    assert "1 break recorded as known by a repair" in said

    code, said = cmdesk("en", "user", "remove", WORKER)
    assert code == 0 and "Removed access for" in said and "under a new key" in said
