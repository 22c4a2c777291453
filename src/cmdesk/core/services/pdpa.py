"""PDPA duties for one child, by the data manager: a complete export (access request) and a
verifiable erasure.

Both walk the same list of records that belong to a child (`_gather`), so whatever an export
shows is exactly what an erasure removes. Erasure deletes the rows through the ORM (sync's
change capture sees the deletes), leaves an `Erasure` record of ids only so other replicas
erase them too, and then checkpoints the WAL: with secure_delete ON, SQLite overwrites freed
cells and pages with zeros, and the checkpoint moves those zeroed pages into the database file
and empties the WAL, where the old page images would otherwise remain readable with the key.

An erasure cannot be undone, so it takes two people: the data manager who erases and a witness
(another active data manager or supervisor of the organisation) who types their own passphrase
on the same laptop. Both are in the audit entry.

Other parts of the core that copy a child's data elsewhere in the vault (the full-text index)
are handed to the service as erasure hooks by the Workspace, which wires them explicitly (no
registration on import): each is called inside the erasing transaction with every id erased.
"""

from __future__ import annotations

import builtins
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Final

from sqlalchemy import inspect, or_, select, text
from sqlalchemy.orm import Session

from cmdesk.core.acting.access import Guard
from cmdesk.core.acting.audit import AuditService
from cmdesk.core.acting.changes import Kind, OpChanges
from cmdesk.core.acting.context import Context
from cmdesk.core.errors import NotFound, ValidationError
from cmdesk.core.i18n import N_, translator
from cmdesk.core.model import (
    Assessment,
    AuditEntry,
    Case,
    CaseRiskChange,
    CaseStageChange,
    Child,
    Consent,
    Erasure,
    Goal,
    HouseholdMember,
    Note,
    PlanAction,
    Referral,
    ReferralEvent,
    Review,
    Task,
    User,
    catalog,
    utcnow,
)
from cmdesk.core.model.base import Base
from cmdesk.core.model.erasure import ErasureReason
from cmdesk.core.model.roles import Role
from cmdesk.core.services.children import ChildSummary
from cmdesk.core.services.outcome import Outcome
from cmdesk.core.vault.scrub import checkpoint_wal, scrub_fts

EXPORT_FORMAT: Final = "cmdesk.pdpa.child/1"


def field_names(tables: Iterable[str]) -> dict[str, dict[str, dict[str, str]]]:
    """What each exported column is called, in Thai and English (from the field catalog), so
    the person the data is about can read their export; bookkeeping columns have no name."""
    th, en = translator("th"), translator("en")
    return {
        table: {
            name: {"th": th.gettext(info.label), "en": en.gettext(info.label)}
            for name, info in catalog.fields_of(table).items()
            if info.label
        }
        for table in tables
    }


# Tables whose rows hang off a case (by case_id), in the order an export lists them.
CASE_PARTS: Final[tuple[type[Base], ...]] = (
    CaseStageChange,
    CaseRiskChange,
    Assessment,
    Goal,
    PlanAction,
    Review,
    Note,
    Task,
)


@dataclass(frozen=True)
class ErasedRecords:
    """What an erasure removed: table name -> ids. Passed to erasure hooks."""

    child_id: str
    rows: dict[str, tuple[str, ...]]

    def ids(self) -> frozenset[str]:
        return frozenset(i for ids in self.rows.values() for i in ids)


@dataclass(frozen=True)
class Witness:
    """The second person confirming an erasure, by their own passphrase."""

    username: str
    passphrase: str = field(repr=False)


# Whether this user name and passphrase open a key slot of the vault (the Workspace gives the
# vault's own check; a wrong pair costs the same time as an unlock).
PassphraseCheck = Callable[[str, str], bool]
WITNESS_ROLES: Final = frozenset({Role.DATA_MANAGER, Role.SUPERVISOR})
WITNESS_REFUSED = N_(
    "The witness must be another data manager or supervisor of this organisation, with "
    "their own passphrase."
)


# Called in the erasing transaction, after the rows are deleted; e.g. the full-text index
# removes its entries for these ids (the service then rewrites every FTS5 index).
ErasureHook = Callable[[Session, ErasedRecords], None]


