"""The one way into a vault: `Workspace.open(path, user, passphrase)` hands out the services.

The CLI, the GUI and the tests all go through here, so rules, permissions and audit apply
to every front end alike.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from cmdesk.core.errors import (
    PermissionDenied,
    ValidationError,
    VaultLocked,
    WrongPassphrase,
)
from cmdesk.core.i18n import N_
from cmdesk.core.model import User, VaultMeta, new_id
from cmdesk.core.model.roles import Role
from cmdesk.core.search.service import SearchService
from cmdesk.core.services import audit as audit_chain
from cmdesk.core.services.audit import AuditService, ChainBreak
from cmdesk.core.services.case_workflow import WorkflowService
from cmdesk.core.services.cases import CaseService
from cmdesk.core.services.casework import CaseworkService
from cmdesk.core.services.children import ChildService
from cmdesk.core.services.conflict_review import ConflictService
from cmdesk.core.services.consents import ConsentService
from cmdesk.core.services.context import Actor, Context
from cmdesk.core.services.notes import NoteService
from cmdesk.core.services.organisations import OrganisationService, seed_organisations
from cmdesk.core.services.pdpa import PdpaService
from cmdesk.core.services.referrals import ReferralService
from cmdesk.core.services.reports import ReportService
from cmdesk.core.services.tasks import TaskService
from cmdesk.core.services.users import UserService, check_passphrase, check_username
from cmdesk.core.sync.engine import SyncEngine
from cmdesk.core.vault import crypto
from cmdesk.core.vault.store import Vault, VaultPaths
from cmdesk.core.vault.throttle import Clock, wall_clock


@dataclass(frozen=True)
class CheckReport:
    integrity_problems: list[str]
    audit_break: ChainBreak | None
    audit_entries: int

    @property
    def ok(self) -> bool:
        return not self.integrity_problems and self.audit_break is None


def _meta(session: Session, key: str) -> str:
    value = session.scalar(select(VaultMeta.value).where(VaultMeta.key == key))
    if value is None:
        raise KeyError(key)
    return value


class Workspace:
    def __init__(self, vault: Vault, actor: Actor, device_id: str) -> None:
        self.vault = vault
        self.ctx = Context(vault.engine, device_id, actor)
        self.audit = AuditService(self.ctx)
        self.users = UserService(self.ctx, vault, self.audit)
        self.organisations = OrganisationService(self.ctx, self.audit)
        self.children = ChildService(self.ctx, self.audit)
        self.cases = CaseService(self.ctx, self.audit)
        self.workflow = WorkflowService(self.ctx, self.audit)
        self.casework = CaseworkService(self.ctx, self.audit)
        self.notes = NoteService(self.ctx, self.audit)
        self.tasks = TaskService(self.ctx, self.audit)
        self.consents = ConsentService(self.ctx, self.audit)
        self.referrals = ReferralService(self.ctx, self.audit)
        self.pdpa = PdpaService(self.ctx, self.audit)
        self.reports = ReportService(self.ctx, self.audit)
        self.search = SearchService(self.ctx)
        # Installs change capture on the vault's engine: every commit from here on is synced.
        self.sync = SyncEngine(self.ctx, self.audit)
        # Conflicts are listed and decided only through the permission-checked review.
        self.conflicts = ConflictService(self)

    # -- opening ---------------------------------------------------------------
    @classmethod
    def create(
        cls,
        root: Path,
        *,
        org_code: str,
        username: str,
        passphrase: str,
        display_name: str = "",
        org_name_th: str = "",
        org_name_en: str = "",
        kdf: crypto.KdfParams | None = None,
    ) -> Workspace:
        """A new vault, its organisation and first data manager."""
        name = check_username(username)
        check_passphrase(passphrase)
        code = org_code.strip().upper()
        if not code or len(code) > 32 or not code.replace("-", "").replace("_", "").isalnum():
            raise ValidationError.single(
                "org", N_("An organisation code is 1 to 32 letters, digits, - or _.")
            )
        vault = Vault.create(root, name, passphrase, kdf)
        device_id = new_id()
        with Session(vault.engine) as s, s.begin():
            # The whole partner network, and this vault's own organisation (real names if it
            # is a known partner).
            org = seed_organisations(s, code, org_name_th, org_name_en)
            user = User(
                org_id=org.id, username=name, display_name=display_name, role=Role.DATA_MANAGER
            )
            s.add(user)
            s.flush()
            s.add_all(
                [
                    VaultMeta(key="device_id", value=device_id),
                    VaultMeta(key="org_id", value=org.id),
                    VaultMeta(key="created_at", value=datetime.now(UTC).isoformat()),
                ]
            )
            actor = Actor(user.id, name, user.role, org.id, user.team)
            audit_chain.append(
                s,
                device_id=device_id,
                actor=name,
                action="vault.create",
                entity="organisation",
                entity_id=org.id,
            )
        return cls(vault, actor, device_id)

    @classmethod
    def open(
        cls, root: Path, username: str, passphrase: str, *, clock: Clock = wall_clock
    ) -> Workspace:
        name = username.strip().lower()
        vault = Vault.unlock(root, name, passphrase, clock)
        try:
            return cls._signed_in(vault, name, "unlock")
        except BaseException:
            vault.lock()
            raise

    @classmethod
    def recover(
        cls,
        root: Path,
        private_key: bytes,
        username: str,
        new_passphrase: str,
        kdf: crypto.KdfParams | None = None,
    ) -> Workspace:
        """Forgotten passphrase: the organisation's offline recovery key sets a new one."""
        check_passphrase(new_passphrase)
        name = username.strip().lower()
        vault = Vault.unlock_with_recovery_key(root, private_key)
        try:
            ws = cls._signed_in(vault, name, "recover")
            vault.slots.set_passphrase(
                name, new_passphrase, vault.data_key, kdf or crypto.tune_kdf()
            )
            vault.save_slots()
            return ws
        except BaseException:
            vault.lock()
            raise

    @classmethod
    def _signed_in(cls, vault: Vault, name: str, how: str) -> Workspace:
        with Session(vault.engine) as s, s.begin():
            device_id = _meta(s, "device_id")
            user = s.scalar(select(User).where(User.username == name, User.active.is_(True)))
            if user is None:
                raise WrongPassphrase
            actor = Actor(user.id, user.username, user.role, user.org_id, user.team)
        # Opened first, then audited: a backup copy opened as a vault takes a new device id
        # as it opens (sync/reidentify.py), and its unlock must go into the new id's chain, not
        # the live vault's (two different entries at one place of a chain break it).
        ws = cls(vault, actor, device_id)
        # BEGIN IMMEDIATE (ctx.write): several commands unlocking one vault at once wait their
        # turn instead of failing on the lock upgrade of a deferred transaction.
        with ws.ctx.write() as s:
            for event in vault.deferred_audit:
                subject = str(event.get("user", ""))
                audit_chain.append(
                    s,
                    device_id=ws.device_id,
                    actor=str(event.get("by") or subject),
                    action=str(event.get("action", "unlock.failed")),
                    detail={"at": event.get("at"), "user": subject},
                )
            audit_chain.append(s, device_id=ws.device_id, actor=name, action=how)
        vault.deferred_audit = []
        return ws

    @staticmethod
    def exists(root: Path) -> bool:
        return VaultPaths(root).exists()

    # -- while open --------------------------------------------------------------
    @property
    def actor(self) -> Actor:
        return self.ctx.actor

    @property
    def device_id(self) -> str:
        return self.ctx.device_id

    @property
    def is_locked(self) -> bool:
        return self.vault.is_locked

    def lock(self) -> None:
        self.sync.close()
        self.ctx.close()
        self.vault.lock()

    def close(self) -> None:
        self.lock()

    def new_recovery_key(self) -> bytes:
        """Makes the organisation's recovery key pair; returns the private half to keep offline."""
        self.ctx.require_role(Role.DATA_MANAGER)
        private, public = crypto.new_recovery_keypair()
        self.vault.slots.set_recovery(public, self.vault.data_key)
        self.vault.save_slots()
        with self.ctx.write() as s:
            self.audit.record(s, "recovery_key.new")
        return private

    def backup(self, dest: Path) -> Path:
        """A complete, openable vault copy in folder `dest` (database and key slots)."""
        if self.is_locked:
            raise VaultLocked
        if self.actor.role not in (Role.DATA_MANAGER, Role.SUPERVISOR):
            raise PermissionDenied
        dest_paths = VaultPaths(dest)
        if dest_paths.db.exists():
            raise ValidationError.single(
                "output", N_("There is already a vault in that folder. Choose an empty folder.")
            )
        dest.mkdir(parents=True, exist_ok=True)
        dest.chmod(0o700)
        self.vault.backup(dest_paths.db)
        self.vault.slots.save(dest_paths.slots)
        with self.ctx.write() as s:
            self.audit.record(s, "vault.backup")
        return dest

    def check(self) -> CheckReport:
        problems = self.vault.integrity_problems()
        return CheckReport(problems, self.audit.verify(), self.audit.count())

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def describe_event(detail: str) -> dict[str, object]:
    parsed: dict[str, object] = json.loads(detail)
    return parsed
