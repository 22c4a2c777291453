"""From records to what a document prints: DTOs in, cmdesk.core.reports input dataclasses out.

Pure functions of values already read (cmdesk.core.services.report_sources) and a Translator in
the document's language: codes become labels in that language, stored moments become days in
Thailand, ids become staff and organisation names. Nothing here opens a transaction.

Importing this module loads reportlab and the Thai dictionary tooling (the reports package):
the report service imports it on first use so that opening a vault stays fast.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Final, Literal

from cmdesk.core.i18n import N_, Locale, Translator
from cmdesk.core.model import catalog
from cmdesk.core.model.case import RiskLevel, Stage
from cmdesk.core.model.casework import Domain, DomainRating
from cmdesk.core.model.child import child_name
from cmdesk.core.model.consent import ConsentGiver, ConsentPurpose, LawfulBasis
from cmdesk.core.model.labels import msgid_of
from cmdesk.core.model.referral import ReferralEventKind, SharedSection
from cmdesk.core.reference.ethnicity import ethnic_group
from cmdesk.core.reference.geography import Address, district, province, subdistrict
from cmdesk.core.reference.identity import IdDocumentType, format_thai_id
from cmdesk.core.reports import inputs as ri
from cmdesk.core.reports.facts import FactGroup
from cmdesk.core.reports.redaction import Section
from cmdesk.core.services.case_dto import CaseDTO
from cmdesk.core.services.casework import AssessmentDTO, PlanDTO
from cmdesk.core.services.children import ChildDTO, HouseholdMemberDTO
from cmdesk.core.services.consents import ConsentDTO
from cmdesk.core.services.report_sources import (
    CaseloadRow,
    CaseSource,
    Names,
    ReferralSource,
    thai_date,
)

# What the consent form asks for, purpose by purpose (PDPA s.19: each purpose separately).
PURPOSE_TEXTS: Final[dict[ConsentPurpose, str]] = {
    ConsentPurpose.SERVICES: N_(
        "To record the child's situation, assess it, plan help with the family and follow the "
        "child's progress."
    ),
    ConsentPurpose.SHARING: N_(
        "To give the organisations listed below the information they need to help the child, "
        "and only that."
    ),
    ConsentPurpose.PHOTOGRAPHS: N_(
        "To take photographs of the child for the case record. They are never published."
    ),
}
DATA_CATEGORIES: Final = (
    N_("Name, sex, birth date and identity documents"),
    N_("Address, school, and the family's names and phone numbers"),
    N_("Ethnicity, nationality and legal status, health and disability (sensitive data)"),
    N_("What happened to the child, assessments, the case plan and case notes"),
)
RETENTION: Final = N_(
    "The data is kept while the child receives help and afterwards only as long as the law "
    "requires; then it is erased."
)
# Which reports sections of a referral slip each shared part of the record opens.
SLIP_SECTIONS: Final[dict[SharedSection, frozenset[Section]]] = {
    SharedSection.IDENTITY: frozenset({Section.IDENTITY, Section.SENSITIVE}),  # + ethnicity
    SharedSection.LEGAL_STATUS: frozenset({Section.IDENTITY, Section.SENSITIVE}),
    SharedSection.ADDRESS: frozenset({Section.CONTACT}),
    SharedSection.HOUSEHOLD: frozenset({Section.CONTACT}),
    SharedSection.ASSESSMENT: frozenset({Section.ASSESSMENT}),
    SharedSection.CASE_PLAN: frozenset({Section.CASE_PLAN}),
    # Concerns and risk, and notes, have no place on the slip: they stay off the paper.
    SharedSection.CONCERNS_AND_RISK: frozenset(),
    SharedSection.NOTES: frozenset(),
}
Scope = Literal["worker", "team", "subdistrict"]
_RATING_ORDER: Final = [r.value for r in DomainRating]
_DOMAIN_ORDER: Final = [d.value for d in Domain]


def label(kind: str, code: str | None, tr: Translator) -> str:
    """The label of a stored code of a field kind (cmdesk.core.model.labels) in tr's language;
    an unknown code (from a newer app) as is."""
    if not code:
        return ""
    msgid = msgid_of(kind, code)
    return tr.gettext(msgid) if msgid is not None else code


def _join(parts: Iterable[str], sep: str = ", ") -> str:
    return sep.join(p for p in parts if p)


def organisation(names: Names, org_id: str, locale: Locale) -> ri.Organisation:
    # The vault holds no logo or address yet: the slot stays empty rather than invented.
    return ri.Organisation(name=names.org(org_id, locale))


def _address(child: ChildDTO, locale: Locale) -> str:
    prov = province(child.province_code) if child.province_code else None
    place = ""
    if prov is not None:
        place = Address(
            prov,
            district(child.district_code) if child.district_code else None,
            subdistrict(child.subdistrict_code) if child.subdistrict_code else None,
        ).text(locale)
    return _join([child.village, place], " " if locale == "th" else ", ")


def _guardian(child: ChildDTO) -> HouseholdMemberDTO | None:
    carers = [m for m in child.household if m.is_caregiver]
    # A caregiver the child lives with first: that is who signs and who is called.
    carers.sort(key=lambda m: not m.lives_with_child)
    return carers[0] if carers else None


def _id_number(child: ChildDTO) -> str:
    number = child.id_number or ""
    thirteen = child.id_document_type in (IdDocumentType.THAI_ID, IdDocumentType.NON_THAI_ID)
    if thirteen and len(number) == 13 and number.isdigit():
        return format_thai_id(number)
    return number


# Plain texts printed inside another line (the school's name beside its status).
PRINTED_TEXTS: Final = frozenset({"school_name", "disability_details"})


def child_profile(
    child: ChildDTO | None, tr: Translator, shared: frozenset[SharedSection] | None = None
) -> ri.ChildProfile:
    """The child as documents print them. `shared` (a referral's sections) blanks every field
    the referral does not share; None keeps all (the redaction level still applies)."""
    if child is None:
        return ri.ChildProfile(full_name="")
    locale = tr.locale

    def has(section: SharedSection) -> bool:
        return shared is None or section in shared

    guardian = _guardian(child)
    ethnic = ethnic_group(child.ethnicity) if child.ethnicity else None
    school = label("school_status", child.school_status, tr)
    school_name, details = child.texts["school_name"], child.texts["disability_details"]
    if school_name:
        school = f"{school_name} ({school})" if school else school_name
    health = label("disability", child.disability, tr)
    if details:
        health = _join([health, details], ": ")
    identity, legal = has(SharedSection.IDENTITY), has(SharedSection.LEGAL_STATUS)
    household = has(SharedSection.HOUSEHOLD)
    # School and health are never shared by a referral (cmdesk.core.model.catalog).
    internal = shared is None
    return ri.ChildProfile(
        full_name=child_name(child.name_th, child.name_latin, locale) if identity else "",
        nickname=child.nickname if identity else "",
        sex=label("sex", child.sex, tr) if identity else "",
        birth_date=child.birth if identity else None,
        id_document=label("document_type", child.id_document_type, tr) if legal else "",
        id_number=_id_number(child) if legal else "",
        address=_address(child, locale) if has(SharedSection.ADDRESS) else "",
        school=school if internal else "",
        guardian_name=guardian.name if guardian and household else "",
        guardian_relation=label("relationship", guardian.relationship, tr)
        if guardian and household
        else "",
        guardian_phone=guardian.phone if guardian and household else "",
        household=tuple(
            ri.HouseholdPerson(
                name=m.name,
                relationship=label("relationship", m.relationship, tr),
                caregiver=m.is_caregiver,
                lives_with_child=m.lives_with_child,
                phone=m.phone,
            )
            for m in child.household
        )
        if household
        else (),
        more=tuple(
            (tr.gettext(catalog.label_of("child", name)), child.texts[name])
            for name, info in catalog.fields_of("child").items()
            if info.plain
            and name not in PRINTED_TEXTS
            and child.texts[name]
            and (internal or (info.section is not None and has(SharedSection(info.section))))
        ),
        ethnicity=ethnic.label(locale) if ethnic and identity else "",
        legal_status=_join(
            [
                label("nationality", child.nationality, tr),
                label("legal_status", child.legal_status, tr),
            ],
            "; ",
        )
        if legal
        else "",
        health=health if internal else "",
    )


def _assessment(src: Iterable[AssessmentDTO], names: Names, tr: Translator) -> ri.Assessment | None:
    rows = sorted(src, key=lambda a: _rank(_DOMAIN_ORDER, a.domain))
    if not rows:
        return None
    newest = max(rows, key=lambda a: a.at)
    worst = max(rows, key=lambda a: _rank(_RATING_ORDER, a.rating))
    domains = tuple(
        ri.DomainAssessment(
            domain=label("domain", a.domain, tr),
            rating=label("domain_rating", a.rating, tr),
            summary=_join(
                [a.findings, tr.format("Needs: {needs}", needs=a.needs) if a.needs else ""], " · "
            ),
        )
        for a in rows
    )
    return ri.Assessment(
        assessed_on=thai_date(newest.at),
        assessor=_join(dict.fromkeys(names.person(a.by) for a in rows)),
        domains=domains,
        overall=label("domain_rating", worst.rating, tr),
    )


def _rank(order: list[str], code: str) -> int:
    return order.index(code) if code in order else len(order)


def _plan(plan: PlanDTO | None, names: Names, tr: Translator) -> tuple[ri.PlanGoal, ...]:
    if plan is None:
        return ()
    return tuple(
        ri.PlanGoal(
            goal=g.description,
            domain=_join([label("domain", g.domain, tr), label("goal_status", g.status, tr)]),
            actions=tuple(
                ri.PlanAction(
                    action=a.description,
                    responsible=names.org(a.responsible_org_id, tr.locale),
                    due_on=a.due_date,
                    status=label("action_status", a.status, tr),
                )
                for a in g.actions
            ),
        )
        for g in plan.goals
    )


def _consent(c: ConsentDTO, names: Names, tr: Translator) -> ri.ConsentRecord:
    purpose = label("consent_purpose", c.purpose, tr)
    if c.shared_with_org_id:
        purpose = f"{purpose}: {names.org(c.shared_with_org_id, tr.locale)}"
    if c.basis == LawfulBasis.CONSENT:
        giver = c.giver_name
        if c.given_by == ConsentGiver.CHILD or not giver:
            giver = label("consent_giver", c.given_by, tr)
        note = label("consent_method", c.method, tr)
    else:
        # Only the basis's label: its written reason is free text and may name people.
        giver, note = "", label("lawful_basis", c.basis, tr)
    return ri.ConsentRecord(
        purpose=purpose,
        given_by=giver,
        given_on=c.given_on,
        withdrawn_on=thai_date(c.withdrawn_at) if c.withdrawn_at else None,
        note=note,
    )


def _worker(case: CaseDTO, names: Names) -> str:
    return _join(
        dict.fromkeys([names.person(case.case_manager_id), names.person(case.assigned_worker_id)])
    )


def _status(case: CaseDTO, tr: Translator) -> str:
    if case.stage == Stage.CLOSURE:
        return label("stage", Stage.CLOSURE, tr)
    # An open case's closure status is "" (ClosureStatus.NONE), which has a label of its own.
    msgid = msgid_of("closure_status", case.closure_status)
    return tr.gettext(msgid) if msgid is not None else case.closure_status


def case_summary(
    src: CaseSource, tr: Translator, *, org: ri.Organisation, with_concerns: bool
) -> ri.CaseSummaryData:
    """`with_concerns`: the protection concerns go beside the risk level only on copies that
    show the assessment (they say what happened to the child)."""
    case, names = src.case, src.names
    risk = label("risk", case.risk_level, tr)
    if with_concerns and case.concerns:
        concerns = [label("concern", c, tr) for c in case.concerns]
        risk = f"{risk} · {_join(concerns)}"
    referrals = tuple(
        ri.ReferralRecord(
            organisation=names.org(r.to_org_id, tr.locale),
            service=label("service", r.service, tr),
            referred_on=thai_date(r.sent_at or r.created_at),
            status=label("referral_status", r.status, tr),
            outcome=r.closing_reason or next((e.text for e in reversed(r.events) if e.text), ""),
        )
        for r in src.referrals
    )
    return ri.CaseSummaryData(
        record_id=case.id,
        case_number=case.case_number,
        organisation=org,
        child=child_profile(src.child, tr),
        status=_status(case, tr),
        stage=label("stage", case.stage, tr),
        risk=risk,
        worker=_worker(case, names),
        opened_on=thai_date(case.opened_at),
        stage_history=tuple(
            ri.StageChange(
                stage=label("stage", c.to_stage, tr),
                started_on=thai_date(c.at),
                by=names.person(c.by),
                note=c.reason,
            )
            for c in case.stage_history
        ),
        assessment=_assessment(src.assessments, names, tr),
        plan_goals=_plan(src.plan, names, tr),
        reviews=tuple(
            ri.Review(
                held_on=r.review_date,
                participants=names.person(r.by),
                summary=f"{r.progress} ({label('review_decision', r.decision, tr)})",
            )
            for r in src.reviews
        ),
        referrals=referrals,
        consents=tuple(_consent(c, names, tr) for c in src.consents),
        notes=tuple(
            ri.CaseNote(
                written_on=thai_date(n.written_at),
                author=_join([names.person(n.author_id), label("note_kind", n.kind, tr)], " · "),
                text=n.body,
            )
            for n in src.notes
        ),
    )


def referral_slip(src: ReferralSource, tr: Translator) -> ri.ReferralSlipData:
    r, names = src.referral, src.names
    shared = frozenset(SharedSection(s) for s in r.shared_sections if s in set(SharedSection))
    sections = {Section.CONSENT}  # the basis of the referral always travels with it
    for part in shared:
        sections |= SLIP_SECTIONS[part]
    sent_by = next(
        (
            e.by
            for e in r.events
            if e.kind == ReferralEventKind.TRANSITION and e.to_status == "sent"
        ),
        r.created_by,
    )
    return ri.ReferralSlipData(
        record_id=r.id,
        case_number=r.case_number,
        organisation=organisation(names, r.from_org_id, tr.locale),
        child=child_profile(src.child, tr, shared),
        referred_on=thai_date(r.sent_at or r.created_at),
        to_organisation=names.org(r.to_org_id, tr.locale),
        to_service=label("service", r.service, tr),
        reason=r.reason,
        urgency=label("urgency", r.urgency, tr),
        from_worker=names.person(sent_by),
        # No staff phone numbers are kept; the partner replies through the organisation.
        from_contact=names.org(r.from_org_id, tr.locale),
        respond_by=r.due_date,
        shared_sections=frozenset(sections),
        assessment=_assessment(src.assessments, names, tr),
        plan_goals=_plan(src.plan, names, tr),
        consents=(_consent(src.consent, names, tr),) if src.consent else (),
    )


def concerns_group(case: CaseDTO, tr: Translator) -> FactGroup:
    """A case's protection concerns and risk level, as a referral sharing them shows them on
    screen (the slip leaves them off the paper: SLIP_SECTIONS)."""

    def named(column: str) -> str:
        return tr.gettext(catalog.label_of("case_file", column))

    return FactGroup(
        Section.ASSESSMENT,
        tr.gettext(msgid_of("shared_section", SharedSection.CONCERNS_AND_RISK) or ""),
        (
            (named("concerns"), _join(label("concern", c, tr) for c in case.concerns)),
            (named("concern_other"), case.concern_other),
            (named("risk_level"), label("risk", case.risk_level, tr)),
            (named("risk_reason"), case.risk_reason),
        ),
    )


def consent_form(
    case: CaseDTO,
    child: ChildDTO | None,
    names: Names,
    tr: Translator,
    *,
    org: ri.Organisation,
    purposes: Iterable[ConsentPurpose],
    share_with: Iterable[str],
) -> ri.ConsentFormData:
    """The form for the purposes asked; `share_with` lists organisation ids."""
    guardian = _guardian(child) if child is not None else None
    orgs = tuple(dict.fromkeys(n for n in (names.org(o, tr.locale) for o in share_with) if n))
    return ri.ConsentFormData(
        record_id=case.id,  # the form is about the case; consent records are made once signed
        case_number=case.case_number,
        organisation=org,
        child_name=child_name(child.name_th, child.name_latin, tr.locale) if child else "",
        guardian_name=guardian.name if guardian else "",
        guardian_relation=label("relationship", guardian.relationship, tr) if guardian else "",
        worker=names.person(case.assigned_worker_id or case.case_manager_id),
        purposes=tuple(
            ri.ConsentPurpose(
                title=label("consent_purpose", p, tr), description=tr.gettext(PURPOSE_TEXTS[p])
            )
            for p in purposes
        ),
        child_birth_date=child.birth if child else None,
        shared_with=orgs,
        data_categories=tuple(tr.gettext(c) for c in DATA_CATEGORIES),
        retention=tr.gettext(RETENTION),
    )


def caseload(
    rows: Iterable[CaseloadRow],
    names: Names,
    tr: Translator,
    *,
    org: ri.Organisation,
    scope: Scope,
    scope_id: str,
    scope_name: str,
    as_of: date,
) -> ri.CaseloadData:
    def area_name(code: str) -> str:
        found = subdistrict(code) if code else None
        return found.name(tr.locale) if found else ""

    def listed(row: CaseloadRow) -> ri.CaseloadCase:
        case = row.case
        workers = [names.person(case.assigned_worker_id), names.person(case.case_manager_id)]
        return ri.CaseloadCase(
            case_number=case.case_number,
            child_name=child_name(case.child_name_th, case.child_name_latin, tr.locale),
            stage=label("stage", case.stage, tr),
            risk=label("risk", case.risk_level, tr),
            worker=_join(dict.fromkeys(workers)),
            subdistrict=area_name(row.subdistrict_code),
            last_contact_on=row.last_contact_on,
            next_follow_up_on=row.next_follow_up_on,
        )

    return ri.CaseloadData(
        record_id=scope_id,
        organisation=org,
        scope=scope,
        scope_name=scope_name,
        as_of=as_of,
        cases=tuple(listed(r) for r in rows),
        stage_order=tuple(label("stage", s, tr) for s in Stage if s != Stage.CLOSURE),
        risk_order=tuple(label("risk", r, tr) for r in RiskLevel),
    )
