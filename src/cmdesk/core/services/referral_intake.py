"""A partner takes a referred child into its own caseload: its own record of the child and
its own case, opened for the referral it accepted.

What the referral shares fills the partner's forms in (the child's identity, address, legal
status and household, the concerns and risk), so nothing is typed twice; the worker checks
it, adds what they know, and registers the child at their organisation. From then on the
child and the case are the partner's own records (its staff write notes, plans, referrals),
while the referral's window keeps showing what the sender shares as it changes. A referral
gets one case: the link (case_file.from_referral_id) stays on the partner's laptops.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from cmdesk.core.acting.access import AccessRefused
from cmdesk.core.acting.case_actions import receives
from cmdesk.core.acting.context import Actor
from cmdesk.core.errors import NotFound, TransitionNotAllowed
from cmdesk.core.i18n import N_
from cmdesk.core.model import Case, Child, HouseholdMember, Referral, catalog
from cmdesk.core.model.child import birth_of
from cmdesk.core.model.referral import ReferralStatus, SharedSection
from cmdesk.core.services.child_drafts import ChildDraft, HouseholdMemberDraft
from cmdesk.core.services.consents import require_basis

ACCEPT_FIRST: Final = N_(
    "Accept the referral first: your organisation opens a case for a referral it has accepted."
)
OPENED_ALREADY: Final = N_("Your organisation has opened case {number} for this referral already.")
SECTIONS: Final = catalog.shared_by_section()
# The columns a ChildDraft's birth is read from (model.child.birth_of).
BIRTH_COLUMNS: Final = frozenset(
    {"birth_precision", "birth_day", "birth_year", "birth_stated_age", "birth_stated_on"}
)
MEMBER_FIELDS: Final = dataclasses.fields(HouseholdMemberDraft)


@dataclass(frozen=True, kw_only=True)
class Intake:
    """What the referral shares, as the partner's registration and case forms take it."""

    referral_id: str
    from_org_code: str
    child: ChildDraft
    concerns: tuple[str, ...] = ()
    concern_other: str = ""
    risk_level: str = ""
    risk_reason: str = ""


def our_case(s: Session, referral_id: str, org_id: str) -> Case | None:
    """The live case organisation `org_id` opened for the referral (the first, should two
    laptops have opened one each before they synced)."""
    return our_cases(s, {referral_id: org_id}).get(referral_id)


def our_cases(s: Session, receivers: Mapping[str, str]) -> dict[str, Case]:
    """our_case for many referrals at once (referral id -> its receiving organisation): a
    list of referrals reads them in one pass. None at the sender: the link is not shared."""
    found: dict[str, Case] = {}
    opened = select(Case).where(Case.deleted_at.is_(None)).order_by(Case.created_at, Case.id)
    for (case,) in where_in(s, opened, Case.from_referral_id, receivers):
        rid = case.from_referral_id
        if rid is not None and rid not in found and case.org_id == receivers[rid]:
            found[rid] = case
    return found


def where_in(s: Session, query: Any, column: Any, values: Collection[str]) -> Iterator[Any]:
    """`query`'s rows where `column` is one of `values`, a few hundred values a statement
    (SQLite limits the parameters of one)."""
    chosen = sorted(values)
    if len(chosen) == 1:  # one referral's window: an equality is compiled once and cached
        yield from s.execute(query.where(column == chosen[0]))
        return
    for at in range(0, len(chosen), 500):
        yield from s.execute(query.where(column.in_(chosen[at : at + 500])))


def may_open_case(actor: Actor, r: Referral) -> bool:
    """Whether the user may take the referred child into their organisation's caseload:
    one of the receiving organisation's case managers or supervisors, the referral accepted.
    (The case not opened yet and the basis to share are checked by require_intake.)"""
    return receives(actor, r) and r.status == ReferralStatus.ACCEPTED


def require_intake(s: Session, actor: Actor, referral_id: str) -> Referral:
    """The referral, if the user may open their organisation's case for it now; else the
    reason why not, in words the user can act on."""
    r = s.get(Referral, referral_id)
    if r is None:
        raise NotFound
    if not receives(actor, r):
        raise AccessRefused("referral", r.id)
    if r.status != ReferralStatus.ACCEPTED:
        raise TransitionNotAllowed(ACCEPT_FIRST)
    opened = our_case(s, r.id, actor.org_id)
    if opened is not None:
        raise TransitionNotAllowed(OPENED_ALREADY, number=opened.case_number)
    require_basis(s, r, sender=False)
    return r


def intake_of(s: Session, r: Referral, from_org_code: str) -> Intake:
    """The forms filled in with what this referral shares, and only that (the partner may
    hold more of the child from another referral: it is not this one's to pass on)."""
    sections = set(r.shared_sections or ())
    child_fields = {
        name for section in sections for name in SECTIONS.get(section, {}).get("child", ())
    }
    child = s.get(Child, r.child_id)
    draft = ChildDraft()
    if child is not None and child.deleted_at is None:
        members: list[HouseholdMember] = []
        if SharedSection.HOUSEHOLD in sections:
            members = list(
                s.scalars(
                    select(HouseholdMember)
                    .where(
                        HouseholdMember.child_id == child.id,
                        HouseholdMember.deleted_at.is_(None),
                    )
                    .order_by(HouseholdMember.created_at, HouseholdMember.id)
                )
            )
        draft = _draft(child, members, child_fields)
    case = s.get(Case, r.case_id)
    if case is None or SharedSection.CONCERNS_AND_RISK not in sections:
        return Intake(referral_id=r.id, from_org_code=from_org_code, child=draft)
    return Intake(
        referral_id=r.id,
        from_org_code=from_org_code,
        child=draft,
        concerns=tuple(case.concerns or ()),
        concern_other=case.concern_other,
        risk_level=case.risk_level,
        risk_reason=case.risk_reason,
    )


def _draft(child: Child, members: list[HouseholdMember], shared: set[str]) -> ChildDraft:
    values: dict[str, object] = {}
    for f in dataclasses.fields(ChildDraft):
        name = f.name
        if name == "texts":
            values[name] = {
                k: getattr(child, k) for k in catalog.plain_texts("child") if k in shared
            }
        elif name == "household":
            values[name] = tuple(
                HouseholdMemberDraft(**{m.name: getattr(one, m.name) for m in MEMBER_FIELDS})
                for one in members
            )
        elif name == "birth":
            values[name] = birth_of(child) if shared & BIRTH_COLUMNS else None
        elif name in shared:
            value = getattr(child, name)
            # Lists are tuples in a draft; an identity number not held is empty text.
            values[name] = tuple(value) if isinstance(value, list) else value or f.default
    return ChildDraft(**values)  # type: ignore[arg-type]
