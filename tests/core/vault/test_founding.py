"""A vault that fails half-way through founding is not a vault: nothing of it is left, and the
folder can be used again."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from cmdesk.core.founding import Founder, found_vault
from cmdesk.core.model import Organisation, new_id
from cmdesk.core.model.roles import Role
from cmdesk.core.vault import crypto
from cmdesk.core.workspace import Workspace


class Refused(Exception):
    pass


def founder() -> Founder:
    return Founder(
        username="admin",
        passphrase="a long enough passphrase for tests",
        role=Role.DATA_MANAGER,
        org_code="WVFT",
        device_id=new_id(),
        action="vault.create",
    )


def fail(_s: Session, _org: Organisation) -> None:
    raise Refused


@pytest.mark.parametrize("existed", [False, True])
def test_a_founding_that_fails_leaves_nothing(tmp_path: Path, existed: bool) -> None:
    root = tmp_path / "vault"
    if existed:  # a folder the user chose, with something of theirs in it
        root.mkdir()
        (root / "notes.txt").write_text("mine")
    with pytest.raises(Refused):
        found_vault(root, founder(), crypto.weak_kdf_for_tests(), fail)
    if existed:
        assert [p.name for p in root.iterdir()] == ["notes.txt"]
    else:
        assert not root.exists()
    # The same folder founds a vault afterwards.
    vault, actor = found_vault(root, founder(), crypto.weak_kdf_for_tests())
    vault.lock()
    with Workspace.open(root, "admin", "a long enough passphrase for tests") as ws:
        assert ws.actor.role == Role.DATA_MANAGER and ws.actor.user_id == actor.user_id
