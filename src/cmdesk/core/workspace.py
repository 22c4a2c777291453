"""The one way into a vault: `Workspace.open(path, user, passphrase)` hands out the services.

The CLI, the GUI and the tests all go through here, so rules, permissions and audit apply
to every front end alike.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from cmdesk.core.acting import audit as audit_chain
from cmdesk.core.acting.audit import AuditService
from cmdesk.core.acting.context import Actor, Context
from cmdesk.core.errors import (
    AccountClosed,
    PermissionDenied,
    ValidationError,
    VaultLocked,
    WrongPassphrase,
)
from cmdesk.core.founding import Founder, found_vault
from cmdesk.core.i18n import N_
from cmdesk.core.model import Organisation, User, VaultMeta, new_id
from cmdesk.core.model.roles import Role
from cmdesk.core.search import deferred as search_deferred
from cmdesk.core.search import index as search_index
from cmdesk.core.search.service import SearchService
from cmdesk.core.services.case_workflow import WorkflowService
from cmdesk.core.services.cases import CaseService
from cmdesk.core.services.casework import CaseworkService
from cmdesk.core.services.children import ChildService
from cmdesk.core.services.conflict_review import ConflictService
from cmdesk.core.services.consents import ConsentService
from cmdesk.core.services.home import HomeService
from cmdesk.core.services.mechanisms import MechanismService
from cmdesk.core.services.network_stats import StatsExchange
from cmdesk.core.services.notes import NoteService
from cmdesk.core.services.organisations import OrganisationService
from cmdesk.core.services.pdpa import ErasedRecords, PdpaService
from cmdesk.core.services.referrals import ReferralService
from cmdesk.core.services.reports import ReportService
from cmdesk.core.services.sheets import SheetService
from cmdesk.core.services.tasks import TaskService
from cmdesk.core.services.users import UserService, check_passphrase
from cmdesk.core.services.vault_check import CheckReport as CheckReport
from cmdesk.core.services.vault_check import RepairReport, VaultCheck
from cmdesk.core.stats.service import StatsService
from cmdesk.core.sync import closed_accounts, colleagues, keystore
from cmdesk.core.sync import rejections as rej
from cmdesk.core.sync.db import Db
from cmdesk.core.sync.engine import SyncEngine
from cmdesk.core.sync.keys import open_enrolment
from cmdesk.core.vault import crypto
from cmdesk.core.vault.store import Vault, VaultPaths
from cmdesk.core.vault.throttle import Clock, wall_clock


def _forget_in_search(session: Session, erased: ErasedRecords) -> None:
    # The PDPA service rewrites every FTS5 index right after its hooks run.
    search_index.forget_child(session, erased.child_id, optimize=False)


def _meta(session: Session, key: str) -> str:
    value = session.scalar(select(VaultMeta.value).where(VaultMeta.key == key))
    if value is None:
        raise KeyError(key)
    return value


class Workspace:
    def __init__(self, vault: Vault, actor: Actor, device_id: str) -> None:
        self.vault = vault
        self.account_closed = False
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
        self.mechanisms = MechanismService(self.ctx, self.audit)
        self.pdpa = PdpaService(
            self.ctx,
            self.audit,
            erasure_hooks=(_forget_in_search,),
            passphrase_check=lambda name, secret: vault.slots.unlock(name, secret) is not None,
        )
        self.reports = ReportService(self.ctx, self.audit)
        self.search = SearchService(self.ctx)
        self.sheets = SheetService(self.ctx, self.audit, self.search)
        # Installs change capture on the vault's engine: every commit from here on is synced.
        self.sync = SyncEngine(self.ctx, self.audit, applying=search_deferred.deferred)
        # A laptop enrolled for one team changes only that team's cases (acting.laptop_team).
        if (team := self.sync.own_team()) is not None:
            self.ctx.actor = dataclasses.replace(self.ctx.actor, laptop_team=team)
        # Conflicts are listed and decided only through the permission-checked review.
        self.conflicts = ConflictService(self)
        # Statistics travel in sealed bundles: the exchange needs the sync engine's keys.
        self.stats = StatsService(self.ctx, self.audit)
        self.stats_exchange = StatsExchange(self.ctx, self.audit, self.stats, self.sync)
        self.home = HomeService(self)
        self.vault_check = VaultCheck(self.ctx, vault, self.audit, self.sync)

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
        code = org_code.strip().upper()
        if not code or len(code) > 32 or not code.replace("-", "").replace("_", "").isalnum():
            raise ValidationError.single(
                "org", N_("An organisation code is 1 to 32 letters, digits, - or _.")
            )
        founder = Founder(
            username=username,
            passphrase=passphrase,
            role=Role.DATA_MANAGER,
            org_code=code,
            device_id=new_id(),
            action="vault.create",
            display_name=display_name,
            org_name_th=org_name_th,
            org_name_en=org_name_en,
        )
        vault, actor = found_vault(root, founder, kdf)
        return cls(vault, actor, founder.device_id)

    @classmethod
    def join(
        cls,
        root: Path,
        enrolment_file: bytes,
        enrol_passphrase: str,
        *,
        username: str,
        passphrase: str,
        display_name: str = "",
        kdf: crypto.KdfParams | None = None,
    ) -> Workspace:
        """A new laptop of an organisation, from an enrolment file: the organisation's public
        identity and encryption key pair, a device identity of its own (a fresh id and key
        pair, certified with the file's enrolment key, so two laptops joining with one file
        never share an identity), the partners its organisation trusts, and its first user in
        the role (and team) the file names. It never holds the organisation's certification
        key, nor with a team's file its encryption key; its records arrive by importing a
        bundle (with a team's file, one made for this laptop after it reported)."""
        enrolment = open_enrolment(enrolment_file, enrol_passphrase)
        ident, device = enrolment.org.identity, enrolment.new_device()
        staff = colleagues.parse(list(enrolment.staff))
        name = username.strip().lower()
        founder = Founder(
            username=username,
            passphrase=passphrase,
            role=enrolment.role,
            org_code=ident.code,
            device_id=device.device_id,
            action="vault.join",
            display_name=display_name,
            team=enrolment.team or "",
            org_name_th=ident.name_th,
            org_name_en=ident.name_en,
            user_id=next((e.id for e in staff if e.username == name), ""),
        )

        def keys(s: Session, org: Organisation) -> None:
            if org.id != ident.org_id:
                raise rej.invalid("file", rej.NOT_ENROLMENT)
            raw: Db = s.connection().connection.driver_connection  # type: ignore[assignment]
            keystore.save(raw, enrolment.org, device)
            for partner in enrolment.trusted:
                keystore.trust(raw, partner)
            if enrolment.issuer_device:
                keystore.expect_device(raw, enrolment.issuer_device, org.id)
            colleagues.keep(raw, org.id, staff)

        vault, actor = found_vault(root, founder, kdf, keys)
        return cls(vault, actor, device.device_id)

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
            raw: Db = s.connection().connection.driver_connection  # type: ignore[assignment]
            closed = closed_accounts.closed_at(raw, user.id, user.created_at) is not None
            if closed and how == "unlock" and closed_accounts.all_sent(raw, device_id):
                vault.defer_audit("unlock.closed", name)
                raise AccountClosed
            actor = Actor(
                user.id, user.username, user.role, user.org_id, user.team, user.display_name
            )
        # Opened first, then audited: a backup copy opened as a vault takes a new device id
        # as it opens (sync/reidentify.py), and its unlock must go into the new id's chain, not
        # the live vault's (two different entries at one place of a chain break it).
        ws = cls(vault, actor, device_id)
        # Closed, with work not yet sent: it opens, says so and asks for the work to be sent.
        ws.account_closed = closed
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
                    detail={
                        "at": event.get("at"),
                        "user": subject,
                        **({"count": event["count"]} if "count" in event else {}),
                    },
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
        return self.vault_check.check()

    def repair(self) -> RepairReport:
        return self.vault_check.repair()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def describe_event(detail: str) -> dict[str, object]:
    parsed: dict[str, object] = json.loads(detail)
    return parsed
