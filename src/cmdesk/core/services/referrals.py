"""Referrals between organisations: draft -> sent -> acknowledged -> accepted or declined ->
completed, or withdrawn by the sender at any point before an answer is final.

    draft, withdraw              the sending side: staff working on the case (a field worker
                                 may draft; case managers and supervisors send and withdraw)
    acknowledge, accept,         the receiving organisation's case managers and supervisors
    decline, complete, feedback

A referral is sent only with a standing consent (or other lawful basis) to share with the
receiving organisation, or with an override whose reason is recorded. Every step is an event
(who, which organisation, when) and an audit entry.
"""

from __future__ import annotations

import builtins
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from cmdesk.core.acting.access import AccessRefused, Guard, case_scope, may_see_case
from cmdesk.core.acting.audit import AuditService
from cmdesk.core.acting.case_actions import REFERRAL_RECEIVERS, REFERRAL_SENDERS, receives
from cmdesk.core.acting.changes import Kind, OpChanges
from cmdesk.core.acting.context import Context
from cmdesk.core.acting.thai_time import thai_today
from cmdesk.core.errors import (
    CmdeskError,
    ConsentRequired,
    FieldError,
    NotFound,
    TransitionNotAllowed,
    ValidationError,
)
from cmdesk.core.i18n import N_, Translator
from cmdesk.core.model import (
    Case,
    Child,
    Consent,
    Organisation,
    Referral,
    ReferralEvent,
    utcnow,
)
from cmdesk.core.model.child import child_name, full_name
from cmdesk.core.model.labels import label_of
from cmdesk.core.model.org import codes_by_id
from cmdesk.core.model.referral import (
    OPEN_AT_RECEIVER,
    ReferralEventKind,
    ReferralStatus,
    SharedSection,
    Urgency,
)
from cmdesk.core.reference.partners import Service
from cmdesk.core.services.consents import active_sharing_basis
from cmdesk.core.services.deletion import check_reason
from cmdesk.core.services.organisations import own_org_id
from cmdesk.core.services.outcome import Outcome
from cmdesk.core.services.referral_intake import (
    Intake,
    intake_of,
    may_open_case,
    our_cases,
    require_intake,
    where_in,
)
from cmdesk.core.sync.model import SyncOrg

S = ReferralStatus
MAX_TEXT: Final = 4000

# step: (statuses it may start from, status it leads to, done by the receiving side)
STEPS: Final[dict[str, tuple[frozenset[ReferralStatus], ReferralStatus, bool]]] = {
    "send": (frozenset({S.DRAFT}), S.SENT, False),
    "withdraw": (frozenset({S.DRAFT, S.SENT, S.ACKNOWLEDGED, S.ACCEPTED}), S.WITHDRAWN, False),
    "acknowledge": (frozenset({S.SENT}), S.ACKNOWLEDGED, True),
    "accept": (frozenset({S.SENT, S.ACKNOWLEDGED}), S.ACCEPTED, True),
    "decline": (frozenset({S.SENT, S.ACKNOWLEDGED}), S.DECLINED, True),
    "complete": (frozenset({S.ACCEPTED}), S.COMPLETED, True),
}
FEEDBACK_STATUSES: Final = frozenset({S.SENT, S.ACKNOWLEDGED, S.ACCEPTED, S.DECLINED, S.COMPLETED})
NOT_FROM_HERE = N_("This step is not possible for a referral in its current state.")


RECEIVER_WITHDREW = N_(
    "{org} has withdrawn its trust in your organisation: a referral to it would never reach "
    "it. Choose another organisation."
)
WITHDRAWN_RECEIVER = N_(
    "Your organisation no longer trusts {org}: a referral to it would never reach it. Choose "
    "another organisation."
)


@dataclass(frozen=True)
class ReferralDraft:
    to_org: str  # code or id
    service: str
    reason: str
    shared_sections: tuple[str, ...]
    urgency: str = Urgency.ROUTINE
    due_date: date | None = None


@dataclass(frozen=True)
class ReferralEventDTO:
    kind: str
    from_status: str | None
    to_status: str | None
    text: str
    at: datetime
    by: str  # user id
    by_org_id: str


