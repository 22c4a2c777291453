"""Founding a vault: the steps `Workspace.create` (a new organisation) and `Workspace.join` (a
new laptop of an existing one) share.

A new vault file and key slots, the partner network and the vault's own organisation, the first
user, the vault's identity (device id, organisation, creation time), whatever the caller adds in
the same transaction (sync keys when joining), and the first audit entry. A vault that fails
half-way is not a vault: everything it wrote is removed, so the folder can be used again.
"""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.orm import Session

from cmdesk.core.acting import audit as audit_chain
from cmdesk.core.acting.context import Actor
from cmdesk.core.model import Organisation, User, VaultMeta
from cmdesk.core.model.org import user_id_for
from cmdesk.core.services.organisations import seed_organisations
from cmdesk.core.services.users import check_passphrase, check_username
from cmdesk.core.vault import crypto
from cmdesk.core.vault.store import Vault, VaultPaths


@dataclass(frozen=True, kw_only=True)
class Founder:
    """Who founds the vault, for which organisation, and how the founding is audited."""

    username: str
    passphrase: str
    role: str
    org_code: str
    device_id: str
    action: str  # the first audit entry: "vault.create" or "vault.join"
    display_name: str = ""
    team: str = ""  # a laptop enrolled for one team: its first user works in that team
    # The id of that user at the office when it does not follow from the name (an account made
    # before ids did; keys.Enrolment.staff); otherwise model.org.user_id_for.
    user_id: str = ""
    org_name_th: str = ""
    org_name_en: str = ""


# Runs inside the founding transaction after the organisation and user exist; raising undoes it.
Extra = Callable[[Session, Organisation], None]


def found_vault(
    root: Path, founder: Founder, kdf: crypto.KdfParams | None, extra: Extra | None = None
) -> tuple[Vault, Actor]:
    name = check_username(founder.username)
    check_passphrase(founder.passphrase)
    existed = root.exists()
    vault = Vault.create(root, name, founder.passphrase, kdf)
    try:
        with Session(vault.engine) as s, s.begin():
            # The whole partner network, and this vault's own organisation (real names if it
            # is a known partner).
            org = seed_organisations(s, founder.org_code, founder.org_name_th, founder.org_name_en)
            user = User(
                id=founder.user_id or user_id_for(org.id, name),
                org_id=org.id,
                username=name,
                display_name=founder.display_name,
                role=founder.role,
                team=founder.team,
            )
            s.add(user)
            s.flush()
            s.add_all(
                [
                    VaultMeta(key="device_id", value=founder.device_id),
                    VaultMeta(key="org_id", value=org.id),
                    VaultMeta(key="created_at", value=datetime.now(UTC).isoformat()),
                ]
            )
            if extra is not None:
                extra(s, org)
            audit_chain.append(
                s,
                device_id=founder.device_id,
                actor=name,
                action=founder.action,
                entity="organisation",
                entity_id=org.id,
            )
            actor = Actor(user.id, name, user.role, org.id, user.team, user.display_name)
    except BaseException:
        vault.lock()
        paths = VaultPaths(root)
        for leftover in root.glob(f"{paths.db.name}*"):
            leftover.unlink()
        with contextlib.suppress(FileNotFoundError):
            paths.slots.unlink()
        if not existed:
            shutil.rmtree(root, ignore_errors=True)
        raise
    return vault, actor
