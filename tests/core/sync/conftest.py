"""Sync fixtures: a small network built once per session (three laptops of one organisation
and one laptop of a partner that trust each other), copied for each test as real SQLCipher
vaults with weak key derivation."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from cmdesk.core.sync import keys
from cmdesk.core.sync.engine import SyncEngine
from cmdesk.core.vault import crypto
from cmdesk.core.workspace import Workspace
from tests.conftest import ADMIN, ADMIN_PASS

ORG = "WVFT"
PARTNER = "ECPAT"
NAMES = ("a1", "a2", "a3", "p1")


def attach(ws: Workspace) -> Workspace:
    return ws


def open_ws(root: Path) -> Workspace:
    return attach(Workspace.open(root, ADMIN, ADMIN_PASS))


@pytest.fixture(scope="session")
def network_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("network")
    kdf = crypto.weak_kdf_for_tests()
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(keys, "ENROL_OPS", 1)
        mp.setattr(keys, "ENROL_MEM", 8192)
        a1 = attach(
            Workspace.create(
                base / "a1", org_code=ORG, username=ADMIN, passphrase=ADMIN_PASS, kdf=kdf
            )
        )
        p1 = attach(
            Workspace.create(
                base / "p1", org_code=PARTNER, username=ADMIN, passphrase=ADMIN_PASS, kdf=kdf
            )
        )
        a1.sync.trust(p1.sync.identity_file())
        p1.sync.trust(a1.sync.identity_file())
        for name in ("a2", "a3"):
            data, passphrase = a1.sync.enrolment_file("data_manager")
            Workspace.join(
                base / name, data, passphrase, username=ADMIN, passphrase=ADMIN_PASS, kdf=kdf
            ).close()
        a1.close()
        p1.close()
    return base


@dataclass
class Net:
    a1: Workspace
    a2: Workspace
    a3: Workspace
    p1: Workspace
    root: Path

    def all(self) -> list[Workspace]:
        return [self.a1, self.a2, self.a3, self.p1]

    def close(self) -> None:
        for ws in self.all():
            if not ws.is_locked:
                ws.close()


def copy_network(template: Path, dest: Path) -> Net:
    for name in NAMES:
        shutil.copytree(template / name, dest / name)
    return Net(*(open_ws(dest / n) for n in NAMES), root=dest)


@pytest.fixture
def net(network_template: Path, tmp_path: Path) -> Iterator[Net]:
    network = copy_network(network_template, tmp_path)
    yield network
    network.close()


def exchange(src: Workspace, dst: Workspace, for_org: str | None = None) -> None:
    data, _ = src.sync.export(for_org)
    dst.sync.import_bundle(data)


def sync(ws: Workspace) -> SyncEngine:
    return ws.sync