@dataclass(frozen=True, kw_only=True)
class ReferralDTO:
    id: str
    case_id: str
    case_number: str
    child_id: str
    from_org_id: str
    from_org_code: str
    to_org_id: str
    to_org_code: str
    service: str
    urgency: str
    reason: str
    shared_sections: tuple[str, ...]
    due_date: date | None
    status: str
    consent_id: str | None
    override_reason: str
    sent_at: datetime | None
    status_changed_at: datetime | None
    closing_reason: str
    created_at: datetime
    created_by: str
    events: tuple[ReferralEventDTO, ...]
    # The steps (keys of STEPS, "feedback", and "open_case": the receiver opens its own case
    # for it, referral_intake) the user the DTO was read for may take now;
    # the service checks again when one is taken.
    actions: frozenset[str] = frozenset()
    # Still open at a partner whose trust this organisation withdrew: no answer will come
    # (NO_ANSWER_COMING); the sender may withdraw it and refer the child elsewhere.
    receiver_withdrawn: bool = False
    # ...or because that partner told it withdrew its trust in this organisation
    # (partners.learn_their_decision); receiver_withdrawn is set too.
    receiver_withdrew: bool = False
    # The child's names as this vault holds them: the sender's own record, or at the receiving
    # organisation what the sender shared (empty when the identity was not shared).
    child_name_th: str = ""
    child_name_latin: str = ""
    child_nickname: str = ""
    # When the consent it rests on was withdrawn (at the receiving organisation too: the
    # withdrawal travels, sync.sharing); None while it stands, or with no consent.
    consent_withdrawn_at: datetime | None = None
    # At the receiving organisation: its own case opened for this referral (referral_intake),
    # by id and number; None until one is.
    our_case_id: str | None = None
    our_case_number: str = ""


IDENTITY_NOT_SHARED: Final = N_("Not shared with your organisation")
NOT_SHOWN_WITHDRAWN: Final = N_("Not shown: the family withdrew its consent")
# What a referral shares holds nothing its slip prints (only concerns or notes, say, or
# fields left empty).
NOTHING_SHARED: Final = N_("Nothing that the referral slip prints is shared.")
# Above a case's note editor where the notes travel to partners (notes_go_to).
NOTES_GO_TO: Final = N_(
    "Notes on this case are shared with {orgs} through a referral: a note saved here reaches "
    "them at the next sync."
)
# Where the referral shares the case's notes and none is written yet (later ones follow).
NO_NOTES_YET: Final = N_("No note has been written on the case yet.")


def child_words(r: ReferralDTO, tr: Translator) -> str:
    """Who the referral is for, as a list or a window says it: the name in the reader's script
    first, the nickname after; at a receiver the sender did not share the identity with, that
    it was not shared (the slip and the case conference go by the case number then)."""
    name = child_name(r.child_name_th, r.child_name_latin, tr.locale)
    if r.child_nickname:
        name = tr.format("{name}, called {nickname}", name=name, nickname=r.child_nickname)
    if name:
        return name
    if r.consent_withdrawn_at is not None:
        return tr.gettext(NOT_SHOWN_WITHDRAWN)
    return "" if SharedSection.IDENTITY in r.shared_sections else tr.gettext(IDENTITY_NOT_SHARED)


# The same in a list's status column.
NO_ANSWER_SHORT: Final = N_("no answer will come: {org} no longer trusted")
NO_ANSWER_COMING: Final = N_(
    "no answer will come: your organisation withdrew its trust in {org}. Withdraw the referral"
    " and refer the child to another organisation."
)
NO_ANSWER_WITHDREW_SHORT: Final = N_("no answer will come: {org} withdrew its trust")
CONSENT_WITHDRAWN_SHORT: Final = N_("the family withdrew its consent")
# At the receiving organisation, the case it opened for the referral (referral_intake).
OUR_CASE_SHORT: Final = N_("our case {number}")
NO_ANSWER_WITHDREW: Final = N_(
    "no answer will come: {org} withdrew its trust in your organisation. Withdraw the referral"
    " and refer the child to another organisation."
)


def no_answer_words(withdrew: bool, org: str, tr: Translator, *, short: bool) -> str:
    """Why no answer will come to a referral (receiver_withdrawn): in a list's status column
    (short), or whole with what to do."""
    if withdrew:
        return tr.format(NO_ANSWER_WITHDREW_SHORT if short else NO_ANSWER_WITHDREW, org=org)
    return tr.format(NO_ANSWER_SHORT if short else NO_ANSWER_COMING, org=org)


