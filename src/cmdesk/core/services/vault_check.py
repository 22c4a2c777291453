"""Checking a vault, and repairing what an older version could leave behind (issue 10).

An older cmdesk let two laptops work under one device id (one enrolment file joined twice,
a copied vault folder). A vault it left that way holds changes under its own id at numbers
its next change would take, so every later capture fails, and its audit chain has entries
of two laptops under one id, so `check` reports a break. `repair` gives the vault a new
identity (sync/reidentify.py: nothing is lost, its earlier work stays history of the old id)
and records each audit break found then as known, with an audit entry saying so: the break
stays in the trail and in the report's count, it no longer fails the check.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import select

from cmdesk.core.acting.audit import AuditService, ChainBreak
from cmdesk.core.acting.context import Context
from cmdesk.core.errors import VaultDamaged
from cmdesk.core.i18n import N_
from cmdesk.core.model import VaultMeta
from cmdesk.core.model.roles import Role
from cmdesk.core.sync import reidentify
from cmdesk.core.sync.audit_versions import HeldInHistory

if TYPE_CHECKING:
    from cmdesk.core.sync.engine import SyncEngine
    from cmdesk.core.vault.store import Vault

KNOWN_BREAKS = "audit_breaks_known"
BRANCHED = N_(
    "The audit trail of laptop {device} has two branches, both whole: two copies of that "
    "laptop wrote it before one of them took a new identity."
)
# A damaged trail could hold many breaks; each is one entry in the repair's record.
MAX_BREAKS = 10_000


@dataclass(frozen=True)
class CheckReport:
    integrity_problems: list[str]
    audit_break: ChainBreak | None
    audit_entries: int
    # Another laptop worked under this vault's device id: saving and exchanging fail.
    identity_clash: bool = False
    known_breaks: int = 0  # audit breaks recorded as known by an earlier repair
    # Device ids whose trail two copies of one laptop wrote, both branches whole
    # (sync/audit_versions.py): said, not a failure.
    branched: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.integrity_problems and self.audit_break is None and not self.identity_clash

    @property
    def repairable(self) -> bool:
        """What `repair` can mend (damaged pages need the backup)."""
        return not self.integrity_problems and not self.ok


@dataclass(frozen=True)
class RepairReport:
    new_identity: str | None  # the device id the vault goes on under, when it needed one
    acknowledged: tuple[ChainBreak, ...]


class VaultCheck:
    def __init__(self, ctx: Context, vault: Vault, audit: AuditService, sync: SyncEngine):
        self._ctx, self._vault, self._audit, self._sync = ctx, vault, audit, sync

    def check(self) -> CheckReport:
        known = self._known()
        with self._sync.store.read() as db:
            clash = reidentify.clashes(db, self._sync)
        trail = self._audit.check(frozenset(known), HeldInHistory())
        return CheckReport(
            self._vault.integrity_problems(),
            trail.first_break,
            self._audit.count(),
            identity_clash=clash,
            known_breaks=len(known),
            branched=tuple(sorted({b.device_id for b in trail.branches})),
        )

    def repair(self) -> RepairReport:
        """Mends what check reports, for a data manager or supervisor (as a backup is: a field
        laptop may have no data manager account); damaged pages are refused (the database
        itself needs the latest backup)."""
        self._ctx.require_role(Role.DATA_MANAGER, Role.SUPERVISOR)
        if self._vault.integrity_problems():
            raise VaultDamaged
        new = None
        with self._sync.store.read() as db:
            clash = reidentify.clashes(db, self._sync)
        if clash:
            new = reidentify.take_successor_identity(self._sync, reidentify.REPAIRED)
        known = self._known()
        found: list[ChainBreak] = []
        history = HeldInHistory()
        for _ in range(MAX_BREAKS):
            brk = self._audit.check(frozenset(known), history).first_break
            if brk is None:
                break
            known.add((brk.device_id, brk.seq))
            found.append(brk)
        if found:
            with self._ctx.write() as s:
                row = s.get(VaultMeta, KNOWN_BREAKS)
                value = json.dumps(sorted(known))
                if row is None:
                    s.add(VaultMeta(key=KNOWN_BREAKS, value=value))
                else:
                    row.value = value
                for b in found:
                    self._audit.record(
                        s,
                        "audit.break_known",
                        "device",
                        b.device_id,
                        {"seq": b.seq, "reason": b.reason},
                    )
        return RepairReport(new, tuple(found))

    def _known(self) -> set[tuple[str, int]]:
        with self._ctx.read() as s:
            value = s.scalar(select(VaultMeta.value).where(VaultMeta.key == KNOWN_BREAKS))
        return {(str(d), int(n)) for d, n in json.loads(value)} if value else set()
