"""Search fixtures: the shared template vault with staff in each casework role and 300
generated demo cases, made once per session and copied per test."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest

from cmdesk.core.demo.generate import generate
from cmdesk.core.vault import crypto
from cmdesk.core.workspace import Workspace
from tests.conftest import ADMIN, ADMIN_PASS

PASS = "search test passphrase"
AS_OF = date(2026, 11, 25)
CASES = 300
# username: (role, team)
STAFF = {
    "sup": ("supervisor", ""),
    "cm": ("case_manager", ""),
    "fw_a1": ("field_worker", "a"),
    "fw_a2": ("field_worker", "a"),
    "fw_b": ("field_worker", "b"),
}

Open = Callable[[str], Workspace]


@pytest.fixture(scope="session")
def search_template(template_vault: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("search") / "vault"
    shutil.copytree(template_vault, root)
    kdf = crypto.weak_kdf_for_tests()
    with Workspace.open(root, ADMIN, ADMIN_PASS) as ws:
        for name, (role, team) in STAFF.items():
            ws.users.add(name, PASS, role, display_name=name.upper(), team=team, kdf=kdf)
        generate(ws, CASES, seed=1, as_of=AS_OF, workers=0)
    return root


@pytest.fixture
def svault(search_template: Path, tmp_path: Path) -> Path:
    dest = tmp_path / "vault"
    shutil.copytree(search_template, dest)
    return dest


@pytest.fixture
def open_as(svault: Path) -> Iterator[Open]:
    opened: list[Workspace] = []

    def open_(name: str) -> Workspace:
        ws = Workspace.open(svault, name, ADMIN_PASS if name == ADMIN else PASS)
        opened.append(ws)
        return ws

    yield open_
    for ws in opened:
        ws.close()
