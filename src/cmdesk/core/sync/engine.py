"""`ws.sync`: change capture while the vault is open, and export, import, status, conflicts.

Every transaction on the vault's engine passes through the capture hook (capture.py). Export
and import work on the raw connection in their own transactions; import applies each segment
in one transaction and records its progress in the same transaction, so an interrupted
import resumes where it stopped and a finished one is recognised when replayed.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cmdesk import __version__
from cmdesk.core.acting.audit import AuditService
from cmdesk.core.acting.context import Context
from cmdesk.core.errors import BundleTooLarge
from cmdesk.core.model.base import new_id
from cmdesk.core.model.roles import Role
from cmdesk.core.progress import CancelToken, Progress
from cmdesk.core.sync import (
    batches,
    bundle_format,
    colleagues,
    hub_waiting,
    importing,
    keystore,
    orgkeys,
    partners,
    parts,
    reidentify,
    sharing,
    unsent,
)
from cmdesk.core.sync import rejections as rej
from cmdesk.core.sync.capture import install
from cmdesk.core.sync.certs import MAX_LAPTOPS, MAX_TEAM, DeviceCert, Link, now_text, team_of
from cmdesk.core.sync.db import Db
from cmdesk.core.sync.erasure import ERASURE_TABLE
from cmdesk.core.sync.exporting import (
    Laptop,
    contested_of,
    device_teams,
    devices_of,
    find_laptop,
    for_own_org,
    for_partner,
    holds_in,
    known_devices,
    known_to,
    laptops_of,
)
from cmdesk.core.sync.hlc import Hlc, MsClock, wall_ms
from cmdesk.core.sync.importing import ImportResult
from cmdesk.core.sync.keys import (
    DeviceKeys,
    Enrolment,
    OrgIdentity,
    OrgKeys,
    new_enrolment_passphrase,
    org_id_follows_from_code,
    read_identity_file,
    seal_enrolment,
)
from cmdesk.core.sync.model import DEFERRED, QUARANTINED
from cmdesk.core.sync.oplog import Change, load_held
from cmdesk.core.sync.payload import Knowledge, Payload, cut_segments, encode
from cmdesk.core.sync.progress import nothing, stopper
from cmdesk.core.sync.status import (
    ImportTrouble,
    OverusedEnrolment,
    PeerDTO,
    SyncStatus,
    WaitingChange,
    identity_changes,
    import_trouble,
    state_hash,
    waiting,
)
from cmdesk.core.sync.store import Applying, SyncStore
from cmdesk.core.sync.tables import SCHEMA_VERSION, synced_tables
from cmdesk.core.sync.triggers import ensure_triggers
from cmdesk.core.sync.vectors import Vector, contiguous, vector_from_json
from cmdesk.core.vault.files import atomic_write
from cmdesk.core.vault.scrub import checkpoint_wal

__all__ = [
    "ExportResult",
    "ImportResult",
    "SyncEngine",
    "TrustedOrg",
]


@dataclass(frozen=True)
class ExportResult:
    bundle_id: str
    recipient_org: str
    operations: int
    changes: int
    segments: int
    size: int
    recipient_device: str = ""  # a bundle sealed to one laptop
    # A bundle for a partner carrying the organisation's latest decision on it
    # (partners.decision_for): when it was made; and whether it is a notice (trust withdrawn:
    # the bundle carries nothing else).
    decision_at: str = ""
    notice: bool = False


@contextlib.contextmanager
def _as_is(db: Db) -> Iterator[None]:
    yield


@dataclass(frozen=True)
class _Draft:
    """What an export decided before sealing: the header's routing and who may open it, and
    what the bundle (or each of its parts) carries."""

    header: dict[str, object]  # without the bundle's id and time
    sealed_to: bytes
    device: str  # a bundle sealed to one laptop: its id
    everything: bool
    changes: list[Change]  # in (HLC, origin) order
    held: Vector
    devices: dict[str, Knowledge]
    signed: list[batches.Batch]
    certs: dict[str, tuple[DeviceCert, tuple[Link, ...]]]
    partners: list[dict[str, Any]]  # for the organisation's own laptops (partners.py)
    staff: list[dict[str, Any]]  # likewise (colleagues.py)
    decisions: list[dict[str, Any]]  # likewise (partners.py)
    their: list[dict[str, Any]] = dataclasses.field(default_factory=list)  # likewise


@dataclass(frozen=True)
class TrustedOrg:
    org_id: str
    code: str
    name_th: str
    name_en: str
    fingerprint: str
    own: bool
    # When its trust was withdrawn (`sync untrust`, UTC ISO text); None: trusted.
    withdrawn_at: str | None = None
    # When the partner told that it withdrew its trust in this organisation; None: it did
    # not, or trusts it again (partners.learn_their_decision).
    withdrew_at: str | None = None


def _trusted_dto(ident: OrgIdentity, own: bool, withdrawn_at: str | None = None) -> TrustedOrg:
    return TrustedOrg(
        ident.org_id,
        ident.code,
        ident.name_th,
        ident.name_en,
        ident.fingerprint(),
        own,
        withdrawn_at,
    )


class SyncEngine:
    def __init__(
        self,
        ctx: Context,
        audit: AuditService,
        now_ms: MsClock = wall_ms,
        *,
        applying: Applying = _as_is,
    ) -> None:
        self.store = SyncStore(ctx, audit, now_ms, applying)
        self._remove_hook = install(ctx.engine, self.store.capture)
        self._startup()

    def close(self) -> None:
        remove, self._remove_hook = self._remove_hook, nothing
        remove()

    def _startup(self) -> None:
        with self.store.read() as db:
            copied = reidentify.is_marked_copy(db)
            clashing = not copied and reidentify.clashes(db, self)
        if copied:
            # A backup copy opened as a vault: it goes on as a new laptop (reidentify.py).
            reidentify.take_successor_identity(self, reidentify.RESTORED)
        elif clashing:
            # An older version let another laptop work under this id, and this vault's next
            # change would take a number already used: every save would fail. It goes on as
            # a new laptop before anything is written (services/vault_check.py).
            reidentify.take_successor_identity(self, reidentify.REPAIRED)
        with self.store.read() as db:
            stale = ensure_triggers(db, dry_run=True) > 0
            waiting_rows = db.execute(
                "SELECT 1 FROM sync_change WHERE state = ? LIMIT 1", (DEFERRED,)
            ).fetchone()
        if stale:
            with self.store.write() as db:
                ensure_triggers(db)
        if waiting_rows:
            with self.store.write() as db:
                self.store.release(db, DEFERRED)

    def capture_pending(self) -> int:
        """Captures writes committed without the hook (another process, a script)."""
        with self.store.read() as db:
            if db.execute("SELECT 1 FROM sync_dirty LIMIT 1").fetchone() is None:
                return 0
        with self.store.write() as db:
            return self.store.capture(db)

    def keys(self) -> keystore.LocalKeys:
        """This device's keys; a vault made with `Workspace.create` founds its organisation's
        keys on first use (a joined laptop got them from its enrolment file)."""
        with self.store.read() as db:
            found = keystore.load(db)
        if found is not None:
            return found
        with self.store.write() as db:
            found = keystore.load(db)
            if found is None:
                org_id = self.store.org_id(db)
                code, name_th, name_en = db.execute(
                    "SELECT code, name_th, name_en FROM organisation WHERE id = ?", (org_id,)
                ).fetchone()
                org = OrgKeys.generate(org_id, code, name_th, name_en)
                keystore.save(db, org, DeviceKeys.generate(org, self.store.ctx.device_id))
                found = keystore.load(db)
        assert found is not None
        return found

    # -- identities and enrolment ------------------------------------------------------
    def identity_file(self) -> bytes:
        """The organisation's self-signed identity; only its creating vault can sign it."""
        self.store.ctx.require_role(Role.DATA_MANAGER)
        return self.keys().org.identity_file()

    def only_here(self) -> int | None:
        """Record changes made on this laptop that no other laptop of the organisation is known
        to hold (unsent.py); None on a laptop that keeps the organisation's accounts (the
        office, a data manager's), which the others send to rather than the reverse."""
        if partners.may_decide_trust(self.keys().device.cert.role):
            return None
        self.capture_pending()
        with self.store.read() as db:
            return unsent.only_here(db, self.store.ctx.device_id)

    def holds_org_certifying_key(self) -> bool:
        return self.keys().org.sign_secret is not None

    def trusted(self) -> list[TrustedOrg]:
        """Its own organisation first, then the partners, those withdrawn included."""
        self.keys()
        with self.store.read() as db:
            withdrawn, withdrew = keystore.withdrawn(db), keystore.withdrew(db)
            return sorted(
                (
                    dataclasses.replace(
                        _trusted_dto(i, own, withdrawn.get(i.org_id)),
                        withdrew_at=withdrew.get(i.org_id),
                    )
                    for i, own in keystore.trusted(db).values()
                ),
                key=lambda t: (not t.own, t.code),
            )

    def untrust(self, org: str) -> TrustedOrg:
        """Withdraws trust in a partner (id or code): this laptop sends it nothing more and
        takes no bundle of its; the organisation's laptops learn it from this laptop's
        bundles when it may decide trust (partners.py). `sync trust` with its identity file
        trusts it again."""
        self.store.ctx.require_role(Role.DATA_MANAGER)
        own = self.keys().org.identity.org_id
        with self.store.write() as db:
            trusted = keystore.trusted(db)
            org_id = self._named(org, trusted)
            if org_id == own:
                raise rej.invalid("org", rej.OWN_ORG_UNTRUST)
            withdrawn = keystore.withdrawn(db)
            if org_id not in withdrawn:
                keystore.withdraw(db, org_id, keystore.utc_text())
                withdrawn = keystore.withdrawn(db)
            ident = trusted[org_id][0]
        with self.store.ctx.write() as s:
            self.store.audit.record(s, "sync.untrust", "organisation", org_id)
        return _trusted_dto(ident, False, withdrawn[org_id])

    def trust(self, identity_file: bytes) -> TrustedOrg:
        """Trusts a partner's identity file. An identity that would replace the keys of an
        organisation already trusted (same id or same code), or whose id does not follow from
        its code, is refused: it is how a forged identity would take over a partner."""
        self.store.ctx.require_role(Role.DATA_MANAGER)
        keys = self.keys()
        ident = read_identity_file(identity_file)
        if ident.org_id == keys.org.identity.org_id:
            raise rej.invalid("file", rej.OWN_IDENTITY)
        if not org_id_follows_from_code(ident):
            raise rej.invalid("file", rej.IDENTITY_ID_MISMATCH, code=ident.code)
        with self.store.write() as db:
            for other, _own in keystore.trusted(db).values():
                same_org = other.org_id == ident.org_id or (
                    other.code.strip().upper() == ident.code.strip().upper()
                )
                # A new encryption key under the same certification key is the organisation's
                # own rotation (the file is signed by that key); another certification key is
                # another organisation claiming this one's place.
                if same_org and other.sign_public != ident.sign_public:
                    raise rej.invalid("file", rej.IDENTITY_CONFLICT, code=other.code)
            rotated = keystore.box_updates(db).get(ident.org_id)
            if rotated is not None:
                # Keys learned from signed rotations are newer than any identity file's.
                ident = dataclasses.replace(ident, box_public=rotated.box_public)
            keystore.trust(db, ident)
        with self.store.ctx.write() as s:
            self.store.audit.record(s, "sync.trust", "organisation", ident.org_id)
        return _trusted_dto(ident, False)

    def enrolment_file(
        self, role: str = Role.FIELD_WORKER, laptops: int = 1, team: str | None = None
    ) -> tuple[bytes, str]:
        """An enrolment file for `laptops` new laptops, and its one-time passphrase (show it
        once). It holds a short-lived enrolment key certified by the organisation, never the
        organisation's certification key; each laptop joining makes its own identity. With a
        `team`, the laptops hold that team's cases only and no organisation private key."""
        self.store.ctx.require_role(Role.DATA_MANAGER)
        role = Role(role)
        if not 1 <= laptops <= MAX_LAPTOPS:
            raise rej.invalid("laptops", rej.BAD_VALUE, field="laptops")
        if team is not None:
            team = team.strip()
            if not team or len(team) > MAX_TEAM:
                raise rej.invalid("team", rej.BAD_VALUE, field="team")
        keys = self.keys()
        keys.org.certifying_key()  # refuses on a laptop that joined, before any work
        enrol_id = new_id()
        with self.store.write() as db:
            # A partner whose trust was withdrawn is not passed on: the new laptop never
            # trusts it (it learns of it, withdrawn, from the office's bundles).
            withdrawn = keystore.withdrawn(db)
            partners = tuple(
                i
                for i, own in keystore.trusted(db).values()
                if not own and i.org_id not in withdrawn
            )
            enrolment = Enrolment.issue(
                keys.org,
                enrol_id,
                role.value,
                partners,
                laptops=laptops,
                issuer_device=self.store.ctx.device_id,
                team=team,
                staff=colleagues.directory(db),
            )
            keystore.record_enrolment(db, enrolment.enrol_cert)
        passphrase = new_enrolment_passphrase()
        data = seal_enrolment(enrolment, passphrase)
        with self.store.ctx.write() as s:
            self.store.audit.record(
                s,
                "sync.enrol",
                "enrolment",
                enrol_id,
                {"role": role.value, "laptops": laptops, "team": team or ""},
            )
        return data, passphrase

    def revoke(self, subject: str) -> str:
        """Revokes a laptop of this organisation (a device id), or every laptop joined with an
        enrolment file (its enrolment id), and rotates the organisation's encryption key
        (orgkeys.py). Each laptop and partner refuses bundles from the revoked identities (and
        their successors) once it has imported a bundle made after this."""
        self.store.ctx.require_role(Role.DATA_MANAGER)
        keys = self.keys()
        secret = keys.org.certifying_key()
        subject = subject.strip()
        with self.store.write() as db:
            epoch = orgkeys.revoke(
                db, keys.org.identity.org_id, secret, subject, self.store.ctx.device_id
            )
        with self.store.ctx.write() as s:
            self.store.audit.record(s, "sync.revoke", "device", subject, {"epoch": epoch})
        return subject

    def rotate_org_key(self) -> int:
        """Replaces the organisation's encryption key (after enrolment files expired, or when
        a key may have leaked): bundles made from now on are closed to anyone holding only the
        old key. Returns the key's new epoch."""
        self.store.ctx.require_role(Role.DATA_MANAGER)
        keys = self.keys()
        secret = keys.org.certifying_key()
        with self.store.write() as db:
            epoch = orgkeys.rotate(db, keys.org.identity.org_id, secret)
        with self.store.ctx.write() as s:
            self.store.audit.record(s, "sync.rotate_key", "organisation", "", {"epoch": epoch})
        return epoch

    # -- export ------------------------------------------------------------------------
    def export(
        self,
        for_org: str | None = None,
        *,
        laptop: str | None = None,
        everything: bool = False,
        progress: Progress | None = None,
        cancel: CancelToken | None = None,
    ) -> tuple[bytes, ExportResult]:
        """A bundle for `for_org` (id or code; default: this organisation's other laptops)
        with what it is not known to hold, or everything it may have. With `laptop` (a device
        id of this organisation, or its first characters), a bundle sealed to that laptop's
        own key alone, carrying only what it may hold (its team's cases, for a team's laptop)."""
        draft = self._draft(for_org, laptop, everything, stopper(cancel))
        if progress:
            progress(1, 3)
        data, result = self._seal(draft, draft.changes, progress)
        self._audit_export(draft, [result])
        if progress:
            progress(3, 3)
        return data, result

    def export_parts(
        self,
        max_bytes: int,
        for_org: str | None = None,
        *,
        laptop: str | None = None,
        everything: bool = False,
        cancel: CancelToken | None = None,
    ) -> list[tuple[bytes, ExportResult]]:
        """What `export` carries, as bundles of at most `max_bytes` each (a hub's ceiling: the
        first sync of a large organisation). Each part is a whole bundle, signed and sealed,
        imported on its own like any other (parts.py); raises BundleTooLarge (with the whole
        bundle's size and operations) when one change with its signatures is larger than the
        ceiling."""
        check = stopper(cancel)
        draft = self._draft(for_org, laptop, everything, check)
        try:
            out = parts.split(
                draft.changes, lambda chunk: self._seal(draft, chunk, None), max_bytes, check
            )
        except BundleTooLarge as exc:
            operations = sum(c.span for c in draft.changes)
            raise BundleTooLarge(max_bytes, size=exc.size, operations=operations) from None
        self._audit_export(draft, [result for _, result in out])
        return out

    def _draft(
        self, for_org: str | None, laptop: str | None, everything: bool, check: Callable[[], None]
    ) -> _Draft:
        """What a bundle for this recipient carries, and what goes with it."""
        keys = self.keys()
        me = self.store.ctx.device_id
        self.capture_pending()
        with self.store.write() as db:
            # This device's changes leave it signed (batches.py).
            batches.sign_own(db, self.store.origins, me, keys.device.sign)
        with self.store.read() as db:
            trusted = keystore.trusted(db)
            own = keys.org.identity.org_id
            target = find_laptop(db, laptop, own, me) if laptop is not None else None
            recipient = own if target is not None else self._recipient(for_org, trusted, own, db)
            devices = known_devices(db)
            teams = device_teams(db)
            # A laptop that joined and has not reported yet holds nothing: carry everything.
            fresh = recipient == own and keystore.enrolments_waiting(db, now_text())
            if target is not None:
                held_there = devices[target.device_id].held
                known: Vector = {} if everything else held_there
            else:
                known = {} if everything or fresh else known_to(recipient, devices, me, teams)
            held = load_held(db, self.store.origins)
            revocations = keystore.revocations(db)
            box_news = orgkeys.box_news(db, own, recipient, me)
            if target is not None and target.team is not None:
                scope = sharing.team_scope(db, own, target.team)
                scope.update(sharing.left_team(db, scope, holds_in(held_there)))
                # A contested change goes whole: the laptop may hold some of its numbers
                # under another version (its own), and a change cut down to the numbers it
                # lacks no longer matches its origin's signature (refused as altered).
                contested = contested_of(db, self.store.origins, target.device_id, scope, check)
                whole = {(c.origin, c.seq) for c in contested}
                changes = [
                    c
                    for c in for_partner(db, self.store.origins, scope, known, check)
                    if (c.origin, c.seq) not in whole
                ]
                changes += contested
            elif recipient == own:
                changes = for_own_org(db, self.store.origins, known, check)
            elif recipient in keystore.withdrawn(db):
                # A notice: the decision alone (partners.decision_for), telling a partner no
                # longer trusted nothing of what this organisation holds or of its laptops.
                changes, held, devices = [], {}, {}
            else:
                owned = {n: t.owned for n, t in synced_tables().items()}
                scope = sharing.scope_for(db, recipient, owned)
                theirs = devices_of(db, recipient, devices)
                changes = for_partner(db, self.store.origins, scope, known, check, theirs)
            signed = batches.for_changes(db, self.store.origins, changes, me)
            certs = batches.certs_for(db, {b.origin for b in signed} - {me})
            staff = colleagues.offered(db, keys.device) if recipient == own else []
            their = partners.their_offered(db) if recipient == own else []
            decided = (
                partners.decisions_offered(db, keys.device)
                if recipient == own
                else partners.decision_for(db, keys.device, recipient)
            )
        changes.sort(key=lambda c: (c.hlc, c.origin))
        header: dict[str, object] = {
            "sender_device": me,
            "sender_org": own,
            "cert": keys.device.cert,
            "chain": keys.device.chain,
            "revocations": revocations,
            "org_box": box_news,
            "recipient_org": recipient,
        }
        if target is not None:
            header["recipient_device"] = target.device_id
            sealed_to = target.box_public()
        else:
            sealed_to = trusted[recipient][0].box_public
        return _Draft(
            header,
            sealed_to,
            target.device_id if target is not None else "",
            everything,
            changes,
            held,
            {d: k for d, k in devices.items() if d != me},
            signed,
            certs,
            partners.offered(keys.device, trusted) if recipient == own else [],
            staff,
            decided,
            their,
        )

    def _seal(
        self, draft: _Draft, changes: list[Change], progress: Progress | None
    ) -> tuple[bytes, ExportResult]:
        """One bundle of `changes` (a part of the draft's, or all), with the signed batches
        and certificates its changes need."""
        signed = parts.batches_for(draft.signed, changes)
        origins = {b.origin for b in signed}
        certs = {d: c for d, c in draft.certs.items() if d in origins}
        segments = cut_segments(changes)
        payload = Payload(
            draft.held,
            draft.devices,
            segments,
            signed,
            certs,
            draft.partners,
            draft.staff,
            draft.decisions,
            draft.their,
        )
        operations = payload.operations()
        plain = encode(payload)
        if progress:
            progress(2, 3)
        bundle_id = new_id()
        header = {
            "format": bundle_format.FORMAT,
            "schema": SCHEMA_VERSION,
            "app": __version__,
            "bundle_id": bundle_id,
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            **draft.header,
        }
        data = bundle_format.write(header, plain, draft.sealed_to, self.keys().device)
        recipient = str(draft.header["recipient_org"])
        result = ExportResult(
            bundle_id,
            recipient,
            operations,
            len(changes),
            len(segments),
            len(data),
            draft.device,
        )
        if recipient != draft.header["sender_org"] and draft.decisions:
            (decision,) = draft.decisions
            result = dataclasses.replace(
                result, decision_at=str(decision["at"]), notice=decision["withdrawn"] is not None
            )
        return data, result

    def _audit_export(self, draft: _Draft, results: list[ExportResult]) -> None:
        with self.store.ctx.write() as s:
            for n, result in enumerate(results, 1):
                detail: dict[str, object] = {
                    "to_org": result.recipient_org,
                    "operations": result.operations,
                    "all": draft.everything,
                }
                if draft.device:
                    detail["to_device"] = draft.device
                if len(results) > 1:
                    detail["part"], detail["parts"] = n, len(results)
                self.store.audit.record(s, "sync.export", "bundle", result.bundle_id, detail)

    def laptops(self) -> list[Laptop]:
        """This organisation's laptops heard from, with the team each is limited to."""
        self.keys()
        with self.store.read() as db:
            own = self.store.org_id(db)
            return laptops_of(db, own, self.store.ctx.device_id)

    def team_cases(self) -> dict[str, int]:
        """This organisation's teams with their number of cases (what an enrolment may name)."""
        with self.store.read() as db:
            return {
                str(team): int(n)
                for team, n in db.execute(
                    "SELECT team, count(*) FROM case_file WHERE org_id = ? AND team != '' "
                    "GROUP BY team ORDER BY team",
                    (self.store.org_id(db),),
                )
            }

    def own_team(self) -> str | None:
        """The team this laptop's records are limited to (None: the whole organisation)."""
        with self.store.read() as db:
            return keystore.team(db)

    def export_to(self, path: Path, for_org: str | None = None, **kw: object) -> ExportResult:
        data, result = self.export(for_org, **kw)  # type: ignore[arg-type]
        atomic_write(path, data)
        return result

    def _recipient(
        self, for_org: str | None, trusted: dict[str, tuple[OrgIdentity, bool]], own: str, db: Db
    ) -> str:
        """Whom a bundle is for: this organisation (None), or a partner it trusts."""
        if for_org is None:
            return own
        org_id = self._named(for_org, trusted)
        code = trusted[org_id][0].code
        if org_id in keystore.withdrawn(db) and not partners.decision_for(
            db, self.keys().device, org_id
        ):
            # Only a laptop that may decide trust tells the partner (a notice, no records).
            raise rej.invalid("org", rej.WITHDRAWN_ORG, org=code)
        if org_id in keystore.withdrew(db):
            raise rej.invalid("org", rej.PARTNER_WITHDREW, org=code)
        return org_id

    @staticmethod
    def _named(org: str, trusted: dict[str, tuple[OrgIdentity, bool]]) -> str:
        """The id of the organisation known here by this id or code."""
        key = org.strip()
        for org_id, (ident, _own) in trusted.items():
            if key in (org_id, ident.code) or key.upper() == ident.code.upper():
                return org_id
        raise rej.invalid("org", rej.UNKNOWN_ORG, org=key)

    # -- import ------------------------------------------------------------------------
    def import_file(self, path: Path, **kw: object) -> ImportResult:
        # A file that does not begin as a bundle is refused from its first bytes, not after
        # reading it whole (a 1 GiB video picked by mistake on a 4 GB laptop).
        with path.open("rb") as f:
            start = f.read(len(bundle_format.STATS_MAGIC))
        if start.startswith(bundle_format.STATS_MAGIC):
            raise rej.reject(rej.STATS_NOT_SYNC)
        if not start.startswith(bundle_format.MAGIC):
            raise rej.reject(rej.NOT_A_BUNDLE)
        return self.import_bundle(path.read_bytes(), **kw)  # type: ignore[arg-type]

    # -- status, conflicts -----------------------------------------------------------------
    def status(self) -> SyncStatus:
        keys = self.keys()
        self.capture_pending()
        with self.store.read() as db:
            ready = any(
                Hlc(0, self.store.now).accepts(r[0])
                for r in db.execute("SELECT hlc FROM sync_change WHERE state = ?", (QUARANTINED,))
            )
        if ready:
            with self.store.write() as db:
                self.store.release(db, QUARANTINED)
        with self.store.read() as db:
            held = load_held(db, self.store.origins)
            codes = {org_id: i.code for org_id, (i, _) in keystore.trusted(db).items()}
            teams = device_teams(db)
            peers = tuple(
                PeerDTO(
                    device,
                    org,
                    codes.get(org, ""),
                    contiguous(vector_from_json(json.loads(h))),
                    at,
                    teams.get(device),
                )
                for device, org, h, at in db.execute(
                    "SELECT device_id, org_id, held, last_bundle_at FROM sync_device "
                    "ORDER BY org_id, device_id"
                )
            )
            waits = waiting(db, self.store.origins)
            n_conflicts = db.execute("SELECT count(*) FROM sync_conflict").fetchone()[0]
            digest = state_hash(db)
            overused = tuple(
                OverusedEnrolment(e, n, seen) for e, n, seen in keystore.overused_enrolments(db)
            )
            trouble = import_trouble(db, self.store.ctx.device_id, codes)
            changed = identity_changes(db)
            on_hub = hub_waiting.still_waiting(db)
        ident = keys.org.identity
        return SyncStatus(
            device_id=self.store.ctx.device_id,
            org_id=ident.org_id,
            org_code=ident.code,
            schema=SCHEMA_VERSION,
            vector=contiguous(held),
            operations=sum(r.count() for r in held.values()),
            peers=peers,
            conflicts=int(n_conflicts),
            quarantined=tuple(w for w in waits if w.reason == "future"),
            waiting_for_upgrade=tuple(w for w in waits if w.reason != "future"),
            state_hash=digest,
            overused_enrolments=overused,
            trouble=trouble,
            identity_changes=changed,
            team=team_of(keys.device.chain),
            only_here=self.only_here(),
            waiting_on_hub=on_hub,
            decides_trust=partners.may_decide_trust(keys.device.cert.role),
        )

    def import_trouble(self) -> ImportTrouble:
        """What this laptop's imports refused or could not place (kept in its audit trail)."""
        with self.store.read() as db:
            codes = {org_id: i.code for org_id, (i, _) in keystore.trusted(db).items()}
            return import_trouble(db, self.store.ctx.device_id, codes)

    def state_hash(self) -> str:
        with self.store.read() as db:
            return state_hash(db)

    def quarantined(self) -> list[WaitingChange]:
        with self.store.read() as db:
            return [w for w in waiting(db, self.store.origins) if w.reason == "future"]

    def import_bundle(
        self,
        data: bytes,
        *,
        progress: Progress | None = None,
        cancel: CancelToken | None = None,
    ) -> ImportResult:
        """Checks the whole bundle, then applies it segment by segment (importing.py)."""
        erasures_before = self._erasure_count()
        result = importing.import_bundle(self, data, progress=progress, cancel=cancel)
        if self._erasure_count() != erasures_before:
            # Erased records were purged: move the zeroed pages out of the WAL now, as the
            # erasure on the deciding device does, so older page copies do not linger.
            checkpoint_wal(self.store.ctx.engine)
        return result

    def _erasure_count(self) -> int:
        with self.store.read() as db:
            return int(db.execute(f"SELECT count(*) FROM {ERASURE_TABLE}").fetchone()[0])
