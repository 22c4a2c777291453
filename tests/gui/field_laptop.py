"""An office copied from the template vault and a field worker's laptop joined to it, with
`wichai` on both, and a child registered on the laptop and not sent: the start of the GUI
tests of what only the laptop holds."""

from __future__ import annotations

import shutil
from pathlib import Path

from cmdesk.core.vault import crypto
from cmdesk.core.workspace import Workspace
from tests.conftest import ADMIN, ADMIN_PASS
from tests.core.records.factories import child_draft

USER, PASS = "wichai", "wichai's own passphrase"


def office_and_field_laptop(template_vault: Path, tmp_path: Path) -> tuple[Path, Path]:
    kdf = crypto.weak_kdf_for_tests()
    office_root, laptop = tmp_path / "office", tmp_path / USER
    shutil.copytree(template_vault, office_root)
    with Workspace.open(office_root, ADMIN, ADMIN_PASS) as office:
        office.users.add(USER, PASS, "field_worker", kdf=kdf)
        data, secret = office.sync.enrolment_file("field_worker")
    with Workspace.join(laptop, data, secret, username=USER, passphrase=PASS, kdf=kdf) as ws:
        ws.children.register_child(child_draft(), confirm_not_duplicate=True)
    return office_root, laptop


def exchange(office_root: Path, laptop: Path, *, first: str = "office") -> None:
    """A bundle each way (the office's first, or the laptop's)."""
    with (
        Workspace.open(office_root, ADMIN, ADMIN_PASS) as office,
        Workspace.open(laptop, USER, PASS) as field,
    ):
        order = [(office, field), (field, office)]
        for src, dst in order if first == "office" else order[::-1]:
            data, _ = src.sync.export()
            dst.sync.import_bundle(data)
