"""`ws.reports`: the print pack (case summary, referral slip, consent form, caseload report) as
PDF bytes, and batch printing of case summaries into a folder.

Who may print what (decided here, whatever a front end offers):

    anything            a casework role only (field worker, case manager, supervisor); a data
                        manager prints nothing, as they do no casework (services.access)
    case summary,       a case the user may see (access.may_see_case: a field worker their own
    consent form        and their team's cases, a case manager the cases they manage or are
                        assigned, a supervisor every case of the organisation). Seeing a case
                        requires being staff of the organisation that owns it, so the full
                        internal level is open only to them; no one else can print any level
    referral slip       always the partner copy. The sending side: anyone who may see the case;
                        the receiving organisation: its case managers and supervisors. Never
                        for a draft (sending is what checks the consent) or a withdrawn
                        referral, nor once the consent it rests on was withdrawn with no other
                        standing in (unless it was sent with a recorded override)
    caseload report     your own caseload; a field worker also their own team's; a supervisor
                        any worker's, team's or subdistrict's of the organisation. Only cases
                        the user may see are ever listed, and never at the partner level (an
                        organisation's caseload is not a partner's business)

What a level shows is the redaction policy's (cmdesk.core.reports.redaction; `policy` below
replaces the default), applied before layout, so hidden fields are never in the PDF bytes.
Case notes are read at all only when asked for and the level shows them. A referral slip
shows the sections the referral shares (as sync sends them to that partner) and nothing else.

Every document made is one audit entry "report.print" (document, record id, level, language,
notes and password flags; never a name), written after the PDF is made and before it is
returned or written to disk: no copy leaves the vault unrecorded. A refusal is audited as
"access.denied", like any other. A print preview that is then printed is one call, one copy.

Threads: each call reads in one short read transaction, renders with no transaction open, then
writes its audit entry in a short write transaction; the service keeps no state between calls,
so the GUI's worker thread may use it (reportlab builds one document at a time anyway).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Final

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from cmdesk.core.acting.access import AccessRefused, Guard, case_scope, may_see_case
from cmdesk.core.acting.audit import AuditService
from cmdesk.core.acting.case_actions import receives
from cmdesk.core.acting.context import Context
from cmdesk.core.acting.thai_time import THAILAND, thai_today
from cmdesk.core.errors import NotFound, TransitionNotAllowed, ValidationError
from cmdesk.core.i18n import N_, Locale, translator
from cmdesk.core.model import (
    Case,
    Child,
    Colleague,
    Organisation,
    PlanAction,
    Referral,
    User,
)
from cmdesk.core.model.case import Stage
from cmdesk.core.model.consent import ConsentPurpose
from cmdesk.core.model.referral import ReferralStatus, SharedSection
from cmdesk.core.model.roles import Role
from cmdesk.core.progress import CancelToken, Progress
from cmdesk.core.reference import geography
from cmdesk.core.services import report_sources as sources
from cmdesk.core.services.case_dto import case_dto
from cmdesk.core.services.consents import require_basis
from cmdesk.core.services.notes import NoteDTO, current_notes
from cmdesk.core.vault.files import atomic_write

if TYPE_CHECKING:
    # The reports package loads reportlab and the Thai dictionary tooling (most of a second):
    # imported on first print, not when a vault is opened.
    from cmdesk.core.i18n import Translator
    from cmdesk.core.reports import Level, Printing, RedactionPolicy
    from cmdesk.core.reports import inputs as ri
    from cmdesk.core.reports.facts import FactGroup
    from cmdesk.core.services.report_inputs import Scope

MIN_PDF_PASSWORD: Final = 8
_FILE_SAFE = re.compile(r"[^A-Za-z0-9_-]")
_QR_SAFE = re.compile(r"[A-Za-z0-9._-]{1,64}")
# Stable QR record ids for team names that a QR payload cannot carry as they are.
_TEAM_NAMESPACE: Final = uuid.UUID("0196f0c2-6a3e-7c1d-9b7e-4f2a8c1d5e61")
NOT_PRINTABLE = N_(
    "A referral slip is printed only for a referral that was sent and not withdrawn."
)


@dataclass(frozen=True)
class BatchResult:
    out_dir: Path
    written: tuple[Path, ...]  # complete files only, in the order printed
    total: int  # how many were asked for
    cancelled: bool


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _thai_clock(moment: datetime) -> datetime:
    """Wall-clock time in Thailand, as a naive datetime the page prints as it is: "printed on"
    then agrees with the record's dates (days in Thailand) whatever zone the laptop is set to."""
    return moment.astimezone(THAILAND).replace(tzinfo=None)