def status_words(r: ReferralDTO, tr: Translator) -> str:
    """Where the referral stands, as a list's status column says it: its state, and why no
    answer will come, or that the family withdrew the consent it shared on (nothing more is
    shared, and neither side shows what was); at the receiver, the case it opened for it."""
    status = tr.gettext(label_of("referral_status", r.status))
    if r.our_case_number:
        status += " · " + tr.format(OUR_CASE_SHORT, number=r.our_case_number)
    if r.receiver_withdrawn:
        return f"{status}: {no_answer_words(r.receiver_withdrew, r.to_org_code, tr, short=True)}"
    if r.consent_withdrawn_at is not None:
        return f"{status}: {tr.gettext(CONSENT_WITHDRAWN_SHORT)}"
    return status


def needs_attention(r: ReferralDTO) -> bool:
    """A referral whose status a list marks: no answer will come, or its consent was
    withdrawn while it is still open."""
    return r.receiver_withdrawn or (
        r.consent_withdrawn_at is not None and r.status in OPEN_AT_RECEIVER
    )


def notes_go_to(referrals: Iterable[ReferralDTO]) -> list[str]:
    """The organisations (codes) a note written on the case now would reach at their next
    sync: those of its open referrals that share the notes on a basis that stands (the rule
    of sync.sharing), so the writer knows before writing."""
    return sorted(
        {
            r.to_org_code
            for r in referrals
            if r.status in OPEN_AT_RECEIVER
            and SharedSection.NOTES in r.shared_sections
            and r.consent_withdrawn_at is None
            and (r.consent_id or r.override_reason)
            and not r.receiver_withdrawn
        }
    )


def _org(session: Session, key: str) -> Organisation | None:
    return session.scalar(
        select(Organisation).where(
            (Organisation.id == key) | (Organisation.code == key.strip().upper())
        )
    )


def _check_draft(s: Session, draft: ReferralDraft) -> None:
    """Every problem of the draft at once, each named by its field (nothing is written)."""
    errors: list[FieldError] = []
    if _org(s, draft.to_org) is None:
        errors.append(FieldError("to_org", CHOOSE_ORGANISATION))
    if draft.service not in {s.value for s in Service}:
        errors.append(FieldError("service", N_("Choose one of the listed values.")))
    if draft.urgency not in {u.value for u in Urgency}:
        errors.append(FieldError("urgency", N_("Choose one of the listed values.")))
    if not draft.reason.strip():
        errors.append(FieldError("reason", N_("Say why the child is referred.")))
    elif len(draft.reason) > MAX_TEXT:
        errors.append(FieldError("reason", N_("At most {max} characters."), {"max": MAX_TEXT}))
    sections = set(draft.shared_sections)
    if not sections:
        errors.append(FieldError("shared_sections", N_("Choose what to share.")))
    elif not sections <= {s.value for s in SharedSection}:
        errors.append(FieldError("shared_sections", N_("Choose one of the listed values.")))
    if draft.due_date is not None and draft.due_date < thai_today():
        errors.append(FieldError("due_date", N_("The due date has passed already.")))
    if errors:
        raise ValidationError(errors)


def referral_dto(session: Session, r: Referral) -> ReferralDTO:
    return referral_dtos(session, [r])[0]


