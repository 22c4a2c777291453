"""A new laptop joins its organisation from an enrolment file: a new vault with the
organisation's public identity and encryption key pair, a device identity of its own (a fresh
id and key pair, certified with the file's enrolment key, so two laptops joining with one file
never share an identity), the partners its organisation trusts, and its first user. It never
holds the organisation's certification key. Its records arrive by importing a bundle."""

from __future__ import annotations

import contextlib
import shutil
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.orm import Session

from cmdesk.core.model import User, VaultMeta
from cmdesk.core.services import audit as audit_chain
from cmdesk.core.services.context import Actor
from cmdesk.core.services.organisations import seed_organisations
from cmdesk.core.services.users import check_passphrase, check_username
from cmdesk.core.sync import keystore
from cmdesk.core.sync import rejections as rej
from cmdesk.core.sync.db import Db
from cmdesk.core.sync.keys import open_enrolment
from cmdesk.core.vault import crypto
from cmdesk.core.vault.store import Vault, VaultPaths
from cmdesk.core.workspace import Workspace


def join(
    root: Path,
    enrolment_file: bytes,
    enrol_passphrase: str,
    username: str,
    passphrase: str,
    *,
    display_name: str = "",
    kdf: crypto.KdfParams | None = None,
) -> Workspace:
    enrolment = open_enrolment(enrolment_file, enrol_passphrase)
    name = check_username(username)
    check_passphrase(passphrase)
    existed = root.exists()
    vault = Vault.create(root, name, passphrase, kdf)
    ident, device = enrolment.org.identity, enrolment.new_device()
    try:
        with Session(vault.engine) as s, s.begin():
            org = seed_organisations(s, ident.code, ident.name_th, ident.name_en)
            if org.id != ident.org_id:
                raise rej.invalid("file", rej.NOT_ENROLMENT)
            user = User(
                org_id=org.id, username=name, display_name=display_name, role=enrolment.role
            )
            s.add(user)
            s.flush()
            s.add_all(
                [
                    VaultMeta(key="device_id", value=device.device_id),
                    VaultMeta(key="org_id", value=org.id),
                    VaultMeta(key="created_at", value=datetime.now(UTC).isoformat()),
                ]
            )
            actor = Actor(user.id, name, user.role, org.id, user.team)
            raw: Db = s.connection().connection.driver_connection  # type: ignore[assignment]
            keystore.save(raw, enrolment.org, device)
            for partner in enrolment.trusted:
                keystore.trust(raw, partner)
            audit_chain.append(
                s,
                device_id=device.device_id,
                actor=name,
                action="vault.join",
                entity="organisation",
                entity_id=org.id,
            )
    except BaseException:
        vault.lock()
        # A vault that failed half-way is not a vault: leave nothing behind.
        paths = VaultPaths(root)
        for leftover in root.glob(f"{paths.db.name}*"):
            leftover.unlink()
        with contextlib.suppress(FileNotFoundError):
            paths.slots.unlink()
        if not existed:
            shutil.rmtree(root, ignore_errors=True)
        raise
    return Workspace(vault, actor, device.device_id)
