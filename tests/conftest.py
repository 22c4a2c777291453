"""Shared fixtures: one real, migrated SQLCipher template vault per session, copied per test."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from cmdesk.core.vault import crypto
from cmdesk.core.workspace import Workspace

ADMIN = "admin"
ADMIN_PASS = "correct horse battery staple"
WORKER = "somchai"
WORKER_PASS = "field worker passphrase"
ORG = "WVFT"


@pytest.fixture(autouse=True)
def _fast_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    # Key slots made during tests use cheap Argon2 parameters; the tuning itself is tested apart.
    monkeypatch.setattr(crypto, "tune_kdf", lambda *a, **k: crypto.weak_kdf_for_tests())


@pytest.fixture(scope="session")
def template_vault(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("template") / "vault"
    kdf = crypto.weak_kdf_for_tests()
    with Workspace.create(root, org_code=ORG, username=ADMIN, passphrase=ADMIN_PASS, kdf=kdf) as ws:
        ws.users.add(WORKER, WORKER_PASS, "field_worker", display_name="Field Worker", kdf=kdf)
    return root


@pytest.fixture
def vault_dir(template_vault: Path, tmp_path: Path) -> Path:
    dest = tmp_path / "vault"
    shutil.copytree(template_vault, dest)
    return dest


@pytest.fixture
def ws(vault_dir: Path) -> Iterator[Workspace]:
    workspace = Workspace.open(vault_dir, ADMIN, ADMIN_PASS)
    yield workspace
    workspace.close()