def referral_dtos(session: Session, rows: Sequence[Referral]) -> list[ReferralDTO]:
    """The referrals as the front ends show them, read together: a list of thousands takes a
    few queries, not seven a referral (an outbox of 1,542 referrals took 1.4 s that way)."""
    session.flush()
    if not rows:
        return []
    codes = codes_by_id(session)
    ids = [r.id for r in rows]
    numbers: dict[str, str] = dict(
        where_in(session, select(Case.id, Case.case_number), Case.id, {r.case_id for r in rows})
    )
    consent_ids = {r.consent_id for r in rows if r.consent_id}
    withdrawn: dict[str, datetime | None] = dict(
        where_in(session, select(Consent.id, Consent.withdrawn_at), Consent.id, consent_ids)
    )
    children = {
        c.id: c for (c,) in where_in(session, select(Child), Child.id, {r.child_id for r in rows})
    }
    ours = our_cases(session, {r.id: r.to_org_id for r in rows})
    events: dict[str, list[ReferralEvent]] = {rid: [] for rid in ids}
    listed = select(ReferralEvent).order_by(ReferralEvent.created_at, ReferralEvent.id)
    for (e,) in where_in(session, listed, ReferralEvent.referral_id, ids):
        events[e.referral_id].append(e)
    trust = {
        org: (_no_answer(session, org), _withdrew(session, org))
        for org in {r.to_org_id for r in rows if r.status in OPEN_AT_RECEIVER}
    }
    own: list[str | None] = []  # read once, and only if a consent was withdrawn

    def dto(r: Referral) -> ReferralDTO:
        withdrawn_at = withdrawn.get(r.consent_id) if r.consent_id else None
        if withdrawn_at is not None and active_sharing_basis(session, r.child_id, r.to_org_id):
            # The family has consented again since: the referral shares on that
            # (sync.sharing).
            withdrawn_at = None
        child = children.get(r.child_id)
        if withdrawn_at is not None and child is not None:
            if not own:
                own.append(own_org_id(session))
            if own[0] == r.to_org_id:
                # The child's name goes off the receiver's screens with the rest of what the
                # referral shared (services.consents.CONSENT_WITHDRAWN); the sender's own
                # record stays.
                child = None
        th, latin, nickname = _names(child)
        case = ours.get(r.id)
        no_answer, withdrew = trust.get(r.to_org_id, (False, False))
        return ReferralDTO(
            id=r.id,
            case_id=r.case_id,
            case_number=numbers.get(r.case_id, ""),
            child_id=r.child_id,
            from_org_id=r.org_id,
            from_org_code=codes.get(r.org_id, ""),
            to_org_id=r.to_org_id,
            to_org_code=codes.get(r.to_org_id, ""),
            service=r.service,
            urgency=r.urgency,
            reason=r.reason,
            shared_sections=tuple(r.shared_sections or ()),
            due_date=r.due_date,
            status=r.status,
            consent_id=r.consent_id,
            override_reason=r.override_reason,
            sent_at=r.sent_at,
            status_changed_at=r.status_changed_at,
            receiver_withdrawn=r.status in OPEN_AT_RECEIVER and no_answer,
            receiver_withdrew=r.status in OPEN_AT_RECEIVER and withdrew,
            closing_reason=r.closing_reason,
            created_at=r.created_at,
            created_by=r.created_by,
            child_name_th=th,
            child_name_latin=latin,
            child_nickname=nickname,
            consent_withdrawn_at=withdrawn_at,
            our_case_id=case.id if case else None,
            our_case_number=case.case_number if case else "",
            events=tuple(
                ReferralEventDTO(
                    e.kind, e.from_status, e.to_status, e.text, e.created_at, e.created_by, e.org_id
                )
                for e in events[r.id]
            ),
        )

    return [dto(r) for r in rows]


def _names(child: Child | None) -> tuple[str, str, str]:
    """A child's name in Thai script, in Latin letters, and nickname; none of a child deleted
    here (or not held: a bundle still on its way)."""
    if child is None or child.deleted_at is not None:
        return "", "", ""
    return (
        full_name(child.given_name_th, child.family_name_th),
        full_name(child.given_name_latin, child.family_name_latin),
        child.nickname,
    )


CHOOSE_ORGANISATION: Final = N_("Choose an organisation of the network.")
SERVICE_NOT_OFFERED: Final = N_(
    "{org} does not list this service. Choose another organisation or service, or give the "
    "reason to refer anyway."
)