def check_locale(value: str) -> Locale:
    if value == "th":
        return "th"
    if value == "en":
        return "en"
    raise ValidationError.single("lang", N_("Choose Thai (th) or English (en) for the document."))


def check_level(value: Level | str) -> Level:
    from cmdesk.core.reports import Level

    try:
        return Level(value)
    except ValueError:
        raise ValidationError.single(
            "level", N_("Choose the full, partner or case conference level.")
        ) from None


def check_password(value: str | None) -> str | None:
    # The PDF's AES key comes from the password through a fast hash: a short one is guessed.
    if value is not None and len(value) < MIN_PDF_PASSWORD:
        raise ValidationError.single(
            "password", N_("A PDF password needs at least {n} characters."), n=MIN_PDF_PASSWORD
        )
    return value


def batch_file_name(case_number: str, locale: Locale, level: Level) -> str:
    """The case number (never a name), the language and the level: a later print of the same
    copy replaces the earlier one."""
    stem = _FILE_SAFE.sub("_", case_number) or "case"
    return f"{stem}.{locale}.{level.value}.pdf"


class ReportService:
    def __init__(
        self,
        ctx: Context,
        audit: AuditService,
        *,
        policy: RedactionPolicy | None = None,
        clock: Callable[[], datetime] = _utc_now,
    ) -> None:
        self._ctx = ctx
        self._audit = audit
        self._guard = Guard(ctx)
        self._clock = clock
        self.policy = policy  # None: cmdesk.core.reports.DEFAULT_POLICY

    @staticmethod
    def warm_up() -> None:
        """Loads fonts and the Thai dictionary (about half a second, once per process), e.g. on
        the worker thread after unlocking, so the first print is not the slow one."""
        from cmdesk.core.reports import warm_up

        warm_up()

    # -- case summary -------------------------------------------------------------------
    def case_summary(
        self,
        case_id: str,
        *,
        lang: str,
        level: Level | str,
        include_notes: bool = False,
        password: str | None = None,
    ) -> bytes:
        """The case summary (case id or case number) as PDF bytes."""
        locale, lvl, secret = check_locale(lang), check_level(level), check_password(password)
        self._guard.require_casework()
        with_notes = include_notes and self._shows_notes(lvl)
        with self._guard.read() as s:
            src = sources.load_case(s, self._case(s, case_id), with_notes=with_notes)
        return self._case_summary(src, locale, lvl, secret, notes=with_notes, batch=False)

    def printable_case_ids(self, *, open_only: bool = True) -> list[str]:
        """The cases the user may print, by case number (open ones only by default)."""
        self._guard.require_casework()
        query = select(Case.id).where(case_scope(self._ctx.actor))
        if open_only:
            query = query.where(Case.stage != Stage.CLOSURE)
        with self._guard.read() as s:
            return list(s.scalars(query.order_by(Case.case_number)))

    def batch_case_summaries(
        self,
        case_ids: Iterable[str],
        out_dir: Path,
        *,
        lang: str,
        level: Level | str,
        include_notes: bool = False,
        password: str | None = None,
        progress: Progress | None = None,
        cancel: CancelToken | None = None,
    ) -> BatchResult:
        """One PDF per case in `out_dir` (created if missing), named by batch_file_name.

        Every case is checked before the first file is written, so a case the user may not
        print refuses the whole batch. Each file is written atomically (temp file, fsync,
        rename): cancelling stops before the next case and leaves only complete files.
        `progress(done, total)` is called before the first case and after each one.
        """
        locale, lvl, secret = check_locale(lang), check_level(level), check_password(password)
        self._guard.require_casework()
        with_notes = include_notes and self._shows_notes(lvl)
        wanted = list(dict.fromkeys(case_ids))
        with self._guard.read() as s:
            cases = [(c.id, c.case_number) for c in (self._case(s, key) for key in wanted)]
        total = len(cases)
        if not out_dir.exists():
            out_dir.mkdir(parents=True)
            out_dir.chmod(0o700)  # a folder we make holds plaintext PDFs: the user's only
        written: list[Path] = []
        if progress is not None:
            progress(0, total)
        for case_id, number in cases:
            if cancel is not None and cancel.cancelled:
                return BatchResult(out_dir, tuple(written), total, cancelled=True)
            with self._guard.read() as s:
                src = sources.load_case(s, self._case(s, case_id), with_notes=with_notes)
            pdf = self._case_summary(src, locale, lvl, secret, notes=with_notes, batch=True)
            path = out_dir / batch_file_name(number, locale, lvl)
            atomic_write(path, pdf)
            written.append(path)
            if progress is not None:
                progress(len(written), total)
        return BatchResult(out_dir, tuple(written), total, cancelled=False)

    # -- referral slip ------------------------------------------------------------------
    def referral_slip(
        self,
        referral_id: str,
        *,
        lang: str,
        level: Level | str = "partner",
        password: str | None = None,
    ) -> bytes:
        """The referral slip for the receiving partner, carrying only what the referral shares."""
        from cmdesk.core.reports import Level

        locale, lvl, secret = check_locale(lang), check_level(level), check_password(password)
        if lvl != Level.PARTNER:
            raise ValidationError.single(
                "level", N_("A referral slip is always the partner copy: choose the partner level.")
            )
        src = self._referral_source(referral_id, printing=True)
        from cmdesk.core.reports import build_referral_slip
        from cmdesk.core.services import report_inputs as mapping

        tr = translator(locale)
        # The referral's sections were chosen, with consent, for this partner: they decide
        # what the slip carries (the builder leaves out every section not shared).
        pdf = build_referral_slip(
            mapping.referral_slip(src, tr),
            level=lvl,
            **self._printing(src.names, tr, secret, self._open_policy(lvl)),
        )
        self._record("referral_slip", "referral", src.referral.id, lvl, locale, secret)
        return pdf

    def referral_facts(self, referral_id: str, *, lang: str) -> tuple[FactGroup, ...]:
        """What the referral shares with the partner, in `lang`: as its slip prints it, and the
        case's concerns and risk level where shared (the slip leaves them off). For the
        referral's window at either side, so the receiving worker need not print to read it.
        A draft shows what it will share; nothing is recorded (nothing leaves the screen)."""
        from cmdesk.core.reports.facts import referral_groups
        from cmdesk.core.services import report_inputs as mapping

        tr = translator(check_locale(lang))
        src = self._referral_source(referral_id, printing=False)
        groups = referral_groups(mapping.referral_slip(src, tr), tr)
        if SharedSection.CONCERNS_AND_RISK in src.referral.shared_sections:
            # Off the paper, but what the partner decides on: shown on screen.
            with self._guard.read() as s:
                case = s.get(Case, src.referral.case_id)
                if case is not None:
                    concerns = mapping.concerns_group(case_dto(s, case), tr)
                    groups.append(concerns.without_empty_rows())
        return tuple(g for g in groups if g.rows)

    def referral_notes(self, referral_id: str) -> list[NoteDTO]:
        """The case notes the referral shares, the current version of each, newest first: for
        its window at either side (the slip does not print notes). Empty where it does not
        share notes. Read on the same basis as its other facts, and audited, as reading a
        case's notes is."""
        self._guard.require_casework()
        with self._guard.write() as s:
            r = self._shown_referral(s, referral_id, printing=False)
            if SharedSection.NOTES not in (r.shared_sections or ()):
                return []
            self._audit.record(s, "referral.notes.read", "referral", r.id)
            return current_notes(s, r.case_id)

    def _referral_source(self, referral_id: str, *, printing: bool) -> sources.ReferralSource:
        """The referral with what it shares (_shown_referral says who may see it when)."""
        self._guard.require_casework()
        with self._guard.read() as s:
            r = self._shown_referral(s, referral_id, printing=printing)
            shared = set(r.shared_sections or ())
            return sources.load_referral(
                s, r, assessment="assessment" in shared, plan="case_plan" in shared
            )

    def _shown_referral(self, s: Session, referral_id: str, *, printing: bool) -> Referral:
        """The referral whose shared facts may be shown (or printed), for its sender or its
        receiver. Only a sent referral is printed; what a referral shares is shown from its
        draft on, and to the receiver after a withdrawal as sent (sharing.py: it stays there,
        as on paper). A basis is always needed: consent still in force, or the reason it was
        sent without."""
        actor = self._ctx.actor
        r = s.get(Referral, referral_id)
        if r is None:
            raise NotFound
        case = s.get(Case, r.case_id)
        sender = case is not None and may_see_case(actor, case)
        if not (sender or receives(actor, r)):
            raise AccessRefused("referral", r.id)
        if printing and r.status in (ReferralStatus.DRAFT, ReferralStatus.WITHDRAWN):
            raise TransitionNotAllowed(NOT_PRINTABLE)
        require_basis(s, r, sender=sender)
        return r

    # -- consent form -------------------------------------------------------------------
    def consent_form(
        self,
        case_id: str,
        *,
        lang: str,
        level: Level | str = "full",
        purposes: Sequence[str] | None = None,
        share_with: Sequence[str] | None = None,
        password: str | None = None,
    ) -> bytes:
        """The consent form for a case's child and guardian to sign.

        `purposes`: ConsentPurpose values (default: all). `share_with`: organisation codes or
        ids for the sharing purpose (default: the organisations the case's plan and referrals
        name, other than our own).
        """
        locale, lvl, secret = check_locale(lang), check_level(level), check_password(password)
        chosen = self._purposes(purposes)
        self._guard.require_casework()
        with self._guard.read() as s:
            case = self._case(s, case_id)
            names = sources.names(s)
            if ConsentPurpose.SHARING not in chosen:
                orgs: list[str] = []
            elif share_with is None:
                orgs = self._partners_of(s, case)
            else:
                orgs = [self._org_id(s, key) for key in share_with]
            dto = case_dto(s, case)
            child = sources.load_child(s, case.child_id)
        from cmdesk.core.reports import build_consent_form
        from cmdesk.core.services import report_inputs as mapping

        tr = translator(locale)
        data = mapping.consent_form(
            dto,
            child,
            names,
            tr,
            org=self._letterhead(names, locale),
            purposes=chosen,
            share_with=orgs,
        )
        pdf = build_consent_form(
            data, level=lvl, **self._printing(names, tr, secret, self._policy())
        )
        self._record("consent_form", "case", dto.id, lvl, locale, secret)
        return pdf

    # -- caseload report ----------------------------------------------------------------
    def caseload(
        self,
        *,
        lang: str,
        level: Level | str = "full",
        worker: str | None = None,
        team: str | None = None,
        subdistrict: str | None = None,
        password: str | None = None,
    ) -> bytes:
        """Open cases by stage and risk with overdue follow-ups, for one worker (user name or
        id; yourself when nothing is named), one team or one subdistrict (6-digit code)."""
        from cmdesk.core.reports import Level

        locale, lvl, secret = check_locale(lang), check_level(level), check_password(password)
        if lvl == Level.PARTNER:
            raise ValidationError.single(
                "level",
                N_(
                    "A caseload report is printed for the organisation or a case conference, "
                    "not for a partner."
                ),
            )
        if sum(x is not None for x in (worker, team, subdistrict)) > 1:
            raise ValidationError.single(
                "scope", N_("Choose one: a worker, a team or a subdistrict.")
            )
        self._guard.require_casework()
        with self._guard.read() as s:
            names = sources.names(s)
            scope, scope_id, scope_name, where = self._scope(
                s, names, locale, worker, team, subdistrict
            )
            found = [
                (case, child)
                for case, child in s.execute(
                    select(Case, Child)
                    .join(Child, Child.id == Case.child_id)
                    .where(case_scope(self._ctx.actor), where, Case.stage != Stage.CLOSURE)
                    .order_by(Case.case_number)
                )
            ]
            rows = sources.caseload_rows(s, found)
        from cmdesk.core.reports import build_caseload_report
        from cmdesk.core.services import report_inputs as mapping

        tr = translator(locale)
        now = self._clock()
        data = mapping.caseload(
            rows,
            names,
            tr,
            org=self._letterhead(names, locale),
            scope=scope,
            scope_id=scope_id,
            scope_name=scope_name,
            as_of=thai_today(now),
        )
        pdf = build_caseload_report(
            data, level=lvl, **self._printing(names, tr, secret, self._policy(), now)
        )
        self._record(
            "caseload", "caseload", scope_id, lvl, locale, secret, scope=scope, cases=len(rows)
        )
        return pdf

    # -- helpers ------------------------------------------------------------------------
    def _policy(self) -> RedactionPolicy:
        from cmdesk.core.reports import DEFAULT_POLICY

        return self.policy or DEFAULT_POLICY

    def _shows_notes(self, level: Level) -> bool:
        from cmdesk.core.reports import Section

        return self._policy().shows(Section.NOTES, level)

    @staticmethod
    def _open_policy(level: Level) -> RedactionPolicy:
        """Every section shown at `level`: for documents whose record decides what they carry."""
        from cmdesk.core.reports import RedactionPolicy, Section

        return RedactionPolicy(MappingProxyType({s: frozenset({level}) for s in Section}))

    def _case(self, s: Session, key: str) -> Case:
        """A case by id or case number, if the user may see it."""
        case = s.get(Case, key) if key else None
        if case is None and key:
            case = s.scalar(select(Case).where(Case.case_number == key.strip().upper()))
        if case is None:
            raise NotFound
        return self._guard.case(s, case.id)

    def _case_summary(
        self,
        src: sources.CaseSource,
        locale: Locale,
        level: Level,
        password: str | None,
        *,
        notes: bool,
        batch: bool,
    ) -> bytes:
        from cmdesk.core.reports import Section, build_case_summary
        from cmdesk.core.services import report_inputs as mapping

        tr = translator(locale)
        policy = self._policy()
        data = mapping.case_summary(
            src,
            tr,
            org=self._letterhead(src.names, locale),
            with_concerns=policy.shows(Section.ASSESSMENT, level),
        )
        pdf = build_case_summary(
            data, level=level, **self._printing(src.names, tr, password, policy)
        )
        self._record(
            "case_summary", "case", src.case.id, level, locale, password, notes=notes, batch=batch
        )
        return pdf

    def _record(
        self,
        document: str,
        entity: str,
        entity_id: str,
        level: Level,
        locale: Locale,
        password: str | None,
        **more: object,
    ) -> None:
        detail: dict[str, object] = {
            "document": document,
            "level": level.value,
            "lang": locale,
            "password": password is not None,
        }
        detail.update(more)
        with self._ctx.write() as s:
            self._audit.record(s, "report.print", entity, entity_id, detail)

    def _printing(
        self,
        names: sources.Names,
        tr: Translator,
        password: str | None,
        policy: RedactionPolicy,
        now: datetime | None = None,
    ) -> Printing:
        """What a builder is told besides the data and level: the user printing, now on the
        Thai wall clock, the reader's language, the password and the policy."""
        return {
            "tr": tr,
            "printed_by": names.person(self._ctx.actor.user_id) or self._ctx.actor.username,
            "printed_at": _thai_clock(now or self._clock()),
            "password": password,
            "policy": policy,
        }

    def _letterhead(self, names: sources.Names, locale: Locale) -> ri.Organisation:
        """The organisation a document is printed by: this vault's own."""
        from cmdesk.core.services import report_inputs as mapping

        return mapping.organisation(names, names.own_org_id or self._ctx.actor.org_id, locale)

    @staticmethod
    def _purposes(purposes: Sequence[str] | None) -> list[ConsentPurpose]:
        if purposes is None:
            return list(ConsentPurpose)
        known = {p.value: p for p in ConsentPurpose}
        chosen = [known[p] for p in dict.fromkeys(purposes) if p in known]
        if not chosen or len(chosen) != len(set(purposes)):
            raise ValidationError.single("purposes", N_("Choose one of the listed values."))
        return chosen

    def _partners_of(self, s: Session, case: Case) -> list[str]:
        """Organisations the case's plan actions and referrals name, our own left out."""
        named = list(
            s.scalars(
                select(PlanAction.responsible_org_id).where(
                    PlanAction.case_id == case.id, PlanAction.deleted_at.is_(None)
                )
            )
        )
        named += s.scalars(
            select(Referral.to_org_id).where(
                Referral.case_id == case.id, Referral.status != ReferralStatus.WITHDRAWN
            )
        )
        return [o for o in dict.fromkeys(named) if o != case.org_id]

    @staticmethod
    def _org_id(s: Session, key: str) -> str:
        org = s.scalar(
            select(Organisation.id).where(
                (Organisation.id == key) | (Organisation.code == key.strip().upper())
            )
        )
        if org is None:
            raise ValidationError.single("share_with", N_("Choose an organisation of the network."))
        return org

    def _scope(
        self,
        s: Session,
        names: sources.Names,
        locale: Locale,
        worker: str | None,
        team: str | None,
        subdistrict: str | None,
    ) -> tuple[Scope, str, str, ColumnElement[bool]]:
        """(scope, QR record id, name printed, SQL condition), after checking the user may
        print that scope."""
        actor = self._ctx.actor
        if team is not None:
            name = team.strip()
            if not name:
                raise ValidationError.single("team", N_("This field is required."))
            own_team = actor.role == Role.FIELD_WORKER and actor.team == name
            if not own_team:
                self._guard.require(Role.SUPERVISOR, entity="caseload")
            record = name if _QR_SAFE.fullmatch(name) else str(uuid.uuid5(_TEAM_NAMESPACE, name))
            return "team", record, name, Case.team == name
        if subdistrict is not None:
            code = subdistrict.strip()
            area = geography.subdistrict(code)
            if area is None:
                raise ValidationError.single(
                    "subdistrict", N_("Enter the 6-digit code of a subdistrict.")
                )
            self._guard.require(Role.SUPERVISOR, entity="caseload", entity_id=code)
            prov = geography.province(code[:2])
            where = geography.Address(prov, geography.district(code[:4]), area) if prov else None
            text = where.text(locale) if where else area.name(locale)
            return "subdistrict", code, text, Child.subdistrict_code == code
        user = self._staff(s, worker) if worker else s.get(User, actor.user_id)
        if user is None:
            raise NotFound
        if user.id != actor.user_id:
            self._guard.require(Role.SUPERVISOR, entity="caseload", entity_id=user.id)
        mine = (Case.assigned_worker_id == user.id) | (Case.case_manager_id == user.id)
        return "worker", user.id, names.person(user.id), mine

    def _staff(self, s: Session, key: str) -> User | Colleague:
        """An account here, else a colleague the office's directory named."""
        name = key.strip().lower()
        user: User | Colleague | None = s.scalar(
            select(User).where(
                (User.username == name) | (User.id == key.strip()),
                User.org_id == self._ctx.actor.org_id,
            )
        ) or s.scalar(
            select(Colleague).where(
                (Colleague.username == name) | (Colleague.id == key.strip()),
                Colleague.org_id == self._ctx.actor.org_id,
            )
        )
        if user is None:
            raise ValidationError.single(
                "worker", N_("No staff member of your organisation has this user name.")
            )
        return user