def _gather(session: Session, child: Child) -> dict[str, builtins.list[Base]]:
    """Every row that belongs to the child, by table name (soft-deleted rows included)."""
    rows: dict[str, builtins.list[Base]] = {"child": [child]}
    rows["household_member"] = builtins.list(
        session.scalars(select(HouseholdMember).where(HouseholdMember.child_id == child.id))
    )
    rows["consent"] = builtins.list(
        session.scalars(select(Consent).where(Consent.child_id == child.id))
    )
    cases = builtins.list(session.scalars(select(Case).where(Case.child_id == child.id)))
    rows["case_file"] = builtins.list(cases)
    case_ids = [c.id for c in cases]
    for model in CASE_PARTS:
        column = model.__table__.c.case_id
        table = str(model.__tablename__)
        rows[table] = builtins.list(session.scalars(select(model).where(column.in_(case_ids))))
    # Referrals carry the child id too (a referral whose case was lost still belongs here).
    referrals = builtins.list(
        session.scalars(
            select(Referral).where(
                or_(Referral.case_id.in_(case_ids), Referral.child_id == child.id)
            )
        )
    )
    rows["referral"] = builtins.list(referrals)
    referral_ids = [r.id for r in referrals]
    rows["referral_event"] = builtins.list(
        session.scalars(select(ReferralEvent).where(ReferralEvent.referral_id.in_(referral_ids)))
    )
    return rows


def scrub_full_text_indexes(session: Session) -> None:
    """Rewrites every FTS5 index in the vault so no term of a deleted row survives
    (cmdesk.core.vault.scrub says why)."""
    scrub_fts(lambda sql: session.execute(text(sql)))


def _plain(value: object) -> object:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def row_dict(row: Base) -> dict[str, object]:
    """Every column of a row, JSON-ready: new columns are exported without code changes."""
    mapper = inspect(type(row))
    return {attr.key: _plain(getattr(row, attr.key)) for attr in mapper.column_attrs}


