"""Everything the case workspace shows, read in one trip to the worker thread.

One call, one consistent picture: the tabs never show a plan from before a change beside a
stage from after it. Reading the notes and the child's record is audited by the services.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from cmdesk.core.acting.case_actions import CaseAction
from cmdesk.core.i18n import N_
from cmdesk.core.model.case import Stage

if TYPE_CHECKING:
    from cmdesk.core.acting.audit import AuditRecord
    from cmdesk.core.acting.context import Actor
    from cmdesk.core.i18n import Translator
    from cmdesk.core.services.case_dto import CaseDTO
    from cmdesk.core.services.casework import AssessmentDTO, PlanDTO, ReviewDTO
    from cmdesk.core.services.children import ChildDTO
    from cmdesk.core.services.consents import ConsentDTO
    from cmdesk.core.services.mechanisms import MechanismDTO
    from cmdesk.core.services.notes import NoteDTO
    from cmdesk.core.services.organisations import OrganisationDTO
    from cmdesk.core.services.referrals import ReferralDTO
    from cmdesk.core.services.tasks import TaskDTO
    from cmdesk.core.workspace import Workspace

# A staff member whose account is on another laptop only (user accounts do not travel), as
# the case and the conflict review (sync/fields.py) name them.
ELSEWHERE = N_("a colleague on another laptop")


@dataclass(frozen=True)
class CaseBundle:
    case: CaseDTO
    child: ChildDTO
    assessments: list[AssessmentDTO]
    plan: PlanDTO
    reviews: list[ReviewDTO]
    notes: list[NoteDTO]
    consents: list[ConsentDTO]
    referrals: list[ReferralDTO]
    tasks: list[TaskDTO]
    history: list[AuditRecord]
    organisations: list[OrganisationDTO]
    # user id -> the colleague's full name (else their user name), to say who did what
    staff: dict[str, str] = field(default_factory=dict)
    # user name -> full name: the audit trail names people by user name
    people: dict[str, str] = field(default_factory=dict)
    actor: Actor | None = None
    # The child's address as each language writes it (worked out on the worker: the
    # geography tables take a moment to load the first time).
    address: dict[str, str] = field(default_factory=dict)
    # The organisation's community mechanisms, to show and pick the case's (services.mechanisms).
    mechanisms: list[MechanismDTO] = field(default_factory=list)

    # -- what the signed-in user may do now: the core says (CaseDTO.actions), and checks
    # again when it is done.
    def may(self, action: CaseAction) -> bool:
        return action in self.case.actions

    @property
    def is_open(self) -> bool:
        return self.case.stage != Stage.CLOSURE

    def who(self, user_id: str | None, tr: Translator) -> str:
        """A staff member's name (an account here, or a colleague the office's directory
        named); one this laptop does not know at all (made on another laptop since its last
        bundle from the office, say) is named as such, never left blank as if nobody were
        there."""
        if not user_id:
            return ""
        return self.staff.get(user_id) or tr.gettext(ELSEWHERE)

    def person(self, username: str) -> str:
        """A full name for a user name of the audit trail; a partner's user (not on this
        laptop) keeps the user name it signed with."""
        return self.people.get(username, username)

    def mechanism_name(self, mechanism_id: str | None) -> str:
        found = next((m for m in self.mechanisms if m.id == mechanism_id), None)
        return found.name if found else ""

    def org_code(self, org_id: str) -> str:
        for org in self.organisations:
            if org.id == org_id:
                return org.code
        return ""


def address_texts(province: str, district: str, subdistrict: str) -> dict[str, str]:
    from cmdesk.core.reference import geography

    top = geography.province(province) if province else None
    if top is None:
        return {}
    place = geography.Address(
        top,
        geography.district(district) if district else None,
        geography.subdistrict(subdistrict) if subdistrict else None,
    )
    return {"th": place.text("th"), "en": place.text("en")}


def _warm_locale_data() -> None:
    # Babel reads its month and day names from disk the first time a date is formatted;
    # doing it here keeps that out of the GUI thread when the tabs fill in.
    from cmdesk.core.acting.thai_time import thai_today
    from cmdesk.core.i18n import format_date, format_datetime

    today = thai_today()
    for locale in ("th", "en"):
        format_date(today, locale, "long")
        format_datetime(datetime.now(UTC), locale)


def load_case(ws: Workspace, case_id: str) -> CaseBundle:
    """Runs on the worker thread."""
    _warm_locale_data()
    case = ws.cases.get(case_id)
    child = ws.children.get(case.child_id)
    users = ws.users.people()
    staff = {u.id: u.display_name or u.username for u in users}
    people = {u.username: u.display_name or u.username for u in users}
    return CaseBundle(
        case=case,
        child=child,
        assessments=ws.casework.assessments(case_id),
        plan=ws.casework.plan(case_id),
        reviews=ws.casework.reviews(case_id),
        notes=ws.notes.list(case_id),
        consents=ws.consents.for_child(case.child_id),
        referrals=ws.referrals.for_case(case_id),
        tasks=ws.tasks.for_case(case_id),
        # The case's own entries and its child's (registration, reads, changes).
        history=ws.audit.history(case_id) + ws.audit.history(child.id),
        organisations=ws.organisations.list(),
        staff=staff,
        people=people,
        actor=ws.actor,
        address=address_texts(child.province_code, child.district_code, child.subdistrict_code),
        mechanisms=ws.mechanisms.list(),
    )