class ReferralService:
    def __init__(self, ctx: Context, audit: AuditService) -> None:
        self._ctx = ctx
        self._audit = audit
        self._guard = Guard(ctx)

    # -- the sending side ----------------------------------------------------------------
    def draft(self, case_id: str, draft: ReferralDraft) -> Outcome[ReferralDTO]:
        with self._guard.write() as s:
            _check_draft(s, draft)
            r = self._new_draft(s, case_id, draft)
            dto = referral_dto(s, r)
        return self._changed(dto)

    def draft_and_send(
        self,
        case_id: str,
        draft: ReferralDraft,
        override_reason: str | None = None,
        *,
        service_reason: str | None = None,
    ) -> Outcome[ReferralDTO]:
        """A new referral, sent at once, in one transaction: when sending is refused (no
        consent and no override) no draft is left behind (issue 10, 5d). A service the
        partner does not list is refused unless `service_reason` says why (5e); the reason
        is audited with the sending."""
        override = check_reason(override_reason, "override_reason") if override_reason else ""
        why = check_reason(service_reason, "service_reason") if service_reason else ""
        with self._guard.write() as s:
            _check_draft(s, draft)
            r = self._new_draft(s, case_id, draft)
            case = self._guard.case(s, case_id, open_only=True)
            to = s.get(Organisation, r.to_org_id)
            if to is not None and to.services and draft.service not in to.services and not why:
                raise ValidationError.single("service", SERVICE_NOT_OFFERED, org=to.code)
            self._send(s, r, case, override)
            if why:
                self._audit.record(
                    s, "referral.service_override", "referral", r.id, {"reason": why}
                )
            dto = referral_dto(s, r)
        return self._changed(dto)

    def _new_draft(self, s: Session, case_id: str, draft: ReferralDraft) -> Referral:
        case = self._guard.case(s, case_id, open_only=True)
        to = self._receiver(s, draft.to_org, case)
        r = Referral(org_id=case.org_id, case_id=case.id, child_id=case.child_id, to_org_id=to.id)
        self._fill(r, draft)
        s.add(r)
        s.flush()
        self._event(s, r, ReferralEventKind.TRANSITION, None, S.DRAFT)
        self._audit.record(
            s,
            "referral.draft",
            "referral",
            r.id,
            {"case": case.id, "to": to.code, "service": draft.service},
        )
        return r

    def update_draft(self, referral_id: str, draft: ReferralDraft) -> Outcome[ReferralDTO]:
        with self._guard.write() as s:
            _check_draft(s, draft)
            r, case = self._as_sender(s, referral_id)
            if r.status != S.DRAFT:
                raise TransitionNotAllowed(N_("Only a draft referral can be changed."))
            r.to_org_id = self._receiver(s, draft.to_org, case).id
            self._fill(r, draft)
            self._audit.record(s, "referral.update", "referral", r.id, {"case": case.id})
            dto = referral_dto(s, r)
        return self._changed(dto)

    def send(self, referral_id: str, override_reason: str | None = None) -> Outcome[ReferralDTO]:
        """Sends a draft. Needs a standing consent (or lawful basis) to share with the
        receiving organisation; without one, only with an override and its reason."""
        override = check_reason(override_reason, "override_reason") if override_reason else ""
        with self._guard.write() as s:
            r, case = self._as_sender(s, referral_id)
            self._send(s, r, case, override)
            dto = referral_dto(s, r)
        return self._changed(dto)

    def _send(self, s: Session, r: Referral, case: Case, override: str) -> None:
        self._guard.require(*REFERRAL_SENDERS, entity="referral", entity_id=r.id)
        self._require_step(r, "send")
        _require_trusted(s, r.to_org_id)
        basis = active_sharing_basis(s, r.child_id, r.to_org_id)
        if basis is None and not override:
            raise ConsentRequired
        r.consent_id = basis.id if basis else None
        r.override_reason = "" if basis else override
        r.sent_at = utcnow()
        self._move(s, r, S.SENT, "")
        self._audit.record(
            s,
            "referral.send",
            "referral",
            r.id,
            {"case": case.id, "consent": r.consent_id, "override": not basis},
        )

    def withdraw(self, referral_id: str, reason: str) -> Outcome[ReferralDTO]:
        why = check_reason(reason)
        with self._guard.write() as s:
            r, _case = self._as_sender(s, referral_id)
            self._guard.require(*REFERRAL_SENDERS, entity="referral", entity_id=r.id)
            self._require_step(r, "withdraw")
            r.closing_reason = why
            self._move(s, r, S.WITHDRAWN, why)
            self._audit.record(s, "referral.withdraw", "referral", r.id)
            dto = referral_dto(s, r)
        return self._changed(dto)

    # -- the receiving side --------------------------------------------------------------
    def acknowledge(self, referral_id: str) -> Outcome[ReferralDTO]:
        return self._receive(referral_id, "acknowledge", "")

    def accept(self, referral_id: str, note: str = "") -> Outcome[ReferralDTO]:
        return self._receive(referral_id, "accept", note.strip()[:MAX_TEXT])

    def decline(self, referral_id: str, reason: str) -> Outcome[ReferralDTO]:
        return self._receive(referral_id, "decline", check_reason(reason))

    def complete(self, referral_id: str, note: str = "") -> Outcome[ReferralDTO]:
        return self._receive(referral_id, "complete", note.strip()[:MAX_TEXT])

    def add_feedback(self, referral_id: str, text: str) -> Outcome[ReferralDTO]:
        """What the receiving organisation reports back about the child's progress."""
        body = text.strip()
        if not body:
            raise ValidationError.single("text", N_("This field is required."))
        if len(body) > MAX_TEXT:
            raise ValidationError.single("text", N_("At most {max} characters."), max=MAX_TEXT)
        with self._guard.write() as s:
            r = self._as_receiver(s, referral_id)
            if r.status not in FEEDBACK_STATUSES:
                raise TransitionNotAllowed(NOT_FROM_HERE)
            self._event(s, r, ReferralEventKind.FEEDBACK, None, None, body)
            self._audit.record(s, "referral.feedback", "referral", r.id)
            dto = referral_dto(s, r)
        return self._changed(dto)

    # -- reading ----------------------------------------------------------------------------
    def get(self, referral_id: str) -> ReferralDTO:
        with self._guard.write() as s:
            r = s.get(Referral, referral_id)
            if r is None:
                raise NotFound
            if not (self._is_receiver(r) or self._sees_case(s, r)):
                raise AccessRefused("referral", r.id)
            self._audit.record(s, "referral.read", "referral", r.id)
            return replace(referral_dto(s, r), actions=self._actions(s, r))

    def intake(self, referral_id: str) -> Intake:
        """What the accepted referral shares, to register the child and open the case at the
        user's organisation (ChildService.register_child and CaseService.open_case with
        `for_referral`). Raises, with the reason, where the case cannot be opened: not
        accepted, opened already, the family's consent withdrawn. Audited as a read."""
        with self._guard.write() as s:
            r = require_intake(s, self._ctx.actor, referral_id)
            self._audit.record(s, "referral.intake.read", "referral", r.id)
            return intake_of(s, r, codes_by_id(s).get(r.org_id, ""))

    def _actions(self, s: Session, r: Referral) -> frozenset[str]:
        status = S(r.status)
        if self._is_receiver(r):
            steps = {name for name, (frm, _, receiving) in STEPS.items() if receiving}
            if status in FEEDBACK_STATUSES:
                steps.add("feedback")
            if may_open_case(self._ctx.actor, r):
                try:
                    require_intake(s, self._ctx.actor, r.id)
                    steps.add("open_case")
                except CmdeskError:
                    pass
        elif self._ctx.actor.role in REFERRAL_SENDERS and self._sees_case(s, r):
            steps = {name for name, (frm, _, receiving) in STEPS.items() if not receiving}
        else:
            return frozenset()
        return frozenset(n for n in steps if n not in STEPS or status in STEPS[n][0])

    def for_case(self, case_id: str) -> builtins.list[ReferralDTO]:
        with self._guard.read() as s:
            case = self._guard.case(s, case_id)
            rows = s.scalars(
                select(Referral).where(Referral.case_id == case.id).order_by(Referral.created_at)
            ).all()
            return referral_dtos(s, rows)

    def incoming(self, status: str | None = None) -> builtins.list[ReferralDTO]:
        """Referrals sent to the user's organisation (case managers and supervisors)."""
        if self._ctx.actor.role not in REFERRAL_RECEIVERS:
            return []
        query = select(Referral).where(
            Referral.to_org_id == self._ctx.actor.org_id, Referral.status != S.DRAFT
        )
        if status:
            query = query.where(Referral.status == status)
        with self._guard.read() as s:
            return referral_dtos(s, s.scalars(query.order_by(Referral.sent_at.desc())).all())

    def outgoing(self, status: str | None = None) -> builtins.list[ReferralDTO]:
        """Referrals from cases the user may see."""
        query = (
            select(Referral)
            .join(Case, Case.id == Referral.case_id)
            .where(case_scope(self._ctx.actor))
        )
        if status:
            query = query.where(Referral.status == status)
        with self._guard.read() as s:
            return referral_dtos(s, s.scalars(query.order_by(Referral.created_at.desc())).all())

    # -- helpers ----------------------------------------------------------------------------
    def _receiver(self, s: Session, key: str, case: Case) -> Organisation:
        to = _org(s, key)
        if to is None:
            raise ValidationError.single("to_org", CHOOSE_ORGANISATION)
        if to.id == case.org_id:
            raise ValidationError.single(
                "to_org", N_("A referral goes to another organisation than the case's own.")
            )
        _require_trusted(s, to.id)
        return to

    @staticmethod
    def _fill(r: Referral, draft: ReferralDraft) -> None:
        r.service = draft.service
        r.urgency = draft.urgency
        r.reason = draft.reason.strip()
        r.shared_sections = [s.value for s in SharedSection if s.value in draft.shared_sections]
        r.due_date = draft.due_date

    def _sees_case(self, s: Session, r: Referral) -> bool:
        case = s.get(Case, r.case_id)
        return case is not None and may_see_case(self._ctx.actor, case)

    def _is_receiver(self, r: Referral) -> bool:
        return receives(self._ctx.actor, r)

    def _as_sender(self, s: Session, referral_id: str) -> tuple[Referral, Case]:
        r = s.get(Referral, referral_id)
        if r is None:
            raise NotFound
        return r, self._guard.case(s, r.case_id)

    def _as_receiver(self, s: Session, referral_id: str) -> Referral:
        r = s.get(Referral, referral_id)
        if r is None:
            raise NotFound
        if not self._is_receiver(r):
            raise AccessRefused("referral", r.id)
        return r

    def _receive(self, referral_id: str, step: str, text: str) -> Outcome[ReferralDTO]:
        with self._guard.write() as s:
            r = self._as_receiver(s, referral_id)
            self._require_step(r, step)
            target = STEPS[step][1]
            if target is S.DECLINED:
                r.closing_reason = text
            self._move(s, r, target, text)
            self._audit.record(s, f"referral.{step}", "referral", r.id)
            dto = referral_dto(s, r)
        return self._changed(dto)

    @staticmethod
    def _require_step(r: Referral, step: str) -> None:
        starts, _target, _receiving = STEPS[step]
        if r.status not in starts:
            raise TransitionNotAllowed(NOT_FROM_HERE)

    def _move(self, s: Session, r: Referral, to: ReferralStatus, text: str) -> None:
        frm = r.status
        r.status = to
        r.status_changed_at = utcnow()
        self._event(s, r, ReferralEventKind.TRANSITION, frm, to, text)

    def _event(
        self,
        s: Session,
        r: Referral,
        kind: ReferralEventKind,
        frm: str | None,
        to: str | None,
        text: str = "",
    ) -> None:
        s.add(
            ReferralEvent(
                org_id=self._ctx.actor.org_id,
                referral_id=r.id,
                kind=kind,
                from_status=frm,
                to_status=to,
                text=text,
            )
        )

    @staticmethod
    def _changed(dto: ReferralDTO) -> Outcome[ReferralDTO]:
        return Outcome(dto, OpChanges.of(Kind.REFERRAL, Kind.CASE, ids=(dto.id, dto.case_id)))


def _no_answer(s: Session, org_id: str) -> bool:
    """Trust withdrawn either way: by this organisation, or by the partner (it told)."""
    known = s.get(SyncOrg, org_id)
    return known is not None and (
        known.withdrawn_at is not None or known.their_withdrawn_at is not None
    )


def _withdrew(s: Session, org_id: str) -> bool:
    known = s.get(SyncOrg, org_id)
    return known is not None and known.their_withdrawn_at is not None


def _require_trusted(s: Session, org_id: str) -> None:
    """A referral to a partner whose trust was withdrawn (`sync untrust`), or that withdrew
    its own, would never reach it: no bundle is made for it any more."""
    known = s.get(SyncOrg, org_id)
    if known is not None and known.withdrawn_at is not None:
        raise ValidationError.single("to_org", WITHDRAWN_RECEIVER, org=known.code)
    if known is not None and known.their_withdrawn_at is not None:
        raise ValidationError.single("to_org", RECEIVER_WITHDREW, org=known.code)
