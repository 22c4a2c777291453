"""What a replica can say about itself: its canonical state hash, conflicts, quarantine."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime

from cmdesk.core.sync.db import Db, quote
from cmdesk.core.sync.hlc import ms_of
from cmdesk.core.sync.hub_waiting import WaitingOnHub
from cmdesk.core.sync.merge import Value
from cmdesk.core.sync.model import DEFERRED, QUARANTINED
from cmdesk.core.sync.oplog import Origins
from cmdesk.core.sync.tables import AUDIT_TABLE, synced_tables


def stamp_time(hlc: int) -> str:
    return datetime.fromtimestamp(ms_of(hlc) / 1000, UTC).isoformat(timespec="milliseconds")


def state_hash(db: Db) -> str:
    """SHA-256 over every synced record (all columns, tables and rows in a fixed order) and
    every open conflict. Equal on two replicas exactly when they hold the same data.

    The audit trail is left out: each replica appends its own entries when it exchanges
    bundles, so it differs right after any exchange; its chains are checked by `check`."""
    h = hashlib.sha256()
    present = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    for name, table in synced_tables().items():
        if name == AUDIT_TABLE or name not in present:
            continue
        cols = ", ".join(quote(c) for c in ("id", *table.columns))
        h.update(f"table {name}\n".encode())
        for row in db.execute(f"SELECT {cols} FROM {quote(name)} ORDER BY id"):
            h.update(_canonical(list(row)))
    h.update(b"conflicts\n")
    for row in db.execute(
        "SELECT id, tbl, row_id, field, kind, sides FROM sync_conflict ORDER BY id"
    ):
        h.update(_canonical(list(row)))
    return h.hexdigest()


def _canonical(values: list[object]) -> bytes:
    plain = [v.hex() if isinstance(v, bytes) else v for v in values]
    return json.dumps(plain, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"


@dataclass(frozen=True)
class ConflictSide:
    field: str
    value: Value
    origin: str
    stamped_at: str
    winner: bool


@dataclass(frozen=True)
class ConflictDTO:
    id: str
    table: str
    row_id: str
    field: str
    kind: str  # "edit" or "delete"
    sides: tuple[ConflictSide, ...]


def conflicts(db: Db) -> list[ConflictDTO]:
    out: list[ConflictDTO] = []
    for cid, tbl, row_id, name, kind, sides in db.execute(
        "SELECT id, tbl, row_id, field, kind, sides FROM sync_conflict ORDER BY tbl, row_id, id"
    ):
        parsed = json.loads(sides)
        out.append(
            ConflictDTO(
                cid,
                tbl,
                row_id,
                name,
                kind,
                tuple(
                    ConflictSide(f, v, origin, stamp_time(hlc), i == 0)
                    for i, (hlc, origin, f, v) in enumerate(parsed)
                ),
            )
        )
    return out


@dataclass(frozen=True)
class WaitingChange:
    origin: str
    seq: int
    table: str
    row_id: str
    operations: int
    stamped_at: str
    reason: str  # "future" (quarantined) or "newer-app" (deferred)


def waiting(db: Db, origins: Origins) -> list[WaitingChange]:
    out: list[WaitingChange] = []
    for origin, seq, span, hlc, tbl, row_id, state in db.execute(
        "SELECT origin, seq, span, hlc, tbl, row_id, state FROM sync_change "
        "WHERE state != 0 ORDER BY hlc, origin"
    ):
        reason = "future" if state == QUARANTINED else "newer-app" if state == DEFERRED else "?"
        out.append(
            WaitingChange(
                origins.device(db, origin), seq, tbl, row_id, span, stamp_time(hlc), reason
            )
        )
    return out


@dataclass(frozen=True)
class PeerDTO:
    device_id: str
    org_id: str
    org_code: str
    vector: dict[str, int]
    last_bundle_at: str | None
    team: str | None = None  # a laptop limited to one team's cases


@dataclass(frozen=True)
class RefusedChanges:
    """Changes this laptop refused from one sender for one reason, over all its imports."""

    from_org: str  # the sending organisation's id
    from_code: str  # its code, when this laptop trusts it
    reason: str  # a msgid of sync.authority.REASONS
    count: int
    last_at: str  # when the last of them arrived (UTC text)

    @property
    def when(self) -> datetime:
        parsed = datetime.fromisoformat(self.last_at.replace("Z", "+00:00"))
        return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


@dataclass(frozen=True)
class ImportTrouble:
    """What this laptop's imports refused or could not place, kept in its audit trail."""

    refused: tuple[RefusedChanges, ...] = ()
    forked: int = 0  # changes another copy of a vault made under one laptop id
    set_aside: int = 0  # rows that clashed on a unique number (kept in the history)


