"""Records fixtures: the shared template vault plus staff in every role, and staff of a partner
organisation (as if their rows had arrived by sync), made once per session and copied per test."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from cmdesk.core.model import User, org_id_for
from cmdesk.core.vault import crypto
from cmdesk.core.workspace import Workspace
from tests.conftest import ADMIN, ADMIN_PASS

PASS = "records test passphrase"
PARTNER = "ECPAT"

# username: (role, team, organisation code or None for the vault's own)
STAFF: dict[str, tuple[str, str, str | None]] = {
    "malee": ("supervisor", "", None),
    "kasem": ("supervisor", "", None),
    "anong": ("case_manager", "", None),
    "boon": ("case_manager", "", None),
    "pim": ("field_worker", "maesai", None),
    "dao": ("field_worker", "maesai", None),
    "ton": ("field_worker", "chiangsaen", None),
    "ecpat_sup": ("supervisor", "", PARTNER),
    "ecpat_cm": ("case_manager", "", PARTNER),
    "ecpat_fw": ("field_worker", "", PARTNER),
}

Open = Callable[[str], Workspace]


@pytest.fixture(scope="session")
def records_template(template_vault: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("records") / "vault"
    shutil.copytree(template_vault, root)
    kdf = crypto.weak_kdf_for_tests()
    with Workspace.open(root, ADMIN, ADMIN_PASS) as ws:
        for name, (role, team, org) in STAFF.items():
            if org is None:
                ws.users.add(name, PASS, role, display_name=name.title(), team=team, kdf=kdf)
                continue
            # Staff of another organisation cannot be added through the service (a data
            # manager adds only their own); their rows would arrive by sync.
            with Session(ws.vault.engine) as s, s.begin():
                s.add(User(org_id=org_id_for(org), username=name, role=role, team=team))
            ws.vault.slots.set_passphrase(name, PASS, ws.vault.data_key, kdf)
            ws.vault.save_slots()
    return root


@pytest.fixture
def rvault(records_template: Path, tmp_path: Path) -> Path:
    dest = tmp_path / "vault"
    shutil.copytree(records_template, dest)
    return dest


@pytest.fixture
def as_user(rvault: Path) -> Iterator[Open]:
    """Opens the test's vault as one user; the same user gets the same workspace."""
    opened: dict[str, Workspace] = {}

    def open_as(name: str) -> Workspace:
        if name not in opened:
            password = ADMIN_PASS if name == ADMIN else PASS
            opened[name] = Workspace.open(rvault, name, password)
        return opened[name]

    yield open_as
    for ws in opened.values():
        ws.close()