class PdpaService:
    def __init__(
        self,
        ctx: Context,
        audit: AuditService,
        erasure_hooks: Sequence[ErasureHook] = (),
        passphrase_check: PassphraseCheck | None = None,
    ) -> None:
        self._ctx = ctx
        self._audit = audit
        self._guard = Guard(ctx)
        self._erasure_hooks = tuple(erasure_hooks)
        self._passphrase_ok = passphrase_check or (lambda _name, _secret: False)

    def find_children(self, text: str, limit: int = 50) -> builtins.list[ChildSummary]:
        """Children matching a name or identity number, to answer a request about them."""
        with self._guard.write() as s:
            self._guard.require(Role.DATA_MANAGER, entity="pdpa")
            needle = text.strip()
            if not needle:
                return []
            like = f"%{needle}%"
            rows = s.scalars(
                select(Child)
                .where(
                    or_(
                        Child.given_name_th.like(like),
                        Child.family_name_th.like(like),
                        Child.given_name_latin.like(like),
                        Child.family_name_latin.like(like),
                        Child.nickname.like(like),
                        Child.id_number == needle.replace("-", "").replace(" ", ""),
                    )
                )
                .limit(limit)
            ).all()
            self._audit.record(s, "pdpa.search", "child", "", {"found": [c.id for c in rows]})
            return [ChildSummary.of(c) for c in rows]

    def export_child(self, child_id: str) -> dict[str, Any]:
        """Everything the vault holds about one child, as a JSON-ready dict: every row of
        every record, soft-deleted ones included, and the audit entries about them (who read
        or changed what, when). Audited. The caller protects the file it writes."""
        with self._guard.write() as s:
            self._guard.require(Role.DATA_MANAGER, entity="child", entity_id=child_id)
            child = s.get(Child, child_id)
            if child is None:
                raise NotFound
            rows = _gather(s, child)
            ids = {row_dict(r)["id"] for group in rows.values() for r in group}
            audit = s.scalars(
                select(AuditEntry)
                .where(AuditEntry.entity_id.in_(ids))
                .order_by(AuditEntry.device_id, AuditEntry.seq)
            ).all()
            self._audit.record(
                s, "pdpa.export", "child", child.id, {"rows": sum(len(g) for g in rows.values())}
            )
            return {
                "format": EXPORT_FORMAT,
                "child_id": child.id,
                "records": {table: [row_dict(r) for r in group] for table, group in rows.items()},
                "fields": field_names(rows),
                "audit": [
                    {
                        "at": e.at.isoformat(),
                        "actor": e.actor,
                        "action": e.action,
                        "entity": e.entity,
                        "entity_id": e.entity_id,
                        "detail": json.loads(e.detail),
                    }
                    for e in audit
                ],
            }

    def export_child_pdf(self, child_id: str, password: str, lang: str = "th") -> bytes:
        """The export as a document the child or their guardian can read (their language,
        field names, values in words) with the JSON attached, protected by `password`
        (AES-256): it leaves the vault's encryption, so it is never written unprotected."""
        from cmdesk.core.reports.documents.personal_data import build_personal_data
        from cmdesk.core.services import report_inputs as mapping
        from cmdesk.core.services import report_sources as sources
        from cmdesk.core.services.pdpa_document import personal_data
        from cmdesk.core.services.reports import check_locale, check_password

        locale = check_locale(lang)
        secret = check_password(password)
        if secret is None:
            raise ValidationError.single("password", N_("This field is required."))
        export = self.export_child(child_id)  # permission-checked and audited
        tr = translator(locale)
        with self._guard.read() as s:
            names = sources.names(s)
        org = mapping.organisation(names, names.own_org_id or self._ctx.actor.org_id, locale)
        printed_by = names.person(self._ctx.actor.user_id) or self._ctx.actor.username
        return build_personal_data(
            personal_data(export, org, tr),
            tr=tr,
            printed_by=printed_by,
            printed_at=utcnow(),
            password=secret,
        )

    def export_child_json(self, child_id: str) -> str:
        return json.dumps(self.export_child(child_id), ensure_ascii=False, indent=2, sort_keys=True)

    def erase_child(
        self, child_id: str, reason: str, *, witness: Witness
    ) -> Outcome[ErasedRecords]:
        """Removes every record of the child from the vault (see the module's docstring).
        Data managers only, with a witness; audited with ids and counts."""
        if reason not in {r.value for r in ErasureReason}:
            raise ValidationError.single("reason", N_("Choose one of the listed values."))
        with self._guard.write() as s:
            self._guard.require(Role.DATA_MANAGER, entity="child", entity_id=child_id)
            witness_name = self._check_witness(s, witness)
            child = s.get(Child, child_id)
            if child is None:
                raise NotFound
            rows = _gather(s, child)
            erased = ErasedRecords(
                child.id,
                {
                    table: tuple(str(row_dict(r)["id"]) for r in group)
                    for table, group in rows.items()
                    if group
                },
            )
            for group in rows.values():
                for row in group:
                    s.delete(row)
            s.flush()
            for hook in self._erasure_hooks:
                hook(s, erased)
            scrub_full_text_indexes(s)
            s.add(
                Erasure(
                    org_id=child.org_id,
                    child_id=child.id,
                    reason=reason,
                    erased={t: builtins.list(ids) for t, ids in erased.rows.items()},
                )
            )
            self._audit.record(
                s,
                "pdpa.erase",
                "child",
                child.id,
                {
                    "reason": reason,
                    "witness": witness_name,
                    "rows": {t: len(ids) for t, ids in erased.rows.items()},
                },
            )
        self._checkpoint()
        kinds = frozenset(
            {
                Kind.CHILD,
                Kind.CASE,
                Kind.NOTE,
                Kind.TASK,
                Kind.REFERRAL,
                Kind.CONSENT,
                Kind.HOUSEHOLD,
            }
        )
        return Outcome(erased, OpChanges(kinds, erased.ids()))

    def _check_witness(self, s: Session, witness: Witness) -> str:
        """The witness's user name, once their passphrase and role are checked."""
        name = witness.username.strip().lower()
        role = s.scalar(select(User.role).where(User.username == name, User.active.is_(True)))
        if (
            name == self._ctx.actor.username
            or role not in WITNESS_ROLES
            or not self._passphrase_ok(name, witness.passphrase)
        ):
            raise ValidationError.single("witness", WITNESS_REFUSED)
        return name

    def _checkpoint(self) -> bool:
        return checkpoint_wal(self._ctx.engine)