def import_trouble(db: Db, device_id: str, codes: dict[str, str]) -> ImportTrouble:
    """Read back from this laptop's own `sync.import` audit entries (they sync, so the
    laptop's own device id keeps other laptops' imports out)."""
    counts: dict[tuple[str, str], int] = {}
    last: dict[tuple[str, str], str] = {}
    forked = set_aside = 0
    for at, detail in db.execute(
        "SELECT at, detail FROM audit_entry WHERE action = 'sync.import' AND device_id = ? "
        "ORDER BY seq",
        (device_id,),
    ):
        info = json.loads(detail or "{}")
        if not isinstance(info, dict):
            continue
        sender = str(info.get("from_org", ""))
        for reason, n in (info.get("refused_by_reason") or {}).items():
            key = (sender, str(reason))
            counts[key] = counts.get(key, 0) + int(n)
            last[key] = str(at)
        forked += int(info.get("forked") or 0)
        set_aside += int(info.get("set_aside") or 0)
    return ImportTrouble(
        refused=tuple(
            RefusedChanges(org, codes.get(org, ""), reason, n, last[(org, reason)])
            for (org, reason), n in sorted(counts.items())
        ),
        forked=forked,
        set_aside=set_aside,
    )


@dataclass(frozen=True)
class OverusedEnrolment:
    enrol_id: str
    laptops: int
    devices: tuple[str, ...]


@dataclass(frozen=True)
class IdentityChange:
    """This vault went on as a new laptop (reidentify.py): when, from which id, and why."""

    at: str  # ISO time, UTC
    previous: str
    device: str
    reason: str  # reidentify.RESTORED, FORKED or REPAIRED

    @property
    def when(self) -> datetime:
        parsed = datetime.fromisoformat(self.at.replace("Z", "+00:00"))
        return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def identity_changes(db: Db) -> tuple[IdentityChange, ...]:
    """Every time this vault took a new identity, oldest first (from its audit trail)."""
    out = []
    for at, device, detail in db.execute(
        "SELECT at, entity_id, detail FROM audit_entry WHERE action = 'sync.new_identity' "
        "ORDER BY at"
    ):
        said = json.loads(detail or "{}")
        out.append(
            IdentityChange(
                str(at), str(said.get("previous", "")), str(device), str(said.get("reason", ""))
            )
        )
    return tuple(out)


@dataclass(frozen=True, kw_only=True)
class SyncStatus:
    device_id: str
    org_id: str
    org_code: str
    schema: int
    vector: dict[str, int]
    operations: int
    peers: tuple[PeerDTO, ...]
    conflicts: int
    quarantined: tuple[WaitingChange, ...]
    waiting_for_upgrade: tuple[WaitingChange, ...]
    state_hash: str
    # On the computer that made enrolment files: files more laptops joined with than meant.
    overused_enrolments: tuple[OverusedEnrolment, ...] = ()
    # What imports refused or could not place, for the data manager to follow up.
    trouble: ImportTrouble = ImportTrouble()
    # When this vault went on as a new laptop (restored, copied, repaired), oldest first.
    identity_changes: tuple[IdentityChange, ...] = ()
    # The team this laptop's records are limited to (None: the whole organisation).
    team: str | None = None
    # Record changes made here that no other laptop of the organisation holds (unsent.py);
    # None on the office or a data manager's laptop.
    only_here: int | None = None
    # Bundles on the hub refused here, left there until something changes (hub_waiting.py).
    waiting_on_hub: tuple[WaitingOnHub, ...] = ()
    # This laptop may decide trust (the office, a data manager's): its bundles carry the
    # organisation's decisions, and it tells a partner no longer trusted (partners.py).
    decides_trust: bool = False
